/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_int.h -- shared by the http capability's files only: routers and
 * route matching (route.c), servers (server.c) for the host functions
 * (http_host.c).
 */
#ifndef SL_CAPABILITIES_HTTP_HTTP_INT_H
#define SL_CAPABILITIES_HTTP_HTTP_INT_H

#include "sl_common.h"

#include "common/buf.h"
#include "common/err.h"
#include "http.h"

struct sl_instance;

/* The methods of wit/http-types.wit, in its order (the guest's enum values). */
enum sl_http_method {
    SL_HTTP_GET = 0,
    SL_HTTP_POST,
    SL_HTTP_PUT,
    SL_HTTP_DELETE,
    SL_HTTP_PATCH,
    SL_HTTP_HEAD,
    SL_HTTP_OPTIONS,
    SL_HTTP_NMETHODS,
};

/* "GET" for SL_HTTP_GET. */
const char *sl_http_method_name(enum sl_http_method m);
/* The method named (m, len) exactly (upper case), or -1. */
int sl_http_method_parse(const char *m, size_t len);

struct sl_http_route {
    enum sl_http_method method;
    char *pattern;     /* base + route as registered (for messages) */
    char *match;       /* pattern with one trailing '/' removed, then '/' added */
    char *export_name; /* the handler with every '_' made '-' */
};

/* Routes in registration order; immutable once made. */
struct sl_http_router {
    char *base; /* path prefix of new-with-base, "" for new */
    struct sl_http_route *routes;
    size_t n;
};

#define SL_HTTP_MAX_PARAMS 16

struct sl_http_param {
    struct sl_str name;  /* points into the route's pattern */
    struct sl_str value; /* points into the decoded path */
};

/*
 * A new empty router. base (may be empty) is a URI or a path: its path part
 * without a trailing '/' prefixes every route. *out owned by the caller.
 */
sl_err sl_http_router_new(struct sl_str base, struct sl_http_router **out, struct sl_error *err);
/* A copy of r with one more route. *out owned by the caller; r is unchanged. */
sl_err sl_http_router_add(const struct sl_http_router *r, enum sl_http_method m,
                          struct sl_str route, struct sl_str handler,
                          struct sl_http_router **out, struct sl_error *err);
/* A copy of r. */
sl_err sl_http_router_clone(const struct sl_http_router *r, struct sl_http_router **out,
                            struct sl_error *err);
void sl_http_router_free(struct sl_http_router *r);

/*
 * Percent-decodes the path of a request target (up to '?' or '#') into out
 * and appends '/' unless it ends with one: the form routes match against.
 */
sl_err sl_http_path_decode(struct sl_str target, struct sl_buf *out);

/*
 * The first route (registration order) with method m whose pattern matches
 * path (from sl_http_path_decode), its parameters in params (room for
 * SL_HTTP_MAX_PARAMS; pointing into the route and path); or NULL, with
 * *allow the bit set (1 << method) of the methods whose routes match path.
 */
const struct sl_http_route *sl_http_router_match(const struct sl_http_router *r, int m,
                                                 struct sl_str path,
                                                 struct sl_http_param *params, size_t *nparams,
                                                 unsigned *allow);

/* ---- servers (server.c) ---- */

struct sl_http_server;

/*
 * Starts serving router (copied) on address ("host:port", "[v6]:port"): the
 * socket is bound before this returns, the event loops run on their own
 * threads. Fails (a message for the guest) on a bad address, a bind failure,
 * or when inst is not the main instance. *out belongs to rt.
 */
sl_err sl_http_serve(struct sl_http_rt *rt, const struct sl_instance *inst, struct sl_str address,
                     const struct sl_http_router *router, struct sl_http_server **out,
                     struct sl_error *err);
/* Stops srv: no new connections, requests in progress finish. Idempotent. */
void sl_http_server_stop(struct sl_http_server *srv);

#endif /* SL_CAPABILITIES_HTTP_HTTP_INT_H */
