/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_registry.c -- every keyvalue backend slight knows, in one table: the
 * built ones with their vtable, the others with the library they need, so
 * that the answer is "not built in (needs hiredis)" and not "unknown".
 */
#include "sl_common.h"

#include "kv.h"

#include "common/modload.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef SL_HAVE_KV_SQLITE
#define SL_HAVE_KV_SQLITE 0
#endif
#ifndef SL_HAVE_KV_REDIS
#define SL_HAVE_KV_REDIS 0
#endif
#ifndef SL_HAVE_KV_CLOUD
#define SL_HAVE_KV_CLOUD 0
#endif

/*
 * Backends with heavy libraries live in modules (ARCHITECTURE "Start-up
 * cost"), loaded the first time a slightfile names one of them:
 * keyvalue.sqlite in slight-sqlite, keyvalue.redis in slight-redis (hiredis),
 * keyvalue.azblob and keyvalue.awsdynamodb in slight-cloud (libcurl, cJSON).
 */
struct module {
    const char *name;        /* "redis" -> slight-redis.so */
    const char *version_sym; /* the module's version function */
    bool tried;              /* under module_lock */
    void *handle;
    char missing[sizeof(((struct sl_error *)0)->msg) + 32]; /* why not, after "needs" */
};

static pthread_mutex_t module_lock = PTHREAD_MUTEX_INITIALIZER;

#define MODULE(n) {n, "sl_" n "_module_version", false, NULL, ""}
#if SL_HAVE_KV_SQLITE
static struct module sqlite_module = MODULE("sqlite");
#endif
#if SL_HAVE_KV_REDIS
static struct module redis_module = MODULE("redis");
#endif
#if SL_HAVE_KV_CLOUD
static struct module cloud_module = MODULE("cloud");
#endif

/* The backend sym of module m, loading it once; NULL with *needs saying why. */
SL_UNUSED static const struct sl_kv_backend *module_backend(struct module *m, const char *sym,
                                                  const char **needs)
{
    pthread_mutex_lock(&module_lock);
    if (!m->tried) {
        struct sl_error err = SL_ERROR_INIT;
        m->tried = true;
        if (sl_modload_open(m->name, m->version_sym, &m->handle, &err) != SL_OK) {
            /* read after "needs": "the slight-redis module ..., which is not installed (...)" */
            const char *verb = strstr(err.msg, " is not ");
            if (verb != NULL)
                snprintf(m->missing, sizeof(m->missing), "%.*s, which%s", (int)(verb - err.msg),
                         err.msg, verb);
            else
                snprintf(m->missing, sizeof(m->missing), "%s", err.msg);
        }
    }
    pthread_mutex_unlock(&module_lock);
    const struct sl_kv_backend *b = m->handle ? sl_modload_sym(m->handle, sym) : NULL;
    if (m->handle != NULL && (b == NULL || b->version != SL_KV_BACKEND_V1)) {
        b = NULL;
        *needs = "a module of this slight with its keyvalue backend (reinstall slight)";
    } else
        *needs = b ? NULL : m->missing;
    return b;
}

static const struct {
    const char *name;
    const struct sl_kv_backend *backend; /* built into the core */
    const char *needs;                   /* not built: the missing library */
    struct module *module;               /* else: in this module, as symbol sym */
    const char *sym;
} registry[] = {
    {"filesystem", &sl_kv_backend_filesystem, NULL, NULL, NULL},
    {"memory", &sl_kv_backend_memory, NULL, NULL, NULL},
#if SL_HAVE_KV_SQLITE
    {"sqlite", NULL, NULL, &sqlite_module, "sl_kv_backend_sqlite"},
#else
    {"sqlite", NULL, "SQLite (libsqlite3)", NULL, NULL},
#endif
#if SL_HAVE_KV_REDIS
    {"redis", NULL, NULL, &redis_module, "sl_kv_backend_redis"},
#else
    {"redis", NULL, "hiredis", NULL, NULL},
#endif
#if SL_HAVE_KV_CLOUD
    {"azblob", NULL, NULL, &cloud_module, "sl_kv_backend_azblob"},
    {"awsdynamodb", NULL, NULL, &cloud_module, "sl_kv_backend_awsdynamodb"},
#else
    {"azblob", NULL, "libcurl", NULL, NULL},
    {"awsdynamodb", NULL, "libcurl", NULL, NULL},
#endif
};

/* The backend of row i, or NULL with *needs set (a module backend loads here). */
static const struct sl_kv_backend *row_backend(size_t i, const char **needs)
{
    *needs = registry[i].needs;
    return registry[i].module ? module_backend(registry[i].module, registry[i].sym, needs)
                              : registry[i].backend;
}

const struct sl_kv_backend *sl_kv_registry_find(const char *name, const char **needs)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++)
        if (strcmp(registry[i].name, name) == 0) {
            const char *missing = NULL;
            const struct sl_kv_backend *b = row_backend(i, &missing);
            if (needs != NULL)
                *needs = missing;
            return b;
        }
    if (needs != NULL)
        *needs = NULL;
    return NULL;
}

const struct sl_cap_backend_info *sl_kv_backend_info(const char *backend)
{
    static struct sl_cap_backend_info infos[SL_ARRAY_SIZE(registry)];
    static const char *const resources[] = {
        "keyvalue.filesystem", "keyvalue.memory",      "keyvalue.sqlite",
        "keyvalue.redis",      "keyvalue.azblob",      "keyvalue.awsdynamodb",
    };
    _Static_assert(SL_ARRAY_SIZE(resources) == SL_ARRAY_SIZE(registry), "one resource per row");
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++) {
        if (strcmp(registry[i].name, backend) != 0)
            continue;
        /* filled on use: called at start-up, before any other thread runs */
        const char *missing = NULL;
        const struct sl_kv_backend *b = row_backend(i, &missing);
        infos[i].resource = resources[i];
        infos[i].config_keys = b ? b->config_keys : NULL;
        infos[i].missing = b ? NULL : missing;
        return &infos[i];
    }
    return NULL;
}

void sl_kv_shutdown(void)
{
    /* built-in backends only: a module that was never loaded has nothing to release */
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++)
        if (registry[i].backend != NULL && registry[i].backend->shutdown != NULL)
            registry[i].backend->shutdown();
}
