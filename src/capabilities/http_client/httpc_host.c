/* SPDX-License-Identifier: Apache-2.0 */
/*
 * httpc_host.c -- the typed function the generated http-client glue calls
 * (http_client_host.h, made by witgen from wit/http-client.wit): request
 * goes through the front end; every status is Ok with headers and body
 * always Some; failures become the http-error case of their category
 * (status-error is never produced, as in slight).
 */
#include "sl_common.h"

#include "http_client_host.h"
#include "httpc.h"

#include "engine/instance.h"

#include <string.h>

static const char *const method_names[] = {"GET",  "POST", "PUT",    "DELETE",
                                           "PATCH", "HEAD", "OPTIONS"};

/* The http-error case for an error code, its message in call memory. */
static void to_error(struct sl_abi_call *call, sl_err rc, const struct sl_error *err,
                     struct sl_http_client_http_error *out)
{
    struct sl_str msg = sl_abi_strdup(call, err->msg, strlen(err->msg));
    switch (rc) {
    case SL_EINVAL:
        out->tag = SL_HTTP_CLIENT_HTTP_ERROR_INVALID_URL;
        out->val.invalid_url = msg;
        break;
    case SL_ETIMEOUT:
        out->tag = SL_HTTP_CLIENT_HTTP_ERROR_TIMEOUT_ERROR;
        out->val.timeout_error = msg;
        break;
    case SL_EIO:
        out->tag = SL_HTTP_CLIENT_HTTP_ERROR_PROTOCOL_ERROR;
        out->val.protocol_error = msg;
        break;
    default: /* no connection, a bad header, config, not built in */
        out->tag = SL_HTTP_CLIENT_HTTP_ERROR_UNEXPECTED_ERROR;
        out->val.unexpected_error = msg;
        break;
    }
}

/* Fields of the guest's (name, value) list in call memory. */
static struct sl_httpc_field *fields_of(struct sl_abi_call *call,
                                        const struct sl_http_client_tuple2_string_string *t,
                                        size_t n)
{
    struct sl_httpc_field *f = sl_abi_alloc(call, n ? n : 1, sizeof(*f));
    for (size_t i = 0; i < n; i++)
        f[i] = (struct sl_httpc_field){t[i].f0, t[i].f1};
    return f;
}

/* Whether the instance's deadline passed while the call waits. */
static bool deadline_passed(void *arg)
{
    const struct sl_instance *inst = arg;
    return inst != NULL && inst->hdr.interrupted;
}

void sl_http_client_request(struct sl_abi_call *call, const struct sl_http_client_request *req,
                            struct sl_http_client_expected_response_http_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    struct sl_httpc_request r = {
        .method = method_names[req->method < SL_ARRAY_SIZE(method_names) ? req->method : 0],
        .uri = req->uri,
        .headers = fields_of(call, req->headers.ptr, req->headers.len),
        .nheaders = req->headers.len,
        .params = fields_of(call, req->params.ptr, req->params.len),
        .nparams = req->params.len,
        .has_body = req->body.is_some,
        .body = req->body.val,
    };
    struct sl_httpc_reply reply = SL_HTTPC_REPLY_INIT;
    sl_err rc = sl_httpc_request(call->ctx, &r, deadline_passed, call->inst, &reply, &err);
    if (rc != SL_OK) {
        ret->is_err = true;
        to_error(call, rc, &err, &ret->val.err);
        return;
    }
    /* the reply's memory is freed when the call ends, after the glue lowered it */
    sl_buf_release(&reply.location);
    sl_abi_adopt(call, reply.body.data);
    sl_abi_adopt(call, reply.headers.v);
    for (size_t i = 0; i < reply.headers.n; i++)
        sl_abi_adopt(call, (char *)reply.headers.v[i].ptr);
    size_t n = reply.headers.n / 2;
    struct sl_http_client_tuple2_string_string *hs = sl_abi_alloc(call, n ? n : 1, sizeof(*hs));
    for (size_t i = 0; i < n; i++)
        hs[i] = (struct sl_http_client_tuple2_string_string){reply.headers.v[2 * i],
                                                             reply.headers.v[2 * i + 1]};
    ret->val.ok.status = reply.status;
    ret->val.ok.headers.is_some = true;
    ret->val.ok.headers.val = (struct sl_http_client_headers){hs, n};
    ret->val.ok.body.is_some = true;
    ret->val.ok.body.val = (struct sl_str){reply.body.data ? reply.body.data : "", reply.body.len};
}
