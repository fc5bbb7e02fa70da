/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_mosquitto.c -- messaging.mosquitto: MQTT 3.1.1 over libmosquitto, one
 * clean-session connection per capability, made at the first call and
 * re-made after a broker restart, subscriptions included. Each topic a
 * capability subscribes to is one MQTT subscription; its messages are
 * fanned out in memory to the slight subscriptions of that topic. Topic t
 * of capability c is the MQTT topic "c/t" (or MOSQUITTO_TOPIC_PREFIX then
 * t) with '+', '#', '%' and control characters escaped: exact topics, no
 * wildcards. Hand-written: that escaping, and the I/O thread that runs
 * mosquitto_loop (libmosquitto's own loop thread retries a failed connect
 * without telling anyone, so a call could only time out). In the
 * slight-mqtt module.
 */
#include "sl_common.h"

#include "capabilities/messaging/msg_backend.h"

#include "common/clock.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/units.h"
#include "sl_config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>

#define RESOURCE "messaging.mosquitto"
/* The default of MOSQUITTO_TIMEOUT: connect, and the broker's answer to each call. */
#define DEFAULT_TIMEOUT_MS 5000
/* Pause between two connection attempts of the I/O thread while the broker is down. */
#define RECONNECT_WAIT_MS 250
/* Longest wait of the I/O thread in mosquitto_loop: how soon it notices close. */
#define LOOP_MS 100
/* MQTT keep-alive: a dead connection is noticed after about 1.5 times this. */
#define KEEPALIVE_S 10
/* The largest MQTT packet: its remaining length is at most 268 435 455 bytes. */
#define MQTT_MAX_REMAINING 268435455u
/* The longest MQTT topic (a UTF-8 string with a 16-bit length). */
#define MQTT_TOPIC_MAX 65535u
/* Messages a subscription holds for receive; the broker's further ones are dropped. */
#define SUB_MAX_MSGS  65536u
#define SUB_MAX_BYTES (64u * 1024u * 1024u)
/* Completions (acks and sends) remembered for the calls that wait for them. */
#define DONE_RING 1024

#define SL_MODULE_EXPORT __attribute__((visibility("default")))

/* What the slight-mqtt module exports (msg_registry.c looks them up by name). */
SL_MODULE_EXPORT extern const struct sl_msg_backend sl_msg_backend_mosquitto;
SL_MODULE_EXPORT const char *sl_mqtt_module_version(void);

struct mq_msg {
    struct mq_msg *next;
    uint64_t seq; /* the broker's message counter when it arrived */
    size_t len;
    char data[];
};

struct mq_sub {
    struct mq_sub *next;
    char token[37];
    bool active; /* subscribe returned: the token is out */
    char *topic; /* owned: the MQTT topic, NUL-terminated */
    struct mq_msg *head, **tail;
    size_t count, bytes;
    bool dropping; /* full: the drop was logged */
};

/* One completion the I/O thread saw: a message sent (QoS 0) or acked, or a SUBACK. */
struct mq_done {
    int mid;
    int granted;  /* SUBACK: the granted QoS, 0x80 refused; else 0 */
    uint64_t seq; /* SUBACK: the message counter at its arrival */
};

enum mq_state {
    ST_IDLE,       /* never asked to connect */
    ST_CONNECTING, /* a socket, waiting for CONNACK */
    ST_UP,         /* connected, subscriptions made */
    ST_DOWN,       /* the last attempt failed or the connection broke */
};

/*
 * Lock order: libmosquitto calls the callbacks holding its own mutexes,
 * and they take lock; so no thread calls into libmosquitto while it holds
 * lock (the callbacks excepted, which only queue packets).
 */
struct mq_broker {
    struct sl_msg_broker base;
    struct mosquitto *mosq; /* owned */
    char *host;             /* owned */
    int port;
    char where[300]; /* "host:port", for messages */
    char *prefix;    /* owned: escaped capability name and '/', or MOSQUITTO_TOPIC_PREFIX */
    size_t prefix_len;
    int pub_qos, sub_qos;
    uint64_t timeout_ms; /* MOSQUITTO_TIMEOUT */

    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t cond;  /* broadcast on every change below (CLOCK_MONOTONIC) */
    pthread_t io;
    bool io_started, stop, want;
    enum mq_state state;
    uint64_t retry_at; /* ST_DOWN: when the I/O thread tries again (ms, monotonic) */
    uint64_t attempts; /* connection attempts begun so far */
    uint64_t fails;    /* failed attempts and broken connections so far */
    uint64_t failed;   /* the attempt (number) of the last failure */
    sl_err why_code;   /* of the last failure: SL_ECONN or SL_EAUTH */
    char why[160];     /* its text */
    uint64_t msg_seq;  /* messages arrived so far */
    struct mq_done done[DONE_RING];
    uint64_t done_seq; /* completions so far; done[i % DONE_RING] */
    struct mq_sub *subs;
};

static const struct sl_config_key config_keys[] = {
    {"MOSQUITTO_HOST", true, false},
    {"MOSQUITTO_PORT", true, false},
    {"MOSQUITTO_QOS", false, false},
    {"MOSQUITTO_TIMEOUT", false, false},
    {"MOSQUITTO_TOPIC_PREFIX", false, false},
    {"MOSQUITTO_USERNAME", false, false},
    {"MOSQUITTO_PASSWORD", false, true},
    {"RECEIVE_TIMEOUT", false, false},
    {NULL, false, false},
};

/* mosquitto_lib_init once for the brokers open, undone by shutdown. */
static pthread_mutex_t lib_lock = PTHREAD_MUTEX_INITIALIZER;
static bool lib_ready;

/* Waits on m->cond until deadline (monotonic ms); false once it passed. Under m->lock. */
static bool wait_until(struct mq_broker *m, uint64_t deadline)
{
    uint64_t now = sl_clock_ms();
    if (now >= deadline)
        return false;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ns = (uint64_t)ts.tv_nsec + (deadline - now) % 1000u * 1000000u;
    ts.tv_sec += (time_t)((deadline - now) / 1000u + ns / 1000000000u);
    ts.tv_nsec = (long)(ns % 1000000000u);
    pthread_cond_timedwait(&m->cond, &m->lock, &ts);
    return true;
}

/* ---- topics --------------------------------------------------------------- */

static sl_err put_escaped(struct sl_buf *b, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char e[3] = {'%', hex[c >> 4], hex[c & 15]};
    return sl_buf_append(b, e, 3);
}

/*
 * Appends s to *b with the bytes MQTT gives a meaning to, or refuses, as
 * %XX: '%' (the escape), the wildcards '+' and '#', C0 and C1 control
 * characters, '$' at the start of the whole topic (the broker's own topics)
 * and, when level is set, '/' (the capability name is one level). Decoding
 * every %XX gives s back, so two topics never share an MQTT topic.
 */
static sl_err put_topic(struct sl_buf *b, struct sl_str s, bool level)
{
    sl_err rc = SL_OK;
    for (size_t i = 0; rc == SL_OK && i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        bool c1 = c == 0xc2 && i + 1 < s.len && (unsigned char)s.ptr[i + 1] >= 0x80
                  && (unsigned char)s.ptr[i + 1] <= 0x9f;
        if (c1) {
            rc = put_escaped(b, c);
            if (rc == SL_OK)
                rc = put_escaped(b, (unsigned char)s.ptr[++i]);
        } else if (c == '%' || c == '+' || c == '#' || c < 0x20 || c == 0x7f
                   || (c == '$' && b->len == 0) || (c == '/' && level))
            rc = put_escaped(b, c);
        else
            rc = sl_buf_append(b, &c, 1);
    }
    return rc;
}

/* Whether p is a MOSQUITTO_TOPIC_PREFIX: empty, or ending in '/', without wildcards or controls. */
static bool is_topic_prefix(const char *p)
{
    size_t n = strlen(p);
    if (n == 0)
        return true;
    if (p[n - 1] != '/' || p[0] == '$' || n > 1024)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '+' || c == '#' || c < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

/* The MQTT topic of topic into *out (NUL-terminated), or an error. */
static sl_err topic_of(struct mq_broker *m, struct sl_str topic, struct sl_buf *out,
                       struct sl_error *err)
{
    sl_err rc = sl_buf_append(out, m->prefix, m->prefix_len);
    if (rc == SL_OK)
        rc = put_topic(out, topic, false);
    if (rc != SL_OK) {
        sl_buf_release(out);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    if (out->len > MQTT_TOPIC_MAX) {
        size_t n = out->len;
        sl_buf_release(out);
        return sl_error_set(err, SL_EINVAL,
                            RESOURCE ": the topic is too long: its MQTT topic would be %zu bytes, "
                                     "more than %u",
                            n, MQTT_TOPIC_MAX);
    }
    return SL_OK;
}

/* ---- the I/O thread and libmosquitto's callbacks (I/O thread) ------------- */

/* Records a failed attempt or a lost connection. Under m->lock. */
static void set_down(struct mq_broker *m, sl_err code, const char *why)
{
    m->state = ST_DOWN;
    m->fails++;
    m->failed = m->attempts;
    m->why_code = code;
    snprintf(m->why, sizeof(m->why), "%s", why);
    m->retry_at = sl_clock_ms() + RECONNECT_WAIT_MS;
    pthread_cond_broadcast(&m->cond);
}

/* The text of a libmosquitto error (errno still that of the failure). */
static const char *mosq_text(int rc, int errnum)
{
    if (rc == MOSQ_ERR_ERRNO)
        return strerror(errnum);
    return mosquitto_strerror(rc);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
    struct mq_broker *m = obj;
    pthread_mutex_lock(&m->lock);
    if (rc != 0) {
        /* 4: bad user name or password, 5: not authorised */
        set_down(m, rc == 4 || rc == 5 ? SL_EAUTH : SL_ECONN, mosquitto_connack_string(rc));
        pthread_mutex_unlock(&m->lock);
        return;
    }
    /* a clean session: make every subscription again, before any later call's packets */
    for (struct mq_sub *s = m->subs; s != NULL; s = s->next) {
        bool first = true;
        for (struct mq_sub *o = m->subs; first && o != s; o = o->next)
            first = strcmp(o->topic, s->topic) != 0;
        if (first)
            mosquitto_subscribe(mosq, NULL, s->topic, m->sub_qos);
    }
    if (m->subs != NULL)
        sl_log_debug(RESOURCE ": subscriptions made again on %s", m->where);
    m->state = ST_UP;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
    struct mq_broker *m = obj;
    int errnum = errno;
    (void)mosq;
    pthread_mutex_lock(&m->lock);
    if (!m->stop && m->state != ST_DOWN)
        set_down(m, SL_ECONN, rc == 0 ? "disconnected" : mosq_text(rc, errnum));
    pthread_mutex_unlock(&m->lock);
}

static void add_done(struct mq_broker *m, int mid, int granted)
{
    pthread_mutex_lock(&m->lock);
    struct mq_done *d = &m->done[m->done_seq % DONE_RING];
    d->mid = mid;
    d->granted = granted;
    d->seq = m->msg_seq;
    m->done_seq++;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
    (void)mosq;
    add_done(obj, mid, 0);
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int qos_count,
                         const int *granted)
{
    (void)mosq;
    add_done(obj, mid, qos_count > 0 ? granted[0] : 0x80);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
    struct mq_broker *m = obj;
    (void)mosq;
    /* a retained message is history (it was sent because we subscribed) */
    if (msg->retain || msg->topic == NULL || msg->payloadlen < 0)
        return;
    size_t len = (size_t)msg->payloadlen;
    pthread_mutex_lock(&m->lock);
    uint64_t seq = ++m->msg_seq;
    bool any = false;
    for (struct mq_sub *s = m->subs; s != NULL; s = s->next) {
        if (strcmp(s->topic, msg->topic) != 0)
            continue;
        if (s->count >= SUB_MAX_MSGS || s->bytes + len > SUB_MAX_BYTES) {
            if (!s->dropping)
                sl_log_warn(RESOURCE ": subscription %s holds %zu messages (%zu bytes) not "
                                     "received yet: dropping new ones",
                            s->token, s->count, s->bytes);
            s->dropping = true;
            continue;
        }
        struct mq_msg *q = sl_malloc(sizeof(*q) + len);
        if (q == NULL) {
            sl_log_warn(RESOURCE ": out of memory: a message of %zu bytes dropped", len);
            continue;
        }
        q->next = NULL;
        q->seq = seq;
        q->len = len;
        if (len > 0)
            memcpy(q->data, msg->payload, len);
        *s->tail = q;
        s->tail = &q->next;
        s->count++;
        s->bytes += len;
        s->dropping = false;
        any = true;
    }
    if (any)
        pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

/*
 * Connects when a call wants the connection, runs libmosquitto's network
 * loop (callbacks included) while there is one, and connects again after a
 * failure, every RECONNECT_WAIT_MS or sooner when a call asks.
 */
static void *io_main(void *arg)
{
    struct mq_broker *m = arg;
    bool host_set = false;
    pthread_mutex_lock(&m->lock);
    while (!m->stop) {
        if (m->state == ST_IDLE || m->state == ST_DOWN) {
            if (!m->want) {
                pthread_cond_wait(&m->cond, &m->lock);
                continue;
            }
            if (m->state == ST_DOWN && sl_clock_ms() < m->retry_at) {
                wait_until(m, m->retry_at);
                continue;
            }
            m->state = ST_CONNECTING;
            m->attempts++;
            pthread_mutex_unlock(&m->lock);
            /* non-blocking: the loop below completes the connect and sends CONNECT */
            int rc = host_set ? mosquitto_reconnect_async(m->mosq)
                              : mosquitto_connect_async(m->mosq, m->host, m->port, KEEPALIVE_S);
            int errnum = errno;
            /* connect_async sets the host (and new wake-up sockets) once: later, reconnect */
            host_set = host_set || (rc != MOSQ_ERR_INVAL && rc != MOSQ_ERR_NOMEM);
            pthread_mutex_lock(&m->lock);
            if (rc != MOSQ_ERR_SUCCESS)
                set_down(m, SL_ECONN, mosq_text(rc, errnum));
            continue;
        }
        pthread_mutex_unlock(&m->lock);
        int rc = mosquitto_loop(m->mosq, LOOP_MS, 1);
        int errnum = errno;
        pthread_mutex_lock(&m->lock);
        /* on_disconnect has said why, except when there was no socket at all */
        if (rc != MOSQ_ERR_SUCCESS && m->state != ST_DOWN && !m->stop)
            set_down(m, SL_ECONN, mosq_text(rc, errnum));
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

/* ---- calls ---------------------------------------------------------------- */

/*
 * Makes sure the connection is up: starts the I/O thread and asks for a
 * connection, then waits until it is up, an attempt begun after this call
 * started failed (one under way may have begun before the broker came
 * back), or MOSQUITTO_TIMEOUT passed. Under m->lock.
 */
static sl_err wait_up(struct mq_broker *m, struct sl_error *err)
{
    if (m->state == ST_UP)
        return SL_OK;
    if (!m->io_started) {
        int e = pthread_create(&m->io, NULL, io_main, m);
        if (e != 0)
            return sl_error_set(err, SL_EINTERNAL, RESOURCE ": cannot start a thread: %s",
                                strerror(e));
        m->io_started = true;
    }
    m->want = true;
    pthread_cond_broadcast(&m->cond);
    uint64_t begun = m->attempts;
    uint64_t deadline = sl_clock_ms() + m->timeout_ms;
    for (;;) {
        if (m->state == ST_UP || (m->state == ST_DOWN && m->failed > begun))
            break;
        if (m->state == ST_DOWN) {
            m->retry_at = 0; /* a call is waiting: try now */
            pthread_cond_broadcast(&m->cond);
        }
        if (!wait_until(m, deadline))
            break;
    }
    if (m->state == ST_UP)
        return SL_OK;
    if (!(m->state == ST_DOWN && m->failed > begun))
        return sl_error_set(err, SL_ECONN, RESOURCE ": cannot connect to %s within %llums",
                            m->where, (unsigned long long)m->timeout_ms);
    return sl_error_set(err, m->why_code, RESOURCE ": cannot connect to %s: %s", m->where, m->why);
}

/*
 * Waits for the completion of mid (a send or an ack) recorded since done
 * number start, at most MOSQUITTO_TIMEOUT; *d is filled. A broken connection
 * (fails differs from fails0) ends the wait. Under m->lock.
 */
static sl_err wait_done(struct mq_broker *m, int mid, uint64_t start, uint64_t fails0,
                        const char *what, struct mq_done *d, struct sl_error *err)
{
    uint64_t deadline = sl_clock_ms() + m->timeout_ms;
    for (;;) {
        uint64_t from = m->done_seq > DONE_RING ? SL_MAX(start, m->done_seq - DONE_RING) : start;
        for (uint64_t i = from; i < m->done_seq; i++)
            if (m->done[i % DONE_RING].mid == mid) {
                *d = m->done[i % DONE_RING];
                return SL_OK;
            }
        if (m->fails != fails0)
            return sl_error_set(err, SL_ECONN,
                                RESOURCE ": the connection to %s was lost before the broker "
                                         "confirmed the %s: %s",
                                m->where, what, m->why);
        if (!wait_until(m, deadline))
            return sl_error_set(err, SL_ECONN, RESOURCE ": %s did not confirm the %s within %llums",
                                m->where, what, (unsigned long long)m->timeout_ms);
    }
}

/* The sl_err of a libmosquitto call that did not queue its packet. */
static sl_err call_error(struct mq_broker *m, int rc, int errnum, const char *what,
                         struct sl_error *err)
{
    sl_err code;
    switch (rc) {
    case MOSQ_ERR_NOMEM:
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    case MOSQ_ERR_PAYLOAD_SIZE:
    case MOSQ_ERR_OVERSIZE_PACKET:
        code = SL_EINVALVALUE;
        break;
    case MOSQ_ERR_INVAL:
    case MOSQ_ERR_MALFORMED_UTF8:
        code = SL_EINVAL;
        break;
    case MOSQ_ERR_NO_CONN:
    case MOSQ_ERR_CONN_LOST:
    case MOSQ_ERR_ERRNO:
        code = SL_ECONN;
        break;
    default:
        code = SL_EIO;
        break;
    }
    return sl_error_set(err, code, RESOURCE ": cannot %s on %s: %s", what, m->where,
                        mosq_text(rc, errnum));
}

/* ---- the backend ---------------------------------------------------------- */

static void free_sub(struct mq_sub *s)
{
    for (struct mq_msg *q = s->head, *next; q != NULL; q = next) {
        next = q->next;
        sl_free(q);
    }
    sl_free(s->topic);
    sl_free(s);
}

static void mq_close(struct sl_msg_broker *b)
{
    struct mq_broker *m = (struct mq_broker *)b;
    if (m == NULL)
        return;
    pthread_mutex_lock(&m->lock);
    m->stop = true;
    pthread_cond_broadcast(&m->cond);
    bool started = m->io_started;
    pthread_mutex_unlock(&m->lock);
    if (started) {
        /* wakes the loop (and says goodbye to the broker when connected) */
        mosquitto_disconnect(m->mosq);
        pthread_join(m->io, NULL);
    }
    if (m->mosq != NULL)
        mosquitto_destroy(m->mosq);
    for (struct mq_sub *s = m->subs, *next; s != NULL; s = next) {
        next = s->next;
        free_sub(s);
    }
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->lock);
    sl_free(m->host);
    sl_free(m->prefix);
    sl_free(m);
}

/* MOSQUITTO_PORT: 1 to 65535. */
static sl_err parse_port(const char *s, int *out, struct sl_error *err)
{
    char *end = NULL;
    errno = 0;
    long v = s[0] >= '0' && s[0] <= '9' ? strtol(s, &end, 10) : -1;
    if (v < 1 || v > 65535 || errno != 0 || end == NULL || *end != '\0')
        return sl_error_set(err, SL_ECONFIG,
                            RESOURCE ": config MOSQUITTO_PORT \"%s\" is not a port (1 to 65535)",
                            s);
    *out = (int)v;
    return SL_OK;
}

/* MOSQUITTO_QOS: "0", "1" or "2"; unset: publish at 0 and subscribe at 1, as slight. */
static sl_err parse_qos(const char *s, struct mq_broker *m, struct sl_error *err)
{
    m->pub_qos = 0;
    m->sub_qos = 1;
    if (s == NULL)
        return SL_OK;
    if (strlen(s) != 1 || s[0] < '0' || s[0] > '2')
        return sl_error_set(err, SL_ECONFIG,
                            RESOURCE ": config MOSQUITTO_QOS \"%s\" is not 0, 1 or 2", s);
    m->pub_qos = m->sub_qos = s[0] - '0';
    return SL_OK;
}

/* user may be NULL (anonymous); the password is a secret: never in a message. */
static sl_err init_client(struct mq_broker *m, const char *user, const char *password,
                          struct sl_error *err)
{
    pthread_mutex_lock(&lib_lock);
    if (!lib_ready && mosquitto_lib_init() == MOSQ_ERR_SUCCESS)
        lib_ready = true;
    bool ready = lib_ready;
    pthread_mutex_unlock(&lib_lock);
    if (!ready)
        return sl_error_set(err, SL_EINTERNAL, RESOURCE ": libmosquitto cannot start");
    /* NULL id and a clean session: the library makes a random client id */
    m->mosq = mosquitto_new(NULL, true, m);
    if (m->mosq == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    int mrc = user != NULL ? mosquitto_username_pw_set(m->mosq, user, password) : MOSQ_ERR_SUCCESS;
    if (mrc == MOSQ_ERR_NOMEM)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    if (mrc != MOSQ_ERR_SUCCESS)
        return sl_error_set(err, SL_ECONFIG,
                            RESOURCE ": config MOSQUITTO_USERNAME or MOSQUITTO_PASSWORD is not "
                                     "valid UTF-8 of at most 65535 bytes");
    mosquitto_threaded_set(m->mosq, true); /* only the I/O thread writes to the socket */
    mosquitto_int_option(m->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_int_option(m->mosq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_connect_callback_set(m->mosq, on_connect);
    mosquitto_disconnect_callback_set(m->mosq, on_disconnect);
    mosquitto_publish_callback_set(m->mosq, on_publish);
    mosquitto_subscribe_callback_set(m->mosq, on_subscribe);
    mosquitto_message_callback_set(m->mosq, on_message);
    return SL_OK;
}

static sl_err mq_open(const struct sl_config *cfg, struct sl_str name, struct sl_msg_broker **out,
                      struct sl_error *err)
{
    *out = NULL;
    const char *host = sl_config_get(cfg, "MOSQUITTO_HOST");
    const char *port = sl_config_get(cfg, "MOSQUITTO_PORT");
    if (host == NULL || host[0] == '\0')
        return sl_error_set(err, SL_ECONFIG, RESOURCE ": config MOSQUITTO_HOST is missing");
    if (port == NULL || port[0] == '\0')
        return sl_error_set(err, SL_ECONFIG, RESOURCE ": config MOSQUITTO_PORT is missing");
    struct mq_broker *m = sl_calloc(1, sizeof(*m));
    if (m == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    pthread_mutex_init(&m->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&m->cond, &attr);
    pthread_condattr_destroy(&attr);
    m->timeout_ms = DEFAULT_TIMEOUT_MS;
    sl_err rc = parse_port(port, &m->port, err);
    if (rc == SL_OK)
        rc = parse_qos(sl_config_get(cfg, "MOSQUITTO_QOS"), m, err);
    const char *t = sl_config_get(cfg, "MOSQUITTO_TIMEOUT");
    if (rc == SL_OK && t != NULL) {
        rc = sl_parse_duration(t, &m->timeout_ms, err);
        if (rc == SL_OK && (m->timeout_ms == 0 || m->timeout_ms > INT32_MAX))
            rc = sl_error_set(err, SL_ECONFIG, "must be more than 0 and less than 24 days");
        if (rc != SL_OK) {
            rc = sl_error_recode(err, SL_ECONFIG);
            sl_error_prefix(err, RESOURCE ": config MOSQUITTO_TIMEOUT");
        }
    }
    const char *fixed = sl_config_get(cfg, "MOSQUITTO_TOPIC_PREFIX");
    if (rc == SL_OK && fixed != NULL && !is_topic_prefix(fixed))
        rc = sl_error_set(err, SL_ECONFIG,
                          RESOURCE ": config MOSQUITTO_TOPIC_PREFIX \"%s\" is not empty or "
                                   "topic levels each followed by '/' (such as \"shop/orders/\"), "
                                   "without wildcards, control characters or a leading '$'",
                          fixed);
    if (rc != SL_OK) {
        mq_close(&m->base);
        return rc;
    }
    struct sl_buf prefix = SL_BUF_INIT;
    rc = fixed != NULL ? sl_buf_appends(&prefix, fixed) : put_topic(&prefix, name, true);
    if (rc == SL_OK && fixed == NULL)
        rc = sl_buf_append(&prefix, "/", 1);
    m->host = sl_strdup(host);
    m->prefix_len = prefix.len;
    m->prefix = rc == SL_OK ? sl_buf_detach(&prefix) : NULL;
    sl_buf_release(&prefix);
    if (m->host == NULL || m->prefix == NULL) {
        mq_close(&m->base);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    snprintf(m->where, sizeof(m->where), "%.255s:%d", host, m->port);
    const char *user = sl_config_get(cfg, "MOSQUITTO_USERNAME");
    const char *password = sl_config_get(cfg, "MOSQUITTO_PASSWORD");
    if (user != NULL && user[0] == '\0')
        user = NULL;
    if (user == NULL && password != NULL && password[0] != '\0') {
        mq_close(&m->base);
        return sl_error_set(err, SL_ECONFIG,
                            RESOURCE ": config MOSQUITTO_PASSWORD needs MOSQUITTO_USERNAME");
    }
    rc = init_client(m, user, password != NULL && password[0] != '\0' ? password : NULL, err);
    if (rc != SL_OK) {
        mq_close(&m->base);
        return rc;
    }
    /* no connection yet: a broker that is down fails the first call, not start-up */
    *out = &m->base;
    return SL_OK;
}

static sl_err mq_publish(struct sl_msg_broker *b, struct sl_str topic, struct sl_str msg,
                         struct sl_error *err)
{
    struct mq_broker *m = (struct mq_broker *)b;
    struct sl_buf mt = SL_BUF_INIT;
    sl_err rc = topic_of(m, topic, &mt, err);
    if (rc != SL_OK)
        return rc;
    /* the packet: a 2-byte topic length, the topic, a message id at QoS 1 and 2, the payload */
    uint64_t remaining = 2u + mt.len + (m->pub_qos > 0 ? 2u : 0u) + msg.len;
    if (remaining > MQTT_MAX_REMAINING) {
        sl_buf_release(&mt);
        return sl_error_set(err, SL_EINVALVALUE,
                            RESOURCE ": the message of %zu bytes is larger than an MQTT packet "
                                     "holds with this topic (%llu bytes)",
                            msg.len,
                            (unsigned long long)(MQTT_MAX_REMAINING - (remaining - msg.len)));
    }
    pthread_mutex_lock(&m->lock);
    rc = wait_up(m, err);
    uint64_t start = m->done_seq, fails0 = m->fails;
    pthread_mutex_unlock(&m->lock);
    if (rc != SL_OK) {
        sl_buf_release(&mt);
        return rc;
    }
    int mid = 0;
    /* retain false: a retained message would be history for later subscribers */
    int mrc = mosquitto_publish(m->mosq, &mid, sl_buf_cstr(&mt), (int)msg.len,
                                msg.len ? msg.ptr : NULL, m->pub_qos, false);
    int errnum = errno;
    sl_buf_release(&mt);
    if (mrc != MOSQ_ERR_SUCCESS)
        return call_error(m, mrc, errnum, "publish", err);
    /*
     * QoS 0 asks for no acknowledgement: queued in order on the live
     * connection is all a publisher can know (waiting for the I/O thread to
     * write it cost a thread round trip per message: a third of the
     * throughput). QoS 1 and 2: until the broker acked it.
     */
    if (m->pub_qos == 0)
        return SL_OK;
    struct mq_done d;
    pthread_mutex_lock(&m->lock);
    rc = wait_done(m, mid, start, fails0, "message", &d, err);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

/* Unlinks s from m->subs. Under m->lock. */
static void unlink_sub(struct mq_broker *m, struct mq_sub *s)
{
    struct mq_sub **p = &m->subs;
    while (*p != s)
        p = &(*p)->next;
    *p = s->next;
}

static sl_err mq_subscribe(struct sl_msg_broker *b, struct sl_str topic, struct sl_buf *token,
                           struct sl_error *err)
{
    struct mq_broker *m = (struct mq_broker *)b;
    struct sl_buf mt = SL_BUF_INIT;
    sl_err rc = topic_of(m, topic, &mt, err);
    if (rc != SL_OK)
        return rc;
    struct mq_sub *s = sl_calloc(1, sizeof(*s));
    if (s == NULL) {
        sl_buf_release(&mt);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    s->topic = sl_buf_detach(&mt);
    s->tail = &s->head;
    sl_msg_token_make(s->token);
    pthread_mutex_lock(&m->lock);
    rc = wait_up(m, err);
    uint64_t start = m->done_seq, fails0 = m->fails;
    if (rc == SL_OK) {
        /* collects from now on; what arrives before the SUBACK is dropped below */
        s->next = m->subs;
        m->subs = s;
    }
    pthread_mutex_unlock(&m->lock);
    if (rc != SL_OK) {
        free_sub(s);
        return rc;
    }
    /*
     * Sent even when the topic has a subscription already: the SUBACK then
     * follows every message the broker routed to us before it, in order.
     */
    int mid = 0;
    int mrc = mosquitto_subscribe(m->mosq, &mid, s->topic, m->sub_qos);
    int errnum = errno;
    struct mq_done d = {0};
    pthread_mutex_lock(&m->lock);
    if (mrc != MOSQ_ERR_SUCCESS)
        rc = call_error(m, mrc, errnum, "subscribe", err);
    else
        rc = wait_done(m, mid, start, fails0, "subscription", &d, err);
    if (rc == SL_OK && d.granted == 0x80)
        rc = sl_error_set(err, SL_EAUTH, RESOURCE ": %s refused the subscription to '%s'", m->where,
                          s->topic);
    if (rc != SL_OK) {
        unlink_sub(m, s);
    } else {
        /* no history: drop the messages that arrived before the SUBACK */
        while (s->head != NULL && s->head->seq <= d.seq) {
            struct mq_msg *q = s->head;
            s->head = q->next;
            s->count--;
            s->bytes -= q->len;
            sl_free(q);
        }
        if (s->head == NULL)
            s->tail = &s->head;
        s->active = true;
    }
    pthread_mutex_unlock(&m->lock);
    if (rc != SL_OK) {
        /* the broker may hold it (nobody has its token): its messages go nowhere */
        free_sub(s);
        return rc;
    }
    return sl_buf_appends(token, s->token) == SL_OK
               ? SL_OK
               : sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
}

static sl_err mq_receive(struct sl_msg_broker *b, struct sl_str token, uint64_t timeout_ms,
                         struct sl_buf *out, struct sl_error *err)
{
    struct mq_broker *m = (struct mq_broker *)b;
    uint64_t deadline = sl_clock_ms() + timeout_ms;
    pthread_mutex_lock(&m->lock);
    struct mq_sub *s = m->subs;
    while (s != NULL
           && !(s->active && strlen(s->token) == token.len
                && memcmp(s->token, token.ptr, token.len) == 0))
        s = s->next;
    sl_err rc = SL_OK;
    for (;;) {
        if (s == NULL) {
            rc = sl_error_set(err, SL_EINVAL, RESOURCE ": unknown subscription token '%.*s'",
                              (int)SL_MIN(token.len, (size_t)64), token.ptr);
            break;
        }
        if (s->head != NULL) {
            struct mq_msg *q = s->head;
            if (sl_buf_append(out, q->data, q->len) != SL_OK) {
                rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
                break;
            }
            s->head = q->next;
            if (s->head == NULL)
                s->tail = &s->head;
            s->count--;
            s->bytes -= q->len;
            sl_free(q);
            break;
        }
        if (m->state == ST_DOWN) {
            /* the I/O thread reconnects, subscriptions included */
            rc = sl_error_set(err, SL_ECONN,
                              RESOURCE ": the connection to %s is lost (%s); reconnecting",
                              m->where, m->why);
            break;
        }
        if (!wait_until(m, deadline)) {
            rc = sl_error_set(err, SL_ETIMEOUT, RESOURCE ": no message within %llums",
                              (unsigned long long)timeout_ms);
            break;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static void mq_shutdown(void)
{
    /* every broker is closed: no client is left */
    pthread_mutex_lock(&lib_lock);
    if (lib_ready)
        mosquitto_lib_cleanup();
    lib_ready = false;
    pthread_mutex_unlock(&lib_lock);
}

const struct sl_msg_backend sl_msg_backend_mosquitto = {
    .version = SL_MSG_BACKEND_V1,
    .name = "mosquitto",
    .config_keys = config_keys,
    .max_payload = MQTT_MAX_REMAINING, /* less the topic: checked by publish */
    .open = mq_open,
    .close = mq_close,
    .publish = mq_publish,
    .subscribe = mq_subscribe,
    .receive = mq_receive,
    .shutdown = mq_shutdown,
};

/* Must equal the loading binary's SL_VERSION: a module of another build is not used. */
const char *sl_mqtt_module_version(void)
{
    return SL_VERSION;
}
