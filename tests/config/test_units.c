/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_units.c -- durations and sizes: every unit, the error messages for a
 * bare number, a bad unit and overflow, and formatting round trips.
 */
#include "sl_common.h"

#include "common/units.h"

#include "common/err.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static uint64_t dur(const char *s)
{
    uint64_t v = 12345;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_parse_duration(s, &v, &err), SL_OK, "%s: %s", s, err.msg);
    return v;
}

static uint64_t size(const char *s)
{
    uint64_t v = 12345;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_parse_size(s, &v, &err), SL_OK, "%s: %s", s, err.msg);
    return v;
}

static void dur_fails(const char *s, const char *msg)
{
    uint64_t v = 777;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_parse_duration(s, &v, &err), SL_EINVAL, "%s accepted", s ? s : "(null)");
    cr_assert_eq(err.code, SL_EINVAL);
    cr_assert_str_eq(err.msg, msg);
    cr_assert_eq(v, 777, "output changed on failure");
}

static void size_fails(const char *s, const char *msg)
{
    uint64_t v = 777;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_parse_size(s, &v, &err), SL_EINVAL, "%s accepted", s);
    cr_assert_str_eq(err.msg, msg);
    cr_assert_eq(v, 777);
}

Test(units, durations)
{
    cr_assert_eq(dur("500ms"), 500);
    cr_assert_eq(dur("30s"), 30000);
    cr_assert_eq(dur("2m"), 120000);
    cr_assert_eq(dur("1h"), 3600000);
    cr_assert_eq(dur("0s"), 0);
    cr_assert_eq(dur("007s"), 7000);
    cr_assert_eq(dur("18446744073709551615ms"), UINT64_MAX);
}

Test(units, duration_errors)
{
    const char *form = "expected a number followed by ms, s, m or h (e.g. 30s, 500ms)";
    char want[256];
    static const char *const bad[] = {"30",  "30sec", "30 s", " 30s", "30s ", "s",     "",    "-5s",
                                      "+5s", "1.5s",  "30S",  "30MS", "1d",   "0x10s", "5h5m"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++) {
        snprintf(want, sizeof(want), "invalid duration '%s': %s", bad[i], form);
        dur_fails(bad[i], want);
    }
    snprintf(want, sizeof(want), "invalid duration '': %s", form);
    dur_fails(NULL, want);
    dur_fails("18446744073709551616ms", "invalid duration '18446744073709551616ms': too large");
    dur_fails("18446744073709552s", "invalid duration '18446744073709552s': too large");
    dur_fails("99999999999999999999999h", "invalid duration '99999999999999999999999h': too large");
}

Test(units, sizes)
{
    cr_assert_eq(size("0B"), 0);
    cr_assert_eq(size("100B"), 100);
    cr_assert_eq(size("1KB"), 1000);
    cr_assert_eq(size("2MB"), 2000000);
    cr_assert_eq(size("3GB"), UINT64_C(3000000000));
    cr_assert_eq(size("1KiB"), 1024);
    cr_assert_eq(size("64MiB"), UINT64_C(64) << 20);
    cr_assert_eq(size("4GiB"), UINT64_C(4) << 30);
    cr_assert_eq(size("17179869183GiB"), (UINT64_C(17179869183) << 30));
}

Test(units, size_errors)
{
    const char *form =
        "expected a number followed by B, KB, MB, GB, KiB, MiB or GiB (e.g. 64MiB, 512KB)";
    char want[256];
    static const char *const bad[] = {"64", "64mb",   "64Mb", "64M",    "64 MiB", "MiB",
                                      "",   "1.5GiB", "1TiB", "64MiBs", "-1B",    "1e6B"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++) {
        snprintf(want, sizeof(want), "invalid size '%s': %s", bad[i], form);
        size_fails(bad[i], want);
    }
    size_fails("17179869184GiB", "invalid size '17179869184GiB': too large");
    size_fails("18446744073709551616B", "invalid size '18446744073709551616B': too large");
}

Test(units, long_input_is_cut_in_message)
{
    char s[300];
    memset(s, '9', sizeof(s) - 2);
    s[sizeof(s) - 2] = 'x';
    s[sizeof(s) - 1] = '\0';
    struct sl_error err = SL_ERROR_INIT;
    uint64_t v;
    cr_assert_eq(sl_parse_duration(s, &v, &err), SL_EINVAL);
    cr_assert_lt(strlen(err.msg), 200);
}

Test(units, format_round_trip)
{
    static const uint64_t ms[] = {0,     1,     999,     1000,    1500,
                                  60000, 90000, 3600000, 7200000, UINT64_MAX};
    static const char *const ms_text[] = {"0s", "1ms", "999ms", "1s", "1500ms",
                                          "1m", "90s", "1h",    "2h", "18446744073709551615ms"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(ms); i++) {
        char buf[64];
        sl_format_duration(ms[i], buf, sizeof(buf));
        cr_assert_str_eq(buf, ms_text[i]);
        cr_assert_eq(dur(buf), ms[i]);
    }
    static const uint64_t b[] = {0,
                                 1,
                                 1000,
                                 1024,
                                 1536,
                                 2000000,
                                 UINT64_C(64) << 20,
                                 UINT64_C(4) << 30,
                                 UINT64_C(5000000000)};
    static const char *const b_text[] = {"0B",  "1B",    "1KB",  "1KiB", "1536B",
                                         "2MB", "64MiB", "4GiB", "5GB"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(b); i++) {
        char buf[64];
        sl_format_size(b[i], buf, sizeof(buf));
        cr_assert_str_eq(buf, b_text[i]);
        cr_assert_eq(size(buf), b[i]);
    }
}
