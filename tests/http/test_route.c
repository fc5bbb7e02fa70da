/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_route.c -- routers and route matching (route.c) without a server:
 * parameters, wildcards, the optional trailing '/', percent-decoding, the
 * base of new-with-base, exact (method, pattern) dispatch and the Allow set.
 */
#include "sl_common.h"

#include "capabilities/http/http_int.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static struct sl_http_router *router(const char *base)
{
    struct sl_http_router *r;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_http_router_new((struct sl_str){base, strlen(base)}, &r, &err), SL_OK);
    return r;
}

/* Adds a route; the old router is freed (the host keeps both, tests need not). */
static struct sl_http_router *add(struct sl_http_router *r, enum sl_http_method m,
                                  const char *route, const char *handler)
{
    struct sl_http_router *n;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_http_router_add(r, m, (struct sl_str){route, strlen(route)},
                                    (struct sl_str){handler, strlen(handler)}, &n, &err),
                 SL_OK);
    cr_assert_eq(n->n, r->n + 1, "add returns a new router with one more route");
    sl_http_router_free(r);
    return n;
}

/* The export a request reaches ("" for none), params as "k=v;", the Allow bits. */
static const char *route_of(const struct sl_http_router *r, int m, const char *target,
                            char *params, unsigned *allow)
{
    struct sl_buf path = SL_BUF_INIT;
    struct sl_http_param p[SL_HTTP_MAX_PARAMS];
    size_t np;
    unsigned a;
    cr_assert_eq(sl_http_path_decode((struct sl_str){target, strlen(target)}, &path), SL_OK);
    const struct sl_http_route *rt =
        sl_http_router_match(r, m, (struct sl_str){path.data, path.len}, p, &np, &a);
    size_t n = 0;
    if (params != NULL) {
        params[0] = '\0';
        for (size_t i = 0; i < np; i++)
            n += (size_t)snprintf(params + n, 256 - n, "%.*s=%.*s;", (int)p[i].name.len,
                                  p[i].name.ptr, (int)p[i].value.len, p[i].value.ptr);
    }
    if (allow != NULL)
        *allow = a;
    sl_buf_release(&path);
    return rt ? rt->export_name : "";
}

Test(http_route, params_wildcards_and_slashes)
{
    struct sl_http_router *r = router("");
    r = add(r, SL_HTTP_GET, "/hello/", "handle_hello");
    r = add(r, SL_HTTP_GET, "/person/:name", "person");
    r = add(r, SL_HTTP_GET, "/a/:x/b/:y", "ab");
    r = add(r, SL_HTTP_GET, "/files/*", "files");
    r = add(r, SL_HTTP_GET, "nope", "nope");
    char params[256];
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/hello", NULL, NULL), "handle-hello");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/hello/", NULL, NULL), "handle-hello");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/hello?x=1", NULL, NULL), "handle-hello");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/hello//", NULL, NULL), "");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/hello/x", NULL, NULL), "");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/person/bob%20x?q=1", params, NULL), "person");
    cr_expect_str_eq(params, "name=bob x;");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/person", NULL, NULL), "");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/person/a/b", NULL, NULL), "");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/a/1/b/22", params, NULL), "ab");
    cr_expect_str_eq(params, "x=1;y=22;");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/files/a/b/c.txt", NULL, NULL), "files");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/files", NULL, NULL), "");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "nope", NULL, NULL), "");
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/nope", NULL, NULL), "");
    sl_http_router_free(r);
}

Test(http_route, exact_method_dispatch_and_allow)
{
    struct sl_http_router *r = router("");
    r = add(r, SL_HTTP_GET, "/x", "x_get");
    r = add(r, SL_HTTP_PUT, "/x", "x_put");
    r = add(r, SL_HTTP_DELETE, "/x/", "x_delete");
    r = add(r, SL_HTTP_GET, "/*", "catch_all");
    unsigned allow;
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/x", NULL, NULL), "x-get");
    cr_expect_str_eq(route_of(r, SL_HTTP_PUT, "/x", NULL, NULL), "x-put");
    cr_expect_str_eq(route_of(r, SL_HTTP_DELETE, "/x", NULL, NULL), "x-delete");
    cr_expect_str_eq(route_of(r, SL_HTTP_POST, "/x", NULL, &allow), "");
    cr_expect_eq(allow, (1u << SL_HTTP_GET) | (1u << SL_HTTP_PUT) | (1u << SL_HTTP_DELETE));
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/y", NULL, NULL), "catch-all");
    cr_expect_str_eq(route_of(r, SL_HTTP_HEAD, "/y", NULL, &allow), "");
    cr_expect_eq(allow, 1u << SL_HTTP_GET);
    cr_expect_str_eq(route_of(r, -1, "/y", NULL, &allow), "");
    sl_http_router_free(r);
}

Test(http_route, base)
{
    const char *bases[] = {"/api", "/api/", "http://example.com/api/?q"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(bases); i++) {
        struct sl_http_router *r = router(bases[i]);
        r = add(r, SL_HTTP_GET, "/ping", "ping");
        cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/api/ping", NULL, NULL), "ping", "%s",
                         bases[i]);
        cr_expect_str_eq(route_of(r, SL_HTTP_GET, "/ping", NULL, NULL), "", "%s", bases[i]);
        sl_http_router_free(r);
    }
}

Test(http_route, many_wildcards_stay_bounded)
{
    struct sl_http_router *r = router("");
    r = add(r, SL_HTTP_GET, "/*a*a*a*a*a*a*a*a*b", "stars");
    char target[4096];
    memset(target, 'a', sizeof(target) - 1);
    target[0] = '/';
    target[sizeof(target) - 1] = '\0';
    cr_expect_str_eq(route_of(r, SL_HTTP_GET, target, NULL, NULL), "");
    sl_http_router_free(r);
}
