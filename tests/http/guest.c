/* SPDX-License-Identifier: Apache-2.0 */
/*
 * guest.c -- the HTTP test app (run_http.sh): routes with parameters and
 * wildcards, every method, headers and bodies echoed, a trap, an endless
 * loop, a global that must not survive a request, keyvalue in a request,
 * messaging in a request, error values, serve from a request, several
 * servers and a stopped one.
 * Built with clang for wasm32-wasi from witgen's guest bindings.
 */
#include "http_handler.h"
#include "http_server.h"
#include "http_server_export.h"
#include "keyvalue.h"
#include "messaging.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_str(http_handler_string_t *s, const char *text)
{
    http_handler_string_dup(s, text);
}

/* Ok(response) with status, a text/plain body and extra header pairs (NULL-terminated). */
static void reply(http_handler_expected_response_http_error_t *ret, uint16_t status,
                  const void *body, size_t len, const char *const *extra)
{
    size_t n = 1;
    while (extra && extra[2 * (n - 1)])
        n++;
    http_handler_tuple2_string_string_t *h = malloc(n * sizeof(*h));
    set_str(&h[0].f0, "content-type");
    set_str(&h[0].f1, "text/plain");
    for (size_t i = 1; i < n; i++) {
        set_str(&h[i].f0, extra[2 * (i - 1)]);
        set_str(&h[i].f1, extra[2 * (i - 1) + 1]);
    }
    ret->is_err = false;
    ret->val.ok.status = status;
    ret->val.ok.headers.is_some = true;
    ret->val.ok.headers.val.ptr = h;
    ret->val.ok.headers.val.len = n;
    ret->val.ok.body.is_some = true;
    ret->val.ok.body.val.ptr = malloc(len ? len : 1);
    memcpy(ret->val.ok.body.val.ptr, body, len);
    ret->val.ok.body.val.len = len;
}

static void reply_text(http_handler_expected_response_http_error_t *ret, const char *text)
{
    reply(ret, 200, text, strlen(text), NULL);
}

HTTP_HANDLER_EXPORT(handle_hello, "handle-hello")
void handle_hello(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    reply_text(ret, "hello");
}

/* "name=<param> uri=<uri>" for the parameter routes and the wildcard. */
HTTP_HANDLER_EXPORT(handle_params, "handle-params")
void handle_params(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    char out[512];
    size_t n = 0;
    for (size_t i = 0; i < req->params.len; i++)
        n += (size_t)snprintf(out + n, sizeof(out) - n, "%.*s=%.*s ",
                              (int)req->params.ptr[i].f0.len, req->params.ptr[i].f0.ptr,
                              (int)req->params.ptr[i].f1.len, req->params.ptr[i].f1.ptr);
    snprintf(out + n, sizeof(out) - n, "uri=%.*s", (int)req->uri.len, req->uri.ptr);
    reply_text(ret, out);
}

/* The method number and the body back; header names seen, x-custom echoed. */
HTTP_HANDLER_EXPORT(handle_echo, "handle-echo")
void handle_echo(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    char method[8], names[1024] = "", custom[256] = "";
    size_t n = 0;
    snprintf(method, sizeof(method), "%u", req->method);
    for (size_t i = 0; i < req->headers.len; i++) {
        http_handler_tuple2_string_string_t *h = &req->headers.ptr[i];
        n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%.*s", n ? "," : "",
                              (int)h->f0.len, h->f0.ptr);
        if (h->f0.len == 8 && memcmp(h->f0.ptr, "x-custom", 8) == 0)
            snprintf(custom, sizeof(custom), "%.*s", (int)h->f1.len, h->f1.ptr);
    }
    const char *extra[] = {"x-method", method, "x-names", names, "x-custom-echo", custom,
                           "X-Upper-Case", "yes", NULL};
    if (!req->body.is_some) {
        reply(ret, 500, "no body", 7, NULL);
        return;
    }
    reply(ret, 201, req->body.val.ptr, req->body.val.len, extra);
}

HTTP_HANDLER_EXPORT(handle_x_get, "handle-x-get")
void handle_x_get(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    reply_text(ret, "x get");
}

HTTP_HANDLER_EXPORT(handle_x_put, "handle-x-put")
void handle_x_put(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    reply_text(ret, "x put");
}

HTTP_HANDLER_EXPORT(handle_trap, "handle-trap")
void handle_trap(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    __builtin_trap();
}

HTTP_HANDLER_EXPORT(handle_loop, "handle-loop")
void handle_loop(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    volatile unsigned spin = 0;
    for (;;)
        spin++;
}

/* A global that a fresh instance always starts at 0. */
static int counter;

HTTP_HANDLER_EXPORT(handle_state, "handle-state")
void handle_state(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    char out[32];
    snprintf(out, sizeof(out), "%d", ++counter);
    reply_text(ret, out);
}

/* A counter in keyvalue: it does survive requests. */
HTTP_HANDLER_EXPORT(handle_kv, "handle-kv")
void handle_kv(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    keyvalue_string_t name, key;
    keyvalue_expected_keyvalue_keyvalue_error_t kv;
    keyvalue_expected_list_u8_keyvalue_error_t got;
    keyvalue_expected_unit_keyvalue_error_t set;
    keyvalue_string_set(&name, "store");
    keyvalue_keyvalue_open(&name, &kv);
    if (kv.is_err) {
        reply(ret, 500, "open failed", 11, NULL);
        return;
    }
    keyvalue_string_set(&key, "count");
    keyvalue_keyvalue_get(kv.val.ok, &key, &got);
    int n = 0;
    if (!got.is_err) {
        char buf[16];
        snprintf(buf, sizeof(buf), "%.*s", (int)got.val.ok.len, (char *)got.val.ok.ptr);
        n = atoi(buf);
    }
    char out[16];
    snprintf(out, sizeof(out), "%d", n + 1);
    keyvalue_list_u8_t val = {(uint8_t *)out, strlen(out)};
    keyvalue_keyvalue_set(kv.val.ok, &key, &val, &set);
    reply_text(ret, set.is_err ? "set failed" : out);
}

/* Subscribes, publishes the request body and receives it back, all in one request. */
HTTP_HANDLER_EXPORT(handle_msg, "handle-msg")
void handle_msg(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    messaging_string_t name, topic;
    messaging_expected_sub_messaging_error_t sub;
    messaging_expected_pub_messaging_error_t pub;
    messaging_expected_subscription_token_messaging_error_t tok;
    messaging_expected_unit_messaging_error_t sent;
    messaging_expected_list_u8_messaging_error_t got;
    messaging_string_set(&name, "bus");
    messaging_string_set(&topic, "news");
    messaging_sub_open(&name, &sub);
    messaging_pub_open(&name, &pub);
    if (sub.is_err || pub.is_err) {
        reply(ret, 500, "open failed", 11, NULL);
        return;
    }
    messaging_sub_subscribe(sub.val.ok, &topic, &tok);
    if (tok.is_err) {
        reply(ret, 500, "subscribe failed", 16, NULL);
        return;
    }
    messaging_list_u8_t msg = {req->body.val.ptr, req->body.val.len};
    messaging_pub_publish(pub.val.ok, &msg, &topic, &sent);
    messaging_sub_receive(sub.val.ok, &tok.val.ok, &got);
    if (sent.is_err || got.is_err) {
        reply(ret, 500, "publish or receive failed", 25, NULL);
        return;
    }
    reply(ret, 200, got.val.ok.ptr, got.val.ok.len, NULL);
}

HTTP_HANDLER_EXPORT(handle_teapot, "handle-teapot")
void handle_teapot(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    ret->is_err = true;
    ret->val.err.tag = HTTP_HANDLER_HTTP_ERROR_STATUS_ERROR;
    ret->val.err.val.status_error = 418;
}

HTTP_HANDLER_EXPORT(handle_boom, "handle-boom")
void handle_boom(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    ret->is_err = true;
    ret->val.err.tag = HTTP_HANDLER_HTTP_ERROR_UNEXPECTED_ERROR;
    set_str(&ret->val.err.val.unexpected_error, "boom");
}

/* serve from a request instance: must be an error value. */
HTTP_HANDLER_EXPORT(handle_serve, "handle-serve")
void handle_serve(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    http_server_expected_router_http_router_error_t r;
    http_server_expected_server_http_router_error_t s;
    http_server_string_t addr;
    http_server_router_new(&r);
    http_server_string_set(&addr, "127.0.0.1:0");
    http_server_server_serve(&addr, r.val.ok, &s);
    if (!s.is_err) {
        reply_text(ret, "serve worked");
        return;
    }
    char out[300];
    snprintf(out, sizeof(out), "serve failed: %.*s", (int)s.val.err.val.unexpected_error.len,
             s.val.err.val.unexpected_error.ptr);
    reply_text(ret, out);
}

static http_server_router_t route(http_server_router_t r,
                                  void (*add)(http_server_router_t, http_server_string_t *,
                                              http_server_string_t *,
                                              http_server_expected_router_http_router_error_t *),
                                  const char *path, const char *handler)
{
    http_server_expected_router_http_router_error_t ret;
    http_server_string_t p, h;
    http_server_string_set(&p, path);
    http_server_string_set(&h, handler);
    add(r, &p, &h, &ret);
    if (ret.is_err)
        abort();
    return ret.val.ok;
}

static void fail(http_server_export_expected_unit_string_t *ret, const char *msg)
{
    ret->is_err = true;
    http_server_export_string_dup(&ret->val.err, msg);
}

static bool serve(const char *host_port, http_server_router_t r, http_server_server_t *out,
                  char *why, size_t size)
{
    http_server_expected_server_http_router_error_t s;
    http_server_string_t addr;
    http_server_string_set(&addr, host_port);
    http_server_server_serve(&addr, r, &s);
    if (s.is_err) {
        snprintf(why, size, "%.*s", (int)s.val.err.val.unexpected_error.len,
                 s.val.err.val.unexpected_error.ptr);
        return false;
    }
    *out = s.val.ok;
    return true;
}


void http_server_export_on_server_init(http_server_export_expected_unit_string_t *ret)
{
    const char *port = getenv("PORT");
    char addr[64], why[256];
    ret->is_err = false;
    if (getenv("FAIL_INIT") != NULL) {
        fail(ret, "init failed on purpose");
        return;
    }
    if (port == NULL) {
        fail(ret, "PORT is not set");
        return;
    }
    http_server_expected_router_http_router_error_t nr;
    http_server_router_new(&nr);
    http_server_router_t r = nr.val.ok;
    r = route(r, http_server_router_get, "/hello", "handle_hello");
    r = route(r, http_server_router_get, "/person/:name", "handle_params");
    r = route(r, http_server_router_get, "/a/:x/b/:y", "handle_params");
    r = route(r, http_server_router_get, "/files/*", "handle_params");
    r = route(r, http_server_router_get, "/echo", "handle_echo");
    r = route(r, http_server_router_post, "/echo", "handle_echo");
    r = route(r, http_server_router_put, "/echo", "handle_echo");
    r = route(r, http_server_router_delete, "/echo", "handle_echo");
    r = route(r, http_server_router_get, "/x", "handle_x_get");
    r = route(r, http_server_router_put, "/x", "handle-x-put");
    r = route(r, http_server_router_get, "/trap", "handle_trap");
    r = route(r, http_server_router_get, "/loop", "handle_loop");
    r = route(r, http_server_router_get, "/state", "handle_state");
    r = route(r, http_server_router_get, "/kv", "handle_kv");
    r = route(r, http_server_router_post, "/msg", "handle_msg");
    r = route(r, http_server_router_get, "/teapot", "handle_teapot");
    r = route(r, http_server_router_get, "/boom", "handle_boom");
    r = route(r, http_server_router_get, "/serve", "handle_serve");
    r = route(r, http_server_router_get, "/missing", "handle_missing");
    r = route(r, http_server_router_get, "no-slash", "handle_hello");
    http_server_server_t srv;
    snprintf(addr, sizeof(addr), "127.0.0.1:%s", port);
    if (!serve(addr, r, &srv, why, sizeof(why))) {
        fail(ret, why);
        return;
    }
    /* The same address again: a bind failure is an error value. */
    http_server_server_t dup;
    if (serve(addr, r, &dup, why, sizeof(why))) {
        fail(ret, "a second bind of the same address worked");
        return;
    }
    fprintf(stderr, "second bind: %s\n", why);
    const char *port2 = getenv("PORT2");
    if (port2 != NULL) {
        http_server_uri_t base;
        http_server_string_set(&base, "/api/");
        http_server_router_new_with_base(&base, &nr);
        http_server_router_t r2 = route(nr.val.ok, http_server_router_get, "/ping", "handle_hello");
        snprintf(addr, sizeof(addr), "127.0.0.1:%s", port2);
        if (!serve(addr, r2, &srv, why, sizeof(why))) {
            fail(ret, why);
            return;
        }
    }
    const char *port3 = getenv("PORT3");
    if (port3 != NULL) {
        http_server_expected_unit_http_router_error_t st;
        snprintf(addr, sizeof(addr), "127.0.0.1:%s", port3);
        if (!serve(addr, r, &srv, why, sizeof(why))) {
            fail(ret, why);
            return;
        }
        http_server_server_stop(srv, &st);
        if (st.is_err) {
            fail(ret, "stop failed");
            return;
        }
    }
}
