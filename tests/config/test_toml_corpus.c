/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_toml_corpus.c -- runs the TOML parser over the toml-test corpus (the
 * TOML 1.0.0 file list): every valid file must give the expected tagged
 * JSON, every invalid file must be rejected. Skips when the corpus is absent.
 */
#include "sl_common.h"

#include "config/toml.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/fs.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef SL_TOML_TEST_DIR
#define SL_TOML_TEST_DIR ""
#endif

/*
 * Cases toml++ 3.3.0 gets wrong; each is counted as skipped, not failed.
 * Keep this short and give the reason; a listed case that starts passing is
 * reported so it can be removed.
 */
static const struct {
    const char *path;
    const char *reason;
} skip_list[] = {
    {NULL, NULL},
};

static const char *skip_reason(const char *path)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(skip_list); i++)
        if (skip_list[i].path && strcmp(skip_list[i].path, path) == 0)
            return skip_list[i].reason;
    return NULL;
}

/* The corpus root: $SLIGHT_TOML_TEST_DIR, else the path meson configured. */
static const char *corpus_dir(void)
{
    const char *d = getenv("SLIGHT_TOML_TEST_DIR");
    if (d == NULL || *d == '\0')
        d = SL_TOML_TEST_DIR;
    struct stat st;
    char list[4096];
    snprintf(list, sizeof(list), "%s/tests/files-toml-1.0.0", d);
    if (*d == '\0' || stat(list, &st) != 0)
        return NULL;
    return d;
}

/* ---- TOML tree -> tagged JSON ------------------------------------------ */

static cJSON *tagged(const char *type, const char *value)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", type);
    cJSON_AddStringToObject(o, "value", value);
    return o;
}

static cJSON *to_json(const struct sl_toml_value *v)
{
    char buf[128];
    switch (v->kind) {
    case SL_TOML_TABLE: {
        cJSON *o = cJSON_CreateObject();
        for (size_t i = 0; i < v->u.table.len; i++)
            cJSON_AddItemToObject(o, v->u.table.items[i].key, to_json(&v->u.table.items[i].value));
        return o;
    }
    case SL_TOML_ARRAY: {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; i < v->u.array.len; i++)
            cJSON_AddItemToArray(a, to_json(&v->u.array.items[i]));
        return a;
    }
    case SL_TOML_STRING:
        return tagged("string", v->u.str.ptr);
    case SL_TOML_INTEGER:
        snprintf(buf, sizeof(buf), "%lld", (long long)v->u.integer);
        return tagged("integer", buf);
    case SL_TOML_FLOAT:
        if (isnan(v->u.flt))
            snprintf(buf, sizeof(buf), "nan");
        else if (isinf(v->u.flt))
            snprintf(buf, sizeof(buf), "%sinf", v->u.flt < 0 ? "-" : "");
        else
            snprintf(buf, sizeof(buf), "%.17g", v->u.flt);
        return tagged("float", buf);
    case SL_TOML_BOOL:
        return tagged("bool", v->u.boolean ? "true" : "false");
    case SL_TOML_DATETIME:
        sl_toml_datetime_format(v, buf, sizeof(buf));
        return tagged("datetime", buf);
    case SL_TOML_DATETIME_LOCAL:
        sl_toml_datetime_format(v, buf, sizeof(buf));
        return tagged("datetime-local", buf);
    case SL_TOML_DATE_LOCAL:
        sl_toml_datetime_format(v, buf, sizeof(buf));
        return tagged("date-local", buf);
    case SL_TOML_TIME_LOCAL:
        sl_toml_datetime_format(v, buf, sizeof(buf));
        return tagged("time-local", buf);
    }
    return cJSON_CreateNull();
}

/* ---- semantic comparison ----------------------------------------------- */

struct dt {
    int y, mo, d, h, mi, s;
    long ns;
    int off; /* minutes */
};

/*
 * RFC 3339 date, date-time or time, as written in the corpus: 'T', 't' or
 * ' ' between date and time, fraction of any length, 'Z'/'z' or +hh:mm.
 */
static bool parse_dt(const char *s, struct dt *out)
{
    memset(out, 0, sizeof(*out));
    int n = 0;
    if (strlen(s) >= 10 && s[4] == '-') {
        if (sscanf(s, "%4d-%2d-%2d%n", &out->y, &out->mo, &out->d, &n) != 3)
            return false;
        s += n;
        if (*s == '\0')
            return true;
        if (*s != 'T' && *s != 't' && *s != ' ')
            return false;
        s++;
    }
    if (sscanf(s, "%2d:%2d:%2d%n", &out->h, &out->mi, &out->s, &n) != 3)
        return false;
    s += n;
    if (*s == '.') {
        s++;
        long scale = 100000000;
        while (*s >= '0' && *s <= '9') {
            out->ns += (*s - '0') * scale;
            scale /= 10;
            s++;
        }
    }
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (*s == '+' || *s == '-') {
        int oh, om;
        int sign = *s == '-' ? -1 : 1;
        if (sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) != 2)
            return false;
        out->off = sign * (oh * 60 + om);
        s += 1 + n;
    }
    return *s == '\0';
}

static bool same_float(const char *a, const char *b)
{
    bool a_nan = strstr(a, "nan") != NULL, b_nan = strstr(b, "nan") != NULL;
    if (a_nan || b_nan)
        return a_nan && b_nan;
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);
    return *ea == '\0' && *eb == '\0' && x == y && signbit(x) == signbit(y);
}

static bool same_leaf(const char *type, const char *want, const char *got)
{
    if (strcmp(type, "integer") == 0) {
        char *ea, *eb;
        long long x = strtoll(want, &ea, 10), y = strtoll(got, &eb, 10);
        return *ea == '\0' && *eb == '\0' && x == y;
    }
    if (strcmp(type, "float") == 0)
        return same_float(want, got);
    if (strncmp(type, "date", 4) == 0 || strcmp(type, "time-local") == 0) {
        struct dt x, y;
        return parse_dt(want, &x) && parse_dt(got, &y) && memcmp(&x, &y, sizeof(x)) == 0;
    }
    return strcmp(want, got) == 0;
}

static bool is_leaf(const cJSON *j)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "type");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "value");
    return cJSON_IsObject(j) && cJSON_GetArraySize(j) == 2 && cJSON_IsString(t)
           && cJSON_IsString(v);
}

/* Compares; on a difference writes where it is into why and returns false. */
static bool same_json(const cJSON *want, const cJSON *got, struct sl_buf *path, char *why,
                      size_t whysz)
{
    if (is_leaf(want)) {
        if (!is_leaf(got)) {
            snprintf(why, whysz, "%s: expected a value, got a table or array", sl_buf_cstr(path));
            return false;
        }
        const char *wt = cJSON_GetObjectItemCaseSensitive(want, "type")->valuestring;
        const char *gt = cJSON_GetObjectItemCaseSensitive(got, "type")->valuestring;
        const char *wv = cJSON_GetObjectItemCaseSensitive(want, "value")->valuestring;
        const char *gv = cJSON_GetObjectItemCaseSensitive(got, "value")->valuestring;
        if (strcmp(wt, gt) != 0 || !same_leaf(wt, wv, gv)) {
            snprintf(why, whysz, "%s: expected %s \"%s\", got %s \"%s\"", sl_buf_cstr(path), wt, wv,
                     gt, gv);
            return false;
        }
        return true;
    }
    if (cJSON_IsArray(want)) {
        if (!cJSON_IsArray(got) || cJSON_GetArraySize(want) != cJSON_GetArraySize(got)) {
            snprintf(why, whysz, "%s: array differs in type or length", sl_buf_cstr(path));
            return false;
        }
        size_t mark = path->len;
        for (int i = 0; i < cJSON_GetArraySize(want); i++) {
            sl_buf_appendf(path, "[%d]", i);
            if (!same_json(cJSON_GetArrayItem(want, i), cJSON_GetArrayItem(got, i), path, why,
                           whysz))
                return false;
            path->len = mark;
            path->data[mark] = '\0';
        }
        return true;
    }
    if (!cJSON_IsObject(want) || !cJSON_IsObject(got) || is_leaf(got)
        || cJSON_GetArraySize(want) != cJSON_GetArraySize(got)) {
        snprintf(why, whysz, "%s: table differs in type or number of keys", sl_buf_cstr(path));
        return false;
    }
    size_t mark = path->len;
    const cJSON *w;
    cJSON_ArrayForEach(w, want)
    {
        sl_buf_appendf(path, ".%s", w->string);
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
        if (g == NULL) {
            snprintf(why, whysz, "%s: missing", sl_buf_cstr(path));
            return false;
        }
        if (!same_json(w, g, path, why, whysz))
            return false;
        path->len = mark;
        path->data[mark] = '\0';
    }
    return true;
}

/* ---- the runner -------------------------------------------------------- */

struct tally {
    int passed, failed, skipped, stale_skips;
};

/* Returns NULL on success, else a description of the failure in why. */
static bool check_valid(const char *root, const char *rel, char *why, size_t whysz)
{
    char tpath[4096], jpath[4096];
    snprintf(tpath, sizeof(tpath), "%s/tests/%s", root, rel);
    snprintf(jpath, sizeof(jpath), "%.*s.json", (int)(strlen(tpath) - 5), tpath);
    struct sl_error err = SL_ERROR_INIT;
    struct sl_toml_value *doc = NULL;
    if (sl_toml_parse_file(tpath, &doc, &err) != SL_OK) {
        snprintf(why, whysz, "rejected: %s", err.msg);
        return false;
    }
    struct sl_buf js = SL_BUF_INIT;
    if (sl_fs_read_file(jpath, &js, &err) != SL_OK) {
        sl_toml_free(doc);
        snprintf(why, whysz, "no expected JSON: %s", err.msg);
        return false;
    }
    cJSON *want = cJSON_ParseWithLength(js.data, js.len);
    cJSON *got = to_json(doc);
    struct sl_buf path = SL_BUF_INIT;
    sl_buf_appends(&path, "$");
    bool ok = want != NULL;
    if (!ok)
        snprintf(why, whysz, "expected JSON does not parse");
    else
        ok = same_json(want, got, &path, why, whysz);
    sl_buf_release(&path);
    cJSON_Delete(want);
    cJSON_Delete(got);
    sl_buf_release(&js);
    sl_toml_free(doc);
    return ok;
}

static bool check_invalid(const char *root, const char *rel, char *why, size_t whysz)
{
    char tpath[4096];
    snprintf(tpath, sizeof(tpath), "%s/tests/%s", root, rel);
    struct sl_error err = SL_ERROR_INIT;
    struct sl_toml_value *doc = NULL;
    sl_err rc = sl_toml_parse_file(tpath, &doc, &err);
    sl_toml_free(doc);
    if (rc == SL_OK) {
        snprintf(why, whysz, "accepted an invalid document");
        return false;
    }
    /* Messages are "FILE:LINE:COL: text". */
    size_t plen = strlen(tpath);
    unsigned line = 0, col = 0;
    if (strncmp(err.msg, tpath, plen) != 0 || sscanf(err.msg + plen, ":%u:%u: ", &line, &col) != 2
        || line == 0) {
        snprintf(why, whysz, "message not in FILE:LINE:COL form: %s", err.msg);
        return false;
    }
    return true;
}

static void run_corpus(const char *prefix,
                       bool (*check)(const char *, const char *, char *, size_t))
{
    const char *root = corpus_dir();
    if (root == NULL)
        cr_skip_test("toml-test corpus not found (set SLIGHT_TOML_TEST_DIR)");
    char list[4096];
    snprintf(list, sizeof(list), "%s/tests/files-toml-1.0.0", root);
    FILE *f = fopen(list, "r");
    cr_assert_not_null(f);
    struct tally t = {0};
    char line[1024];
    size_t plen = strlen(prefix);
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        size_t n = strlen(line);
        if (strncmp(line, prefix, plen) != 0 || n < 5 || strcmp(line + n - 5, ".toml") != 0)
            continue;
        char why[1024] = "";
        bool ok = check(root, line, why, sizeof(why));
        const char *skip = skip_reason(line);
        if (skip != NULL) {
            t.skipped++;
            if (ok) {
                t.stale_skips++;
                cr_log_warn("%s is in the skip list but passes now", line);
            }
        } else if (ok) {
            t.passed++;
        } else {
            t.failed++;
            cr_log_error("%s: %s", line, why);
        }
    }
    fclose(f);
    fprintf(stderr, "toml-test %s: %d passed, %d failed, %d skipped\n", prefix, t.passed, t.failed,
            t.skipped);
    cr_expect_eq(t.failed, 0, "%d %s cases failed", t.failed, prefix);
    cr_expect_gt(t.passed, 0);
}

Test(toml_corpus, valid)
{
    run_corpus("valid/", check_valid);
}

Test(toml_corpus, invalid)
{
    run_corpus("invalid/", check_invalid);
}
