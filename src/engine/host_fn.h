/* SPDX-License-Identifier: Apache-2.0 */
/*
 * host_fn.h -- how the host describes one function it offers to guests
 * (WASI, canonical_abi, capability glue). The per-module glue generated at
 * compile time calls these through a slot table filled at load time.
 */
#ifndef SL_ENGINE_HOST_FN_H
#define SL_ENGINE_HOST_FN_H

#include "sl_common.h"

/*
 * One importable host function. Its C type is
 *   RESULT fn(struct sl_instance *inst, PARAMS...)
 * with i32 -> uint32_t, i64 -> uint64_t, f32 -> float, f64 -> double, and
 * RESULT void when the result list is empty.
 * sig spells the wasm type: parameter letters, ':' and result letters, with
 * i = i32, I = i64, f = f32, F = f64. Example: fd_write is "iiii:i".
 */
struct sl_host_fn {
    const char *module; /* wasm import module, e.g. "wasi_snapshot_preview1" */
    const char *name;   /* wasm import field, e.g. "fd_write" */
    const char *sig;    /* see above */
    void (*fn)(void);   /* cast to the type above before calling */
};

/* A table of host functions offered under some set of module names. */
struct sl_host_fn_table {
    const struct sl_host_fn *fns;
    size_t count;
};

#endif /* SL_ENGINE_HOST_FN_H */
