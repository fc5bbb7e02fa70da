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

#if SL_HAVE_KV_REDIS
/*
 * keyvalue.redis lives in the slight-redis module (hiredis is not linked
 * into the core: ARCHITECTURE "Start-up cost"), loaded the first time a
 * slightfile names it. Without the module the answer names where it was
 * looked for.
 */
static pthread_once_t redis_once = PTHREAD_ONCE_INIT;
static const struct sl_kv_backend *redis_backend;
static char redis_missing[sizeof(((struct sl_error *)0)->msg) + 32];

static void redis_load(void)
{
    struct sl_error err = SL_ERROR_INIT;
    void *h = NULL;
    if (sl_modload_open("redis", "sl_redis_module_version", &h, &err) != SL_OK) {
        /* read after "needs": "the slight-redis module ..., which is not installed (...)" */
        const char *verb = strstr(err.msg, " is not ");
        if (verb != NULL)
            snprintf(redis_missing, sizeof(redis_missing), "%.*s, which%s", (int)(verb - err.msg),
                     err.msg, verb);
        else
            snprintf(redis_missing, sizeof(redis_missing), "%s", err.msg);
        return;
    }
    const struct sl_kv_backend *b = sl_modload_sym(h, "sl_kv_backend_redis");
    if (b == NULL || b->version != SL_KV_BACKEND_V1)
        snprintf(redis_missing, sizeof(redis_missing),
                 "a slight-redis module with keyvalue backend version %d", SL_KV_BACKEND_V1);
    else
        redis_backend = b;
}

static const struct sl_kv_backend *redis_resolve(const char **needs)
{
    pthread_once(&redis_once, redis_load);
    *needs = redis_backend ? NULL : redis_missing;
    return redis_backend;
}
#endif /* SL_HAVE_KV_REDIS */

#if SL_HAVE_KV_CLOUD
/*
 * keyvalue.azblob and keyvalue.awsdynamodb live in the slight-cloud module
 * (libcurl, cJSON), loaded the first time a slightfile names one of them.
 */
static pthread_once_t cloud_once = PTHREAD_ONCE_INIT;
static const struct sl_kv_backend *azblob_backend, *dynamo_backend;
static char cloud_missing[sizeof(((struct sl_error *)0)->msg) + 32];

static const struct sl_kv_backend *cloud_sym(void *h, const char *sym)
{
    const struct sl_kv_backend *b = sl_modload_sym(h, sym);
    return b != NULL && b->version == SL_KV_BACKEND_V1 ? b : NULL;
}

static void cloud_load(void)
{
    struct sl_error err = SL_ERROR_INIT;
    void *h = NULL;
    if (sl_modload_open("cloud", "sl_cloud_module_version", &h, &err) != SL_OK) {
        const char *verb = strstr(err.msg, " is not ");
        if (verb != NULL)
            snprintf(cloud_missing, sizeof(cloud_missing), "%.*s, which%s", (int)(verb - err.msg),
                     err.msg, verb);
        else
            snprintf(cloud_missing, sizeof(cloud_missing), "%s", err.msg);
        return;
    }
    azblob_backend = cloud_sym(h, "sl_kv_backend_azblob");
    dynamo_backend = cloud_sym(h, "sl_kv_backend_awsdynamodb");
    snprintf(cloud_missing, sizeof(cloud_missing),
             "a slight-cloud module with keyvalue backend version %d", SL_KV_BACKEND_V1);
}

static const struct sl_kv_backend *azblob_resolve(const char **needs)
{
    pthread_once(&cloud_once, cloud_load);
    *needs = azblob_backend ? NULL : cloud_missing;
    return azblob_backend;
}

static const struct sl_kv_backend *dynamo_resolve(const char **needs)
{
    pthread_once(&cloud_once, cloud_load);
    *needs = dynamo_backend ? NULL : cloud_missing;
    return dynamo_backend;
}
#endif /* SL_HAVE_KV_CLOUD */

static const struct {
    const char *name;
    const struct sl_kv_backend *backend; /* NULL: not built in */
    const char *needs;
    /* not NULL: the backend is in a module; returns it, or NULL and sets *needs */
    const struct sl_kv_backend *(*resolve)(const char **needs);
} registry[] = {
    {"filesystem", &sl_kv_backend_filesystem, NULL, NULL},
    {"memory", &sl_kv_backend_memory, NULL, NULL},
#if SL_HAVE_KV_SQLITE
    {"sqlite", &sl_kv_backend_sqlite, NULL, NULL},
#else
    {"sqlite", NULL, "SQLite (libsqlite3)", NULL},
#endif
#if SL_HAVE_KV_REDIS
    {"redis", NULL, NULL, redis_resolve},
#else
    {"redis", NULL, "hiredis", NULL},
#endif
#if SL_HAVE_KV_CLOUD
    {"azblob", NULL, NULL, azblob_resolve},
    {"awsdynamodb", NULL, NULL, dynamo_resolve},
#else
    {"azblob", NULL, "libcurl", NULL},
    {"awsdynamodb", NULL, "libcurl", NULL},
#endif
};

/* The backend of row i, or NULL with *needs set (a module backend loads here). */
static const struct sl_kv_backend *row_backend(size_t i, const char **needs)
{
    *needs = registry[i].needs;
    return registry[i].resolve ? registry[i].resolve(needs) : registry[i].backend;
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
