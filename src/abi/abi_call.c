/* SPDX-License-Identifier: Apache-2.0 */
/*
 * abi_call.c -- one host call of the canonical ABI: its host memory, checked
 * loads and stores, string lifting with UTF-8 checks, allocation in the guest
 * through canonical_abi_realloc, calls of guest exports, and traps that name
 * the WIT function. Handle tables are in handles.c.
 */
#include "sl_common.h"

#include "abi_rt.h"
#include "guest_mem.h"

#include "common/mem.h"
#include "common/utf8.h"
#include "engine/rt.h"

#include <stdarg.h>
#include <stdio.h>

void sl_abi_call_begin(struct sl_abi_call *call, struct sl_instance *inst, const char *fn)
{
    struct sl_abi_state *st = inst->capabilities;
    if (st == NULL)
        SL_BUG("capability call '%s' on an instance without ABI state", fn);
    call->inst = inst;
    call->st = st;
    call->fn = fn;
    call->ctx = st->ctx;
    call->mark = st->nallocs;
}

void sl_abi_call_end(struct sl_abi_call *call)
{
    struct sl_abi_state *st = call->st;
    while (st->nallocs > call->mark)
        sl_free(st->allocs[--st->nallocs]);
}

void sl_abi_trap(struct sl_abi_call *call, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    sl_instance_trap(call->inst, "%s: %s", call->fn, msg);
}

void sl_abi_bad_tag(struct sl_abi_call *call, const char *what)
{
    sl_abi_trap(call, "invalid discriminant for `%s`", what);
}

/* ---- host memory of the call ---- */

static void track(struct sl_abi_call *call, void *p)
{
    struct sl_abi_state *st = call->st;
    if (st->nallocs == st->cap_allocs) {
        size_t cap = st->cap_allocs ? st->cap_allocs * 2 : 16;
        void **a = sl_reallocarray(st->allocs, cap, sizeof(*a));
        if (a == NULL) {
            sl_free(p);
            sl_abi_trap(call, "out of host memory");
        }
        st->allocs = a;
        st->cap_allocs = cap;
    }
    st->allocs[st->nallocs++] = p;
}

void *sl_abi_alloc(struct sl_abi_call *call, size_t n, size_t size)
{
    void *p = sl_calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        sl_abi_trap(call, "out of host memory");
    track(call, p);
    return p;
}

void sl_abi_adopt(struct sl_abi_call *call, void *p)
{
    if (p != NULL)
        track(call, p);
}

struct sl_str sl_abi_strdup(struct sl_abi_call *call, const char *s, size_t len)
{
    char *p = sl_abi_alloc(call, len + 1, 1);
    if (len)
        memcpy(p, s, len);
    return (struct sl_str){p, len};
}

/* ---- guest -> host ---- */

void sl_abi_check_range(struct sl_abi_call *call, uint32_t ptr, uint64_t len)
{
    if (len > UINT32_MAX || !sl_guest_in_bounds(call->inst->memory, ptr, (uint32_t)len))
        sl_abi_trap(call, "out of bounds: %llu bytes at 0x%x", (unsigned long long)len, ptr);
}

struct sl_str sl_abi_lift_bytes(struct sl_abi_call *call, uint32_t ptr, uint32_t len)
{
    if (len == 0) /* any pointer is accepted for an empty list (SLIGHT-SPEC §6.4) */
        return (struct sl_str){"", 0};
    const uint8_t *p = sl_guest_slice(call->inst, ptr, len);
    if (p == NULL)
        sl_abi_trap(call, "out of bounds: %u bytes at 0x%x", len, ptr);
    return (struct sl_str){(const char *)p, len};
}

struct sl_str sl_abi_lift_string(struct sl_abi_call *call, uint32_t ptr, uint32_t len)
{
    struct sl_str s = sl_abi_lift_bytes(call, ptr, len);
    size_t bad = sl_utf8_invalid_at((const uint8_t *)s.ptr, s.len);
    if (bad != s.len)
        sl_abi_trap(call, "invalid UTF-8 in a string argument (byte %zu of %u at 0x%x)", bad,
                    len, ptr);
    return s;
}

bool sl_abi_lift_bool(struct sl_abi_call *call, uint32_t v)
{
    if (v > 1)
        sl_abi_bad_tag(call, "bool");
    return v == 1;
}

uint32_t sl_abi_lift_char(struct sl_abi_call *call, uint32_t v)
{
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        sl_abi_trap(call, "invalid char value 0x%x", v);
    return v;
}

static const uint8_t *load_at(struct sl_abi_call *call, uint64_t addr, uint32_t n)
{
    const uint8_t *p = addr <= UINT32_MAX ? sl_guest_slice(call->inst, (uint32_t)addr, n) : NULL;
    if (p == NULL)
        sl_abi_trap(call, "out of bounds read of %u bytes at 0x%llx", n,
                    (unsigned long long)addr);
    return p;
}

static uint8_t *store_at(struct sl_abi_call *call, uint64_t addr, uint32_t n)
{
    uint8_t *p = addr <= UINT32_MAX ? sl_guest_slice_w(call->inst, (uint32_t)addr, n) : NULL;
    if (p == NULL)
        sl_abi_trap(call, "out of bounds write of %u bytes at 0x%llx", n,
                    (unsigned long long)addr);
    return p;
}

#define LOAD_STORE(name, type)                                                                  \
    type sl_abi_load_##name(struct sl_abi_call *call, uint64_t addr)                            \
    {                                                                                           \
        type v;                                                                                 \
        memcpy(&v, load_at(call, addr, sizeof(v)), sizeof(v));                                  \
        return v;                                                                               \
    }                                                                                           \
    void sl_abi_store_##name(struct sl_abi_call *call, uint64_t addr, type v)                   \
    {                                                                                           \
        memcpy(store_at(call, addr, sizeof(v)), &v, sizeof(v));                                 \
    }

LOAD_STORE(u8, uint8_t)
LOAD_STORE(u16, uint16_t)
LOAD_STORE(u32, uint32_t)
LOAD_STORE(u64, uint64_t)
LOAD_STORE(f32, float)
LOAD_STORE(f64, double)

/* ---- calls into the guest ---- */

void sl_abi_call_export(struct sl_abi_call *call, const struct sl_guest_export *exp,
                        const uint64_t *args, uint64_t *results)
{
    struct sl_rt_result res;
    sl_module_call(call->inst, exp, args, results, &res);
    if (res.outcome != SL_RT_RETURNED)
        sl_instance_rethrow(call->inst, &res);
}

/* The guest's allocator exports, looked up once per instance code. */
static const struct sl_guest_export *allocator(struct sl_abi_call *call, bool free_fn)
{
    struct sl_abi_state *st = call->st;
    const struct sl_guest_desc *d = call->inst->desc;
    if (st->exports_of != d) {
        st->realloc_fn = st->free_fn = NULL;
        for (uint32_t i = 0; d != NULL && i < d->nexports; i++) {
            const struct sl_guest_export *e = &d->exports[i];
            if (strcmp(e->name, "canonical_abi_realloc") == 0 && strcmp(e->sig, "iiii:i") == 0)
                st->realloc_fn = e;
            else if (strcmp(e->name, "canonical_abi_free") == 0 && strcmp(e->sig, "iii:") == 0)
                st->free_fn = e;
        }
        st->exports_of = d;
    }
    const struct sl_guest_export *e = free_fn ? st->free_fn : st->realloc_fn;
    if (e == NULL)
        sl_abi_trap(call, "`%s` export not available (of type %s)",
                    free_fn ? "canonical_abi_free" : "canonical_abi_realloc",
                    free_fn ? "(i32, i32, i32) -> ()" : "(i32, i32, i32, i32) -> i32");
    return e;
}

uint32_t sl_abi_realloc(struct sl_abi_call *call, uint32_t align, uint64_t n, uint64_t size)
{
    if (size != 0 && n > UINT32_MAX / size)
        sl_abi_trap(call, "result of %llu x %llu bytes does not fit in guest memory",
                    (unsigned long long)n, (unsigned long long)size);
    uint32_t total = (uint32_t)(n * size);
    const struct sl_guest_export *e = allocator(call, false);
    uint64_t args[4] = {0, 0, align, total}, result = 0;
    sl_abi_call_export(call, e, args, &result);
    uint32_t ptr = (uint32_t)result;
    if (!sl_guest_in_bounds(call->inst->memory, ptr, total))
        sl_abi_trap(call, "canonical_abi_realloc returned 0x%x, outside memory for %u bytes", ptr,
                    total);
    return ptr;
}

uint32_t sl_abi_lower_bytes(struct sl_abi_call *call, struct sl_str s)
{
    if (s.len > UINT32_MAX)
        sl_abi_trap(call, "a result of %zu bytes does not fit in guest memory", s.len);
    uint32_t ptr = sl_abi_realloc(call, 1, 1, s.len);
    if (s.len)
        memcpy(store_at(call, ptr, (uint32_t)s.len), s.ptr, s.len);
    return ptr;
}

void sl_abi_free(struct sl_abi_call *call, uint32_t ptr, uint64_t size, uint32_t align)
{
    const struct sl_guest_export *e = allocator(call, true);
    uint64_t args[3] = {ptr, (uint32_t)size, align};
    sl_abi_call_export(call, e, args, NULL);
}

struct sl_str sl_abi_copy_out(struct sl_abi_call *call, uint32_t ptr, uint32_t len, bool utf8)
{
    struct sl_str s = utf8 ? sl_abi_lift_string(call, ptr, len) : sl_abi_lift_bytes(call, ptr, len);
    return sl_abi_strdup(call, s.ptr, s.len);
}

/* ---- host code run under a trap target ---- */

struct run_ctx {
    struct sl_instance *inst;
    const char *fn_name;
    void (*fn)(struct sl_abi_call *call, void *opaque);
    void *opaque;
    size_t mark;
};

static void run_trampoline(void *w2c, const uint64_t *args, uint64_t *results)
{
    struct run_ctx *r = w2c;
    struct sl_abi_call call;
    (void)args, (void)results;
    sl_abi_call_begin(&call, r->inst, r->fn_name);
    r->mark = call.mark;
    r->fn(&call, r->opaque);
    sl_abi_call_end(&call);
}

void sl_abi_run(struct sl_instance *inst, const char *fn_name,
                void (*fn)(struct sl_abi_call *call, void *opaque), void *opaque,
                struct sl_rt_result *res)
{
    struct sl_abi_state *st = inst->capabilities;
    struct run_ctx r = {inst, fn_name, fn, opaque, st ? st->nallocs : 0};
    const char *saved = inst->current_export;
    inst->current_export = fn_name;
    sl_rt_call(inst, inst->desc, run_trampoline, &r, NULL, NULL, res);
    inst->current_export = saved;
    /* After a trap the call's memory is still tracked: free it here. */
    while (st != NULL && st->nallocs > r.mark)
        sl_free(st->allocs[--st->nallocs]);
}
