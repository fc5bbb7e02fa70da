/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasm_rt.c -- slight's thread-safe implementation of the wasm-rt interface
 * that wasm2c output calls (through the glue's sl_rt_api): linear memories
 * reserved up front (guard pages make bounds checks free; explicit-check
 * builds reserve only the maximum), tables, the locked function type
 * registry, and traps that unwind to the innermost sl_rt_call of this
 * thread. Signals and deadlines live in rt_signals.c.
 */
#include "sl_common.h"

#include "rt.h"
#include "rt_thread.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE_SIZE_WASM 65536ull
/* wasm2c computes addr + offset in 64 bits: both are < 4 GiB. */
#define GUARD_RESERVATION ((8ull << 30) + PAGE_SIZE_WASM)

bool sl_rt_guard_pages(void)
{
    return WASM_RT_MEMCHECK_SIGNAL_HANDLER != 0;
}

/* ---- traps ---- */

SL_NORETURN static void rt_unwind(struct sl_rt_thread *t, int code)
{
    if (t->target == NULL)
        SL_BUG("trap %d outside a guest call", code);
    siglongjmp(*t->target, code);
}

static void rt_trap(wasm_rt_trap_t code)
{
    struct sl_rt_thread *t = sl_rt_thread_self();
    t->message[0] = '\0';
    rt_unwind(t, (int)code);
}

SL_NORETURN static void trap_with(int code, const char *fmt, ...) SL_PRINTF(2, 3);
static void trap_with(int code, const char *fmt, ...)
{
    struct sl_rt_thread *t = sl_rt_thread_self();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->message, sizeof(t->message), fmt, ap);
    va_end(ap);
    rt_unwind(t, code);
}

void sl_instance_trap(struct sl_instance *inst, const char *fmt, ...)
{
    struct sl_rt_thread *t = sl_rt_thread_self();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->message, sizeof(t->message), fmt, ap);
    va_end(ap);
    (void)inst;
    rt_unwind(t, SL_TRAP_HOST);
}

void sl_instance_exit(struct sl_instance *inst, uint32_t code)
{
    inst->exit_code = code;
    rt_unwind(sl_rt_thread_self(), SL_RT_JMP_EXIT);
}

void sl_instance_rethrow(struct sl_instance *inst, const struct sl_rt_result *res)
{
    if (res->outcome == SL_RT_EXITED)
        sl_instance_exit(inst, inst->exit_code);
    if (res->outcome != SL_RT_TRAPPED)
        SL_BUG("rethrow of a call that returned");
    trap_with(res->trap, "%s", res->message);
}

static void rt_interrupted(void *ctx)
{
    struct sl_instance *inst = ctx;
    inst->hdr.interrupted = 0;
    trap_with(SL_TRAP_DEADLINE, "deadline exceeded");
}

/* Leaves an rt function: a deadline that passed meanwhile traps now. */
static void rt_leave(struct sl_rt_thread *t)
{
    t->in_rt = 0;
    if (t->inst != NULL && SL_UNLIKELY(t->inst->hdr.interrupted))
        rt_interrupted(t->inst);
}

const char *sl_rt_trap_text(int trap)
{
    switch (trap) {
    case WASM_RT_TRAP_OOB:
        return "out of bounds memory access";
    case WASM_RT_TRAP_INT_OVERFLOW:
        return "integer overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO:
        return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION:
        return "invalid conversion to integer";
    case WASM_RT_TRAP_UNREACHABLE:
        return "unreachable instruction executed";
    case WASM_RT_TRAP_CALL_INDIRECT:
        return "indirect call type mismatch or null/out-of-range table element";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION:
        return "uncaught exception";
    case WASM_RT_TRAP_EXHAUSTION:
        return "call stack exhausted";
    case SL_TRAP_DEADLINE:
        return "deadline exceeded";
    case SL_TRAP_HOST:
        return "host function trap";
    case SL_TRAP_MEMORY_LIMIT:
        return "memory limit exceeded";
    default:
        return "unknown trap";
    }
}

void sl_rt_call(struct sl_instance *inst, const struct sl_guest_desc *desc,
                void (*fn)(void *w2c, const uint64_t *args, uint64_t *results), void *w2c,
                const uint64_t *args, uint64_t *results, struct sl_rt_result *res)
{
    struct sl_rt_thread *t = sl_rt_thread_self();
    sigjmp_buf jb;
    sigjmp_buf *const saved_target = t->target;
    struct sl_instance *const saved_inst = t->inst;
    const int saved_in_host = inst->hdr.in_host;
    uint32_t *const depthp = desc && desc->call_depth ? desc->call_depth() : NULL;
    const uint32_t saved_depth = depthp ? *depthp : 0;

    res->outcome = SL_RT_RETURNED;
    res->trap = 0;
    res->message[0] = '\0';
    int code = sigsetjmp(jb, 0);
    if (code == 0) {
        t->target = &jb;
        t->inst = inst;
        inst->hdr.in_host = 0;
        fn(w2c, args, results);
    } else if (code == SL_RT_JMP_EXIT) {
        res->outcome = SL_RT_EXITED;
    } else {
        res->outcome = SL_RT_TRAPPED;
        res->trap = code;
        snprintf(res->message, sizeof(res->message), "%s",
                 t->message[0] ? t->message : sl_rt_trap_text(code));
        t->message[0] = '\0';
        inst->hdr.interrupted = 0;
    }
    t->in_rt = 0;
    t->target = saved_target;
    t->inst = saved_inst;
    inst->hdr.in_host = saved_in_host;
    if (depthp)
        *depthp = saved_depth;
}

/* ---- linear memory ---- */

uint64_t sl_rt_memory_reservation(uint32_t max_pages)
{
    return sl_rt_guard_pages() ? GUARD_RESERVATION : (uint64_t)max_pages * PAGE_SIZE_WASM;
}

static uint32_t clamp_max(uint32_t max_pages)
{
    uint32_t limit = sl_rt_thread_self()->memory_limit;
    if (limit == 0 || limit > 65536)
        limit = 65536;
    return max_pages > limit ? limit : max_pages;
}

static void rt_allocate_memory(wasm_rt_memory_t *mem, uint32_t initial, uint32_t max)
{
    struct sl_rt_thread *t = sl_rt_thread_self();
    uint32_t declared = max;
    max = clamp_max(max);
    if (initial > max) {
        if (initial > declared || initial > 65536)
            trap_with(SL_TRAP_MEMORY_LIMIT, "initial memory of %u pages exceeds its maximum",
                      initial);
        trap_with(SL_TRAP_MEMORY_LIMIT,
                  "initial memory of %u pages (%llu KiB) exceeds the memory limit of %u pages",
                  initial, (unsigned long long)initial * 64, max);
    }
    uint64_t reserve = sl_rt_memory_reservation(max);
    t->in_rt = 1;
    void *p = NULL;
    if (reserve > 0) {
        p = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED
            || (initial > 0
                && mprotect(p, (uint64_t)initial * PAGE_SIZE_WASM, PROT_READ | PROT_WRITE) != 0)) {
            if (p != MAP_FAILED)
                munmap(p, reserve);
            t->in_rt = 0;
            trap_with(SL_TRAP_MEMORY_LIMIT, "cannot reserve %llu MiB of address space for memory",
                      (unsigned long long)(reserve >> 20));
        }
    }
    mem->data = p;
    mem->pages = initial;
    mem->max_pages = max;
    mem->size = (uint32_t)((uint64_t)initial * PAGE_SIZE_WASM);
    if (initial == 65536)
        mem->size = UINT32_MAX; /* 4 GiB does not fit: wasm2c 1.0.32 has the same limit */
    mem->reserved = reserve;
    mem->dirty = NULL;
    rt_leave(t);
}

static uint32_t rt_grow_memory(wasm_rt_memory_t *mem, uint32_t delta)
{
    uint32_t old = mem->pages;
    if (delta == 0)
        return old;
    if ((uint64_t)old + delta > mem->max_pages)
        return UINT32_MAX;
    struct sl_rt_thread *t = sl_rt_thread_self();
    uint64_t new_pages = (uint64_t)old + delta;
    t->in_rt = 1;
    if (mprotect(mem->data + (uint64_t)old * PAGE_SIZE_WASM, (uint64_t)delta * PAGE_SIZE_WASM,
                 PROT_READ | PROT_WRITE)
        != 0) {
        rt_leave(t);
        return UINT32_MAX;
    }
    mem->pages = (uint32_t)new_pages;
    mem->size = new_pages >= 65536 ? UINT32_MAX : (uint32_t)(new_pages * PAGE_SIZE_WASM);
    rt_leave(t);
    return old;
}

static void rt_free_memory(wasm_rt_memory_t *mem)
{
    if (mem->data != NULL && mem->reserved > 0)
        munmap(mem->data, mem->reserved);
    free(mem->dirty);
    memset(mem, 0, sizeof(*mem));
}

/* ---- tables ---- */

#define DEFINE_TABLE_FNS(kind, elem_t, null_value)                                              \
    static void rt_allocate_##kind##_table(wasm_rt_##kind##_table_t *tab, uint32_t n,           \
                                           uint32_t max)                                        \
    {                                                                                           \
        if (n > 10000000u)                                                                      \
            trap_with(SL_TRAP_MEMORY_LIMIT, "table of %u elements is too large", n);            \
        tab->data = n ? calloc(n, sizeof(elem_t)) : NULL;                                       \
        if (n && tab->data == NULL)                                                             \
            trap_with(SL_TRAP_MEMORY_LIMIT, "out of memory for a table of %u elements", n);     \
        for (uint32_t i = 0; i < n; i++)                                                        \
            tab->data[i] = null_value;                                                          \
        tab->size = n;                                                                          \
        tab->max_size = max;                                                                    \
    }                                                                                           \
    static void rt_free_##kind##_table(wasm_rt_##kind##_table_t *tab)                           \
    {                                                                                           \
        free(tab->data);                                                                        \
        memset(tab, 0, sizeof(*tab));                                                           \
    }                                                                                           \
    static uint32_t rt_grow_##kind##_table(wasm_rt_##kind##_table_t *tab, uint32_t delta,       \
                                           elem_t init)                                         \
    {                                                                                           \
        uint32_t old = tab->size;                                                               \
        uint64_t n = (uint64_t)old + delta;                                                     \
        if (delta == 0)                                                                         \
            return old;                                                                         \
        if (n > tab->max_size || n > 10000000u)                                                 \
            return UINT32_MAX;                                                                  \
        elem_t *p = realloc(tab->data, (size_t)n * sizeof(elem_t));                             \
        if (p == NULL)                                                                          \
            return UINT32_MAX;                                                                  \
        for (uint64_t i = old; i < n; i++)                                                      \
            p[i] = init;                                                                        \
        tab->data = p;                                                                          \
        tab->size = (uint32_t)n;                                                                \
        return old;                                                                             \
    }

DEFINE_TABLE_FNS(funcref, wasm_rt_funcref_t, wasm_rt_funcref_null_value)
DEFINE_TABLE_FNS(externref, wasm_rt_externref_t, wasm_rt_externref_null_value)

/* ---- function types: one process-wide registry ---- */

struct functype {
    uint32_t params, results;
    wasm_rt_type_t *types;
};

static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;
static struct functype *types;
static uint32_t ntypes, types_cap;

static uint32_t rt_register_func_type(uint32_t params, uint32_t results,
                                      const wasm_rt_type_t *tv)
{
    uint32_t n = params + results, idx;
    wasm_rt_type_t *copy;
    pthread_mutex_lock(&types_lock);
    for (idx = 0; idx < ntypes; idx++)
        if (types[idx].params == params && types[idx].results == results
            && memcmp(types[idx].types, tv, n * sizeof(*tv)) == 0)
            goto out;
    if (ntypes == types_cap) {
        uint32_t cap = types_cap ? types_cap * 2 : 64;
        struct functype *p = realloc(types, cap * sizeof(*p));
        if (p == NULL)
            goto oom;
        types = p;
        types_cap = cap;
    }
    copy = malloc((n ? n : 1) * sizeof(*copy));
    if (copy == NULL)
        goto oom;
    memcpy(copy, tv, n * sizeof(*copy));
    types[ntypes] = (struct functype){params, results, copy};
    idx = ntypes++;
out:
    pthread_mutex_unlock(&types_lock);
    /* 0 is never a valid type id: null funcrefs carry func_type 0. */
    return idx + 1;
oom:
    pthread_mutex_unlock(&types_lock);
    trap_with(SL_TRAP_MEMORY_LIMIT, "out of memory registering a function type");
}

static uint32_t *rt_call_depth(void)
{
    return &sl_rt_thread_self()->call_depth;
}

static const struct sl_rt_api api = {
    .version = SL_GUEST_ABI_VERSION,
    .trap = rt_trap,
    .register_func_type = rt_register_func_type,
    .allocate_memory = rt_allocate_memory,
    .grow_memory = rt_grow_memory,
    .free_memory = rt_free_memory,
    .allocate_funcref_table = rt_allocate_funcref_table,
    .free_funcref_table = rt_free_funcref_table,
    .grow_funcref_table = rt_grow_funcref_table,
    .allocate_externref_table = rt_allocate_externref_table,
    .free_externref_table = rt_free_externref_table,
    .grow_externref_table = rt_grow_externref_table,
    .call_depth = rt_call_depth,
    .interrupted = rt_interrupted,
};

const struct sl_rt_api *sl_rt_api_table(void)
{
    return &api;
}

void sl_rt_set_memory_limit(uint32_t pages)
{
    sl_rt_thread_self()->memory_limit = pages;
}
