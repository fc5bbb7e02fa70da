/* The HTTP demo: a small REST API. GET /hello answers a greeting,
 * GET /notes/:id reads a note from keyvalue and PUT /notes/:id stores the
 * request body there. Each request runs in a fresh instance; the notes
 * outlive requests because they live in keyvalue, not in guest memory.
 * Built against the C bindings of wit/http-server.wit, wit/keyvalue.wit and
 * the exports of wit/http-handler.wit and wit/http-server-export.wit. */
#include <http_handler.h>
#include <http_server.h>
#include <http_server_export.h>
#include <keyvalue.h>

#include <stdlib.h>
#include <string.h>

/* Ok(response): status and a text/plain body (copied). */
static void answer(http_handler_expected_response_http_error_t *ret, uint16_t status,
                   const void *body, size_t len)
{
    http_handler_tuple2_string_string_t *h = malloc(sizeof(*h));
    http_handler_string_dup(&h->f0, "content-type");
    http_handler_string_dup(&h->f1, "text/plain");
    ret->is_err = false;
    ret->val.ok.status = status;
    ret->val.ok.headers.is_some = true;
    ret->val.ok.headers.val.ptr = h;
    ret->val.ok.headers.val.len = 1;
    ret->val.ok.body.is_some = true;
    ret->val.ok.body.val.ptr = malloc(len ? len : 1);
    memcpy(ret->val.ok.body.val.ptr, body, len);
    ret->val.ok.body.val.len = len;
}

/* The :id parameter as a keyvalue key. */
static keyvalue_string_t note_key(http_handler_request_t *req)
{
    keyvalue_string_t key = {"", 0};
    for (size_t i = 0; i < req->params.len; i++)
        if (req->params.ptr[i].f0.len == 2 && memcmp(req->params.ptr[i].f0.ptr, "id", 2) == 0) {
            key.ptr = req->params.ptr[i].f1.ptr;
            key.len = req->params.ptr[i].f1.len;
        }
    return key;
}

static bool open_notes(keyvalue_keyvalue_t *kv)
{
    keyvalue_string_t name;
    keyvalue_expected_keyvalue_keyvalue_error_t r;
    keyvalue_string_set(&name, "notes");
    keyvalue_keyvalue_open(&name, &r);
    if (r.is_err) {
        keyvalue_keyvalue_error_free(&r.val.err);
        return false;
    }
    *kv = r.val.ok;
    return true;
}

HTTP_HANDLER_EXPORT(handle_hello, "handle-hello")
void handle_hello(http_handler_request_t *req, http_handler_expected_response_http_error_t *ret)
{
    answer(ret, 200, "hello from slight\n", 18);
    http_handler_request_free(req);
}

HTTP_HANDLER_EXPORT(handle_get_note, "handle-get-note")
void handle_get_note(http_handler_request_t *req,
                     http_handler_expected_response_http_error_t *ret)
{
    keyvalue_keyvalue_t kv;
    keyvalue_string_t key = note_key(req);
    keyvalue_expected_list_u8_keyvalue_error_t got;
    if (!open_notes(&kv)) {
        answer(ret, 500, "no store\n", 9);
    } else {
        keyvalue_keyvalue_get(kv, &key, &got);
        if (got.is_err) {
            /* a missing note is the client's 404 */
            ret->is_err = true;
            ret->val.err.tag = HTTP_HANDLER_HTTP_ERROR_STATUS_ERROR;
            ret->val.err.val.status_error = 404;
            keyvalue_keyvalue_error_free(&got.val.err);
        } else {
            answer(ret, 200, got.val.ok.ptr, got.val.ok.len);
            keyvalue_list_u8_free(&got.val.ok);
        }
        keyvalue_keyvalue_free(&kv);
    }
    http_handler_request_free(req);
}

HTTP_HANDLER_EXPORT(handle_put_note, "handle-put-note")
void handle_put_note(http_handler_request_t *req,
                     http_handler_expected_response_http_error_t *ret)
{
    keyvalue_keyvalue_t kv;
    keyvalue_string_t key = note_key(req);
    keyvalue_list_u8_t value = {req->body.val.ptr, req->body.val.len};
    keyvalue_expected_unit_keyvalue_error_t set;
    if (!open_notes(&kv)) {
        answer(ret, 500, "no store\n", 9);
    } else {
        keyvalue_keyvalue_set(kv, &key, &value, &set);
        if (set.is_err) {
            answer(ret, 500, "not stored\n", 11);
            keyvalue_keyvalue_error_free(&set.val.err);
        } else {
            answer(ret, 204, "", 0);
        }
        keyvalue_keyvalue_free(&kv);
    }
    http_handler_request_free(req);
}

/* A route string and handler name in, the new router out (the old one stays valid). */
static http_server_router_t add(http_server_router_t r,
                                void (*method)(http_server_router_t, http_server_string_t *,
                                               http_server_string_t *,
                                               http_server_expected_router_http_router_error_t *),
                                const char *route, const char *handler)
{
    http_server_string_t rs, hs;
    http_server_expected_router_http_router_error_t ret;
    http_server_string_set(&rs, route);
    http_server_string_set(&hs, handler);
    method(r, &rs, &hs, &ret);
    return ret.is_err ? r : ret.val.ok;
}

void http_server_export_on_server_init(http_server_export_expected_unit_string_t *ret)
{
    http_server_expected_router_http_router_error_t nr;
    http_server_expected_server_http_router_error_t srv;
    http_server_string_t addr;
    http_server_router_new(&nr);
    if (nr.is_err) {
        ret->is_err = true;
        http_server_export_string_dup(&ret->val.err, "cannot make a router");
        return;
    }
    http_server_router_t r = nr.val.ok;
    r = add(r, http_server_router_get, "/hello", "handle_hello");
    r = add(r, http_server_router_get, "/notes/:id", "handle_get_note");
    r = add(r, http_server_router_put, "/notes/:id", "handle_put_note");
    const char *address = getenv("ADDRESS");
    http_server_string_set(&addr, address ? address : "127.0.0.1:3000");
    http_server_server_serve(&addr, r, &srv);
    if (srv.is_err) {
        ret->is_err = true;
        http_server_export_string_dup(&ret->val.err, "cannot serve");
        return;
    }
    ret->is_err = false;
}
