/* SPDX-License-Identifier: Apache-2.0 */
/*
 * azure_sharedkey.c -- the Blob service's Shared Key string to sign and its
 * HMAC-SHA256 signature (libsodium). Only what the Blob calls of the
 * backends send is covered: no Content-MD5, conditional or Range headers.
 */
#include "sl_common.h"

#include "azure_sharedkey.h"

#include "common/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

struct pair {
    char *name; /* owned, lower-case */
    char *value;
};

static int pair_cmp(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : strcmp(x->value, y->value);
}

static void pairs_free(struct pair *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sl_free(p[i].name);
        sl_free(p[i].value);
    }
    sl_free(p);
}

static char *lower_dup(const char *s, size_t len)
{
    char *d = sl_strndup(s, len);
    for (size_t i = 0; d != NULL && i < len; i++)
        d[i] = (char)tolower((unsigned char)d[i]);
    return d;
}

/* Trimmed value with runs of white space folded to one space. */
static char *value_dup(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *d = sl_strdup(s);
    if (d == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; d[i]; i++) {
        bool ws = d[i] == ' ' || d[i] == '\t';
        if (ws && (o == 0 || d[o - 1] == ' '))
            continue;
        d[o++] = ws ? ' ' : d[i];
    }
    while (o > 0 && d[o - 1] == ' ')
        o--;
    d[o] = '\0';
    return d;
}

static char *pct_decode(const char *s, size_t len)
{
    char *d = sl_malloc(len + 1);
    if (d == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && sl_hex_value(s[i + 1]) >= 0
            && sl_hex_value(s[i + 2]) >= 0) {
            d[o++] = (char)(sl_hex_value(s[i + 1]) * 16 + sl_hex_value(s[i + 2]));
            i += 2;
        } else {
            d[o++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    d[o] = '\0';
    return d;
}

static sl_err append_line(struct sl_buf *out, const char *s)
{
    sl_err rc = sl_buf_appends(out, s ? s : "");
    return rc == SL_OK ? sl_buf_append(out, "\n", 1) : rc;
}

sl_err sl_azure_string_to_sign(const struct sl_azure_signed_request *r, struct sl_buf *out)
{
    char clen[32] = "";
    if (r->content_length > 0)
        snprintf(clen, sizeof(clen), "%zu", r->content_length);
    /* VERB, Content-Encoding, -Language, -Length, -MD5, -Type, Date, If-Modified-Since,
     * If-Match, If-None-Match, If-Unmodified-Since, Range */
    const char *std[] = {r->method, "", "", clen, "", r->content_type, "", "", "", "", "", ""};
    sl_err rc = SL_OK;
    for (size_t i = 0; rc == SL_OK && i < SL_ARRAY_SIZE(std); i++)
        rc = append_line(out, std[i]);
    if (rc != SL_OK)
        return rc;

    size_t n = 0, cap = r->nheaders + 1;
    struct pair *p = sl_calloc(cap, sizeof(*p));
    if (p == NULL)
        return SL_ENOMEM;
    for (size_t i = 0; i < r->nheaders; i++) {
        const char *h = r->headers[i], *colon = strchr(h, ':');
        if (colon == NULL || strncasecmp(h, "x-ms-", 5) != 0)
            continue;
        p[n].name = lower_dup(h, (size_t)(colon - h));
        p[n].value = value_dup(colon + 1);
        n++;
        if (p[n - 1].name == NULL || p[n - 1].value == NULL)
            goto oom;
    }
    qsort(p, n, sizeof(*p), pair_cmp);
    for (size_t i = 0; rc == SL_OK && i < n; i++)
        rc = sl_buf_appendf(out, "%s:%s\n", p[i].name, p[i].value);
    pairs_free(p, n);
    p = NULL;
    n = 0;
    if (rc == SL_OK)
        rc = sl_buf_appendf(out, "/%s%s", r->account, r->path);
    if (rc != SL_OK || r->query == NULL || r->query[0] == '\0')
        return rc;

    /* query parameters: one line per name, several values joined by ',' */
    cap = 1;
    for (const char *s = r->query; *s; s++)
        cap += *s == '&';
    p = sl_calloc(cap, sizeof(*p));
    if (p == NULL)
        return SL_ENOMEM;
    for (const char *s = r->query; *s;) {
        size_t len = strcspn(s, "&");
        const char *eq = memchr(s, '=', len);
        size_t nlen = eq ? (size_t)(eq - s) : len;
        char *raw = pct_decode(s, nlen);
        p[n].name = raw ? lower_dup(raw, strlen(raw)) : NULL;
        sl_free(raw);
        p[n].value = eq ? pct_decode(eq + 1, len - nlen - 1) : sl_strdup("");
        n++;
        if (p[n - 1].name == NULL || p[n - 1].value == NULL)
            goto oom;
        s += len + (s[len] == '&');
    }
    qsort(p, n, sizeof(*p), pair_cmp);
    for (size_t i = 0; rc == SL_OK && i < n; i++) {
        if (i > 0 && strcmp(p[i].name, p[i - 1].name) == 0)
            rc = sl_buf_appendf(out, ",%s", p[i].value);
        else
            rc = sl_buf_appendf(out, "\n%s:%s", p[i].name, p[i].value);
    }
    pairs_free(p, n);
    return rc;
oom:
    pairs_free(p, n);
    return SL_ENOMEM;
}

sl_err sl_azure_hmac_b64(const char *key_b64, const char *key_name, const struct sl_buf *text,
                         char out[SL_AZURE_HMAC_B64_SIZE], struct sl_error *err)
{
    if (sodium_init() < 0)
        return sl_error_set(err, SL_EINTERNAL, "cannot initialize libsodium");
    unsigned char key[256];
    size_t key_len = 0;
    if (sodium_base642bin(key, sizeof(key), key_b64, strlen(key_b64), " \n", &key_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        key_len == 0) {
        sodium_memzero(key, sizeof(key));
        return sl_error_set(err, SL_EAUTH, "the %s is not valid base64", key_name);
    }
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, key_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)(text->data ? text->data : ""),
                                  text->len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(key, sizeof(key));
    sodium_memzero(&st, sizeof(st));
    _Static_assert(SL_AZURE_HMAC_B64_SIZE == sodium_base64_ENCODED_LEN(
                       crypto_auth_hmacsha256_BYTES, sodium_base64_VARIANT_ORIGINAL),
                   "base64 size of a SHA-256 MAC");
    sodium_bin2base64(out, SL_AZURE_HMAC_B64_SIZE, mac, sizeof(mac),
                      sodium_base64_VARIANT_ORIGINAL);
    return SL_OK;
}

sl_err sl_azure_sharedkey_authorization(const struct sl_azure_signed_request *r,
                                        const char *key_b64, struct sl_buf *out,
                                        struct sl_error *err)
{
    struct sl_buf sts = SL_BUF_INIT;
    char b64[SL_AZURE_HMAC_B64_SIZE];
    if (sl_azure_string_to_sign(r, &sts) != SL_OK) {
        sl_buf_release(&sts);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    sl_err rc = sl_azure_hmac_b64(key_b64, "account key", &sts, b64, err);
    sl_buf_release(&sts);
    if (rc != SL_OK)
        return rc;
    if (sl_buf_appendf(out, "SharedKey %s:%s", r->account, b64) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    return SL_OK;
}

void sl_azure_date_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
