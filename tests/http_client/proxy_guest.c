/* SPDX-License-Identifier: Apache-2.0 */
/*
 * proxy_guest.c -- http-client inside HTTP handlers (run_http_client.sh):
 * an HTTP server whose handlers call the upstream server given in the
 * UPSTREAM variable, so requests run on guest worker threads, each with
 * its own kept connections, and under the request deadline.
 *   GET /fetch/REST -> GET UPSTREAM/REST, answered with its status and body
 *   GET /error      -> an http-client error as the body ("<case>: message")
 * Built with clang for wasm32-wasi from witgen's guest bindings.
 */
#include "http_client.h"
#include "http_handler.h"
#include "http_server.h"
#include "http_server_export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply(http_handler_expected_response_http_error_t *ret, uint16_t status,
                  const void *body, size_t len)
{
    ret->is_err = false;
    ret->val.ok.status = status;
    ret->val.ok.headers.is_some = false;
    ret->val.ok.body.is_some = true;
    ret->val.ok.body.val.ptr = malloc(len ? len : 1);
    memcpy(ret->val.ok.body.val.ptr, body, len);
    ret->val.ok.body.val.len = len;
}

/* GET url through http-client, answered as the upstream answered. */
static void fetch(const char *url, http_handler_expected_response_http_error_t *ret)
{
    static const char *const cases[] = {"invalid-url", "timeout-error", "protocol-error",
                                        "status-error", "unexpected-error"};
    http_client_request_t req;
    memset(&req, 0, sizeof(req));
    req.method = HTTP_CLIENT_METHOD_GET;
    http_client_string_set(&req.uri, url);
    http_client_expected_response_http_error_t r;
    http_client_request(&req, &r);
    if (r.is_err) {
        char msg[600];
        int n = snprintf(msg, sizeof(msg), "%s: %.*s", cases[r.val.err.tag],
                         (int)r.val.err.val.invalid_url.len, r.val.err.val.invalid_url.ptr);
        reply(ret, 200, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
    } else {
        reply(ret, r.val.ok.status, r.val.ok.body.val.ptr, r.val.ok.body.val.len);
    }
    http_client_expected_response_http_error_free(&r);
}

HTTP_HANDLER_EXPORT(handle_fetch, "handle-fetch")
void handle_fetch(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    char url[512];
    const char *up = getenv("UPSTREAM");
    size_t skip = strlen("/fetch/");
    int rest = req->uri.len > skip ? (int)(req->uri.len - skip) : 0;
    snprintf(url, sizeof(url), "%s/%.*s", up ? up : "", rest, req->uri.ptr + skip);
    fetch(url, ret);
}

HTTP_HANDLER_EXPORT(handle_error, "handle-error")
void handle_error(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    fetch("http://", ret);
}

static http_server_router_t route(http_server_router_t r, const char *path, const char *handler)
{
    http_server_expected_router_http_router_error_t ret;
    http_server_string_t p, h;
    http_server_string_set(&p, path);
    http_server_string_set(&h, handler);
    http_server_router_get(r, &p, &h, &ret);
    if (ret.is_err)
        abort();
    return ret.val.ok;
}

void http_server_export_on_server_init(http_server_export_expected_unit_string_t *ret)
{
    char addr[64];
    const char *port = getenv("PORT");
    http_server_expected_router_http_router_error_t nr;
    http_server_router_new(&nr);
    http_server_router_t r = route(nr.val.ok, "/fetch/*", "handle_fetch");
    r = route(r, "/error", "handle_error");
    snprintf(addr, sizeof(addr), "127.0.0.1:%s", port ? port : "0");
    http_server_string_t a;
    http_server_string_set(&a, addr);
    http_server_expected_server_http_router_error_t s;
    http_server_server_serve(&a, r, &s);
    ret->is_err = s.is_err;
    if (s.is_err)
        http_server_export_string_dup(&ret->val.err, "serve failed");
}
