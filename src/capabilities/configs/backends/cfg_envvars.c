/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg_envvars.c -- configs.envvars: the slight process's environment
 * variables. get reads a variable; set records the value in a process-wide
 * overlay that later gets see, instead of setenv(), which races with
 * getenv() in other threads (the HTTP server's workers, libraries).
 */
#include "sl_common.h"

#include "capabilities/configs/cfg_backend.h"

#include "common/mem.h"
#include "common/utf8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* One variable set by a guest; the list is shared by every store. */
struct overlay_var {
    struct overlay_var *next;
    char *name;
    char *value;
};

static pthread_mutex_t overlay_lock = PTHREAD_MUTEX_INITIALIZER;
static struct overlay_var *overlay;

struct cfg_envvars_store {
    struct sl_cfgs_store base;
};

/* The overlay entry named name; the caller holds overlay_lock. */
static struct overlay_var *overlay_find(const char *name)
{
    for (struct overlay_var *v = overlay; v != NULL; v = v->next)
        if (strcmp(v->name, name) == 0)
            return v;
    return NULL;
}

static sl_err envvars_open(const struct sl_config *cfg, struct sl_str name,
                           struct sl_cfgs_store **out, struct sl_error *err)
{
    (void)cfg, (void)name;
    struct cfg_envvars_store *st = sl_calloc(1, sizeof(*st));
    if (st == NULL) {
        *out = NULL;
        return sl_error_set(err, SL_ENOMEM, "configs.envvars: out of memory");
    }
    *out = &st->base;
    return SL_OK;
}

static void envvars_close(struct sl_cfgs_store *st)
{
    sl_free(st);
}

static sl_err envvars_get(struct sl_cfgs_store *st, struct sl_str key, struct sl_buf *val,
                          struct sl_error *err)
{
    (void)st;
    char *name = sl_strndup(key.ptr, key.len);
    if (name == NULL)
        return sl_error_set(err, SL_ENOMEM, "configs.envvars: out of memory");
    sl_err rc = SL_OK;
    pthread_mutex_lock(&overlay_lock);
    const struct overlay_var *v = overlay_find(name);
    const char *s = v != NULL ? v->value : getenv(name);
    if (s == NULL)
        rc = sl_error_set(err, SL_ENOTFOUND,
                          "configs.envvars: environment variable '%s' is not set", name);
    else if (sl_buf_appends(val, s) != SL_OK)
        rc = sl_error_set(err, SL_ENOMEM, "configs.envvars: out of memory");
    pthread_mutex_unlock(&overlay_lock);
    sl_free(name);
    return rc;
}

static sl_err envvars_set(struct sl_cfgs_store *st, struct sl_str key, struct sl_str val,
                          struct sl_error *err)
{
    (void)st;
    if (memchr(key.ptr, '=', key.len) != NULL)
        return sl_error_set(err, SL_EINVALVALUE,
                            "configs.envvars: the name '%.*s' contains '='", (int)key.len,
                            key.ptr);
    if (memchr(val.ptr, '\0', val.len) != NULL)
        return sl_error_set(err, SL_EINVALVALUE,
                            "configs.envvars: the value of '%.*s' contains a NUL byte",
                            (int)key.len, key.ptr);
    if (!sl_utf8_valid((const uint8_t *)val.ptr, val.len))
        return sl_error_set(err, SL_EINVALVALUE,
                            "configs.envvars: the value of '%.*s' is not UTF-8", (int)key.len,
                            key.ptr);
    char *name = sl_strndup(key.ptr, key.len);
    char *value = sl_strndup(val.ptr, val.len);
    struct overlay_var *nv = sl_calloc(1, sizeof(*nv));
    if (name == NULL || value == NULL || nv == NULL) {
        sl_free(name);
        sl_free(value);
        sl_free(nv);
        return sl_error_set(err, SL_ENOMEM, "configs.envvars: out of memory");
    }
    pthread_mutex_lock(&overlay_lock);
    struct overlay_var *v = overlay_find(name);
    if (v != NULL) {
        char *old = v->value;
        v->value = value; /* a reader copies under the lock, so the old one can go */
        value = old;
        sl_free(name);
        sl_free(nv);
    } else {
        nv->name = name;
        nv->value = value;
        nv->next = overlay;
        overlay = nv;
        value = NULL;
    }
    pthread_mutex_unlock(&overlay_lock);
    sl_free(value);
    return SL_OK;
}

static void envvars_shutdown(void)
{
    pthread_mutex_lock(&overlay_lock);
    struct overlay_var *v = overlay;
    overlay = NULL;
    pthread_mutex_unlock(&overlay_lock);
    while (v != NULL) {
        struct overlay_var *next = v->next;
        sl_free(v->name);
        sl_free(v->value);
        sl_free(v);
        v = next;
    }
}

const struct sl_cfgs_backend sl_cfgs_backend_envvars = {
    .version = SL_CFGS_BACKEND_V1,
    .name = "envvars",
    .config_keys = NULL,
    .open = envvars_open,
    .close = envvars_close,
    .get = envvars_get,
    .set = envvars_set,
    .shutdown = envvars_shutdown,
};
