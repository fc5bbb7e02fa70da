/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_io_load.c -- finds the HTTP I/O layer: the slight-http module,
 * loaded with dlopen the first time a slightfile declaring http is run, from
 * the fixed places the other modules are looked for (beside the binary, the
 * libdir relative to it, the configured libdir); never from a path the
 * environment or a slightfile chooses.
 */
#include "sl_common.h"

#include "http_io.h"
#include "sl_config.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct sl_http_io *module_io;
static char tried[1024];

static bool try_load(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        return false;
    const char *(*version)(void) = (const char *(*)(void))dlsym(h, "sl_http_io_module_version");
    const struct sl_http_io *io = dlsym(h, "sl_http_io_module");
    if (version == NULL || io == NULL || strcmp(version(), SL_VERSION) != 0
        || io->version < SL_HTTP_IO_V1) {
        dlclose(h);
        return false;
    }
    module_io = io;
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
    /* The first two are relative to the binary's directory. */
    const char *const places[] = {"/slight-http.so", "/" SL_MODULEDIR_FROM_BINDIR "/slight-http.so",
                                  SL_MODULEDIR "/slight-http.so"};
    size_t used = 0;
    for (size_t i = 0; i < SL_ARRAY_SIZE(places); i++) {
        snprintf(path, sizeof(path), "%s%s", i < 2 ? dir : "", places[i]);
        if (try_load(path))
            return;
        used += (size_t)snprintf(tried + used, sizeof(tried) - used, "%s'%s'", used ? ", " : "",
                                 path);
        if (used >= sizeof(tried))
            used = sizeof(tried) - 1;
    }
}

const struct sl_http_io *sl_http_io_get(struct sl_error *err)
{
    pthread_once(&once, load);
    if (module_io == NULL)
        sl_error_set(err, SL_EUNSUPPORTED,
                     "the slight-http module of this slight (%s) is not installed (looked for %s)",
                     SL_VERSION, tried);
    return module_io;
}
