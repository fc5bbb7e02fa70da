/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_host.c -- the typed functions the generated keyvalue glue calls
 * (keyvalue_host.h, made by witgen from wit/keyvalue.wit): open resolves the
 * capability and opens a store, which becomes the handle's object; errors
 * become the keyvalue-error case of their category with the message.
 */
#include "sl_common.h"

#include "kv.h"
#include "keyvalue_host.h"

#include "common/mem.h"

/* The keyvalue-error case for an error code, its message in call memory. */
static void to_error(struct sl_abi_call *call, sl_err rc, const struct sl_error *err,
                     struct sl_keyvalue_keyvalue_error *out)
{
    struct sl_str msg = sl_abi_strdup(call, err->msg, strlen(err->msg));
    switch (rc) {
    case SL_ENOTFOUND:
        out->tag = SL_KEYVALUE_KEYVALUE_ERROR_KEY_NOT_FOUND;
        out->val.key_not_found = msg;
        break;
    case SL_EINVALKEY:
        out->tag = SL_KEYVALUE_KEYVALUE_ERROR_INVALID_KEY;
        out->val.invalid_key = msg;
        break;
    case SL_EINVALVALUE:
        out->tag = SL_KEYVALUE_KEYVALUE_ERROR_INVALID_VALUE;
        out->val.invalid_value = msg;
        break;
    case SL_ECONN:
        out->tag = SL_KEYVALUE_KEYVALUE_ERROR_CONNECTION_ERROR;
        out->val.connection_error = msg;
        break;
    case SL_EAUTH:
        out->tag = SL_KEYVALUE_KEYVALUE_ERROR_AUTHENTICATION_ERROR;
        out->val.authentication_error = msg;
        break;
    case SL_ETIMEOUT:
        out->tag = SL_KEYVALUE_KEYVALUE_ERROR_TIMEOUT_ERROR;
        out->val.timeout_error = msg;
        break;
    case SL_EIO:
        out->tag = SL_KEYVALUE_KEYVALUE_ERROR_IO_ERROR;
        out->val.io_error = msg;
        break;
    default:
        out->tag = SL_KEYVALUE_KEYVALUE_ERROR_UNEXPECTED_ERROR;
        out->val.unexpected_error = msg;
        break;
    }
}

void sl_keyvalue_keyvalue_drop(void *obj)
{
    sl_kv_close(obj);
}

void sl_keyvalue_keyvalue_open(struct sl_abi_call *call, struct sl_str name,
                               struct sl_keyvalue_expected_keyvalue_keyvalue_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    struct sl_kv_store *st = NULL;
    sl_err rc = SL_ENOTFOUND;
    const struct sl_cap_entry *e = NULL;
    if (call->ctx != NULL)
        e = sl_caps_find(call->ctx, "keyvalue", name, &err);
    else
        sl_error_set(&err, SL_ENOTFOUND, "no keyvalue capability named '%.*s'", (int)name.len,
                     name.ptr);
    if (e != NULL)
        rc = sl_kv_open(e, name, &st, &err);
    if (e == NULL || rc != SL_OK) {
        ret->is_err = true;
        /* a missing capability is the app's configuration, not a missing key */
        to_error(call, e == NULL ? SL_EINTERNAL : rc, &err, &ret->val.err);
        return;
    }
    ret->val.ok = st;
}

void sl_keyvalue_keyvalue_get(struct sl_abi_call *call, void *self, struct sl_str key,
                              struct sl_keyvalue_expected_list_u8_keyvalue_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    struct sl_buf val = SL_BUF_INIT;
    sl_err rc = sl_kv_get(self, key, &val, &err);
    if (rc != SL_OK) {
        ret->is_err = true;
        to_error(call, rc, &err, &ret->val.err);
        return;
    }
    sl_abi_adopt(call, val.data); /* freed when the call ends */
    ret->val.ok = (struct sl_str){val.data ? val.data : "", val.len};
}

void sl_keyvalue_keyvalue_set(struct sl_abi_call *call, void *self, struct sl_str key,
                              struct sl_str value,
                              struct sl_keyvalue_expected_unit_keyvalue_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_kv_set(self, key, value, &err);
    if (rc != SL_OK) {
        ret->is_err = true;
        to_error(call, rc, &err, &ret->val.err);
    }
}

void sl_keyvalue_keyvalue_keys(struct sl_abi_call *call, void *self,
                               struct sl_keyvalue_expected_list_string_keyvalue_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    struct sl_strvec keys = SL_STRVEC_INIT;
    sl_err rc = sl_kv_keys(self, &keys, &err);
    if (rc != SL_OK) {
        ret->is_err = true;
        to_error(call, rc, &err, &ret->val.err);
        return;
    }
    /* the strings go with the call's memory; the array is the vector's */
    for (size_t i = 0; i < keys.n; i++)
        sl_abi_adopt(call, (char *)keys.v[i].ptr);
    sl_abi_adopt(call, keys.v);
    ret->val.ok.ptr = keys.v;
    ret->val.ok.len = keys.n;
}

void sl_keyvalue_keyvalue_delete(struct sl_abi_call *call, void *self, struct sl_str key,
                                 struct sl_keyvalue_expected_unit_keyvalue_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_kv_delete(self, key, &err);
    if (rc != SL_OK) {
        ret->is_err = true;
        to_error(call, rc, &err, &ret->val.err);
    }
}
