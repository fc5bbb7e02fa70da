/* SPDX-License-Identifier: Apache-2.0 */
/*
 * modload.c -- finds and loads optional modules (slight-<name>.so) from the
 * fixed places of modload.h and checks that each was built with this slight.
 * It does not cache: callers keep the handle (toml_lazy.c, kv_registry.c).
 */
#include "sl_common.h"

#include "modload.h"

#include "sl_config.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Why the file at path was not used, as a short note for the message, or NULL if it was. */
static const char *try_load(const char *path, const char *version_sym, void **handle, char *why,
                            size_t whysz)
{
    *handle = NULL;
    if (access(path, F_OK) != 0)
        return ""; /* absent: listed without a note */
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        const char *e = dlerror();
        snprintf(why, whysz, " (cannot load: %s)", e ? e : "unknown error");
        return why;
    }
    const char *(*version)(void) = (const char *(*)(void))dlsym(h, version_sym);
    if (version == NULL) {
        dlclose(h);
        snprintf(why, whysz, " (not a slight module: no %s)", version_sym);
        return why;
    }
    const char *v = version();
    if (v == NULL || strcmp(v, SL_VERSION) != 0) {
        snprintf(why, whysz, " (from slight %s)", v ? v : "(unknown)");
        dlclose(h);
        return why;
    }
    *handle = h;
    return NULL;
}

sl_err sl_modload_open(const char *name, const char *version_sym, void **handle,
                       struct sl_error *err)
{
    *handle = NULL;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    const char *dir = ".";
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            dir = exe;
        }
    }
    char paths[3][PATH_MAX + 128];
    snprintf(paths[0], sizeof(paths[0]), "%s/slight-%s.so", dir, name);
    snprintf(paths[1], sizeof(paths[1]), "%s/" SL_MODULEDIR_FROM_BINDIR "/slight-%s.so", dir, name);
    snprintf(paths[2], sizeof(paths[2]), SL_MODULEDIR "/slight-%s.so", name);

    char tried[1024];
    size_t used = 0;
    bool any_present = false;
    for (size_t i = 0; i < SL_ARRAY_SIZE(paths); i++) {
        char why[300];
        const char *note = try_load(paths[i], version_sym, handle, why, sizeof(why));
        if (note == NULL)
            return SL_OK;
        any_present |= note[0] != '\0';
        if (used < sizeof(tried))
            used += (size_t)snprintf(tried + used, sizeof(tried) - used, "%s'%s'%s",
                                     used ? ", " : "", paths[i], note);
    }
    return sl_error_set(err, SL_EUNSUPPORTED,
                        "the slight-%s module of this slight (%s) is not %s (looked for %s)", name,
                        SL_VERSION, any_present ? "usable" : "installed", tried);
}

void *sl_modload_sym(void *handle, const char *sym)
{
    return handle != NULL ? dlsym(handle, sym) : NULL;
}
