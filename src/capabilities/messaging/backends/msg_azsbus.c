/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_azsbus.c -- messaging.azsbus: Azure Service Bus topics over the REST
 * API (cloud/azure_servicebus.h, SAS tokens) and the shared HTTP client.
 * Each subscription is a Service Bus subscription of its own, created at
 * subscribe and deleted at close; receive is receive-and-delete
 * (at-most-once). Not tested against the real service (none is reachable
 * here). In the slight-cloud module.
 */
#include "sl_common.h"

#include "capabilities/messaging/msg_backend.h"

#include "cloud/azure_sas.h"
#include "cloud/azure_servicebus.h"
#include "cloud/http_client.h"
#include "common/mem.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define RESOURCE "messaging.azsbus"
/* Longest server-side wait of one receive, in seconds (the front end waits longer in a loop). */
#define RECEIVE_WAIT_MAX_S 1
/* Added to a receive's server-side wait for the whole HTTP request. */
#define RECEIVE_SLACK_MS 10000
/* Limit of deleting a subscription at close (best effort). */
#define DELETE_TIMEOUT_MS 5000

#define SL_MODULE_EXPORT __attribute__((visibility("default")))

/* What the slight-cloud module exports for messaging (msg_registry.c looks it up by name). */
SL_MODULE_EXPORT extern const struct sl_msg_backend sl_msg_backend_azsbus;

struct azsbus_sub {
    struct azsbus_sub *next;
    char token[37];
    char name[SL_SBUS_SUBSCRIPTION_MAX + 1]; /* the Service Bus subscription */
    char *topic;                             /* owned */
    size_t topic_len;
    pthread_mutex_t lock; /* one receive at a time */
};

struct azsbus_broker {
    struct sl_msg_broker base;
    char *host;           /* owned: "ns.servicebus.windows.net" */
    char *key_name;       /* owned */
    char *key;            /* owned; wiped at close, never shown */
    pthread_mutex_t lock; /* guards subs; subscriptions are removed only by close */
    struct azsbus_sub *subs;
};

static const struct sl_config_key config_keys[] = {
    {"AZURE_SERVICE_BUS_NAMESPACE", true, false},
    {"AZURE_POLICY_NAME", true, false},
    {"AZURE_POLICY_KEY", true, true},
    {"RECEIVE_TIMEOUT", false, false},
    {NULL, false, false},
};

static struct sl_sbus_account account_of(const struct azsbus_broker *a)
{
    return (struct sl_sbus_account){a->host, a->key_name, a->key};
}

static uint64_t unix_now(void)
{
    return (uint64_t)time(NULL);
}

/*
 * Sends op on topic (subscription may be NULL) with body (may be NULL) and
 * fills *resp (released by the caller); the status is checked too.
 */
static sl_err call(struct azsbus_broker *a, enum sl_sbus_op op, const char *topic, size_t topic_len,
                   const char *subscription, unsigned wait_s, unsigned long timeout_ms,
                   struct sl_str body, struct sl_http_response *resp, struct sl_error *err)
{
    struct sl_sbus_account acct = account_of(a);
    struct sl_sbus_request r = {0};
    sl_err rc = sl_sbus_request_build(&acct, op, topic, topic_len, subscription, wait_s, unix_now(),
                                      &r, err);
    if (rc != SL_OK) {
        sl_error_prefix(err, RESOURCE);
        return rc;
    }
    struct sl_http_request req = {
        .method = r.method,
        .url = r.url,
        .headers = (const char *const *)r.headers,
        .nheaders = r.nheaders,
        .send_body = true, /* Content-Length: 0 on the requests without a body */
        .body = r.body != NULL ? r.body : body.ptr,
        .body_len = r.body != NULL ? r.body_len : body.len,
        .timeout_ms = timeout_ms,
    };
    rc = sl_http_perform(RESOURCE, &req, resp, err);
    sl_sbus_request_release(&r);
    if (rc == SL_ETIMEOUT) /* no answer at all: not "no message yet" */
        return sl_error_recode(err, SL_ECONN);
    if (rc == SL_OK || rc == SL_EAUTH)
        rc = sl_sbus_status(op, resp->status, topic, topic_len, err);
    if (rc != SL_OK && rc != SL_ETIMEOUT && resp->status != 0)
        sl_error_prefix(err, RESOURCE);
    return rc;
}

static void sub_free(struct azsbus_broker *a, struct azsbus_sub *s)
{
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    struct sl_error err = SL_ERROR_INIT;
    /* best effort: a subscription left behind is deleted by the service when idle */
    call(a, SL_SBUS_DELETE_SUBSCRIPTION, s->topic, s->topic_len, s->name, 0, DELETE_TIMEOUT_MS,
         (struct sl_str){NULL, 0}, &resp, &err);
    sl_http_response_release(&resp);
    pthread_mutex_destroy(&s->lock);
    sl_free(s->topic);
    sl_free(s);
}

static void azsbus_close(struct sl_msg_broker *b)
{
    struct azsbus_broker *a = (struct azsbus_broker *)b;
    if (a == NULL)
        return;
    for (struct azsbus_sub *s = a->subs, *next; s != NULL; s = next) {
        next = s->next;
        sub_free(a, s);
    }
    pthread_mutex_destroy(&a->lock);
    sl_free(a->host);
    sl_free(a->key_name);
    if (a->key != NULL) {
        memset(a->key, 0, strlen(a->key));
        sl_free(a->key);
    }
    sl_free(a);
}

static sl_err azsbus_open(const struct sl_config *cfg, struct sl_str name,
                          struct sl_msg_broker **out, struct sl_error *err)
{
    (void)name;
    *out = NULL;
    static const char *const keys[] = {"AZURE_SERVICE_BUS_NAMESPACE", "AZURE_POLICY_NAME",
                                       "AZURE_POLICY_KEY"};
    const char *v[3];
    for (size_t i = 0; i < 3; i++) {
        v[i] = sl_config_get(cfg, keys[i]);
        if (v[i] == NULL || v[i][0] == '\0')
            return sl_error_set(err, SL_ECONFIG, RESOURCE ": needs config '%s'", keys[i]);
    }
    struct sl_buf probe = SL_BUF_INIT;
    struct azsbus_broker *a = sl_calloc(1, sizeof(*a));
    if (a == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    pthread_mutex_init(&a->lock, NULL);
    sl_err rc = sl_sbus_host(v[0], &a->host, err);
    if (rc != SL_OK) {
        sl_error_prefix(err, RESOURCE ": AZURE_SERVICE_BUS_NAMESPACE");
        goto fail;
    }
    a->key_name = sl_strdup(v[1]);
    a->key = sl_strdup(v[2]);
    if (a->key_name == NULL || a->key == NULL) {
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        goto fail;
    }
    /* a policy name that cannot be put in a token fails here, not at every call */
    rc = sl_azure_sas_token("https://probe/", a->key_name, a->key, 0, &probe, err);
    sl_buf_release(&probe);
    if (rc != SL_OK) {
        sl_error_prefix(err, RESOURCE ": AZURE_POLICY_NAME");
        rc = sl_error_recode(err, rc == SL_ENOMEM ? rc : SL_ECONFIG);
        goto fail;
    }
    *out = &a->base; /* no request yet: the service being unreachable fails the first call */
    return SL_OK;
fail:
    azsbus_close(&a->base);
    return rc;
}

static sl_err azsbus_publish(struct sl_msg_broker *b, struct sl_str topic, struct sl_str msg,
                             struct sl_error *err)
{
    struct azsbus_broker *a = (struct azsbus_broker *)b;
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    /* not repeated: a send whose answer was lost may have been stored */
    sl_err rc = call(a, SL_SBUS_SEND, topic.ptr, topic.len, NULL, 0, 0, msg, &resp, err);
    sl_http_response_release(&resp);
    return rc;
}

static sl_err azsbus_subscribe(struct sl_msg_broker *b, struct sl_str topic, struct sl_buf *token,
                               struct sl_error *err)
{
    struct azsbus_broker *a = (struct azsbus_broker *)b;
    struct azsbus_sub *s = sl_calloc(1, sizeof(*s));
    if (s == NULL || (s->topic = sl_strndup(topic.ptr, topic.len)) == NULL) {
        sl_free(s);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    s->topic_len = topic.len;
    pthread_mutex_init(&s->lock, NULL);
    sl_msg_token_make(s->token);
    snprintf(s->name, sizeof(s->name), "slight-%s", s->token);
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    sl_err rc = call(a, SL_SBUS_CREATE_SUBSCRIPTION, s->topic, s->topic_len, s->name, 0, 0,
                     (struct sl_str){NULL, 0}, &resp, err);
    sl_http_response_release(&resp);
    if (rc == SL_OK && sl_buf_appends(token, s->token) != SL_OK)
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    if (rc != SL_OK) {
        pthread_mutex_destroy(&s->lock);
        sl_free(s->topic);
        sl_free(s);
        return rc;
    }
    pthread_mutex_lock(&a->lock);
    s->next = a->subs;
    a->subs = s;
    pthread_mutex_unlock(&a->lock);
    return SL_OK;
}

static struct azsbus_sub *find_sub(struct azsbus_broker *a, struct sl_str token)
{
    pthread_mutex_lock(&a->lock);
    struct azsbus_sub *s = a->subs;
    while (s != NULL
           && !(strlen(s->token) == token.len && memcmp(s->token, token.ptr, token.len) == 0))
        s = s->next;
    pthread_mutex_unlock(&a->lock);
    return s;
}

static sl_err azsbus_receive(struct sl_msg_broker *b, struct sl_str token, uint64_t timeout_ms,
                             struct sl_buf *msg, struct sl_error *err)
{
    struct azsbus_broker *a = (struct azsbus_broker *)b;
    struct azsbus_sub *s = find_sub(a, token);
    if (s == NULL)
        return sl_error_set(err, SL_EINVAL, RESOURCE ": unknown subscription token '%.*s'",
                            (int)token.len, token.ptr);
    /* whole seconds on the service: a short wait still asks once a second, not 20 times */
    unsigned wait_s = (unsigned)SL_MIN((timeout_ms + 999) / 1000, (uint64_t)RECEIVE_WAIT_MAX_S);
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    pthread_mutex_lock(&s->lock);
    sl_err rc = call(a, SL_SBUS_RECEIVE, s->topic, s->topic_len, s->name, wait_s,
                     wait_s * 1000ul + RECEIVE_SLACK_MS, (struct sl_str){NULL, 0}, &resp, err);
    pthread_mutex_unlock(&s->lock);
    if (rc == SL_OK && resp.body.len > 0
        && sl_buf_append(msg, resp.body.data, resp.body.len) != SL_OK)
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    sl_http_response_release(&resp);
    return rc;
}

const struct sl_msg_backend sl_msg_backend_azsbus = {
    .version = SL_MSG_BACKEND_V1,
    .name = "azsbus",
    .config_keys = config_keys,
    .max_payload = 0, /* the namespace's tier decides (256 KB standard): 413 is payload-too-large */
    .open = azsbus_open,
    .close = azsbus_close,
    .publish = azsbus_publish,
    .subscribe = azsbus_subscribe,
    .receive = azsbus_receive,
    .shutdown = NULL,
};
