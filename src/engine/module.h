/* SPDX-License-Identifier: Apache-2.0 */
/*
 * module.h -- a loaded guest module (read, link-checked, compiled, loaded)
 * and its instances: instantiate from scratch, call exports under a trap
 * target, release. The CLI and the HTTP server build on this.
 */
#ifndef SL_ENGINE_MODULE_H
#define SL_ENGINE_MODULE_H

#include "sl_common.h"

#include "aot.h"
#include "common/buf.h"
#include "instance.h"
#include "link.h"
#include "rt.h"
#include "wasm_reader.h"

struct sl_module {
    char *filename;               /* as given, for messages */
    struct sl_buf file;           /* the file's bytes (module or artifact) */
    const uint8_t *wasm;          /* the module's bytes (inside file) */
    size_t wasm_len;
    struct sl_wasm_module info;   /* what the reader found */
    struct sl_aot_code code;      /* loaded code that new instances use */
    const struct sl_guest_desc *desc; /* code.desc; read atomically */
    struct sl_aot_code *retired;  /* earlier code, kept for instances made from it */
    size_t nretired;
    struct sl_link_providers providers; /* for an upgrade (borrowed tables) */
    struct sl_aot_opts opts;
};

/*
 * Reads the file at path (a .wasm module or a .slightc artifact), checks
 * it, links its imports against providers, compiles and loads it. On
 * success *out is owned by the caller (sl_module_free); providers->tables
 * must stay valid until then (upgrades resolve imports again). Every failure has
 * one message in err: SL_EMODULE (bad module, exit 1), SL_ELINK,
 * SL_EUNSUPPORTED, SL_ECOMPILE, SL_EIO.
 */
sl_err sl_module_load(const char *path, const struct sl_aot_opts *opts,
                      const struct sl_link_providers *providers, struct sl_module **out,
                      struct sl_error *err);

/*
 * Switches new instances to the optimized tier when the background compile
 * has put verified code in the cache (*upgraded tells). Instances made
 * before keep running the code they were made with. For long-running
 * hosts: call it from time to time, from one thread; snapshots and pools
 * made before must be remade to benefit.
 */
sl_err sl_module_upgrade(struct sl_module *m, bool *upgraded, struct sl_error *err);

/* Unloads the code and frees the module. Instances must be released first. Accepts NULL. */
void sl_module_free(struct sl_module *m);

/*
 * Instantiates m into inst (zeroed by the caller except wasi/capabilities):
 * memories, tables, data and element segments, the start function, then
 * _initialize when exported. memory_limit_pages caps memory (0 = the
 * module's own maximum, at most 4 GiB). A trap during instantiation is
 * reported in *res with SL_ETRAP; inst must still be released.
 */
sl_err sl_module_instantiate(struct sl_module *m, struct sl_instance *inst,
                             uint32_t memory_limit_pages, struct sl_rt_result *res,
                             struct sl_error *err);

/* Frees what instantiate allocated (memory, tables, the wasm2c struct). */
void sl_module_release_instance(struct sl_module *m, struct sl_instance *inst);

/* The exported function called name, or NULL. */
const struct sl_guest_export *sl_module_export(const struct sl_module *m, const char *name);

/* Calls an export of inst's module; args/results are 64-bit cells. */
void sl_module_call(struct sl_instance *inst, const struct sl_guest_export *exp,
                    const uint64_t *args, uint64_t *results, struct sl_rt_result *res);

#endif /* SL_ENGINE_MODULE_H */
