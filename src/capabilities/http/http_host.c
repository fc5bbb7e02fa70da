/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_host.c -- the typed functions the generated http-server glue calls
 * (http_server_host.h, from wit/http-server.wit): routers are immutable
 * values (each route added makes a new one, as in slight); serve hands a
 * copy to a new server of the run's HTTP runtime. Failures are
 * http-router-error values, never traps.
 */
#include "sl_common.h"

#include "http_int.h"
#include "http_server_host.h"

#include "capabilities/caps.h"

/* The unexpected-error case with err's message, in call memory. */
static void to_error(struct sl_abi_call *call, const struct sl_error *err,
                     struct sl_http_server_http_router_error *out)
{
    out->tag = SL_HTTP_SERVER_HTTP_ROUTER_ERROR_UNEXPECTED_ERROR;
    out->val.unexpected_error = sl_abi_strdup(call, err->msg, strlen(err->msg));
}

void sl_http_server_router_drop(void *obj)
{
    sl_http_router_free(obj);
}

/* Servers belong to the runtime: a dropped handle leaves its server running. */
void sl_http_server_server_drop(void *obj)
{
}

void sl_http_server_router_new(struct sl_abi_call *call,
                               struct sl_http_server_expected_router_http_router_error *ret)
{
    sl_http_server_router_new_with_base(call, SL_STR_LIT(""), ret);
}

void sl_http_server_router_new_with_base(struct sl_abi_call *call, struct sl_str base,
                                         struct sl_http_server_expected_router_http_router_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    struct sl_http_router *r;
    if (sl_http_router_new(base, &r, &err) != SL_OK) {
        ret->is_err = true;
        to_error(call, &err, &ret->val.err);
        return;
    }
    ret->is_err = false;
    ret->val.ok = r;
}

static void add_route(struct sl_abi_call *call, void *self, enum sl_http_method m,
                      struct sl_str route, struct sl_str handler,
                      struct sl_http_server_expected_router_http_router_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    struct sl_http_router *r;
    if (sl_http_router_add(self, m, route, handler, &r, &err) != SL_OK) {
        ret->is_err = true;
        to_error(call, &err, &ret->val.err);
        return;
    }
    ret->is_err = false;
    ret->val.ok = r;
}

void sl_http_server_router_get(struct sl_abi_call *call, void *self, struct sl_str route,
                               struct sl_str handler,
                               struct sl_http_server_expected_router_http_router_error *ret)
{
    add_route(call, self, SL_HTTP_GET, route, handler, ret);
}

void sl_http_server_router_put(struct sl_abi_call *call, void *self, struct sl_str route,
                               struct sl_str handler,
                               struct sl_http_server_expected_router_http_router_error *ret)
{
    add_route(call, self, SL_HTTP_PUT, route, handler, ret);
}

void sl_http_server_router_post(struct sl_abi_call *call, void *self, struct sl_str route,
                                struct sl_str handler,
                                struct sl_http_server_expected_router_http_router_error *ret)
{
    add_route(call, self, SL_HTTP_POST, route, handler, ret);
}

void sl_http_server_router_delete(struct sl_abi_call *call, void *self, struct sl_str route,
                                  struct sl_str handler,
                                  struct sl_http_server_expected_router_http_router_error *ret)
{
    add_route(call, self, SL_HTTP_DELETE, route, handler, ret);
}

void sl_http_server_server_serve(struct sl_abi_call *call, struct sl_str address, void *router,
                                 struct sl_http_server_expected_server_http_router_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    const struct sl_caps *caps = call->ctx;
    struct sl_http_server *srv;
    if (sl_http_serve(caps ? caps->http : NULL, call->inst, address, router, &srv, &err)
        != SL_OK) {
        ret->is_err = true;
        to_error(call, &err, &ret->val.err);
        return;
    }
    ret->is_err = false;
    ret->val.ok = srv;
}

void sl_http_server_server_stop(struct sl_abi_call *call, void *self,
                                struct sl_http_server_expected_unit_http_router_error *ret)
{
    sl_http_server_stop(self);
    ret->is_err = false;
}
