/* SPDX-License-Identifier: Apache-2.0 */
/*
 * slightfile_resources.c -- every resource string the slightfile accepts
 * (slight v0.5.1's, its kv./mq./lockd. spellings, and the backends added
 * here), secret_store values, import-module types and "did you mean"
 * suggestions. Whether a backend is built in is the registry's business.
 */
#include "sl_common.h"

#include "slightfile_int.h"

#include <stdio.h>
#include <string.h>

/* clang-format off */
#define RES(n, c, p, t, b) {n, c, p, t, b, SL_SF_RES_OK}
/* clang-format on */

/* Sorted by canonical name; aliases follow their canonical entry. */
static const struct sl_slightfile_res resources[] = {
    RES("blobstore.aws_s3", "blobstore.aws_s3", "blobstore", "blob", "aws_s3"),
    RES("blobstore.azblob", "blobstore.azblob", "blobstore", "blob", "azblob"),
    RES("blobstore.filesystem", "blobstore.filesystem", "blobstore", "blob", "filesystem"),
    RES("configs.azapp", "configs.azapp", "configs", "configs", "azapp"),
    RES("configs.envvars", "configs.envvars", "configs", "configs", "envvars"),
    RES("configs.file", "configs.file", "configs", "configs", "file"),
    {"configs.local", "configs.local", "configs", "configs", "local", SL_SF_RES_SECRET_STORE_ONLY},
    RES("configs.usersecrets", "configs.usersecrets", "configs", "configs", "usersecrets"),
    RES("distributed_locking.etcd", "distributed_locking.etcd", "distributed_locking",
        "distributed_locking", "etcd"),
    RES("lockd.etcd", "distributed_locking.etcd", "distributed_locking", "distributed_locking",
        "etcd"),
    RES("distributed_locking.filesystem", "distributed_locking.filesystem", "distributed_locking",
        "distributed_locking", "filesystem"),
    RES("distributed_locking.redis", "distributed_locking.redis", "distributed_locking",
        "distributed_locking", "redis"),
    RES("http", "http", "http", "http", ""),
    RES("http-client", "http-client", "http-client", "http-client", ""),
    RES("keyvalue.awsdynamodb", "keyvalue.awsdynamodb", "keyvalue", "keyvalue", "awsdynamodb"),
    RES("kv.awsdynamodb", "keyvalue.awsdynamodb", "keyvalue", "keyvalue", "awsdynamodb"),
    RES("keyvalue.azblob", "keyvalue.azblob", "keyvalue", "keyvalue", "azblob"),
    RES("kv.azblob", "keyvalue.azblob", "keyvalue", "keyvalue", "azblob"),
    {"keyvalue.dapr", "keyvalue.dapr", "keyvalue", "keyvalue", "dapr", SL_SF_RES_UNSUPPORTED},
    RES("keyvalue.filesystem", "keyvalue.filesystem", "keyvalue", "keyvalue", "filesystem"),
    RES("kv.filesystem", "keyvalue.filesystem", "keyvalue", "keyvalue", "filesystem"),
    RES("keyvalue.memory", "keyvalue.memory", "keyvalue", "keyvalue", "memory"),
    RES("keyvalue.redis", "keyvalue.redis", "keyvalue", "keyvalue", "redis"),
    RES("kv.redis", "keyvalue.redis", "keyvalue", "keyvalue", "redis"),
    RES("keyvalue.sqlite", "keyvalue.sqlite", "keyvalue", "keyvalue", "sqlite"),
    RES("messaging.amqp", "messaging.amqp", "messaging", "messaging", "amqp"),
    RES("messaging.azsbus", "messaging.azsbus", "messaging", "messaging", "azsbus"),
    RES("mq.azsbus", "messaging.azsbus", "messaging", "messaging", "azsbus"),
    RES("messaging.confluent_apache_kafka", "messaging.confluent_apache_kafka", "messaging",
        "messaging", "confluent_apache_kafka"),
    RES("messaging.filesystem", "messaging.filesystem", "messaging", "messaging", "filesystem"),
    RES("mq.filesystem", "messaging.filesystem", "messaging", "messaging", "filesystem"),
    RES("messaging.memory", "messaging.memory", "messaging", "messaging", "memory"),
    RES("messaging.mosquitto", "messaging.mosquitto", "messaging", "messaging", "mosquitto"),
    RES("messaging.nats", "messaging.nats", "messaging", "messaging", "nats"),
    RES("messaging.redis", "messaging.redis", "messaging", "messaging", "redis"),
    RES("sql.postgres", "sql.postgres", "sql", "sql", "postgres"),
    RES("sql.sqlite", "sql.sqlite", "sql", "sql", "sqlite"),
};

/* The spellings of a type's prefix in resource strings (aliases included). */
static const struct {
    const char *written;
    const char *type;
} prefixes[] = {
    {"blobstore", "blob"},
    {"configs", "configs"},
    {"distributed_locking", "distributed_locking"},
    {"lockd", "distributed_locking"},
    {"keyvalue", "keyvalue"},
    {"kv", "keyvalue"},
    {"messaging", "messaging"},
    {"mq", "messaging"},
    {"sql", "sql"},
};

static const char *const secret_stores[] = {
    "configs.azapp",
    "configs.envvars",
    "configs.local",
    "configs.usersecrets",
};

static const struct {
    const char *module;
    const char *type;
} import_types[] = {
    {"keyvalue", "keyvalue"},
    {"messaging", "messaging"},
    {"blob-store", "blob"},
    {"distributed-locking", "distributed_locking"},
    {"sql", "sql"},
    {"configs", "configs"},
    {"http-server", "http"},
    {"http-handler", "http"},
    {"http-client", "http-client"},
};

const struct sl_slightfile_res *sl_slightfile_res_find(const char *s)
{
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < SL_ARRAY_SIZE(resources); i++)
        if (strcmp(resources[i].name, s) == 0)
            return &resources[i];
    return NULL;
}

const char *sl_slightfile_resource_lookup(const char *resource, const char **type,
                                          const char **backend)
{
    const struct sl_slightfile_res *r = sl_slightfile_res_find(resource);
    if (r == NULL || r->status != SL_SF_RES_OK)
        return NULL;
    if (type)
        *type = r->type;
    if (backend)
        *backend = r->backend;
    return r->canonical;
}

const char *sl_slightfile_import_type(const char *import_module)
{
    if (import_module == NULL)
        return NULL;
    for (size_t i = 0; i < SL_ARRAY_SIZE(import_types); i++)
        if (strcmp(import_types[i].module, import_module) == 0)
            return import_types[i].type;
    return NULL;
}

/* Optimal string alignment distance; strings longer than 63 bytes count as far. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    enum { MAXLEN = 64 };
    if (la >= MAXLEN || lb >= MAXLEN)
        return SIZE_MAX;
    size_t d[MAXLEN + 1][MAXLEN + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = SL_MIN(d[i - 1][j] + 1, d[i][j - 1] + 1);
            best = SL_MIN(best, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                best = SL_MIN(best, d[i - 2][j - 2] + 1);
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *sl_slightfile_suggest(const char *s, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    size_t len = strlen(s);
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(s, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    /* Close enough: at most 3 edits, and at most about a quarter of the word. */
    if (best == NULL || best_d == 0 || best_d > 3 || best_d * 4 > len + 4)
        return NULL;
    return best;
}

/* Appends formatted text to buf without overflowing it. */
static void append(char *buf, size_t bufsz, const char *s)
{
    size_t n = strlen(buf);
    if (n + 1 < bufsz)
        snprintf(buf + n, bufsz - n, "%s", s);
}

static const char *type_of_prefix(const char *s)
{
    const char *dot = strchr(s, '.');
    size_t n = dot ? (size_t)(dot - s) : strlen(s);
    for (size_t i = 0; i < SL_ARRAY_SIZE(prefixes); i++)
        if (strlen(prefixes[i].written) == n && strncmp(prefixes[i].written, s, n) == 0)
            return prefixes[i].type;
    return NULL;
}

void sl_slightfile_res_list(const char *type, char *buf, size_t bufsz)
{
    buf[0] = '\0';
    for (size_t i = 0; i < SL_ARRAY_SIZE(resources); i++) {
        const struct sl_slightfile_res *r = &resources[i];
        if (r->status != SL_SF_RES_OK || strcmp(r->name, r->canonical) != 0
            || strcmp(r->type, type) != 0)
            continue;
        if (buf[0])
            append(buf, bufsz, ", ");
        append(buf, bufsz, r->canonical);
    }
}

/* All canonical resources, grouped: "keyvalue.{awsdynamodb,azblob,...}, http, ...". */
static void list_all(char *buf, size_t bufsz)
{
    const char *open = NULL; /* the prefix of the group being written */
    buf[0] = '\0';
    for (size_t i = 0; i < SL_ARRAY_SIZE(resources); i++) {
        const struct sl_slightfile_res *r = &resources[i];
        if (r->status != SL_SF_RES_OK || strcmp(r->name, r->canonical) != 0)
            continue;
        if (open && strcmp(open, r->prefix) == 0) {
            append(buf, bufsz, ",");
            append(buf, bufsz, r->backend);
            continue;
        }
        if (open)
            append(buf, bufsz, "}");
        open = NULL;
        if (buf[0])
            append(buf, bufsz, ", ");
        append(buf, bufsz, r->prefix);
        if (r->backend[0] != '\0') {
            append(buf, bufsz, ".{");
            append(buf, bufsz, r->backend);
            open = r->prefix;
        }
    }
    if (open)
        append(buf, bufsz, "}");
}

void sl_slightfile_res_hint(const char *s, char *buf, size_t bufsz)
{
    const char *names[SL_ARRAY_SIZE(resources)];
    const struct sl_slightfile_res *entries[SL_ARRAY_SIZE(resources)];
    size_t n = 0;
    for (size_t i = 0; i < SL_ARRAY_SIZE(resources); i++) {
        if (resources[i].status == SL_SF_RES_OK) {
            entries[n] = &resources[i];
            names[n++] = resources[i].name;
        }
    }
    const char *guess = sl_slightfile_suggest(s, names, n);
    const char *type = type_of_prefix(s);
    for (size_t i = 0; guess && i < n; i++)
        if (names[i] == guess)
            type = entries[i]->type;
    char known[400] = "";
    if (type)
        sl_slightfile_res_list(type, known, sizeof(known));
    else
        list_all(known, sizeof(known));
    if (guess)
        snprintf(buf, bufsz, "; did you mean \"%s\"? known: %s", guess, known);
    else
        snprintf(buf, bufsz, "; known: %s", known);
}

const char *sl_slightfile_secret_store_find(const char *s)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(secret_stores); i++)
        if (strcmp(secret_stores[i], s) == 0)
            return secret_stores[i];
    return NULL;
}

void sl_slightfile_secret_store_hint(const char *s, char *buf, size_t bufsz)
{
    const char *guess = sl_slightfile_suggest(s, secret_stores, SL_ARRAY_SIZE(secret_stores));
    char known[200] = "";
    for (size_t i = 0; i < SL_ARRAY_SIZE(secret_stores); i++) {
        if (i)
            append(known, sizeof(known), ", ");
        append(known, sizeof(known), secret_stores[i]);
    }
    if (guess)
        snprintf(buf, bufsz, "; did you mean \"%s\"? known: %s", guess, known);
    else
        snprintf(buf, bufsz, "; known: %s", known);
}
