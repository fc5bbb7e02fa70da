/* SPDX-License-Identifier: Apache-2.0 */
/*
 * instance.h -- one running guest instance as host functions see it: its
 * linear memory, WASI context, exit and trap. Created by the engine
 * (engine.h); host functions receive it as their first argument.
 * An instance is used by one thread at a time.
 */
#ifndef SL_ENGINE_INSTANCE_H
#define SL_ENGINE_INSTANCE_H

#include "sl_common.h"

#include "sl_guest_abi.h"
#include "wasm-rt.h"

struct sl_wasi_ctx;
struct sl_module;

struct sl_instance {
    /* Shared with the generated glue (in_host, interrupted): must stay first. */
    struct sl_guest_hdr hdr;
    /* The guest's linear memory 0, or NULL when the module has none. */
    wasm_rt_memory_t *memory;
    /* WASI state of this instance (owned by whoever created the instance). */
    struct sl_wasi_ctx *wasi;
    /* The module this instance belongs to (borrowed), NULL in unit tests. */
    const struct sl_module *module;
    /* wasm2c instance struct (engine-private), NULL in unit tests. */
    void *w2c;
    /* The compiled code this instance runs (a module may have two tiers loaded). */
    const struct sl_guest_desc *desc;
    /* The export being run, for trap messages. */
    const char *current_export;
    /* Exit code given to proc_exit. */
    uint32_t exit_code;
    /* Opaque per-capability state (handle tables); owned by the creator. */
    void *capabilities;
};

/*
 * Ends the running guest call as the WASI proc_exit does: the call that
 * entered the guest returns SL_EEXIT with code in inst->exit_code. Must be
 * called from a host function on the thread running inst.
 */
SL_NORETURN void sl_instance_exit(struct sl_instance *inst, uint32_t code);

/*
 * Traps the running guest with a message (a guest bug: bad pointer, bad
 * handle, invalid UTF-8). Check everything before acquiring host resources:
 * this does not return and unwinds past C frames.
 */
SL_NORETURN void sl_instance_trap(struct sl_instance *inst, const char *fmt, ...)
    SL_PRINTF(2, 3);

#endif /* SL_ENGINE_INSTANCE_H */
