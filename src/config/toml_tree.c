/* SPDX-License-Identifier: Apache-2.0 */
/*
 * toml_tree.c -- the C side of toml.h: reading a file for the parser,
 * freeing trees, key lookup and RFC 3339 formatting. Parsing itself is in
 * toml_bridge.cc.
 */
#include "sl_common.h"

#include "toml.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/fs.h"
#include "common/mem.h"

#include <stdio.h>
#include <string.h>

sl_err sl_toml_parse_file(const char *path, struct sl_toml_value **out, struct sl_error *err)
{
    struct sl_buf buf = SL_BUF_INIT;
    *out = NULL;
    sl_err rc = sl_fs_read_file(path, &buf, err);
    if (rc != SL_OK) {
        sl_buf_release(&buf);
        return rc;
    }
    rc = sl_toml_parse(buf.data, buf.len, path, out, err);
    sl_buf_release(&buf);
    return rc;
}

static void free_value(struct sl_toml_value *v)
{
    switch (v->kind) {
    case SL_TOML_TABLE:
        for (size_t i = 0; i < v->u.table.len; i++) {
            sl_free(v->u.table.items[i].key);
            free_value(&v->u.table.items[i].value);
        }
        sl_free(v->u.table.items);
        break;
    case SL_TOML_ARRAY:
        for (size_t i = 0; i < v->u.array.len; i++)
            free_value(&v->u.array.items[i]);
        sl_free(v->u.array.items);
        break;
    case SL_TOML_STRING:
        sl_free(v->u.str.ptr);
        break;
    default:
        break;
    }
}

void sl_toml_free(struct sl_toml_value *root)
{
    if (root == NULL)
        return;
    free_value(root);
    sl_free(root);
}

const struct sl_toml_entry *sl_toml_entry_get(const struct sl_toml_value *table, const char *key)
{
    if (table == NULL || table->kind != SL_TOML_TABLE || key == NULL)
        return NULL;
    size_t klen = strlen(key);
    for (size_t i = 0; i < table->u.table.len; i++) {
        const struct sl_toml_entry *e = &table->u.table.items[i];
        if (e->key_len == klen && memcmp(e->key, key, klen) == 0)
            return e;
    }
    return NULL;
}

const struct sl_toml_value *sl_toml_get(const struct sl_toml_value *table, const char *key)
{
    const struct sl_toml_entry *e = sl_toml_entry_get(table, key);
    return e ? &e->value : NULL;
}

const char *sl_toml_string(const struct sl_toml_value *v)
{
    return v && v->kind == SL_TOML_STRING ? v->u.str.ptr : NULL;
}

const char *sl_toml_kind_name(enum sl_toml_kind kind)
{
    switch (kind) {
    case SL_TOML_TABLE:
        return "table";
    case SL_TOML_ARRAY:
        return "array";
    case SL_TOML_STRING:
        return "string";
    case SL_TOML_INTEGER:
        return "integer";
    case SL_TOML_FLOAT:
        return "float";
    case SL_TOML_BOOL:
        return "boolean";
    case SL_TOML_DATETIME:
        return "datetime";
    case SL_TOML_DATETIME_LOCAL:
        return "local datetime";
    case SL_TOML_DATE_LOCAL:
        return "local date";
    case SL_TOML_TIME_LOCAL:
        return "local time";
    }
    return "unknown";
}

/* "HH:MM:SS" plus ".fff" without trailing zeros when there is a fraction. */
static size_t format_time(const struct sl_toml_datetime *dt, char *buf, size_t bufsz)
{
    int n = snprintf(buf, bufsz, "%02d:%02d:%02d", dt->hour, dt->minute, dt->second);
    if (n < 0 || (size_t)n >= bufsz)
        return bufsz;
    if (dt->nanosecond != 0) {
        char frac[16];
        snprintf(frac, sizeof(frac), "%09u", (unsigned)dt->nanosecond);
        size_t flen = strlen(frac);
        while (flen > 1 && frac[flen - 1] == '0')
            flen--;
        int m = snprintf(buf + n, bufsz - (size_t)n, ".%.*s", (int)flen, frac);
        if (m < 0)
            return bufsz;
        n += m;
    }
    return (size_t)n;
}

bool sl_toml_datetime_format(const struct sl_toml_value *v, char *buf, size_t bufsz)
{
    if (bufsz == 0)
        return false;
    buf[0] = '\0';
    if (v == NULL)
        return false;
    const struct sl_toml_datetime *dt = &v->u.dt;
    size_t n = 0;
    switch (v->kind) {
    case SL_TOML_TIME_LOCAL:
        format_time(dt, buf, bufsz);
        return true;
    case SL_TOML_DATE_LOCAL:
        snprintf(buf, bufsz, "%04d-%02d-%02d", dt->year, dt->month, dt->day);
        return true;
    case SL_TOML_DATETIME:
    case SL_TOML_DATETIME_LOCAL:
        break;
    default:
        return false;
    }
    int d = snprintf(buf, bufsz, "%04d-%02d-%02dT", dt->year, dt->month, dt->day);
    if (d < 0 || (size_t)d >= bufsz)
        return true;
    n = (size_t)d;
    n += format_time(dt, buf + n, bufsz - n);
    if (v->kind != SL_TOML_DATETIME || n >= bufsz)
        return true;
    if (dt->offset_minutes == 0) {
        snprintf(buf + n, bufsz - n, "Z");
    } else {
        int off = dt->offset_minutes < 0 ? -dt->offset_minutes : dt->offset_minutes;
        snprintf(buf + n, bufsz - n, "%c%02d:%02d", dt->offset_minutes < 0 ? '-' : '+', off / 60,
                 off % 60);
    }
    return true;
}
