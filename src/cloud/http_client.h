/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_client.h -- one HTTP request over libcurl, for the cloud backends
 * (Azure REST, DynamoDB) and the http-client transport. Connections are
 * kept per thread and reused; transport failures become sl_err codes. No
 * retries and no redirects: the callers know which calls are safe to repeat
 * or follow.
 */
#ifndef SL_CLOUD_HTTP_CLIENT_H
#define SL_CLOUD_HTTP_CLIENT_H

#include "sl_common.h"

#include "common/buf.h"
#include "common/err.h"

/* Default limits of one request, in milliseconds. */
#define SL_HTTP_DEFAULT_TIMEOUT_MS 30000
#define SL_HTTP_DEFAULT_CONNECT_TIMEOUT_MS 5000

struct sl_http_request {
    const char *method; /* "GET", "PUT", ... */
    const char *url;    /* absolute; shown in messages without its query */
    /* "Name: value" lines, borrowed; "Name:" removes a header curl adds itself */
    const char *const *headers;
    size_t nheaders;
    bool send_body;   /* send body (possibly empty, body may then be NULL) with Content-Length */
    const void *body; /* borrowed */
    size_t body_len;
    unsigned long timeout_ms;         /* whole request; 0: SL_HTTP_DEFAULT_TIMEOUT_MS */
    unsigned long connect_timeout_ms; /* 0: SL_HTTP_DEFAULT_CONNECT_TIMEOUT_MS */
    /* AWS Signature V4 by libcurl: "aws:amz:REGION:SERVICE", or NULL for none */
    const char *aws_sigv4;
    const char *username; /* access key id for aws_sigv4; never shown */
    const char *password; /* secret key for aws_sigv4; never shown */
    /* Optional: polled while the request waits; true abandons it (SL_ETIMEOUT) */
    bool (*stop)(void *arg);
    void *stop_arg;
    size_t max_body; /* a longer response body is SL_EIO; 0: no limit */
};

struct sl_http_response {
    long status;         /* HTTP status, 0 when no response arrived */
    struct sl_buf body;  /* the response body */
    struct sl_buf headers; /* the raw header lines of the final response */
    int curl_code;         /* the CURLcode of the transfer (CURLE_OK = 0) */
    /* a redirect's absolute target (libcurl's CURLINFO_REDIRECT_URL), else empty */
    struct sl_buf redirect_url;
};

#define SL_HTTP_RESPONSE_INIT {0, SL_BUF_INIT, SL_BUF_INIT, 0, SL_BUF_INIT}

/*
 * Performs req and fills *resp (initialized by the caller with
 * SL_HTTP_RESPONSE_INIT; release it with sl_http_response_release, also on
 * failure). Any HTTP status is SL_OK except 401 and 403, which are SL_EAUTH
 * (resp is filled all the same). Failures without a response: SL_ECONN (DNS,
 * connect, reset, TLS), SL_ETIMEOUT (also when req->stop said so), SL_ENOMEM,
 * SL_EIO; resp->curl_code then tells the cause precisely. Messages start with
 * `what` ("keyvalue.azblob") and name the host, never credentials.
 * Thread-safe: each thread uses its own connection cache.
 */
sl_err sl_http_perform(const char *what, const struct sl_http_request *req,
                       struct sl_http_response *resp, struct sl_error *err);

/* Frees the response's buffers; *resp is SL_HTTP_RESPONSE_INIT afterwards. */
void sl_http_response_release(struct sl_http_response *resp);

/*
 * The value of header name (case-insensitive) in resp's headers, copied into
 * out (NUL-terminated, truncated to outsz), or false when absent.
 */
bool sl_http_response_header(const struct sl_http_response *resp, const char *name, char *out,
                             size_t outsz);

/* Releases the calling thread's connections (also done at thread exit). */
void sl_http_thread_cleanup(void);

/*
 * Appends s percent-encoded to *out, leaving A-Z a-z 0-9 - _ . ~ and the
 * bytes in `keep` (may be NULL) as they are.
 */
sl_err sl_http_url_encode(struct sl_buf *out, const char *s, size_t len, const char *keep);

#endif /* SL_CLOUD_HTTP_CLIENT_H */
