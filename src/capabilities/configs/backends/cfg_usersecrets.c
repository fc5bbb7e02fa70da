/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg_usersecrets.c -- configs.usersecrets: the encrypted [[secret_settings]]
 * of the slightfile (config/secrets.h). get re-reads the slightfile, so a
 * value set by this or another process is seen; set encrypts and rewrites
 * the file atomically, as `slight secret` does.
 */
#include "sl_common.h"

#include "capabilities/configs/cfg_backend.h"

#include "common/mem.h"
#include "config/secrets.h"
#include "config/slightfile.h"

#include <string.h>

struct cfg_usersecrets_store {
    struct sl_cfgs_store base;
    char *path; /* the slightfile */
};

static sl_err usersecrets_open(const struct sl_config *cfg, struct sl_str name,
                               struct sl_cfgs_store **out, struct sl_error *err)
{
    (void)name;
    *out = NULL;
    if (cfg == NULL || cfg->slightfile == NULL)
        return sl_error_set(err, SL_ECONFIG, "configs.usersecrets: there is no slightfile");
    struct cfg_usersecrets_store *st = sl_calloc(1, sizeof(*st));
    if (st == NULL || (st->path = sl_strdup(cfg->slightfile)) == NULL) {
        sl_free(st);
        return sl_error_set(err, SL_ENOMEM, "configs.usersecrets: out of memory");
    }
    *out = &st->base;
    return SL_OK;
}

static void usersecrets_close(struct sl_cfgs_store *base)
{
    struct cfg_usersecrets_store *st = (struct cfg_usersecrets_store *)base;
    if (st == NULL)
        return;
    sl_free(st->path);
    sl_free(st);
}

static sl_err usersecrets_get(struct sl_cfgs_store *base, struct sl_str key, struct sl_buf *val,
                              struct sl_error *err)
{
    struct cfg_usersecrets_store *st = (struct cfg_usersecrets_store *)base;
    struct sl_slightfile *sf = NULL;
    const struct sl_slightfile_secret *s = NULL;
    char *name = sl_strndup(key.ptr, key.len);
    if (name == NULL)
        return sl_error_set(err, SL_ENOMEM, "configs.usersecrets: out of memory");
    sl_err rc = sl_slightfile_load(st->path, &sf, err);
    if (rc != SL_OK) {
        sl_error_prefix(err, "configs.usersecrets");
        goto out;
    }
    s = sl_slightfile_secret_get(sf, name);
    if (s == NULL) {
        rc = sl_error_set(err, SL_ENOTFOUND,
                          "configs.usersecrets: no [[secret_settings]] entry named '%s' in %s",
                          name, st->path);
        goto out;
    }
    rc = sl_secret_decrypt(s->value, val, err);
    if (rc != SL_OK) {
        /* a missing key file is the user's set-up, not a missing secret */
        if (rc == SL_ENOTFOUND)
            rc = sl_error_recode(err, SL_ECONFIG);
        sl_error_prefix(err, "configs.usersecrets: secret '%s'", name);
    }
out:
    sl_slightfile_free(sf);
    sl_free(name);
    return rc;
}

static sl_err usersecrets_set(struct sl_cfgs_store *base, struct sl_str key, struct sl_str val,
                              struct sl_error *err)
{
    struct cfg_usersecrets_store *st = (struct cfg_usersecrets_store *)base;
    char *name = sl_strndup(key.ptr, key.len);
    if (name == NULL)
        return sl_error_set(err, SL_ENOMEM, "configs.usersecrets: out of memory");
    sl_err rc = sl_secret_slightfile_set(st->path, name, val.ptr, val.len, err);
    if (rc != SL_OK) {
        if (rc == SL_EINVALKEY)
            rc = sl_error_recode(err, SL_EINVALVALUE);
        sl_error_prefix(err, "configs.usersecrets: secret '%s'", name);
    }
    sl_free(name);
    return rc;
}

const struct sl_cfgs_backend sl_cfgs_backend_usersecrets = {
    .version = SL_CFGS_BACKEND_V1,
    .name = "usersecrets",
    .config_keys = NULL,
    .open = usersecrets_open,
    .close = usersecrets_close,
    .get = usersecrets_get,
    .set = usersecrets_set,
};
