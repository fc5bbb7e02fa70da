/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sl_guest_abi.h -- the contract between the slight host and the glue file
 * generated for every module (src/engine/glue_gen.c). The glue is compiled
 * with the wasm2c output (by cc into a shared object, or by libtcc in
 * memory) and exports one fixed entry point, slight_guest_describe(). The
 * host never depends on a module-specific symbol. Embedded in the slight
 * binary; compiles under gcc, clang and tcc. Bump SL_GUEST_ABI_VERSION on
 * any change (it is part of the cache key).
 */
#ifndef SL_GUEST_ABI_H
#define SL_GUEST_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "wasm-rt.h"

#define SL_GUEST_ABI_VERSION 2u

/* First member of the host's per-instance context (struct sl_instance). */
struct sl_guest_hdr {
    volatile int in_host;     /* set while a host import runs */
    volatile int interrupted; /* deadline passed while in host code */
};

/* Runtime functions the glue forwards wasm2c's wasm_rt_* calls to. */
struct sl_rt_api {
    uint32_t version; /* SL_GUEST_ABI_VERSION */
    void (*trap)(wasm_rt_trap_t code);
    uint32_t (*register_func_type)(uint32_t params, uint32_t results, const wasm_rt_type_t *types);
    void (*allocate_memory)(wasm_rt_memory_t *mem, uint32_t initial, uint32_t max);
    uint32_t (*grow_memory)(wasm_rt_memory_t *mem, uint32_t delta);
    void (*free_memory)(wasm_rt_memory_t *mem);
    void (*allocate_funcref_table)(wasm_rt_funcref_table_t *t, uint32_t n, uint32_t max);
    void (*free_funcref_table)(wasm_rt_funcref_table_t *t);
    uint32_t (*grow_funcref_table)(wasm_rt_funcref_table_t *t, uint32_t delta,
                                   wasm_rt_funcref_t init);
    void (*allocate_externref_table)(wasm_rt_externref_table_t *t, uint32_t n, uint32_t max);
    void (*free_externref_table)(wasm_rt_externref_table_t *t);
    uint32_t (*grow_externref_table)(wasm_rt_externref_table_t *t, uint32_t delta,
                                     wasm_rt_externref_t init);
    uint32_t *(*call_depth)(void);     /* per-thread counter (explicit-check mode) */
    void (*interrupted)(void *ctx);    /* a deadline passed during a host call: traps */
};

/* One import the module needs; slots[i] is filled by the host before init. */
struct sl_guest_import {
    const char *module;
    const char *name;
    const char *sig; /* "iiii:i", see engine/host_fn.h */
};

/* One exported function: invoke() calls it with args/results as 64-bit cells. */
struct sl_guest_export {
    const char *name;
    const char *sig;
    void (*invoke)(void *w2c, const uint64_t *args, uint64_t *results);
};

struct sl_guest_desc {
    uint32_t abi_version;
    uint32_t nimports;
    const struct sl_guest_import *imports;
    void (**slots)(void); /* nimports entries, filled by the host */
    uint32_t nexports;
    const struct sl_guest_export *exports;
    size_t instance_size; /* sizeof the wasm2c instance struct */
    void (*init_module)(void);
    /* Instantiates into zeroed storage w2c; ctx becomes every import module's instance. */
    void (*instantiate)(void *w2c, void *ctx);
    void (*free)(void *w2c);
    /* Memory 0 and table 0 of an instance, or NULL when the module has none. */
    wasm_rt_memory_t *(*memory)(void *w2c);
    wasm_rt_funcref_table_t *(*table)(void *w2c);
    /* Points every import-module instance pointer of w2c at ctx (after a copy). */
    void (*set_ctx)(void *w2c, void *ctx);
    /* This code's per-thread call depth counter (explicit-check mode), else NULL. */
    uint32_t *(*call_depth)(void);
};

typedef const struct sl_guest_desc *(*sl_guest_describe_fn)(const struct sl_rt_api *api);

#define SL_GUEST_DESCRIBE_SYMBOL "slight_guest_describe"

#endif /* SL_GUEST_ABI_H */
