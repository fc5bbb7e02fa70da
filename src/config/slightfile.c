/* SPDX-License-Identifier: Apache-2.0 */
/*
 * slightfile.c -- loading and freeing a slightfile, and the questions the
 * rest of slight asks of it (is a capability type declared, which entry does
 * open(name) get). The checks themselves are in slightfile_read.c.
 */
#include "sl_common.h"

#include "slightfile.h"
#include "slightfile_int.h"
#include "toml.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/fs.h"
#include "common/mem.h"

#include <string.h>

sl_err sl_slightfile_parse(const char *name, const char *text, size_t len,
                           struct sl_slightfile **out, struct sl_error *err)
{
    *out = NULL;
    if (name == NULL)
        name = "slightfile.toml";
    struct sl_toml_value *root = NULL;
    sl_err rc = sl_toml_parse(text, len, name, &root, err);
    if (rc == SL_EINVAL) {
        /* A TOML syntax error is a slightfile error like any other. */
        if (err != NULL)
            err->code = SL_ECONFIG;
        return SL_ECONFIG;
    }
    if (rc != SL_OK)
        return rc;
    struct sl_slightfile *sf = sl_calloc(1, sizeof(*sf));
    if (sf == NULL || (sf->path = sl_strdup(name)) == NULL) {
        sl_free(sf);
        sl_toml_free(root);
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", name);
    }
    rc = sl_slightfile_read_tree(name, root, sf, err);
    sl_toml_free(root);
    if (rc != SL_OK) {
        sl_slightfile_free(sf);
        return rc;
    }
    *out = sf;
    return SL_OK;
}

sl_err sl_slightfile_load(const char *path, struct sl_slightfile **out, struct sl_error *err)
{
    struct sl_buf text = SL_BUF_INIT;
    *out = NULL;
    sl_err rc = sl_fs_read_file(path, &text, err);
    if (rc == SL_OK)
        rc = sl_slightfile_parse(path, text.data, text.len, out, err);
    sl_buf_release(&text);
    return rc;
}

void sl_slightfile_free(struct sl_slightfile *sf)
{
    if (sf == NULL)
        return;
    for (size_t i = 0; i < sf->n_caps; i++) {
        struct sl_slightfile_capability *c = &sf->caps[i];
        for (size_t j = 0; j < c->n_configs; j++) {
            sl_free(c->configs[j].key);
            sl_free(c->configs[j].value);
        }
        sl_free(c->configs);
        sl_free(c->name);
        sl_free(c->resource);
    }
    sl_free(sf->caps);
    for (size_t i = 0; i < sf->n_secrets; i++) {
        sl_free(sf->secrets[i].name);
        sl_free(sf->secrets[i].value);
    }
    sl_free(sf->secrets);
    sl_free(sf->path);
    sl_free(sf);
}

bool sl_slightfile_declares(const struct sl_slightfile *sf, const char *capability_type)
{
    if (sf == NULL || capability_type == NULL)
        return false;
    for (size_t i = 0; i < sf->n_caps; i++)
        if (strcmp(sf->caps[i].type, capability_type) == 0)
            return true;
    return false;
}

static const struct sl_slightfile_capability *find_named(const struct sl_slightfile *sf,
                                                         const char *type, const char *name)
{
    for (size_t i = 0; i < sf->n_caps; i++)
        if (strcmp(sf->caps[i].type, type) == 0 && strcmp(sf->caps[i].name, name) == 0)
            return &sf->caps[i];
    return NULL;
}

const struct sl_slightfile_capability *sl_slightfile_find(const struct sl_slightfile *sf,
                                                          const char *capability_type,
                                                          const char *name, bool allow_v1_fallback)
{
    if (sf == NULL || capability_type == NULL || name == NULL)
        return NULL;
    const struct sl_slightfile_capability *c = find_named(sf, capability_type, name);
    if (c == NULL)
        c = find_named(sf, capability_type, "*");
    if (c != NULL || !allow_v1_fallback)
        return c;
    const struct sl_slightfile_capability *last = NULL;
    for (size_t i = 0; i < sf->n_caps; i++)
        if (strcmp(sf->caps[i].type, capability_type) == 0)
            last = &sf->caps[i];
    return last ? find_named(sf, capability_type, last->resource) : NULL;
}

const struct sl_slightfile_config *
sl_slightfile_config_get(const struct sl_slightfile_capability *cap, const char *key)
{
    if (cap == NULL || key == NULL)
        return NULL;
    for (size_t i = 0; i < cap->n_configs; i++)
        if (strcmp(cap->configs[i].key, key) == 0)
            return &cap->configs[i];
    return NULL;
}

const struct sl_slightfile_secret *sl_slightfile_secret_get(const struct sl_slightfile *sf,
                                                            const char *name)
{
    if (sf == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < sf->n_secrets; i++)
        if (strcmp(sf->secrets[i].name, name) == 0)
            return &sf->secrets[i];
    return NULL;
}
