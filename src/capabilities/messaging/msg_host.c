/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_host.c -- the typed functions the generated messaging glue calls
 * (messaging_host.h, made by witgen from wit/messaging.wit): pub::open and
 * sub::open resolve the capability (exact name, then "*", SLIGHT-SPEC §4.3)
 * and become handles on its shared broker; errors become the
 * messaging-error case of their category with the message.
 */
#include "sl_common.h"

#include "messaging_host.h"
#include "msg.h"

#include "engine/instance.h"

#include <string.h>

/* The messaging-error case for an error code, its message in call memory. */
static void to_error(struct sl_abi_call *call, sl_err rc, const struct sl_error *err,
                     struct sl_messaging_messaging_error *out)
{
    struct sl_str msg = sl_abi_strdup(call, err->msg, strlen(err->msg));
    switch (rc) {
    case SL_EINVALVALUE:
        out->tag = SL_MESSAGING_MESSAGING_ERROR_PAYLOAD_TOO_LARGE;
        out->val.payload_too_large = msg;
        break;
    case SL_ENOTFOUND:
        out->tag = SL_MESSAGING_MESSAGING_ERROR_QUEUE_OR_TOPIC_NOT_FOUND;
        out->val.queue_or_topic_not_found = msg;
        break;
    case SL_EAUTH:
        out->tag = SL_MESSAGING_MESSAGING_ERROR_INSUFFICIENT_PERMISSIONS;
        out->val.insufficient_permissions = msg;
        break;
    case SL_ECONN:
        out->tag = SL_MESSAGING_MESSAGING_ERROR_CONNECTION_LOST;
        out->val.connection_lost = msg;
        break;
    default: /* SL_ETIMEOUT included: the WIT has no timeout case */
        out->tag = SL_MESSAGING_MESSAGING_ERROR_UNEXPECTED_ERROR;
        out->val.unexpected_error = msg;
        break;
    }
}

/* pub::open and sub::open: a handle on the broker of the capability named name. */
static void *open_client(struct sl_abi_call *call, struct sl_str name, bool *is_err,
                         struct sl_messaging_messaging_error *out)
{
    struct sl_error err = SL_ERROR_INIT;
    const struct sl_cap_entry *e = NULL;
    if (call->ctx != NULL)
        e = sl_caps_find(call->ctx, "messaging", name, &err);
    else
        sl_error_set(&err, SL_ENOTFOUND, "no messaging capability named '%.*s'",
                     (int)SL_MIN(name.len, 200), name.ptr);
    struct sl_msg_client *c = NULL;
    sl_err rc = e != NULL ? sl_msg_client_open(e, &c, &err) : SL_ENOTFOUND;
    if (rc != SL_OK) {
        *is_err = true;
        /* a missing capability is the app's configuration, not a missing topic (slight:
         * unexpected-error "No messaging implementor found") */
        to_error(call, e == NULL ? SL_EINTERNAL : rc, &err, out);
        return NULL;
    }
    return c;
}

void sl_messaging_pub_drop(void *obj)
{
    sl_msg_client_close(obj);
}

void sl_messaging_sub_drop(void *obj)
{
    sl_msg_client_close(obj);
}

void sl_messaging_pub_open(struct sl_abi_call *call, struct sl_str name,
                           struct sl_messaging_expected_pub_messaging_error *ret)
{
    void *c = open_client(call, name, &ret->is_err, &ret->val.err);
    if (!ret->is_err)
        ret->val.ok = c;
}

void sl_messaging_sub_open(struct sl_abi_call *call, struct sl_str name,
                           struct sl_messaging_expected_sub_messaging_error *ret)
{
    void *c = open_client(call, name, &ret->is_err, &ret->val.err);
    if (!ret->is_err)
        ret->val.ok = c;
}

void sl_messaging_pub_publish(struct sl_abi_call *call, void *self, struct sl_str msg,
                              struct sl_str topic,
                              struct sl_messaging_expected_unit_messaging_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_msg_publish(self, topic, msg, &err);
    if (rc != SL_OK) {
        ret->is_err = true;
        to_error(call, rc, &err, &ret->val.err);
    }
}

void sl_messaging_sub_subscribe(
    struct sl_abi_call *call, void *self, struct sl_str topic,
    struct sl_messaging_expected_subscription_token_messaging_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    struct sl_buf tok = SL_BUF_INIT;
    sl_err rc = sl_msg_subscribe(self, topic, &tok, &err);
    if (rc != SL_OK) {
        sl_buf_release(&tok);
        ret->is_err = true;
        to_error(call, rc, &err, &ret->val.err);
        return;
    }
    sl_abi_adopt(call, tok.data); /* freed when the call ends */
    ret->val.ok = (struct sl_str){tok.data ? tok.data : "", tok.len};
}

/* Whether the instance's deadline passed while the call waits. */
static bool deadline_passed(void *arg)
{
    const struct sl_instance *inst = arg;
    return inst != NULL && inst->hdr.interrupted;
}

void sl_messaging_sub_receive(struct sl_abi_call *call, void *self, struct sl_str sub_tok,
                              struct sl_messaging_expected_list_u8_messaging_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    struct sl_buf msg = SL_BUF_INIT;
    sl_err rc = sl_msg_receive(self, sub_tok, deadline_passed, call->inst, &msg, &err);
    if (rc != SL_OK) {
        sl_buf_release(&msg);
        ret->is_err = true;
        to_error(call, rc, &err, &ret->val.err);
        return;
    }
    sl_abi_adopt(call, msg.data);
    ret->val.ok = (struct sl_str){msg.data ? msg.data : "", msg.len};
}
