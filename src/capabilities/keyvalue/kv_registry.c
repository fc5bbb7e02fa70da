/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_registry.c -- every keyvalue backend slight knows, in one table: the
 * built ones with their vtable, the others with the library they need, so
 * that the answer is "not built in (needs hiredis)" and not "unknown".
 */
#include "sl_common.h"

#include "kv.h"

#include <string.h>

#ifndef SL_HAVE_KV_SQLITE
#define SL_HAVE_KV_SQLITE 0
#endif

static const struct {
    const char *name;
    const struct sl_kv_backend *backend; /* NULL: not built in */
    const char *needs;
} registry[] = {
    {"filesystem", &sl_kv_backend_filesystem, NULL},
    {"memory", &sl_kv_backend_memory, NULL},
#if SL_HAVE_KV_SQLITE
    {"sqlite", &sl_kv_backend_sqlite, NULL},
#else
    {"sqlite", NULL, "SQLite (libsqlite3)"},
#endif
    {"redis", NULL, "hiredis; coming in a later release"},
    {"azblob", NULL, "libcurl; coming in a later release"},
    {"awsdynamodb", NULL, "libcurl; coming in a later release"},
};

const struct sl_kv_backend *sl_kv_registry_find(const char *name, const char **needs)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++)
        if (strcmp(registry[i].name, name) == 0) {
            if (needs != NULL)
                *needs = registry[i].needs;
            return registry[i].backend;
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
        infos[i].resource = resources[i];
        infos[i].config_keys = registry[i].backend ? registry[i].backend->config_keys : NULL;
        infos[i].missing = registry[i].backend ? NULL : registry[i].needs;
        return &infos[i];
    }
    return NULL;
}
