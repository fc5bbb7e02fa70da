/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg_backend.h -- THE contract configs backends implement (STYLE.md
 * §Backends). One const vtable per backend file, objects embed struct
 * sl_cfgs_store first, only the front end (cfg.c) calls the methods.
 * Backends include this header, common/, config/ and cloud/ or net/ only.
 */
#ifndef SL_CAPABILITIES_CONFIGS_CFG_BACKEND_H
#define SL_CAPABILITIES_CONFIGS_CFG_BACKEND_H

#include "sl_common.h"

#include "capabilities/cap_config.h"
#include "common/buf.h"
#include "common/err.h"

#define SL_CFGS_BACKEND_V1 1

/* Base "class": backends embed it as their first member. */
struct sl_cfgs_store {
    const struct sl_cfgs_backend *backend; /* set by the front end after open() */
};

/*
 * Error codes a method returns (the front end maps them to configs-error):
 *   SL_ENOTFOUND -> not-found            SL_EINVALVALUE -> invalid-value
 *   SL_EAUTH -> permission-denied        SL_EIO -> io-error
 *   anything else -> unexpected-error
 * err->msg starts with the resource ("configs.envvars: ...") and never
 * contains a value read from or written to a store: configs hold secrets.
 */
struct sl_cfgs_backend {
    uint32_t version;                        /* SL_CFGS_BACKEND_V1; fields are append-only */
    const char *name;                        /* "envvars" => resource "configs.envvars" */
    const struct sl_config_key *config_keys; /* accepted slightfile keys, {NULL}-terminated */

    /*
     * Required. Opens the store for the guest's open name (name: borrowed,
     * not NUL-terminated). cfg is borrowed for the call; copy what is kept.
     * Must not fail because a server is down: connect lazily. On success
     * *out is a new store owned by the caller (release with close); on
     * failure *out is NULL.
     */
    sl_err (*open)(const struct sl_config *cfg, struct sl_str name, struct sl_cfgs_store **out,
                   struct sl_error *err);
    /* Required. Releases the store. Accepts NULL. */
    void (*close)(struct sl_cfgs_store *st);

    /*
     * Required. The key is non-empty and has no NUL byte (the front end
     * checks); inputs are borrowed for the call. get appends the value to
     * *val (empty on entry); a missing key is SL_ENOTFOUND, an empty value
     * is a value. set stores val so that a following get of any store of
     * this backend sees it.
     */
    sl_err (*get)(struct sl_cfgs_store *st, struct sl_str key, struct sl_buf *val,
                  struct sl_error *err);
    sl_err (*set)(struct sl_cfgs_store *st, struct sl_str key, struct sl_str val,
                  struct sl_error *err);

    /*
     * Optional (NULL: nothing to do). Called once per process before exit
     * and by tests to release what the backend shares across stores.
     */
    void (*shutdown)(void);
};

extern const struct sl_cfgs_backend sl_cfgs_backend_envvars;
extern const struct sl_cfgs_backend sl_cfgs_backend_usersecrets;
extern const struct sl_cfgs_backend sl_cfgs_backend_file;

#endif /* SL_CAPABILITIES_CONFIGS_CFG_BACKEND_H */
