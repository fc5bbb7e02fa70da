/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rt.h -- engine-internal runtime: calling into guest code on this thread
 * with a trap target, trap reasons, per-instance memory limits, signal
 * handling (guard pages, stack exhaustion, deadlines). The wasm_rt_*
 * functions themselves are reached by generated code through sl_rt_api.
 */
#ifndef SL_ENGINE_RT_H
#define SL_ENGINE_RT_H

#include "sl_common.h"

#include "common/err.h"
#include "instance.h"
#include "sl_guest_abi.h"

/* Why a guest call ended. */
enum sl_rt_outcome {
    SL_RT_RETURNED = 0,
    SL_RT_TRAPPED,  /* see trap / message */
    SL_RT_EXITED,   /* proc_exit; code in inst->exit_code */
};

/* Trap reasons beyond wasm_rt_trap_t. */
enum {
    SL_TRAP_DEADLINE = 100, /* --timeout passed */
    SL_TRAP_HOST = 101,     /* a host function trapped (guest bug), message set */
    SL_TRAP_MEMORY_LIMIT = 102,
};

struct sl_rt_result {
    enum sl_rt_outcome outcome;
    int trap;           /* wasm_rt_trap_t or SL_TRAP_* */
    char message[256];  /* trap message (without the export name) */
};

/* The API table handed to every module's glue. */
const struct sl_rt_api *sl_rt_api_table(void);

/*
 * Installs signal handlers (once per process) and prepares this thread
 * (alternate signal stack). Idempotent; cheap after the first call.
 */
sl_err sl_rt_thread_init(struct sl_error *err);

/*
 * Runs fn(w2c, args, results) as guest code for inst on this thread, with a
 * trap target. Nested calls (host import -> guest export) are allowed. A
 * trap or exit unwinds to the innermost sl_rt_call and is reported in *res.
 */
void sl_rt_call(struct sl_instance *inst, const struct sl_guest_desc *desc,
                void (*fn)(void *w2c, const uint64_t *args, uint64_t *results), void *w2c,
                const uint64_t *args, uint64_t *results, struct sl_rt_result *res);

/*
 * Ends the running guest call of inst the way a nested call (a host function
 * calling back into the guest) ended: the same trap code and message, or
 * the same exit. res must not be SL_RT_RETURNED. Does not return.
 */
SL_NORETURN void sl_instance_rethrow(struct sl_instance *inst, const struct sl_rt_result *res);

/* Memory limit (in 64 KiB pages) applied by allocate/grow during instantiation
 * and later growth of inst's memory; 65536 = 4 GiB = none. */
void sl_rt_set_memory_limit(uint32_t pages);

/* Human text of a trap code, e.g. "out of bounds memory access". */
const char *sl_rt_trap_text(int trap);

/* Deadline of guest code on this thread, in CLOCK_MONOTONIC ns; 0 = none.
 * Setting it costs no system call once the watchdog runs. */
sl_err sl_rt_set_deadline(uint64_t deadline_ns, struct sl_error *err);

/* CLOCK_MONOTONIC now, in ns. */
uint64_t sl_rt_now_ns(void);

/* Bytes of address space a memory of max_pages reserves (guard pages: 8 GiB + 64 KiB). */
uint64_t sl_rt_memory_reservation(uint32_t max_pages);

/* True when guest memories are checked by guard pages (release builds). */
bool sl_rt_guard_pages(void);

#endif /* SL_ENGINE_RT_H */
