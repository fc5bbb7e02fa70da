/* SPDX-License-Identifier: Apache-2.0 */
/*
 * azure_appconfig.h -- requests to Azure App Configuration's key-value REST
 * API: the path of a key, the HMAC-SHA256 signature (x-ms-date, host,
 * x-ms-content-sha256) and the header lines of one request. No I/O here:
 * configs.azapp sends what these functions build.
 */
#ifndef SL_CLOUD_AZURE_APPCONFIG_H
#define SL_CLOUD_AZURE_APPCONFIG_H

#include "sl_common.h"

#include "common/buf.h"
#include "common/err.h"

/* The REST API version slight's client spoke. */
#define SL_AZAPP_API_VERSION "1.0"

/* What is signed of one request. Strings are borrowed. */
struct sl_azapp_signed_request {
    const char *method;       /* "GET", "PUT" */
    const char *path_query;   /* as sent: "/kv/a%2Fb?label=&api-version=1.0" */
    const char *date;         /* x-ms-date, RFC 1123 */
    const char *host;         /* the Host header: host, or host:port */
    const char *content_hash; /* x-ms-content-sha256: base64(SHA-256(body)) */
};

/*
 * Appends to *out "/kv/<key percent-encoded>?label=&api-version=1.0": the
 * empty label is the null label, which both slight's get ("all labels" of
 * its client, sent as an empty label) and set (label "") used.
 * SL_ENOMEM or SL_OK.
 */
sl_err sl_azapp_kv_path(const char *key, size_t key_len, struct sl_buf *out);

/*
 * Appends to *out the base64 SHA-256 of body (body may be NULL when len is
 * 0: the hash of nothing, which is sent too). SL_ENOMEM or SL_OK.
 */
sl_err sl_azapp_content_hash(const void *body, size_t len, struct sl_buf *out);

/*
 * Appends to *out the string to sign Azure documents for HMAC-SHA256:
 * "METHOD\npath_query\ndate;host;content_hash". SL_ENOMEM or SL_OK.
 */
sl_err sl_azapp_string_to_sign(const struct sl_azapp_signed_request *r, struct sl_buf *out);

/*
 * Appends to *out the Authorization value "HMAC-SHA256 Credential=<id>&
 * SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64
 * HMAC-SHA256(base64-decoded secret, string to sign)>". SL_EAUTH when the
 * secret is not base64 (the message does not show it), SL_ENOMEM.
 */
sl_err sl_azapp_authorization(const struct sl_azapp_signed_request *r, const char *credential,
                              const char *secret_b64, struct sl_buf *out, struct sl_error *err);

/*
 * Splits an endpoint ("https://name.azconfig.io", trailing '/' allowed) into
 * its base without trailing '/' (*base) and its host[:port] (*host), both new
 * strings the caller frees with sl_free. SL_ECONFIG when it is not an
 * http(s) URL without a path; SL_ENOMEM.
 */
sl_err sl_azapp_endpoint_parse(const char *endpoint, char **base, char **host,
                               struct sl_error *err);

/* Header lines of one signed request; owned, release with sl_azapp_headers_release. */
struct sl_azapp_headers {
    char *lines[6]; /* "Host: ...", "x-ms-date: ...", ..., NULL-padded */
    size_t n;
};

/*
 * Fills *h with the lines to send for r (Host, x-ms-date,
 * x-ms-content-sha256, Authorization, Accept, and Content-Type when
 * has_body). Errors as sl_azapp_authorization; *h is empty on failure.
 */
sl_err sl_azapp_headers_build(const struct sl_azapp_signed_request *r, bool has_body,
                              const char *credential, const char *secret_b64,
                              struct sl_azapp_headers *h, struct sl_error *err);

/* Frees the lines of *h. Accepts an empty or already released *h. */
void sl_azapp_headers_release(struct sl_azapp_headers *h);

#endif /* SL_CLOUD_AZURE_APPCONFIG_H */
