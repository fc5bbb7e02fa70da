/* SPDX-License-Identifier: Apache-2.0 */
/*
 * toml_lazy.c -- sl_toml_parse for the slight binary: loads the slight-toml
 * module (toml++ and libstdc++) on first use, so that runs without a
 * slightfile do not pay for loading them. The module is looked for only in
 * fixed places: beside the binary (build tree), in the libdir relative to
 * the binary, and in the configured libdir; never where the environment or
 * a slightfile says.
 */
#include "sl_common.h"

#include "toml.h"
#include "sl_config.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef sl_err (*parse_fn)(const char *data, size_t len, const char *name,
                           struct sl_toml_value **out, struct sl_error *err);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static parse_fn module_parse;
static char tried[1024];

static bool try_load(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        return false;
    const char *(*version)(void) = (const char *(*)(void))dlsym(h, "sl_toml_module_version");
    parse_fn parse = (parse_fn)dlsym(h, "sl_toml_module_parse");
    if (version == NULL || parse == NULL || strcmp(version(), SL_VERSION) != 0) {
        dlclose(h);
        return false;
    }
    module_parse = parse;
    return true;
}

static void load(void)
{
    char exe[PATH_MAX], path[PATH_MAX + 64];
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
    const char *const subpaths[] = {"/slight-toml.so",
                                     "/" SL_MODULEDIR_FROM_BINDIR "/slight-toml.so"};
    size_t used = 0;
    for (size_t i = 0; i < SL_ARRAY_SIZE(subpaths); i++) {
        snprintf(path, sizeof(path), "%s%s", dir, subpaths[i]);
        if (try_load(path))
            return;
        used += (size_t)snprintf(tried + used, sizeof(tried) - used, "%s'%s'",
                                 used ? ", " : "", path);
        if (used >= sizeof(tried))
            used = sizeof(tried) - 1;
    }
    if (try_load(SL_MODULEDIR "/slight-toml.so"))
        return;
    snprintf(tried + used, sizeof(tried) - used, ", '%s'", SL_MODULEDIR "/slight-toml.so");
}

sl_err sl_toml_parse(const char *data, size_t len, const char *name, struct sl_toml_value **out,
                     struct sl_error *err)
{
    *out = NULL;
    pthread_once(&once, load);
    if (module_parse == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED,
                            "%s: cannot read TOML: the slight-toml module of this slight (%s) "
                            "is not installed (looked for %s)",
                            name, SL_VERSION, tried);
    return module_parse(data, len, name, out, err);
}
