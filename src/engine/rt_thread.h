/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rt_thread.h -- per-thread runtime state (engine-private): the innermost
 * trap target, the instance running, the deadline, stack bounds.
 */
#ifndef SL_ENGINE_RT_THREAD_H
#define SL_ENGINE_RT_THREAD_H

#include "sl_common.h"

#include "instance.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>

/* longjmp value for proc_exit (traps use their trap code). */
#define SL_RT_JMP_EXIT 200

struct sl_rt_thread {
    sigjmp_buf *target;        /* innermost guest call's trap target, NULL outside */
    struct sl_instance *inst;  /* instance of the innermost guest call */
    volatile sig_atomic_t in_rt; /* inside a wasm_rt_* function (not interruptible) */
    char message[256];         /* detail of the trap being raised */
    uint32_t call_depth;       /* explicit-check mode under tcc */
    uint32_t memory_limit;     /* pages; 0 = none */
    uintptr_t stack_lo, stack_hi;
    _Atomic uint64_t deadline; /* CLOCK_MONOTONIC ns, 0 = none */
    uint64_t signalled;        /* deadline value the watchdog already signalled */
    pthread_t self;
    bool registered;
    struct sl_rt_thread *next; /* watchdog list */
};

/* This thread's state (never NULL). */
struct sl_rt_thread *sl_rt_thread_self(void);

#endif /* SL_ENGINE_RT_THREAD_H */
