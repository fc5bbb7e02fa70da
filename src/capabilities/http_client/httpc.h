/* SPDX-License-Identifier: Apache-2.0 */
/*
 * httpc.h -- the http-client front end: the only caller of the transport
 * (httpc_backend.h), found in the slight-cloud module on first use so that
 * libcurl is loaded only by apps that declare http-client. Applies the
 * capability's config (ALLOWED_HOSTS, TIMEOUT), checks the guest's
 * headers, follows redirects as slight (reqwest) did, and keeps the
 * http-error category of every failure in its sl_err code.
 */
#ifndef SL_CAPABILITIES_HTTP_CLIENT_HTTPC_H
#define SL_CAPABILITIES_HTTP_CLIENT_HTTPC_H

#include "sl_common.h"

#include "capabilities/caps.h"
#include "httpc_backend.h"

/* The most redirects one request follows (reqwest's default). */
#define SL_HTTPC_MAX_REDIRECTS 10
/* TIMEOUT when the slightfile sets none, in ms. */
#define SL_HTTPC_DEFAULT_TIMEOUT_MS 30000

/* The request of a guest. Everything is borrowed for the call. */
struct sl_httpc_request {
    const char *method; /* "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS" */
    struct sl_str uri;
    const struct sl_httpc_field *headers;
    size_t nheaders;
    const struct sl_httpc_field *params;
    size_t nparams;
    bool has_body;
    struct sl_str body;
};

/* The settings of one request, from the http-client entry's config. */
struct sl_httpc_settings {
    const char *allowed_hosts; /* comma-separated patterns (borrowed); "*" allows all */
    uint64_t timeout_ms;       /* > 0 */
};

/*
 * Start-up description of the http-client capability (caps.c; backend is
 * "", as the resource has no backend part), or NULL for any other backend.
 * Loads the slight-cloud module to tell whether the transport is built in.
 * For start-up only (not thread-safe).
 */
const struct sl_cap_backend_info *sl_httpc_backend_info(const char *backend);

/*
 * The settings of caps' first http-client entry (caps may be NULL:
 * defaults). A TIMEOUT that is not a positive duration, or an ALLOWED_HOSTS
 * pattern that does not parse, is SL_ECONFIG with a message naming the key.
 * *out borrows from caps.
 */
sl_err sl_httpc_settings(const struct sl_caps *caps, struct sl_httpc_settings *out,
                         struct sl_error *err);

/*
 * Start-up check of an http-client entry's resolved config (caps.c): the
 * errors of sl_httpc_settings, so that a bad value stops the run before
 * the app starts. cfg is borrowed.
 */
sl_err sl_httpc_config_check(const struct sl_config *cfg, struct sl_error *err);

/*
 * True when host:port matches one of the comma-separated patterns of list:
 * each is host[:port], where host may hold '*' (any run of characters,
 * dots included) and port is digits or '*'; a pattern without a port
 * matches every port. Hosts compare without regard to case and to a
 * trailing dot; an IPv6 host is written in brackets ("[::1]:8080").
 * Whitespace around a pattern is ignored; an empty list allows nothing.
 */
bool sl_httpc_host_allowed(const char *list, const char *host, unsigned port);

/*
 * Checks list's syntax: SL_OK, or SL_EINVAL with a message quoting the
 * first pattern that does not parse.
 */
sl_err sl_httpc_hosts_check(const char *list, struct sl_error *err);

/*
 * Sends req as the capability's config says and fills *out (initialized
 * with SL_HTTPC_REPLY_INIT; on failure it is left empty), following
 * 301/302/303/307/308 answers up to SL_HTTPC_MAX_REDIRECTS times, each
 * target checked against ALLOWED_HOSTS. Any HTTP status is SL_OK. Errors
 * carry the http-error category in their code, as in httpc_backend.h;
 * a header the HTTP syntax does not allow, a config error or a transport
 * that is not built in are other codes (unexpected-error). stop (may be
 * NULL) is polled while waiting: true ends the request (SL_ETIMEOUT).
 * Thread-safe.
 */
sl_err sl_httpc_request(const struct sl_caps *caps, const struct sl_httpc_request *req,
                        bool (*stop)(void *arg), void *stop_arg, struct sl_httpc_reply *out,
                        struct sl_error *err);

/* Closes the calling thread's kept connections if the transport was loaded. */
void sl_httpc_shutdown(void);

#endif /* SL_CAPABILITIES_HTTP_CLIENT_HTTPC_H */
