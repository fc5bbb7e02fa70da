/* SPDX-License-Identifier: Apache-2.0 */
/*
 * azure_sas.c -- Shared Access Signature tokens (Service Bus), signed with
 * libsodium's HMAC-SHA256. Not sl_azure_hmac_b64 of azure_sharedkey.c: that
 * one base64-decodes its key, while a SAS policy key is used as the text
 * Azure shows. No I/O; the caller sends the token.
 */
#include "sl_common.h"

#include "azure_sas.h"

#include "cloud/http_client.h"

#include <string.h>

#include <sodium.h>

sl_err sl_azure_sas_string_to_sign(const char *resource_uri, uint64_t expiry, struct sl_buf *out)
{
    if (sl_http_url_encode(out, resource_uri, strlen(resource_uri), NULL) != SL_OK)
        return SL_ENOMEM;
    return sl_buf_appendf(out, "\n%llu", (unsigned long long)expiry);
}

sl_err sl_azure_sas_token(const char *resource_uri, const char *key_name, const char *key,
                          uint64_t expiry, struct sl_buf *out, struct sl_error *err)
{
    if (key[0] == '\0')
        return sl_error_set(err, SL_EINVAL, "the SAS policy key is empty");
    if (key_name[0] == '\0' || strpbrk(key_name, "&= \t\r\n") != NULL)
        return sl_error_set(err, SL_EINVAL,
                            "the SAS policy name '%s' is empty or has '&', '=' or whitespace",
                            key_name);
    if (sodium_init() < 0)
        return sl_error_set(err, SL_EINTERNAL, "cannot initialize libsodium");
    struct sl_buf sts = SL_BUF_INIT;
    if (sl_azure_sas_string_to_sign(resource_uri, expiry, &sts) != SL_OK) {
        sl_buf_release(&sts);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)sts.data, sts.len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof(st));
    char sig[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES,
                                       sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(sig, sizeof(sig), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
    size_t start = out->len;
    sl_err rc = sl_buf_appends(out, "SharedAccessSignature sr=");
    if (rc == SL_OK)
        rc = sl_http_url_encode(out, resource_uri, strlen(resource_uri), NULL);
    if (rc == SL_OK)
        rc = sl_buf_appends(out, "&sig=");
    if (rc == SL_OK)
        rc = sl_http_url_encode(out, sig, strlen(sig), NULL);
    if (rc == SL_OK)
        rc = sl_buf_appendf(out, "&se=%llu&skn=%s", (unsigned long long)expiry, key_name);
    sl_buf_release(&sts);
    if (rc != SL_OK) {
        sl_buf_truncate(out, start);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    return SL_OK;
}
