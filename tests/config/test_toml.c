/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_toml.c -- the C tree of toml.h: key order, positions, lookups, kinds,
 * date/time formatting, error messages, and failing allocations (every one
 * must give SL_ENOMEM and no leak, never a crash).
 */
#include "sl_common.h"

#include "config/toml.h"

#include "common/err.h"
#include "common/mem.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct sl_toml_value *parse_ok(const char *text)
{
    struct sl_toml_value *doc = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_toml_parse(text, strlen(text), "t.toml", &doc, &err), SL_OK, "%s", err.msg);
    cr_assert_not_null(doc);
    return doc;
}

Test(toml, keys_keep_written_order_and_positions)
{
    struct sl_toml_value *doc = parse_ok("zeta = 1\n"
                                         "alpha = \"a\"\n"
                                         "[mid]\n"
                                         "  y = true\n"
                                         "  b = 2.5\n"
                                         "[[arr]]\n"
                                         "x = 1\n"
                                         "[[arr]]\n"
                                         "x = 2\n");
    cr_assert_eq(doc->kind, SL_TOML_TABLE);
    cr_assert_eq(doc->u.table.len, 4);
    static const char *const order[] = {"zeta", "alpha", "mid", "arr"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(doc->u.table.items[i].key, order[i]);
    const struct sl_toml_entry *alpha = sl_toml_entry_get(doc, "alpha");
    cr_assert_eq(alpha->line, 2);
    cr_assert_eq(alpha->column, 1);
    cr_assert_eq(alpha->value.line, 2);
    cr_assert_eq(alpha->value.column, 9);
    cr_assert_str_eq(sl_toml_string(&alpha->value), "a");
    const struct sl_toml_value *mid = sl_toml_get(doc, "mid");
    cr_assert_eq(mid->kind, SL_TOML_TABLE);
    cr_assert_eq(mid->line, 3);
    cr_assert_str_eq(mid->u.table.items[0].key, "y");
    cr_assert_eq(mid->u.table.items[0].line, 4);
    cr_assert_eq(mid->u.table.items[0].column, 3);
    cr_assert(sl_toml_get(mid, "y")->u.boolean);
    cr_assert_float_eq(sl_toml_get(mid, "b")->u.flt, 2.5, 1e-12);
    const struct sl_toml_value *arr = sl_toml_get(doc, "arr");
    cr_assert_eq(arr->kind, SL_TOML_ARRAY);
    cr_assert_eq(arr->u.array.len, 2);
    cr_assert_eq(arr->u.array.items[1].line, 8);
    cr_assert_eq(sl_toml_get(&arr->u.array.items[1], "x")->u.integer, 2);
    cr_assert_null(sl_toml_get(doc, "missing"));
    cr_assert_null(sl_toml_get(arr, "x"));
    cr_assert_null(sl_toml_get(NULL, "x"));
    cr_assert_null(sl_toml_string(mid));
    sl_toml_free(doc);
}

Test(toml, dotted_keys_and_inline_tables)
{
    struct sl_toml_value *doc = parse_ok("b.c = 1\na = { z = 1, y = 2 }\nb.a = 2\n");
    cr_assert_str_eq(doc->u.table.items[0].key, "b");
    cr_assert_str_eq(doc->u.table.items[1].key, "a");
    const struct sl_toml_value *a = sl_toml_get(doc, "a");
    cr_assert_str_eq(a->u.table.items[0].key, "z");
    cr_assert_str_eq(a->u.table.items[1].key, "y");
    const struct sl_toml_value *b = sl_toml_get(doc, "b");
    cr_assert_str_eq(b->u.table.items[0].key, "c");
    cr_assert_str_eq(b->u.table.items[1].key, "a");
    sl_toml_free(doc);
}

Test(toml, strings_with_nul_keep_their_length)
{
    struct sl_toml_value *doc = parse_ok("s = \"a\\u0000b\"\n\"k\\u0000\" = 1\n");
    const struct sl_toml_value *s = sl_toml_get(doc, "s");
    cr_assert_eq(s->u.str.len, 3);
    cr_assert_eq(memcmp(s->u.str.ptr, "a\0b", 4), 0);
    cr_assert_eq(doc->u.table.items[1].key_len, 2);
    sl_toml_free(doc);
}

Test(toml, datetimes)
{
    struct sl_toml_value *doc = parse_ok("a = 1979-05-27T07:32:00Z\n"
                                         "b = 1979-05-27 00:32:00.5-07:00\n"
                                         "c = 1979-05-27T07:32:00.123456789\n"
                                         "d = 1979-05-27\n"
                                         "e = 07:32:00.250\n"
                                         "f = 2000-01-01t00:00:00+05:30\n");
    static const struct {
        const char *key;
        enum sl_toml_kind kind;
        const char *text;
    } want[] = {
        {"a", SL_TOML_DATETIME, "1979-05-27T07:32:00Z"},
        {"b", SL_TOML_DATETIME, "1979-05-27T00:32:00.5-07:00"},
        {"c", SL_TOML_DATETIME_LOCAL, "1979-05-27T07:32:00.123456789"},
        {"d", SL_TOML_DATE_LOCAL, "1979-05-27"},
        {"e", SL_TOML_TIME_LOCAL, "07:32:00.25"},
        {"f", SL_TOML_DATETIME, "2000-01-01T00:00:00+05:30"},
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(want); i++) {
        const struct sl_toml_value *v = sl_toml_get(doc, want[i].key);
        char buf[64];
        cr_assert_eq(v->kind, want[i].kind, "%s", want[i].key);
        cr_assert(sl_toml_datetime_format(v, buf, sizeof(buf)));
        cr_assert_str_eq(buf, want[i].text);
    }
    cr_assert_eq(sl_toml_get(doc, "b")->u.dt.offset_minutes, -420);
    char tiny[8];
    cr_assert(sl_toml_datetime_format(sl_toml_get(doc, "a"), tiny, sizeof(tiny)));
    cr_assert_eq(strlen(tiny), 7);
    cr_assert_not(sl_toml_datetime_format(doc, tiny, sizeof(tiny)));
    sl_toml_free(doc);
}

Test(toml, kind_names)
{
    cr_assert_str_eq(sl_toml_kind_name(SL_TOML_TABLE), "table");
    cr_assert_str_eq(sl_toml_kind_name(SL_TOML_BOOL), "boolean");
    cr_assert_str_eq(sl_toml_kind_name(SL_TOML_TIME_LOCAL), "local time");
}

Test(toml, errors_name_file_line_and_column)
{
    static const struct {
        const char *text;
        const char *prefix;
    } cases[] = {
        {"a = 1\na = 2\n", "t.toml:2:5: "}, {"a = \n", "t.toml:1:"},
        {"x = [1,\n", "t.toml:1:"},         {"[t]\n[t]\n", "t.toml:2:"},
        {"s = \"\xff\"\n", "t.toml:1:"},
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(cases); i++) {
        struct sl_toml_value *doc = (void *)1;
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(sl_toml_parse(cases[i].text, strlen(cases[i].text), "t.toml", &doc, &err),
                     SL_EINVAL, "case %zu accepted", i);
        cr_assert_null(doc);
        cr_assert_eq(strncmp(err.msg, cases[i].prefix, strlen(cases[i].prefix)), 0, "%s", err.msg);
        cr_assert_gt(strlen(err.msg), strlen(cases[i].prefix) + 3, "%s", err.msg);
    }
}

Test(toml, buffer_need_not_be_terminated)
{
    const char text[] = "a = 1\nb = 2garbage";
    struct sl_toml_value *doc = NULL;
    cr_assert_eq(sl_toml_parse(text, 11, NULL, &doc, NULL), SL_OK);
    cr_assert_eq(sl_toml_get(doc, "b")->u.integer, 2);
    sl_toml_free(doc);
    cr_assert_eq(sl_toml_parse(NULL, 0, NULL, &doc, NULL), SL_OK);
    cr_assert_eq(doc->u.table.len, 0);
    sl_toml_free(doc);
    sl_toml_free(NULL);
}

Test(toml, parse_file)
{
    char path[] = "/tmp/sl_toml_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "k = 'v'\n", 8), 8);
    close(fd);
    struct sl_toml_value *doc = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_toml_parse_file(path, &doc, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(sl_toml_string(sl_toml_get(doc, "k")), "v");
    sl_toml_free(doc);
    unlink(path);
    cr_assert_neq(sl_toml_parse_file(path, &doc, &err), SL_OK);
    cr_assert_null(doc);
}

Test(toml, every_failing_allocation_is_reported)
{
    const char *text = "a = 'x'\n[t]\nb = [1, 'two', {c = 3}]\n[[u]]\nd = 1979-05-27\n";
    bool completed = false;
    for (unsigned long n = 1; n < 200 && !completed; n++) {
        struct sl_toml_value *doc = NULL;
        struct sl_error err = SL_ERROR_INIT;
        sl_mem_fail_after(n);
        sl_err rc = sl_toml_parse(text, strlen(text), "t.toml", &doc, &err);
        sl_mem_fail_after(0);
        if (rc == SL_OK) {
            completed = true;
        } else {
            cr_assert_eq(rc, SL_ENOMEM, "allocation %lu: %s", n, err.msg);
            cr_assert_null(doc);
        }
        sl_toml_free(doc);
    }
    cr_assert(completed);
}
