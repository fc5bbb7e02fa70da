/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg_registry.c -- every configs backend slight knows, in one table: the
 * built ones with their vtable, the others with the library they need, so
 * that the answer is "not built in (needs libcurl)" and not "unknown".
 * configs.azapp lives in the slight-cloud module, loaded on first use.
 */
#include "sl_common.h"

#include "cfg.h"

#include "capabilities/backend_module.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef SL_HAVE_CFGS_AZAPP
#define SL_HAVE_CFGS_AZAPP 0
#endif

/* A backend module (ARCHITECTURE "Start-up cost"), as in kv_registry.c. */

#if SL_HAVE_CFGS_AZAPP
static struct sl_backend_module cloud_module = SL_BACKEND_MODULE("cloud");
#endif

/* The backend sym of module m, loading it once; NULL with *needs saying why. */
SL_UNUSED static const struct sl_cfgs_backend *module_backend(struct sl_backend_module *m,
                                                 const char *sym, const char **needs)
{
    return sl_backend_module_find(m, sym, SL_CFGS_BACKEND_V1, needs);
}

static const struct {
    const char *resource;
    const struct sl_cfgs_backend *backend; /* built into the core */
    const char *needs;                     /* not built: the missing library */
    struct sl_backend_module *module; /* else: in this module, as symbol sym */
    const char *sym;
} registry[] = {
    {"configs.envvars", &sl_cfgs_backend_envvars, NULL, NULL, NULL},
    {"configs.usersecrets", &sl_cfgs_backend_usersecrets, NULL, NULL, NULL},
    {"configs.file", &sl_cfgs_backend_file, NULL, NULL, NULL},
#if SL_HAVE_CFGS_AZAPP
    {"configs.azapp", NULL, NULL, &cloud_module, "sl_cfgs_backend_azapp"},
#else
    {"configs.azapp", NULL, "libcurl", NULL, NULL},
#endif
};

/* The backend of row i, or NULL with *needs set (a module backend loads here). */
static const struct sl_cfgs_backend *row_backend(size_t i, const char **needs)
{
    *needs = registry[i].needs;
    return registry[i].module ? module_backend(registry[i].module, registry[i].sym, needs)
                              : registry[i].backend;
}

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
    const char *missing = NULL;
    const struct sl_cfgs_backend *b = i < SL_ARRAY_SIZE(registry) ? row_backend(i, &missing) : NULL;
    if (needs != NULL)
        *needs = missing;
    return b;
}

const struct sl_cap_backend_info *sl_cfgs_backend_info(const char *backend)
{
    static struct sl_cap_backend_info infos[SL_ARRAY_SIZE(registry)];
    size_t i = row_of(backend);
    if (i == SL_ARRAY_SIZE(registry))
        return NULL;
    /* filled on use: called at start-up, before any other thread runs */
    const char *missing = NULL;
    const struct sl_cfgs_backend *b = row_backend(i, &missing);
    infos[i].resource = registry[i].resource;
    infos[i].config_keys = b ? b->config_keys : NULL;
    infos[i].missing = b ? NULL : missing;
    return &infos[i];
}

void sl_cfgs_shutdown(void)
{
    /* built-in backends only: a module that was never loaded has nothing to release */
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++)
        if (registry[i].backend != NULL && registry[i].backend->shutdown != NULL)
            registry[i].backend->shutdown();
}
