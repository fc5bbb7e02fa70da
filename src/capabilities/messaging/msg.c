/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg.c -- the messaging front end: the only caller of backend methods. It
 * keeps one broker per capability for the whole process (so subscription
 * tokens work from any handle and any instance), checks topics, tokens and
 * payload sizes for every backend, and turns a long receive into short
 * backend waits bounded by RECEIVE_TIMEOUT and the caller's deadline.
 */
#include "sl_common.h"

#include "msg.h"

#include "common/clock.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/units.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define TOPIC_MAX   1024 /* bytes */
#define SLICE_MS    50   /* longest single backend wait: how soon a deadline is noticed */
#define NO_TIMEOUT  UINT64_MAX

/* The broker of one capability, shared by every handle of it in the process. */
struct service {
    struct service *next;
    struct sl_buf key; /* resource, name and config values, NUL-separated */
    const struct sl_msg_backend *backend;
    struct sl_msg_broker *broker;
    char resource[64];           /* "messaging.memory", for messages */
    uint64_t receive_timeout_ms; /* NO_TIMEOUT: none */
    char receive_timeout[32];    /* as configured, for messages */
};

struct sl_msg_client {
    struct service *svc;
};

static pthread_mutex_t services_lock = PTHREAD_MUTEX_INITIALIZER;
static struct service *services;

/* What makes two capability entries the same capability. */
static sl_err service_key(const struct sl_cap_entry *e, struct sl_buf *key)
{
    const struct sl_config *c = &e->config;
    sl_err rc = sl_buf_append(key, e->cap->canonical, strlen(e->cap->canonical) + 1);
    if (rc == SL_OK)
        rc = sl_buf_append(key, e->cap->name, strlen(e->cap->name) + 1);
    for (size_t i = 0; rc == SL_OK && i < c->nvalues; i++) {
        rc = sl_buf_append(key, c->values[i].key, strlen(c->values[i].key) + 1);
        if (rc == SL_OK)
            rc = sl_buf_append(key, c->values[i].value, strlen(c->values[i].value) + 1);
    }
    return rc;
}

static void service_free(struct service *s)
{
    if (s == NULL)
        return;
    if (s->broker != NULL)
        s->backend->close(s->broker);
    sl_buf_release(&s->key);
    sl_free(s);
}

static sl_err service_new(const struct sl_cap_entry *e, const struct sl_msg_backend *b,
                          struct sl_buf *key, struct service **out, struct sl_error *err)
{
    *out = NULL;
    struct service *s = sl_calloc(1, sizeof(*s));
    if (s == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    s->key = *key;
    *key = (struct sl_buf)SL_BUF_INIT;
    s->backend = b;
    snprintf(s->resource, sizeof(s->resource), "%s", e->cap->canonical);
    s->receive_timeout_ms = NO_TIMEOUT;
    const char *t = sl_config_get(&e->config, "RECEIVE_TIMEOUT");
    if (t != NULL) {
        sl_err rc = sl_parse_duration(t, &s->receive_timeout_ms, err);
        if (rc != SL_OK) {
            service_free(s);
            return sl_error_prefix(err, "%s: config RECEIVE_TIMEOUT", e->cap->canonical);
        }
        sl_format_duration(s->receive_timeout_ms, s->receive_timeout, sizeof(s->receive_timeout));
    }
    const char *name = e->cap->name;
    sl_err rc = b->open(&e->config, (struct sl_str){name, strlen(name)}, &s->broker, err);
    if (rc != SL_OK) {
        s->broker = NULL;
        service_free(s);
        return rc;
    }
    s->broker->backend = b;
    sl_log_debug("%s: opened the broker of capability '%s'", s->resource, name);
    *out = s;
    return SL_OK;
}

sl_err sl_msg_client_open(const struct sl_cap_entry *e, struct sl_msg_client **out,
                          struct sl_error *err)
{
    *out = NULL;
    const char *needs = NULL;
    const struct sl_msg_backend *b = sl_msg_registry_find(e->cap->backend, &needs);
    if (b == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED, "%s is not built in (needs %s)",
                            e->cap->canonical, needs ? needs : "a newer slight");
    struct sl_msg_client *c = sl_calloc(1, sizeof(*c));
    struct sl_buf key = SL_BUF_INIT;
    if (c == NULL || service_key(e, &key) != SL_OK) {
        sl_free(c);
        sl_buf_release(&key);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    sl_err rc = SL_OK;
    pthread_mutex_lock(&services_lock);
    struct service *s = services;
    while (s != NULL
           && !(s->key.len == key.len && memcmp(s->key.data, key.data, key.len) == 0))
        s = s->next;
    if (s == NULL) {
        rc = service_new(e, b, &key, &s, err);
        if (rc == SL_OK) {
            s->next = services;
            services = s;
        }
    }
    pthread_mutex_unlock(&services_lock);
    sl_buf_release(&key);
    if (rc != SL_OK) {
        sl_free(c);
        return rc;
    }
    c->svc = s;
    *out = c;
    return SL_OK;
}

void sl_msg_client_close(struct sl_msg_client *c)
{
    sl_free(c);
}

static sl_err check_topic(const struct service *s, struct sl_str topic, struct sl_error *err)
{
    if (topic.len == 0)
        return sl_error_set(err, SL_EINVAL, "%s: the topic is empty", s->resource);
    if (topic.len > TOPIC_MAX)
        return sl_error_set(err, SL_EINVAL, "%s: the topic is longer than %d bytes", s->resource,
                            TOPIC_MAX);
    if (memchr(topic.ptr, '\0', topic.len) != NULL)
        return sl_error_set(err, SL_EINVAL, "%s: the topic contains a NUL byte", s->resource);
    return SL_OK;
}

sl_err sl_msg_publish(struct sl_msg_client *c, struct sl_str topic, struct sl_str msg,
                      struct sl_error *err)
{
    struct service *s = c->svc;
    sl_err rc = check_topic(s, topic, err);
    if (rc != SL_OK)
        return rc;
    if (s->backend->max_payload != 0 && msg.len > s->backend->max_payload)
        return sl_error_set(err, SL_EINVALVALUE,
                            "%s: the message of %zu bytes is larger than the limit of %llu bytes",
                            s->resource, msg.len, (unsigned long long)s->backend->max_payload);
    return s->backend->publish(s->broker, topic, msg, err);
}

sl_err sl_msg_subscribe(struct sl_msg_client *c, struct sl_str topic, struct sl_buf *token,
                        struct sl_error *err)
{
    struct service *s = c->svc;
    sl_err rc = check_topic(s, topic, err);
    if (rc == SL_OK)
        rc = s->backend->subscribe(s->broker, topic, token, err);
    if (rc != SL_OK)
        sl_buf_reset(token);
    return rc;
}

sl_err sl_msg_receive(struct sl_msg_client *c, struct sl_str token, bool (*stop)(void *arg),
                      void *arg, struct sl_buf *msg, struct sl_error *err)
{
    struct service *s = c->svc;
    if (token.len == 0 || token.len > SL_MSG_TOKEN_MAX || memchr(token.ptr, '\0', token.len))
        return sl_error_set(err, SL_EINVAL, "%s: unknown subscription token '%.*s'", s->resource,
                            (int)SL_MIN(token.len, 64), token.ptr);
    uint64_t start = sl_clock_ms();
    for (;;) {
        uint64_t wait = SLICE_MS;
        if (s->receive_timeout_ms != NO_TIMEOUT) {
            uint64_t spent = sl_clock_ms() - start;
            wait = spent >= s->receive_timeout_ms ? 0 : SL_MIN(wait, s->receive_timeout_ms - spent);
        }
        sl_err rc = s->backend->receive(s->broker, token, wait, msg, err);
        if (rc != SL_ETIMEOUT) {
            if (rc != SL_OK)
                sl_buf_reset(msg);
            return rc;
        }
        if (s->receive_timeout_ms != NO_TIMEOUT && sl_clock_ms() - start >= s->receive_timeout_ms)
            return sl_error_set(err, SL_ETIMEOUT, "receive timed out after %s",
                                s->receive_timeout);
        if (stop != NULL && stop(arg))
            return sl_error_set(err, SL_ETIMEOUT, "%s: receive stopped: the deadline passed",
                                s->resource);
    }
}

void sl_msg_shutdown(void)
{
    pthread_mutex_lock(&services_lock);
    struct service *s = services;
    services = NULL;
    pthread_mutex_unlock(&services_lock);
    while (s != NULL) {
        struct service *next = s->next;
        service_free(s);
        s = next;
    }
    sl_msg_registry_shutdown();
}
