/* SPDX-License-Identifier: Apache-2.0 */
/*
 * abi_rt.h -- the canonical-ABI runtime that the generated host glue
 * (witgen host) and the capabilities build on: one call context per host
 * call, checked lifting and lowering of guest values, allocation in the
 * guest through canonical_abi_realloc, per-instance handle tables, traps
 * that name the function. Nothing here is specific to one WIT function.
 */
#ifndef SL_ABI_ABI_RT_H
#define SL_ABI_ABI_RT_H

#include "sl_common.h"

#include "engine/instance.h"
#include "engine/module.h"

#include <string.h>

/* One WIT resource type; the generated glue defines one const per resource. */
struct sl_abi_resource {
    const char *iface; /* "keyvalue" */
    const char *name;  /* "keyvalue", "pub", "read-stream" */
    /* Releases the host object when its last handle goes (or the instance ends). */
    void (*drop)(void *obj);
};

struct sl_abi_table; /* handles of one resource type (handles.c) */

/*
 * What the ABI layer keeps per instance: handle tables, the memory of the
 * calls in progress, the guest's allocator exports. inst->capabilities
 * points here. Used by one thread at a time, like its instance.
 */
struct sl_abi_state {
    struct sl_abi_table *tables; /* one per resource type used so far */
    size_t ntables;
    void **allocs; /* host memory of calls in progress (freed at call end) */
    size_t nallocs, cap_allocs;
    const struct sl_guest_desc *exports_of; /* the code the two below belong to */
    const struct sl_guest_export *realloc_fn, *free_fn;
    void *ctx; /* the capabilities' shared context (borrowed), see sl_abi_call.ctx */
};

/* Prepares an empty state; ctx is borrowed and handed to every call. */
void sl_abi_state_init(struct sl_abi_state *st, void *ctx);
/* Drops every handle still open (their objects are released) and frees the state's memory. */
void sl_abi_state_release(struct sl_abi_state *st);

/* One host function call in progress. Lives on the host function's stack. */
struct sl_abi_call {
    struct sl_instance *inst;
    struct sl_abi_state *st;
    const char *fn; /* "keyvalue::get": named in trap messages */
    void *ctx;      /* st->ctx */
    size_t mark;    /* allocations made before this call */
};

/* Starts a call on inst (whose capabilities must be a struct sl_abi_state). */
void sl_abi_call_begin(struct sl_abi_call *call, struct sl_instance *inst, const char *fn);
/* Frees the host memory the call allocated (sl_abi_alloc, sl_abi_adopt). */
void sl_abi_call_end(struct sl_abi_call *call);

/* Traps the guest: "<fn>: <message>". Does not return. */
SL_NORETURN void sl_abi_trap(struct sl_abi_call *call, const char *fmt, ...) SL_PRINTF(2, 3);
/* Traps with "invalid discriminant for `<what>`" (a bad tag, bool or char). */
SL_NORETURN void sl_abi_bad_tag(struct sl_abi_call *call, const char *what);

/*
 * Zeroed host memory that lives until the call ends; n * size checked for
 * overflow. Out of memory traps (the host cannot complete the call).
 */
void *sl_abi_alloc(struct sl_abi_call *call, size_t n, size_t size);
/* Hands a sl_malloc'd pointer to the call: it is freed when the call ends. */
void sl_abi_adopt(struct sl_abi_call *call, void *p);
/* A copy of (s, len) in call memory, NUL-terminated. */
struct sl_str sl_abi_strdup(struct sl_abi_call *call, const char *s, size_t len);

/* ---- guest -> host ---- */

/* Traps unless [ptr, ptr+len) is inside guest memory (len may be 0 at any ptr). */
void sl_abi_check_range(struct sl_abi_call *call, uint32_t ptr, uint64_t len);
/*
 * A borrowed view of a guest string: bounds and UTF-8 checked (trap
 * otherwise). Points into guest memory: valid until the next call into the
 * guest; the capability must not call into the guest while using it.
 */
struct sl_str sl_abi_lift_string(struct sl_abi_call *call, uint32_t ptr, uint32_t len);
/* As sl_abi_lift_string for list<u8> (no UTF-8 check). */
struct sl_str sl_abi_lift_bytes(struct sl_abi_call *call, uint32_t ptr, uint32_t len);
/* A bool from its i32 or byte: 0 or 1, anything else traps. */
bool sl_abi_lift_bool(struct sl_abi_call *call, uint32_t v);
/* A char: a Unicode scalar value, anything else traps. */
uint32_t sl_abi_lift_char(struct sl_abi_call *call, uint32_t v);

/* Little-endian loads; out of bounds traps. */
uint8_t sl_abi_load_u8(struct sl_abi_call *call, uint64_t addr);
uint16_t sl_abi_load_u16(struct sl_abi_call *call, uint64_t addr);
uint32_t sl_abi_load_u32(struct sl_abi_call *call, uint64_t addr);
uint64_t sl_abi_load_u64(struct sl_abi_call *call, uint64_t addr);
float sl_abi_load_f32(struct sl_abi_call *call, uint64_t addr);
double sl_abi_load_f64(struct sl_abi_call *call, uint64_t addr);

/* ---- host -> guest ---- */

void sl_abi_store_u8(struct sl_abi_call *call, uint64_t addr, uint8_t v);
void sl_abi_store_u16(struct sl_abi_call *call, uint64_t addr, uint16_t v);
void sl_abi_store_u32(struct sl_abi_call *call, uint64_t addr, uint32_t v);
void sl_abi_store_u64(struct sl_abi_call *call, uint64_t addr, uint64_t v);
void sl_abi_store_f32(struct sl_abi_call *call, uint64_t addr, float v);
void sl_abi_store_f64(struct sl_abi_call *call, uint64_t addr, double v);

/*
 * Calls the guest's canonical_abi_realloc(0, 0, align, size) (also for size
 * 0, as slight did) and returns the guest address. A missing export, a trap
 * in the guest or a result outside memory traps; n * size over 4 GiB traps.
 */
uint32_t sl_abi_realloc(struct sl_abi_call *call, uint32_t align, uint64_t n, uint64_t size);
/* Allocates len bytes with alignment 1 and copies s there: a string or list<u8>. */
uint32_t sl_abi_lower_bytes(struct sl_abi_call *call, struct sl_str s);
/* Calls the guest's canonical_abi_free(ptr, size, align); a trap there traps. */
void sl_abi_free(struct sl_abi_call *call, uint32_t ptr, uint64_t size, uint32_t align);
/* A copy of guest bytes [ptr, ptr+len) in call memory (checked; NUL-terminated). */
struct sl_str sl_abi_copy_out(struct sl_abi_call *call, uint32_t ptr, uint32_t len, bool utf8);

/* ---- calling guest exports from the host ---- */

/*
 * Runs fn(call, opaque) as a host call on inst with a trap target, for
 * callers of guest exports that are not inside a guest call: a trap in fn
 * or in the guest is reported in *res (SL_RT_TRAPPED / SL_RT_EXITED).
 * Memory fn allocated in the call is freed when it returns; fn copies out
 * what it keeps.
 */
void sl_abi_run(struct sl_instance *inst, const char *fn_name,
                void (*fn)(struct sl_abi_call *call, void *opaque), void *opaque,
                struct sl_rt_result *res);
/* Calls a guest export inside a call; a trap or exit in the guest traps the call. */
void sl_abi_call_export(struct sl_abi_call *call, const struct sl_guest_export *exp,
                        const uint64_t *args, uint64_t *results);

/* ---- handles (handles.c) ---- */

/*
 * Gives obj a new handle of resource res in this instance: the most
 * recently freed index, else the next never used one (from 0). The
 * instance owns obj from here (released through res->drop).
 */
uint32_t sl_abi_handle_new(struct sl_abi_call *call, const struct sl_abi_resource *res, void *obj);
/* The object behind handle h (borrowed); a handle not allocated traps. */
void *sl_abi_handle_get(struct sl_abi_call *call, const struct sl_abi_resource *res, uint32_t h);
/* canonical_abi.resource_drop_<res>: frees h; the object goes with its last handle. */
void sl_abi_handle_drop(struct sl_abi_call *call, const struct sl_abi_resource *res, uint32_t h);
/* canonical_abi.resource_clone_<res>: a new handle to the same object. */
uint32_t sl_abi_handle_clone(struct sl_abi_call *call, const struct sl_abi_resource *res,
                             uint32_t h);

/* Bit casts used by the generated code for joined variant slots. */
static inline float sl_abi_f32_from_bits(uint32_t v)
{
    float f;
    memcpy(&f, &v, 4);
    return f;
}
static inline uint32_t sl_abi_f32_bits(float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    return v;
}
static inline double sl_abi_f64_from_bits(uint64_t v)
{
    double f;
    memcpy(&f, &v, 8);
    return f;
}
static inline uint64_t sl_abi_f64_bits(double f)
{
    uint64_t v;
    memcpy(&v, &f, 8);
    return v;
}

#endif /* SL_ABI_ABI_RT_H */
