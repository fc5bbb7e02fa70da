/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server.c -- HTTP servers of one run: serve binds the address and starts
 * the event loops (one thread each, sharing the socket). A loop answers
 * 404/405/204 itself and hands each routed request to the run's guest
 * workers, which run its handler export in a fresh instance from their own
 * pool under the request deadline; the answer goes back to the loop with
 * slight's CORS headers. A slow handler holds a worker, never a loop.
 */
#include "sl_common.h"

#include "http_int.h"
#include "http_io.h"

#include "abi/abi_rt.h"
#include "capabilities/caps.h"
#include "common/log.h"
#include "common/mem.h"
#include "engine/module.h"
#include "engine/pool.h"
#include "engine/rt.h"
#include "http_handler_exports.h"
#include "http_server_export_exports.h"
#include "wasi/wasi.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HANDLER_SIG "iiiiiiiiii:i"
#define DRAIN_NS (5ull * 1000000000ull)

struct hdr_off {
    size_t name, name_len, value, value_len;
};

/* A response being built: strings in one buffer, made into pointers at the end. */
struct reply {
    struct sl_buf data;
    struct hdr_off *offs;
    size_t n, cap;
    struct sl_http_io_header *hdrs;
    size_t cap_hdrs;
    size_t body, body_len;
    uint16_t status;
    bool oom;
};

/* A thread running guest code: one of the run's workers. */
struct guest_worker {
    struct sl_http_rt *rt;
    pthread_t tid;
    bool started;
    struct sl_pool *pool;
    struct sl_wasi_ctx *wasi;
    struct sl_buf path; /* the decoded path of the request in progress */
    struct reply rep;
};

/* A thread running one event loop of a server. */
struct loop_thread {
    struct sl_http_server *srv;
    struct guest_worker gw; /* with inline_guests: this thread runs the guests */
    pthread_t tid;
    bool started;
    struct sl_http_io_loop *loop;
    struct sl_buf path;
    struct reply rep;
};

/* A routed request on its way to a worker: a copy, the client may go. */
struct job {
    struct job *next;
    struct sl_http_server *srv;
    struct sl_http_io_pending *p;
    int method;
    struct sl_http_io_request req; /* points into the block after the job */
};

/* Start-up of a group of threads: the first failure is kept. */
struct start_sync {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t nready;
    sl_err rc;
    struct sl_error err;
};

struct sl_http_server {
    struct sl_http_rt *rt;
    struct sl_http_router *router;
    int fd;
    char addr[INET6_ADDRSTRLEN + 16];
    bool stop; /* read by the loops atomically */
    bool stopped;
    struct loop_thread *loops;
    size_t nloops;
    struct start_sync sync;
};

struct sl_http_rt {
    struct sl_http_opts opts;
    const struct sl_http_io *io;
    struct sl_wasi_ctx *snap_wasi;
    struct sl_snapshot *snap;
    const struct sl_instance *main_inst;
    struct sl_http_server **servers;
    size_t nservers;
    size_t live;
    /* Guest workers and their queue of jobs. */
    struct guest_worker *workers;
    size_t nworkers;
    struct start_sync sync;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *head, *tail;
    bool stopping;
    /* $SLIGHT_HTTP_NATIVE_BASELINE: GET of this path runs a C handler (bench/http) */
    char native_path[128];
};

/* ---- responses ---- */

static void reply_reset(struct reply *r)
{
    sl_buf_reset(&r->data);
    r->n = 0;
    r->body = r->body_len = 0;
    r->status = 0;
    r->oom = false;
}

static void reply_release(struct reply *r)
{
    sl_buf_release(&r->data);
    sl_free(r->offs);
    sl_free(r->hdrs);
}

static size_t reply_str(struct reply *r, const char *s, size_t len, bool lower)
{
    size_t at = r->data.len;
    if (sl_buf_append(&r->data, s, len) != SL_OK) {
        r->oom = true;
        return 0;
    }
    for (size_t i = 0; lower && i < len; i++)
        if (r->data.data[at + i] >= 'A' && r->data.data[at + i] <= 'Z')
            r->data.data[at + i] = (char)(r->data.data[at + i] - 'A' + 'a');
    return at;
}

static void reply_header(struct reply *r, const char *name, size_t nlen, const char *value,
                         size_t vlen)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        struct hdr_off *o = sl_reallocarray(r->offs, cap, sizeof(*o));
        if (o == NULL) {
            r->oom = true;
            return;
        }
        r->offs = o;
        r->cap = cap;
    }
    struct hdr_off *o = &r->offs[r->n++];
    o->name = reply_str(r, name, nlen, true);
    o->name_len = nlen;
    o->value = reply_str(r, value, vlen, false);
    o->value_len = vlen;
}

static void reply_body(struct reply *r, const char *body, size_t len)
{
    r->body = reply_str(r, body, len, false);
    r->body_len = len;
}

static void reply_cors(struct reply *r)
{
    for (size_t i = 0; i < SL_HTTP_NCORS; i++)
        reply_header(r, sl_http_cors_header(i), strlen(sl_http_cors_header(i)), "*", 1);
}

/* A response of the server's own: status, text/plain body (may be empty). */
static void reply_simple(struct reply *r, uint16_t status, const char *text)
{
    reply_reset(r);
    r->status = status;
    if (text[0] != '\0')
        reply_header(r, "content-type", 12, "text/plain", 10);
    reply_body(r, text, strlen(text));
}

static void reply_finish(struct reply *r, struct sl_http_io_response *resp)
{
    if (r->oom) {
        reply_reset(r);
        r->status = 500;
    }
    reply_cors(r);
    if (r->cap_hdrs < r->n) {
        struct sl_http_io_header *h = sl_reallocarray(r->hdrs, r->n, sizeof(*h));
        if (h == NULL) {
            resp->status = 500;
            return;
        }
        r->hdrs = h;
        r->cap_hdrs = r->n;
    }
    const char *d = r->data.data ? r->data.data : "";
    for (size_t i = 0; i < r->n; i++)
        r->hdrs[i] = (struct sl_http_io_header){{d + r->offs[i].name, r->offs[i].name_len},
                                                {d + r->offs[i].value, r->offs[i].value_len}};
    resp->status = r->status;
    resp->headers = r->hdrs;
    resp->nheaders = r->n;
    resp->body = (struct sl_str){d + r->body, r->body_len};
}

/* ---- calling the handler ---- */

struct handle_ctx {
    const struct sl_http_io_request *req;
    const struct sl_http_param *params;
    size_t nparams;
    const struct sl_guest_export *exp;
    int method;
    struct reply *rep;
    char problem[160]; /* why the guest's answer became a 500 */
};

static bool is_token_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool header_ok(struct sl_str name, struct sl_str value)
{
    if (name.len == 0)
        return false;
    for (size_t i = 0; i < name.len; i++)
        if (!is_token_char((unsigned char)name.ptr[i]))
            return false;
    for (size_t i = 0; i < value.len; i++)
        if (value.ptr[i] == '\r' || value.ptr[i] == '\n' || value.ptr[i] == '\0')
            return false;
    return true;
}

/* Headers the server writes itself. */
static bool header_is_ours(struct sl_str name)
{
    static const char *const ours[] = {"content-length", "transfer-encoding", "connection"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(ours) + SL_HTTP_NCORS; i++) {
        const char *h = i < SL_ARRAY_SIZE(ours) ? ours[i] : sl_http_cors_header(i - SL_ARRAY_SIZE(ours));
        if (strlen(h) == name.len && strncasecmp(h, name.ptr, name.len) == 0)
            return true;
    }
    return false;
}

static const char *error_case(uint8_t tag)
{
    switch (tag) {
    case SL_HTTP_HANDLER_HTTP_ERROR_INVALID_URL: return "invalid-url";
    case SL_HTTP_HANDLER_HTTP_ERROR_TIMEOUT_ERROR: return "timeout-error";
    case SL_HTTP_HANDLER_HTTP_ERROR_PROTOCOL_ERROR: return "protocol-error";
    default: return "unexpected-error";
    }
}

static void call_handler(struct sl_abi_call *call, void *opaque)
{
    struct handle_ctx *hc = opaque;
    const struct sl_http_io_request *in = hc->req;
    struct reply *rep = hc->rep;
    struct sl_http_handler_tuple2_string_string *h =
        sl_abi_alloc(call, in->nheaders ? in->nheaders : 1, sizeof(*h));
    for (size_t i = 0; i < in->nheaders; i++)
        h[i] = (struct sl_http_handler_tuple2_string_string){in->headers[i].name,
                                                             in->headers[i].value};
    struct sl_http_handler_tuple2_string_string *p =
        sl_abi_alloc(call, hc->nparams ? hc->nparams : 1, sizeof(*p));
    for (size_t i = 0; i < hc->nparams; i++)
        p[i] = (struct sl_http_handler_tuple2_string_string){hc->params[i].name,
                                                             hc->params[i].value};
    struct sl_http_handler_request req = {
        .method = (uint8_t)hc->method,
        .uri = in->target,
        .headers = {h, in->nheaders},
        .params = {p, hc->nparams},
        .body = {true, in->body},
    };
    struct sl_http_handler_expected_response_http_error ret;
    memset(&ret, 0, sizeof(ret));
    sl_http_handler_handle_http_call(call, hc->exp, &req, &ret);

    reply_reset(rep);
    if (ret.is_err) {
        const struct sl_http_handler_http_error *e = &ret.val.err;
        if (e->tag == SL_HTTP_HANDLER_HTTP_ERROR_STATUS_ERROR) {
            uint16_t st = e->val.status_error;
            if (st >= 200 && st <= 999) {
                rep->status = st;
                return;
            }
            snprintf(hc->problem, sizeof(hc->problem), "status-error(%u) is not a status", st);
            return;
        }
        struct sl_str msg = e->val.unexpected_error; /* same place in every string case */
        char text[320];
        snprintf(text, sizeof(text), "Internal Server Error: %s: %.*s", error_case(e->tag),
                 (int)(msg.len > 256 ? 256 : msg.len), msg.ptr);
        reply_simple(rep, 500, text);
        return;
    }
    const struct sl_http_handler_response *r = &ret.val.ok;
    if (r->status < 200 || r->status > 999) {
        snprintf(hc->problem, sizeof(hc->problem), "response status %u is not allowed", r->status);
        return;
    }
    for (size_t i = 0; r->headers.is_some && i < r->headers.val.len; i++) {
        struct sl_str name = r->headers.val.ptr[i].f0, value = r->headers.val.ptr[i].f1;
        if (!header_ok(name, value)) {
            reply_reset(rep);
            snprintf(hc->problem, sizeof(hc->problem), "response header '%.*s' is not valid",
                     (int)(name.len > 64 ? 64 : name.len), name.ptr);
            return;
        }
        if (!header_is_ours(name))
            reply_header(rep, name.ptr, name.len, value.ptr, value.len);
    }
    if (r->body.is_some)
        reply_body(rep, r->body.val.ptr, r->body.val.len);
    rep->status = r->status;
}

/* Runs the handler export of route in a fresh instance; fills w->rep. */
static void run_handler(struct guest_worker *w, const struct sl_http_io_request *req, int method,
                        const struct sl_http_route *route, const struct sl_http_param *params,
                        size_t nparams)
{
    struct sl_http_rt *rt = w->rt;
    struct reply *rep = &w->rep;
    const struct sl_guest_export *exp = sl_module_export(rt->opts.mod, route->export_name);
    if (exp == NULL || strcmp(exp->sig, HANDLER_SIG) != 0) {
        sl_log_error("%s %s: the module exports no handler '%s' of type (i32 x 10) -> i32",
                     sl_http_method_name(route->method), route->pattern, route->export_name);
        reply_simple(rep, 500, "Internal Server Error");
        return;
    }
    struct sl_error err = SL_ERROR_INIT;
    struct sl_instance *inst;
    if (sl_pool_acquire(w->pool, w->wasi, &inst, &err) != SL_OK) {
        sl_log_error("%s", err.msg);
        reply_simple(rep, 500, "Internal Server Error");
        return;
    }
    struct sl_abi_state abi;
    sl_abi_state_init(&abi, rt->opts.caps);
    inst->capabilities = &abi;
    struct handle_ctx hc = {req, params, nparams, exp, method, rep, {0}};
    struct sl_rt_result res;
    reply_reset(rep);
    sl_rt_set_deadline(sl_rt_now_ns() + rt->opts.timeout_ms * 1000000ull, NULL);
    sl_abi_run(inst, route->export_name, call_handler, &hc, &res);
    sl_rt_set_deadline(0, NULL);
    sl_abi_state_release(&abi);
    inst->capabilities = NULL;
    uint32_t exit_code = inst->exit_code;
    sl_pool_release(w->pool, inst);
    if (res.outcome == SL_RT_TRAPPED && res.trap == SL_TRAP_DEADLINE) {
        sl_log_error("%s: '%s' ran past the request timeout (%llu ms)", route->pattern,
                     route->export_name, (unsigned long long)rt->opts.timeout_ms);
        reply_simple(rep, 504, "Gateway Timeout");
    } else if (res.outcome == SL_RT_TRAPPED) {
        sl_log_error("%s: trap in '%s': %s", route->pattern, route->export_name, res.message);
        reply_simple(rep, 500, "Internal Server Error");
    } else if (res.outcome == SL_RT_EXITED) {
        sl_log_error("%s: '%s' exited (code %u)", route->pattern, route->export_name, exit_code);
        reply_simple(rep, 500, "Internal Server Error");
    } else if (hc.problem[0] != '\0') {
        sl_log_error("%s: '%s': %s", route->pattern, route->export_name, hc.problem);
        reply_simple(rep, 500, "Internal Server Error");
    }
}

/*
 * The native baseline of bench/http: what tests/http/guest.c's handle-hello
 * answers, made by C on the same thread a guest handler would run on, after
 * the same dispatch (route match, job copy, worker queue, answer).
 */
static bool is_native_baseline(const struct sl_http_rt *rt, int method, const struct sl_buf *path)
{
    return rt->native_path[0] != '\0' && method == SL_HTTP_GET && path->len == strlen(rt->native_path)
           && memcmp(path->data, rt->native_path, path->len) == 0;
}

static void run_native_baseline(struct reply *rep)
{
    reply_reset(rep);
    rep->status = 200;
    reply_header(rep, "content-type", 12, "text/plain", 10);
    reply_body(rep, "hello", 5);
}

static void answer(const struct sl_http_rt *rt, struct sl_http_io_pending *p, struct reply *rep)
{
    struct sl_http_io_response resp;
    memset(&resp, 0, sizeof(resp));
    reply_finish(rep, &resp);
    rt->io->respond(p, &resp);
    reply_reset(rep);
}

/* A copy of req with everything it points to, in one allocation. */
static struct job *job_new(struct sl_http_server *srv, struct sl_http_io_pending *p, int method,
                           const struct sl_http_io_request *req)
{
    size_t size = sizeof(struct job) + req->nheaders * sizeof(struct sl_http_io_header)
                  + req->target.len + req->body.len;
    for (size_t i = 0; i < req->nheaders; i++)
        size += req->headers[i].name.len + req->headers[i].value.len;
    struct job *j = sl_malloc(size);
    if (j == NULL)
        return NULL;
    struct sl_http_io_header *h = (struct sl_http_io_header *)(j + 1);
    char *d = (char *)(h + req->nheaders);
    j->next = NULL;
    j->srv = srv;
    j->p = p;
    j->method = method;
    for (size_t i = 0; i < req->nheaders; i++) {
        memcpy(d, req->headers[i].name.ptr, req->headers[i].name.len);
        h[i].name = (struct sl_str){d, req->headers[i].name.len};
        d += req->headers[i].name.len;
        memcpy(d, req->headers[i].value.ptr, req->headers[i].value.len);
        h[i].value = (struct sl_str){d, req->headers[i].value.len};
        d += req->headers[i].value.len;
    }
    memcpy(d, req->target.ptr, req->target.len);
    j->req.target = (struct sl_str){d, req->target.len};
    d += req->target.len;
    if (req->body.len > 0)
        memcpy(d, req->body.ptr, req->body.len);
    j->req.body = (struct sl_str){d, req->body.len};
    j->req.method = req->method; /* not used past the loop */
    j->req.headers = h;
    j->req.nheaders = req->nheaders;
    return j;
}

/* On a loop's thread: the server's own answers here, guest calls to the workers. */
static void on_request(void *opaque, const struct sl_http_io_request *req,
                       struct sl_http_io_pending *p)
{
    struct loop_thread *lt = opaque;
    struct sl_http_server *srv = lt->srv;
    struct sl_http_rt *rt = srv->rt;
    struct reply *rep = &lt->rep;
    int method = sl_http_method_parse(req->method.ptr, req->method.len);
    if (method == SL_HTTP_OPTIONS) {
        reply_simple(rep, 204, "");
    } else if (sl_http_path_decode(req->target, &lt->path) != SL_OK) {
        reply_simple(rep, 500, "Internal Server Error");
    } else {
        struct sl_http_param params[SL_HTTP_MAX_PARAMS];
        size_t nparams;
        unsigned allow;
        const struct sl_http_route *route = sl_http_router_match(
            srv->router, method, (struct sl_str){lt->path.data, lt->path.len}, params, &nparams,
            &allow);
        bool native = route == NULL && is_native_baseline(rt, method, &lt->path);
        if ((route != NULL || native) && rt->opts.inline_guests) {
            if (native)
                run_native_baseline(&lt->gw.rep);
            else
                run_handler(&lt->gw, req, method, route, params, nparams);
            answer(rt, p, &lt->gw.rep);
            return;
        }
        if (route != NULL || native) {
            struct job *j = job_new(srv, p, method, req);
            if (j != NULL) {
                pthread_mutex_lock(&rt->mu);
                if (rt->tail != NULL)
                    rt->tail->next = j;
                else
                    rt->head = j;
                rt->tail = j;
                pthread_cond_signal(&rt->cv);
                pthread_mutex_unlock(&rt->mu);
                return;
            }
            reply_simple(rep, 500, "Internal Server Error");
        } else if (allow != 0) {
            char list[64] = "";
            size_t n = 0;
            for (int m = 0; m < SL_HTTP_NMETHODS; m++)
                if (allow & (1u << m))
                    n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "",
                                          sl_http_method_name((enum sl_http_method)m));
            reply_simple(rep, 405, "Method Not Allowed");
            reply_header(rep, "allow", 5, list, strlen(list));
        } else {
            reply_simple(rep, 404, "Not Found");
        }
    }
    answer(rt, p, rep);
}

/* On a worker: the job's route again (the router does not change), then its handler. */
static void run_job(struct guest_worker *w, struct job *j)
{
    struct sl_http_param params[SL_HTTP_MAX_PARAMS];
    size_t nparams;
    unsigned allow;
    const struct sl_http_route *route = NULL;
    if (sl_http_path_decode(j->req.target, &w->path) == SL_OK)
        route = sl_http_router_match(j->srv->router, j->method,
                                     (struct sl_str){w->path.data, w->path.len}, params,
                                     &nparams, &allow);
    if (route != NULL)
        run_handler(w, &j->req, j->method, route, params, nparams);
    else if (is_native_baseline(w->rt, j->method, &w->path))
        run_native_baseline(&w->rep);
    else
        reply_simple(&w->rep, 500, "Internal Server Error");
    answer(w->rt, j->p, &w->rep);
}

/* ---- threads ---- */

static void sync_init(struct start_sync *s)
{
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->nready = 0;
    s->rc = SL_OK;
}

static void sync_destroy(struct start_sync *s)
{
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
}

static void sync_ready(struct start_sync *s, sl_err rc, const struct sl_error *err)
{
    pthread_mutex_lock(&s->mu);
    if (rc != SL_OK && s->rc == SL_OK) {
        s->rc = rc;
        s->err = *err;
    }
    s->nready++;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* Waits for started threads to be ready; the first failure, if any. */
static sl_err sync_wait(struct start_sync *s, size_t started, struct sl_error *err)
{
    pthread_mutex_lock(&s->mu);
    while (s->nready < started && s->rc == SL_OK)
        pthread_cond_wait(&s->cv, &s->mu);
    sl_err rc = s->rc;
    if (rc != SL_OK)
        *err = s->err;
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* Makes the calling thread able to run guest code for w. */
static sl_err guest_init(struct guest_worker *w, struct sl_error *err)
{
    struct sl_http_rt *rt = w->rt;
    sl_err rc = sl_rt_thread_init(err);
    if (rc == SL_OK)
        rc = sl_wasi_ctx_new(rt->opts.wasi, &w->wasi, err);
    /* Dirty pages when the code marks them (SLIGHT_WRITE_BARRIER=1), else madvise. */
    if (rc == SL_OK)
        rc = sl_pool_new(rt->snap, rt->opts.mod->code.write_barrier ? SL_RESET_DIRTY_PAGES
                                                                    : SL_RESET_MADVISE,
                         8, &w->pool, err);
    return rc;
}

static void guest_release(struct guest_worker *w)
{
    sl_pool_free(w->pool);
    sl_wasi_ctx_free(w->wasi);
    sl_buf_release(&w->path);
    reply_release(&w->rep);
}

static void *worker_main(void *arg)
{
    struct guest_worker *w = arg;
    struct sl_http_rt *rt = w->rt;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = guest_init(w, &err);
    sync_ready(&rt->sync, rc, &err);
    while (rc == SL_OK) {
        pthread_mutex_lock(&rt->mu);
        while (rt->head == NULL && !rt->stopping)
            pthread_cond_wait(&rt->cv, &rt->mu);
        struct job *j = rt->head;
        if (j != NULL) {
            rt->head = j->next;
            if (rt->head == NULL)
                rt->tail = NULL;
        }
        pthread_mutex_unlock(&rt->mu);
        if (j == NULL)
            break; /* stopping, and nothing is left */
        run_job(w, j);
        sl_free(j);
    }
    guest_release(w);
    return NULL;
}

static sl_err start_workers(struct sl_http_rt *rt, struct sl_error *err)
{
    if (rt->workers != NULL || rt->opts.inline_guests)
        return SL_OK;
    unsigned n = rt->opts.workers;
    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus < 2 ? 8 : 4 * (unsigned)cpus;
    }
    rt->workers = sl_calloc(n, sizeof(*rt->workers));
    if (rt->workers == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    rt->nworkers = n;
    size_t started = 0;
    for (size_t i = 0; i < n; i++) {
        struct guest_worker *w = &rt->workers[i];
        w->rt = rt;
        if (pthread_create(&w->tid, NULL, worker_main, w) != 0) {
            sync_ready(&rt->sync, SL_EIO, &(struct sl_error){SL_EIO, "cannot start a thread"});
            break;
        }
        w->started = true;
        started++;
    }
    return sync_wait(&rt->sync, started, err);
}

static void stop_workers(struct sl_http_rt *rt)
{
    pthread_mutex_lock(&rt->mu);
    rt->stopping = true;
    pthread_cond_broadcast(&rt->cv);
    pthread_mutex_unlock(&rt->mu);
    for (size_t i = 0; i < rt->nworkers; i++)
        if (rt->workers[i].started)
            pthread_join(rt->workers[i].tid, NULL);
    sl_free(rt->workers);
    rt->workers = NULL;
    rt->nworkers = 0;
}

static void *loop_main(void *arg)
{
    struct loop_thread *lt = arg;
    struct sl_http_server *srv = lt->srv;
    struct sl_http_rt *rt = srv->rt;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = SL_OK;
    if (rt->opts.inline_guests) {
        lt->gw.rt = rt;
        rc = guest_init(&lt->gw, &err);
    }
    if (rc == SL_OK)
        rc = rt->io->loop_new(srv->fd, rt->opts.max_body, on_request, lt, &lt->loop, &err);
    sync_ready(&srv->sync, rc, &err);
    if (rc == SL_OK) {
        while (!__atomic_load_n(&srv->stop, __ATOMIC_ACQUIRE))
            rt->io->loop_run(lt->loop, 100);
        rt->io->loop_shutdown(lt->loop);
        /* Every request handed to a worker is answered (the request timeout
         * bounds it); idle connections get DRAIN_NS to finish. */
        uint64_t end = sl_rt_now_ns() + DRAIN_NS;
        while (rt->io->loop_pending(lt->loop) > 0
               || (!rt->io->loop_is_idle(lt->loop) && sl_rt_now_ns() < end))
            rt->io->loop_run(lt->loop, 20);
    }
    if (lt->loop != NULL)
        rt->io->loop_free(lt->loop);
    if (rt->opts.inline_guests)
        guest_release(&lt->gw);
    sl_buf_release(&lt->path);
    reply_release(&lt->rep);
    return NULL;
}

static void server_join(struct sl_http_server *srv)
{
    __atomic_store_n(&srv->stop, true, __ATOMIC_RELEASE);
    for (size_t i = 0; i < srv->nloops; i++)
        if (srv->loops[i].started) {
            pthread_join(srv->loops[i].tid, NULL);
            srv->loops[i].started = false;
        }
    if (srv->fd >= 0)
        close(srv->fd);
    srv->fd = -1;
}

static void server_free(struct sl_http_server *srv)
{
    if (srv == NULL)
        return;
    server_join(srv);
    sl_http_router_free(srv->router);
    sl_free(srv->loops);
    sync_destroy(&srv->sync);
    sl_free(srv);
}

void sl_http_server_stop(struct sl_http_server *srv)
{
    if (srv->stopped)
        return;
    server_join(srv);
    srv->stopped = true;
    srv->rt->live--;
}

/* Binds address; *fd non-blocking and listening, text the address bound. */
static sl_err listen_on(struct sl_str address, int *fd, char *text, size_t text_size,
                        struct sl_error *err)
{
    char a[256], host[256];
    const char *port;
    *fd = -1;
    if (address.len >= sizeof(a) || memchr(address.ptr, '\0', address.len) != NULL)
        return sl_error_set(err, SL_EINVAL, "could not parse address: '%.*s'",
                            (int)(address.len > 64 ? 64 : address.len), address.ptr);
    snprintf(a, sizeof(a), "%.*s", (int)address.len, address.ptr);
    if (a[0] == '[') {
        char *close_br = strchr(a, ']');
        if (close_br == NULL || close_br[1] != ':')
            return sl_error_set(err, SL_EINVAL, "could not parse address: '%s'", a);
        snprintf(host, sizeof(host), "%.*s", (int)(close_br - a - 1), a + 1);
        port = close_br + 2;
    } else {
        char *colon = strrchr(a, ':');
        if (colon == NULL)
            return sl_error_set(err, SL_EINVAL, "could not parse address: '%s' has no port", a);
        snprintf(host, sizeof(host), "%.*s", (int)(colon - a), a);
        port = colon + 1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    int g = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
    if (g != 0)
        return sl_error_set(err, SL_EINVAL, "could not parse address: '%s' due to %s", a,
                            gai_strerror(g));
    int s = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0
        || bind(s, ai->ai_addr, ai->ai_addrlen) != 0 || listen(s, SOMAXCONN) != 0) {
        int e = errno;
        if (s >= 0)
            close(s);
        freeaddrinfo(ai);
        return sl_error_set(err, SL_EIO, "cannot listen on '%s': %s", a, strerror(e));
    }
    freeaddrinfo(ai);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned p = 0;
    if (getsockname(s, (struct sockaddr *)&ss, &len) == 0) {
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
            p = ntohs(s6->sin6_port);
        } else {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
            p = ntohs(s4->sin_port);
        }
    }
    snprintf(text, text_size, ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, p);
    *fd = s;
    return SL_OK;
}

sl_err sl_http_serve(struct sl_http_rt *rt, const struct sl_instance *inst, struct sl_str address,
                     const struct sl_http_router *router, struct sl_http_server **out,
                     struct sl_error *err)
{
    *out = NULL;
    if (rt == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED,
                            "server::serve needs the http capability in the slightfile");
    if (inst != rt->main_inst)
        return sl_error_set(err, SL_EINVAL,
                            "server::serve can only be called from on-server-init, not while "
                            "handling a request");
    struct sl_http_server **list =
        sl_reallocarray(rt->servers, rt->nservers + 1, sizeof(*list));
    if (list == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    rt->servers = list;
    struct sl_http_server *srv = sl_calloc(1, sizeof(*srv));
    if (srv == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    srv->rt = rt;
    srv->fd = -1;
    sync_init(&srv->sync);
    sl_err rc = start_workers(rt, err);
    if (rc == SL_OK)
        rc = sl_http_router_clone(router, &srv->router, err);
    if (rc == SL_OK)
        rc = listen_on(address, &srv->fd, srv->addr, sizeof(srv->addr), err);
    if (rc != SL_OK) {
        server_free(srv);
        return rc;
    }
    unsigned n = rt->opts.threads;
    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus < 2 ? 2 : (unsigned)cpus;
    }
    srv->loops = sl_calloc(n, sizeof(*srv->loops));
    if (srv->loops == NULL) {
        server_free(srv);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    srv->nloops = n;
    size_t started = 0;
    for (size_t i = 0; i < n; i++) {
        struct loop_thread *lt = &srv->loops[i];
        lt->srv = srv;
        if (pthread_create(&lt->tid, NULL, loop_main, lt) != 0) {
            sync_ready(&srv->sync, SL_EIO, &(struct sl_error){SL_EIO, "cannot start a thread"});
            break;
        }
        lt->started = true;
        started++;
    }
    rc = sync_wait(&srv->sync, started, err);
    if (rc != SL_OK) {
        server_free(srv);
        return rc;
    }
    rt->servers[rt->nservers++] = srv;
    rt->live++;
    fprintf(stderr, "listening on http://%s\n", srv->addr);
    *out = srv;
    return SL_OK;
}

/* ---- the runtime ---- */

sl_err sl_http_rt_new(const struct sl_http_opts *opts, struct sl_http_rt **out,
                      struct sl_error *err)
{
    *out = NULL;
    const struct sl_http_io *io = sl_http_io_get(err);
    if (io == NULL)
        return SL_EUNSUPPORTED;
    struct sl_http_rt *rt = sl_calloc(1, sizeof(*rt));
    if (rt == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    rt->opts = *opts;
    const char *native = getenv("SLIGHT_HTTP_NATIVE_BASELINE");
    if (native != NULL && native[0] == '/' && strlen(native) + 1 < sizeof(rt->native_path))
        /* as sl_http_path_decode makes paths: one trailing '/' */
        snprintf(rt->native_path, sizeof(rt->native_path), "%s%s", native,
                 native[strlen(native) - 1] == '/' ? "" : "/");
    if (rt->opts.timeout_ms == 0)
        rt->opts.timeout_ms = SL_HTTP_DEFAULT_TIMEOUT_MS;
    if (rt->opts.max_body == 0)
        rt->opts.max_body = SL_HTTP_DEFAULT_MAX_BODY;
    rt->io = io;
    sync_init(&rt->sync);
    pthread_mutex_init(&rt->mu, NULL);
    pthread_cond_init(&rt->cv, NULL);
    sl_err rc = sl_wasi_ctx_new(opts->wasi, &rt->snap_wasi, err);
    if (rc == SL_OK)
        rc = sl_snapshot_new(opts->mod, rt->snap_wasi, opts->memory_limit_pages, &rt->snap, err);
    if (rc != SL_OK) {
        sl_http_rt_free(rt);
        return rc;
    }
    *out = rt;
    return SL_OK;
}

void sl_http_rt_set_main(struct sl_http_rt *rt, const struct sl_instance *main_inst)
{
    rt->main_inst = main_inst;
}

struct init_call {
    const struct sl_guest_export *exp;
    bool is_err;
    char *msg;
    size_t size;
};

static void call_init(struct sl_abi_call *call, void *opaque)
{
    struct init_call *ic = opaque;
    struct sl_http_server_export_expected_unit_string ret;
    memset(&ret, 0, sizeof(ret));
    sl_http_server_export_on_server_init_call(call, ic->exp, &ret);
    ic->is_err = ret.is_err;
    if (ret.is_err)
        snprintf(ic->msg, ic->size, "%.*s", (int)ret.val.err.len, ret.val.err.ptr);
}

void sl_http_rt_init(struct sl_http_rt *rt, struct sl_instance *inst,
                     const struct sl_guest_export *init, struct sl_rt_result *res, bool *is_err,
                     char *msg, size_t size)
{
    struct init_call ic = {init, false, msg, size};
    msg[0] = '\0';
    sl_abi_run(inst, "on-server-init", call_init, &ic, res);
    *is_err = res->outcome == SL_RT_RETURNED && ic.is_err;
}

void sl_http_rt_wait(struct sl_http_rt *rt)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    while (rt->live > 0) {
        struct timespec ts = {0, 200 * 1000000L};
        int s = sigtimedwait(&set, NULL, &ts);
        if (s == SIGINT || s == SIGTERM)
            break;
    }
    for (size_t i = 0; i < rt->nservers; i++)
        sl_http_server_stop(rt->servers[i]);
}

void sl_http_rt_free(struct sl_http_rt *rt)
{
    if (rt == NULL)
        return;
    /* Servers first: their loops wait for the workers' answers. */
    for (size_t i = 0; i < rt->nservers; i++)
        server_free(rt->servers[i]);
    sl_free(rt->servers);
    stop_workers(rt);
    sync_destroy(&rt->sync);
    pthread_mutex_destroy(&rt->mu);
    pthread_cond_destroy(&rt->cv);
    sl_snapshot_free(rt->snap);
    sl_wasi_ctx_free(rt->snap_wasi);
    sl_free(rt);
}
