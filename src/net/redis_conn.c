/* SPDX-License-Identifier: Apache-2.0 */
/*
 * redis_conn.c -- REDIS_ADDRESS parsing and the per-address connection pools
 * over hiredis (blocking contexts with socket timeouts). It knows nothing of
 * keys or stores: the backends (kv_redis.c, ...) build the commands. No TLS:
 * Debian's hiredis 0.14 has none.
 */
#include "sl_common.h"

#include "redis_conn.h"

#include "common/buf.h"
#include "common/mem.h"
#include "common/units.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>

sl_err sl_redis_config(const struct sl_config *cfg, const char *resource, const char **url,
                       uint64_t *timeout_ms, struct sl_error *err)
{
    *url = sl_config_get(cfg, "REDIS_ADDRESS");
    if (*url == NULL)
        return sl_error_set(err, SL_ECONFIG, "%s: needs config 'REDIS_ADDRESS'", resource);
    *timeout_ms = SL_REDIS_DEFAULT_TIMEOUT_MS;
    const char *t = sl_config_get(cfg, "REDIS_TIMEOUT");
    if (t != NULL) {
        if (sl_parse_duration(t, timeout_ms, err) != SL_OK) {
            sl_error_prefix(err, "%s: REDIS_TIMEOUT", resource);
            return sl_error_recode(err, SL_ECONFIG);
        }
        if (*timeout_ms == 0)
            return sl_error_set(err, SL_ECONFIG, "%s: REDIS_TIMEOUT must not be zero", resource);
    }
    return SL_OK;
}

/* Idle connections kept per pool; more are closed when released. */
#define MAX_IDLE 16

/* ---- REDIS_ADDRESS ------------------------------------------------------ */

/* A copy of (s, len) with %XX decoded; NULL on a bad escape (*bad set) or no memory. */
static char *decode(const char *s, size_t len, bool *bad)
{
    char *out = sl_malloc(len + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            out[o++] = s[i];
            continue;
        }
        int hi = i + 2 < len ? sl_hex_value(s[i + 1]) : -1;
        int lo = i + 2 < len ? sl_hex_value(s[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            sl_free(out);
            *bad = true;
            return NULL;
        }
        out[o++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[o] = '\0';
    return out;
}

/* Parses a decimal number of at most max in (s, len); false when it is not one. */
static bool parse_uint(const char *s, size_t len, long max, long *out)
{
    if (len == 0 || len > 9)
        return false;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

static sl_err bad_url(struct sl_redis_addr *a, struct sl_error *err, const char *resource,
                      const char *why)
{
    sl_redis_addr_release(a);
    return sl_error_set(err, SL_ECONFIG, "%s: invalid REDIS_ADDRESS: %s", resource, why);
}

/* userinfo "[user][:password]" (percent-encoded) into a->user, a->password. */
static sl_err parse_userinfo(const char *s, size_t len, struct sl_redis_addr *a,
                             const char *resource, struct sl_error *err)
{
    const char *colon = memchr(s, ':', len);
    size_t ulen = colon ? (size_t)(colon - s) : len;
    bool bad = false;
    if (ulen > 0 && (a->user = decode(s, ulen, &bad)) == NULL)
        return bad ? bad_url(a, err, resource, "bad %-escape in the user name")
                   : sl_error_set(err, SL_ENOMEM, "%s: out of memory", resource);
    if (colon != NULL) {
        a->password = decode(colon + 1, len - ulen - 1, &bad);
        if (a->password == NULL)
            return bad ? bad_url(a, err, resource, "bad %-escape in the password")
                       : sl_error_set(err, SL_ENOMEM, "%s: out of memory", resource);
        if (a->password[0] == '\0') {
            sl_free(a->password);
            a->password = NULL;
        }
    }
    return SL_OK;
}

/* "?db=N&..." : db is read, other parameters are ignored (as slight's client did). */
static sl_err parse_query(const char *q, struct sl_redis_addr *a, const char *resource,
                          struct sl_error *err)
{
    while (*q != '\0') {
        size_t n = strcspn(q, "&");
        if (n > 3 && strncmp(q, "db=", 3) == 0) {
            long db;
            if (!parse_uint(q + 3, n - 3, 1000000, &db))
                return bad_url(a, err, resource, "the database number is not a number");
            a->db = (int)db;
        }
        q += n;
        if (*q == '&')
            q++;
    }
    return SL_OK;
}

static sl_err parse_unix(const char *resource, const char *rest, struct sl_redis_addr *a,
                         struct sl_error *err)
{
    a->transport = SL_REDIS_UNIX;
    if (strncmp(rest, "//", 2) == 0)
        rest += 2;
    size_t plen = strcspn(rest, "?");
    const char *slash = memchr(rest, '/', plen);
    const char *at = slash ? memchr(rest, '@', (size_t)(slash - rest)) : NULL;
    if (at != NULL) {
        sl_err rc = parse_userinfo(rest, (size_t)(at - rest), a, resource, err);
        if (rc != SL_OK)
            return rc;
        plen -= (size_t)(at + 1 - rest);
        rest = at + 1;
    }
    if (plen == 0 || rest[0] != '/')
        return bad_url(a, err, resource, "a unix: address needs an absolute socket path");
    a->path = sl_strndup(rest, plen);
    if (a->path == NULL)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", resource);
    struct sl_buf w = SL_BUF_INIT;
    if (sl_buf_appendf(&w, "unix:%s", a->path) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", resource);
    a->where = sl_buf_detach(&w);
    return rest[plen] == '?' ? parse_query(rest + plen + 1, a, resource, err) : SL_OK;
}

static sl_err parse_tcp(const char *resource, const char *rest, struct sl_redis_addr *a,
                        struct sl_error *err)
{
    a->transport = SL_REDIS_TCP;
    a->port = 6379;
    size_t alen = strcspn(rest, "/?");
    const char *auth = rest;
    /* the last '@' ends the userinfo: passwords may contain '@' unescaped */
    const char *at = NULL;
    for (const char *p = auth; p < auth + alen; p++)
        if (*p == '@')
            at = p;
    if (at != NULL) {
        sl_err rc = parse_userinfo(auth, (size_t)(at - auth), a, resource, err);
        if (rc != SL_OK)
            return rc;
        alen -= (size_t)(at + 1 - auth);
        auth = at + 1;
    }
    const char *host = auth;
    size_t hlen;
    const char *after;
    if (alen > 0 && auth[0] == '[') {
        const char *close = memchr(auth, ']', alen);
        if (close == NULL)
            return bad_url(a, err, resource, "unterminated '[' in the host");
        host = auth + 1;
        hlen = (size_t)(close - host);
        after = close + 1;
    } else {
        const char *colon = memchr(auth, ':', alen);
        hlen = colon ? (size_t)(colon - auth) : alen;
        after = auth + hlen;
    }
    if (hlen == 0)
        return bad_url(a, err, resource, "no host");
    const char *end = auth + alen;
    if (after < end) {
        long port;
        if (*after != ':' || !parse_uint(after + 1, (size_t)(end - after - 1), 65535, &port)
            || port == 0)
            return bad_url(a, err, resource, "the port is not a number from 1 to 65535");
        a->port = (int)port;
    }
    a->host = sl_strndup(host, hlen);
    if (a->host == NULL)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", resource);
    struct sl_buf w = SL_BUF_INIT;
    bool v6 = memchr(a->host, ':', hlen) != NULL;
    if (sl_buf_appendf(&w, v6 ? "[%s]:%d" : "%s:%d", a->host, a->port) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", resource);
    a->where = sl_buf_detach(&w);
    const char *p = rest + strcspn(rest, "/?");
    if (*p == '/') {
        p++;
        size_t dlen = strcspn(p, "?");
        long db;
        if (dlen > 0 && !parse_uint(p, dlen, 1000000, &db))
            return bad_url(a, err, resource, "the database number is not a number");
        if (dlen > 0)
            a->db = (int)db;
        p += dlen;
    }
    return *p == '?' ? parse_query(p + 1, a, resource, err) : SL_OK;
}

sl_err sl_redis_addr_parse(const char *resource, const char *url, struct sl_redis_addr *out,
                           struct sl_error *err)
{
    memset(out, 0, sizeof(*out));
    sl_err rc;
    if (strncasecmp(url, "redis://", 8) == 0)
        rc = parse_tcp(resource, url + 8, out, err);
    else if (strncasecmp(url, "unix:", 5) == 0)
        rc = parse_unix(resource, url + 5, out, err);
    else if (strncasecmp(url, "redis+unix:", 11) == 0)
        rc = parse_unix(resource, url + 11, out, err);
    else if (strncasecmp(url, "rediss://", 9) == 0)
        return sl_error_set(err, SL_ECONFIG,
                            "%s: REDIS_ADDRESS: rediss:// (TLS) is not built in: this build's "
                            "hiredis has no TLS; use redis:// or unix:",
                            resource);
    else
        return sl_error_set(err, SL_ECONFIG,
                            "%s: invalid REDIS_ADDRESS: expected redis://[user:password@]host"
                            "[:port][/db] or unix:/path",
                            resource);
    if (rc != SL_OK)
        sl_redis_addr_release(out);
    return rc;
}

/* Overwrites a secret before its memory is freed. */
static void wipe(char *s)
{
    if (s != NULL) {
        volatile char *v = s;
        while (*v != '\0')
            *v++ = '\0';
    }
}

void sl_redis_addr_release(struct sl_redis_addr *a)
{
    sl_free(a->host);
    sl_free(a->path);
    wipe(a->user);
    sl_free(a->user);
    wipe(a->password);
    sl_free(a->password);
    sl_free(a->where);
    memset(a, 0, sizeof(*a));
}

/* ---- pools -------------------------------------------------------------- */

struct conn {
    struct conn *next;
    redisContext *ctx;
    unsigned gen; /* the pool's generation when it was made */
};

struct sl_redis_pool {
    struct sl_redis_pool *next; /* in the list of all pools */
    char *url;                  /* owned; the key, with the timeout (holds credentials) */
    uint64_t timeout_ms;
    struct sl_redis_addr addr;
    unsigned refs; /* under pools_lock */

    pthread_mutex_t lock; /* guards what follows */
    struct conn *idle;
    size_t nidle;
    unsigned gen; /* bumped when a connection breaks: older ones are not reused */
};

static pthread_mutex_t pools_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sl_redis_pool *pools;

static void conn_free(struct conn *c)
{
    if (c == NULL)
        return;
    if (c->ctx != NULL)
        redisFree(c->ctx);
    sl_free(c);
}

static void pool_free(struct sl_redis_pool *p)
{
    while (p->idle != NULL) {
        struct conn *c = p->idle;
        p->idle = c->next;
        conn_free(c);
    }
    pthread_mutex_destroy(&p->lock);
    wipe(p->url);
    sl_free(p->url);
    sl_redis_addr_release(&p->addr);
    sl_free(p);
}

/*
 * hiredis writes with write(2): a write to a connection the server has
 * closed would raise SIGPIPE and end the process, where it must be an error
 * value of that call. Ignored unless someone installed a handler.
 */
static void ignore_sigpipe(void)
{
    struct sigaction old;
    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
        struct sigaction ign = {0};
        ign.sa_handler = SIG_IGN;
        sigemptyset(&ign.sa_mask);
        sigaction(SIGPIPE, &ign, NULL);
    }
}

sl_err sl_redis_pool_get(const char *resource, const char *url, uint64_t timeout_ms,
                         struct sl_redis_pool **out, struct sl_error *err)
{
    static pthread_once_t sigpipe_once = PTHREAD_ONCE_INIT;
    *out = NULL;
    pthread_once(&sigpipe_once, ignore_sigpipe);
    pthread_mutex_lock(&pools_lock);
    for (struct sl_redis_pool *p = pools; p != NULL; p = p->next)
        if (p->timeout_ms == timeout_ms && strcmp(p->url, url) == 0) {
            p->refs++;
            pthread_mutex_unlock(&pools_lock);
            *out = p;
            return SL_OK;
        }
    pthread_mutex_unlock(&pools_lock);

    struct sl_redis_pool *p = sl_calloc(1, sizeof(*p));
    if (p == NULL)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", resource);
    sl_err rc = sl_redis_addr_parse(resource, url, &p->addr, err);
    if (rc != SL_OK) {
        sl_free(p);
        return rc;
    }
    p->url = sl_strdup(url);
    if (p->url == NULL) {
        sl_redis_addr_release(&p->addr);
        sl_free(p);
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", resource);
    }
    p->timeout_ms = timeout_ms;
    p->refs = 1;
    pthread_mutex_init(&p->lock, NULL);

    /* another thread may have made the same pool meanwhile: use the first one */
    pthread_mutex_lock(&pools_lock);
    for (struct sl_redis_pool *q = pools; q != NULL; q = q->next)
        if (q->timeout_ms == timeout_ms && strcmp(q->url, url) == 0) {
            q->refs++;
            pthread_mutex_unlock(&pools_lock);
            pool_free(p);
            *out = q;
            return SL_OK;
        }
    p->next = pools;
    pools = p;
    pthread_mutex_unlock(&pools_lock);
    *out = p;
    return SL_OK;
}

void sl_redis_pool_put(struct sl_redis_pool *pool)
{
    if (pool == NULL)
        return;
    pthread_mutex_lock(&pools_lock);
    if (pool->refs > 0)
        pool->refs--;
    pthread_mutex_unlock(&pools_lock);
}

const char *sl_redis_pool_where(const struct sl_redis_pool *pool)
{
    return pool->addr.where;
}

void sl_redis_pools_shutdown(void)
{
    pthread_mutex_lock(&pools_lock);
    struct sl_redis_pool **pp = &pools;
    while (*pp != NULL) {
        struct sl_redis_pool *p = *pp;
        if (p->refs > 0) {
            pp = &p->next;
            continue;
        }
        *pp = p->next;
        pool_free(p);
    }
    pthread_mutex_unlock(&pools_lock);
}

void sl_redis_reply_free(struct redisReply *reply)
{
    if (reply != NULL)
        freeReplyObject(reply);
}

/* ---- connections and commands ------------------------------------------- */

static struct timeval to_timeval(uint64_t ms)
{
    struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
    return tv;
}

static bool is_timeout(int saved_errno, const redisContext *ctx)
{
    if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK || saved_errno == ETIMEDOUT
        || saved_errno == EINPROGRESS)
        return true;
    /* hiredis formats errno into errstr; errno itself may have moved on */
    return strstr(ctx->errstr, "timed out") != NULL
           || strstr(ctx->errstr, "temporarily unavailable") != NULL;
}

static void format_timeout(uint64_t ms, char *buf, size_t sz)
{
    if (ms % 1000 == 0)
        snprintf(buf, sz, "%llus", (unsigned long long)(ms / 1000));
    else
        snprintf(buf, sz, "%llums", (unsigned long long)ms);
}

/* The error of a context whose call failed (errno as saved right after the call). */
static sl_err ctx_error(struct sl_redis_pool *p, const char *resource, const redisContext *ctx,
                        int saved_errno, const char *doing, struct sl_error *err)
{
    if (ctx->err == REDIS_ERR_OOM)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", resource);
    if ((ctx->err == REDIS_ERR_IO || ctx->err == REDIS_ERR_OTHER) && is_timeout(saved_errno, ctx)) {
        char t[32];
        format_timeout(p->timeout_ms, t, sizeof(t));
        return sl_error_set(err, SL_ETIMEOUT, "%s: %s '%s' timed out after %s", resource, doing,
                            p->addr.where, t);
    }
    if (ctx->err == REDIS_ERR_EOF)
        return sl_error_set(err, SL_ECONN, "%s: %s '%s': the server closed the connection",
                            resource, doing, p->addr.where);
    return sl_error_set(err, SL_ECONN, "%s: %s '%s': %s", resource, doing, p->addr.where,
                        ctx->errstr[0] ? ctx->errstr : "connection error");
}

/* Classifies an error reply (REDIS_REPLY_ERROR); the reply is freed. */
static sl_err reply_error(struct sl_redis_pool *p, const char *resource, const char *cmd,
                          redisReply *r, struct sl_error *err)
{
    const char *msg = r->str ? r->str : "error";
    sl_err code = SL_EIO;
    if (strncmp(msg, "NOAUTH", 6) == 0 || strncmp(msg, "WRONGPASS", 9) == 0
        || strncmp(msg, "NOPERM", 6) == 0)
        code = SL_EAUTH;
    sl_error_set(err, code, "%s: %s on '%s' failed: %s", resource, cmd, p->addr.where, msg);
    freeReplyObject(r);
    return code;
}

/* AUTH and SELECT on a new connection. */
static sl_err conn_setup(struct sl_redis_pool *p, const char *resource, redisContext *ctx,
                         struct sl_error *err)
{
    const struct sl_redis_addr *a = &p->addr;
    if (a->password != NULL) {
        const char *argv[3] = {"AUTH"};
        size_t len[3] = {4};
        int argc = 1;
        if (a->user != NULL) {
            argv[argc] = a->user;
            len[argc++] = strlen(a->user);
        }
        argv[argc] = a->password;
        len[argc++] = strlen(a->password);
        errno = 0;
        redisReply *r = redisCommandArgv(ctx, argc, argv, len);
        int saved = errno;
        if (r == NULL)
            return ctx_error(p, resource, ctx, saved, "cannot authenticate to", err);
        if (r->type == REDIS_REPLY_ERROR) {
            /* the server's text names no credential ("WRONGPASS invalid username-password ...") */
            sl_error_set(err, SL_EAUTH, "%s: authentication to '%s' failed: %s", resource, a->where,
                         r->str ? r->str : "refused");
            freeReplyObject(r);
            return SL_EAUTH;
        }
        freeReplyObject(r);
    }
    if (a->db != 0) {
        char db[16];
        snprintf(db, sizeof(db), "%d", a->db);
        const char *argv[2] = {"SELECT", db};
        size_t len[2] = {6, strlen(db)};
        errno = 0;
        redisReply *r = redisCommandArgv(ctx, 2, argv, len);
        int saved = errno;
        if (r == NULL)
            return ctx_error(p, resource, ctx, saved, "cannot select a database on", err);
        if (r->type == REDIS_REPLY_ERROR) {
            sl_err code = strncmp(r->str ? r->str : "", "NOAUTH", 6) == 0 ? SL_EAUTH : SL_ECONFIG;
            sl_error_set(err, code, "%s: cannot select database %d on '%s': %s", resource, a->db,
                         a->where, r->str ? r->str : "refused");
            freeReplyObject(r);
            return code;
        }
        freeReplyObject(r);
    }
    return SL_OK;
}

static sl_err conn_open(struct sl_redis_pool *p, const char *resource, struct conn **out,
                        struct sl_error *err)
{
    *out = NULL;
    struct timeval tv = to_timeval(p->timeout_ms);
    errno = 0;
    redisContext *ctx = p->addr.transport == SL_REDIS_UNIX
                            ? redisConnectUnixWithTimeout(p->addr.path, tv)
                            : redisConnectWithTimeout(p->addr.host, p->addr.port, tv);
    int saved = errno;
    if (ctx == NULL)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", resource);
    sl_err rc = SL_OK;
    if (ctx->err)
        rc = ctx_error(p, resource, ctx, saved, "cannot connect to", err);
    else if (redisSetTimeout(ctx, tv) != REDIS_OK)
        rc = ctx_error(p, resource, ctx, errno, "cannot set the timeout on", err);
    else
        rc = conn_setup(p, resource, ctx, err);
    if (rc != SL_OK) {
        redisFree(ctx);
        return rc;
    }
    struct conn *c = sl_calloc(1, sizeof(*c));
    if (c == NULL) {
        redisFree(ctx);
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", resource);
    }
    c->ctx = ctx;
    pthread_mutex_lock(&p->lock);
    c->gen = p->gen;
    pthread_mutex_unlock(&p->lock);
    *out = c;
    return SL_OK;
}

/* An idle connection (*reused = true) or a new one. */
static sl_err conn_acquire(struct sl_redis_pool *p, const char *resource, struct conn **out,
                           bool *reused, struct sl_error *err)
{
    pthread_mutex_lock(&p->lock);
    struct conn *c = p->idle;
    if (c != NULL) {
        p->idle = c->next;
        p->nidle--;
    }
    pthread_mutex_unlock(&p->lock);
    if (c != NULL) {
        c->next = NULL;
        *reused = true;
        *out = c;
        return SL_OK;
    }
    *reused = false;
    return conn_open(p, resource, out, err);
}

static void conn_release(struct sl_redis_pool *p, struct conn *c)
{
    pthread_mutex_lock(&p->lock);
    if (c->gen == p->gen && p->nidle < MAX_IDLE) {
        c->next = p->idle;
        p->idle = c;
        p->nidle++;
        c = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    conn_free(c);
}

/* Drops a broken connection and every idle one: they were made before the break. */
static void conn_broken(struct sl_redis_pool *p, struct conn *c)
{
    pthread_mutex_lock(&p->lock);
    struct conn *idle = p->idle;
    p->idle = NULL;
    p->nidle = 0;
    p->gen++;
    pthread_mutex_unlock(&p->lock);
    conn_free(c);
    while (idle != NULL) {
        struct conn *next = idle->next;
        conn_free(idle);
        idle = next;
    }
}

sl_err sl_redis_command(struct sl_redis_pool *pool, const char *resource, enum sl_redis_flags flags,
                        int argc, const char **argv, const size_t *argvlen,
                        struct redisReply **reply, struct sl_error *err)
{
    *reply = NULL;
    for (int attempt = 0;; attempt++) {
        struct conn *c = NULL;
        bool reused = false;
        sl_err rc = conn_acquire(pool, resource, &c, &reused, err);
        if (rc != SL_OK)
            return rc;
        errno = 0;
        redisReply *r = redisCommandArgv(c->ctx, argc, argv, argvlen);
        int saved = errno;
        if (r == NULL) {
            rc = ctx_error(pool, resource, c->ctx, saved, "lost the connection to", err);
            conn_broken(pool, c);
            if (rc == SL_ECONN && reused && attempt == 0 && (flags & SL_REDIS_IDEMPOTENT))
                continue;
            return rc;
        }
        conn_release(pool, c);
        if (r->type == REDIS_REPLY_ERROR)
            return reply_error(pool, resource, argv[0], r, err);
        *reply = r;
        return SL_OK;
    }
}
