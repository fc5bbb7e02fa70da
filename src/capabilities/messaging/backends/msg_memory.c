/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_memory.c -- messaging.memory: topics and subscriptions in this
 * process's memory, for tests and single-process apps. Thread-safe; each
 * subscription is a FIFO of the messages published after it started;
 * receive waits on a condition variable. Delivery is at-most-once.
 */
#include "sl_common.h"

#include "../msg_backend.h"

#include "common/mem.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

struct mem_msg {
    struct mem_msg *next;
    size_t len;
    char data[]; /* len bytes */
};

struct mem_sub {
    struct mem_sub *next;
    char token[37];
    char *topic; /* topic.len bytes, NUL-terminated */
    size_t topic_len;
    struct mem_msg *head, **tail;
};

struct mem_broker {
    struct sl_msg_broker base;
    pthread_mutex_t lock;
    pthread_cond_t arrived; /* broadcast on every publish */
    struct mem_sub *subs;
};

static const struct sl_config_key config_keys[] = {
    {.name = "RECEIVE_TIMEOUT"},
    {.name = NULL},
};

static sl_err mem_open(const struct sl_config *cfg, struct sl_str name,
                       struct sl_msg_broker **out, struct sl_error *err)
{
    (void)cfg;
    (void)name;
    *out = NULL;
    struct mem_broker *m = sl_calloc(1, sizeof(*m));
    if (m == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&m->arrived, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&m->lock, NULL);
    *out = &m->base;
    return SL_OK;
}

static void mem_close(struct sl_msg_broker *b)
{
    struct mem_broker *m = (struct mem_broker *)b;
    if (m == NULL)
        return;
    for (struct mem_sub *s = m->subs, *sn; s != NULL; s = sn) {
        sn = s->next;
        for (struct mem_msg *x = s->head, *xn; x != NULL; x = xn) {
            xn = x->next;
            sl_free(x);
        }
        sl_free(s->topic);
        sl_free(s);
    }
    pthread_cond_destroy(&m->arrived);
    pthread_mutex_destroy(&m->lock);
    sl_free(m);
}

static sl_err mem_publish(struct sl_msg_broker *b, struct sl_str topic, struct sl_str msg,
                          struct sl_error *err)
{
    struct mem_broker *m = (struct mem_broker *)b;
    sl_err rc = SL_OK;
    pthread_mutex_lock(&m->lock);
    /* all copies first, so that a failure delivers to no one */
    size_t n = 0;
    for (struct mem_sub *s = m->subs; s != NULL; s = s->next)
        if (s->topic_len == topic.len && memcmp(s->topic, topic.ptr, topic.len) == 0)
            n++;
    struct mem_msg **copies = n ? sl_calloc(n, sizeof(*copies)) : NULL;
    if (n > 0 && copies == NULL)
        rc = SL_ENOMEM;
    for (size_t i = 0; rc == SL_OK && i < n; i++) {
        copies[i] = sl_malloc(sizeof(struct mem_msg) + msg.len);
        if (copies[i] == NULL) {
            rc = SL_ENOMEM;
            break;
        }
        copies[i]->next = NULL;
        copies[i]->len = msg.len;
        if (msg.len > 0)
            memcpy(copies[i]->data, msg.ptr, msg.len);
    }
    if (rc == SL_OK) {
        size_t i = 0;
        for (struct mem_sub *s = m->subs; s != NULL; s = s->next)
            if (s->topic_len == topic.len && memcmp(s->topic, topic.ptr, topic.len) == 0) {
                *s->tail = copies[i];
                s->tail = &copies[i]->next;
                i++;
            }
        if (n > 0)
            pthread_cond_broadcast(&m->arrived);
    } else {
        for (size_t i = 0; i < n; i++)
            sl_free(copies[i]);
    }
    pthread_mutex_unlock(&m->lock);
    sl_free(copies);
    return rc == SL_OK ? SL_OK : sl_error_set(err, SL_ENOMEM, "messaging.memory: out of memory");
}

static sl_err mem_subscribe(struct sl_msg_broker *b, struct sl_str topic, struct sl_buf *token,
                            struct sl_error *err)
{
    struct mem_broker *m = (struct mem_broker *)b;
    struct mem_sub *s = sl_calloc(1, sizeof(*s));
    char *t = sl_strndup(topic.ptr, topic.len);
    if (s == NULL || t == NULL || sl_buf_grow(token, 37) != SL_OK) {
        sl_free(s);
        sl_free(t);
        return sl_error_set(err, SL_ENOMEM, "messaging.memory: out of memory");
    }
    s->topic = t;
    s->topic_len = topic.len;
    s->tail = &s->head;
    sl_msg_token_make(s->token);
    pthread_mutex_lock(&m->lock);
    s->next = m->subs;
    m->subs = s;
    pthread_mutex_unlock(&m->lock);
    return sl_buf_appends(token, s->token);
}

static struct mem_sub *find_sub(struct mem_broker *m, struct sl_str token)
{
    for (struct mem_sub *s = m->subs; s != NULL; s = s->next)
        if (strlen(s->token) == token.len && memcmp(s->token, token.ptr, token.len) == 0)
            return s;
    return NULL;
}

static sl_err mem_receive(struct sl_msg_broker *b, struct sl_str token, uint64_t timeout_ms,
                          struct sl_buf *out, struct sl_error *err)
{
    struct mem_broker *m = (struct mem_broker *)b;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)(timeout_ms / 1000);
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m->lock);
    struct mem_sub *s = find_sub(m, token);
    if (s == NULL) {
        pthread_mutex_unlock(&m->lock);
        return sl_error_set(err, SL_EINVAL, "messaging.memory: unknown subscription token '%.*s'",
                            (int)token.len, token.ptr);
    }
    /* subscriptions are never removed while the broker is open: s stays valid */
    int wrc = 0;
    while (s->head == NULL && wrc == 0 && timeout_ms > 0)
        wrc = pthread_cond_timedwait(&m->arrived, &m->lock, &until);
    struct mem_msg *x = s->head;
    if (x != NULL) {
        s->head = x->next;
        if (s->head == NULL)
            s->tail = &s->head;
    }
    pthread_mutex_unlock(&m->lock);
    if (x == NULL)
        return sl_error_set(err, SL_ETIMEOUT, "messaging.memory: no message within %llums",
                            (unsigned long long)timeout_ms);
    sl_err rc = sl_buf_append(out, x->data, x->len);
    sl_free(x);
    return rc == SL_OK ? SL_OK : sl_error_set(err, SL_ENOMEM, "messaging.memory: out of memory");
}

const struct sl_msg_backend sl_msg_backend_memory = {
    .version = SL_MSG_BACKEND_V1,
    .name = "memory",
    .config_keys = config_keys,
    .max_payload = 0,
    .open = mem_open,
    .close = mem_close,
    .publish = mem_publish,
    .subscribe = mem_subscribe,
    .receive = mem_receive,
};
