/* SPDX-License-Identifier: Apache-2.0 */
/*
 * modload.h -- loading of slight's optional modules (slight-<name>.so: the
 * TOML parser, backend families with heavy libraries; ARCHITECTURE "Start-up
 * cost"). A module is looked for only in fixed places derived from the
 * binary and the build configuration, never where the environment or a
 * slightfile says, and is used only when it was built with this slight.
 */
#ifndef SL_COMMON_MODLOAD_H
#define SL_COMMON_MODLOAD_H

#include "sl_common.h"

#include "err.h"

/*
 * Loads slight-<name>.so from, in order: the directory of the running binary
 * (build tree), SL_MODULEDIR_FROM_BINDIR relative to it, and SL_MODULEDIR.
 * The first file that loads and whose function version_sym (taking no
 * argument, returning const char *) returns SL_VERSION is used; the others
 * are passed over. On success *handle is the module (it stays loaded for the
 * life of the process; there is no unload). On failure *handle is NULL and
 * the result is SL_EUNSUPPORTED with a message naming every place looked at
 * and, for a file that exists but was not used, why ("the slight-redis
 * module of this slight (0.6.0) is not installed (looked for '/a', '/b')").
 * Thread-safe; each call loads again (dlopen counts references), so callers
 * cache the handle.
 */
sl_err sl_modload_open(const char *name, const char *version_sym, void **handle,
                       struct sl_error *err);

/* The address of sym in a module from sl_modload_open, or NULL when absent. */
void *sl_modload_sym(void *handle, const char *sym);

#endif /* SL_COMMON_MODLOAD_H */
