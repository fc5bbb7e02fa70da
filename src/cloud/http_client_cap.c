/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_client_cap.c -- the transport of the http-client capability
 * (capabilities/http_client/httpc_backend.h) over sl_http_perform. The
 * guest's URL is parsed by libcurl's URL API, so the host checked against
 * ALLOWED_HOSTS is the one curl connects to; params are appended to its
 * query; the answer's header lines are split into fields here (a few lines
 * of text, no library needed). Redirects and limits are the front end's
 * business. Built into the slight-cloud module.
 */
#include "sl_common.h"

#include "capabilities/http_client/httpc_backend.h"

#include "cloud/http_client.h"
#include "common/mem.h"
#include "common/utf8.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#define SL_MODULE_EXPORT __attribute__((visibility("default")))
SL_MODULE_EXPORT extern const struct sl_httpc_backend sl_httpc_backend_curl;

#define WHAT "http-client"
/* The longest body a guest can receive (a list<u8> length is a u32). */
#define MAX_BODY ((size_t)UINT32_MAX)

/* Where a URL leads: scheme and host lower-case, port with the default filled in. */
struct origin {
    char *scheme, *host;
    unsigned port;
};

static void origin_release(struct origin *o)
{
    curl_free(o->scheme);
    curl_free(o->host);
    *o = (struct origin){NULL, NULL, 0};
}

static bool origin_same(const struct origin *a, const struct origin *b)
{
    return a->port == b->port && strcmp(a->scheme, b->scheme) == 0
        && strcmp(a->host, b->host) == 0;
}

/* The length of url shown in messages: up to its query or fragment, at most 200. */
static int shown(const char *url)
{
    return (int)SL_MIN(strcspn(url, "?#"), (size_t)200);
}

/* Parses url into *u (a new handle the caller frees) and *o; SL_EINVAL when it is unusable. */
static sl_err url_parse(const char *url, CURLU **u, struct origin *o, struct sl_error *err)
{
    *o = (struct origin){NULL, NULL, 0};
    *u = curl_url();
    if (*u == NULL)
        return sl_error_set(err, SL_ENOMEM, WHAT ": out of memory");
    CURLUcode uc = curl_url_set(*u, CURLUPART_URL, url, 0);
    if (uc == CURLUE_OUT_OF_MEMORY)
        return sl_error_set(err, SL_ENOMEM, WHAT ": out of memory");
    if (uc != CURLUE_OK)
        return sl_error_set(err, SL_EINVAL, WHAT ": invalid URL '%.*s': %s", shown(url), url,
                            curl_url_strerror(uc));
    char *port = NULL;
    if (curl_url_get(*u, CURLUPART_SCHEME, &o->scheme, 0) != CURLUE_OK
        || curl_url_get(*u, CURLUPART_HOST, &o->host, 0) != CURLUE_OK || o->host[0] == '\0')
        return sl_error_set(err, SL_EINVAL, WHAT ": invalid URL '%.*s': no host", shown(url), url);
    for (char *p = o->scheme; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    for (char *p = o->host; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    if (strcmp(o->scheme, "http") != 0 && strcmp(o->scheme, "https") != 0)
        return sl_error_set(err, SL_EINVAL,
                            WHAT ": invalid URL '%.*s': scheme '%s' (http and https only)",
                            shown(url), url, o->scheme);
    if (curl_url_get(*u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
        return sl_error_set(err, SL_EINVAL, WHAT ": invalid URL '%.*s': no port", shown(url), url);
    o->port = (unsigned)strtoul(port, NULL, 10);
    curl_free(port);
    return SL_OK;
}

/*
 * The URL to send: u as libcurl writes it, without its fragment (never
 * sent), with x's params appended to the query as name=value, each side
 * percent-encoded (upper-case hex: libcurl's own query setter would
 * lower-case it). *out receives a string to free with sl_free.
 */
static sl_err url_final(CURLU *u, const struct sl_httpc_exchange *x, char **out,
                        struct sl_error *err)
{
    *out = NULL;
    char *url = NULL, *query = NULL;
    struct sl_buf b = SL_BUF_INIT;
    sl_err rc = SL_ENOMEM;
    bool has_query = false;
    if (curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK
        || curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK)
        goto out;
    has_query = curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK;
    rc = sl_buf_appends(&b, url);
    for (size_t i = 0; i < x->nparams && rc == SL_OK; i++) {
        const struct sl_httpc_field *p = &x->params[i];
        rc = sl_buf_append(&b, i == 0 && !has_query ? "?" : "&", 1);
        if (rc == SL_OK)
            rc = sl_http_url_encode(&b, p->name.ptr, p->name.len, NULL);
        if (rc == SL_OK)
            rc = sl_buf_append(&b, "=", 1);
        if (rc == SL_OK)
            rc = sl_http_url_encode(&b, p->value.ptr, p->value.len, NULL);
    }
    if (rc == SL_OK)
        *out = sl_buf_detach(&b);
out:
    sl_buf_release(&b);
    curl_free(query);
    curl_free(url);
    return rc == SL_OK && *out != NULL ? SL_OK
                                       : sl_error_set(err, SL_ENOMEM, WHAT ": out of memory");
}

/* "Name: value" lines for curl; an empty value is written "Name;" ("Name:" would remove it). */
static sl_err header_lines(const struct sl_httpc_exchange *x, struct sl_strvec *lines)
{
    struct sl_buf line = SL_BUF_INIT;
    sl_err rc = SL_OK;
    for (size_t i = 0; i < x->nheaders && rc == SL_OK; i++) {
        const struct sl_httpc_field *h = &x->headers[i];
        sl_buf_reset(&line);
        if (h->value.len == 0)
            rc = sl_buf_appendf(&line, "%.*s;", (int)h->name.len, h->name.ptr);
        else
            rc = sl_buf_appendf(&line, "%.*s: %.*s", (int)h->name.len, h->name.ptr,
                                (int)h->value.len, h->value.ptr);
        if (rc == SL_OK)
            rc = sl_strvec_push(lines, line.data, line.len);
    }
    sl_buf_release(&line);
    return rc;
}

/* Appends (s, len) to *out as UTF-8: as it is when it is UTF-8, else read as Latin-1. */
static sl_err append_text(struct sl_buf *out, const char *s, size_t len)
{
    if (sl_utf8_valid((const uint8_t *)s, len))
        return sl_buf_append(out, s, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char u[2] = {(char)(0xc0 | (c >> 6)), (char)(0x80 | (c & 0x3f))};
        sl_err rc = c < 0x80 ? sl_buf_append(out, &s[i], 1) : sl_buf_append(out, u, 2);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

/* Splits one logical header line "Name: value" into *out (name lower-case, value trimmed). */
static sl_err field_add(const char *p, size_t len, struct sl_strvec *out)
{
    const char *colon = memchr(p, ':', len);
    if (colon == NULL || colon == p)
        return SL_OK; /* not a field: passed over */
    const char *v = colon + 1, *end = p + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    struct sl_buf name = SL_BUF_INIT, value = SL_BUF_INIT;
    sl_err rc = append_text(&name, p, (size_t)(colon - p));
    for (size_t i = 0; i < name.len; i++)
        if (name.data[i] >= 'A' && name.data[i] <= 'Z')
            name.data[i] = (char)(name.data[i] + 32);
    if (rc == SL_OK)
        rc = append_text(&value, v, (size_t)(end - v));
    if (rc == SL_OK)
        rc = sl_strvec_push(out, name.data ? name.data : "", name.len);
    if (rc == SL_OK) {
        rc = sl_strvec_push(out, value.data ? value.data : "", value.len);
        if (rc != SL_OK) { /* keep names and values in pairs */
            out->n--;
            sl_free((char *)out->v[out->n].ptr);
        }
    }
    sl_buf_release(&name);
    sl_buf_release(&value);
    return rc;
}

/* The fields of raw header lines (status line first; obsolete line folding joined). */
static sl_err fields_parse(const struct sl_buf *raw, struct sl_strvec *out)
{
    struct sl_buf cur = SL_BUF_INIT; /* the logical line being gathered */
    const char *p = raw->data ? raw->data : "", *end = p + raw->len;
    sl_err rc = SL_OK;
    bool first = true;
    while (p < end && rc == SL_OK) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        size_t len = (size_t)(le - p);
        if (len > 0 && p[len - 1] == '\r')
            len--;
        if (first) {
            first = false; /* the status line */
        } else if (len > 0 && (p[0] == ' ' || p[0] == '\t')) {
            if (cur.len > 0) {
                while (len > 0 && (*p == ' ' || *p == '\t'))
                    p++, len--;
                rc = sl_buf_append(&cur, " ", 1);
                if (rc == SL_OK)
                    rc = sl_buf_append(&cur, p, len);
            }
        } else {
            if (cur.len > 0)
                rc = field_add(cur.data, cur.len, out);
            sl_buf_reset(&cur);
            if (rc == SL_OK && len > 0)
                rc = sl_buf_append(&cur, p, len);
        }
        p = eol ? eol + 1 : end;
    }
    if (rc == SL_OK && cur.len > 0)
        rc = field_add(cur.data, cur.len, out);
    sl_buf_release(&cur);
    return rc;
}

/* An error of sl_http_perform recoded into the categories of httpc_backend.h. */
static sl_err recode(sl_err rc, int code, struct sl_error *err)
{
    switch (code) {
    case CURLE_URL_MALFORMAT:
        return sl_error_recode(err, SL_EINVAL);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return sl_error_recode(err, SL_ECONN);
    case CURLE_UNSUPPORTED_PROTOCOL: /* the scheme was checked: an HTTP/0.9 answer */
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return sl_error_recode(err, SL_EIO); /* connected, then the exchange failed */
    default:
        return rc;
    }
}

static sl_err curl_exchange(const struct sl_httpc_exchange *x, struct sl_httpc_reply *out,
                            struct sl_error *err)
{
    char *url = NULL, *final = NULL;
    CURLU *u = NULL, *lu = NULL;
    struct origin o = {NULL, NULL, 0}, lo = {NULL, NULL, 0};
    struct sl_strvec lines = SL_STRVEC_INIT;
    const char **hdrs = NULL;
    struct sl_http_request req;
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    sl_err rc;

    if (memchr(x->url.ptr, '\0', x->url.len) != NULL) {
        rc = sl_error_set(err, SL_EINVAL, WHAT ": invalid URL: it contains a NUL byte");
        goto out;
    }
    url = sl_strndup(x->url.ptr, x->url.len);
    if (url == NULL) {
        rc = sl_error_set(err, SL_ENOMEM, WHAT ": out of memory");
        goto out;
    }
    rc = url_parse(url, &u, &o, err);
    if (rc != SL_OK)
        goto out;
    rc = x->check_target(x->arg, o.scheme, o.host, o.port, err);
    if (rc != SL_OK)
        goto out;
    rc = url_final(u, x, &final, err);
    if (rc != SL_OK)
        goto out;
    if (header_lines(x, &lines) != SL_OK
        || (hdrs = sl_calloc(lines.n ? lines.n : 1, sizeof(*hdrs))) == NULL) {
        rc = sl_error_set(err, SL_ENOMEM, WHAT ": out of memory");
        goto out;
    }
    for (size_t i = 0; i < lines.n; i++)
        hdrs[i] = lines.v[i].ptr;

    req = (struct sl_http_request){
        .method = x->method,
        .url = final,
        .headers = hdrs,
        .nheaders = lines.n,
        .send_body = x->has_body,
        .body = x->body.ptr,
        .body_len = x->body.len,
        .timeout_ms = (unsigned long)SL_MIN(x->timeout_ms, (uint64_t)LONG_MAX),
        .connect_timeout_ms = (unsigned long)SL_MIN(x->timeout_ms, (uint64_t)LONG_MAX),
        .stop = x->stop,
        .stop_arg = x->arg,
        .max_body = MAX_BODY,
    };
    rc = sl_http_perform(WHAT, &req, &resp, err);
    if (rc == SL_EAUTH && resp.status != 0)
        rc = SL_OK; /* 401 and 403 are answers like any other here */
    if (rc != SL_OK) {
        rc = recode(rc, resp.curl_code, err);
        goto out;
    }
    out->status = (uint16_t)resp.status;
    if (fields_parse(&resp.headers, &out->headers) != SL_OK) {
        rc = sl_error_set(err, SL_ENOMEM, WHAT ": out of memory");
        goto out;
    }
    out->body = resp.body;
    resp.body = (struct sl_buf)SL_BUF_INIT;
    if (resp.status >= 300 && resp.status < 400 && resp.redirect_url.len > 0) {
        struct sl_error lerr = SL_ERROR_INIT;
        /* a Location that does not parse is no redirect: the 3xx answer is the result */
        if (url_parse(sl_buf_cstr(&resp.redirect_url), &lu, &lo, &lerr) == SL_OK) {
            out->location = resp.redirect_url;
            resp.redirect_url = (struct sl_buf)SL_BUF_INIT;
            out->location_cross_origin = !origin_same(&o, &lo);
        }
    }
out:
    if (rc != SL_OK)
        sl_httpc_reply_release(out);
    sl_http_response_release(&resp);
    sl_free(hdrs);
    sl_strvec_release(&lines);
    origin_release(&lo);
    origin_release(&o);
    curl_url_cleanup(lu);
    curl_url_cleanup(u);
    sl_free(final);
    sl_free(url);
    return rc;
}

const struct sl_httpc_backend sl_httpc_backend_curl = {
    .version = SL_HTTPC_BACKEND_V1,
    .name = "curl",
    .exchange = curl_exchange,
    .shutdown = sl_http_thread_cleanup,
};
