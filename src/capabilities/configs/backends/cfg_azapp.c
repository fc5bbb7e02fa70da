/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg_azapp.c -- configs.azapp: Azure App Configuration key-values over its
 * REST API with HMAC-SHA256 signing (cloud/azure_appconfig.h). As in slight,
 * the connection comes only from the host variables AZAPPCONFIG_ENDPOINT,
 * AZAPPCONFIG_KEYID and AZAPPCONFIG_KEYSECRET, never from the slightfile, and
 * each call is tried up to 3 times. Built into the slight-cloud module.
 */
#include "sl_common.h"

#include "capabilities/configs/cfg_backend.h"

#include "cloud/azure_appconfig.h"
#include "cloud/azure_sharedkey.h"
#include "cloud/http_client.h"
#include "common/mem.h"
#include "common/utf8.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define RESOURCE "configs.azapp"
/* slight's MAX_NUM_RETRIES: attempts per call */
#define ATTEMPTS 3

#define SL_MODULE_EXPORT __attribute__((visibility("default")))
SL_MODULE_EXPORT extern const struct sl_cfgs_backend sl_cfgs_backend_azapp;

struct cfg_azapp_store {
    struct sl_cfgs_store base;
    char *base_url; /* "https://name.azconfig.io" */
    char *host;     /* "name.azconfig.io" */
    char *key_id;
    char *secret; /* base64, as given; never shown */
};

static struct cfg_azapp_store *store_of(struct sl_cfgs_store *st)
{
    return (struct cfg_azapp_store *)st;
}

static void azapp_close(struct sl_cfgs_store *st)
{
    struct cfg_azapp_store *s = store_of(st);
    if (s == NULL)
        return;
    sl_free(s->base_url);
    sl_free(s->host);
    sl_free(s->key_id);
    if (s->secret != NULL) {
        memset(s->secret, 0, strlen(s->secret));
        sl_free(s->secret);
    }
    sl_free(s);
}

static sl_err azapp_open(const struct sl_config *cfg, struct sl_str name,
                         struct sl_cfgs_store **out, struct sl_error *err)
{
    (void)cfg, (void)name;
    *out = NULL;
    static const char *const vars[] = {"AZAPPCONFIG_ENDPOINT", "AZAPPCONFIG_KEYID",
                                       "AZAPPCONFIG_KEYSECRET"};
    const char *v[3];
    for (size_t i = 0; i < 3; i++) {
        v[i] = getenv(vars[i]);
        if (v[i] == NULL || v[i][0] == '\0')
            return sl_error_set(err, SL_ECONFIG,
                                RESOURCE ": the host environment variable %s is not set (the "
                                         "connection comes from AZAPPCONFIG_ENDPOINT, "
                                         "AZAPPCONFIG_KEYID and AZAPPCONFIG_KEYSECRET)",
                                vars[i]);
    }
    struct sl_buf auth = SL_BUF_INIT;
    struct cfg_azapp_store *s = sl_calloc(1, sizeof(*s));
    if (s == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    sl_err rc = sl_azapp_endpoint_parse(v[0], &s->base_url, &s->host, err);
    if (rc != SL_OK) {
        sl_error_prefix(err, RESOURCE ": AZAPPCONFIG_ENDPOINT");
        goto fail;
    }
    s->key_id = sl_strdup(v[1]);
    s->secret = sl_strdup(v[2]);
    if (s->key_id == NULL || s->secret == NULL) {
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        goto fail;
    }
    /* a secret that is not base64 fails here rather than at every call */
    rc = sl_azapp_authorization(
        &(struct sl_azapp_signed_request){"GET", "/", "", s->host, ""}, s->key_id, s->secret,
        &auth, err);
    sl_buf_release(&auth);
    if (rc != SL_OK) {
        sl_error_prefix(err, RESOURCE ": AZAPPCONFIG_KEYSECRET");
        rc = sl_error_recode(err, rc == SL_EAUTH ? SL_ECONFIG : rc);
        goto fail;
    }
    *out = &s->base;
    return SL_OK;
fail:
    azapp_close(&s->base);
    return rc;
}

/* Shown in messages: keys may be long; the first 200 bytes say which one. */
static int shown(struct sl_str key)
{
    return (int)SL_MIN(key.len, (size_t)200);
}

/* Worth another attempt: no answer, or the service is busy or failing. */
static bool is_transient(sl_err rc, long status)
{
    if (rc == SL_ECONN || rc == SL_ETIMEOUT || rc == SL_EIO)
        return true;
    return rc == SL_OK && (status == 429 || status >= 500);
}

/*
 * One signed request for key, tried up to ATTEMPTS times; *resp holds the
 * last answer. op names the call in messages ("get", "set").
 */
static sl_err azapp_call(struct cfg_azapp_store *s, const char *method, const char *op,
                         struct sl_str key, const char *body, struct sl_http_response *resp,
                         struct sl_error *err)
{
    struct sl_buf path = SL_BUF_INIT, url = SL_BUF_INIT, hash = SL_BUF_INIT;
    sl_err rc = SL_OK;
    size_t body_len = body ? strlen(body) : 0;
    if (sl_azapp_kv_path(key.ptr, key.len, &path) != SL_OK ||
        sl_buf_appendf(&url, "%s%s", s->base_url, sl_buf_cstr(&path)) != SL_OK ||
        sl_azapp_content_hash(body, body_len, &hash) != SL_OK) {
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        goto out;
    }
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        char date[32];
        sl_azure_date_now(date);
        struct sl_azapp_signed_request r = {method, sl_buf_cstr(&path), date, s->host,
                                            sl_buf_cstr(&hash)};
        struct sl_azapp_headers h;
        rc = sl_azapp_headers_build(&r, body != NULL, s->key_id, s->secret, &h, err);
        if (rc != SL_OK) {
            sl_error_prefix(err, RESOURCE);
            goto out;
        }
        sl_http_response_release(resp);
        struct sl_http_request req = {
            .method = method,
            .url = sl_buf_cstr(&url),
            .headers = (const char *const *)h.lines,
            .nheaders = h.n,
            .send_body = body != NULL,
            .body = body,
            .body_len = body_len,
        };
        rc = sl_http_perform(RESOURCE, &req, resp, err);
        sl_azapp_headers_release(&h);
        if (!is_transient(rc, resp->status))
            break;
        if (attempt == ATTEMPTS) {
            if (rc == SL_OK)
                sl_error_set(err, SL_EIO, RESOURCE ": HTTP %ld", resp->status);
            sl_error_prefix(err, RESOURCE ": failed to %s '%.*s': maximum number of retries "
                                 "reached",
                            op, shown(key), key.ptr);
            rc = sl_error_recode(err, SL_EIO);
        }
    }
out:
    sl_buf_release(&path);
    sl_buf_release(&url);
    sl_buf_release(&hash);
    return rc;
}

/* The error of an answer other than 2xx; 404 is not-found. */
static sl_err status_error(const char *op, struct sl_str key, long status, struct sl_error *err)
{
    if (status == 404)
        return sl_error_set(err, SL_ENOTFOUND, RESOURCE ": key '%.*s' not found", shown(key),
                            key.ptr);
    if (status == 401 || status == 403)
        return sl_error_set(err, SL_EAUTH,
                            RESOURCE ": %s '%.*s': HTTP %ld (check AZAPPCONFIG_KEYID and "
                                     "AZAPPCONFIG_KEYSECRET)",
                            op, shown(key), key.ptr, status);
    return sl_error_set(err, SL_EIO, RESOURCE ": %s '%.*s': HTTP %ld", op, shown(key), key.ptr,
                        status);
}

static sl_err azapp_get(struct sl_cfgs_store *st, struct sl_str key, struct sl_buf *val,
                        struct sl_error *err)
{
    struct cfg_azapp_store *s = store_of(st);
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    cJSON *doc = NULL;
    const cJSON *v = NULL;
    sl_err rc = azapp_call(s, "GET", "get", key, NULL, &resp, err);
    if (rc == SL_EAUTH || (rc == SL_OK && resp.status / 100 != 2)) {
        rc = status_error("get", key, resp.status, err);
        goto out;
    }
    if (rc != SL_OK)
        goto out;
    doc = cJSON_ParseWithLength(resp.body.data ? resp.body.data : "", resp.body.len);
    v = cJSON_GetObjectItemCaseSensitive(doc, "value");
    if (cJSON_IsNull(v))
        rc = SL_OK; /* a key-value whose value is null reads as empty */
    else if (!cJSON_IsString(v))
        rc = sl_error_set(err, SL_EIO, RESOURCE ": get '%.*s': the answer has no string value",
                          shown(key), key.ptr);
    else if (sl_buf_appends(val, v->valuestring) != SL_OK)
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
out:
    cJSON_Delete(doc);
    sl_http_response_release(&resp);
    return rc;
}

static sl_err azapp_set(struct sl_cfgs_store *st, struct sl_str key, struct sl_str val,
                        struct sl_error *err)
{
    struct cfg_azapp_store *s = store_of(st);
    if (!sl_utf8_valid((const uint8_t *)val.ptr, val.len) || memchr(val.ptr, '\0', val.len))
        return sl_error_set(err, SL_EINVALVALUE, RESOURCE ": the value of '%.*s' is not UTF-8 text",
                            shown(key), key.ptr);
    char *v = sl_strndup(val.ptr, val.len);
    cJSON *doc = cJSON_CreateObject();
    char *body = NULL;
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    sl_err rc = SL_OK;
    if (v == NULL || doc == NULL || cJSON_AddStringToObject(doc, "value", v) == NULL ||
        (body = cJSON_PrintUnformatted(doc)) == NULL) {
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        goto out;
    }
    rc = azapp_call(s, "PUT", "set", key, body, &resp, err);
    if (rc == SL_EAUTH || (rc == SL_OK && resp.status / 100 != 2))
        rc = status_error("set", key, resp.status, err);
out:
    sl_http_response_release(&resp);
    if (v != NULL) {
        memset(v, 0, val.len);
        sl_free(v);
    }
    if (body != NULL) {
        memset(body, 0, strlen(body));
        cJSON_free(body);
    }
    cJSON_Delete(doc);
    return rc;
}

static void azapp_shutdown(void)
{
    sl_http_thread_cleanup();
}

const struct sl_cfgs_backend sl_cfgs_backend_azapp = {
    .version = SL_CFGS_BACKEND_V1,
    .name = "azapp",
    .config_keys = NULL,
    .open = azapp_open,
    .close = azapp_close,
    .get = azapp_get,
    .set = azapp_set,
    .shutdown = azapp_shutdown,
};
