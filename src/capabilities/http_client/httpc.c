/* SPDX-License-Identifier: Apache-2.0 */
/*
 * httpc.c -- the http-client front end: ALLOWED_HOSTS and TIMEOUT, header
 * checks, and redirects followed as reqwest (slight's client) followed them.
 * The transport is libcurl's in the slight-cloud module (httpc_backend.h),
 * loaded the first time a slightfile declares http-client. Host patterns are
 * matched here by hand (a glob over a host name needs no library); URLs are
 * parsed only by the transport.
 */
#include "sl_common.h"

#include "httpc.h"

#include "capabilities/backend_module.h"
#include "common/clock.h"
#include "common/mem.h"
#include "common/units.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#ifndef SL_HAVE_HTTPC_CURL
#define SL_HAVE_HTTPC_CURL 0
#endif

#define RESOURCE "http-client"

static const struct sl_config_key config_keys[] = {
    {"ALLOWED_HOSTS", false, false},
    {"TIMEOUT", false, false},
    {NULL, false, false},
};

/* The transport: in the slight-cloud module (ARCHITECTURE "Start-up cost"), as in kv_registry.c. */
#if SL_HAVE_HTTPC_CURL
static struct sl_backend_module cloud_module = SL_BACKEND_MODULE("cloud");
#endif

static const struct {
    struct sl_backend_module *module; /* the transport is this module's symbol sym */
    const char *sym;
    const char *needs; /* not built: the missing library */
} transport_row =
#if SL_HAVE_HTTPC_CURL
    {&cloud_module, "sl_httpc_backend_curl", NULL};
#else
    {NULL, NULL, "libcurl"};
#endif

/* The transport once found, for sl_httpc_shutdown (which must not load it). */
static const struct sl_httpc_backend *_Atomic loaded;

/* The transport, loading its module once; NULL with *needs saying why. */
static const struct sl_httpc_backend *transport(const char **needs)
{
    *needs = transport_row.needs;
    const struct sl_httpc_backend *b = atomic_load(&loaded);
    if (b != NULL || transport_row.module == NULL)
        return b;
    b = sl_backend_module_find(transport_row.module, transport_row.sym, SL_HTTPC_BACKEND_V1, needs);
    if (b != NULL)
        atomic_store(&loaded, b);
    return b;
}

const struct sl_cap_backend_info *sl_httpc_backend_info(const char *backend)
{
    static struct sl_cap_backend_info info;
    if (strcmp(backend, "") != 0)
        return NULL;
    const char *needs = NULL;
    const struct sl_httpc_backend *b = transport(&needs);
    info.resource = RESOURCE;
    info.config_keys = config_keys;
    info.missing = b ? NULL : needs;
    return &info;
}

void sl_httpc_shutdown(void)
{
    const struct sl_httpc_backend *b = atomic_load(&loaded);
    if (b != NULL && b->shutdown != NULL)
        b->shutdown();
}

/* ---- ALLOWED_HOSTS ---------------------------------------------------------- */

/* One pattern: host [hb, he) with '*' wildcards; port 0 = any. */
struct pattern {
    const char *hb, *he;
    unsigned port;
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Parses the pattern [p, end) (trimmed, non-empty); false when it does not parse. */
static bool pattern_parse(const char *p, const char *end, struct pattern *out)
{
    const char *colon = NULL;
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (close == NULL || close == p + 1)
            return false;
        out->hb = p;
        out->he = close + 1;
        if (out->he != end && *out->he != ':')
            return false;
        colon = out->he != end ? out->he : NULL;
    } else {
        colon = NULL;
        for (const char *q = p; q < end; q++) {
            if (*q != ':')
                continue;
            if (colon != NULL)
                return false; /* an IPv6 address must be in brackets */
            colon = q;
        }
        out->hb = p;
        out->he = colon ? colon : end;
    }
    if (out->he == out->hb)
        return false;
    for (const char *q = out->hb; q < out->he; q++)
        if (is_space(*q) || *q == '/' || *q == '@' || *q == '?' || *q == '#' || *q == ',')
            return false;
    out->port = 0;
    if (colon == NULL)
        return true;
    const char *d = colon + 1;
    if (end - d == 1 && *d == '*')
        return true;
    if (d == end || end - d > 5)
        return false;
    unsigned v = 0;
    for (; d < end; d++) {
        if (*d < '0' || *d > '9')
            return false;
        v = v * 10 + (unsigned)(*d - '0');
    }
    if (v == 0 || v > 65535)
        return false;
    out->port = v;
    return true;
}

/* Case-insensitive glob of [pb, pe) against [sb, se): '*' matches any run of characters. */
static bool glob_match(const char *pb, const char *pe, const char *sb, const char *se)
{
    const char *star = NULL, *resume = NULL;
    while (sb < se) {
        if (pb < pe && *pb == '*') {
            star = ++pb;
            resume = sb;
        } else if (pb < pe && (unsigned char)(*pb | 0x20) == (unsigned char)(*sb | 0x20)
                   && ((*pb >= 'A' && *pb <= 'Z') || (*pb >= 'a' && *pb <= 'z'))) {
            pb++;
            sb++;
        } else if (pb < pe && *pb == *sb) {
            pb++;
            sb++;
        } else if (star != NULL) {
            pb = star;
            sb = ++resume;
        } else {
            return false;
        }
    }
    while (pb < pe && *pb == '*')
        pb++;
    return pb == pe;
}

/*
 * Calls fn for each trimmed, non-empty pattern of list; stops at the first
 * that does not parse (returns false, *bad and *badlen quoting it) or when fn
 * returns true (*hit set).
 */
static bool hosts_each(const char *list, bool (*fn)(const struct pattern *p, const void *arg),
                       const void *arg, bool *hit, const char **bad, size_t *badlen)
{
    *hit = false;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *b = p, *e = end;
        while (b < e && is_space(*b))
            b++;
        while (e > b && is_space(e[-1]))
            e--;
        if (b < e) {
            struct pattern pat;
            if (!pattern_parse(b, e, &pat)) {
                *bad = b;
                *badlen = (size_t)(e - b);
                return false;
            }
            if (fn != NULL && fn(&pat, arg)) {
                *hit = true;
                return true;
            }
        }
        if (comma == NULL)
            return true;
        p = comma + 1;
    }
}

struct target {
    const char *host;
    size_t len;
    unsigned port;
};

static bool pattern_matches(const struct pattern *p, const void *arg)
{
    const struct target *t = arg;
    if (p->port != 0 && p->port != t->port)
        return false;
    const char *pe = p->he;
    if (pe - p->hb > 1 && pe[-1] == '.')
        pe--;
    return glob_match(p->hb, pe, t->host, t->host + t->len);
}

bool sl_httpc_host_allowed(const char *list, const char *host, unsigned port)
{
    struct target t = {host, strlen(host), port};
    if (t.len > 1 && host[t.len - 1] == '.')
        t.len--;
    bool hit;
    const char *bad;
    size_t badlen;
    return hosts_each(list, pattern_matches, &t, &hit, &bad, &badlen) && hit;
}

sl_err sl_httpc_hosts_check(const char *list, struct sl_error *err)
{
    bool hit;
    const char *bad = NULL;
    size_t badlen = 0;
    if (hosts_each(list, NULL, NULL, &hit, &bad, &badlen))
        return SL_OK;
    return sl_error_set(err, SL_EINVAL,
                        "invalid host pattern '%.*s': expected host[:port], '*' as a wildcard, "
                        "an IPv6 address in brackets",
                        (int)SL_MIN(badlen, (size_t)200), bad);
}

/* ---- settings --------------------------------------------------------------- */

/* The settings of one entry's config (cfg may be NULL: defaults). */
static sl_err settings_of(const struct sl_config *cfg, struct sl_httpc_settings *out,
                          struct sl_error *err)
{
    out->allowed_hosts = "*";
    out->timeout_ms = SL_HTTPC_DEFAULT_TIMEOUT_MS;
    const char *hosts = sl_config_get(cfg, "ALLOWED_HOSTS");
    if (hosts != NULL) {
        if (sl_httpc_hosts_check(hosts, err) != SL_OK) {
            sl_error_prefix(err, RESOURCE ": config ALLOWED_HOSTS");
            return sl_error_recode(err, SL_ECONFIG);
        }
        out->allowed_hosts = hosts;
    }
    const char *t = sl_config_get(cfg, "TIMEOUT");
    if (t != NULL) {
        if (sl_parse_duration(t, &out->timeout_ms, err) != SL_OK) {
            sl_error_prefix(err, RESOURCE ": config TIMEOUT");
            return sl_error_recode(err, SL_ECONFIG);
        }
        if (out->timeout_ms == 0)
            return sl_error_set(err, SL_ECONFIG, RESOURCE ": config TIMEOUT must not be zero");
    }
    return SL_OK;
}

sl_err sl_httpc_settings(const struct sl_caps *caps, struct sl_httpc_settings *out,
                         struct sl_error *err)
{
    const struct sl_cap_entry *e = NULL;
    for (size_t i = 0; caps != NULL && i < caps->n && e == NULL; i++)
        if (caps->entries[i].cap != NULL && strcmp(caps->entries[i].cap->type, RESOURCE) == 0)
            e = &caps->entries[i];
    return settings_of(e ? &e->config : NULL, out, err);
}

sl_err sl_httpc_config_check(const struct sl_config *cfg, struct sl_error *err)
{
    struct sl_httpc_settings set;
    return settings_of(cfg, &set, err);
}

/* ---- requests --------------------------------------------------------------- */

static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* SL_OK when h can be sent as written (a token name, a value without control bytes but tab). */
static sl_err header_check(const struct sl_httpc_field *h, struct sl_error *err)
{
    if (h->name.len == 0)
        return sl_error_set(err, SL_EINVALVALUE, RESOURCE ": a request header has an empty name");
    for (size_t i = 0; i < h->name.len; i++)
        if (!is_tchar((unsigned char)h->name.ptr[i]))
            return sl_error_set(err, SL_EINVALVALUE,
                                RESOURCE ": invalid request header name '%.*s'",
                                (int)SL_MIN(h->name.len, (size_t)100), h->name.ptr);
    for (size_t i = 0; i < h->value.len; i++) {
        unsigned char c = (unsigned char)h->value.ptr[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return sl_error_set(err, SL_EINVALVALUE,
                                RESOURCE ": request header '%.*s' has a control character in its "
                                "value",
                                (int)SL_MIN(h->name.len, (size_t)100), h->name.ptr);
    }
    return SL_OK;
}

static bool name_is(const struct sl_httpc_field *h, const char *name)
{
    return h->name.len == strlen(name) && strncasecmp(h->name.ptr, name, h->name.len) == 0;
}

/* Headers that describe the body, dropped when a redirect turns the request into a GET. */
static const char *const body_headers[] = {"content-type", "content-encoding", NULL};
/* Headers reqwest drops when a redirect leaves the origin. */
static const char *const sensitive_headers[] = {"authorization", "cookie", "cookie2",
                                                "proxy-authorization", "www-authenticate", NULL};

/* Removes from hs[0..*n) the headers named in names. */
static void headers_drop(struct sl_httpc_field *hs, size_t *n, const char *const *names)
{
    size_t o = 0;
    for (size_t i = 0; i < *n; i++) {
        bool drop = false;
        for (size_t k = 0; names[k] != NULL && !drop; k++)
            drop = name_is(&hs[i], names[k]);
        if (!drop)
            hs[o++] = hs[i];
    }
    *n = o;
}

struct request_ctx {
    const char *allowed_hosts;
    bool (*stop)(void *arg);
    void *stop_arg;
};

static sl_err check_target(void *arg, const char *scheme, const char *host, unsigned port,
                           struct sl_error *err)
{
    const struct request_ctx *c = arg;
    (void)scheme;
    if (sl_httpc_host_allowed(c->allowed_hosts, host, port))
        return SL_OK;
    return sl_error_set(err, SL_EINVAL, RESOURCE ": host '%s:%u' not allowed", host, port);
}

static bool stop_polled(void *arg)
{
    const struct request_ctx *c = arg;
    return c->stop != NULL && c->stop(c->stop_arg);
}

static bool is_redirect(uint16_t status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

sl_err sl_httpc_request(const struct sl_caps *caps, const struct sl_httpc_request *req,
                        bool (*stop)(void *arg), void *stop_arg, struct sl_httpc_reply *out,
                        struct sl_error *err)
{
    struct sl_httpc_settings set;
    sl_err rc = sl_httpc_settings(caps, &set, err);
    if (rc != SL_OK)
        return rc;
    const char *needs = NULL;
    const struct sl_httpc_backend *b = transport(&needs);
    if (b == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED, RESOURCE " is not built in (needs %s)",
                            needs ? needs : "a newer slight");
    for (size_t i = 0; i < req->nheaders; i++)
        if ((rc = header_check(&req->headers[i], err)) != SL_OK)
            return rc;

    /* a copy the redirects may shorten; curl computes the body's own length and framing */
    struct sl_httpc_field *hs = sl_calloc(req->nheaders ? req->nheaders : 1, sizeof(*hs));
    if (hs == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    size_t nhs = 0;
    for (size_t i = 0; i < req->nheaders; i++)
        if (!name_is(&req->headers[i], "content-length")
            && !name_is(&req->headers[i], "transfer-encoding"))
            hs[nhs++] = req->headers[i];

    struct request_ctx ctx = {set.allowed_hosts, stop, stop_arg};
    struct sl_httpc_exchange x = {
        .method = req->method,
        .url = req->uri,
        .params = req->params,
        .nparams = req->nparams,
        .headers = hs,
        .nheaders = nhs,
        .has_body = req->has_body,
        .body = req->body,
        .check_target = check_target,
        .stop = stop_polled,
        .arg = &ctx,
    };
    /* slight sent an empty body for none: methods that carry one get Content-Length: 0 */
    if (!x.has_body && (strcmp(x.method, "POST") == 0 || strcmp(x.method, "PUT") == 0
                        || strcmp(x.method, "PATCH") == 0)) {
        x.has_body = true;
        x.body = (struct sl_str){"", 0};
    }
    struct sl_buf next = SL_BUF_INIT; /* the URL of the hop after a redirect */
    uint64_t start = sl_clock_ms();
    for (int hop = 0;; hop++) {
        uint64_t spent = sl_clock_ms() - start;
        if (spent >= set.timeout_ms) {
            char d[32];
            sl_format_duration(set.timeout_ms, d, sizeof(d));
            rc = sl_error_set(err, SL_ETIMEOUT, RESOURCE ": request timed out after %s", d);
            break;
        }
        x.timeout_ms = set.timeout_ms - spent;
        rc = b->exchange(&x, out, err);
        if (rc != SL_OK || !is_redirect(out->status) || out->location.len == 0)
            break;
        if (hop == SL_HTTPC_MAX_REDIRECTS) {
            sl_httpc_reply_release(out);
            rc = sl_error_set(err, SL_EIO, RESOURCE ": too many redirects (more than %d)",
                              SL_HTTPC_MAX_REDIRECTS);
            break;
        }
        if (out->status <= 303) {
            /* 301, 302, 303: the next request is a GET without a body (HEAD stays HEAD) */
            if (strcmp(x.method, "HEAD") != 0)
                x.method = "GET";
            x.has_body = false;
            x.body = (struct sl_str){NULL, 0};
            headers_drop(hs, &nhs, body_headers);
        }
        if (out->location_cross_origin)
            headers_drop(hs, &nhs, sensitive_headers);
        x.nheaders = nhs;
        /* the Location names the whole target, query included */
        x.params = NULL;
        x.nparams = 0;
        sl_buf_release(&next);
        next = out->location;
        out->location = (struct sl_buf)SL_BUF_INIT;
        x.url = (struct sl_str){next.data, next.len};
        sl_httpc_reply_release(out);
    }
    sl_buf_release(&next);
    sl_free(hs);
    if (rc != SL_OK)
        sl_httpc_reply_release(out);
    return rc;
}
