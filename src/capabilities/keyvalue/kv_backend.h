/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_backend.h -- THE contract keyvalue backends implement (STYLE.md
 * §Backends). One const vtable per backend file, objects embed struct
 * sl_kv_store first, only the front end (kv.c) calls the methods.
 * Backends include this header, common/ and cloud/ or net/ only.
 */
#ifndef SL_CAPABILITIES_KEYVALUE_KV_BACKEND_H
#define SL_CAPABILITIES_KEYVALUE_KV_BACKEND_H

#include "sl_common.h"

#include "capabilities/cap_config.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/strvec.h"

#define SL_KV_BACKEND_V1 1

/* Base "class": backends embed it as their first member. */
struct sl_kv_store {
    const struct sl_kv_backend *backend; /* set by the front end after open() */
};

/*
 * Error codes a method returns (the front end maps them to keyvalue-error):
 *   SL_ENOTFOUND -> key-not-found   SL_EINVALKEY -> invalid-key
 *   SL_EINVALVALUE -> invalid-value SL_ECONN -> connection-error
 *   SL_EAUTH -> authentication-error SL_ETIMEOUT -> timeout-error
 *   SL_EIO -> io-error              anything else -> unexpected-error
 * err->msg starts with the resource ("keyvalue.redis: ...") and never
 * contains a credential.
 */
struct sl_kv_backend {
    uint32_t version;                        /* SL_KV_BACKEND_V1; fields are append-only */
    const char *name;                        /* "redis" => resource "keyvalue.redis" */
    const struct sl_config_key *config_keys; /* accepted slightfile keys, {NULL}-terminated */

    /*
     * Required. Opens the store for the guest's open name (name: borrowed,
     * not NUL-terminated). cfg is borrowed for the call; copy what is kept.
     * Must not fail because a server is down: connect lazily. On success
     * *out is a new store owned by the caller (release with close); on
     * failure *out is NULL.
     */
    sl_err (*open)(const struct sl_config *cfg, struct sl_str name, struct sl_kv_store **out,
                   struct sl_error *err);
    /* Required. Releases the store. Accepts NULL. */
    void (*close)(struct sl_kv_store *st);

    /*
     * Required. Inputs are borrowed for the call. get appends the value to
     * *val (empty on entry); a missing key is SL_ENOTFOUND, an empty value is
     * a value. set stores val atomically. del of a missing key is SL_OK.
     */
    sl_err (*get)(struct sl_kv_store *st, struct sl_str key, struct sl_buf *val,
                  struct sl_error *err);
    sl_err (*set)(struct sl_kv_store *st, struct sl_str key, struct sl_str val,
                  struct sl_error *err);
    sl_err (*del)(struct sl_kv_store *st, struct sl_str key, struct sl_error *err);
    /* Required. Appends each key of this open name once (any order) to *out (empty on entry). */
    sl_err (*keys)(struct sl_kv_store *st, struct sl_strvec *out, struct sl_error *err);

    /*
     * Optional (NULL: nothing to do). Called once per process before exit
     * and by tests to release what the backend shares across stores
     * (connection pools, process-wide maps).
     */
    void (*shutdown)(void);
};

extern const struct sl_kv_backend sl_kv_backend_memory;
extern const struct sl_kv_backend sl_kv_backend_filesystem;
extern const struct sl_kv_backend sl_kv_backend_sqlite;

#endif /* SL_CAPABILITIES_KEYVALUE_KV_BACKEND_H */
