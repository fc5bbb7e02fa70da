/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_client.c -- sl_http_perform over libcurl easy handles, one per thread
 * (kept in thread-specific storage, so connections are reused across calls
 * and closed at thread exit). It does no retrying, no redirects and never
 * puts a credential or a query string into a message.
 */
#include "sl_common.h"

#include "http_client.h"

#include "common/mem.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static pthread_key_t handle_key;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void handle_free(void *h)
{
    curl_easy_cleanup(h);
}

static void global_init(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (global_rc == CURLE_OK && pthread_key_create(&handle_key, handle_free) != 0)
        global_rc = CURLE_FAILED_INIT;
}

/* The calling thread's handle, reset to defaults, or NULL. */
static CURL *thread_handle(void)
{
    pthread_once(&global_once, global_init);
    if (global_rc != CURLE_OK)
        return NULL;
    CURL *h = pthread_getspecific(handle_key);
    if (h != NULL) {
        curl_easy_reset(h); /* keeps the connection cache */
        return h;
    }
    h = curl_easy_init();
    if (h != NULL && pthread_setspecific(handle_key, h) != 0) {
        curl_easy_cleanup(h);
        h = NULL;
    }
    return h;
}

void sl_http_thread_cleanup(void)
{
    pthread_once(&global_once, global_init);
    if (global_rc != CURLE_OK)
        return;
    CURL *h = pthread_getspecific(handle_key);
    if (h != NULL) {
        pthread_setspecific(handle_key, NULL);
        curl_easy_cleanup(h);
    }
}

struct sink {
    struct sl_buf *buf;
    bool failed;
    size_t max;   /* 0: no limit */
    bool too_big; /* more than max bytes came */
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    struct sink *s = arg;
    if (s->max != 0 && size * n > s->max - s->buf->len) {
        s->too_big = true;
        return 0;
    }
    if (sl_buf_append(s->buf, p, size * n) != SL_OK) {
        s->failed = true;
        return 0;
    }
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct sink *s = arg;
    /* a new status line (after 100 Continue): keep only the final response's headers */
    if (size * n >= 5 && memcmp(p, "HTTP/", 5) == 0)
        sl_buf_reset(s->buf);
    if (sl_buf_append(s->buf, p, size * n) != SL_OK) {
        s->failed = true;
        return 0;
    }
    return size * n;
}

/* The URL up to its query, for messages. */
static int url_shown(const char *url)
{
    size_t n = strcspn(url, "?#");
    return (int)SL_MIN(n, (size_t)300);
}

/* CURLOPT_XFERINFOFUNCTION: a non-zero answer abandons the transfer. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    const struct sl_http_request *req = arg;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return req->stop(req->stop_arg) ? 1 : 0;
}

static sl_err map_curl_error(const char *what, const struct sl_http_request *req, CURLcode rc,
                             const char *detail, struct sl_error *err)
{
    const char *why = detail[0] ? detail : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return sl_error_set(err, SL_ETIMEOUT, "%s: %s '%.*s' timed out: %s", what, req->method,
                            url_shown(req->url), req->url, why);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return sl_error_set(err, SL_ECONN, "%s: cannot connect to '%.*s': %s", what,
                            url_shown(req->url), req->url, why);
    case CURLE_ABORTED_BY_CALLBACK:
        return sl_error_set(err, SL_ETIMEOUT, "%s: %s '%.*s' stopped: the deadline passed", what,
                            req->method, url_shown(req->url), req->url);
    case CURLE_OUT_OF_MEMORY:
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", what);
    default:
        return sl_error_set(err, SL_EIO, "%s: %s '%.*s' failed: %s", what, req->method,
                            url_shown(req->url), req->url, why);
    }
}

sl_err sl_http_perform(const char *what, const struct sl_http_request *req,
                       struct sl_http_response *resp, struct sl_error *err)
{
    CURL *h = thread_handle();
    if (h == NULL)
        return sl_error_set(err, SL_EINTERNAL, "%s: cannot initialize libcurl", what);

    struct curl_slist *hdrs = NULL;
    for (size_t i = 0; i < req->nheaders; i++) {
        struct curl_slist *n = curl_slist_append(hdrs, req->headers[i]);
        if (n == NULL) {
            curl_slist_free_all(hdrs);
            return sl_error_set(err, SL_ENOMEM, "%s: out of memory", what);
        }
        hdrs = n;
    }
    /* curl would wait for a 100 Continue before large bodies */
    struct curl_slist *n = curl_slist_append(hdrs, "Expect:");
    if (n == NULL) {
        curl_slist_free_all(hdrs);
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", what);
    }
    hdrs = n;

    char detail[CURL_ERROR_SIZE] = "";
    struct sink body = {&resp->body, false, req->max_body, false};
    struct sink head = {&resp->headers, false, 0, false};
    sl_buf_reset(&resp->body);
    sl_buf_reset(&resp->headers);
    sl_buf_reset(&resp->redirect_url);
    resp->status = 0;
    resp->curl_code = CURLE_OK;

    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     (long)(req->timeout_ms ? req->timeout_ms : SL_HTTP_DEFAULT_TIMEOUT_MS));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(req->connect_timeout_ms ? req->connect_timeout_ms
                                                    : SL_HTTP_DEFAULT_CONNECT_TIMEOUT_MS));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &head);
    if (strcmp(req->method, "HEAD") == 0)
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (req->send_body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body_len ? req->body : "");
    }
    if (req->stop != NULL) {
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)req);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    }
    if (req->aws_sigv4 != NULL) {
        curl_easy_setopt(h, CURLOPT_AWS_SIGV4, req->aws_sigv4);
        curl_easy_setopt(h, CURLOPT_USERNAME, req->username ? req->username : "");
        curl_easy_setopt(h, CURLOPT_PASSWORD, req->password ? req->password : "");
    }

    CURLcode rc = curl_easy_perform(h);
    /* the handle outlives this call: drop pointers to our stack and lists */
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(hdrs);

    resp->curl_code = (int)rc;
    if (body.failed || head.failed)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", what);
    if (body.too_big)
        return sl_error_set(err, SL_EIO,
                            "%s: %s '%.*s': the response body is larger than %zu bytes", what,
                            req->method, url_shown(req->url), req->url, req->max_body);
    if (rc != CURLE_OK)
        return map_curl_error(what, req, rc, detail, err);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
    char *location = NULL;
    if (curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location != NULL
        && sl_buf_appends(&resp->redirect_url, location) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", what);
    if (resp->status == 401 || resp->status == 403)
        return sl_error_set(err, SL_EAUTH, "%s: %s '%.*s': access denied (HTTP %ld)", what,
                            req->method, url_shown(req->url), req->url, resp->status);
    return SL_OK;
}

void sl_http_response_release(struct sl_http_response *resp)
{
    sl_buf_release(&resp->body);
    sl_buf_release(&resp->headers);
    sl_buf_release(&resp->redirect_url);
    resp->status = 0;
    resp->curl_code = 0;
}

bool sl_http_response_header(const struct sl_http_response *resp, const char *name, char *out,
                             size_t outsz)
{
    size_t nlen = strlen(name);
    const char *p = sl_buf_cstr(&resp->headers);
    while (*p != '\0') {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
            const char *v = p + nlen + 1, *end = p + len;
            while (v < end && (*v == ' ' || *v == '\t'))
                v++;
            while (end > v && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
                end--;
            if (outsz > 0)
                snprintf(out, outsz, "%.*s", (int)(end - v), v);
            return true;
        }
        p += len + (eol != NULL);
    }
    return false;
}

sl_err sl_http_url_encode(struct sl_buf *out, const char *s, size_t len, const char *keep)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_' || c == '.' || c == '~' ||
                     (keep != NULL && c != '\0' && strchr(keep, c) != NULL);
        sl_err rc;
        if (plain) {
            rc = sl_buf_append(out, &s[i], 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = sl_buf_append(out, e, 3);
        }
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}
