/* SPDX-License-Identifier: Apache-2.0 */
/*
 * backend_module.h -- backends that live in an optional module
 * (slight-<name>.so: libraries too heavy for the core, ARCHITECTURE
 * "Start-up cost"), found by a capability's registry the first time a
 * slightfile names them. One loader for every registry.
 */
#ifndef SL_CAPABILITIES_BACKEND_MODULE_H
#define SL_CAPABILITIES_BACKEND_MODULE_H

#include "sl_common.h"

#include "common/err.h"

/* One module as a registry sees it; define with SL_BACKEND_MODULE("redis"). */
struct sl_backend_module {
    const char *name;        /* "redis" -> slight-redis.so */
    const char *version_sym; /* "sl_redis_module_version" */
    bool tried;              /* the fields below are written once, under a lock */
    void *handle;
    char missing[sizeof(((struct sl_error *)0)->msg) + 32];
};

#define SL_BACKEND_MODULE(n) {n, "sl_" n "_module_version", false, NULL, ""}

/*
 * The backend vtable sym of module m, loading the module on first use
 * (thread-safe). Every vtable starts with uint32_t version, which must equal
 * version. NULL when the module or the symbol is missing: *needs then reads
 * well after "... is not built in (needs ": the module's absence with the
 * places looked at, or a mismatch to reinstall.
 */
const void *sl_backend_module_find(struct sl_backend_module *m, const char *sym,
                                   uint32_t version, const char **needs);

#endif /* SL_CAPABILITIES_BACKEND_MODULE_H */
