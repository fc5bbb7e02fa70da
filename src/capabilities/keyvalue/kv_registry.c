/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_registry.c -- every keyvalue backend slight knows, in one table: the
 * built ones with their vtable, the others with the library they need, so
 * that the answer is "not built in (needs hiredis)" and not "unknown".
 */
#include "sl_common.h"

#include "kv.h"

#include "capabilities/backend_module.h"

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

#if SL_HAVE_KV_SQLITE
static struct sl_backend_module sqlite_module = SL_BACKEND_MODULE("sqlite");
#endif
#if SL_HAVE_KV_REDIS
static struct sl_backend_module redis_module = SL_BACKEND_MODULE("redis");
#endif
#if SL_HAVE_KV_CLOUD
static struct sl_backend_module cloud_module = SL_BACKEND_MODULE("cloud");
#endif

/* The backend sym of module m, loading it once; NULL with *needs saying why. */
SL_UNUSED static const struct sl_kv_backend *module_backend(struct sl_backend_module *m,
                                                 const char *sym, const char **needs)
{
    return sl_backend_module_find(m, sym, SL_KV_BACKEND_V1, needs);
}

static const struct {
    const char *name;
    const struct sl_kv_backend *backend; /* built into the core */
    const char *needs;                   /* not built: the missing library */
    struct sl_backend_module *module; /* else: in this module, as symbol sym */
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
