/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg_host.c -- the typed functions the generated configs glue calls
 * (configs_host.h, made by witgen from wit/configs.wit): open resolves the
 * capability and opens a store, which becomes the handle's object; errors
 * become the configs-error case of their category with the message.
 */
#include "sl_common.h"

#include "cfg.h"
#include "configs_host.h"

#include "common/mem.h"

#include <string.h>

/* The configs-error case for an error code, its message in call memory. */
static void to_error(struct sl_abi_call *call, sl_err rc, const struct sl_error *err,
                     struct sl_configs_configs_error *out)
{
    struct sl_str msg = sl_abi_strdup(call, err->msg, strlen(err->msg));
    switch (rc) {
    case SL_ENOTFOUND:
        out->tag = SL_CONFIGS_CONFIGS_ERROR_NOT_FOUND;
        out->val.not_found = msg;
        break;
    case SL_EINVALVALUE:
        out->tag = SL_CONFIGS_CONFIGS_ERROR_INVALID_VALUE;
        out->val.invalid_value = msg;
        break;
    case SL_EAUTH:
        out->tag = SL_CONFIGS_CONFIGS_ERROR_PERMISSION_DENIED;
        out->val.permission_denied = msg;
        break;
    case SL_EIO:
        out->tag = SL_CONFIGS_CONFIGS_ERROR_IO_ERROR;
        out->val.io_error = msg;
        break;
    default:
        out->tag = SL_CONFIGS_CONFIGS_ERROR_UNEXPECTED_ERROR;
        out->val.unexpected_error = msg;
        break;
    }
}

void sl_configs_configs_drop(void *obj)
{
    sl_cfgs_close(obj);
}

void sl_configs_configs_open(struct sl_abi_call *call, struct sl_str name,
                             struct sl_configs_expected_configs_configs_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    struct sl_cfgs_store *st = NULL;
    sl_err rc = SL_ENOTFOUND;
    const struct sl_cap_entry *e = NULL;
    if (call->ctx != NULL)
        e = sl_caps_find(call->ctx, "configs", name, &err);
    else
        sl_error_set(&err, SL_ENOTFOUND, "no configs capability named '%.*s'", (int)name.len,
                     name.ptr);
    if (e != NULL)
        rc = sl_cfgs_open(e, name, &st, &err);
    if (e == NULL || rc != SL_OK) {
        ret->is_err = true;
        /* a missing capability is the app's configuration, not a missing key */
        to_error(call, e == NULL || rc == SL_ENOTFOUND ? SL_EINTERNAL : rc, &err, &ret->val.err);
        return;
    }
    ret->val.ok = st;
}

void sl_configs_configs_get(struct sl_abi_call *call, void *self, struct sl_str key,
                            struct sl_configs_expected_list_u8_configs_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    struct sl_buf val = SL_BUF_INIT;
    sl_err rc = sl_cfgs_get(self, key, &val, &err);
    if (rc != SL_OK) {
        sl_buf_release(&val);
        ret->is_err = true;
        to_error(call, rc, &err, &ret->val.err);
        return;
    }
    sl_abi_adopt(call, val.data); /* freed when the call ends */
    ret->val.ok = (struct sl_str){val.data ? val.data : "", val.len};
}

void sl_configs_configs_set(struct sl_abi_call *call, void *self, struct sl_str key,
                            struct sl_str value, struct sl_configs_expected_unit_configs_error *ret)
{
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_cfgs_set(self, key, value, &err);
    if (rc != SL_OK) {
        ret->is_err = true;
        to_error(call, rc, &err, &ret->val.err);
    }
}
