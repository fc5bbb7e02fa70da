/* SPDX-License-Identifier: Apache-2.0 */
/*
 * route.c -- routers and route matching as slight's routerify routes
 * (SLIGHT-SPEC §5.3): percent-decoded path, one optional trailing '/',
 * ":name" segments, '*' for any rest, no match for a route without a
 * leading '/', query ignored. Unlike slight, a request goes to the first
 * route registered for exactly its (method, pattern), never to another's.
 */
#include "sl_common.h"

#include "http_int.h"

#include "common/mem.h"

#include <string.h>

static const char *const method_names[SL_HTTP_NMETHODS] = {
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
};

const char *sl_http_method_name(enum sl_http_method m)
{
    return (unsigned)m < SL_HTTP_NMETHODS ? method_names[m] : "?";
}

int sl_http_method_parse(const char *m, size_t len)
{
    for (int i = 0; i < SL_HTTP_NMETHODS; i++)
        if (strlen(method_names[i]) == len && memcmp(method_names[i], m, len) == 0)
            return i;
    return -1;
}

static void route_release(struct sl_http_route *rt)
{
    sl_free(rt->pattern);
    sl_free(rt->match);
    sl_free(rt->export_name);
}

void sl_http_router_free(struct sl_http_router *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        route_release(&r->routes[i]);
    sl_free(r->routes);
    sl_free(r->base);
    sl_free(r);
}

sl_err sl_http_router_new(struct sl_str base, struct sl_http_router **out, struct sl_error *err)
{
    *out = NULL;
    const char *p = base.ptr;
    size_t len = base.len;
    /* A URI's path part: skip "scheme://authority". */
    const char *scheme = len ? memchr(p, ':', len) : NULL;
    if (scheme != NULL && (size_t)(scheme - p) + 3 <= len && scheme[1] == '/' && scheme[2] == '/') {
        const char *auth = scheme + 3;
        const char *slash = memchr(auth, '/', len - (size_t)(auth - p));
        len = slash ? len - (size_t)(slash - p) : 0;
        p = slash ? slash : "";
    }
    const char *q = memchr(p, '?', len);
    if (q != NULL)
        len = (size_t)(q - p);
    while (len > 0 && p[len - 1] == '/')
        len--;
    struct sl_http_router *r = sl_calloc(1, sizeof(*r));
    if (r == NULL || (r->base = sl_strndup(p, len)) == NULL) {
        sl_free(r);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    *out = r;
    return SL_OK;
}

static sl_err route_copy(struct sl_http_route *dst, const struct sl_http_route *src)
{
    dst->method = src->method;
    dst->pattern = sl_strdup(src->pattern);
    dst->match = sl_strdup(src->match);
    dst->export_name = sl_strdup(src->export_name);
    if (dst->pattern == NULL || dst->match == NULL || dst->export_name == NULL) {
        route_release(dst);
        return SL_ENOMEM;
    }
    return SL_OK;
}

/* A copy of r with room for extra more routes (not counted in n). */
static sl_err router_copy(const struct sl_http_router *r, size_t extra,
                          struct sl_http_router **out, struct sl_error *err)
{
    *out = NULL;
    struct sl_http_router *c = sl_calloc(1, sizeof(*c));
    if (c == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    c->base = sl_strdup(r->base);
    c->routes = sl_calloc(r->n + extra ? r->n + extra : 1, sizeof(*c->routes));
    if (c->base == NULL || c->routes == NULL) {
        sl_http_router_free(c);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < r->n; i++) {
        if (route_copy(&c->routes[i], &r->routes[i]) != SL_OK) {
            sl_http_router_free(c);
            return sl_error_set(err, SL_ENOMEM, "out of memory");
        }
        c->n = i + 1;
    }
    *out = c;
    return SL_OK;
}

sl_err sl_http_router_clone(const struct sl_http_router *r, struct sl_http_router **out,
                            struct sl_error *err)
{
    return router_copy(r, 0, out, err);
}

sl_err sl_http_router_add(const struct sl_http_router *r, enum sl_http_method m,
                          struct sl_str route, struct sl_str handler,
                          struct sl_http_router **out, struct sl_error *err)
{
    struct sl_http_router *c;
    sl_err rc = router_copy(r, 1, &c, err);
    if (rc != SL_OK)
        return rc;
    struct sl_http_route *nr = &c->routes[c->n];
    struct sl_buf pat = SL_BUF_INIT, match = SL_BUF_INIT;
    nr->method = m;
    /* A route without a leading '/' never matches (as in slight): keep it unprefixed. */
    if (route.len > 0 && route.ptr[0] == '/')
        rc = sl_buf_appends(&pat, c->base);
    if (rc == SL_OK)
        rc = sl_buf_append(&pat, route.ptr, route.len);
    size_t mlen = pat.len;
    if (mlen > 0 && pat.data[mlen - 1] == '/')
        mlen--;
    if (rc == SL_OK)
        rc = sl_buf_append(&match, pat.data ? pat.data : "", mlen);
    if (rc == SL_OK)
        rc = sl_buf_append(&match, "/", 1);
    nr->export_name = sl_strndup(handler.ptr, handler.len);
    if (rc != SL_OK || nr->export_name == NULL) {
        sl_buf_release(&pat);
        sl_buf_release(&match);
        sl_free(nr->export_name);
        nr->export_name = NULL;
        sl_http_router_free(c);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    for (char *s = nr->export_name; *s; s++)
        if (*s == '_')
            *s = '-';
    nr->pattern = sl_buf_detach(&pat);
    nr->match = sl_buf_detach(&match);
    c->n++;
    *out = c;
    return SL_OK;
}

sl_err sl_http_path_decode(struct sl_str target, struct sl_buf *out)
{
    sl_buf_reset(out);
    size_t n = 0;
    while (n < target.len && target.ptr[n] != '?' && target.ptr[n] != '#')
        n++;
    sl_err rc = sl_buf_grow(out, n + 2);
    if (rc != SL_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        char c = target.ptr[i];
        int hi, lo;
        if (c == '%' && i + 2 < n && (hi = sl_hex_value(target.ptr[i + 1])) >= 0
            && (lo = sl_hex_value(target.ptr[i + 2])) >= 0) {
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        out->data[out->len++] = c;
    }
    if (out->len == 0 || out->data[out->len - 1] != '/')
        out->data[out->len++] = '/';
    out->data[out->len] = '\0';
    return SL_OK;
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct matcher {
    struct sl_http_param *params;
    size_t nparams;
    unsigned budget; /* steps left: bounds backtracking over many '*' */
};

/* Whether pattern p matches all of s, as routerify's anchored regex would. */
static bool match_at(struct matcher *mt, const char *p, size_t pn, const char *s, size_t sn)
{
    while (pn > 0) {
        if (mt->budget == 0)
            return false;
        mt->budget--;
        if (p[0] == '*') {
            for (size_t k = 0; k <= sn; k++)
                if (match_at(mt, p + 1, pn - 1, s + k, sn - k))
                    return true;
            return false;
        }
        if (p[0] == ':' && pn > 1 && is_name_char(p[1])) {
            size_t nl = 1;
            while (nl < pn && is_name_char(p[nl]))
                nl++;
            size_t maxv = 0;
            while (maxv < sn && s[maxv] != '/')
                maxv++;
            size_t saved = mt->nparams;
            for (size_t v = maxv; v >= 1; v--) {
                if (saved < SL_HTTP_MAX_PARAMS) {
                    mt->params[saved] = (struct sl_http_param){{p + 1, nl - 1}, {s, v}};
                    mt->nparams = saved + 1;
                }
                if (match_at(mt, p + nl, pn - nl, s + v, sn - v))
                    return true;
                mt->nparams = saved;
            }
            return false;
        }
        if (sn == 0 || p[0] != s[0])
            return false;
        p++, pn--, s++, sn--;
    }
    return sn == 0;
}

static bool route_matches(const struct sl_http_route *rt, struct sl_str path,
                          struct sl_http_param *params, size_t *nparams)
{
    if (rt->pattern[0] != '/')
        return false;
    struct matcher mt = {params, 0, 100000};
    if (!match_at(&mt, rt->match, strlen(rt->match), path.ptr, path.len))
        return false;
    *nparams = mt.nparams;
    return true;
}

const struct sl_http_route *sl_http_router_match(const struct sl_http_router *r, int m,
                                                 struct sl_str path,
                                                 struct sl_http_param *params, size_t *nparams,
                                                 unsigned *allow)
{
    struct sl_http_param scratch[SL_HTTP_MAX_PARAMS];
    size_t ns;
    *allow = 0;
    *nparams = 0;
    for (size_t i = 0; i < r->n; i++) {
        const struct sl_http_route *rt = &r->routes[i];
        if ((int)rt->method == m) {
            if (route_matches(rt, path, params, nparams))
                return rt;
        } else if (!(*allow & (1u << rt->method)) && route_matches(rt, path, scratch, &ns)) {
            *allow |= 1u << rt->method;
        }
    }
    *nparams = 0;
    return NULL;
}
