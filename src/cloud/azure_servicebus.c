/* SPDX-License-Identifier: Apache-2.0 */
/*
 * azure_servicebus.c -- Azure Service Bus REST requests for topics: URLs,
 * the SAS Authorization header, the subscription description (Atom XML,
 * written here: it is a fixed document with one value) and the meaning of
 * each status. Sending is messaging.azsbus's job.
 */
#include "sl_common.h"

#include "azure_servicebus.h"

#include "cloud/azure_sas.h"
#include "cloud/http_client.h"
#include "common/mem.h"

#include <string.h>

sl_err sl_sbus_host(const char *ns, char **host, struct sl_error *err)
{
    *host = NULL;
    size_t len = strlen(ns);
    bool ok = len > 0 && len <= 253 && ns[0] != '-' && ns[0] != '.' && ns[len - 1] != '.';
    bool dotted = false;
    for (size_t i = 0; ok && i < len; i++) {
        char c = ns[i];
        dotted = dotted || c == '.';
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
             || (c == '.' && ns[i + 1] != '.');
    }
    if (!ok)
        return sl_error_set(err, SL_ECONFIG,
                            "the namespace '%s' is not a Service Bus namespace name (letters, "
                            "digits and '-') or host name",
                            ns);
    struct sl_buf b = SL_BUF_INIT;
    if (sl_buf_appendf(&b, dotted ? "%s" : "%s.servicebus.windows.net", ns) != SL_OK) {
        sl_buf_release(&b);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    *host = sl_buf_detach(&b);
    return SL_OK;
}

void sl_sbus_request_release(struct sl_sbus_request *r)
{
    sl_free(r->url);
    for (size_t i = 0; i < r->nheaders; i++)
        sl_free(r->headers[i]);
    sl_free(r->body);
    memset(r, 0, sizeof(*r));
}

static const char subscription_xml[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
    "<entry xmlns=\"http://www.w3.org/2005/Atom\">"
    "<content type=\"application/xml\">"
    "<SubscriptionDescription xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xmlns=\"http://schemas.microsoft.com/netservices/2010/10/servicebus/connect\">"
    "<AutoDeleteOnIdle>" SL_SBUS_AUTO_DELETE "</AutoDeleteOnIdle>"
    "</SubscriptionDescription>"
    "</content>"
    "</entry>";

/* Appends "https://host/<topic encoded>" to *b. */
static sl_err topic_url(struct sl_buf *b, const char *host, const char *topic, size_t topic_len)
{
    if (sl_buf_appendf(b, "https://%s/", host) != SL_OK)
        return SL_ENOMEM;
    return sl_http_url_encode(b, topic, topic_len, "/");
}

sl_err sl_sbus_request_build(const struct sl_sbus_account *a, enum sl_sbus_op op, const char *topic,
                             size_t topic_len, const char *subscription, unsigned wait_s,
                             uint64_t now, struct sl_sbus_request *r, struct sl_error *err)
{
    struct sl_buf resource = SL_BUF_INIT, url = SL_BUF_INIT, auth = SL_BUF_INIT;
    sl_err rc = topic_url(&resource, a->host, topic, topic_len);
    if (rc == SL_OK)
        rc = sl_buf_append(&url, resource.data, resource.len);
    if (rc == SL_OK && op != SL_SBUS_SEND) {
        rc = sl_buf_appends(&url, "/subscriptions/");
        if (rc == SL_OK)
            rc = sl_http_url_encode(&url, subscription, strlen(subscription), NULL);
    }
    const char *content_type = NULL;
    switch (op) {
    case SL_SBUS_SEND:
        r->method = "POST";
        content_type = "application/octet-stream";
        if (rc == SL_OK)
            rc = sl_buf_appends(&url, "/messages");
        break;
    case SL_SBUS_CREATE_SUBSCRIPTION:
        r->method = "PUT";
        content_type = "application/atom+xml;type=entry;charset=utf-8";
        if (rc == SL_OK)
            rc = sl_buf_appends(&url, "?api-version=" SL_SBUS_API_VERSION);
        break;
    case SL_SBUS_RECEIVE:
        r->method = "DELETE";
        if (rc == SL_OK)
            rc = sl_buf_appendf(&url, "/messages/head?timeout=%u", wait_s);
        break;
    case SL_SBUS_DELETE_SUBSCRIPTION:
        r->method = "DELETE";
        if (rc == SL_OK)
            rc = sl_buf_appends(&url, "?api-version=" SL_SBUS_API_VERSION);
        break;
    }
    if (rc != SL_OK) {
        rc = sl_error_set(err, SL_ENOMEM, "out of memory");
        goto out;
    }
    if (sl_buf_appends(&auth, "Authorization: ") != SL_OK) {
        rc = sl_error_set(err, SL_ENOMEM, "out of memory");
        goto out;
    }
    rc = sl_azure_sas_token(resource.data, a->key_name, a->key, now + SL_AZURE_SAS_TTL_S, &auth,
                            err);
    if (rc != SL_OK)
        goto out;
    r->url = sl_buf_detach(&url);
    r->headers[r->nheaders++] = sl_buf_detach(&auth);
    if (content_type != NULL) {
        struct sl_buf ct = SL_BUF_INIT;
        if (sl_buf_appendf(&ct, "Content-Type: %s", content_type) != SL_OK) {
            sl_buf_release(&ct);
            rc = sl_error_set(err, SL_ENOMEM, "out of memory");
            goto out;
        }
        r->headers[r->nheaders++] = sl_buf_detach(&ct);
    }
    if (op == SL_SBUS_CREATE_SUBSCRIPTION) {
        r->body = sl_strndup(subscription_xml, sizeof(subscription_xml) - 1);
        if (r->body == NULL) {
            rc = sl_error_set(err, SL_ENOMEM, "out of memory");
            goto out;
        }
        r->body_len = sizeof(subscription_xml) - 1;
    }
out:
    if (rc != SL_OK)
        sl_sbus_request_release(r);
    sl_buf_release(&resource);
    sl_buf_release(&url);
    sl_buf_release(&auth);
    return rc;
}

sl_err sl_sbus_status(enum sl_sbus_op op, long status, const char *topic, size_t topic_len,
                      struct sl_error *err)
{
    static const char *const verb[] = {
        [SL_SBUS_SEND] = "publish to",
        [SL_SBUS_CREATE_SUBSCRIPTION] = "subscribe to",
        [SL_SBUS_RECEIVE] = "receive from",
        [SL_SBUS_DELETE_SUBSCRIPTION] = "unsubscribe from",
    };
    switch (op) {
    case SL_SBUS_SEND:
        if (status == 201)
            return SL_OK;
        break;
    case SL_SBUS_CREATE_SUBSCRIPTION:
        if (status == 201 || status == 409)
            return SL_OK;
        break;
    case SL_SBUS_RECEIVE:
        if (status == 200)
            return SL_OK;
        if (status == 204)
            return sl_error_set(err, SL_ETIMEOUT, "no message on '%.*s'", (int)topic_len, topic);
        break;
    case SL_SBUS_DELETE_SUBSCRIPTION:
        if (status == 200 || status == 404)
            return SL_OK;
        break;
    }
    sl_err code = SL_EIO;
    const char *meaning = "unexpected status";
    switch (status) {
    case 400:
        code = SL_EINVAL, meaning = "bad request";
        break;
    case 401:
        code = SL_EAUTH, meaning = "the SAS token was refused: check AZURE_POLICY_NAME and "
                                   "AZURE_POLICY_KEY";
        break;
    case 403:
        code = SL_EAUTH, meaning = op == SL_SBUS_SEND ? "the policy may not send (or a quota "
                                                        "is exceeded)"
                                                      : "the policy needs the Listen and Manage "
                                                        "rights (or a quota is exceeded)";
        break;
    case 404:
    case 410:
        code = SL_ENOTFOUND,
        meaning = op == SL_SBUS_RECEIVE ? "the subscription no longer exists" : "no such topic";
        break;
    case 413:
        code = SL_EINVALVALUE, meaning = "the message is larger than the namespace allows";
        break;
    case 429:
    case 500:
    case 503:
        code = SL_ECONN, meaning = "the service is busy or failing; try again";
        break;
    default:
        break;
    }
    return sl_error_set(err, code, "cannot %s '%.*s': HTTP %ld (%s)", verb[op], (int)topic_len,
                        topic, status, meaning);
}
