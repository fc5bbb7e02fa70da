/* SPDX-License-Identifier: Apache-2.0 */
/*
 * azure_sharedkey.h -- Shared Key authorization for Azure Storage (Blob
 * service): the string to sign and the "SharedKey account:signature" header
 * value, HMAC-SHA256 under the base64-decoded account key (libsodium).
 */
#ifndef SL_CLOUD_AZURE_SHAREDKEY_H
#define SL_CLOUD_AZURE_SHAREDKEY_H

#include "sl_common.h"

#include "common/buf.h"
#include "common/err.h"

/* What is signed of one request. Strings are borrowed; NULL means empty. */
struct sl_azure_signed_request {
    const char *method;
    /* Content-Length as sent; 0 is signed as the empty string (API 2015-02-21+) */
    size_t content_length;
    const char *content_type;
    /* "name: value" header lines; those starting x-ms- (any case) are signed */
    const char *const *headers;
    size_t nheaders;
    const char *account;
    /* the request path as sent, percent-encoded, e.g. "/devstoreaccount1/c/b" */
    const char *path;
    /* the query without '?' ("restype=container&comp=list"), or NULL */
    const char *query;
};

/*
 * Appends to *out the string to sign of Shared Key for the Blob service:
 * VERB, the 11 standard headers (only Content-Length and Content-Type are
 * used here), the sorted lower-cased x-ms-* headers, then the canonicalized
 * resource "/account/path" followed by "\nname:value" per query parameter,
 * names lower-cased and sorted, values percent-decoded. SL_ENOMEM or SL_OK.
 */
sl_err sl_azure_string_to_sign(const struct sl_azure_signed_request *r, struct sl_buf *out);

/*
 * Writes "SharedKey <account>:<base64 HMAC-SHA256(key, string_to_sign)>" to
 * *out. key_b64 is the account key as given (base64). SL_EAUTH when the key
 * is not valid base64 (the message does not show it), SL_ENOMEM.
 */
/* Bytes of the base64 text of an HMAC-SHA256, NUL included. */
#define SL_AZURE_HMAC_B64_SIZE 45

/*
 * HMAC-SHA256 of text under the base64 key key_b64, as base64 in out: the
 * signature of Azure's Shared Key and App Configuration schemes. A key that
 * is not base64 is SL_EAUTH, "the <key_name> is not valid base64" (the key
 * itself is never shown); the decoded key is wiped.
 */
sl_err sl_azure_hmac_b64(const char *key_b64, const char *key_name, const struct sl_buf *text,
                         char out[SL_AZURE_HMAC_B64_SIZE], struct sl_error *err);

sl_err sl_azure_sharedkey_authorization(const struct sl_azure_signed_request *r,
                                        const char *key_b64, struct sl_buf *out,
                                        struct sl_error *err);

/* Writes the current time in RFC 1123 form ("Sun, 06 Nov 1994 08:49:37 GMT"). */
void sl_azure_date_now(char out[32]);

#endif /* SL_CLOUD_AZURE_SHAREDKEY_H */
