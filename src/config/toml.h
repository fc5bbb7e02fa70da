/* SPDX-License-Identifier: Apache-2.0 */
/*
 * toml.h -- a TOML 1.0 document as a plain C tree. The parser is toml++
 * behind toml_bridge.cc; the tree is owned by C code and freed with one call.
 * Every value carries the line and column where it was written.
 */
#ifndef SL_CONFIG_TOML_H
#define SL_CONFIG_TOML_H

#include "sl_common.h"

#include "common/err.h"

enum sl_toml_kind {
    SL_TOML_TABLE,
    SL_TOML_ARRAY,
    SL_TOML_STRING,
    SL_TOML_INTEGER,
    SL_TOML_FLOAT,
    SL_TOML_BOOL,
    SL_TOML_DATETIME,       /* offset date-time: 1979-05-27T07:32:00Z */
    SL_TOML_DATETIME_LOCAL, /* local date-time: 1979-05-27T07:32:00 */
    SL_TOML_DATE_LOCAL,     /* local date: 1979-05-27 */
    SL_TOML_TIME_LOCAL,     /* local time: 07:32:00 */
};

/* Fields that a kind does not have are zero (a local date has no time). */
struct sl_toml_datetime {
    int year, month, day;
    int hour, minute, second;
    uint32_t nanosecond;
    int offset_minutes; /* SL_TOML_DATETIME only; 0 for Z */
};

struct sl_toml_entry;

struct sl_toml_value {
    enum sl_toml_kind kind;
    uint32_t line;   /* 1-based; 0 when unknown */
    uint32_t column; /* 1-based; 0 when unknown */
    union {
        struct {
            char *ptr; /* NUL-terminated; may also contain NUL (escaped \u0000) */
            size_t len;
        } str;
        int64_t integer;
        double flt;
        bool boolean;
        struct sl_toml_datetime dt;
        struct {
            struct sl_toml_entry *items; /* in the order the keys were first written */
            size_t len;
        } table;
        struct {
            struct sl_toml_value *items;
            size_t len;
        } array;
    } u;
};

struct sl_toml_entry {
    char *key; /* NUL-terminated (key_len bytes; may contain NUL) */
    size_t key_len;
    uint32_t line, column; /* where the key was first written */
    struct sl_toml_value value;
};

/*
 * Parses a TOML document of len bytes (need not be NUL-terminated). name is
 * used in error messages (a path, or e.g. "<string>"). On success *out is a
 * new root table owned by the caller (free with sl_toml_free). On failure
 * returns SL_EINVAL (SL_ENOMEM when out of memory) with "NAME:LINE:COL:
 * message" in *err, and *out is NULL. Thread-safe.
 */
sl_err sl_toml_parse(const char *data, size_t len, const char *name, struct sl_toml_value **out,
                     struct sl_error *err);

/* Reads path and parses it as above, naming it path; SL_EIO when unreadable. */
sl_err sl_toml_parse_file(const char *path, struct sl_toml_value **out, struct sl_error *err);

/* Frees a tree returned by the parser. Accepts NULL. */
void sl_toml_free(struct sl_toml_value *root);

/* The entry named key in a table, or NULL (also when v is NULL or not a table). Borrowed. */
const struct sl_toml_entry *sl_toml_entry_get(const struct sl_toml_value *table, const char *key);

/* The value of sl_toml_entry_get(), or NULL. */
const struct sl_toml_value *sl_toml_get(const struct sl_toml_value *table, const char *key);

/* The string of v when it is a string, else NULL. Borrowed. */
const char *sl_toml_string(const struct sl_toml_value *v);

/* "table", "array", "string", "integer", "float", "boolean", "datetime", ... */
const char *sl_toml_kind_name(enum sl_toml_kind kind);

/*
 * Writes a date/time value in RFC 3339 form as toml-test spells it:
 * "1979-05-27T07:32:00Z", "1979-05-27T00:32:00.5-07:00", "1979-05-27",
 * "07:32:00.999" (fraction without trailing zeros). buf is NUL-terminated.
 * Returns false when v is not a date/time kind.
 */
bool sl_toml_datetime_format(const struct sl_toml_value *v, char *buf, size_t bufsz);

#endif /* SL_CONFIG_TOML_H */
