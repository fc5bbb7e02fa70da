/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg.h -- the configs front end: the registry of backends and the only
 * callers of their methods (STYLE.md §Backends). Validates keys, maps a
 * backend's error onto the configs-error categories, and answers "not
 * built in" for backends this build lacks.
 */
#ifndef SL_CAPABILITIES_CONFIGS_CFG_H
#define SL_CAPABILITIES_CONFIGS_CFG_H

#include "sl_common.h"

#include "capabilities/caps.h"
#include "cfg_backend.h"

/* Start-up description of configs.<backend> (caps.c), or NULL when unknown.
 * For start-up only (not thread-safe). */
const struct sl_cap_backend_info *sl_cfgs_backend_info(const char *backend);

/*
 * The backend registered as configs.<name>, or NULL; when it is known but
 * not built in, *needs (may be NULL) receives the missing library.
 */
const struct sl_cfgs_backend *sl_cfgs_registry_find(const char *name, const char **needs);

/*
 * Opens the store of the capability entry for the guest's open name. On
 * success *out is owned by the caller (sl_cfgs_close).
 */
sl_err sl_cfgs_open(const struct sl_cap_entry *e, struct sl_str name, struct sl_cfgs_store **out,
                    struct sl_error *err);
/* Closes a store. Accepts NULL. Thread-safe for distinct stores. */
void sl_cfgs_close(struct sl_cfgs_store *st);

/*
 * The operations: arguments borrowed, outputs as in cfg_backend.h. An
 * empty key or one with a NUL byte is SL_EINVALVALUE (configs-error has no
 * invalid-key case).
 */
sl_err sl_cfgs_get(struct sl_cfgs_store *st, struct sl_str key, struct sl_buf *val,
                   struct sl_error *err);
sl_err sl_cfgs_set(struct sl_cfgs_store *st, struct sl_str key, struct sl_str val,
                   struct sl_error *err);

/*
 * Reads key from a store of configs.<backend> opened with an empty config
 * (the azapp store of `${azapp.KEY}` references and a v0.1 secret_store,
 * resolved at start-up), appending the value to *out. Errors as
 * sl_cfgs_open and sl_cfgs_get; SL_EUNSUPPORTED when the backend is not
 * built in.
 */
sl_err sl_cfgs_read(const char *backend, const char *key, struct sl_buf *out,
                    struct sl_error *err);

/* Calls every built-in backend's shutdown (process exit, tests). */
void sl_cfgs_shutdown(void);

#endif /* SL_CAPABILITIES_CONFIGS_CFG_H */
