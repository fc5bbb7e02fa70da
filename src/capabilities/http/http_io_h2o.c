/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_io_h2o.c -- the slight-http module: HTTP/1.1 on h2o's evloop
 * (libh2o-evloop), one loop per calling thread, implementing http_io.h.
 * It parses requests, buffers bodies up to the limit and writes answers,
 * given at once or later from other threads (through h2o's inter-thread
 * queue); routing and guests are the capability's business.
 * No TLS, no HTTP/2 (h2o's cleartext HTTP/1.1 only).
 */
#include "sl_common.h"

#include "http_io.h"
#include "sl_config.h"

#include "common/mem.h"

#define H2O_USE_EPOLL 1
#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

/* The two symbols the capability looks up; everything else is hidden. */
#define SL_MODULE_EXPORT __attribute__((visibility("default")))

struct sl_http_io_loop {
    h2o_globalconf_t config;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    h2o_evloop_t *evloop;
    h2o_socket_t *listener; /* NULL once shut down */
    h2o_multithread_queue_t *queue;      /* answers from other threads (our own queue:
                                          * h2o 2.2 never frees the context's) */
    h2o_multithread_receiver_t receiver;
    pthread_t thread;
    sl_http_io_handler_fn on_req;
    void *opaque;
    size_t npending;
    bool ctx_ready;
};

struct loop_handler {
    h2o_handler_t super;
    struct sl_http_io_loop *loop;
};

/* Lives in the request's pool: tells the pending answer when the request goes. */
struct pending_ref {
    struct sl_http_io_pending *p;
};

struct sl_http_io_pending {
    h2o_multithread_message_t msg; /* first: the queue hands back its link */
    struct sl_http_io_loop *loop;
    h2o_req_t *req;          /* NULL once the client has gone */
    struct pending_ref *ref; /* in req's pool while req lives */
    /* The answer, copied by a respond from another thread. */
    uint16_t status;
    struct sl_http_io_header *headers;
    size_t nheaders;
    struct sl_str body;
    char *block;
};

static const char *reason_of(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

static void on_ref_dispose(void *obj)
{
    struct pending_ref *ref = obj;
    if (ref->p != NULL) {
        ref->p->req = NULL;
        ref->p->ref = NULL;
    }
}

/* Writes resp for p's request (if it is still there); on the loop's thread. */
static void send_answer(struct sl_http_io_pending *p, const struct sl_http_io_response *resp)
{
    h2o_req_t *req = p->req;
    if (req == NULL)
        return;
    p->ref->p = NULL;
    req->res.status = resp->status;
    req->res.reason = reason_of(resp->status);
    for (size_t i = 0; i < resp->nheaders; i++) {
        const struct sl_http_io_header *h = &resp->headers[i];
        h2o_iovec_t name = h2o_strdup(&req->pool, h->name.ptr, h->name.len);
        h2o_iovec_t value = h2o_strdup(&req->pool, h->value.ptr, h->value.len);
        h2o_add_header_by_str(&req->pool, &req->res.headers, name.base, name.len, 1, NULL,
                              value.base, value.len);
    }
    req->res.content_length = resp->body.len;
    h2o_send_inline(req, resp->body.len ? resp->body.ptr : "", resp->body.len);
}

static void pending_free(struct sl_http_io_pending *p)
{
    p->loop->npending--;
    sl_free(p->block);
    sl_free(p);
}

static void on_answers(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    while (!h2o_linklist_is_empty(messages)) {
        h2o_linklist_t *node = messages->next;
        h2o_linklist_unlink(node);
        struct sl_http_io_pending *p = H2O_STRUCT_FROM_MEMBER(struct sl_http_io_pending, msg.link, node);
        struct sl_http_io_response resp = {p->status, p->headers, p->nheaders, p->body};
        send_answer(p, &resp);
        pending_free(p);
    }
}

/* An answer the capability could not copy: a bare 500. */
static const struct sl_http_io_response oom_answer = {500, NULL, 0, {"", 0}};

static void io_respond(struct sl_http_io_pending *p, const struct sl_http_io_response *resp)
{
    if (pthread_equal(pthread_self(), p->loop->thread)) {
        send_answer(p, resp);
        pending_free(p);
        return;
    }
    size_t size = resp->nheaders * sizeof(*p->headers) + resp->body.len + 1;
    for (size_t i = 0; i < resp->nheaders; i++)
        size += resp->headers[i].name.len + resp->headers[i].value.len;
    p->block = sl_malloc(size);
    if (p->block == NULL)
        resp = &oom_answer;
    char *d = p->block ? p->block + resp->nheaders * sizeof(*p->headers) : NULL;
    p->headers = (struct sl_http_io_header *)p->block;
    p->nheaders = resp->nheaders;
    p->status = resp->status;
    for (size_t i = 0; i < resp->nheaders; i++) {
        const struct sl_http_io_header *h = &resp->headers[i];
        memcpy(d, h->name.ptr, h->name.len);
        p->headers[i].name = (struct sl_str){d, h->name.len};
        d += h->name.len;
        memcpy(d, h->value.ptr, h->value.len);
        p->headers[i].value = (struct sl_str){d, h->value.len};
        d += h->value.len;
    }
    if (resp->body.len > 0)
        memcpy(d, resp->body.ptr, resp->body.len);
    p->body = (struct sl_str){d ? d : "", resp->body.len};
    h2o_multithread_send_message(&p->loop->receiver, &p->msg);
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    struct sl_http_io_loop *l = ((struct loop_handler *)self)->loop;
    size_t n = req->headers.size;
    bool has_host = false;
    for (size_t i = 0; i < n; i++)
        if (req->headers.entries[i].name->len == 4
            && memcmp(req->headers.entries[i].name->base, "host", 4) == 0)
            has_host = true;
    /* HTTP/1 keeps Host out of the header list; guests saw it first, as hyper gave it. */
    bool add_host = !has_host && req->input.authority.len > 0;
    struct sl_http_io_header *hdrs =
        h2o_mem_alloc_pool(&req->pool, sizeof(*hdrs) * (n + (add_host ? 1 : 0) + 1));
    size_t k = 0;
    if (add_host)
        hdrs[k++] = (struct sl_http_io_header){SL_STR_LIT("host"),
                                               {req->input.authority.base,
                                                req->input.authority.len}};
    for (size_t i = 0; i < n; i++) {
        const h2o_header_t *h = &req->headers.entries[i];
        hdrs[k++] = (struct sl_http_io_header){{h->name->base, h->name->len},
                                               {h->value.base, h->value.len}};
    }
    struct sl_http_io_request r = {
        .method = {req->method.base, req->method.len},
        .target = {req->input.path.base, req->input.path.len},
        .headers = hdrs,
        .nheaders = k,
        .body = {req->entity.base ? req->entity.base : "", req->entity.base ? req->entity.len : 0},
    };
    struct sl_http_io_pending *p = sl_calloc(1, sizeof(*p));
    if (p == NULL)
        return -1; /* h2o answers 404 */
    p->loop = l;
    p->req = req;
    p->ref = h2o_mem_alloc_shared(&req->pool, sizeof(*p->ref), on_ref_dispose);
    p->ref->p = p;
    l->npending++;
    l->on_req(l->opaque, &r, p);
    return 0;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    struct sl_http_io_loop *l = listener->data;
    if (err != NULL)
        return;
    /* Accept everything pending: several loops share the socket. */
    for (int i = 0; i < 16; i++) {
        h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
        if (sock == NULL)
            return;
        h2o_accept(&l->accept_ctx, sock);
    }
}

static void io_loop_free(struct sl_http_io_loop *l)
{
    if (l == NULL)
        return;
    if (l->listener != NULL) {
        h2o_socket_read_stop(l->listener);
        h2o_socket_close(l->listener);
        l->listener = NULL;
    }
    if (l->ctx_ready) {
        h2o_context_request_shutdown(&l->ctx);
        /* Let the closes requested above complete before the context goes. */
        for (int i = 0; i < 10; i++)
            h2o_evloop_run(l->evloop, 0);
        /* Armed by the shutdown request even without HTTP/2 connections. */
        if (h2o_timeout_is_linked(&l->ctx.http2._graceful_shutdown_timeout))
            h2o_timeout_unlink(&l->ctx.http2._graceful_shutdown_timeout);
        h2o_multithread_unregister_receiver(l->queue, &l->receiver);
        h2o_multithread_destroy_queue(l->queue);
        /* h2o 2.2 does not free the context's queue (88 bytes, once per loop):
         * tests/http/lsan.supp. */
        h2o_context_dispose(&l->ctx);
        /* Sockets closed above are freed by the loop's next turn. */
        h2o_evloop_run(l->evloop, 0);
    }
    if (l->evloop != NULL)
        h2o_evloop_destroy(l->evloop);
    h2o_config_dispose(&l->config);
    sl_free(l);
}

/*
 * The answers h2o makes itself before a request reaches a handler (413 for
 * a body over the limit, 400 for a malformed request) run the filters of
 * the host's fallback path: this one gives them slight's CORS headers, as
 * server.c gives every answer of its own.
 */
static void cors_on_setup_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
    (void)self;
    for (size_t i = 0; i < SL_HTTP_NCORS; i++) {
        const char *name = sl_http_cors_header(i);
        h2o_add_header_by_str(&req->pool, &req->res.headers, name, strlen(name), 0, NULL, "*", 1);
    }
    h2o_setup_next_ostream(req, slot);
}

static sl_err io_loop_new(int listen_fd, uint64_t max_body, sl_http_io_handler_fn handler,
                          void *opaque, struct sl_http_io_loop **out, struct sl_error *err)
{
    *out = NULL;
    struct sl_http_io_loop *l = sl_calloc(1, sizeof(*l));
    if (l == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    l->on_req = handler;
    l->opaque = opaque;
    l->thread = pthread_self();
    h2o_config_init(&l->config);
    l->config.server_name = h2o_iovec_init(H2O_STRLIT(""));
    l->config.max_request_entity_size = (size_t)max_body;
    h2o_hostconf_t *host =
        h2o_config_register_host(&l->config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_filter_t *cors = h2o_create_filter(&host->fallback_path, sizeof(*cors));
    cors->on_setup_ostream = cors_on_setup_ostream;
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    struct loop_handler *h = (struct loop_handler *)h2o_create_handler(path, sizeof(*h));
    h->super.on_req = on_req;
    h->loop = l;
    l->evloop = h2o_evloop_create();
    h2o_context_init(&l->ctx, l->evloop, &l->config);
    l->ctx_ready = true;
    l->queue = h2o_multithread_create_queue(l->evloop);
    h2o_multithread_register_receiver(l->queue, &l->receiver, on_answers);
    l->accept_ctx.ctx = &l->ctx;
    l->accept_ctx.hosts = l->config.hosts;
    /* Each loop watches its own descriptor of the shared socket and closes only that. */
    int fd = fcntl(listen_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        int e = errno;
        io_loop_free(l);
        return sl_error_set(err, SL_EIO, "cannot share the listening socket: %s", strerror(e));
    }
    l->listener = h2o_evloop_socket_create(l->evloop, fd, H2O_SOCKET_FLAG_DONT_READ);
    l->listener->data = l;
    h2o_socket_read_start(l->listener, on_accept);
    *out = l;
    return SL_OK;
}

static void io_loop_run(struct sl_http_io_loop *l, int32_t max_wait_ms)
{
    h2o_evloop_run(l->evloop, max_wait_ms);
}

static void io_loop_shutdown(struct sl_http_io_loop *l)
{
    if (l->listener != NULL) {
        h2o_socket_read_stop(l->listener);
        h2o_socket_close(l->listener);
        l->listener = NULL;
    }
    h2o_context_request_shutdown(&l->ctx);
}

static bool io_loop_is_idle(struct sl_http_io_loop *l)
{
    return h2o_linklist_is_empty(&l->ctx.http1._conns)
           && h2o_linklist_is_empty(&l->ctx.http2._conns);
}

static size_t io_loop_pending(struct sl_http_io_loop *l)
{
    return l->npending;
}

SL_MODULE_EXPORT const char *sl_http_io_module_version(void)
{
    return SL_VERSION;
}

SL_MODULE_EXPORT const struct sl_http_io sl_http_io_module = {
    .version = SL_HTTP_IO_V1,
    .loop_new = io_loop_new,
    .loop_run = io_loop_run,
    .loop_shutdown = io_loop_shutdown,
    .loop_is_idle = io_loop_is_idle,
    .loop_pending = io_loop_pending,
    .loop_free = io_loop_free,
    .respond = io_respond,
};
