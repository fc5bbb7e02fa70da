/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_kafka.c -- messaging.confluent_apache_kafka on librdkafka, which does
 * the protocol, TLS and SASL; written here is only the mapping to slight's
 * pull API. A guest topic is the Kafka topic of the same name (other
 * clients interoperate); publish waits for the brokers' ack (acks=all);
 * each subscription is its own consumer, assigned every partition at the
 * end offsets of subscribe time. No consumer-group balancing and no offset
 * commits. In the slight-kafka module.
 */
#include "sl_common.h"

#include "capabilities/messaging/msg_backend.h"

#include "common/clock.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/units.h"
#include "sl_config.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#define RESOURCE "messaging.confluent_apache_kafka"
/* CAK_TIMEOUT's default: delivery of one publish, metadata and offset requests. */
#define DEFAULT_TIMEOUT_MS 10000
/*
 * Largest message: Kafka's "1 MB" (librdkafka's default message.max.bytes).
 * With the record batch around it, it fits the broker's default limit
 * (message.max.bytes = 1048588), which is also the producer's limit here.
 */
#define MAX_PAYLOAD     1000000u
#define MAX_BATCH       "1048588"
#define KAFKA_TOPIC_MAX 249
/* Longest reconnect backoff, so that a broker that is back is used soon. */
#define RECONNECT_BACKOFF_MAX_MS "1000"
/* Producers replaced after a fatal error, kept until close (other publishes may still use them). */
#define RETIRED_MAX 8
/* Longest wait for a connection check while the brokers are down. */
#define PROBE_MIN_MS 50
/*
 * How long the broker may hold a fetch that has nothing to return. Kafka
 * answers as soon as a message arrives; librdkafka's mock cluster only when
 * this passes, so it bounds the delay there. Idle, a subscription sends
 * about 20 fetches a second.
 */
#define FETCH_WAIT_MS "50"

#define SL_MODULE_EXPORT __attribute__((visibility("default")))

/* What the slight-kafka module exports (msg_registry.c looks them up by name). */
SL_MODULE_EXPORT const char *sl_kafka_module_version(void);
SL_MODULE_EXPORT extern const struct sl_msg_backend sl_msg_backend_kafka;

struct kafka_sub {
    struct kafka_sub *next;
    char token[37];
    pthread_mutex_t lock; /* one receive at a time: each takes a different message */
    rd_kafka_t *consumer; /* owned */
    bool down;            /* under lock: the client reported every broker down */
    char why[160];        /* under lock: the last connection error */
};

struct kafka_broker {
    struct sl_msg_broker base;
    rd_kafka_conf_t *conf; /* owned: the connection settings every client starts from */
    char *group_prefix;    /* owned: CAK_GROUP_ID or "slight" */
    char *endpoint;        /* owned: CAK_ENDPOINT, for messages */
    uint64_t timeout_ms;
    pthread_mutex_t lock; /* guards producer (created at the first publish) and subs */
    rd_kafka_t *producer;
    rd_kafka_t *retired[RETIRED_MAX]; /* under lock: producers that failed for good */
    size_t nretired;
    struct kafka_sub *subs;    /* removed only by close */
    pthread_mutex_t dr_lock;   /* guards the delivery records of waiting publishes */
    struct known_topic *known; /* under lock: topics whose metadata the producer has */
};

/* A topic the producer has asked the cluster about. */
struct known_topic {
    struct known_topic *next;
    char name[]; /* NUL-terminated */
};

/* One publish waiting for its delivery report (on the publisher's stack). */
struct delivery {
    bool done; /* under dr_lock */
    rd_kafka_resp_err_t err;
    rd_kafka_msg_status_t status;
};

static const struct sl_config_key config_keys[] = {
    {"CAK_ENDPOINT", true, false},
    {"CAK_SECURITY_PROTOCOL", false, false},
    {"CAK_SASL_MECHANISMS", false, false},
    {"CAK_SASL_USERNAME", false, false},
    {"CAK_SASL_PASSWORD", false, true},
    {"CAK_GROUP_ID", false, false},
    {"CAK_TIMEOUT", false, false},
    {"RECEIVE_TIMEOUT", false, false},
    {NULL, false, false},
};

const char *sl_kafka_module_version(void)
{
    return SL_VERSION;
}

static int as_int_ms(uint64_t ms)
{
    return (int)SL_MIN(ms, (uint64_t)INT32_MAX);
}

/* librdkafka's own log lines go to slight's log at debug level. */
static void log_line(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    (void)level;
    sl_log_debug(RESOURCE ": librdkafka: %s: %s", fac, buf);
}

/* Errors that mean "no broker answers" rather than a refusal. */
static bool is_connection_error(rd_kafka_resp_err_t e)
{
    switch (e) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
        return true;
    default:
        return false;
    }
}

/* The sl_err of a librdkafka error (what msg_host.c turns into messaging-error). */
static sl_err code_of(rd_kafka_resp_err_t e)
{
    if (is_connection_error(e))
        return SL_ECONN;
    switch (e) {
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        return SL_ENOTFOUND;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
        return SL_EAUTH;
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
        return SL_EINVALVALUE;
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
        return SL_EINVAL;
    default:
        return SL_EIO;
    }
}

/* Records e for what (a verb phrase; note may be "") and returns its code. */
static sl_err fail(struct kafka_broker *k, rd_kafka_resp_err_t e, const char *what,
                   struct sl_str topic, const char *note, struct sl_error *err)
{
    sl_err code = code_of(e);
    if (code == SL_ECONN)
        return sl_error_set(err, code, RESOURCE ": cannot %s '%.*s' on '%s': %s%s", what,
                            (int)topic.len, topic.ptr, k->endpoint, rd_kafka_err2str(e), note);
    return sl_error_set(err, code, RESOURCE ": cannot %s '%.*s': %s%s", what, (int)topic.len,
                        topic.ptr, rd_kafka_err2str(e), note);
}

/* Sets one librdkafka property from a slightfile key (when given). */
static sl_err conf_set(rd_kafka_conf_t *conf, const struct sl_config *cfg, const char *key,
                       const char *prop, struct sl_error *err)
{
    const char *v = sl_config_get(cfg, key);
    if (v == NULL)
        return SL_OK;
    char why[256];
    if (rd_kafka_conf_set(conf, prop, v, why, sizeof(why)) != RD_KAFKA_CONF_OK) {
        if (strcmp(key, "CAK_SASL_PASSWORD") == 0) /* never show a secret */
            return sl_error_set(err, SL_ECONFIG, RESOURCE ": config %s is not accepted", key);
        return sl_error_set(err, SL_ECONFIG, RESOURCE ": config %s: %s", key, why);
    }
    return SL_OK;
}

/* Sets a fixed property; they are all valid in this librdkafka, so failing is a bug. */
static sl_err conf_fixed(rd_kafka_conf_t *conf, const char *prop, const char *value,
                         struct sl_error *err)
{
    char why[256];
    if (rd_kafka_conf_set(conf, prop, value, why, sizeof(why)) != RD_KAFKA_CONF_OK)
        return sl_error_set(err, SL_EINTERNAL, RESOURCE ": librdkafka refused %s=%s: %s", prop,
                            value, why);
    return SL_OK;
}

static void kafka_sub_free(struct kafka_sub *s)
{
    if (s == NULL)
        return;
    if (s->consumer != NULL) {
        rd_kafka_consumer_close(s->consumer);
        rd_kafka_destroy(s->consumer);
    }
    pthread_mutex_destroy(&s->lock);
    sl_free(s);
}

static void kafka_close(struct sl_msg_broker *b)
{
    struct kafka_broker *k = (struct kafka_broker *)b;
    if (k == NULL)
        return;
    for (struct kafka_sub *s = k->subs, *next; s != NULL; s = next) {
        next = s->next;
        kafka_sub_free(s);
    }
    for (struct known_topic *t = k->known, *next; t != NULL; t = next) {
        next = t->next;
        sl_free(t);
    }
    /* every publish waited for its delivery: nothing is left to flush */
    if (k->producer != NULL)
        rd_kafka_destroy(k->producer);
    for (size_t i = 0; i < k->nretired; i++)
        rd_kafka_destroy(k->retired[i]);
    if (k->conf != NULL)
        rd_kafka_conf_destroy(k->conf);
    pthread_mutex_destroy(&k->dr_lock);
    pthread_mutex_destroy(&k->lock);
    sl_free(k->group_prefix);
    sl_free(k->endpoint);
    sl_free(k);
}

static sl_err kafka_open(const struct sl_config *cfg, struct sl_str name,
                         struct sl_msg_broker **out, struct sl_error *err)
{
    (void)name;
    *out = NULL;
    const char *endpoint = sl_config_get(cfg, "CAK_ENDPOINT");
    if (endpoint == NULL || endpoint[0] == '\0')
        return sl_error_set(err, SL_ECONFIG, RESOURCE ": needs config 'CAK_ENDPOINT'");
    uint64_t timeout_ms = DEFAULT_TIMEOUT_MS;
    const char *t = sl_config_get(cfg, "CAK_TIMEOUT");
    if (t != NULL) {
        if (sl_parse_duration(t, &timeout_ms, err) != SL_OK) {
            sl_error_prefix(err, RESOURCE ": config CAK_TIMEOUT");
            return sl_error_recode(err, SL_ECONFIG);
        }
        if (timeout_ms == 0 || timeout_ms > INT32_MAX)
            return sl_error_set(err, SL_ECONFIG,
                                RESOURCE ": config CAK_TIMEOUT must be between 1ms and 24d");
    }
    const char *group = sl_config_get(cfg, "CAK_GROUP_ID");
    struct kafka_broker *k = sl_calloc(1, sizeof(*k));
    if (k == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    pthread_mutex_init(&k->lock, NULL);
    pthread_mutex_init(&k->dr_lock, NULL);
    k->timeout_ms = timeout_ms;
    k->endpoint = sl_strdup(endpoint);
    k->group_prefix = sl_strdup(group != NULL && group[0] != '\0' ? group : "slight");
    k->conf = rd_kafka_conf_new();
    sl_err rc = SL_OK;
    if (k->endpoint == NULL || k->group_prefix == NULL || k->conf == NULL) {
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        goto fail;
    }
    /* values are checked here, at the first open, rather than at the first call; no connection */
    static const char *const map[][2] = {
        {"CAK_ENDPOINT", "bootstrap.servers"},      {"CAK_SECURITY_PROTOCOL", "security.protocol"},
        {"CAK_SASL_MECHANISMS", "sasl.mechanisms"}, {"CAK_SASL_USERNAME", "sasl.username"},
        {"CAK_SASL_PASSWORD", "sasl.password"},
    };
    for (size_t i = 0; rc == SL_OK && i < SL_ARRAY_SIZE(map); i++)
        rc = conf_set(k->conf, cfg, map[i][0], map[i][1], err);
    if (rc == SL_OK)
        rc = conf_fixed(k->conf, "reconnect.backoff.max.ms", RECONNECT_BACKOFF_MAX_MS, err);
    if (rc == SL_OK)
        rc = conf_fixed(k->conf, "client.id", "slight", err);
    if (rc != SL_OK)
        goto fail;
    rd_kafka_conf_set_log_cb(k->conf, log_line);
    *out = &k->base;
    return SL_OK;
fail:
    kafka_close(&k->base);
    return rc;
}

/* ---- publish -------------------------------------------------------------- */

static void delivered(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    struct kafka_broker *k = opaque;
    struct delivery *d = m->_private;
    pthread_mutex_lock(&k->dr_lock);
    d->err = m->err;
    d->status = rd_kafka_message_status(m);
    d->done = true;
    pthread_mutex_unlock(&k->dr_lock);
}

static void producer_error(rd_kafka_t *rk, int e, const char *reason, void *opaque)
{
    (void)rk;
    (void)opaque;
    sl_log_debug(RESOURCE ": producer: %s: %s", rd_kafka_err2name((rd_kafka_resp_err_t)e), reason);
}

/* The producer, created at the first publish (it starts librdkafka's threads). */
static sl_err producer_get(struct kafka_broker *k, rd_kafka_t **out, struct sl_error *err)
{
    pthread_mutex_lock(&k->lock);
    sl_err rc = SL_OK;
    if (k->producer == NULL) {
        rd_kafka_conf_t *conf = rd_kafka_conf_dup(k->conf);
        char ms[24], why[512];
        snprintf(ms, sizeof(ms), "%llu", (unsigned long long)k->timeout_ms);
        if (conf == NULL)
            rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        /* acks from every in-sync replica; no duplicates from librdkafka's own retries */
        if (rc == SL_OK)
            rc = conf_fixed(conf, "acks", "all", err);
        if (rc == SL_OK)
            rc = conf_fixed(conf, "enable.idempotence", "true", err);
        if (rc == SL_OK)
            rc = conf_fixed(conf, "message.timeout.ms", ms, err);
        if (rc == SL_OK)
            rc = conf_fixed(conf, "message.max.bytes", MAX_BATCH, err);
        /* each publish waits for its ack: nothing to gain from waiting for more */
        if (rc == SL_OK)
            rc = conf_fixed(conf, "linger.ms", "0", err);
        if (rc == SL_OK) {
            rd_kafka_conf_set_opaque(conf, k);
            rd_kafka_conf_set_dr_msg_cb(conf, delivered);
            rd_kafka_conf_set_error_cb(conf, producer_error);
            k->producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
            if (k->producer == NULL)
                rc = sl_error_set(err, SL_ECONFIG, RESOURCE ": cannot create a producer: %s", why);
            else
                conf = NULL; /* now the producer's */
        }
        if (conf != NULL)
            rd_kafka_conf_destroy(conf);
    }
    *out = k->producer;
    pthread_mutex_unlock(&k->lock);
    return rc;
}

/* A Kafka topic name: letters, digits, '.', '_', '-'; not "." or "..". */
static sl_err check_topic(struct sl_str topic, struct sl_error *err)
{
    bool ok = topic.len <= KAFKA_TOPIC_MAX && !(topic.len == 1 && topic.ptr[0] == '.')
              && !(topic.len == 2 && topic.ptr[0] == '.' && topic.ptr[1] == '.');
    for (size_t i = 0; ok && i < topic.len; i++) {
        char c = topic.ptr[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
             || c == '_' || c == '-';
    }
    if (!ok)
        return sl_error_set(err, SL_EINVAL,
                            RESOURCE ": '%.*s' is not a Kafka topic name (letters, digits, '.', "
                                     "'_' and '-', at most %d)",
                            (int)SL_MIN(topic.len, (size_t)KAFKA_TOPIC_MAX), topic.ptr,
                            KAFKA_TOPIC_MAX);
    return SL_OK;
}

static sl_err partitions_of(struct kafka_broker *k, rd_kafka_t *rk, const char *what,
                            struct sl_str topic, const char *name,
                            rd_kafka_topic_partition_list_t **out, struct sl_error *err);

/*
 * Makes sure the producer knows topic name before its first message:
 * librdkafka would otherwise ask about a new topic only on its next 1 s
 * timer. A missing topic the cluster does not create fails here.
 */
static sl_err learn_topic(struct kafka_broker *k, rd_kafka_t *p, struct sl_str topic,
                          const char *name, struct sl_error *err)
{
    pthread_mutex_lock(&k->lock);
    const struct known_topic *t = k->known;
    while (t != NULL && strcmp(t->name, name) != 0)
        t = t->next;
    pthread_mutex_unlock(&k->lock);
    if (t != NULL)
        return SL_OK;
    rd_kafka_topic_partition_list_t *parts = NULL;
    sl_err rc = partitions_of(k, p, "publish to", topic, name, &parts, err);
    if (rc != SL_OK)
        return rc;
    rd_kafka_topic_partition_list_destroy(parts);
    size_t len = strlen(name) + 1;
    struct known_topic *n = sl_malloc(sizeof(*n) + len);
    if (n == NULL)
        return SL_OK; /* asked again next time */
    memcpy(n->name, name, len);
    pthread_mutex_lock(&k->lock);
    n->next = k->known;
    k->known = n;
    pthread_mutex_unlock(&k->lock);
    return SL_OK;
}

/*
 * After a fatal error (librdkafka's idempotent producer stops for good, e.g.
 * when the cluster refuses it a producer id), the next publish makes a new
 * producer. The old one is destroyed at close: a publish may still wait on it.
 */
static void producer_retire(struct kafka_broker *k, rd_kafka_t *p)
{
    pthread_mutex_lock(&k->lock);
    if (k->producer == p && k->nretired < RETIRED_MAX) {
        k->retired[k->nretired++] = p;
        k->producer = NULL;
        for (struct known_topic *t = k->known, *next; t != NULL; t = next) {
            next = t->next;
            sl_free(t);
        }
        k->known = NULL;
    }
    pthread_mutex_unlock(&k->lock);
}

/* The error of a publish that failed on producer p with e. */
static sl_err publish_failed(struct kafka_broker *k, rd_kafka_t *p, rd_kafka_resp_err_t e,
                             struct sl_str topic, const char *note, struct sl_error *err)
{
    char why[256] = "";
    rd_kafka_resp_err_t cause = rd_kafka_fatal_error(p, why, sizeof(why));
    /* the messages of a producer that stopped fail with _FATAL or _PURGE_QUEUE */
    if (cause == RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR__FATAL)
        return fail(k, e, "publish to", topic, note, err);
    producer_retire(k, p);
    return sl_error_set(err, cause != RD_KAFKA_RESP_ERR_NO_ERROR ? code_of(cause) : SL_EIO,
                        RESOURCE ": cannot publish to '%.*s': the producer stopped (%s); the next "
                                 "publish uses a new one",
                        (int)topic.len, topic.ptr, why[0] ? why : rd_kafka_err2str(e));
}

static sl_err kafka_publish(struct sl_msg_broker *b, struct sl_str topic, struct sl_str msg,
                            struct sl_error *err)
{
    struct kafka_broker *k = (struct kafka_broker *)b;
    sl_err rc = check_topic(topic, err);
    if (rc != SL_OK)
        return rc;
    rd_kafka_t *p = NULL;
    rc = producer_get(k, &p, err);
    if (rc != SL_OK)
        return rc;
    char name[KAFKA_TOPIC_MAX + 1];
    snprintf(name, sizeof(name), "%.*s", (int)topic.len, topic.ptr);
    rc = learn_topic(k, p, topic, name, err);
    if (rc != SL_OK)
        return rc;
    struct delivery d = {false, RD_KAFKA_RESP_ERR_NO_ERROR, RD_KAFKA_MSG_STATUS_NOT_PERSISTED};
    /* partition 0: one topic is one ordered log; messages are copied by librdkafka */
    rd_kafka_resp_err_t e =
        rd_kafka_producev(p, RD_KAFKA_V_TOPIC(name), RD_KAFKA_V_PARTITION(0),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_VALUE((void *)(uintptr_t)(msg.len ? msg.ptr : ""), msg.len),
                          RD_KAFKA_V_OPAQUE(&d), RD_KAFKA_V_END);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
        return publish_failed(k, p, e, topic, "", err);
    /* librdkafka reports every message, at the latest after message.timeout.ms */
    for (;;) {
        pthread_mutex_lock(&k->dr_lock);
        bool done = d.done;
        pthread_mutex_unlock(&k->dr_lock);
        if (done)
            break;
        rd_kafka_poll(p, 10);
    }
    if (d.err == RD_KAFKA_RESP_ERR_NO_ERROR)
        return SL_OK;
    return publish_failed(k, p, d.err, topic,
                          d.status == RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED
                              ? " (the message may have been stored)"
                              : "",
                          err);
}

/* ---- subscribe ------------------------------------------------------------ */

static void consumer_error(rd_kafka_t *rk, int e, const char *reason, void *opaque)
{
    (void)rk;
    struct kafka_sub *s = opaque; /* runs in rd_kafka_consumer_poll: s->lock is held */
    rd_kafka_resp_err_t code = (rd_kafka_resp_err_t)e;
    sl_log_debug(RESOURCE ": consumer %s: %s: %s", s->token, rd_kafka_err2name(code), reason);
    if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || code == RD_KAFKA_RESP_ERR__TRANSPORT) {
        s->down = s->down || code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN;
        snprintf(s->why, sizeof(s->why), "%s", reason);
    }
}

/* A consumer for subscription s, in a consumer group of its own, without commits. */
static sl_err consumer_new(struct kafka_broker *k, struct kafka_sub *s, struct sl_error *err)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_dup(k->conf);
    if (conf == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    char group[256], why[512];
    snprintf(group, sizeof(group), "%s-%s", k->group_prefix, s->token);
    static const char *const fixed[][2] = {
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"enable.partition.eof", "false"},
        /* a position the broker no longer has: the oldest message it has is still new */
        {"auto.offset.reset", "earliest"},
        {"allow.auto.create.topics", "true"},
        {"fetch.wait.max.ms", FETCH_WAIT_MS},
    };
    sl_err rc = conf_fixed(conf, "group.id", group, err);
    for (size_t i = 0; rc == SL_OK && i < SL_ARRAY_SIZE(fixed); i++)
        rc = conf_fixed(conf, fixed[i][0], fixed[i][1], err);
    if (rc != SL_OK) {
        rd_kafka_conf_destroy(conf);
        return rc;
    }
    rd_kafka_conf_set_opaque(conf, s);
    rd_kafka_conf_set_error_cb(conf, consumer_error);
    s->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof(why));
    if (s->consumer == NULL) {
        rd_kafka_conf_destroy(conf);
        return sl_error_set(err, SL_ECONFIG, RESOURCE ": cannot create a consumer: %s", why);
    }
    rd_kafka_poll_set_consumer(s->consumer);
    return SL_OK;
}

/*
 * The partitions of topic into *out (a new list the caller destroys),
 * waiting while the cluster creates the topic, at most k->timeout_ms.
 */
static sl_err partitions_of(struct kafka_broker *k, rd_kafka_t *rk, const char *what,
                            struct sl_str topic, const char *name,
                            rd_kafka_topic_partition_list_t **out, struct sl_error *err)
{
    *out = NULL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, name, NULL);
    if (rkt == NULL)
        return fail(k, rd_kafka_last_error(), what, topic, "", err);
    uint64_t start = sl_clock_ms();
    sl_err rc = SL_OK;
    for (;;) {
        uint64_t spent = sl_clock_ms() - start;
        uint64_t left = spent >= k->timeout_ms ? 1 : k->timeout_ms - spent;
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, as_int_ms(left));
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const struct rd_kafka_metadata_topic *mt = md->topic_cnt == 1 ? &md->topics[0] : NULL;
            e = mt == NULL ? RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC : mt->err;
            if (e == RD_KAFKA_RESP_ERR_NO_ERROR && mt->partition_cnt > 0) {
                *out = rd_kafka_topic_partition_list_new(mt->partition_cnt);
                for (int i = 0; i < mt->partition_cnt; i++)
                    rd_kafka_topic_partition_list_add(*out, name, mt->partitions[i].id);
            } else if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
                e = RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE; /* still being created */
            }
            rd_kafka_metadata_destroy(md);
        }
        if (*out != NULL)
            break;
        /* a topic being auto-created answers "leader not available" for a moment */
        bool again = e == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE
                     || e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
        if (!again || sl_clock_ms() - start >= k->timeout_ms) {
            rc = fail(k, e, what, topic, "", err);
            break;
        }
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    rd_kafka_topic_destroy(rkt);
    return rc;
}

static sl_err kafka_subscribe(struct sl_msg_broker *b, struct sl_str topic, struct sl_buf *token,
                              struct sl_error *err)
{
    struct kafka_broker *k = (struct kafka_broker *)b;
    sl_err rc = check_topic(topic, err);
    if (rc != SL_OK)
        return rc;
    char name[KAFKA_TOPIC_MAX + 1];
    snprintf(name, sizeof(name), "%.*s", (int)topic.len, topic.ptr);
    struct kafka_sub *s = sl_calloc(1, sizeof(*s));
    if (s == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    pthread_mutex_init(&s->lock, NULL);
    sl_msg_token_make(s->token);
    rd_kafka_topic_partition_list_t *parts = NULL;
    rc = consumer_new(k, s, err);
    if (rc == SL_OK)
        rc = partitions_of(k, s->consumer, "subscribe to", topic, name, &parts, err);
    if (rc == SL_OK) {
        /* the end offsets now (ListOffsets "latest"): the first offsets to receive */
        for (int i = 0; i < parts->cnt; i++)
            parts->elems[i].offset = RD_KAFKA_OFFSET_END;
        rd_kafka_resp_err_t e =
            rd_kafka_offsets_for_times(s->consumer, parts, as_int_ms(k->timeout_ms));
        for (int i = 0; e == RD_KAFKA_RESP_ERR_NO_ERROR && i < parts->cnt; i++)
            if (parts->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR)
                e = parts->elems[i].err;
            else if (parts->elems[i].offset < 0)
                e = RD_KAFKA_RESP_ERR__BAD_MSG;
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
            e = rd_kafka_assign(s->consumer, parts);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
            rc = fail(k, e, "subscribe to", topic, "", err);
    }
    if (parts != NULL)
        rd_kafka_topic_partition_list_destroy(parts);
    if (rc == SL_OK && sl_buf_appends(token, s->token) != SL_OK)
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    if (rc != SL_OK) {
        kafka_sub_free(s);
        return rc;
    }
    pthread_mutex_lock(&k->lock);
    s->next = k->subs;
    k->subs = s;
    pthread_mutex_unlock(&k->lock);
    return SL_OK;
}

/* ---- receive -------------------------------------------------------------- */

static struct kafka_sub *find_sub(struct kafka_broker *k, struct sl_str token)
{
    pthread_mutex_lock(&k->lock);
    struct kafka_sub *s = k->subs;
    while (s != NULL
           && !(strlen(s->token) == token.len && memcmp(s->token, token.ptr, token.len) == 0))
        s = s->next;
    pthread_mutex_unlock(&k->lock);
    return s;
}

/*
 * After the client said every broker is down: asks the cluster for metadata
 * (at most wait_ms). SL_OK when it answered, else SL_ECONN. Under s->lock.
 */
static sl_err probe(struct kafka_broker *k, struct kafka_sub *s, uint64_t wait_ms,
                    struct sl_error *err)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(s->consumer, 0, NULL, &md, as_int_ms(wait_ms));
    if (md != NULL)
        rd_kafka_metadata_destroy(md);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
        s->down = false;
        return SL_OK;
    }
    return sl_error_set(err, SL_ECONN, RESOURCE ": connection lost to '%s': %s", k->endpoint,
                        s->why[0] ? s->why : rd_kafka_err2str(e));
}

static sl_err kafka_receive(struct sl_msg_broker *b, struct sl_str token, uint64_t timeout_ms,
                            struct sl_buf *out, struct sl_error *err)
{
    struct kafka_broker *k = (struct kafka_broker *)b;
    struct kafka_sub *s = find_sub(k, token);
    if (s == NULL)
        return sl_error_set(err, SL_EINVAL, RESOURCE ": unknown subscription token '%.*s'",
                            (int)token.len, token.ptr);
    uint64_t start = sl_clock_ms();
    sl_err rc = SL_OK;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        uint64_t spent = sl_clock_ms() - start;
        uint64_t left = spent >= timeout_ms ? 0 : timeout_ms - spent;
        rd_kafka_message_t *m = rd_kafka_consumer_poll(s->consumer, as_int_ms(left));
        if (m == NULL) {
            if (s->down) {
                rc = probe(k, s, SL_MAX(timeout_ms, (uint64_t)PROBE_MIN_MS), err);
                if (rc != SL_OK)
                    break;
            }
            if (sl_clock_ms() - start >= timeout_ms) {
                rc = sl_error_set(err, SL_ETIMEOUT, RESOURCE ": no message within %llums",
                                  (unsigned long long)timeout_ms);
                break;
            }
            continue;
        }
        rd_kafka_resp_err_t e = m->err;
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            s->down = false;
            if (sl_buf_append(out, m->len ? m->payload : "", m->len) != SL_OK)
                rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
            rd_kafka_message_destroy(m);
            break;
        }
        /* a consumer error: connection trouble is retried by librdkafka; the rest ends here */
        const char *topic = m->rkt ? rd_kafka_topic_name(m->rkt) : "";
        if (is_connection_error(e)) {
            snprintf(s->why, sizeof(s->why), "%s", rd_kafka_message_errstr(m));
            s->down = true;
            rd_kafka_message_destroy(m);
            continue;
        }
        if (e == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            rd_kafka_message_destroy(m);
            continue;
        }
        rc = sl_error_set(err, code_of(e), RESOURCE ": cannot receive from '%s': %s", topic,
                          rd_kafka_message_errstr(m));
        rd_kafka_message_destroy(m);
        break;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

const struct sl_msg_backend sl_msg_backend_kafka = {
    .version = SL_MSG_BACKEND_V1,
    .name = "confluent_apache_kafka",
    .config_keys = config_keys,
    .max_payload = MAX_PAYLOAD,
    .open = kafka_open,
    .close = kafka_close,
    .publish = kafka_publish,
    .subscribe = kafka_subscribe,
    .receive = kafka_receive,
    .shutdown = NULL,
};
