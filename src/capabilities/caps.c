/* SPDX-License-Identifier: Apache-2.0 */
/*
 * caps.c -- start-up of the capability layer: resolves every capability
 * entry's config (SLIGHT-SPEC §2.7, checked at start-up instead of at first
 * use), finds the entry a guest's open(name) means, and lists the host
 * function tables of the capabilities this build implements.
 */
#include "sl_common.h"

#include "caps.h"

#include "common/buf.h"
#include "common/log.h"
#include "common/mem.h"
#include "config/secrets.h"
#include "configs/cfg.h"
#include "configs_host.h"
#include "keyvalue/kv.h"
#include "keyvalue_host.h"
#include "http_client/httpc.h"
#include "http_client_host.h"
#include "http_server_host.h"
#include "messaging/msg.h"
#include "messaging_host.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The capability types implemented here and their backend descriptions. */
static const struct {
    const char *type;
    const struct sl_cap_backend_info *(*info)(const char *backend);
    /* optional: checks an entry's resolved config values at start-up */
    sl_err (*check)(const struct sl_config *cfg, struct sl_error *err);
} implemented[] = {
    {"keyvalue", sl_kv_backend_info, NULL},
    {"configs", sl_cfgs_backend_info, NULL},
    {"messaging", sl_msg_backend_info, NULL},
    {"http-client", sl_httpc_backend_info, sl_httpc_config_check}, /* no backend part: "" */
};

const struct sl_cap_backend_info *sl_caps_backend_info(const char *resource)
{
    const char *dot = strchr(resource, '.');
    if (dot == NULL)
        dot = resource + strlen(resource); /* "http-client" */
    for (size_t i = 0; i < SL_ARRAY_SIZE(implemented); i++)
        if (strlen(implemented[i].type) == (size_t)(dot - resource)
            && strncmp(resource, implemented[i].type, (size_t)(dot - resource)) == 0)
            return implemented[i].info(*dot ? dot + 1 : dot);
    return NULL;
}

size_t sl_caps_host_tables(struct sl_host_fn_table *tables, size_t max)
{
    size_t n = 0;
    if (n < max)
        tables[n++] = sl_keyvalue_host_fns;
    if (n < max)
        tables[n++] = sl_http_server_host_fns;
    if (n < max)
        tables[n++] = sl_configs_host_fns;
    if (n < max)
        tables[n++] = sl_messaging_host_fns;
    if (n < max)
        tables[n++] = sl_http_client_host_fns;
    return n;
}

/* Wipes a string that may hold a credential. Accepts NULL. */
static void wipe(char *s)
{
    if (s != NULL)
        sodium_memzero(s, strlen(s));
}

static void entry_release(struct sl_cap_entry *e)
{
    for (size_t i = 0; i < e->config.nvalues; i++) {
        sl_free((char *)e->config.values[i].key);
        wipe((char *)e->config.values[i].value); /* values may be credentials */
        sl_free((char *)e->config.values[i].value);
    }
    sl_free((struct sl_config_value *)e->config.values);
}

void sl_caps_free(struct sl_caps *caps)
{
    if (caps == NULL)
        return;
    /* the run is over: backends release what they share (brokers, maps, pools) */
    sl_msg_shutdown();
    sl_cfgs_shutdown();
    sl_kv_shutdown();
    sl_httpc_shutdown();
    for (size_t i = 0; i < caps->n; i++)
        entry_release(&caps->entries[i]);
    sl_free(caps->entries);
    sl_free(caps->dir);
    sl_free(caps);
}

/* Fetches key from a store into *out (SL_ENOTFOUND when the store has no such key). */
static sl_err store_get(const struct sl_slightfile *sf, enum sl_slightfile_store store,
                        const char *key, struct sl_buf *out, struct sl_error *err)
{
    switch (store) {
    case SL_SLIGHTFILE_STORE_LOCAL:
        return sl_buf_appends(out, key) == SL_OK ? SL_OK : sl_error_set(err, SL_ENOMEM, "out of memory");
    case SL_SLIGHTFILE_STORE_ENVVARS: {
        const char *v = getenv(key);
        if (v == NULL)
            return sl_error_set(err, SL_ENOTFOUND, "environment variable '%s' is not set", key);
        return sl_buf_appends(out, v) == SL_OK ? SL_OK : sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    case SL_SLIGHTFILE_STORE_USERSECRETS: {
        const struct sl_slightfile_secret *s = sl_slightfile_secret_get(sf, key);
        if (s == NULL)
            return sl_error_set(err, SL_ENOTFOUND, "no [[secret_settings]] entry named '%s'", key);
        sl_err rc = sl_secret_decrypt(s->value, out, err);
        if (rc != SL_OK)
            sl_error_prefix(err, "secret '%s'", key);
        return rc;
    }
    case SL_SLIGHTFILE_STORE_AZAPP:
        return sl_cfgs_read("azapp", key, out, err);
    default:
        return sl_error_set(err, SL_EINTERNAL, "unknown config store (key '%s')", key);
    }
}

static enum sl_slightfile_store store_of(const char *canonical)
{
    if (strcmp(canonical, "configs.envvars") == 0)
        return SL_SLIGHTFILE_STORE_ENVVARS;
    if (strcmp(canonical, "configs.usersecrets") == 0)
        return SL_SLIGHTFILE_STORE_USERSECRETS;
    if (strcmp(canonical, "configs.azapp") == 0)
        return SL_SLIGHTFILE_STORE_AZAPP;
    return SL_SLIGHTFILE_STORE_LOCAL;
}

static bool key_declared(const struct sl_config_key *keys, const char *name)
{
    for (size_t i = 0; keys != NULL && keys[i].name != NULL; i++)
        if (strcmp(keys[i].name, name) == 0)
            return true;
    return false;
}

/*
 * The value of one declared key: from [capability.configs] (v0.2, or any
 * entry that has the table), else from the v0.1 secret_store. *found tells
 * whether a value exists; *out receives it.
 */
static sl_err resolve_key(const struct sl_caps *caps, const struct sl_slightfile_capability *cap,
                          const char *key, bool *found, struct sl_buf *out, struct sl_error *err)
{
    const struct sl_slightfile *sf = caps->sf;
    *found = false;
    if (cap->has_configs) {
        const struct sl_slightfile_config *c = sl_slightfile_config_get(cap, key);
        if (c == NULL)
            return SL_OK;
        struct sl_slightfile_ref ref;
        sl_err rc = sl_slightfile_ref_parse(c->value, &ref, err);
        if (rc != SL_OK)
            return rc;
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)ref.key.len, ref.key.ptr);
        if (ref.store == SL_SLIGHTFILE_STORE_LOCAL)
            rc = sl_buf_appends(out, c->value) == SL_OK ? SL_OK : SL_ENOMEM;
        else
            rc = store_get(sf, ref.store, name, out, err);
        if (rc == SL_ENOMEM)
            return sl_error_set(err, SL_ENOMEM, "out of memory");
        if (rc != SL_OK)
            return sl_error_prefix(err, "%s:%u: %s config %s = \"%s\"", caps->sf_name, c->line,
                                   cap->canonical, key, c->value);
        *found = true;
        return SL_OK;
    }
    if (sf != NULL && sf->version == SL_SLIGHTFILE_V0_1 && sf->secret_store != NULL) {
        sl_err rc = store_get(sf, store_of(sf->secret_store), key, out, err);
        if (rc == SL_ENOTFOUND) {
            sl_buf_reset(out);
            return SL_OK;
        }
        if (rc != SL_OK)
            return sl_error_prefix(err, "%s:%u: %s config '%s' from secret_store %s", caps->sf_name,
                                   sf->secret_store_line, cap->canonical, key, sf->secret_store);
        *found = true;
    }
    return SL_OK;
}

static sl_err add_value(struct sl_cap_entry *e, const char *key, struct sl_buf *val)
{
    struct sl_config_value *v = sl_reallocarray((struct sl_config_value *)e->config.values,
                                                e->config.nvalues + 1, sizeof(*v));
    if (v == NULL)
        return SL_ENOMEM;
    e->config.values = v;
    char *k = sl_strdup(key);
    char *s = sl_strndup(val->data ? val->data : "", val->len);
    if (k == NULL || s == NULL) {
        sl_free(k);
        sl_free(s);
        return SL_ENOMEM;
    }
    v[e->config.nvalues++] = (struct sl_config_value){k, s};
    return SL_OK;
}

static sl_err build_entry(struct sl_caps *caps, const struct sl_slightfile_capability *cap,
                          struct sl_cap_entry *e, struct sl_error *err)
{
    e->cap = cap;
    e->config.resource = cap->canonical;
    e->config.name = cap->name;
    e->config.dir = caps->dir;
    e->config.slightfile = caps->sf ? caps->sf->path : NULL;
    const struct sl_cap_backend_info *info = sl_caps_backend_info(cap->canonical);
    if (info == NULL)
        return SL_OK; /* a capability type not implemented yet: the link step says so */
    if (info->missing != NULL)
        return sl_error_set(err, SL_ECONFIG, "%s:%u: %s is not built in (needs %s)",
                            caps->sf_name, cap->line, cap->canonical, info->missing);
    for (size_t i = 0; i < cap->n_configs; i++)
        if (!key_declared(info->config_keys, cap->configs[i].key))
            sl_log_warn("%s:%u: %s ignores config '%s'", caps->sf_name, cap->configs[i].line,
                        cap->canonical, cap->configs[i].key);
    for (size_t i = 0; info->config_keys != NULL && info->config_keys[i].name != NULL; i++) {
        const struct sl_config_key *k = &info->config_keys[i];
        struct sl_buf val = SL_BUF_INIT;
        bool found;
        sl_err rc = resolve_key(caps, cap, k->name, &found, &val, err);
        if (rc == SL_OK && found)
            rc = add_value(e, k->name, &val) == SL_OK ? SL_OK
                                                       : sl_error_set(err, SL_ENOMEM, "out of memory");
        wipe(val.data);
        sl_buf_release(&val);
        if (rc != SL_OK)
            return sl_error_recode(err, rc == SL_ENOMEM ? SL_ENOMEM : SL_ECONFIG);
        if (!found && k->required)
            return sl_error_set(err, SL_ECONFIG, "%s:%u: %s needs config '%s'%s", caps->sf_name,
                                cap->line, cap->canonical, k->name,
                                cap->has_configs || caps->sf->version == SL_SLIGHTFILE_V0_2
                                    ? " in [capability.configs]"
                                    : "");
    }
    for (size_t i = 0; i < SL_ARRAY_SIZE(implemented); i++) {
        if (implemented[i].check == NULL || strcmp(implemented[i].type, cap->type) != 0)
            continue;
        sl_err rc = implemented[i].check(&e->config, err);
        if (rc != SL_OK) {
            sl_error_prefix(err, "%s:%u", caps->sf_name, cap->line);
            return rc;
        }
    }
    return SL_OK;
}

static char *dir_of(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (slash == NULL)
        return sl_strdup(".");
    if (slash == path)
        return sl_strdup("/");
    return sl_strndup(path, (size_t)(slash - path));
}

sl_err sl_caps_new(const struct sl_slightfile *sf, struct sl_caps **out, struct sl_error *err)
{
    *out = NULL;
    struct sl_caps *caps = sl_calloc(1, sizeof(*caps));
    if (caps == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    caps->sf = sf;
    caps->sf_name = sf ? sf->path : "slightfile.toml";
    caps->dir = dir_of(sf ? sf->path : NULL);
    size_t n = sf ? sf->n_caps : 0;
    caps->entries = sl_calloc(n ? n : 1, sizeof(*caps->entries));
    if (caps->dir == NULL || caps->entries == NULL) {
        sl_caps_free(caps);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        caps->n = i + 1;
        sl_err rc = build_entry(caps, &sf->caps[i], &caps->entries[i], err);
        if (rc != SL_OK) {
            sl_caps_free(caps);
            return rc;
        }
    }
    *out = caps;
    return SL_OK;
}

const struct sl_cap_entry *sl_caps_find(const struct sl_caps *caps, const char *type,
                                        struct sl_str name, struct sl_error *err)
{
    char nm[256];
    snprintf(nm, sizeof(nm), "%.*s", (int)(name.len < 200 ? name.len : 200), name.ptr);
    const struct sl_slightfile_capability *cap = NULL;
    if (caps->sf != NULL && memchr(name.ptr, '\0', name.len) == NULL && name.len < 200)
        cap = sl_slightfile_find(caps->sf, type, nm, strcmp(type, "messaging") != 0);
    if (cap == NULL) {
        sl_error_set(err, SL_ENOTFOUND, "no %s capability named '%s' in %s", type, nm,
                     caps->sf_name);
        return NULL;
    }
    for (size_t i = 0; i < caps->n; i++)
        if (caps->entries[i].cap == cap)
            return &caps->entries[i];
    sl_error_set(err, SL_EINTERNAL, "capability '%s' missing from the start-up table", nm);
    return NULL;
}
