/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg_registry.c -- every configs backend slight knows, in one table: the
 * built ones with their vtable, the others with the library they need, so
 * that the answer is "not built in (needs libcurl)" and not "unknown".
 */
#include "sl_common.h"

#include "cfg.h"

#include <string.h>

static const struct {
    const char *resource;
    const struct sl_cfgs_backend *backend; /* NULL: not built in */
    const char *needs;
} registry[] = {
    {"configs.envvars", &sl_cfgs_backend_envvars, NULL},
    {"configs.usersecrets", &sl_cfgs_backend_usersecrets, NULL},
    {"configs.file", &sl_cfgs_backend_file, NULL},
    {"configs.azapp", NULL, "libcurl"},
};

/* The row of configs.<name>, or NULL. */
static size_t row_of(const char *name)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++)
        if (strcmp(registry[i].resource + strlen("configs."), name) == 0)
            return i;
    return SL_ARRAY_SIZE(registry);
}

const struct sl_cfgs_backend *sl_cfgs_registry_find(const char *name, const char **needs)
{
    size_t i = row_of(name);
    if (needs != NULL)
        *needs = i < SL_ARRAY_SIZE(registry) ? registry[i].needs : NULL;
    return i < SL_ARRAY_SIZE(registry) ? registry[i].backend : NULL;
}

const struct sl_cap_backend_info *sl_cfgs_backend_info(const char *backend)
{
    static struct sl_cap_backend_info infos[SL_ARRAY_SIZE(registry)];
    size_t i = row_of(backend);
    if (i == SL_ARRAY_SIZE(registry))
        return NULL;
    /* filled on use: called at start-up, before any other thread runs */
    infos[i].resource = registry[i].resource;
    infos[i].config_keys = registry[i].backend ? registry[i].backend->config_keys : NULL;
    infos[i].missing = registry[i].backend ? NULL : registry[i].needs;
    return &infos[i];
}

void sl_cfgs_shutdown(void)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++)
        if (registry[i].backend != NULL && registry[i].backend->shutdown != NULL)
            registry[i].backend->shutdown();
}
