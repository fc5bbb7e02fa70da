/* SPDX-License-Identifier: Apache-2.0 */
/*
 * units.c -- durations and sizes written as "<digits><unit>". Whole numbers
 * only, no spaces, case-sensitive units; overflow is an error, never a wrap.
 */
#include "sl_common.h"

#include "units.h"

#include <stdio.h>
#include <string.h>

struct unit {
    const char *name;
    uint64_t factor;
};

static const struct unit duration_units[] = {
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 60 * 60 * 1000},
};

static const struct unit size_units[] = {
    {"B", 1},      {"KB", 1000},         {"MB", 1000 * 1000},         {"GB", 1000 * 1000 * 1000},
    {"KiB", 1024}, {"MiB", 1024 * 1024}, {"GiB", 1024 * 1024 * 1024},
};

/* Shared by both parsers; what names the kind of value in messages. */
static sl_err parse_with_units(const char *s, const struct unit *units, size_t n_units,
                               const char *what, const char *form, uint64_t *out,
                               struct sl_error *err)
{
    if (s == NULL)
        s = "";
    const char *p = s;
    uint64_t num = 0;
    bool too_big = false;
    while (*p >= '0' && *p <= '9') {
        uint64_t d = (uint64_t)(*p - '0');
        if (num > (UINT64_MAX - d) / 10)
            too_big = true;
        else
            num = num * 10 + d;
        p++;
    }
    if (p == s || *p == '\0')
        return sl_error_set(err, SL_EINVAL, "invalid %s '%.64s': expected %s", what, s, form);
    const struct unit *u = NULL;
    for (size_t i = 0; i < n_units; i++) {
        if (strcmp(p, units[i].name) == 0) {
            u = &units[i];
            break;
        }
    }
    if (u == NULL)
        return sl_error_set(err, SL_EINVAL, "invalid %s '%.64s': expected %s", what, s, form);
    if (too_big || num > UINT64_MAX / u->factor)
        return sl_error_set(err, SL_EINVAL, "invalid %s '%.64s': too large", what, s);
    *out = num * u->factor;
    return SL_OK;
}

sl_err sl_parse_duration(const char *s, uint64_t *out_ms, struct sl_error *err)
{
    return parse_with_units(s, duration_units, SL_ARRAY_SIZE(duration_units), "duration",
                            SL_DURATION_FORM, out_ms, err);
}

sl_err sl_parse_size(const char *s, uint64_t *out_bytes, struct sl_error *err)
{
    return parse_with_units(s, size_units, SL_ARRAY_SIZE(size_units), "size", SL_SIZE_FORM,
                            out_bytes, err);
}

/* Picks the largest unit (in table order of preference) that divides v exactly. */
static void format_with_units(uint64_t v, const struct unit *const *prefs, size_t n, char *buf,
                              size_t bufsz)
{
    for (size_t i = 0; i < n; i++) {
        if (v != 0 && v % prefs[i]->factor == 0) {
            snprintf(buf, bufsz, "%llu%s", (unsigned long long)(v / prefs[i]->factor),
                     prefs[i]->name);
            return;
        }
    }
    snprintf(buf, bufsz, "%llu%s", (unsigned long long)v, prefs[n - 1]->name);
}

void sl_format_duration(uint64_t ms, char *buf, size_t bufsz)
{
    static const struct unit *const prefs[] = {&duration_units[3], &duration_units[2],
                                               &duration_units[1], &duration_units[0]};
    if (ms == 0) {
        snprintf(buf, bufsz, "0s");
        return;
    }
    format_with_units(ms, prefs, SL_ARRAY_SIZE(prefs), buf, bufsz);
}

void sl_format_size(uint64_t bytes, char *buf, size_t bufsz)
{
    static const struct unit *const prefs[] = {&size_units[6], &size_units[5], &size_units[4],
                                               &size_units[3], &size_units[2], &size_units[1],
                                               &size_units[0]};
    format_with_units(bytes, prefs, SL_ARRAY_SIZE(prefs), buf, bufsz);
}
