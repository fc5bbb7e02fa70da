/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv.h -- the keyvalue front end: the registry of backends and the only
 * callers of their methods (STYLE.md §Backends). Validates arguments, maps
 * a backend's error onto the keyvalue-error categories, and answers "not
 * built in" for backends this build lacks.
 */
#ifndef SL_CAPABILITIES_KEYVALUE_KV_H
#define SL_CAPABILITIES_KEYVALUE_KV_H

#include "sl_common.h"

#include "capabilities/caps.h"
#include "kv_backend.h"

/* Start-up description of keyvalue.<backend> (caps.c), or NULL when unknown.
 * For start-up only (not thread-safe). */
const struct sl_cap_backend_info *sl_kv_backend_info(const char *backend);

/*
 * The backend registered as keyvalue.<name>, or NULL; when it is known but
 * not built in, *needs (may be NULL) receives the missing library.
 */
const struct sl_kv_backend *sl_kv_registry_find(const char *name, const char **needs);

/* Releases what the built-in backends share across stores (process exit, tests). */
void sl_kv_shutdown(void);

/*
 * Opens the store of the capability entry for the guest's open name. On
 * success *out is owned by the caller (sl_kv_close).
 */
sl_err sl_kv_open(const struct sl_cap_entry *e, struct sl_str name, struct sl_kv_store **out,
                  struct sl_error *err);
/* Closes a store. Accepts NULL. Thread-safe for distinct stores. */
void sl_kv_close(struct sl_kv_store *st);

/* The operations: arguments borrowed, outputs as in kv_backend.h. */
sl_err sl_kv_get(struct sl_kv_store *st, struct sl_str key, struct sl_buf *val,
                 struct sl_error *err);
sl_err sl_kv_set(struct sl_kv_store *st, struct sl_str key, struct sl_str val,
                 struct sl_error *err);
sl_err sl_kv_delete(struct sl_kv_store *st, struct sl_str key, struct sl_error *err);
sl_err sl_kv_keys(struct sl_kv_store *st, struct sl_strvec *out, struct sl_error *err);

#endif /* SL_CAPABILITIES_KEYVALUE_KV_H */
