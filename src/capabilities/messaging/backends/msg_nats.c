/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_nats.c -- messaging.nats: core NATS publish/subscribe over libnats
 * (no JetStream: at-most-once), one connection per capability, made at the
 * first call and re-made by libnats after a broker restart, subscriptions
 * included. Topic t of capability c is the subject "c.t" (or
 * NATS_SUBJECT_PREFIX then t) with the bytes NATS gives a meaning to
 * escaped. Hand-written: that escaping, and reading NATS_CREDS (libnats 3.4
 * reads credentials only from files, and Debian's 3.4.1 answers "invalid
 * seed" for valid NKEY seeds, so the nonce is signed with libsodium). In the
 * slight-nats module.
 */
#include "sl_common.h"

#include "capabilities/messaging/msg_backend.h"

#include "common/clock.h"
#include "common/buf.h"
#include "common/mem.h"
#include "common/units.h"
#include "sl_config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nats/nats.h>
#include <sodium.h>

#define RESOURCE    "messaging.nats"
#define DEFAULT_URL "nats://127.0.0.1:4222"
/* The default of NATS_TIMEOUT: connect, and the server's confirmation of each call. */
#define DEFAULT_TIMEOUT_MS 5000
/* Pause between two reconnect attempts after the connection broke. */
#define RECONNECT_WAIT_MS 250
/* Longest subject sent: the server's default max_control_line is 4096 bytes. */
#define SUBJECT_MAX 4000
/* Largest credentials file read. */
#define CREDS_MAX (64 * 1024)

#define SL_MODULE_EXPORT __attribute__((visibility("default")))

/* What the slight-nats module exports (msg_registry.c looks them up by name). */
SL_MODULE_EXPORT extern const struct sl_msg_backend sl_msg_backend_nats;
SL_MODULE_EXPORT const char *sl_nats_module_version(void);

struct nats_sub {
    struct nats_sub *next;
    char token[37];
    pthread_mutex_t lock; /* one receive at a time: each takes a different message */
    char *subject;        /* owned */
    natsSubscription *ns; /* under the broker's conn_lock: replaced with the connection */
};

/* Connections and subscriptions replaced after a close, freed with the broker. */
struct nats_grave {
    struct nats_grave *next;
    natsConnection *nc;
    natsSubscription *ns;
};

/*
 * What libnats's threads (reconnect, callbacks) read through their closure.
 * It may be used after the broker closed, so it lives until nats_shutdown,
 * which runs when libnats has no thread left.
 */
struct nats_shared {
    struct nats_shared *next;
    uint64_t rounds; /* under ev_lock: reconnect attempts begun (custom delay calls) */
    char *jwt;       /* owned, from NATS_CREDS; NULL without */
    unsigned char sk[crypto_sign_ed25519_SECRETKEYBYTES]; /* from its NKEY seed; wiped */
};

struct nats_broker {
    struct sl_msg_broker base;
    char *prefix; /* owned: the escaped capability name and "." */
    size_t prefix_len;
    char where[256];            /* the servers, without credentials, for messages */
    int64_t timeout_ms;         /* NATS_TIMEOUT */
    natsOptions *opts;          /* owned */
    struct nats_shared *shared; /* in the shared list */
    /* Guards nc, subs and graves. Held while connecting; libnats's threads never take it. */
    pthread_mutex_t conn_lock;
    natsConnection *nc; /* NULL until the first call that connects */
    struct nats_sub *subs;
    struct nats_grave *graves;
};

/* Every nats_shared of the process, and the lock and condition of their rounds. */
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ev_cond = PTHREAD_COND_INITIALIZER;
static struct nats_shared *shared_list;

static const struct sl_config_key config_keys[] = {
    {"NATS_URL", false, true},
    {"NATS_CREDS", false, true},
    {"NATS_TIMEOUT", false, false},
    {"NATS_SUBJECT_PREFIX", false, false},
    {"RECEIVE_TIMEOUT", false, false},
    {NULL, false, false},
};

/* ---- libnats callbacks (libnats's threads) -------------------------------- */

static int64_t on_reconnect_delay(natsConnection *nc, int attempts, void *closure)
{
    struct nats_shared *sh = closure;
    (void)nc;
    (void)attempts;
    pthread_mutex_lock(&ev_lock);
    sh->rounds++;
    pthread_cond_broadcast(&ev_cond);
    pthread_mutex_unlock(&ev_lock);
    return RECONNECT_WAIT_MS;
}

static void on_reconnected(natsConnection *nc, void *closure)
{
    (void)nc;
    (void)closure;
    pthread_mutex_lock(&ev_lock);
    pthread_cond_broadcast(&ev_cond);
    pthread_mutex_unlock(&ev_lock);
}

/*
 * The JWT and the nonce's signature from NATS_CREDS. libnats frees what
 * these return with free(), hence strdup and calloc, not sl_ allocations.
 */
static natsStatus creds_jwt(char **jwt, char **err_txt, void *closure)
{
    struct nats_shared *sh = closure;
    (void)err_txt;
    *jwt = strdup(sh->jwt);
    return *jwt != NULL ? NATS_OK : NATS_NO_MEMORY;
}

static natsStatus creds_sign(char **err_txt, unsigned char **sig, int *sig_len, const char *nonce,
                             void *closure)
{
    struct nats_shared *sh = closure;
    (void)err_txt;
    *sig = calloc(1, crypto_sign_ed25519_BYTES);
    if (*sig == NULL)
        return NATS_NO_MEMORY;
    *sig_len = crypto_sign_ed25519_BYTES;
    /* libnats asks even when the server sent no nonce; it then checks no signature */
    if (nonce != NULL && nonce[0] != '\0')
        crypto_sign_ed25519_detached(*sig, NULL, (const unsigned char *)nonce, strlen(nonce),
                                     sh->sk);
    return NATS_OK;
}

/* ---- configuration ---------------------------------------------------------- */

static void wipe_free(char *s)
{
    if (s == NULL)
        return;
    sodium_memzero(s, strlen(s));
    sl_free(s);
}

/*
 * The text after the line holding begin in creds, up to the next line of
 * dashes, without white space; NULL when absent or empty (*nomem on ENOMEM).
 */
static char *creds_block(const char *creds, const char *begin, bool *nomem)
{
    const char *p = strstr(creds, begin);
    if (p == NULL)
        return NULL;
    p = strchr(p, '\n');
    if (p == NULL)
        return NULL;
    p++;
    const char *end = strstr(p, "\n---");
    if (end == NULL)
        return NULL;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    if (end == p || memchr(p, '\n', (size_t)(end - p)) != NULL)
        return NULL;
    char *out = sl_strndup(p, (size_t)(end - p));
    if (out == NULL)
        *nomem = true;
    return out;
}

/*
 * The Ed25519 seed of an encoded NKEY seed ("SU..."): RFC 4648 base32 of a
 * 2-byte prefix ('S' and the key type), the 32-byte seed and a little-endian
 * CRC-16/XMODEM of the rest. False when enc is not one.
 */
static bool decode_seed(const char *enc, unsigned char seed[32])
{
    unsigned char raw[36];
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    bool ok = true;
    for (const char *p = enc; *p != '\0' && *p != '='; p++) {
        int v = *p >= 'A' && *p <= 'Z' ? *p - 'A' : *p >= '2' && *p <= '7' ? *p - '2' + 26 : -1;
        if (v < 0 || (bits + 5 >= 8 && n == sizeof(raw))) {
            ok = false;
            break;
        }
        acc = (acc << 5) | (uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            raw[n++] = (unsigned char)(acc >> bits);
        }
    }
    ok = ok && n == sizeof(raw);
    uint16_t crc = 0;
    for (size_t i = 0; ok && i < n - 2; i++) {
        crc ^= (uint16_t)(raw[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    ok = ok && (raw[34] | raw[35] << 8) == crc && (raw[0] & 0xf8) == (18 << 3);
    if (ok)
        memcpy(seed, raw + 2, 32);
    sodium_memzero(raw, sizeof(raw));
    return ok;
}

/* The text of NATS_CREDS: the value itself, or the file it names (relative to cfg->dir). */
static sl_err creds_text(const struct sl_config *cfg, const char *creds, struct sl_buf *out,
                         struct sl_error *err)
{
    if (strstr(creds, "-----BEGIN") != NULL)
        return sl_buf_appends(out, creds) == SL_OK
                   ? SL_OK
                   : sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    struct sl_buf path = SL_BUF_INIT;
    sl_err rc = SL_OK;
    if (creds[0] != '/' && cfg->dir != NULL)
        rc = sl_buf_appendf(&path, "%s/", cfg->dir);
    if (rc == SL_OK)
        rc = sl_buf_appends(&path, creds);
    FILE *f = rc == SL_OK ? fopen(sl_buf_cstr(&path), "re") : NULL;
    sl_buf_release(&path);
    if (rc != SL_OK)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    if (f == NULL)
        return sl_error_set(err, SL_ECONFIG,
                            RESOURCE ": NATS_CREDS is neither the contents of a credentials file "
                                     "nor the path of a readable one");
    char chunk[4096];
    size_t got;
    while (rc == SL_OK && (got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (out->len + got > CREDS_MAX)
            rc = sl_error_set(err, SL_ECONFIG,
                              RESOURCE ": the NATS_CREDS file is larger than %d bytes", CREDS_MAX);
        else if (sl_buf_append(out, chunk, got) != SL_OK)
            rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    if (rc == SL_OK && ferror(f))
        rc = sl_error_set(err, SL_ECONFIG, RESOURCE ": cannot read the NATS_CREDS file");
    sodium_memzero(chunk, sizeof(chunk));
    fclose(f);
    return rc;
}

/*
 * NATS_CREDS: the contents of a credentials file, as slight v0.5.1 took it,
 * or a file's path, read here once. Its user JWT and the key of its NKEY
 * seed are kept for the callbacks libnats calls when it connects.
 */
static sl_err set_creds(struct nats_broker *r, const struct sl_config *cfg, const char *creds,
                        struct sl_error *err)
{
    struct sl_buf text = SL_BUF_INIT;
    sl_err rc = creds_text(cfg, creds, &text, err);
    struct nats_shared *sh = r->shared;
    char *seed = NULL;
    bool nomem = false;
    if (rc == SL_OK) {
        sh->jwt = creds_block(sl_buf_cstr(&text), "BEGIN NATS USER JWT", &nomem);
        seed = creds_block(sl_buf_cstr(&text), "BEGIN USER NKEY SEED", &nomem);
        if (nomem)
            rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        else if (sh->jwt == NULL || seed == NULL)
            rc = sl_error_set(err, SL_ECONFIG,
                              RESOURCE ": NATS_CREDS has no %s block (a credentials file holds "
                                       "'-----BEGIN NATS USER JWT-----' and "
                                       "'-----BEGIN USER NKEY SEED-----')",
                              sh->jwt == NULL ? "user JWT" : "user NKEY seed");
    }
    unsigned char raw[32];
    unsigned char pk[crypto_sign_ed25519_PUBLICKEYBYTES];
    if (rc == SL_OK && !decode_seed(seed, raw))
        rc = sl_error_set(err, SL_ECONFIG,
                          RESOURCE ": the NKEY seed of NATS_CREDS is not a valid seed");
    if (rc == SL_OK
        && (sodium_init() < 0 || crypto_sign_ed25519_seed_keypair(pk, sh->sk, raw) != 0))
        rc = sl_error_set(err, SL_EINTERNAL, RESOURCE ": libsodium cannot make the key");
    if (rc == SL_OK
        && natsOptions_SetUserCredentialsCallbacks(r->opts, creds_jwt, sh, creds_sign, sh)
               != NATS_OK)
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    sodium_memzero(raw, sizeof(raw));
    wipe_free(seed);
    if (text.data != NULL)
        sodium_memzero(text.data, text.len);
    sl_buf_release(&text);
    return rc;
}

/* The servers of url (comma-separated), with the scheme and credentials left out. */
static void describe_servers(const char *url, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    while (*url != '\0' && o + 1 < size) {
        size_t n = strcspn(url, ",");
        const char *s = url, *end = url + n;
        const char *scheme = strstr(s, "://");
        if (scheme != NULL && scheme < end)
            s = scheme + 3;
        for (const char *p = s; p < end; p++)
            if (*p == '@')
                s = p + 1;
        while (end > s && end[-1] == '/')
            end--;
        int w = snprintf(out + o, size - o, "%s%.*s", o ? "," : "", (int)(end - s), s);
        if (w < 0)
            break;
        o = SL_MIN(o + (size_t)w, size - 1);
        url += n + (url[n] == ',');
    }
}

/* ---- subjects ---------------------------------------------------------------- */

static sl_err put_escaped(struct sl_buf *b, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char e[3] = {'%', hex[c >> 4], hex[c & 15]};
    return sl_buf_append(b, e, 3);
}

/* Bytes that are never sent as they are: '%' (the escape), white space and controls. */
static bool always_escaped(unsigned char c)
{
    return c == '%' || c <= ' ' || c == 0x7f;
}

/* Whether the '.' at t[i] stays a token separator: only between two non-empty tokens. */
static bool dot_kept(struct sl_str t, size_t i)
{
    return i > 0 && i + 1 < t.len && t.ptr[i - 1] != '.' && t.ptr[i + 1] != '.';
}

/*
 * Appends topic t to *b as subject tokens: '.' separates tokens where both
 * are non-empty; a '*' or '>' that would be a whole token (a wildcard), a
 * '.' that would leave an empty token and the always_escaped bytes become
 * %XX. Decoding every %XX gives t back, so two topics never share a subject.
 */
static sl_err put_topic(struct sl_buf *b, struct sl_str t)
{
    sl_err rc = SL_OK;
    for (size_t i = 0; rc == SL_OK && i < t.len; i++) {
        unsigned char c = (unsigned char)t.ptr[i];
        bool whole = (i == 0 || (t.ptr[i - 1] == '.' && dot_kept(t, i - 1)))
                     && (i + 1 == t.len || (t.ptr[i + 1] == '.' && dot_kept(t, i + 1)));
        if (always_escaped(c) || ((c == '*' || c == '>') && whole) || (c == '.' && !dot_kept(t, i)))
            rc = put_escaped(b, c);
        else
            rc = sl_buf_append(b, &c, 1);
    }
    return rc;
}

/* The capability name as one token: '.', '*' and '>' escaped too. */
static sl_err put_name(struct sl_buf *b, struct sl_str name)
{
    sl_err rc = SL_OK;
    for (size_t i = 0; rc == SL_OK && i < name.len; i++) {
        unsigned char c = (unsigned char)name.ptr[i];
        if (always_escaped(c) || c == '.' || c == '*' || c == '>')
            rc = put_escaped(b, c);
        else
            rc = sl_buf_append(b, &c, 1);
    }
    return rc;
}

/*
 * Whether p is a NATS_SUBJECT_PREFIX: empty, or tokens each followed by '.',
 * none empty or a wildcard, without white space or controls.
 */
static bool is_subject_prefix(const char *p)
{
    size_t n = strlen(p);
    if (n == 0)
        return true;
    if (p[0] == '.' || p[n - 1] != '.' || strstr(p, "..") != NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c <= ' ' || c == 0x7f)
            return false;
        if ((c == '*' || c == '>') && (i == 0 || p[i - 1] == '.') && p[i + 1] == '.')
            return false;
    }
    return true;
}

static sl_err subject_of(struct nats_broker *r, struct sl_str topic, struct sl_buf *out,
                         struct sl_error *err)
{
    sl_err rc = sl_buf_append(out, r->prefix, r->prefix_len);
    if (rc == SL_OK)
        rc = put_topic(out, topic);
    if (rc != SL_OK) {
        sl_buf_release(out);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    if (out->len > SUBJECT_MAX) {
        size_t n = out->len;
        sl_buf_release(out);
        return sl_error_set(err, SL_EINVAL,
                            RESOURCE ": the topic is too long: its subject would be %zu bytes, "
                                     "more than %d",
                            n, SUBJECT_MAX);
    }
    return SL_OK;
}

/* ---- connection ------------------------------------------------------------- */

/* The sl_err of a libnats status, with a message naming the servers. */
static sl_err nats_error(struct nats_broker *r, natsStatus s, const char *what,
                         struct sl_error *err)
{
    sl_err code;
    switch (s) {
    case NATS_NO_MEMORY:
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    case NATS_CONNECTION_AUTH_FAILED:
    case NATS_NOT_PERMITTED:
        code = SL_EAUTH;
        break;
    case NATS_MAX_PAYLOAD:
        code = SL_EINVALVALUE;
        break;
    case NATS_INVALID_SUBJECT:
        code = SL_EINVAL;
        break;
    case NATS_NO_SERVER:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_IO_ERROR:
    case NATS_TIMEOUT:
    case NATS_STALE_CONNECTION:
    case NATS_NOT_YET_CONNECTED:
    case NATS_SSL_ERROR:
        code = SL_ECONN;
        break;
    default:
        code = SL_EIO;
        break;
    }
    return sl_error_set(err, code, RESOURCE ": %s '%s': %s", what, r->where, natsStatus_GetText(s));
}

static void bury(struct nats_broker *r, natsConnection *nc, natsSubscription *ns, bool *nomem)
{
    struct nats_grave *g = sl_calloc(1, sizeof(*g));
    if (g == NULL) {
        /* cannot keep it for later: a receive may still hold it, so leak rather than free */
        *nomem = true;
        return;
    }
    g->nc = nc;
    g->ns = ns;
    g->next = r->graves;
    r->graves = g;
}

/*
 * Makes r->nc a connection (not necessarily connected: libnats may be
 * reconnecting). A connection libnats closed for good (it gave up, or the
 * server refused the credentials) is replaced, and every subscription is
 * made again on the new one. Called under conn_lock.
 */
static sl_err ensure_conn(struct nats_broker *r, struct sl_error *err)
{
    if (r->nc != NULL && !natsConnection_IsClosed(r->nc))
        return SL_OK;
    natsConnection *nc = NULL;
    natsStatus s = natsConnection_Connect(&nc, r->opts);
    if (s != NATS_OK)
        return nats_error(r, s, "cannot connect to", err);
    size_t n = 0;
    for (struct nats_sub *sub = r->subs; sub != NULL; sub = sub->next)
        n++;
    natsSubscription **fresh = n ? sl_calloc(n, sizeof(*fresh)) : NULL;
    if (n > 0 && fresh == NULL) {
        natsConnection_Destroy(nc);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    size_t i = 0;
    for (struct nats_sub *sub = r->subs; s == NATS_OK && sub != NULL; sub = sub->next)
        s = natsConnection_SubscribeSync(&fresh[i++], nc, sub->subject);
    if (s != NATS_OK) {
        for (size_t j = 0; j < n; j++)
            natsSubscription_Destroy(fresh[j]);
        sl_free(fresh);
        natsConnection_Destroy(nc);
        return nats_error(r, s, "cannot subscribe again on", err);
    }
    bool nomem = false;
    i = 0;
    for (struct nats_sub *sub = r->subs; sub != NULL; sub = sub->next) {
        bury(r, NULL, sub->ns, &nomem);
        sub->ns = fresh[i++];
    }
    if (r->nc != NULL)
        bury(r, r->nc, NULL, &nomem);
    sl_free(fresh);
    r->nc = nc;
    return SL_OK;
}

/*
 * Waits while libnats reconnects nc: SL_OK once it is connected; SL_ECONN
 * once a reconnect attempt begun after this call started has failed (the
 * server is really down), the connection closed, or NATS_TIMEOUT passed.
 */
static sl_err wait_connected(struct nats_broker *r, natsConnection *nc, struct sl_error *err)
{
    natsConnStatus st = natsConnection_Status(nc);
    if (st == NATS_CONN_STATUS_CONNECTED)
        return SL_OK;
    uint64_t limit = sl_clock_ms() + (uint64_t)r->timeout_ms + 2 * RECONNECT_WAIT_MS;
    pthread_mutex_lock(&ev_lock);
    /* the attempt under way when we began may have started before the server came back */
    uint64_t first = r->shared->rounds;
    for (;;) {
        st = natsConnection_Status(nc);
        if (st == NATS_CONN_STATUS_CONNECTED || st == NATS_CONN_STATUS_CLOSED
            || r->shared->rounds >= first + 2 || sl_clock_ms() >= limit)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 20 * 1000000L; /* also re-read the status now and then */
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&ev_cond, &ev_lock, &ts);
    }
    pthread_mutex_unlock(&ev_lock);
    if (st == NATS_CONN_STATUS_CONNECTED)
        return SL_OK;
    return sl_error_set(err, SL_ECONN, RESOURCE ": the connection to '%s' is lost%s", r->where,
                        st == NATS_CONN_STATUS_CLOSED ? " (closed)" : "; reconnecting");
}

/* A connected connection (it stays valid until the broker closes), or an error. */
static sl_err connected(struct nats_broker *r, natsConnection **out, struct sl_error *err)
{
    pthread_mutex_lock(&r->conn_lock);
    sl_err rc = ensure_conn(r, err);
    natsConnection *nc = r->nc;
    pthread_mutex_unlock(&r->conn_lock);
    if (rc == SL_OK)
        rc = wait_connected(r, nc, err);
    *out = rc == SL_OK ? nc : NULL;
    return rc;
}

/* ---- the backend -------------------------------------------------------------- */

static void nats_close(struct sl_msg_broker *b)
{
    struct nats_broker *r = (struct nats_broker *)b;
    if (r == NULL)
        return;
    for (struct nats_sub *s = r->subs, *next; s != NULL; s = next) {
        next = s->next;
        natsSubscription_Destroy(s->ns);
        pthread_mutex_destroy(&s->lock);
        sl_free(s->subject);
        sl_free(s);
    }
    for (struct nats_grave *g = r->graves, *next; g != NULL; g = next) {
        next = g->next;
        natsSubscription_Destroy(g->ns);
        natsConnection_Destroy(g->nc);
        sl_free(g);
    }
    /* libnats's threads may still run a moment: r->shared stays until shutdown */
    natsConnection_Destroy(r->nc);
    natsOptions_Destroy(r->opts);
    pthread_mutex_destroy(&r->conn_lock);
    sl_free(r->prefix);
    sl_free(r);
}

static sl_err set_options(struct nats_broker *r, const char *url)
{
    natsOptions *o = r->opts;
    natsStatus s = natsOptions_SetURL(o, url);
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(o, r->timeout_ms);
    if (s == NATS_OK)
        s = natsOptions_SetNoRandomize(o, true);
    if (s == NATS_OK)
        s = natsOptions_SetAllowReconnect(o, true);
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(o, -1); /* for ever */
    if (s == NATS_OK)
        s = natsOptions_SetCustomReconnectDelay(o, on_reconnect_delay, r->shared);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectedCB(o, on_reconnected, NULL);
    if (s == NATS_OK)
        s = natsOptions_SetName(o, "slight " SL_VERSION);
    return s == NATS_OK ? SL_OK : SL_ECONFIG;
}

static sl_err nats_open(const struct sl_config *cfg, struct sl_str name, struct sl_msg_broker **out,
                        struct sl_error *err)
{
    *out = NULL;
    const char *url = sl_config_get(cfg, "NATS_URL");
    if (url == NULL || url[0] == '\0')
        url = DEFAULT_URL;
    uint64_t timeout_ms = DEFAULT_TIMEOUT_MS;
    const char *t = sl_config_get(cfg, "NATS_TIMEOUT");
    if (t != NULL) {
        if (sl_parse_duration(t, &timeout_ms, err) != SL_OK) {
            sl_error_prefix(err, RESOURCE ": NATS_TIMEOUT");
            return sl_error_recode(err, SL_ECONFIG);
        }
        if (timeout_ms == 0 || timeout_ms > INT32_MAX)
            return sl_error_set(err, SL_ECONFIG,
                                RESOURCE ": NATS_TIMEOUT must be more than zero and less than "
                                         "24 days");
    }
    struct nats_broker *r = sl_calloc(1, sizeof(*r));
    if (r == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    pthread_mutex_init(&r->conn_lock, NULL);
    r->shared = sl_calloc(1, sizeof(*r->shared));
    if (r->shared == NULL) {
        nats_close(&r->base);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    pthread_mutex_lock(&ev_lock);
    r->shared->next = shared_list;
    shared_list = r->shared;
    pthread_mutex_unlock(&ev_lock);
    r->timeout_ms = (int64_t)timeout_ms;
    describe_servers(url, r->where, sizeof(r->where));
    struct sl_buf prefix = SL_BUF_INIT;
    const char *fixed = sl_config_get(cfg, "NATS_SUBJECT_PREFIX");
    if (fixed != NULL && !is_subject_prefix(fixed)) {
        nats_close(&r->base);
        return sl_error_set(err, SL_ECONFIG,
                            RESOURCE ": NATS_SUBJECT_PREFIX \"%s\" is not empty or subject tokens "
                                     "each followed by '.' (such as \"orders.\"), without "
                                     "wildcards or white space",
                            fixed);
    }
    sl_err rc = fixed != NULL ? sl_buf_appends(&prefix, fixed) : put_name(&prefix, name);
    if (rc == SL_OK && fixed == NULL)
        rc = sl_buf_append(&prefix, ".", 1);
    if (rc != SL_OK || natsOptions_Create(&r->opts) != NATS_OK) {
        sl_buf_release(&prefix);
        nats_close(&r->base);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    r->prefix_len = prefix.len;
    r->prefix = sl_buf_detach(&prefix);
    if (set_options(r, url) != SL_OK) {
        nats_close(&r->base);
        /* libnats checks the URL list only when it connects; what it rejects here is the form */
        return sl_error_set(err, SL_ECONFIG,
                            RESOURCE ": invalid NATS_URL (nats://[user:password@]host[:port], "
                                     "comma-separated for several servers)");
    }
    const char *creds = sl_config_get(cfg, "NATS_CREDS");
    if (creds != NULL && creds[0] != '\0') {
        rc = set_creds(r, cfg, creds, err);
        if (rc != SL_OK) {
            nats_close(&r->base);
            return rc;
        }
    }
    /* no connection yet: a server that is down fails the first call, not start-up */
    *out = &r->base;
    return SL_OK;
}

static sl_err nats_publish(struct sl_msg_broker *b, struct sl_str topic, struct sl_str msg,
                           struct sl_error *err)
{
    struct nats_broker *r = (struct nats_broker *)b;
    struct sl_buf subject = SL_BUF_INIT;
    sl_err rc = subject_of(r, topic, &subject, err);
    if (rc != SL_OK)
        return rc;
    natsConnection *nc = NULL;
    rc = connected(r, &nc, err);
    if (rc != SL_OK) {
        sl_buf_release(&subject);
        return rc;
    }
    int64_t max = natsConnection_GetMaxPayload(nc);
    if (max > 0 && (uint64_t)msg.len > (uint64_t)max) {
        sl_buf_release(&subject);
        return sl_error_set(err, SL_EINVALVALUE,
                            RESOURCE ": the message of %zu bytes is larger than the server's "
                                     "max_payload of %lld bytes",
                            msg.len, (long long)max);
    }
    natsStatus s =
        natsConnection_Publish(nc, sl_buf_cstr(&subject), msg.len ? msg.ptr : "", (int)msg.len);
    sl_buf_release(&subject);
    if (s != NATS_OK)
        return nats_error(r, s, "cannot publish to", err);
    /* a round trip: the server has the message (and has passed it on) when this returns */
    s = natsConnection_FlushTimeout(nc, r->timeout_ms);
    if (s != NATS_OK)
        return nats_error(r, s, "no confirmation of the message from", err);
    return SL_OK;
}

static sl_err nats_subscribe(struct sl_msg_broker *b, struct sl_str topic, struct sl_buf *token,
                             struct sl_error *err)
{
    struct nats_broker *r = (struct nats_broker *)b;
    struct nats_sub *s = sl_calloc(1, sizeof(*s));
    struct sl_buf subject = SL_BUF_INIT;
    if (s == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    sl_err rc = subject_of(r, topic, &subject, err);
    natsConnection *nc = NULL;
    if (rc == SL_OK)
        rc = connected(r, &nc, err);
    if (rc != SL_OK) {
        sl_buf_release(&subject);
        sl_free(s);
        return rc;
    }
    pthread_mutex_init(&s->lock, NULL);
    s->subject = sl_buf_detach(&subject);
    sl_msg_token_make(s->token);
    pthread_mutex_lock(&r->conn_lock);
    /* the connection may have been replaced meanwhile: subscribe on the current one */
    natsStatus st = natsConnection_SubscribeSync(&s->ns, r->nc, s->subject);
    if (st == NATS_OK) {
        s->next = r->subs;
        r->subs = s;
        nc = r->nc;
    }
    pthread_mutex_unlock(&r->conn_lock);
    if (st != NATS_OK) {
        pthread_mutex_destroy(&s->lock);
        sl_free(s->subject);
        sl_free(s);
        return nats_error(r, st, "cannot subscribe on", err);
    }
    /* the round trip makes the server hold the interest before subscribe returns */
    st = natsConnection_FlushTimeout(nc, r->timeout_ms);
    if (st != NATS_OK) {
        pthread_mutex_lock(&r->conn_lock);
        struct nats_sub **p = &r->subs;
        while (*p != s)
            p = &(*p)->next;
        *p = s->next;
        pthread_mutex_unlock(&r->conn_lock);
        natsSubscription_Unsubscribe(s->ns); /* nobody has its token: nothing else uses it */
        natsSubscription_Destroy(s->ns);
        pthread_mutex_destroy(&s->lock);
        sl_free(s->subject);
        sl_free(s);
        return nats_error(r, st, "no confirmation of the subscription from", err);
    }
    return sl_buf_appends(token, s->token) == SL_OK
               ? SL_OK
               : sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
}

static sl_err nats_receive(struct sl_msg_broker *b, struct sl_str token, uint64_t timeout_ms,
                           struct sl_buf *out, struct sl_error *err)
{
    struct nats_broker *r = (struct nats_broker *)b;
    pthread_mutex_lock(&r->conn_lock);
    struct nats_sub *s = r->subs;
    while (s != NULL
           && !(strlen(s->token) == token.len && memcmp(s->token, token.ptr, token.len) == 0))
        s = s->next;
    /* a connection closed for good is made again here too, for apps that only receive */
    sl_err rc = s ? ensure_conn(r, err) : SL_OK;
    natsSubscription *ns = s ? s->ns : NULL;
    natsConnection *nc = r->nc;
    pthread_mutex_unlock(&r->conn_lock);
    if (s == NULL)
        return sl_error_set(err, SL_EINVAL, RESOURCE ": unknown subscription token '%.*s'",
                            (int)token.len, token.ptr);
    if (rc != SL_OK)
        return rc;
    pthread_mutex_lock(&s->lock);
    natsMsg *m = NULL;
    int64_t wait = (int64_t)SL_MIN(timeout_ms, (uint64_t)INT32_MAX);
    natsStatus st = natsSubscription_NextMsg(&m, ns, wait);
    if (st == NATS_SLOW_CONSUMER) /* reported once: messages were dropped; take the next */
        st = natsSubscription_NextMsg(&m, ns, wait);
    pthread_mutex_unlock(&s->lock);
    if (st == NATS_OK) {
        int n = natsMsg_GetDataLength(m);
        if (n > 0 && sl_buf_append(out, natsMsg_GetData(m), (size_t)n) != SL_OK)
            rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        natsMsg_Destroy(m);
    } else if (st == NATS_TIMEOUT) {
        natsConnStatus cs = natsConnection_Status(nc);
        if (cs == NATS_CONN_STATUS_CONNECTED)
            rc = sl_error_set(err, SL_ETIMEOUT, RESOURCE ": no message within %llums",
                              (unsigned long long)timeout_ms);
        else
            rc =
                sl_error_set(err, SL_ECONN, RESOURCE ": the connection to '%s' is lost%s", r->where,
                             cs == NATS_CONN_STATUS_CLOSED ? " (closed)" : "; reconnecting");
    } else if (st == NATS_CONNECTION_CLOSED || st == NATS_INVALID_SUBSCRIPTION) {
        /* closed for good: the next call connects again */
        rc = sl_error_set(err, SL_ECONN, RESOURCE ": the connection to '%s' is closed", r->where);
    } else
        rc = nats_error(r, st, "cannot receive from", err);
    return rc;
}

static void nats_shutdown(void)
{
    /* every connection is destroyed: wait for libnats's threads, so that nothing is left */
    natsStatus s = nats_CloseAndWait(2000);
    if (s != NATS_OK && s != NATS_NOT_INITIALIZED)
        return; /* a thread may still use the shared parts: keep them */
    pthread_mutex_lock(&ev_lock);
    struct nats_shared *sh = shared_list;
    shared_list = NULL;
    pthread_mutex_unlock(&ev_lock);
    while (sh != NULL) {
        struct nats_shared *next = sh->next;
        wipe_free(sh->jwt);
        sodium_memzero(sh->sk, sizeof(sh->sk));
        sl_free(sh);
        sh = next;
    }
}

const struct sl_msg_backend sl_msg_backend_nats = {
    .version = SL_MSG_BACKEND_V1,
    .name = "nats",
    .config_keys = config_keys,
    .max_payload = 0, /* the server's max_payload, checked by publish */
    .open = nats_open,
    .close = nats_close,
    .publish = nats_publish,
    .subscribe = nats_subscribe,
    .receive = nats_receive,
    .shutdown = nats_shutdown,
};

/* Must equal the loading binary's SL_VERSION: a module of another build is not used. */
const char *sl_nats_module_version(void)
{
    return SL_VERSION;
}
