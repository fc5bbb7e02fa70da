/* SPDX-License-Identifier: Apache-2.0 */
/*
 * azure_appconfig.c -- Azure App Configuration request building: key paths,
 * the body hash, HMAC-SHA256 signing (libsodium) and the header lines. The
 * secret is decoded into a stack buffer that is wiped after use and never
 * appears in a message. Sending is configs.azapp's job.
 */
#include "sl_common.h"

#include "azure_appconfig.h"

#include "cloud/azure_sharedkey.h"
#include "cloud/http_client.h"
#include "common/mem.h"

#include <sodium.h>
#include <string.h>

sl_err sl_azapp_kv_path(const char *key, size_t key_len, struct sl_buf *out)
{
    if (sl_buf_appends(out, "/kv/") != SL_OK || sl_http_url_encode(out, key, key_len, NULL) != SL_OK)
        return SL_ENOMEM;
    return sl_buf_appends(out, "?label=&api-version=" SL_AZAPP_API_VERSION);
}

sl_err sl_azapp_content_hash(const void *body, size_t len, struct sl_buf *out)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, len ? body : (const void *)"", len);
    char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof(b64), h, sizeof(h), sodium_base64_VARIANT_ORIGINAL);
    return sl_buf_appends(out, b64);
}

sl_err sl_azapp_string_to_sign(const struct sl_azapp_signed_request *r, struct sl_buf *out)
{
    return sl_buf_appendf(out, "%s\n%s\n%s;%s;%s", r->method, r->path_query, r->date, r->host,
                          r->content_hash);
}

sl_err sl_azapp_authorization(const struct sl_azapp_signed_request *r, const char *credential,
                              const char *secret_b64, struct sl_buf *out, struct sl_error *err)
{
    struct sl_buf sts = SL_BUF_INIT;
    char b64[SL_AZURE_HMAC_B64_SIZE];
    if (sl_azapp_string_to_sign(r, &sts) != SL_OK) {
        sl_buf_release(&sts);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    sl_err rc = sl_azure_hmac_b64(secret_b64, "access key secret", &sts, b64, err);
    sl_buf_release(&sts);
    if (rc != SL_OK)
        return rc;
    if (sl_buf_appendf(out,
                       "HMAC-SHA256 Credential=%s&SignedHeaders=x-ms-date;host;x-ms-content-sha256"
                       "&Signature=%s",
                       credential, b64) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    return SL_OK;
}

sl_err sl_azapp_endpoint_parse(const char *endpoint, char **base, char **host,
                               struct sl_error *err)
{
    *base = NULL;
    *host = NULL;
    size_t skip = 0;
    if (strncmp(endpoint, "https://", 8) == 0)
        skip = 8;
    else if (strncmp(endpoint, "http://", 7) == 0)
        skip = 7;
    size_t len = strlen(endpoint);
    while (len > skip && endpoint[len - 1] == '/')
        len--;
    size_t hlen = len - skip;
    if (skip == 0 || hlen == 0 || memchr(endpoint + skip, '/', hlen) != NULL ||
        memchr(endpoint + skip, '?', hlen) != NULL || memchr(endpoint + skip, '@', hlen) != NULL)
        return sl_error_set(err, SL_ECONFIG,
                            "the endpoint '%.*s' is not an http(s) URL of a host (as "
                            "https://NAME.azconfig.io)",
                            (int)SL_MIN(len, (size_t)200), endpoint);
    *base = sl_strndup(endpoint, len);
    *host = sl_strndup(endpoint + skip, hlen);
    if (*base == NULL || *host == NULL) {
        sl_free(*base);
        sl_free(*host);
        *base = *host = NULL;
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    return SL_OK;
}

void sl_azapp_headers_release(struct sl_azapp_headers *h)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(h->lines); i++) {
        sl_free(h->lines[i]);
        h->lines[i] = NULL;
    }
    h->n = 0;
}

sl_err sl_azapp_headers_build(const struct sl_azapp_signed_request *r, bool has_body,
                              const char *credential, const char *secret_b64,
                              struct sl_azapp_headers *h, struct sl_error *err)
{
    memset(h, 0, sizeof(*h));
    struct sl_buf b = SL_BUF_INIT;
    sl_err rc = sl_buf_appends(&b, "Authorization: ");
    if (rc == SL_OK) {
        rc = sl_azapp_authorization(r, credential, secret_b64, &b, err);
        if (rc != SL_OK) {
            sl_buf_release(&b);
            return rc;
        }
        h->lines[h->n++] = sl_buf_detach(&b);
    }
    if (rc == SL_OK)
        rc = sl_buf_appendf(&b, "Host: %s", r->host);
    if (rc == SL_OK) {
        h->lines[h->n++] = sl_buf_detach(&b);
        rc = sl_buf_appendf(&b, "x-ms-date: %s", r->date);
    }
    if (rc == SL_OK) {
        h->lines[h->n++] = sl_buf_detach(&b);
        rc = sl_buf_appendf(&b, "x-ms-content-sha256: %s", r->content_hash);
    }
    if (rc == SL_OK) {
        h->lines[h->n++] = sl_buf_detach(&b);
        rc = sl_buf_appends(&b, "Accept: application/vnd.microsoft.appconfig.kv+json");
    }
    if (rc == SL_OK) {
        h->lines[h->n++] = sl_buf_detach(&b);
        /* "Content-Type:" alone drops the one curl would add */
        rc = sl_buf_appends(&b, has_body ? "Content-Type: application/vnd.microsoft.appconfig.kv+json"
                                         : "Content-Type:");
    }
    if (rc == SL_OK)
        h->lines[h->n++] = sl_buf_detach(&b);
    for (size_t i = 0; rc == SL_OK && i < h->n; i++)
        if (h->lines[i] == NULL)
            rc = SL_ENOMEM;
    if (rc != SL_OK) {
        sl_buf_release(&b);
        sl_azapp_headers_release(h);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    return SL_OK;
}
