/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg.c -- the configs front end: the only caller of backend methods. It
 * picks the backend of a capability entry, checks what every backend would
 * otherwise check (empty keys, NUL bytes) and keeps a failed get's output
 * empty.
 */
#include "sl_common.h"

#include "cfg.h"

#include "common/log.h"

#include <string.h>

sl_err sl_cfgs_open(const struct sl_cap_entry *e, struct sl_str name, struct sl_cfgs_store **out,
                    struct sl_error *err)
{
    *out = NULL;
    const char *needs = NULL;
    const struct sl_cfgs_backend *b = sl_cfgs_registry_find(e->cap->backend, &needs);
    if (b == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED, "%s is not built in (needs %s)",
                            e->cap->canonical, needs ? needs : "a newer slight");
    if (name.len == 0)
        return sl_error_set(err, SL_EINVAL, "%s: the store name is empty", e->cap->canonical);
    sl_err rc = b->open(&e->config, name, out, err);
    if (rc != SL_OK) {
        *out = NULL;
        return rc;
    }
    (*out)->backend = b;
    sl_log_debug("%s: opened '%.*s'", e->cap->canonical, (int)name.len, name.ptr);
    return SL_OK;
}

void sl_cfgs_close(struct sl_cfgs_store *st)
{
    if (st != NULL)
        st->backend->close(st);
}

/* The checks every backend shares: a key is non-empty and has no NUL byte. */
static sl_err check_key(struct sl_cfgs_store *st, struct sl_str key, struct sl_error *err)
{
    if (key.len == 0)
        return sl_error_set(err, SL_EINVALVALUE, "configs.%s: the key is empty",
                            st->backend->name);
    if (memchr(key.ptr, '\0', key.len) != NULL)
        return sl_error_set(err, SL_EINVALVALUE, "configs.%s: the key contains a NUL byte",
                            st->backend->name);
    return SL_OK;
}

sl_err sl_cfgs_get(struct sl_cfgs_store *st, struct sl_str key, struct sl_buf *val,
                   struct sl_error *err)
{
    sl_err rc = check_key(st, key, err);
    if (rc == SL_OK)
        rc = st->backend->get(st, key, val, err);
    if (rc != SL_OK)
        sl_buf_reset(val);
    return rc;
}

sl_err sl_cfgs_set(struct sl_cfgs_store *st, struct sl_str key, struct sl_str val,
                   struct sl_error *err)
{
    sl_err rc = check_key(st, key, err);
    return rc == SL_OK ? st->backend->set(st, key, val, err) : rc;
}

sl_err sl_cfgs_read(const char *backend, const char *key, struct sl_buf *out,
                    struct sl_error *err)
{
    const char *needs = NULL;
    const struct sl_cfgs_backend *b = sl_cfgs_registry_find(backend, &needs);
    if (b == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED, "configs.%s is not built in (needs %s)",
                            backend, needs ? needs : "a newer slight");
    static const struct sl_config empty;
    struct sl_cfgs_store *st = NULL;
    sl_err rc = b->open(&empty, (struct sl_str){backend, strlen(backend)}, &st, err);
    if (rc != SL_OK)
        return rc;
    st->backend = b;
    rc = sl_cfgs_get(st, (struct sl_str){key, strlen(key)}, out, err);
    sl_cfgs_close(st);
    return rc;
}
