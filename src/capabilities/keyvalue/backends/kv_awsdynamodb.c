/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_awsdynamodb.c -- keyvalue.awsdynamodb: one DynamoDB table per open name,
 * items {key: S, value: S or B}, over the DynamoDB JSON API (cJSON) signed
 * with SigV4 by libcurl. The table is created (key: S hash key, on demand)
 * by the first set that needs it. Credentials stay in this store: never in
 * the process environment, never in messages. Built into slight-cloud.
 */
#include "sl_common.h"

#include "capabilities/keyvalue/kv_backend.h"

#include "cloud/http_client.h"
#include "common/mem.h"
#include "common/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#define RESOURCE "keyvalue.awsdynamodb"
/* Items asked for per Scan call (the service also stops a page at 1 MB). */
#define SCAN_PAGE 1000
/* How long set waits for a table it created to become ACTIVE. */
#define CREATE_WAIT_MS 60000

#define SL_MODULE_EXPORT __attribute__((visibility("default")))
SL_MODULE_EXPORT extern const struct sl_kv_backend sl_kv_backend_awsdynamodb;

struct kv_dynamo_store {
    struct sl_kv_store base;
    char *table;    /* owned */
    char *endpoint; /* owned: "https://dynamodb.REGION.amazonaws.com/" or AWS_ENDPOINT_URL */
    char *sigv4;    /* owned: "aws:amz:REGION:dynamodb" */
    char *key_id;   /* owned, secret */
    char *secret;   /* owned, secret */
    char *token_h;  /* owned: "X-Amz-Security-Token: ..." or NULL; secret */
};

static const struct sl_config_key dynamo_config_keys[] = {
    {"AWS_ACCESS_KEY_ID", true, true},
    {"AWS_SECRET_ACCESS_KEY", true, true},
    {"AWS_REGION", false, false}, /* this or AWS_DEFAULT_REGION: checked at open */
    {"AWS_DEFAULT_REGION", false, false},
    {"AWS_SESSION_TOKEN", false, true},
    {"AWS_ENDPOINT_URL", false, false},
    {NULL, false, false},
};

static struct kv_dynamo_store *store_of(struct sl_kv_store *st)
{
    return (struct kv_dynamo_store *)st;
}

static void wipe_free(char *s)
{
    if (s != NULL)
        sodium_memzero(s, strlen(s));
    sl_free(s);
}

static void dynamo_close(struct sl_kv_store *st)
{
    struct kv_dynamo_store *s = store_of(st);
    if (s == NULL)
        return;
    sl_free(s->table);
    sl_free(s->endpoint);
    sl_free(s->sigv4);
    wipe_free(s->key_id);
    wipe_free(s->secret);
    wipe_free(s->token_h);
    sl_free(s);
}

static char *printf_dup(const char *fmt, ...) SL_PRINTF(1, 2);
static char *printf_dup(const char *fmt, ...)
{
    struct sl_buf b_ = SL_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sl_err rc = sl_buf_vappendf(&b_, fmt, ap);
    va_end(ap);
    if (rc != SL_OK) {
        sl_buf_release(&b_);
        return NULL;
    }
    return sl_buf_detach(&b_);
}

static sl_err dynamo_open(const struct sl_config *cfg, struct sl_str name, struct sl_kv_store **out,
                          struct sl_error *err)
{
    *out = NULL;
    const char *id = sl_config_get(cfg, "AWS_ACCESS_KEY_ID");
    const char *secret = sl_config_get(cfg, "AWS_SECRET_ACCESS_KEY");
    const char *region = sl_config_get(cfg, "AWS_REGION");
    if (region == NULL || region[0] == '\0')
        region = sl_config_get(cfg, "AWS_DEFAULT_REGION");
    const char *token = sl_config_get(cfg, "AWS_SESSION_TOKEN");
    const char *endpoint = sl_config_get(cfg, "AWS_ENDPOINT_URL");
    if (id == NULL || secret == NULL)
        return sl_error_set(err, SL_ECONFIG,
                            RESOURCE ": needs config 'AWS_ACCESS_KEY_ID' and 'AWS_SECRET_ACCESS_KEY'");
    if (region == NULL || region[0] == '\0')
        return sl_error_set(err, SL_ECONFIG,
                            RESOURCE ": needs config 'AWS_REGION' or 'AWS_DEFAULT_REGION'");
    for (const char *c = region; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            return sl_error_set(err, SL_ECONFIG, RESOURCE ": AWS_REGION \"%s\" is not a region name",
                                region);
    if (memchr(name.ptr, '\0', name.len) != NULL)
        return sl_error_set(err, SL_EINVAL, RESOURCE ": a table name cannot contain NUL");
    struct kv_dynamo_store *s = sl_calloc(1, sizeof(*s));
    if (s == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    s->table = sl_strndup(name.ptr, name.len);
    if (endpoint != NULL && endpoint[0] != '\0')
        s->endpoint = printf_dup("%s", endpoint);
    else
        s->endpoint = printf_dup("https://dynamodb.%s.amazonaws.com/", region);
    s->sigv4 = printf_dup("aws:amz:%s:dynamodb", region);
    s->key_id = sl_strdup(id);
    s->secret = sl_strdup(secret);
    if (token != NULL && token[0] != '\0')
        s->token_h = printf_dup("X-Amz-Security-Token: %s", token);
    if (s->table == NULL || s->endpoint == NULL || s->sigv4 == NULL || s->key_id == NULL ||
        s->secret == NULL || (token != NULL && token[0] != '\0' && s->token_h == NULL)) {
        dynamo_close(&s->base);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    *out = &s->base;
    return SL_OK;
}

static int shown(struct sl_str key)
{
    return (int)SL_MIN(key.len, (size_t)200);
}

/* Error types of the JSON API that mean the credentials were refused. */
static bool is_auth_error(const char *type)
{
    static const char *const auth[] = {
        "UnrecognizedClientException", "InvalidSignatureException",
        "MissingAuthenticationTokenException", "AccessDeniedException",
        "ExpiredTokenException", "IncompleteSignatureException",
        "InvalidClientTokenId", "SignatureDoesNotMatch",
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(auth); i++)
        if (strcmp(type, auth[i]) == 0)
            return true;
    return false;
}

/* A failed call's answer: the __type after '#' and the message. */
struct api_error {
    char type[96];
    char message[200];
};

/*
 * Calls the DynamoDB action with the JSON body; on HTTP 200 *reply is the
 * parsed answer (free with cJSON_Delete). Other answers: SL_EIO etc. with
 * *api filled (api->type "" when the body was not an API error).
 */
static sl_err api_call(struct kv_dynamo_store *s, const char *action, const cJSON *body,
                       cJSON **reply, struct api_error *api, struct sl_error *err)
{
    *reply = NULL;
    api->type[0] = api->message[0] = '\0';
    char *json = cJSON_PrintUnformatted(body);
    if (json == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    char target[96];
    snprintf(target, sizeof(target), "X-Amz-Target: DynamoDB_20120810.%s", action);
    const char *headers[3] = {"Content-Type: application/x-amz-json-1.0", target, s->token_h};
    struct sl_http_request req = {
        .method = "POST",
        .url = s->endpoint,
        .headers = headers,
        .nheaders = s->token_h ? 3 : 2,
        .send_body = true,
        .body = json,
        .body_len = strlen(json),
        .aws_sigv4 = s->sigv4,
        .username = s->key_id,
        .password = s->secret,
    };
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    cJSON *j = NULL;
    const cJSON *t, *m;
    sl_err code, rc = sl_http_perform(RESOURCE, &req, &resp, err);
    cJSON_free(json);
    if (rc != SL_OK && rc != SL_EAUTH)
        goto out;
    j = cJSON_ParseWithLength(resp.body.data ? resp.body.data : "", resp.body.len);
    if (resp.status == 200 && rc == SL_OK) {
        if (j == NULL)
            rc = sl_error_set(err, SL_EIO, RESOURCE ": %s: the answer is not JSON", action);
        *reply = j;
        goto out;
    }
    t = cJSON_GetObjectItemCaseSensitive(j, "__type");
    m = cJSON_GetObjectItemCaseSensitive(j, "message");
    if (m == NULL)
        m = cJSON_GetObjectItemCaseSensitive(j, "Message");
    if (cJSON_IsString(t)) {
        const char *hash = strrchr(t->valuestring, '#');
        snprintf(api->type, sizeof(api->type), "%s", hash ? hash + 1 : t->valuestring);
    }
    if (cJSON_IsString(m))
        snprintf(api->message, sizeof(api->message), "%s", m->valuestring);
    cJSON_Delete(j);
    code = rc == SL_EAUTH || is_auth_error(api->type) ? SL_EAUTH
                  : resp.status >= 500                      ? SL_EIO
                  : strcmp(api->type, "ThrottlingException") == 0 ||
                          strcmp(api->type, "ProvisionedThroughputExceededException") == 0
                      ? SL_ETIMEOUT
                      : SL_EIO;
    rc = sl_error_set(err, code, RESOURCE ": %s failed: HTTP %ld%s%s%s%s", action, resp.status,
                      api->type[0] ? " " : "", api->type, api->message[0] ? ": " : "",
                      api->message);
out:
    sl_http_response_release(&resp);
    return rc;
}

static bool is_table_missing(const struct api_error *api)
{
    return strcmp(api->type, "ResourceNotFoundException") == 0;
}

/* {"TableName": t, "Key": {"key": {"S": key}}} and friends. */
static cJSON *key_object(struct sl_str key)
{
    char *k = sl_strndup(key.ptr, key.len);
    cJSON *o = cJSON_CreateObject(), *attr = cJSON_CreateObject();
    if (k == NULL || o == NULL || attr == NULL || !cJSON_AddItemToObject(o, "key", attr)) {
        sl_free(k);
        cJSON_Delete(o);
        return NULL;
    }
    bool ok = cJSON_AddStringToObject(attr, "S", k) != NULL;
    sl_free(k);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *request_with_key(struct kv_dynamo_store *s, struct sl_str key, const char *member)
{
    cJSON *req = cJSON_CreateObject(), *k = key_object(key);
    if (req == NULL || k == NULL || cJSON_AddStringToObject(req, "TableName", s->table) == NULL ||
        !cJSON_AddItemToObject(req, member, k)) {
        cJSON_Delete(k);
        cJSON_Delete(req);
        return NULL;
    }
    return req;
}

/* Keys are strings and go into JSON strings: a NUL cannot be sent. */
static sl_err check_key(struct sl_str key, struct sl_error *err)
{
    if (memchr(key.ptr, '\0', key.len) != NULL || key.len == 0)
        return sl_error_set(err, SL_EINVALKEY, RESOURCE ": a key must be non-empty, without NUL");
    return SL_OK;
}

static sl_err value_of(const cJSON *item, struct sl_buf *val, struct sl_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, "value");
    if (v == NULL) /* an empty value is stored as an item without a value */
        return SL_OK;
    const cJSON *sv = cJSON_GetObjectItemCaseSensitive(v, "S");
    const cJSON *bv = cJSON_GetObjectItemCaseSensitive(v, "B");
    if (cJSON_IsString(sv)) {
        if (sl_buf_appends(val, sv->valuestring) != SL_OK)
            return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        return SL_OK;
    }
    if (!cJSON_IsString(bv))
        return sl_error_set(err, SL_EINVALVALUE,
                            RESOURCE ": the item's 'value' is neither of type S nor B");
    size_t b64len = strlen(bv->valuestring), n = 0;
    if (sl_buf_grow(val, b64len / 4 * 3 + 3) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    if (sodium_base642bin((unsigned char *)val->data + val->len, val->cap - val->len - 1,
                          bv->valuestring, b64len, NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return sl_error_set(err, SL_EIO, RESOURCE ": the item's 'value' is not valid base64");
    val->len += n;
    val->data[val->len] = '\0';
    return SL_OK;
}

static sl_err dynamo_get(struct sl_kv_store *st, struct sl_str key, struct sl_buf *val,
                         struct sl_error *err)
{
    struct kv_dynamo_store *s = store_of(st);
    sl_err rc = check_key(key, err);
    if (rc != SL_OK)
        return rc;
    cJSON *req = request_with_key(s, key, "Key"), *reply = NULL;
    if (req == NULL || !cJSON_AddTrueToObject(req, "ConsistentRead")) {
        cJSON_Delete(req);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    struct api_error api;
    rc = api_call(s, "GetItem", req, &reply, &api, err);
    cJSON_Delete(req);
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(reply, "Item");
    if ((rc == SL_OK && !cJSON_IsObject(item)) || (rc != SL_OK && is_table_missing(&api)))
        rc = sl_error_set(err, SL_ENOTFOUND, RESOURCE ": key '%.*s' not found", shown(key),
                          key.ptr);
    else if (rc == SL_OK)
        rc = value_of(item, val, err);
    if (rc != SL_OK)
        sl_buf_release(val);
    cJSON_Delete(reply);
    return rc;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Creates the table (on-demand capacity) and waits until it is ACTIVE. */
static sl_err create_table(struct kv_dynamo_store *s, struct sl_error *err)
{
    cJSON *req = cJSON_Parse("{\"AttributeDefinitions\":[{\"AttributeName\":\"key\","
                             "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":"
                             "\"key\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
    if (req == NULL || cJSON_AddStringToObject(req, "TableName", s->table) == NULL) {
        cJSON_Delete(req);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    cJSON *reply = NULL;
    struct api_error api;
    sl_err rc = api_call(s, "CreateTable", req, &reply, &api, err);
    cJSON_Delete(reply);
    if (rc != SL_OK && strcmp(api.type, "ResourceInUseException") == 0)
        rc = SL_OK; /* created meanwhile by another store or process */
    cJSON_DeleteItemFromObjectCaseSensitive(req, "AttributeDefinitions");
    cJSON_DeleteItemFromObjectCaseSensitive(req, "KeySchema");
    cJSON_DeleteItemFromObjectCaseSensitive(req, "BillingMode");
    for (long waited = 0; rc == SL_OK; waited += 200) {
        rc = api_call(s, "DescribeTable", req, &reply, &api, err);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(reply, "Table");
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(t, "TableStatus");
        bool active = cJSON_IsString(status) && strcmp(status->valuestring, "ACTIVE") == 0;
        cJSON_Delete(reply);
        reply = NULL;
        if (rc != SL_OK || active)
            break;
        if (waited >= CREATE_WAIT_MS) {
            rc = sl_error_set(err, SL_ETIMEOUT, RESOURCE ": table '%s' is not ACTIVE after %d s",
                              s->table, CREATE_WAIT_MS / 1000);
            break;
        }
        sleep_ms(200);
    }
    cJSON_Delete(req);
    return rc;
}

static sl_err dynamo_set(struct sl_kv_store *st, struct sl_str key, struct sl_str val,
                         struct sl_error *err)
{
    struct kv_dynamo_store *s = store_of(st);
    sl_err rc = check_key(key, err);
    if (rc != SL_OK)
        return rc;
    cJSON *req = request_with_key(s, key, "Item"), *reply = NULL;
    char *text = NULL;
    bool ok = req != NULL;
    cJSON *item = cJSON_GetObjectItemCaseSensitive(req, "Item");
    if (ok && val.len > 0) {
        cJSON *v = cJSON_AddObjectToObject(item, "value");
        bool is_text = memchr(val.ptr, '\0', val.len) == NULL &&
                       sl_utf8_valid((const uint8_t *)val.ptr, val.len);
        if (is_text) { /* as slight stored them */
            text = sl_strndup(val.ptr, val.len);
        } else {
            size_t n = sodium_base64_ENCODED_LEN(val.len, sodium_base64_VARIANT_ORIGINAL);
            text = sl_malloc(n);
            if (text != NULL)
                sodium_bin2base64(text, n, (const unsigned char *)val.ptr, val.len,
                                  sodium_base64_VARIANT_ORIGINAL);
        }
        ok = v != NULL && text != NULL &&
             cJSON_AddStringToObject(v, is_text ? "S" : "B", text) != NULL;
    }
    sl_free(text);
    if (!ok) {
        cJSON_Delete(req);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    struct api_error api;
    rc = api_call(s, "PutItem", req, &reply, &api, err);
    if (rc != SL_OK && is_table_missing(&api)) {
        rc = create_table(s, err);
        if (rc == SL_OK)
            rc = api_call(s, "PutItem", req, &reply, &api, err);
    }
    if (rc != SL_OK && strcmp(api.type, "ValidationException") == 0)
        rc = sl_error_recode(err, strstr(api.message, "size") ? SL_EINVALVALUE : SL_EINVALKEY);
    cJSON_Delete(reply);
    cJSON_Delete(req);
    return rc;
}

static sl_err dynamo_del(struct sl_kv_store *st, struct sl_str key, struct sl_error *err)
{
    struct kv_dynamo_store *s = store_of(st);
    sl_err rc = check_key(key, err);
    if (rc != SL_OK)
        return rc;
    cJSON *req = request_with_key(s, key, "Key"), *reply = NULL;
    if (req == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    struct api_error api;
    rc = api_call(s, "DeleteItem", req, &reply, &api, err);
    if (rc != SL_OK && is_table_missing(&api))
        rc = SL_OK;
    cJSON_Delete(reply);
    cJSON_Delete(req);
    return rc;
}

static sl_err dynamo_keys(struct sl_kv_store *st, struct sl_strvec *out, struct sl_error *err)
{
    struct kv_dynamo_store *s = store_of(st);
    cJSON *req = cJSON_Parse("{\"ProjectionExpression\":\"#k\","
                             "\"ExpressionAttributeNames\":{\"#k\":\"key\"}}");
    if (req == NULL || cJSON_AddStringToObject(req, "TableName", s->table) == NULL ||
        cJSON_AddNumberToObject(req, "Limit", SCAN_PAGE) == NULL) {
        cJSON_Delete(req);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    sl_err rc = SL_OK;
    for (;;) {
        cJSON *reply = NULL;
        struct api_error api;
        rc = api_call(s, "Scan", req, &reply, &api, err);
        if (rc != SL_OK) {
            if (is_table_missing(&api))
                rc = SL_OK;
            break;
        }
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(reply, "Items"), *it;
        cJSON_ArrayForEach(it, items)
        {
            const cJSON *k = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(it, "key"), "S");
            if (cJSON_IsString(k) && sl_strvec_pushs(out, k->valuestring) != SL_OK) {
                rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
                break;
            }
        }
        cJSON *last = cJSON_DetachItemFromObjectCaseSensitive(reply, "LastEvaluatedKey");
        cJSON_Delete(reply);
        cJSON_DeleteItemFromObjectCaseSensitive(req, "ExclusiveStartKey");
        if (rc != SL_OK || last == NULL) {
            cJSON_Delete(last);
            break;
        }
        cJSON_AddItemToObject(req, "ExclusiveStartKey", last);
    }
    cJSON_Delete(req);
    if (rc != SL_OK)
        sl_strvec_release(out);
    return rc;
}

static void dynamo_shutdown(void)
{
    sl_http_thread_cleanup();
}

const struct sl_kv_backend sl_kv_backend_awsdynamodb = {
    .version = SL_KV_BACKEND_V1,
    .name = "awsdynamodb",
    .config_keys = dynamo_config_keys,
    .open = dynamo_open,
    .close = dynamo_close,
    .get = dynamo_get,
    .set = dynamo_set,
    .del = dynamo_del,
    .keys = dynamo_keys,
    .shutdown = dynamo_shutdown,
};
