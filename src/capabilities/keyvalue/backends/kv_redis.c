/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_redis.c -- keyvalue.redis: keys stored as "<open name>:<key>" in one
 * Redis database, as slight v0.5.1 stored them, over the shared pools of
 * net/redis_conn.c. Built into the slight-redis module (loaded on demand by
 * kv_registry.c), never into the core. Fixes slight's bugs: an empty value
 * is a value, keys() strips only the leading prefix and lists each key once.
 */
#include "sl_common.h"

#include "capabilities/keyvalue/kv_backend.h"

#include "common/mem.h"
#include "net/redis_conn.h"
#include "sl_config.h"

#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#define RESOURCE "keyvalue.redis"
/* Keys asked for per SCAN round trip (a hint to the server). */
#define SCAN_COUNT "1000"

#define SL_MODULE_EXPORT __attribute__((visibility("default")))

/* What the slight-redis module exports (kv_registry.c looks them up by name). */
SL_MODULE_EXPORT extern const struct sl_kv_backend sl_kv_backend_redis;
SL_MODULE_EXPORT const char *sl_redis_module_version(void);

struct kv_redis_store {
    struct sl_kv_store base;
    struct sl_redis_pool *pool; /* a reference */
    char *prefix;               /* owned: "<open name>:" */
    size_t prefix_len;
    char *pattern; /* owned: the prefix with *?[]\ escaped, then "*" (SCAN MATCH) */
    size_t pattern_len;
};

static const struct sl_config_key redis_config_keys[] = {
    {"REDIS_ADDRESS", true, true},
    {"REDIS_TIMEOUT", false, false},
    {NULL, false, false},
};

static struct kv_redis_store *store_of(struct sl_kv_store *st)
{
    return (struct kv_redis_store *)st;
}

static void redis_close(struct sl_kv_store *st)
{
    struct kv_redis_store *s = store_of(st);
    if (s == NULL)
        return;
    sl_redis_pool_put(s->pool);
    sl_free(s->prefix);
    sl_free(s->pattern);
    sl_free(s);
}

/* "<name>:" and its SCAN MATCH pattern with the glob characters escaped. */
static sl_err make_names(struct kv_redis_store *s, struct sl_str name)
{
    struct sl_buf prefix = SL_BUF_INIT, pattern = SL_BUF_INIT;
    sl_err rc = sl_buf_append(&prefix, name.ptr, name.len);
    if (rc == SL_OK)
        rc = sl_buf_append(&prefix, ":", 1);
    for (size_t i = 0; rc == SL_OK && i < name.len; i++) {
        if (strchr("*?[]\\", name.ptr[i]) != NULL && name.ptr[i] != '\0')
            rc = sl_buf_append(&pattern, "\\", 1);
        if (rc == SL_OK)
            rc = sl_buf_append(&pattern, &name.ptr[i], 1);
    }
    if (rc == SL_OK)
        rc = sl_buf_append(&pattern, ":*", 2);
    if (rc != SL_OK) {
        sl_buf_release(&prefix);
        sl_buf_release(&pattern);
        return rc;
    }
    s->prefix_len = prefix.len;
    s->prefix = sl_buf_detach(&prefix);
    s->pattern_len = pattern.len;
    s->pattern = sl_buf_detach(&pattern);
    return SL_OK;
}

static sl_err redis_open(const struct sl_config *cfg, struct sl_str name, struct sl_kv_store **out,
                         struct sl_error *err)
{
    *out = NULL;
    const char *url;
    uint64_t timeout_ms;
    sl_err rc = sl_redis_config(cfg, RESOURCE, &url, &timeout_ms, err);
    if (rc != SL_OK)
        return rc;
    struct kv_redis_store *s = sl_calloc(1, sizeof(*s));
    if (s == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    if (make_names(s, name) != SL_OK) {
        redis_close(&s->base);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    /* no connection yet: a server that is down fails the first call, not open */
    rc = sl_redis_pool_get(RESOURCE, url, timeout_ms, &s->pool, err);
    if (rc != SL_OK) {
        redis_close(&s->base);
        return rc;
    }
    *out = &s->base;
    return SL_OK;
}

/* "<name>:<key>" into *full. */
static sl_err full_key(struct kv_redis_store *s, struct sl_str key, struct sl_buf *full,
                       struct sl_error *err)
{
    if (sl_buf_append(full, s->prefix, s->prefix_len) != SL_OK
        || sl_buf_append(full, key.ptr, key.len) != SL_OK) {
        sl_buf_release(full);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    return SL_OK;
}

/* Shown in messages: keys may be long; the first 200 bytes say which one. */
static int shown(struct sl_str key)
{
    return (int)SL_MIN(key.len, (size_t)200);
}

static sl_err unexpected(const char *cmd, const redisReply *r, struct sl_error *err)
{
    return sl_error_set(err, SL_EIO, RESOURCE ": unexpected reply to %s (type %d)", cmd, r->type);
}

static sl_err redis_get(struct sl_kv_store *st, struct sl_str key, struct sl_buf *val,
                        struct sl_error *err)
{
    struct kv_redis_store *s = store_of(st);
    struct sl_buf k = SL_BUF_INIT;
    sl_err rc = full_key(s, key, &k, err);
    if (rc != SL_OK)
        return rc;
    const char *argv[] = {"GET", k.data};
    size_t len[] = {3, k.len};
    redisReply *r = NULL;
    rc = sl_redis_command(s->pool, RESOURCE, SL_REDIS_IDEMPOTENT, 2, argv, len, &r, err);
    sl_buf_release(&k);
    if (rc != SL_OK)
        return rc;
    if (r->type == REDIS_REPLY_NIL)
        rc =
            sl_error_set(err, SL_ENOTFOUND, RESOURCE ": key '%.*s' not found", shown(key), key.ptr);
    else if (r->type != REDIS_REPLY_STRING)
        rc = unexpected("GET", r, err);
    else if (sl_buf_append(val, r->str, (size_t)r->len) != SL_OK)
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    sl_redis_reply_free(r);
    return rc;
}

static sl_err redis_set(struct sl_kv_store *st, struct sl_str key, struct sl_str val,
                        struct sl_error *err)
{
    struct kv_redis_store *s = store_of(st);
    struct sl_buf k = SL_BUF_INIT;
    sl_err rc = full_key(s, key, &k, err);
    if (rc != SL_OK)
        return rc;
    const char *argv[] = {"SET", k.data, val.len ? val.ptr : ""};
    size_t len[] = {3, k.len, val.len};
    redisReply *r = NULL;
    rc = sl_redis_command(s->pool, RESOURCE, SL_REDIS_IDEMPOTENT, 3, argv, len, &r, err);
    sl_buf_release(&k);
    if (rc == SL_OK && r->type != REDIS_REPLY_STATUS)
        rc = unexpected("SET", r, err);
    sl_redis_reply_free(r);
    return rc;
}

static sl_err redis_del(struct sl_kv_store *st, struct sl_str key, struct sl_error *err)
{
    struct kv_redis_store *s = store_of(st);
    struct sl_buf k = SL_BUF_INIT;
    sl_err rc = full_key(s, key, &k, err);
    if (rc != SL_OK)
        return rc;
    const char *argv[] = {"DEL", k.data};
    size_t len[] = {3, k.len};
    redisReply *r = NULL;
    rc = sl_redis_command(s->pool, RESOURCE, SL_REDIS_IDEMPOTENT, 2, argv, len, &r, err);
    sl_buf_release(&k);
    if (rc == SL_OK && r->type != REDIS_REPLY_INTEGER)
        rc = unexpected("DEL", r, err);
    sl_redis_reply_free(r);
    return rc;
}

static int str_cmp(const void *a, const void *b)
{
    const struct sl_str *x = a, *y = b;
    int c = memcmp(x->ptr, y->ptr, SL_MIN(x->len, y->len));
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* SCAN may return a key more than once: sort, then drop repeats. */
static void sort_unique(struct sl_strvec *sv)
{
    if (sv->n < 2)
        return;
    qsort(sv->v, sv->n, sizeof(sv->v[0]), str_cmp);
    size_t o = 1;
    for (size_t i = 1; i < sv->n; i++) {
        if (str_cmp(&sv->v[i], &sv->v[o - 1]) == 0)
            sl_free((char *)sv->v[i].ptr);
        else
            sv->v[o++] = sv->v[i];
    }
    sv->n = o;
}

/* Appends the keys of one SCAN reply, without the prefix; updates the cursor. */
static sl_err scan_page(struct kv_redis_store *s, const redisReply *r, char *cursor,
                        size_t cursorsz, struct sl_strvec *out, struct sl_error *err)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2
        || r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY
        || (size_t)r->element[0]->len >= cursorsz)
        return unexpected("SCAN", r, err);
    memcpy(cursor, r->element[0]->str, (size_t)r->element[0]->len + 1);
    const redisReply *keys = r->element[1];
    for (size_t i = 0; i < keys->elements; i++) {
        const redisReply *k = keys->element[i];
        if (k->type != REDIS_REPLY_STRING)
            return unexpected("SCAN", r, err);
        size_t klen = (size_t)k->len;
        /* MATCH already did this; only the leading prefix is removed */
        if (klen <= s->prefix_len || memcmp(k->str, s->prefix, s->prefix_len) != 0)
            continue;
        if (sl_strvec_push(out, k->str + s->prefix_len, klen - s->prefix_len) != SL_OK)
            return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    return SL_OK;
}

static sl_err redis_keys(struct sl_kv_store *st, struct sl_strvec *out, struct sl_error *err)
{
    struct kv_redis_store *s = store_of(st);
    char cursor[32] = "0";
    sl_err rc = SL_OK;
    do {
        const char *argv[] = {"SCAN", cursor, "MATCH", s->pattern, "COUNT", SCAN_COUNT};
        size_t len[] = {4, strlen(cursor), 5, s->pattern_len, 5, strlen(SCAN_COUNT)};
        redisReply *r = NULL;
        rc = sl_redis_command(s->pool, RESOURCE, SL_REDIS_IDEMPOTENT, 6, argv, len, &r, err);
        if (rc == SL_OK)
            rc = scan_page(s, r, cursor, sizeof(cursor), out, err);
        sl_redis_reply_free(r);
    } while (rc == SL_OK && strcmp(cursor, "0") != 0);
    if (rc != SL_OK) {
        sl_strvec_release(out);
        return rc;
    }
    sort_unique(out);
    return SL_OK;
}

static void redis_shutdown(void)
{
    sl_redis_pools_shutdown();
}

const struct sl_kv_backend sl_kv_backend_redis = {
    .version = SL_KV_BACKEND_V1,
    .name = "redis",
    .config_keys = redis_config_keys,
    .open = redis_open,
    .close = redis_close,
    .get = redis_get,
    .set = redis_set,
    .del = redis_del,
    .keys = redis_keys,
    .shutdown = redis_shutdown,
};

/* Must equal the loading binary's SL_VERSION: a module of another build is not used. */
const char *sl_redis_module_version(void)
{
    return SL_VERSION;
}
