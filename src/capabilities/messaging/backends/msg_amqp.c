/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_amqp.c -- messaging.amqp: AMQP 0-9-1 (RabbitMQ) over librabbitmq.
 * Topic t of a capability is routing key t on a durable direct exchange
 * ("slight.<capability name>" or AMQP_EXCHANGE): exact match, no wildcards.
 * A subscription is an exclusive, auto-delete, server-named queue bound to
 * that key and consumed with manual acks (a message is acked when receive
 * hands it out). Each capability has two connections, made at the first call
 * that needs them and re-made after a failure: one publishes with publisher
 * confirms, the other carries the subscriptions (re-declared on reconnect).
 * librabbitmq connections are not thread-safe: each is used under its own
 * mutex, and a waiting receive polls the socket without holding it.
 * Hand-written: reading a delivery's header and body frames (librabbitmq's
 * amqp_read_message allocates whatever size the broker announces; here the
 * body is bounded by MAX_PAYLOAD first). In the slight-amqp module.
 */
#include "sl_common.h"

#include "capabilities/messaging/msg_backend.h"

#include "common/clock.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/units.h"
#include "sl_config.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <amqp.h>
#include <amqp_tcp_socket.h>

#define RESOURCE "messaging.amqp"
/* The default of AMQP_TIMEOUT: connect, log in, and each reply of the broker. */
#define DEFAULT_TIMEOUT_MS 5000
/* RabbitMQ's default max_message_size (3.8 and later). */
#define MAX_PAYLOAD (128u * 1024u * 1024u)
/* Longest routing key (an AMQP short string) and exchange name. */
#define SHORTSTR_MAX 255
/*
 * Messages a subscription holds in the process before it stops acking them
 * as they arrive; then at most PREFETCH more come (unacked, acked when
 * handed out) and the rest waits in its queue on the broker. Acking on
 * arrival keeps a slow reader clear of RabbitMQ's consumer_timeout (30 min)
 * for unacked messages.
 */
#define HOLD_MAX 256
#define PREFETCH 64
/* Longest wait on the socket in one go, so that frames another thread read are seen soon. */
#define POLL_SLICE_MS 10
/* Longest wait for each reply of the broker while closing. */
#define CLOSE_WAIT_MS 500
/* The one channel of each connection. */
#define CHANNEL 1

#define SL_MODULE_EXPORT __attribute__((visibility("default")))

/* What the slight-amqp module exports (msg_registry.c looks them up by name). */
SL_MODULE_EXPORT extern const struct sl_msg_backend sl_msg_backend_amqp;
SL_MODULE_EXPORT const char *sl_amqp_module_version(void);

/* One message taken from the broker, not yet handed out: owned by its subscription's list. */
struct amqp_held {
    struct amqp_held *next;
    uint64_t gen;    /* the subscription connection it came over */
    uint64_t tag;    /* its delivery tag there */
    bool acked;      /* at arrival; else when handed out */
    size_t len;
    char data[];
};

struct amqp_sub {
    struct amqp_sub *next;
    char token[37];  /* also the consumer tag */
    char *topic;     /* owned: the routing key */
    size_t topic_len;
    bool live;       /* consuming on the current subscription connection */
    struct amqp_held *head, *tail; /* under the broker's sub lock */
    size_t n_held;
};

/* One AMQP connection with its channel CHANNEL open; NULL state: not connected. */
struct amqp_link {
    pthread_mutex_t lock;
    amqp_connection_state_t st;
    uint64_t gen; /* incremented at each connect */
};

struct amqp_broker {
    struct sl_msg_broker base;
    char *url;            /* owned: the parsed copy of AMQP_URL (info points into it) */
    struct amqp_connection_info info;
    char where[300];      /* "host:port vhost /": for messages, never credentials */
    char *exchange;       /* owned */
    uint64_t timeout_ms;  /* AMQP_TIMEOUT */
    struct amqp_link pub; /* publishes, with confirms */
    uint64_t pub_seq;     /* under pub.lock: delivery tag of the last publish */
    struct amqp_link sub; /* subscriptions; its lock also guards subs */
    struct amqp_sub *subs;
};

static const struct sl_config_key config_keys[] = {
    {"AMQP_URL", true, true},
    {"AMQP_EXCHANGE", false, false},
    {"AMQP_TIMEOUT", false, false},
    {"RECEIVE_TIMEOUT", false, false},
    {NULL, false, false},
};

static struct timeval tv_of(uint64_t ms)
{
    return (struct timeval){.tv_sec = (time_t)(ms / 1000),
                            .tv_usec = (suseconds_t)(ms % 1000) * 1000};
}

static amqp_bytes_t bytes_of(const char *p, size_t len)
{
    return (amqp_bytes_t){.len = len, .bytes = (void *)p};
}

/* ---- errors --------------------------------------------------------------- */

/*
 * The error of an AMQP reply r (of what, e.g. "queue.declare") into *err:
 * a broker close with 403 is SL_EAUTH, 404 SL_ENOTFOUND, a message above
 * the broker's limit SL_EINVALVALUE, a lost connection SL_ECONN.
 */
static sl_err reply_error(struct amqp_broker *a, amqp_rpc_reply_t r, const char *what,
                          struct sl_error *err)
{
    switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL:
        return sl_error_set(err, SL_EIO, RESOURCE ": %s on %s: unexpected reply", what, a->where);
    case AMQP_RESPONSE_NONE:
        return sl_error_set(err, SL_ECONN, RESOURCE ": %s on %s: no reply", what, a->where);
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
        return sl_error_set(err, r.library_error == AMQP_STATUS_NO_MEMORY ? SL_ENOMEM : SL_ECONN,
                            RESOURCE ": %s on %s: %s", what, a->where,
                            amqp_error_string2(r.library_error));
    case AMQP_RESPONSE_SERVER_EXCEPTION:
        break;
    }
    uint16_t code = 0;
    amqp_bytes_t text = {0, NULL};
    if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD && r.reply.decoded != NULL) {
        const amqp_connection_close_t *c = r.reply.decoded;
        code = c->reply_code, text = c->reply_text;
    } else if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD && r.reply.decoded != NULL) {
        const amqp_channel_close_t *c = r.reply.decoded;
        code = c->reply_code, text = c->reply_text;
    }
    sl_err rc = SL_EIO;
    if (code == AMQP_ACCESS_REFUSED || code == AMQP_NOT_ALLOWED)
        rc = SL_EAUTH;
    else if (code == AMQP_NOT_FOUND)
        rc = SL_ENOTFOUND;
    else if (code == AMQP_CONNECTION_FORCED)
        rc = SL_ECONN;
    else if (code == AMQP_PRECONDITION_FAILED && text.len > 0
             && memmem(text.bytes, text.len, "message size", 12) != NULL)
        rc = SL_EINVALVALUE;
    return sl_error_set(err, rc, RESOURCE ": %s on %s: the broker closed the %s: %d %.*s", what,
                        a->where, r.reply.id == AMQP_CONNECTION_CLOSE_METHOD ? "connection"
                                                                             : "channel",
                        code, (int)SL_MIN(text.len, (size_t)200), (const char *)text.bytes);
}

/* The status of a librabbitmq call that returns an int, as an error. */
static sl_err status_error(struct amqp_broker *a, int status, const char *what,
                           struct sl_error *err)
{
    return sl_error_set(err, status == AMQP_STATUS_NO_MEMORY ? SL_ENOMEM : SL_ECONN,
                        RESOURCE ": %s on %s: %s", what, a->where, amqp_error_string2(status));
}

/* ---- connections ---------------------------------------------------------- */

/* Drops the connection of l (without the closing handshake: it failed). Under l->lock. */
static void link_drop(struct amqp_link *l)
{
    if (l->st != NULL)
        amqp_destroy_connection(l->st);
    l->st = NULL;
}

/*
 * Closes the connection of l politely (the broker deletes its exclusive
 * queues at once), waiting at most CLOSE_WAIT_MS for each reply: a broker
 * that stopped answering does not hold up slight's exit for long.
 */
static void link_close(struct amqp_link *l)
{
    if (l->st != NULL) {
        struct timeval tv = tv_of(CLOSE_WAIT_MS);
        amqp_set_rpc_timeout(l->st, &tv);
        amqp_channel_close(l->st, CHANNEL, AMQP_REPLY_SUCCESS);
        amqp_connection_close(l->st, AMQP_REPLY_SUCCESS);
    }
    link_drop(l);
}

/*
 * Connects l: TCP, log in, open CHANNEL, declare the exchange. On failure
 * l stays unconnected. Under l->lock.
 */
static sl_err link_connect(struct amqp_broker *a, struct amqp_link *l, struct sl_error *err)
{
    amqp_connection_state_t st = amqp_new_connection();
    if (st == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    amqp_socket_t *sock = amqp_tcp_socket_new(st);
    if (sock == NULL) {
        amqp_destroy_connection(st);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    struct timeval tv = tv_of(a->timeout_ms);
    sl_err rc = SL_OK;
    int status = amqp_socket_open_noblock(sock, a->info.host, a->info.port, &tv);
    if (status != AMQP_STATUS_OK) {
        rc = sl_error_set(err, SL_ECONN, RESOURCE ": cannot connect to %s: %s", a->where,
                          amqp_error_string2(status));
        amqp_destroy_connection(st);
        return rc;
    }
    amqp_set_handshake_timeout(st, &tv);
    amqp_set_rpc_timeout(st, &tv);
    /* heartbeat 0: the broker never closes an idle connection */
    amqp_rpc_reply_t r = amqp_login(st, a->info.vhost, 0, AMQP_DEFAULT_FRAME_SIZE, 0,
                                    AMQP_SASL_METHOD_PLAIN, a->info.user, a->info.password);
    if (r.reply_type != AMQP_RESPONSE_NORMAL) {
        rc = reply_error(a, r, "login", err);
    } else if (amqp_channel_open(st, CHANNEL) == NULL) {
        rc = reply_error(a, amqp_get_rpc_reply(st), "channel.open", err);
    } else if (amqp_exchange_declare(st, CHANNEL, amqp_cstring_bytes(a->exchange),
                                     amqp_cstring_bytes("direct"), 0, 1, 0, 0, amqp_empty_table)
               == NULL) {
        rc = reply_error(a, amqp_get_rpc_reply(st), "exchange.declare", err);
    }
    if (rc != SL_OK) {
        amqp_destroy_connection(st);
        return rc;
    }
    amqp_maybe_release_buffers(st);
    l->st = st;
    l->gen++;
    return SL_OK;
}

/* ---- subscriptions -------------------------------------------------------- */

/* Declares s's queue, binds it and consumes from it on a->sub. Under a->sub.lock. */
static sl_err sub_declare(struct amqp_broker *a, struct amqp_sub *s, struct sl_error *err)
{
    amqp_connection_state_t st = a->sub.st;
    amqp_queue_declare_ok_t *q =
        amqp_queue_declare(st, CHANNEL, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table);
    if (q == NULL)
        return reply_error(a, amqp_get_rpc_reply(st), "queue.declare", err);
    /* the name lives in the connection's pool until the buffers are released */
    char queue[SHORTSTR_MAX + 1];
    snprintf(queue, sizeof(queue), "%.*s", (int)q->queue.len, (const char *)q->queue.bytes);
    if (amqp_queue_bind(st, CHANNEL, amqp_cstring_bytes(queue), amqp_cstring_bytes(a->exchange),
                        bytes_of(s->topic, s->topic_len), amqp_empty_table)
        == NULL)
        return reply_error(a, amqp_get_rpc_reply(st), "queue.bind", err);
    if (amqp_basic_consume(st, CHANNEL, amqp_cstring_bytes(queue), amqp_cstring_bytes(s->token),
                           0, 0, 1, amqp_empty_table)
        == NULL)
        return reply_error(a, amqp_get_rpc_reply(st), "basic.consume", err);
    s->live = true;
    return SL_OK;
}

/*
 * Connects the subscription connection and makes every subscription again
 * on it (new queues: what was published meanwhile is lost). Messages held
 * from the old connection stay and are handed out. Under a->sub.lock.
 */
static sl_err sub_connect(struct amqp_broker *a, struct sl_error *err)
{
    for (struct amqp_sub *s = a->subs; s != NULL; s = s->next)
        s->live = false;
    sl_err rc = link_connect(a, &a->sub, err);
    if (rc != SL_OK)
        return rc;
    /* per consumer (RabbitMQ's reading of global = 0) */
    if (amqp_basic_qos(a->sub.st, CHANNEL, 0, PREFETCH, 0) == NULL)
        rc = reply_error(a, amqp_get_rpc_reply(a->sub.st), "basic.qos", err);
    for (struct amqp_sub *s = a->subs; rc == SL_OK && s != NULL; s = s->next)
        rc = sub_declare(a, s, err);
    if (rc != SL_OK) {
        link_drop(&a->sub);
        return rc;
    }
    amqp_maybe_release_buffers(a->sub.st);
    if (a->subs != NULL)
        sl_log_debug(RESOURCE ": subscriptions made again on %s", a->where);
    return SL_OK;
}

static struct amqp_sub *find_sub(struct amqp_broker *a, const void *tag, size_t len)
{
    struct amqp_sub *s = a->subs;
    while (s != NULL && !(strlen(s->token) == len && memcmp(s->token, tag, len) == 0))
        s = s->next;
    return s;
}

/*
 * Waits at most wait_ms (0: not at all) for the next frame of the
 * subscription connection; *f points into the connection's buffers until
 * the next wait or release.
 */
static int sub_frame(struct amqp_broker *a, amqp_frame_t *f, uint64_t wait_ms)
{
    struct timeval tv = tv_of(wait_ms);
    return amqp_simple_wait_frame_noblock(a->sub.st, f, &tv);
}

/*
 * Reads the content (header and body frames) of the delivery d (borrowed:
 * it lives in the connection's pool) and holds it for its subscription, in
 * a copy the subscription owns; a delivery for no subscription is rejected.
 * The frames follow at once: they are waited for up to AMQP_TIMEOUT each.
 * Under a->sub.lock.
 */
static sl_err take_delivery(struct amqp_broker *a, const amqp_basic_deliver_t *d,
                            struct sl_error *err)
{
    amqp_connection_state_t st = a->sub.st;
    uint64_t tag = d->delivery_tag;
    struct amqp_sub *s = find_sub(a, d->consumer_tag.bytes, d->consumer_tag.len);
    amqp_frame_t f;
    int status = sub_frame(a, &f, a->timeout_ms);
    if (status != AMQP_STATUS_OK)
        return status_error(a, status, "reading a message", err);
    if (f.frame_type != AMQP_FRAME_HEADER)
        return sl_error_set(err, SL_ECONN, RESOURCE ": %s sent frame type %d, not a header",
                            a->where, f.frame_type);
    uint64_t size = f.payload.properties.body_size;
    struct amqp_held *h = NULL;
    if (s != NULL && size <= MAX_PAYLOAD) {
        h = sl_malloc(sizeof(*h) + (size_t)size);
        if (h == NULL)
            return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory for a message of %llu "
                                                "bytes", (unsigned long long)size);
    }
    for (uint64_t got = 0; got < size;) {
        status = sub_frame(a, &f, a->timeout_ms);
        if (status != AMQP_STATUS_OK || f.frame_type != AMQP_FRAME_BODY
            || f.payload.body_fragment.len > size - got) {
            sl_free(h);
            if (status != AMQP_STATUS_OK)
                return status_error(a, status, "reading a message", err);
            return sl_error_set(err, SL_ECONN, RESOURCE ": %s sent a malformed message",
                                a->where);
        }
        if (h != NULL)
            memcpy(h->data + got, f.payload.body_fragment.bytes, f.payload.body_fragment.len);
        got += f.payload.body_fragment.len;
    }
    if (h == NULL) { /* for no subscription of ours, or larger than we take */
        sl_log_warn(RESOURCE ": dropped a message of %llu bytes from %s (%s)",
                    (unsigned long long)size, a->where,
                    s == NULL ? "unknown consumer" : "too large");
        status = amqp_basic_reject(st, CHANNEL, tag, 0);
        return status == AMQP_STATUS_OK ? SL_OK : status_error(a, status, "basic.reject", err);
    }
    h->next = NULL;
    h->gen = a->sub.gen;
    h->tag = tag;
    h->acked = false;
    h->len = (size_t)size;
    if (s->tail != NULL)
        s->tail->next = h;
    else
        s->head = h;
    s->tail = h;
    if (s->n_held++ < HOLD_MAX) {
        status = amqp_basic_ack(st, CHANNEL, tag, 0);
        if (status != AMQP_STATUS_OK)
            return status_error(a, status, "basic.ack", err);
        h->acked = true;
    }
    return SL_OK;
}

/*
 * Reads the frames of the subscription connection that are there (or come
 * within wait_ms) and holds the messages. *any tells whether one frame at
 * least was read. A failure drops the connection. Under a->sub.lock.
 */
static sl_err sub_pump(struct amqp_broker *a, uint64_t wait_ms, bool *any, struct sl_error *err)
{
    *any = false;
    sl_err rc = SL_OK;
    for (;;) {
        amqp_frame_t f;
        int status = sub_frame(a, &f, *any ? 0 : wait_ms);
        if (status == AMQP_STATUS_TIMEOUT)
            break;
        if (status != AMQP_STATUS_OK) {
            rc = status_error(a, status, "receive", err);
            break;
        }
        *any = true;
        if (f.frame_type != AMQP_FRAME_METHOD)
            continue; /* a heartbeat, or content after a delivery we did not read */
        switch (f.payload.method.id) {
        case AMQP_BASIC_DELIVER_METHOD:
            rc = take_delivery(a, f.payload.method.decoded, err);
            break;
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD: {
            amqp_rpc_reply_t r = {.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION,
                                  .reply = f.payload.method};
            rc = reply_error(a, r, "receive", err);
            if (rc != SL_ENOMEM)
                rc = sl_error_recode(err, SL_ECONN);
            break;
        }
        case AMQP_BASIC_CANCEL_METHOD: /* a queue of ours was deleted: make them all again */
            rc = sl_error_set(err, SL_ECONN, RESOURCE ": %s cancelled a subscription", a->where);
            break;
        default: /* connection.blocked and the like */
            break;
        }
        if (rc != SL_OK)
            break;
    }
    if (rc != SL_OK)
        link_drop(&a->sub);
    else
        amqp_maybe_release_buffers(a->sub.st);
    return rc;
}

/*
 * Makes sure the subscription connection is up (connecting if not), having
 * read what the broker sent, so that a connection the broker dropped is
 * noticed here. Under a->sub.lock.
 */
static sl_err sub_ready(struct amqp_broker *a, struct sl_error *err)
{
    if (a->sub.st != NULL) {
        bool any;
        if (sub_pump(a, 0, &any, err) == SL_OK)
            return SL_OK;
        sl_log_debug("%s", err->msg);
    }
    return sub_connect(a, err);
}

/* ---- the backend ---------------------------------------------------------- */

static void amqp_close(struct sl_msg_broker *b)
{
    struct amqp_broker *a = (struct amqp_broker *)b;
    if (a == NULL)
        return;
    link_close(&a->pub);
    link_close(&a->sub);
    for (struct amqp_sub *s = a->subs, *next; s != NULL; s = next) {
        next = s->next;
        for (struct amqp_held *h = s->head, *hn; h != NULL; h = hn) {
            hn = h->next;
            sl_free(h);
        }
        sl_free(s->topic);
        sl_free(s);
    }
    pthread_mutex_destroy(&a->pub.lock);
    pthread_mutex_destroy(&a->sub.lock);
    if (a->url != NULL)
        explicit_bzero(a->url, strlen(a->url));
    sl_free(a->url);
    sl_free(a->exchange);
    sl_free(a);
}

static sl_err amqp_open(const struct sl_config *cfg, struct sl_str name,
                        struct sl_msg_broker **out, struct sl_error *err)
{
    *out = NULL;
    const char *url = sl_config_get(cfg, "AMQP_URL");
    if (url == NULL || url[0] == '\0')
        return sl_error_set(err, SL_ECONFIG, RESOURCE ": config AMQP_URL is missing");
    uint64_t timeout_ms = DEFAULT_TIMEOUT_MS;
    const char *t = sl_config_get(cfg, "AMQP_TIMEOUT");
    if (t != NULL) {
        sl_err rc = sl_parse_duration(t, &timeout_ms, err);
        if (rc == SL_OK && timeout_ms == 0)
            rc = sl_error_set(err, SL_ECONFIG, "must be more than 0");
        if (rc != SL_OK) {
            sl_error_recode(err, SL_ECONFIG);
            return sl_error_prefix(err, RESOURCE ": config AMQP_TIMEOUT");
        }
    }
    struct amqp_broker *a = sl_calloc(1, sizeof(*a));
    if (a == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    pthread_mutex_init(&a->pub.lock, NULL);
    pthread_mutex_init(&a->sub.lock, NULL);
    a->timeout_ms = timeout_ms;
    a->url = sl_strdup(url);
    const char *x = sl_config_get(cfg, "AMQP_EXCHANGE");
    struct sl_buf exch = SL_BUF_INIT;
    sl_err rc = x != NULL ? sl_buf_appends(&exch, x)
                          : sl_buf_appendf(&exch, "slight.%.*s", (int)name.len, name.ptr);
    if (a->url == NULL || rc != SL_OK) {
        sl_buf_release(&exch);
        amqp_close(&a->base);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    a->exchange = sl_buf_detach(&exch);
    if (a->exchange == NULL || a->exchange[0] == '\0' || strlen(a->exchange) > SHORTSTR_MAX) {
        amqp_close(&a->base);
        return sl_error_set(err, SL_ECONFIG,
                            RESOURCE ": config AMQP_EXCHANGE: an exchange name is 1 to %d bytes",
                            SHORTSTR_MAX);
    }
    /* parsed in place; the message never shows the URL (it holds the password) */
    amqp_default_connection_info(&a->info);
    if (amqp_parse_url(a->url, &a->info) != AMQP_STATUS_OK) {
        amqp_close(&a->base);
        return sl_error_set(err, SL_ECONFIG, RESOURCE ": config AMQP_URL is not "
                                                      "amqp://user:password@host:port/vhost");
    }
    if (a->info.ssl) {
        amqp_close(&a->base);
        return sl_error_set(err, SL_ECONFIG,
                            RESOURCE ": config AMQP_URL: amqps (TLS) is not supported yet");
    }
    snprintf(a->where, sizeof(a->where), "%.200s:%d vhost %.64s", a->info.host, a->info.port,
             a->info.vhost);
    /* no connection yet: a broker that is down fails the first call, not start-up */
    *out = &a->base;
    return SL_OK;
}

static sl_err check_topic(struct sl_str topic, struct sl_error *err)
{
    if (topic.len > SHORTSTR_MAX)
        return sl_error_set(err, SL_EINVAL,
                            RESOURCE ": the topic is longer than %d bytes (an AMQP routing key)",
                            SHORTSTR_MAX);
    return SL_OK;
}

/* Waits for the broker's confirm of publish number seq. Under a->pub.lock. */
static sl_err wait_confirm(struct amqp_broker *a, uint64_t seq, struct sl_error *err)
{
    amqp_connection_state_t st = a->pub.st;
    uint64_t deadline = sl_clock_ms() + a->timeout_ms;
    for (;;) {
        uint64_t now = sl_clock_ms();
        if (now >= deadline)
            return sl_error_set(err, SL_ECONN, RESOURCE ": %s did not confirm the message within "
                                "%llums", a->where, (unsigned long long)a->timeout_ms);
        amqp_frame_t f;
        struct timeval tv = tv_of(deadline - now);
        int status = amqp_simple_wait_frame_noblock(st, &f, &tv);
        if (status == AMQP_STATUS_TIMEOUT)
            continue;
        if (status != AMQP_STATUS_OK)
            return status_error(a, status, "publish", err);
        if (f.frame_type != AMQP_FRAME_METHOD)
            continue;
        switch (f.payload.method.id) {
        case AMQP_BASIC_ACK_METHOD: {
            const amqp_basic_ack_t *k = f.payload.method.decoded;
            if (k->delivery_tag == seq || (k->multiple && k->delivery_tag >= seq))
                return SL_OK;
            break;
        }
        case AMQP_BASIC_NACK_METHOD: {
            const amqp_basic_nack_t *k = f.payload.method.decoded;
            if (k->delivery_tag == seq || (k->multiple && k->delivery_tag >= seq))
                return sl_error_set(err, SL_EIO, RESOURCE ": %s refused the message", a->where);
            break;
        }
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD: {
            amqp_rpc_reply_t r = {.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION,
                                  .reply = f.payload.method};
            return reply_error(a, r, "publish", err);
        }
        default: /* basic.return (not asked for), connection.blocked */
            break;
        }
    }
}

/*
 * Drops the publishing connection when the broker closed it while it was
 * idle (a restart): what it sent since is read without waiting, so that the
 * next publish goes over a new connection instead of failing. Under
 * a->pub.lock.
 */
static void pub_check(struct amqp_broker *a)
{
    while (a->pub.st != NULL) {
        amqp_frame_t f;
        struct timeval zero = {0, 0};
        int status = amqp_simple_wait_frame_noblock(a->pub.st, &f, &zero);
        if (status == AMQP_STATUS_TIMEOUT)
            break;
        if (status != AMQP_STATUS_OK
            || (f.frame_type == AMQP_FRAME_METHOD
                && (f.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD
                    || f.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD))) {
            sl_log_debug(RESOURCE ": the publishing connection to %s was closed", a->where);
            link_drop(&a->pub);
        }
    }
    if (a->pub.st != NULL)
        amqp_maybe_release_buffers(a->pub.st);
}

static sl_err amqp_publish(struct sl_msg_broker *b, struct sl_str topic, struct sl_str msg,
                           struct sl_error *err)
{
    struct amqp_broker *a = (struct amqp_broker *)b;
    sl_err rc = check_topic(topic, err);
    if (rc != SL_OK)
        return rc;
    /*
     * Subscriptions of this process lost in an outage are made again first,
     * so that they get this message; failing that is the receive's error.
     */
    pthread_mutex_lock(&a->sub.lock);
    if (a->subs != NULL) {
        struct sl_error serr = SL_ERROR_INIT;
        if (sub_ready(a, &serr) != SL_OK)
            sl_log_debug("%s", serr.msg);
    }
    pthread_mutex_unlock(&a->sub.lock);

    pthread_mutex_lock(&a->pub.lock);
    pub_check(a);
    if (a->pub.st == NULL) {
        rc = link_connect(a, &a->pub, err);
        if (rc == SL_OK && amqp_confirm_select(a->pub.st, CHANNEL) == NULL) {
            rc = reply_error(a, amqp_get_rpc_reply(a->pub.st), "confirm.select", err);
            link_drop(&a->pub);
        }
        a->pub_seq = 0;
    }
    if (rc == SL_OK) {
        amqp_basic_properties_t props = {
            ._flags = AMQP_BASIC_DELIVERY_MODE_FLAG,
            .delivery_mode = AMQP_DELIVERY_NONPERSISTENT,
        };
        /* not idempotent: no retry, a lost confirm could mean a delivered message */
        int status = amqp_basic_publish(a->pub.st, CHANNEL, amqp_cstring_bytes(a->exchange),
                                        bytes_of(topic.ptr, topic.len), 0, 0, &props,
                                        bytes_of(msg.ptr, msg.len));
        if (status != AMQP_STATUS_OK)
            rc = status_error(a, status, "publish", err);
        else
            rc = wait_confirm(a, ++a->pub_seq, err);
        if (rc != SL_OK && rc != SL_ENOMEM)
            link_drop(&a->pub);
        else
            amqp_maybe_release_buffers(a->pub.st);
    }
    pthread_mutex_unlock(&a->pub.lock);
    return rc;
}

static sl_err amqp_subscribe(struct sl_msg_broker *b, struct sl_str topic, struct sl_buf *token,
                             struct sl_error *err)
{
    struct amqp_broker *a = (struct amqp_broker *)b;
    sl_err rc = check_topic(topic, err);
    if (rc != SL_OK)
        return rc;
    struct amqp_sub *s = sl_calloc(1, sizeof(*s));
    if (s == NULL || (s->topic = sl_strndup(topic.ptr, topic.len)) == NULL) {
        sl_free(s);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    s->topic_len = topic.len;
    sl_msg_token_make(s->token);
    pthread_mutex_lock(&a->sub.lock);
    rc = sub_ready(a, err);
    if (rc == SL_OK) {
        /* the subscription exists once the broker confirmed the binding */
        rc = sub_declare(a, s, err);
        if (rc != SL_OK)
            link_drop(&a->sub);
        else
            amqp_maybe_release_buffers(a->sub.st);
    }
    if (rc == SL_OK) {
        s->next = a->subs;
        a->subs = s;
    }
    pthread_mutex_unlock(&a->sub.lock);
    if (rc != SL_OK) {
        sl_free(s->topic);
        sl_free(s);
        return rc;
    }
    return sl_buf_appends(token, s->token) == SL_OK
               ? SL_OK
               : sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
}

/*
 * Hands out the oldest held message of s: appends it to *out (the caller's)
 * and frees it, acking it on the connection it came over if that was not
 * done at arrival. Under a->sub.lock.
 */
static sl_err hand_out(struct amqp_broker *a, struct amqp_sub *s, struct sl_buf *out,
                       struct sl_error *err)
{
    struct amqp_held *h = s->head;
    if (sl_buf_append(out, h->data, h->len) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    s->head = h->next;
    if (s->head == NULL)
        s->tail = NULL;
    s->n_held--;
    if (!h->acked && a->sub.st != NULL && h->gen == a->sub.gen) {
        int status = amqp_basic_ack(a->sub.st, CHANNEL, h->tag, 0);
        if (status != AMQP_STATUS_OK) { /* the message is out all the same */
            sl_log_debug(RESOURCE ": ack on %s: %s", a->where, amqp_error_string2(status));
            link_drop(&a->sub);
        }
    }
    sl_free(h);
    return SL_OK;
}

static sl_err amqp_receive(struct sl_msg_broker *b, struct sl_str token, uint64_t timeout_ms,
                           struct sl_buf *out, struct sl_error *err)
{
    struct amqp_broker *a = (struct amqp_broker *)b;
    uint64_t start = sl_clock_ms();
    pthread_mutex_lock(&a->sub.lock);
    /* subscriptions are only removed by close: s stays valid without the lock */
    struct amqp_sub *s = find_sub(a, token.ptr, token.len);
    if (s == NULL) {
        pthread_mutex_unlock(&a->sub.lock);
        return sl_error_set(err, SL_EINVAL, RESOURCE ": unknown subscription token '%.*s'",
                            (int)SL_MIN(token.len, (size_t)64), token.ptr);
    }
    sl_err rc = SL_OK;
    for (;;) {
        if (s->head != NULL) {
            rc = hand_out(a, s, out, err);
            break;
        }
        if (a->sub.st == NULL || !s->live) {
            rc = sub_connect(a, err);
            if (rc != SL_OK)
                break;
        }
        bool any = false;
        rc = sub_pump(a, 0, &any, err);
        if (rc != SL_OK)
            break;
        if (any || s->head != NULL)
            continue;
        uint64_t spent = sl_clock_ms() - start;
        if (spent >= timeout_ms) {
            rc = sl_error_set(err, SL_ETIMEOUT, RESOURCE ": no message within %llums",
                              (unsigned long long)timeout_ms);
            break;
        }
        /* wait for the socket without the lock: publishers and other receivers go on */
        struct pollfd p = {.fd = amqp_get_sockfd(a->sub.st), .events = POLLIN};
        pthread_mutex_unlock(&a->sub.lock);
        poll(&p, 1, (int)SL_MIN(timeout_ms - spent, (uint64_t)POLL_SLICE_MS));
        pthread_mutex_lock(&a->sub.lock);
    }
    pthread_mutex_unlock(&a->sub.lock);
    return rc;
}

const struct sl_msg_backend sl_msg_backend_amqp = {
    .version = SL_MSG_BACKEND_V1,
    .name = "amqp",
    .config_keys = config_keys,
    .max_payload = MAX_PAYLOAD,
    .open = amqp_open,
    .close = amqp_close,
    .publish = amqp_publish,
    .subscribe = amqp_subscribe,
    .receive = amqp_receive,
};

/* Must equal the loading binary's SL_VERSION: a module of another build is not used. */
const char *sl_amqp_module_version(void)
{
    return SL_VERSION;
}
