/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_azblob.c -- keyvalue.azblob: one Azure Blob container per open name, one
 * block blob per key, over the Blob REST API with Shared Key signing
 * (cloud/). The container is created by the first set that needs it; a
 * missing container reads as empty. Built into the slight-cloud module.
 */
#include "sl_common.h"

#include "capabilities/keyvalue/kv_backend.h"

#include "cloud/azure_connstr.h"
#include "cloud/azure_sharedkey.h"
#include "cloud/http_client.h"
#include "common/mem.h"

#include <stdio.h>
#include <string.h>

#define RESOURCE "keyvalue.azblob"
#define API_VERSION "2021-12-02"
/* Blobs asked for per List Blobs call; the service's maximum is 5000. */
#define LIST_PAGE 1000

#define SL_MODULE_EXPORT __attribute__((visibility("default")))
SL_MODULE_EXPORT extern const struct sl_kv_backend sl_kv_backend_azblob;

struct kv_azblob_store {
    struct sl_kv_store base;
    struct sl_azure_storage az; /* account, key (secret), endpoint */
    const char *ep_path;        /* into az.endpoint: its path ("" or "/devstoreaccount1") */
    char *container;            /* owned, percent-encoded */
};

static const struct sl_config_key azblob_config_keys[] = {
    {"AZURE_STORAGE_ACCOUNT", false, false},
    {"AZURE_STORAGE_KEY", false, true},
    {"AZURE_STORAGE_CONNECTION_STRING", false, true},
    {"AZURE_STORAGE_ENDPOINT", false, false},
    {NULL, false, false},
};

static struct kv_azblob_store *store_of(struct sl_kv_store *st)
{
    return (struct kv_azblob_store *)st;
}

static void azblob_close(struct sl_kv_store *st)
{
    struct kv_azblob_store *s = store_of(st);
    if (s == NULL)
        return;
    sl_azure_storage_release(&s->az);
    sl_free(s->container);
    sl_free(s);
}

static sl_err replace(char **field, const char *v)
{
    if (v == NULL)
        return SL_OK;
    char *d = sl_strdup(v);
    if (d == NULL)
        return SL_ENOMEM;
    sl_free(*field);
    *field = d;
    return SL_OK;
}

static sl_err azblob_open(const struct sl_config *cfg, struct sl_str name, struct sl_kv_store **out,
                          struct sl_error *err)
{
    *out = NULL;
    struct kv_azblob_store *s = sl_calloc(1, sizeof(*s));
    if (s == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    sl_err rc = SL_OK;
    struct sl_buf auth = SL_BUF_INIT, c = SL_BUF_INIT;
    const char *scheme = NULL;
    size_t elen = 0;
    const char *cs = sl_config_get(cfg, "AZURE_STORAGE_CONNECTION_STRING");
    if (cs != NULL && sl_azure_connstr_parse(cs, &s->az, err) != SL_OK) {
        sl_error_prefix(err, RESOURCE ": AZURE_STORAGE_CONNECTION_STRING");
        rc = err ? err->code : SL_ECONFIG;
        goto fail;
    }
    if (replace(&s->az.account, sl_config_get(cfg, "AZURE_STORAGE_ACCOUNT")) != SL_OK ||
        replace(&s->az.key, sl_config_get(cfg, "AZURE_STORAGE_KEY")) != SL_OK ||
        replace(&s->az.endpoint, sl_config_get(cfg, "AZURE_STORAGE_ENDPOINT")) != SL_OK)
        goto oom;
    if (s->az.account == NULL || s->az.key == NULL) {
        rc = sl_error_set(err, SL_ECONFIG,
                          RESOURCE ": needs config 'AZURE_STORAGE_ACCOUNT' and "
                                   "'AZURE_STORAGE_KEY', or 'AZURE_STORAGE_CONNECTION_STRING'");
        goto fail;
    }
    if (s->az.endpoint == NULL) {
        if (sl_buf_appendf(&c, "https://%s.blob.core.windows.net", s->az.account) != SL_OK)
            goto oom;
        s->az.endpoint = sl_buf_detach(&c);
    }
    elen = strlen(s->az.endpoint);
    while (elen > 0 && s->az.endpoint[elen - 1] == '/')
        s->az.endpoint[--elen] = '\0';
    scheme = strstr(s->az.endpoint, "://");
    if (scheme == NULL) {
        rc = sl_error_set(err, SL_ECONFIG, RESOURCE ": the Blob endpoint '%s' is not a URL",
                          s->az.endpoint);
        goto fail;
    }
    s->ep_path = scheme + 3 + strcspn(scheme + 3, "/?");
    /* a key that is not base64 fails here rather than at every call */
    rc = sl_azure_sharedkey_authorization(
        &(struct sl_azure_signed_request){.method = "GET", .account = s->az.account, .path = "/"},
        s->az.key, &auth, err);
    sl_buf_release(&auth);
    if (rc != SL_OK) {
        sl_error_prefix(err, RESOURCE ": AZURE_STORAGE_KEY");
        rc = sl_error_recode(err, rc == SL_EAUTH ? SL_ECONFIG : rc);
        goto fail;
    }
    if (sl_http_url_encode(&c, name.ptr, name.len, NULL) != SL_OK)
        goto oom;
    s->container = sl_buf_detach(&c);
    *out = &s->base;
    return SL_OK;
oom:
    rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
fail:
    sl_buf_release(&c);
    azblob_close(&s->base);
    return rc;
}

/* Shown in messages: keys may be long; the first 200 bytes say which one. */
static int shown(struct sl_str key)
{
    return (int)SL_MIN(key.len, (size_t)200);
}

struct call {
    const char *method;
    const struct sl_str *blob; /* NULL: the container itself */
    const char *query;         /* without '?', or NULL */
    bool send_body;
    struct sl_str body;
    const char *extra; /* one more x-ms- header line, or NULL */
};

/* One signed request to the container or one of its blobs. */
static sl_err blob_call(struct kv_azblob_store *s, const struct call *c,
                        struct sl_http_response *resp, struct sl_error *err)
{
    struct sl_buf path = SL_BUF_INIT, url = SL_BUF_INIT, auth = SL_BUF_INIT;
    char date[32], date_h[48], auth_h[160];
    const char *content_type = c->send_body ? "application/octet-stream" : NULL;
    const char *headers[6] = {date_h, "x-ms-version: " API_VERSION};
    size_t nh = 2;
    struct sl_azure_signed_request sr;
    struct sl_http_request req;
    sl_err rc = sl_buf_appendf(&path, "%s/%s", s->ep_path, s->container);
    if (rc == SL_OK && c->blob != NULL) {
        rc = sl_buf_append(&path, "/", 1);
        if (rc == SL_OK)
            rc = sl_http_url_encode(&path, c->blob->ptr, c->blob->len, "/");
    }
    if (rc == SL_OK)
        rc = sl_buf_appendf(&url, "%.*s%s%s%s", (int)(s->ep_path - s->az.endpoint),
                            s->az.endpoint, path.data, c->query ? "?" : "",
                            c->query ? c->query : "");
    if (rc != SL_OK) {
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        goto out;
    }
    sl_azure_date_now(date);
    snprintf(date_h, sizeof(date_h), "x-ms-date: %s", date);
    if (c->extra != NULL)
        headers[nh++] = c->extra;
    sr = (struct sl_azure_signed_request){
        .method = c->method,
        .content_length = c->send_body ? c->body.len : 0,
        .content_type = content_type,
        .headers = headers,
        .nheaders = nh,
        .account = s->az.account,
        .path = path.data,
        .query = c->query,
    };
    rc = sl_azure_sharedkey_authorization(&sr, s->az.key, &auth, err);
    if (rc != SL_OK) {
        sl_error_prefix(err, RESOURCE);
        goto out;
    }
    snprintf(auth_h, sizeof(auth_h), "Authorization: %s", auth.data);
    headers[nh++] = auth_h;
    if (content_type != NULL)
        headers[nh++] = "Content-Type: application/octet-stream";
    req = (struct sl_http_request){
        .method = c->method,
        .url = url.data,
        .headers = headers,
        .nheaders = nh,
        .send_body = c->send_body,
        .body = c->body.ptr,
        .body_len = c->body.len,
    };
    rc = sl_http_perform(RESOURCE, &req, resp, err);
out:
    sl_buf_release(&path);
    sl_buf_release(&url);
    sl_buf_release(&auth);
    return rc;
}

/* An error for an unexpected status, with the service's error code. */
static sl_err status_error(const char *op, const struct sl_http_response *resp,
                           struct sl_error *err)
{
    char code[96] = "";
    sl_http_response_header(resp, "x-ms-error-code", code, sizeof(code));
    sl_err e = resp->status >= 500                        ? SL_EIO
               : resp->status == 413                      ? SL_EINVALVALUE
               : strcmp(code, "InvalidResourceName") == 0 ? SL_EINVALKEY
               : strcmp(code, "InvalidUri") == 0          ? SL_EINVALKEY
                                                          : SL_EIO;
    return sl_error_set(err, e, RESOURCE ": %s failed: HTTP %ld%s%s", op, resp->status,
                        code[0] ? " " : "", code);
}

static bool is_container_missing(const struct sl_http_response *resp)
{
    char code[64] = "";
    sl_http_response_header(resp, "x-ms-error-code", code, sizeof(code));
    return resp->status == 404 && strcmp(code, "ContainerNotFound") == 0;
}

static sl_err azblob_get(struct sl_kv_store *st, struct sl_str key, struct sl_buf *val,
                         struct sl_error *err)
{
    struct kv_azblob_store *s = store_of(st);
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    struct call c = {.method = "GET", .blob = &key};
    sl_err rc = blob_call(s, &c, &resp, err);
    if (rc == SL_OK) {
        if (resp.status == 404)
            rc = sl_error_set(err, SL_ENOTFOUND, RESOURCE ": key '%.*s' not found", shown(key),
                              key.ptr);
        else if (resp.status != 200)
            rc = status_error("get", &resp, err);
        else if (sl_buf_append(val, resp.body.data, resp.body.len) != SL_OK)
            rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    sl_http_response_release(&resp);
    return rc;
}

static sl_err create_container(struct kv_azblob_store *s, struct sl_error *err)
{
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    struct call c = {.method = "PUT", .query = "restype=container", .send_body = true};
    sl_err rc = blob_call(s, &c, &resp, err);
    /* 409: created meanwhile by another store or process */
    if (rc == SL_OK && resp.status != 201 && resp.status != 409)
        rc = status_error("creating the container", &resp, err);
    sl_http_response_release(&resp);
    return rc;
}

static sl_err azblob_set(struct sl_kv_store *st, struct sl_str key, struct sl_str val,
                         struct sl_error *err)
{
    struct kv_azblob_store *s = store_of(st);
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    struct call c = {.method = "PUT",
                     .blob = &key,
                     .send_body = true,
                     .body = val,
                     .extra = "x-ms-blob-type: BlockBlob"};
    sl_err rc = blob_call(s, &c, &resp, err);
    if (rc == SL_OK && is_container_missing(&resp)) {
        rc = create_container(s, err);
        if (rc == SL_OK)
            rc = blob_call(s, &c, &resp, err);
    }
    if (rc == SL_OK && resp.status != 201)
        rc = status_error("set", &resp, err);
    sl_http_response_release(&resp);
    return rc;
}

static sl_err azblob_del(struct sl_kv_store *st, struct sl_str key, struct sl_error *err)
{
    struct kv_azblob_store *s = store_of(st);
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    struct call c = {.method = "DELETE", .blob = &key, .extra = "x-ms-delete-snapshots: include"};
    sl_err rc = blob_call(s, &c, &resp, err);
    if (rc == SL_OK && resp.status != 202 && resp.status != 200 && resp.status != 404)
        rc = status_error("delete", &resp, err);
    sl_http_response_release(&resp);
    return rc;
}

/* ---- List Blobs: a flat XML document, read with a few string searches ---- */

/* The text between <tag...> and </tag> at or after *p, advancing *p; false when absent. */
static bool xml_element(const char **p, const char *end, const char *tag, struct sl_str *text,
                        bool *encoded)
{
    char open[64], close[64];
    snprintf(open, sizeof(open), "<%s", tag);
    snprintf(close, sizeof(close), "</%s>", tag);
    for (const char *s = *p; s < end;) {
        const char *o = memmem(s, (size_t)(end - s), open, strlen(open));
        if (o == NULL)
            return false;
        const char *after = o + strlen(open);
        if (after >= end || (*after != '>' && *after != ' ' && *after != '/')) {
            s = after;
            continue;
        }
        const char *gt = memchr(after, '>', (size_t)(end - after));
        if (gt == NULL)
            return false;
        if (encoded != NULL)
            *encoded = memmem(after, (size_t)(gt - after), "Encoded=\"true\"", 14) != NULL;
        if (gt[-1] == '/') { /* <tag /> */
            *text = (struct sl_str){gt, 0};
            *p = gt + 1;
            return true;
        }
        const char *c = memmem(gt + 1, (size_t)(end - gt - 1), close, strlen(close));
        if (c == NULL)
            return false;
        *text = (struct sl_str){gt + 1, (size_t)(c - gt - 1)};
        *p = c + strlen(close);
        return true;
    }
    return false;
}

static sl_err append_utf8(struct sl_buf *b, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return sl_buf_append(b, u, n);
}

/* XML text with its entities replaced; percent-decoded too when encoded. */
static sl_err xml_text(struct sl_str t, bool encoded, struct sl_buf *out)
{
    sl_err rc = SL_OK;
    for (size_t i = 0; rc == SL_OK && i < t.len; i++) {
        const char *p = t.ptr + i;
        if (*p == '&') {
            const char *semi = memchr(p, ';', t.len - i);
            size_t n = semi ? (size_t)(semi - p) : 0;
            static const struct {
                const char *name;
                char c;
            } ents[] = {{"&amp", '&'}, {"&lt", '<'}, {"&gt", '>'}, {"&quot", '"'}, {"&apos", '\''}};
            bool done = false;
            for (size_t e = 0; semi && e < SL_ARRAY_SIZE(ents) && !done; e++)
                if (n == strlen(ents[e].name) && memcmp(p, ents[e].name, n) == 0) {
                    rc = sl_buf_append(out, &ents[e].c, 1);
                    done = true;
                }
            if (!done && semi && n > 2 && p[1] == '#') {
                unsigned long cp = 0;
                bool hex = p[2] == 'x' || p[2] == 'X';
                for (size_t k = hex ? 3 : 2; k < n; k++) {
                    int digit = hex ? sl_hex_value(p[k]) : p[k] - '0';
                    cp = cp * (hex ? 16 : 10) + (unsigned long)digit;
                }
                rc = append_utf8(out, cp);
                done = true;
            }
            if (done) {
                i += n;
                continue;
            }
        } else if (encoded && *p == '%' && i + 2 < t.len && sl_hex_value(p[1]) >= 0 &&
                   sl_hex_value(p[2]) >= 0) {
            char c = (char)(sl_hex_value(p[1]) * 16 + sl_hex_value(p[2]));
            rc = sl_buf_append(out, &c, 1);
            i += 2;
            continue;
        }
        rc = sl_buf_append(out, p, 1);
    }
    return rc;
}

/* Appends the blob names of one page; sets *marker to NextMarker (empty at the end). */
static sl_err list_page(const struct sl_buf *body, struct sl_strvec *out, struct sl_buf *marker,
                        struct sl_error *err)
{
    const char *p = sl_buf_cstr(body), *end = p + body->len;
    struct sl_str text;
    struct sl_buf name = SL_BUF_INIT;
    sl_err rc = SL_OK;
    const char *blobs = p;
    struct sl_str section;
    if (!xml_element(&blobs, end, "Blobs", &section, NULL))
        return sl_error_set(err, SL_EIO, RESOURCE ": unexpected reply to List Blobs");
    const char *q = section.ptr, *qend = section.ptr + section.len;
    struct sl_str blob;
    while (rc == SL_OK && xml_element(&q, qend, "Blob", &blob, NULL)) {
        const char *b = blob.ptr;
        bool encoded = false;
        if (!xml_element(&b, blob.ptr + blob.len, "Name", &text, &encoded))
            continue;
        sl_buf_reset(&name);
        rc = xml_text(text, encoded, &name);
        if (rc == SL_OK)
            rc = sl_strvec_push(out, name.data ? name.data : "", name.len);
    }
    sl_buf_release(&name);
    sl_buf_reset(marker);
    const char *m = blobs;
    if (rc == SL_OK && xml_element(&m, end, "NextMarker", &text, NULL))
        rc = xml_text(text, false, marker);
    if (rc != SL_OK)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    return SL_OK;
}

static sl_err azblob_keys(struct sl_kv_store *st, struct sl_strvec *out, struct sl_error *err)
{
    struct kv_azblob_store *s = store_of(st);
    struct sl_buf marker = SL_BUF_INIT, query = SL_BUF_INIT;
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    sl_err rc = SL_OK;
    do {
        sl_buf_reset(&query);
        rc = sl_buf_appendf(&query, "restype=container&comp=list&maxresults=%d", LIST_PAGE);
        if (rc == SL_OK && marker.len > 0) {
            rc = sl_buf_appends(&query, "&marker=");
            if (rc == SL_OK)
                rc = sl_http_url_encode(&query, marker.data, marker.len, NULL);
        }
        if (rc != SL_OK) {
            rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
            break;
        }
        struct call c = {.method = "GET", .query = query.data};
        rc = blob_call(s, &c, &resp, err);
        if (rc != SL_OK)
            break;
        if (is_container_missing(&resp)) { /* nothing was ever set */
            sl_buf_reset(&marker);
            break;
        }
        if (resp.status != 200) {
            rc = status_error("listing the keys", &resp, err);
            break;
        }
        rc = list_page(&resp.body, out, &marker, err);
    } while (rc == SL_OK && marker.len > 0);
    sl_http_response_release(&resp);
    sl_buf_release(&marker);
    sl_buf_release(&query);
    if (rc != SL_OK)
        sl_strvec_release(out);
    return rc;
}

static void azblob_shutdown(void)
{
    sl_http_thread_cleanup();
}

const struct sl_kv_backend sl_kv_backend_azblob = {
    .version = SL_KV_BACKEND_V1,
    .name = "azblob",
    .config_keys = azblob_config_keys,
    .open = azblob_open,
    .close = azblob_close,
    .get = azblob_get,
    .set = azblob_set,
    .del = azblob_del,
    .keys = azblob_keys,
    .shutdown = azblob_shutdown,
};
