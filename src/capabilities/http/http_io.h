/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_io.h -- the contract between the http capability (routing, guest
 * calls; in the slight binary) and the HTTP I/O layer (the slight-http
 * module: h2o's event loop, loaded only when a slightfile declares http, so
 * that other runs do not load libh2o and OpenSSL). The I/O layer knows
 * nothing of guests; the capability knows nothing of h2o. Answers may come
 * from other threads (the guest workers).
 */
#ifndef SL_CAPABILITIES_HTTP_HTTP_IO_H
#define SL_CAPABILITIES_HTTP_HTTP_IO_H

#include "sl_common.h"

#include "common/err.h"

#define SL_HTTP_IO_V1 1

/* slight's CORS headers, each sent with the value "*" on every answer. */
#define SL_HTTP_NCORS 4
static inline const char *sl_http_cors_header(size_t i)
{
    static const char *const names[SL_HTTP_NCORS] = {
        "access-control-allow-origin", "access-control-allow-methods",
        "access-control-allow-headers", "access-control-expose-headers"};
    return names[i];
}

struct sl_http_io_header {
    struct sl_str name;
    struct sl_str value;
};

/* A request as the I/O layer parsed it; every pointer is borrowed for the handler call. */
struct sl_http_io_request {
    struct sl_str method; /* "GET" */
    struct sl_str target; /* the request target as sent, e.g. "/a%20b?x=1" */
    const struct sl_http_io_header *headers; /* names lower-case, in request order */
    size_t nheaders;
    struct sl_str body; /* the whole body (chunked bodies joined); len 0 when none */
};

/* An answer; the I/O layer copies it before respond returns. */
struct sl_http_io_response {
    uint16_t status;
    const struct sl_http_io_header *headers; /* names lower-case; no content-length */
    size_t nheaders;
    struct sl_str body;
};

struct sl_http_io_loop;    /* one event loop, used by the thread that made it */
struct sl_http_io_pending; /* a request waiting for its answer */

/*
 * Called on the loop's thread for each request. req and what it points to
 * are valid only during the call: a handler answering later copies them.
 * The answer is given exactly once with sl_http_io.respond(p, ...), now or
 * later, from any thread.
 */
typedef void (*sl_http_io_handler_fn)(void *opaque, const struct sl_http_io_request *req,
                                      struct sl_http_io_pending *p);

struct sl_http_io {
    uint32_t version; /* SL_HTTP_IO_V1; fields are append-only */
    /*
     * Makes an event loop on the calling thread that accepts connections on
     * listen_fd (listening, non-blocking; borrowed, several loops may share
     * it) and calls on_req for every request. Bodies over max_body bytes
     * are answered 413 without calling on_req. On success *out is owned by
     * the caller (loop_free, on the same thread).
     */
    sl_err (*loop_new)(int listen_fd, uint64_t max_body, sl_http_io_handler_fn on_req,
                       void *opaque, struct sl_http_io_loop **out, struct sl_error *err);
    /* Runs the loop until something happened or max_wait_ms passed. */
    void (*loop_run)(struct sl_http_io_loop *l, int32_t max_wait_ms);
    /* Stops accepting; open connections close after their current response. */
    void (*loop_shutdown)(struct sl_http_io_loop *l);
    /* True when the loop has no connection left. */
    bool (*loop_is_idle)(struct sl_http_io_loop *l);
    /* How many requests of this loop wait for respond. */
    size_t (*loop_pending)(struct sl_http_io_loop *l);
    /* Closes what is left and frees the loop; nothing may be pending. Accepts NULL. */
    void (*loop_free)(struct sl_http_io_loop *l);
    /*
     * Answers p (copying resp) and releases it. Thread-safe: from another
     * thread the answer is handed to p's loop, which writes it (or drops it
     * when the client has gone).
     */
    void (*respond)(struct sl_http_io_pending *p, const struct sl_http_io_response *resp);
};

/* What the slight-http module exports (by these names). */
const char *sl_http_io_module_version(void);
extern const struct sl_http_io sl_http_io_module;

/*
 * The I/O layer: loads the slight-http module on first use (from the fixed
 * places the slight-toml module is looked for). NULL with a message in err
 * when it is not installed. Thread-safe.
 */
const struct sl_http_io *sl_http_io_get(struct sl_error *err);

#endif /* SL_CAPABILITIES_HTTP_HTTP_IO_H */
