/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg_registry.c -- every configs backend slight knows, in one table: the
 * built ones with their vtable, the others with the library they need, so
 * that the answer is "not built in (needs libcurl)" and not "unknown".
 * configs.azapp lives in the slight-cloud module, loaded on first use.
 */
#include "sl_common.h"

#include "cfg.h"

#include "common/modload.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef SL_HAVE_CFGS_AZAPP
#define SL_HAVE_CFGS_AZAPP 0
#endif

/* A backend module (ARCHITECTURE "Start-up cost"), as in kv_registry.c. */
struct module {
    const char *name;        /* "cloud" -> slight-cloud.so */
    const char *version_sym; /* the module's version function */
    bool tried;              /* under module_lock */
    void *handle;
    char missing[sizeof(((struct sl_error *)0)->msg) + 32]; /* why not, after "needs" */
};

static pthread_mutex_t module_lock = PTHREAD_MUTEX_INITIALIZER;

#if SL_HAVE_CFGS_AZAPP
static struct module cloud_module = {"cloud", "sl_cloud_module_version", false, NULL, ""};
#endif

/* The backend sym of module m, loading it once; NULL with *needs saying why. */
SL_UNUSED static const struct sl_cfgs_backend *module_backend(struct module *m, const char *sym,
                                                             const char **needs)
{
    pthread_mutex_lock(&module_lock);
    if (!m->tried) {
        struct sl_error err = SL_ERROR_INIT;
        m->tried = true;
        if (sl_modload_open(m->name, m->version_sym, &m->handle, &err) != SL_OK) {
            /* read after "needs": "the slight-cloud module ..., which is not installed (...)" */
            const char *verb = strstr(err.msg, " is not ");
            if (verb != NULL)
                snprintf(m->missing, sizeof(m->missing), "%.*s, which%s", (int)(verb - err.msg),
                         err.msg, verb);
            else
                snprintf(m->missing, sizeof(m->missing), "%s", err.msg);
        }
    }
    pthread_mutex_unlock(&module_lock);
    const struct sl_cfgs_backend *b = m->handle ? sl_modload_sym(m->handle, sym) : NULL;
    if (m->handle != NULL && (b == NULL || b->version != SL_CFGS_BACKEND_V1)) {
        b = NULL;
        *needs = "a module of this slight with its configs backend (reinstall slight)";
    } else
        *needs = b ? NULL : m->missing;
    return b;
}

static const struct {
    const char *resource;
    const struct sl_cfgs_backend *backend; /* built into the core */
    const char *needs;                     /* not built: the missing library */
    struct module *module;                 /* else: in this module, as symbol sym */
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
