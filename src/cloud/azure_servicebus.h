/* SPDX-License-Identifier: Apache-2.0 */
/*
 * azure_servicebus.h -- requests of Azure Service Bus's REST API for topics
 * and subscriptions (send, create a subscription, receive-and-delete the
 * head message, delete a subscription), signed with a SAS token, and what
 * each answer's status means. No I/O here: messaging.azsbus sends what
 * these functions build.
 */
#ifndef SL_CLOUD_AZURE_SERVICEBUS_H
#define SL_CLOUD_AZURE_SERVICEBUS_H

#include "sl_common.h"

#include "common/buf.h"
#include "common/err.h"

#include <stdint.h>

/* The management API version of subscription requests. */
#define SL_SBUS_API_VERSION "2017-04"
/* Longest subscription name Service Bus accepts. */
#define SL_SBUS_SUBSCRIPTION_MAX 50
/* Idle subscriptions are deleted by the service after this (ISO 8601), also when slight dies. */
#define SL_SBUS_AUTO_DELETE "P1D"

enum sl_sbus_op {
    SL_SBUS_SEND,                /* POST {topic}/messages */
    SL_SBUS_CREATE_SUBSCRIPTION, /* PUT {topic}/subscriptions/{name} */
    SL_SBUS_RECEIVE,             /* DELETE {topic}/subscriptions/{name}/messages/head */
    SL_SBUS_DELETE_SUBSCRIPTION, /* DELETE {topic}/subscriptions/{name} */
};

/* Where and as whom. Strings are borrowed. */
struct sl_sbus_account {
    const char *host;     /* "ns.servicebus.windows.net" */
    const char *key_name; /* the SAS policy's name */
    const char *key;      /* its key; never shown */
};

/* One request to send. Owned by it; release with sl_sbus_request_release. */
struct sl_sbus_request {
    const char *method; /* static */
    char *url;
    char *headers[2]; /* "Authorization: SharedAccessSignature ...", "Content-Type: ..." */
    size_t nheaders;
    char *body; /* the subscription description, or NULL (a send's body is the message) */
    size_t body_len;
};

/*
 * The host of namespace ns into *host (a new string, sl_free): a name
 * ("myns", letters, digits and '-') becomes "myns.servicebus.windows.net";
 * a host name (with a '.', e.g. "myns.servicebus.chinacloudapi.cn") is
 * used as given. SL_ECONFIG for anything else, SL_ENOMEM.
 */
sl_err sl_sbus_host(const char *ns, char **host, struct sl_error *err);

/*
 * Fills *r (zeroed by the caller) with operation op on topic (topic_len
 * bytes, percent-encoded in the URL, '/' kept as Service Bus's path
 * separator) and subscription (NULL for SL_SBUS_SEND), with a SAS token for
 * "https://<host>/<topic>" that expires SL_AZURE_SAS_TTL_S after now (Unix
 * seconds). wait_s is the receive's server-side wait. Errors as
 * sl_azure_sas_token; *r is empty on failure.
 */
sl_err sl_sbus_request_build(const struct sl_sbus_account *a, enum sl_sbus_op op, const char *topic,
                             size_t topic_len, const char *subscription, unsigned wait_s,
                             uint64_t now, struct sl_sbus_request *r, struct sl_error *err);

/* Frees what *r owns and zeroes it. Accepts an empty *r. */
void sl_sbus_request_release(struct sl_sbus_request *r);

/*
 * What HTTP status means for op: SL_OK for success (201 for a send or a
 * created subscription, 409 for one that exists, 200 for a received
 * message, 200 or 404 for a deleted subscription); SL_ETIMEOUT for a
 * receive's 204 (no message in time); otherwise an error recorded in *err
 * as "cannot <op> '<topic>': HTTP <status> (<meaning>)": 401/403 SL_EAUTH,
 * 404/410 SL_ENOTFOUND, 413 SL_EINVALVALUE, 429/500/503 SL_ECONN (busy or
 * failing), 400 SL_EINVAL, others SL_EIO.
 */
sl_err sl_sbus_status(enum sl_sbus_op op, long status, const char *topic, size_t topic_len,
                      struct sl_error *err);

#endif /* SL_CLOUD_AZURE_SERVICEBUS_H */
