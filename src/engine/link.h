/* SPDX-License-Identifier: Apache-2.0 */
/*
 * link.h -- checks that every import of a module is provided (WASI,
 * canonical_abi, or a capability the slightfile declares) with the right
 * type, before anything is compiled, and resolves host function pointers.
 */
#ifndef SL_ENGINE_LINK_H
#define SL_ENGINE_LINK_H

#include "sl_common.h"

#include "common/err.h"
#include "host_fn.h"
#include "wasm_reader.h"

struct sl_link_providers {
    const struct sl_host_fn_table *tables; /* host functions on offer */
    size_t ntables;
    /*
     * Whether the slightfile (or -l) declares the capability whose import
     * module (e.g. "keyvalue", "http-server") is given; NULL = none declared.
     */
    bool (*declares)(void *opaque, const char *import_module);
    void *opaque;
};

/* The host function for module/name, or NULL. */
const struct sl_host_fn *sl_link_find(const struct sl_link_providers *p, const char *module,
                                      const char *name);

/*
 * SL_OK when every import of m is provided with its exact type; else
 * SL_ELINK (or SL_EUNSUPPORTED for a declared capability that is not
 * implemented yet) and one message naming the import, e.g.
 *   "app.wasm: imports keyvalue::get, but the slightfile declares no keyvalue capability"
 */
sl_err sl_link_check(const struct sl_wasm_module *m, const char *filename,
                     const struct sl_link_providers *p, struct sl_error *err);

/* True when an import module name belongs to a slight capability. */
bool sl_link_is_capability_module(const char *module);

#endif /* SL_ENGINE_LINK_H */
