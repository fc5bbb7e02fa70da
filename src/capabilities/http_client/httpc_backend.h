/* SPDX-License-Identifier: Apache-2.0 */
/*
 * httpc_backend.h -- THE contract of the http-client transport (STYLE.md
 * §Backends): one HTTP exchange, no redirects followed. The front end
 * (httpc.c) owns the policy (ALLOWED_HOSTS, TIMEOUT, redirects, checks of
 * the guest's headers); the transport parses the URL with the library that
 * sends it, so the host it checks is the host it connects to. The one
 * transport is libcurl's, in the slight-cloud module (cloud/http_client_cap.c).
 */
#ifndef SL_CAPABILITIES_HTTP_CLIENT_HTTPC_BACKEND_H
#define SL_CAPABILITIES_HTTP_CLIENT_HTTPC_BACKEND_H

#include "sl_common.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/strvec.h"

#define SL_HTTPC_BACKEND_V1 1

/* A header or a query parameter; both strings borrowed, not NUL-terminated. */
struct sl_httpc_field {
    struct sl_str name;
    struct sl_str value;
};

/* One exchange. Everything is borrowed for the call. */
struct sl_httpc_exchange {
    const char *method; /* "GET", "POST", ... */
    struct sl_str url;  /* absolute http or https URL, as the guest wrote it */
    /* appended to the URL's query in order as name=value, each side percent-encoded */
    const struct sl_httpc_field *params;
    size_t nparams;
    /* sent in order; names and values already checked (no CR, LF or NUL) */
    const struct sl_httpc_field *headers;
    size_t nheaders;
    bool has_body; /* send body (possibly empty) with its Content-Length */
    struct sl_str body;
    uint64_t timeout_ms; /* the whole exchange, connecting included; > 0 */
    /*
     * Required. Called with the URL's scheme ("http" or "https"), host
     * (lower-case; an IPv6 address in brackets) and port (the scheme's
     * default filled in) before anything is sent. Anything but SL_OK refuses
     * the exchange with that code and the message it set in err.
     */
    sl_err (*check_target)(void *arg, const char *scheme, const char *host, unsigned port,
                           struct sl_error *err);
    /* Optional. Polled while the exchange waits; true abandons it (SL_ETIMEOUT). */
    bool (*stop)(void *arg);
    void *arg; /* passed to check_target and stop */
};

/* The answer of one exchange. Owned by the caller; release with sl_httpc_reply_release. */
struct sl_httpc_reply {
    uint16_t status;
    /* the final response's header fields: name (lower-case), value, name, value, ...
     * in received order; values are UTF-8 (bytes that are not are read as Latin-1) */
    struct sl_strvec headers;
    struct sl_buf body;
    /* for a 3xx answer with a usable Location: the absolute URL it names, else empty */
    struct sl_buf location;
    /* location names another scheme, host or port than the request's URL */
    bool location_cross_origin;
};

#define SL_HTTPC_REPLY_INIT {0, SL_STRVEC_INIT, SL_BUF_INIT, SL_BUF_INIT, false}

/*
 * Error codes of exchange (the front end maps them to http-error):
 *   SL_EINVAL -> invalid-url (syntax, scheme, no host; check_target's refusal
 *                passes its own code through)
 *   SL_ETIMEOUT -> timeout-error (timeout_ms passed, or stop returned true)
 *   SL_EIO -> protocol-error (a malformed or cut answer, a TLS failure)
 *   SL_ECONN, anything else -> unexpected-error (no connection: refused,
 *                unknown host, unreachable network)
 * err->msg starts with "http-client: " and never shows the URL's query.
 */
struct sl_httpc_backend {
    uint32_t version; /* SL_HTTPC_BACKEND_V1; fields are append-only */
    const char *name; /* "curl" */

    /*
     * Required. Performs x and fills *out (SL_HTTPC_REPLY_INIT on entry).
     * Any HTTP status is SL_OK. On failure *out is left empty. Thread-safe;
     * connections are kept per thread and reused.
     */
    sl_err (*exchange)(const struct sl_httpc_exchange *x, struct sl_httpc_reply *out,
                       struct sl_error *err);

    /* Optional. Closes the calling thread's kept connections (end of a run, tests). */
    void (*shutdown)(void);
};

/* Frees what r holds; *r is SL_HTTPC_REPLY_INIT afterwards. */
static inline void sl_httpc_reply_release(struct sl_httpc_reply *r)
{
    sl_strvec_release(&r->headers);
    sl_buf_release(&r->body);
    sl_buf_release(&r->location);
    r->status = 0;
    r->location_cross_origin = false;
}

#endif /* SL_CAPABILITIES_HTTP_CLIENT_HTTPC_BACKEND_H */
