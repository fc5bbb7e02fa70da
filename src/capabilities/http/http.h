/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http.h -- the HTTP server of a `slight run` whose slightfile declares
 * http: the runtime that the http-server host functions start servers in
 * (each request a fresh instance of the module's snapshot, on a pool of
 * worker threads apart from the event loops), and that run
 * waits on until no server is left or SIGINT/SIGTERM asks for a drain.
 */
#ifndef SL_CAPABILITIES_HTTP_HTTP_H
#define SL_CAPABILITIES_HTTP_HTTP_H

#include "sl_common.h"

#include "common/err.h"

struct sl_module;
struct sl_instance;
struct sl_caps;
struct sl_wasi_config;
struct sl_http_rt;

#define SL_HTTP_DEFAULT_TIMEOUT_MS 30000ull
#define SL_HTTP_DEFAULT_MAX_BODY (16ull << 20)

struct sl_http_opts {
    struct sl_module *mod;               /* borrowed for the runtime's life */
    struct sl_caps *caps;                /* borrowed; every request instance's context */
    const struct sl_wasi_config *wasi;   /* borrowed; each worker makes its context from it */
    uint32_t memory_limit_pages;         /* as sl_module_instantiate; 0 = the module's */
    uint64_t timeout_ms;                 /* per request; 0 = SL_HTTP_DEFAULT_TIMEOUT_MS */
    uint64_t max_body;                   /* request body limit; 0 = SL_HTTP_DEFAULT_MAX_BODY */
    unsigned threads;                    /* event loops per server; 0 = one per core (at least 2) */
    unsigned workers;                    /* threads running guest code; 0 = 4 per core */
    bool inline_guests;                  /* run guests on the loop threads instead (faster;
                                          * a slow handler holds up its loop) */
};

/*
 * Prepares the runtime: loads the HTTP I/O module and takes the module's
 * snapshot (instantiation and _initialize, not on-server-init). On success
 * *out is owned by the caller (sl_http_rt_free); set caps->http to it.
 */
sl_err sl_http_rt_new(const struct sl_http_opts *opts, struct sl_http_rt **out,
                      struct sl_error *err);

/* The instance on-server-init runs in: the only one that may call serve. */
void sl_http_rt_set_main(struct sl_http_rt *rt, const struct sl_instance *main_inst);

/*
 * Calls the guest's on-server-init (export init, of type () -> i32) in
 * inst, the main instance: the outcome in *res; when it returned Err,
 * *is_err is set and msg (size bytes) holds the string, cut to fit.
 */
struct sl_rt_result;
struct sl_guest_export;
void sl_http_rt_init(struct sl_http_rt *rt, struct sl_instance *inst,
                     const struct sl_guest_export *init, struct sl_rt_result *res, bool *is_err,
                     char *msg, size_t size);

/*
 * Blocks until no server is running, or SIGINT/SIGTERM arrives (the caller
 * blocked both in every thread before the first serve): then stops every
 * server, letting requests in progress finish. Returns at once when no
 * server was started.
 */
void sl_http_rt_wait(struct sl_http_rt *rt);

/* Stops every server and frees the runtime. Accepts NULL. */
void sl_http_rt_free(struct sl_http_rt *rt);

#endif /* SL_CAPABILITIES_HTTP_HTTP_H */
