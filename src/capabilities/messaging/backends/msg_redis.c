/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_redis.c -- messaging.redis: one Redis stream per topic, named
 * "<capability name>:<topic>" (':' and '%' of the topic escaped), over the
 * pools of net/redis_conn.c. A subscription is a token and the ID of the last
 * entry it took; receive XREADs the next one. In the slight-redis module.
 */
#include "sl_common.h"

#include "capabilities/messaging/msg_backend.h"

#include "common/clock.h"
#include "common/mem.h"
#include "net/redis_conn.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>

#define RESOURCE "messaging.redis"
/* Entries kept per stream (XADD MAXLEN ~): a subscriber further behind loses the oldest. */
#define STREAM_MAXLEN "10000"
/* Longest single XREAD BLOCK, so that a long wait still notices the caller's limits. */
#define BLOCK_SLICE_MS 50
/* Redis's default proto-max-bulk-len. */
#define MAX_PAYLOAD (512u * 1024u * 1024u)
/* A stream entry ID: two 64-bit numbers and a dash. */
#define ID_MAX 48

#define SL_MODULE_EXPORT __attribute__((visibility("default")))

/* What the slight-redis module exports for messaging (msg_registry.c looks it up by name). */
SL_MODULE_EXPORT extern const struct sl_msg_backend sl_msg_backend_redis;

struct redis_sub {
    struct redis_sub *next;
    char token[37];
    pthread_mutex_t lock; /* one receive at a time: each takes a different entry */
    char *key;            /* owned: the stream's name */
    size_t key_len;
    char last_id[ID_MAX]; /* under lock: the last entry taken (or seen at subscribe) */
};

struct redis_broker {
    struct sl_msg_broker base;
    struct sl_redis_pool *pool; /* a reference */
    char *prefix;               /* owned: "<capability name>:" */
    size_t prefix_len;
    uint64_t block_ms;    /* longest XREAD BLOCK: BLOCK_SLICE_MS, less with a short REDIS_TIMEOUT */
    pthread_mutex_t lock; /* guards subs; subscriptions are only removed by close */
    struct redis_sub *subs;
};

static const struct sl_config_key config_keys[] = {
    {"REDIS_ADDRESS", true, true},
    {"REDIS_TIMEOUT", false, false},
    {"RECEIVE_TIMEOUT", false, false},
    {NULL, false, false},
};

static void redis_close(struct sl_msg_broker *b)
{
    struct redis_broker *r = (struct redis_broker *)b;
    if (r == NULL)
        return;
    for (struct redis_sub *s = r->subs, *next; s != NULL; s = next) {
        next = s->next;
        pthread_mutex_destroy(&s->lock);
        sl_free(s->key);
        sl_free(s);
    }
    pthread_mutex_destroy(&r->lock);
    sl_redis_pool_put(r->pool);
    sl_free(r->prefix);
    sl_free(r);
}

static sl_err redis_open(const struct sl_config *cfg, struct sl_str name,
                         struct sl_msg_broker **out, struct sl_error *err)
{
    *out = NULL;
    const char *url;
    uint64_t timeout_ms;
    sl_err rc = sl_redis_config(cfg, RESOURCE, &url, &timeout_ms, err);
    if (rc != SL_OK)
        return rc;
    struct redis_broker *r = sl_calloc(1, sizeof(*r));
    struct sl_buf prefix = SL_BUF_INIT;
    if (r == NULL || sl_buf_append(&prefix, name.ptr, name.len) != SL_OK
        || sl_buf_append(&prefix, ":", 1) != SL_OK) {
        sl_free(r);
        sl_buf_release(&prefix);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    pthread_mutex_init(&r->lock, NULL);
    r->prefix_len = prefix.len;
    r->prefix = sl_buf_detach(&prefix);
    r->block_ms = SL_MAX(SL_MIN((uint64_t)BLOCK_SLICE_MS, timeout_ms / 2), (uint64_t)1);
    /* no connection yet: a server that is down fails the first call, not start-up */
    rc = sl_redis_pool_get(RESOURCE, url, timeout_ms, &r->pool, err);
    if (rc != SL_OK) {
        redis_close(&r->base);
        return rc;
    }
    *out = &r->base;
    return SL_OK;
}

/* The stream of topic into *key: the prefix, then the topic with '%' and ':' as %XX. */
static sl_err stream_key(struct redis_broker *r, struct sl_str topic, struct sl_buf *key,
                         struct sl_error *err)
{
    sl_err rc = sl_buf_append(key, r->prefix, r->prefix_len);
    for (size_t i = 0; rc == SL_OK && i < topic.len; i++) {
        char c = topic.ptr[i];
        if (c == '%')
            rc = sl_buf_append(key, "%25", 3);
        else if (c == ':')
            rc = sl_buf_append(key, "%3A", 3);
        else
            rc = sl_buf_append(key, &c, 1);
    }
    if (rc != SL_OK) {
        sl_buf_release(key);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    return SL_OK;
}

static sl_err unexpected(const char *cmd, const redisReply *x, struct sl_error *err)
{
    return sl_error_set(err, SL_EIO, RESOURCE ": unexpected reply to %s (type %d)", cmd, x->type);
}

static sl_err redis_publish(struct sl_msg_broker *b, struct sl_str topic, struct sl_str msg,
                            struct sl_error *err)
{
    struct redis_broker *r = (struct redis_broker *)b;
    struct sl_buf key = SL_BUF_INIT;
    sl_err rc = stream_key(r, topic, &key, err);
    if (rc != SL_OK)
        return rc;
    const char *argv[] = {"XADD",        key.data, "MAXLEN", "~",
                          STREAM_MAXLEN, "*",      "data",   msg.len ? msg.ptr : ""};
    size_t len[] = {4, key.len, 6, 1, strlen(STREAM_MAXLEN), 1, 4, msg.len};
    redisReply *x = NULL;
    /* not idempotent: a retry after a lost reply could add the message twice */
    rc = sl_redis_command(r->pool, RESOURCE, SL_REDIS_ONCE, 8, argv, len, &x, err);
    sl_buf_release(&key);
    if (rc == SL_OK && x->type != REDIS_REPLY_STRING)
        rc = unexpected("XADD", x, err);
    sl_redis_reply_free(x);
    return rc;
}

static sl_err redis_subscribe(struct sl_msg_broker *b, struct sl_str topic, struct sl_buf *token,
                              struct sl_error *err)
{
    struct redis_broker *r = (struct redis_broker *)b;
    struct sl_buf key = SL_BUF_INIT;
    sl_err rc = stream_key(r, topic, &key, err);
    if (rc != SL_OK)
        return rc;
    /* the newest entry now: the subscription takes the ones after it */
    const char *argv[] = {"XREVRANGE", key.data, "+", "-", "COUNT", "1"};
    size_t len[] = {9, key.len, 1, 1, 5, 1};
    redisReply *x = NULL;
    rc = sl_redis_command(r->pool, RESOURCE, SL_REDIS_IDEMPOTENT, 6, argv, len, &x, err);
    if (rc != SL_OK) {
        sl_buf_release(&key);
        return rc;
    }
    char last[ID_MAX] = "0-0";
    if (x->type != REDIS_REPLY_ARRAY)
        rc = unexpected("XREVRANGE", x, err);
    else if (x->elements > 0) {
        const redisReply *e = x->element[0];
        if (e->type != REDIS_REPLY_ARRAY || e->elements < 1
            || e->element[0]->type != REDIS_REPLY_STRING || e->element[0]->len >= ID_MAX)
            rc = unexpected("XREVRANGE", x, err);
        else
            snprintf(last, sizeof(last), "%.*s", (int)e->element[0]->len, e->element[0]->str);
    }
    sl_redis_reply_free(x);
    if (rc != SL_OK) {
        sl_buf_release(&key);
        return rc;
    }
    struct redis_sub *s = sl_calloc(1, sizeof(*s));
    if (s == NULL) {
        sl_buf_release(&key);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    pthread_mutex_init(&s->lock, NULL);
    s->key_len = key.len;
    s->key = sl_buf_detach(&key);
    memcpy(s->last_id, last, sizeof(last));
    sl_msg_token_make(s->token);
    pthread_mutex_lock(&r->lock);
    s->next = r->subs;
    r->subs = s;
    pthread_mutex_unlock(&r->lock);
    return sl_buf_appends(token, s->token) == SL_OK
               ? SL_OK
               : sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
}

static struct redis_sub *find_sub(struct redis_broker *r, struct sl_str token)
{
    pthread_mutex_lock(&r->lock);
    struct redis_sub *s = r->subs;
    while (s != NULL
           && !(strlen(s->token) == token.len && memcmp(s->token, token.ptr, token.len) == 0))
        s = s->next;
    pthread_mutex_unlock(&r->lock);
    return s;
}

/*
 * One XREAD of the entry after s->last_id, blocking at most block_ms (0: not
 * at all). *got tells whether an entry was taken; it is appended to *out
 * (an entry without a "data" field is passed over). Called under s->lock.
 */
static sl_err read_one(struct redis_broker *r, struct redis_sub *s, uint64_t block_ms,
                       struct sl_buf *out, bool *got, struct sl_error *err)
{
    *got = false;
    char ms[24];
    snprintf(ms, sizeof(ms), "%llu", (unsigned long long)block_ms);
    const char *argv[] = {"XREAD", "COUNT", "1", "BLOCK", ms, "STREAMS", s->key, s->last_id};
    size_t len[] = {5, 5, 1, 5, strlen(ms), 7, s->key_len, strlen(s->last_id)};
    int argc = 8;
    if (block_ms == 0) { /* BLOCK 0 would wait for ever */
        argv[3] = "STREAMS", len[3] = 7;
        argv[4] = s->key, len[4] = s->key_len;
        argv[5] = s->last_id, len[5] = strlen(s->last_id);
        argc = 6;
    }
    redisReply *x = NULL;
    sl_err rc = sl_redis_command(r->pool, RESOURCE, SL_REDIS_IDEMPOTENT, argc, argv, len, &x, err);
    if (rc == SL_ETIMEOUT) /* the server did not answer: not "no message yet" */
        return sl_error_recode(err, SL_ECONN);
    if (rc != SL_OK)
        return rc;
    if (x->type == REDIS_REPLY_NIL) {
        sl_redis_reply_free(x);
        return SL_OK;
    }
    /* [[key, [[id, [field, value, ...]]]]] */
    const redisReply *entries = NULL;
    if (x->type == REDIS_REPLY_ARRAY && x->elements == 1 && x->element[0]->type == REDIS_REPLY_ARRAY
        && x->element[0]->elements == 2 && x->element[0]->element[1]->type == REDIS_REPLY_ARRAY)
        entries = x->element[0]->element[1];
    const redisReply *e = entries && entries->elements == 1 ? entries->element[0] : NULL;
    if (e == NULL || e->type != REDIS_REPLY_ARRAY || e->elements != 2
        || e->element[0]->type != REDIS_REPLY_STRING || e->element[0]->len >= ID_MAX
        || e->element[1]->type != REDIS_REPLY_ARRAY) {
        rc = unexpected("XREAD", x, err);
        sl_redis_reply_free(x);
        return rc;
    }
    snprintf(s->last_id, sizeof(s->last_id), "%.*s", (int)e->element[0]->len, e->element[0]->str);
    const redisReply *fields = e->element[1];
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
        const redisReply *f = fields->element[i], *v = fields->element[i + 1];
        if (f->type == REDIS_REPLY_STRING && f->len == 4 && memcmp(f->str, "data", 4) == 0
            && v->type == REDIS_REPLY_STRING) {
            if (sl_buf_append(out, v->str, v->len) != SL_OK)
                rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
            else
                *got = true;
            break;
        }
    }
    sl_redis_reply_free(x);
    return rc;
}

static sl_err redis_receive(struct sl_msg_broker *b, struct sl_str token, uint64_t timeout_ms,
                            struct sl_buf *out, struct sl_error *err)
{
    struct redis_broker *r = (struct redis_broker *)b;
    struct redis_sub *s = find_sub(r, token);
    if (s == NULL)
        return sl_error_set(err, SL_EINVAL, RESOURCE ": unknown subscription token '%.*s'",
                            (int)token.len, token.ptr);
    uint64_t start = sl_clock_ms();
    pthread_mutex_lock(&s->lock);
    sl_err rc = SL_OK;
    for (;;) {
        uint64_t spent = sl_clock_ms() - start;
        uint64_t left = spent >= timeout_ms ? 0 : timeout_ms - spent;
        bool got = false;
        rc = read_one(r, s, SL_MIN(left, r->block_ms), out, &got, err);
        if (rc != SL_OK || got)
            break;
        if (left == 0 || sl_clock_ms() - start >= timeout_ms) {
            rc = sl_error_set(err, SL_ETIMEOUT, RESOURCE ": no message within %llums",
                              (unsigned long long)timeout_ms);
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static void redis_shutdown(void)
{
    sl_redis_pools_shutdown();
}

const struct sl_msg_backend sl_msg_backend_redis = {
    .version = SL_MSG_BACKEND_V1,
    .name = "redis",
    .config_keys = config_keys,
    .max_payload = MAX_PAYLOAD,
    .open = redis_open,
    .close = redis_close,
    .publish = redis_publish,
    .subscribe = redis_subscribe,
    .receive = redis_receive,
    .shutdown = redis_shutdown,
};
