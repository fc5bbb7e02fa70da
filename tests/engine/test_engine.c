/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_engine.c -- the engine through its C API: both tiers, instances on
 * two threads at once (one trapping, one not), deadlines, host-function
 * traps, and pooled instances that come back exactly as the snapshot.
 */
#include "sl_common.h"

#include "engine/instance.h"
#include "engine/module.h"
#include "engine/pool.h"
#include "abi/guest_mem.h"
#include "engine/rt.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

static unsigned host_calls;

/* Stands in for WASI's args_sizes_get: counts calls; traps on a bad pointer. */
static uint32_t fake_sizes(struct sl_instance *inst, uint32_t a, uint32_t b)
{
    (void)b;
    if (a == 0xdead)
        sl_instance_trap(inst, "fake_sizes: bad pointer %u", a);
    host_calls++;
    return 0;
}

static const struct sl_host_fn fake_fns[] = {
    {"wasi_snapshot_preview1", "args_sizes_get", "ii:i", (void (*)(void))fake_sizes},
};

static struct sl_module *load_with(enum sl_tier tier, bool barrier)
{
    static const struct sl_host_fn_table t = {fake_fns, SL_ARRAY_SIZE(fake_fns)};
    struct sl_link_providers p = {.tables = &t, .ntables = 1};
    struct sl_aot_opts opts = {.tier = tier, .no_background = true, .write_barrier = barrier};
    struct sl_module *m = NULL;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_module_load(ENGINE_FIXTURE, &opts, &p, &m, &err);
    cr_assert_eq(rc, SL_OK, "load: %s", err.msg);
    cr_assert_eq(m->code.write_barrier, barrier);
    return m;
}

static struct sl_module *load(enum sl_tier tier)
{
    return load_with(tier, false);
}

static uint64_t call(struct sl_instance *inst, const char *name, uint64_t a, uint64_t b,
                     struct sl_rt_result *res)
{
    const struct sl_guest_export *e = sl_module_export(inst->module, name);
    cr_assert_not_null(e, "export %s", name);
    uint64_t args[2] = {a, b}, r[1] = {0};
    sl_module_call(inst, e, args, r, res);
    return r[0];
}

static void instantiate(struct sl_module *m, struct sl_instance *inst)
{
    struct sl_rt_result res;
    struct sl_error err = SL_ERROR_INIT;
    memset(inst, 0, sizeof(*inst));
    cr_assert_eq(sl_module_instantiate(m, inst, 0, &res, &err), SL_OK, "%s", err.msg);
}

static void check_tier(enum sl_tier tier)
{
    struct sl_module *m = load(tier);
    cr_assert_eq(m->code.tier, tier);
    struct sl_instance inst;
    struct sl_rt_result res;
    instantiate(m, &inst);
    cr_assert_eq(call(&inst, "add", 2, 40, &res), 42);
    cr_assert_eq(res.outcome, SL_RT_RETURNED);
    call(&inst, "touch", 3, 9, &res);
    cr_assert_eq(call(&inst, "counter", 0, 0, &res), 1);
    cr_assert_eq(call(&inst, "load", 3 * 4096, 0, &res), 9);
    /* out of bounds traps and names the export */
    call(&inst, "load", 64 * 65536, 0, &res);
    cr_assert_eq(res.outcome, SL_RT_TRAPPED);
    cr_assert_eq(res.trap, WASM_RT_TRAP_OOB);
    cr_assert_str_eq(inst.current_export, "load");
    sl_module_release_instance(m, &inst);
    sl_module_free(m);
}

Test(engine, baseline_tier)
{
    check_tier(SL_TIER_BASELINE);
}

Test(engine, optimized_tier)
{
    check_tier(SL_TIER_OPTIMIZED);
}

Test(engine, host_calls_and_host_trap)
{
    struct sl_module *m = load(SL_TIER_BASELINE);
    struct sl_instance inst;
    struct sl_rt_result res;
    instantiate(m, &inst);
    host_calls = 0;
    call(&inst, "host_calls", 1000, 0, &res);
    cr_assert_eq(res.outcome, SL_RT_RETURNED);
    cr_assert_eq(host_calls, 1000);
    sl_module_release_instance(m, &inst);
    sl_module_free(m);
}

Test(engine, deadline_interrupts_infinite_loop)
{
    struct sl_module *m = load(SL_TIER_BASELINE);
    struct sl_instance inst;
    struct sl_rt_result res;
    struct sl_error err = SL_ERROR_INIT;
    instantiate(m, &inst);
    uint64_t t0 = sl_rt_now_ns();
    cr_assert_eq(sl_rt_set_deadline(t0 + 100000000ull, &err), SL_OK);
    call(&inst, "spin", 0, 0, &res);
    sl_rt_set_deadline(0, NULL);
    cr_assert_eq(res.outcome, SL_RT_TRAPPED);
    cr_assert_eq(res.trap, SL_TRAP_DEADLINE);
    cr_assert(sl_rt_now_ns() - t0 >= 100000000ull, "returned before the deadline");
    /* the instance's thread goes on working */
    cr_assert_eq(call(&inst, "add", 1, 1, &res), 2);
    sl_module_release_instance(m, &inst);
    sl_module_free(m);
}

struct worker {
    struct sl_module *m;
    bool spin;   /* run into a deadline instead of computing */
    int ok;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct sl_error err = SL_ERROR_INIT;
    struct sl_rt_result res;
    struct sl_instance inst;
    if (sl_rt_thread_init(&err) != SL_OK)
        return NULL;
    memset(&inst, 0, sizeof(inst));
    if (sl_module_instantiate(w->m, &inst, 0, &res, &err) != SL_OK)
        return NULL;
    const struct sl_guest_export *touch = sl_module_export(w->m, "touch");
    const struct sl_guest_export *counter = sl_module_export(w->m, "counter");
    const struct sl_guest_export *spin = sl_module_export(w->m, "spin");
    if (w->spin) {
        sl_rt_set_deadline(sl_rt_now_ns() + 200000000ull, &err);
        sl_module_call(&inst, spin, NULL, NULL, &res);
        w->ok = res.outcome == SL_RT_TRAPPED && res.trap == SL_TRAP_DEADLINE;
    } else {
        uint64_t args[2] = {8, 5}, r[1];
        w->ok = 1;
        for (int i = 0; i < 2000; i++) {
            sl_module_call(&inst, touch, args, NULL, &res);
            w->ok &= res.outcome == SL_RT_RETURNED;
        }
        sl_module_call(&inst, counter, NULL, r, &res);
        w->ok &= r[0] == 2000;
    }
    sl_module_release_instance(w->m, &inst);
    return NULL;
}

Test(engine, two_threads_at_once)
{
    struct sl_module *m = load(SL_TIER_OPTIMIZED);
    struct worker a = {m, true, 0}, b = {m, false, 0}, c = {m, false, 0};
    pthread_t ta, tb, tc;
    pthread_create(&ta, NULL, work, &a);
    pthread_create(&tb, NULL, work, &b);
    pthread_create(&tc, NULL, work, &c);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_join(tc, NULL);
    cr_assert(a.ok, "the spinning thread was not stopped by its deadline");
    cr_assert(b.ok && c.ok, "a computing thread was disturbed");
    sl_module_free(m);
}

static void check_pool(enum sl_tier tier, enum sl_reset_mode mode)
{
    struct sl_module *m = load_with(tier, mode == SL_RESET_DIRTY_PAGES);
    struct sl_snapshot *snap = NULL;
    struct sl_pool *pool = NULL;
    struct sl_error err = SL_ERROR_INIT;
    struct sl_rt_result res;
    cr_assert_eq(sl_snapshot_new(m, NULL, 0, &snap, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(sl_pool_new(snap, mode, 4, &pool, &err), SL_OK);
    struct sl_instance *a = NULL, *b = NULL;
    cr_assert_eq(sl_pool_acquire(pool, NULL, &a, &err), SL_OK, "%s", err.msg);
    call(a, "touch", 5, 1234, &res);
    cr_assert_eq(call(a, "grow", 2, 0, &res), 16);
    cr_assert_eq(call(a, "size", 0, 0, &res), 18);
    cr_assert_eq(call(a, "counter", 0, 0, &res), 1);
    cr_assert_eq(call(a, "load", 2 * 4096, 0, &res), 1234);
    /* the host writes into memory too (marked dirty) */
    memcpy(a->memory->data + 8, "host", 4);
    sl_guest_mark_dirty(a->memory, 8, 4);
    sl_pool_release(pool, a);
    cr_assert_eq(sl_pool_acquire(pool, NULL, &b, &err), SL_OK);
    cr_assert_eq(b, a, "the pool did not recycle the instance");
    cr_assert_eq(call(b, "counter", 0, 0, &res), 0, "global state leaked");
    cr_assert_eq(call(b, "load", 2 * 4096, 0, &res), 0, "memory state leaked");
    cr_assert_eq(call(b, "size", 0, 0, &res), 16, "grown memory leaked");
    cr_assert_eq(memcmp(b->memory->data, "snapshot-start", 14), 0);
    cr_assert_eq(memcmp(b->memory->data + 1048000, "snapshot-end", 12), 0);
    /* pages beyond the snapshot are gone again */
    call(b, "load", 17 * 65536, 0, &res);
    cr_assert_eq(res.outcome, SL_RT_TRAPPED);
    sl_pool_release(pool, b);
    sl_pool_free(pool);
    sl_snapshot_free(snap);
    sl_module_free(m);
}

Test(engine, pool_reset_madvise_baseline)
{
    check_pool(SL_TIER_BASELINE, SL_RESET_MADVISE);
}

Test(engine, pool_reset_madvise_optimized)
{
    check_pool(SL_TIER_OPTIMIZED, SL_RESET_MADVISE);
}

Test(engine, pool_reset_dirty_pages_baseline)
{
    check_pool(SL_TIER_BASELINE, SL_RESET_DIRTY_PAGES);
}

Test(engine, pool_reset_dirty_pages_optimized)
{
    check_pool(SL_TIER_OPTIMIZED, SL_RESET_DIRTY_PAGES);
}

Test(engine, dirty_pages_need_the_barrier)
{
    struct sl_module *m = load(SL_TIER_BASELINE);
    struct sl_snapshot *snap = NULL;
    struct sl_pool *pool = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_snapshot_new(m, NULL, 0, &snap, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(sl_pool_new(snap, SL_RESET_DIRTY_PAGES, 4, &pool, &err), SL_EINVAL);
    cr_assert(strstr(err.msg, "write barrier") != NULL);
    sl_snapshot_free(snap);
    sl_module_free(m);
}

Test(engine, upgrade_to_optimized_tier)
{
    struct sl_module *m = load(SL_TIER_BASELINE);
    struct sl_instance a, b;
    struct sl_rt_result res;
    struct sl_error err = SL_ERROR_INIT;
    bool upgraded = true;
    cr_assert_eq(m->code.tier, SL_TIER_BASELINE);
    instantiate(m, &a);
    call(&a, "touch", 1, 3, &res);
    /* nothing in the cache for this build flavour yet, or already: either way consistent */
    struct sl_aot_opts opts = {.tier = SL_TIER_OPTIMIZED, .no_background = true};
    cr_assert_eq(sl_aot_compile(m->wasm, m->wasm_len, m->filename, &m->info, &opts, &err), SL_OK,
                 "%s", err.msg);
    cr_assert_eq(sl_module_upgrade(m, &upgraded, &err), SL_OK, "%s", err.msg);
    cr_assert(upgraded, "the optimized code in the cache was not picked up");
    cr_assert_eq(m->code.tier, SL_TIER_OPTIMIZED);
    instantiate(m, &b);
    cr_assert_neq(a.desc, b.desc);
    /* both run, each with its own code, with exports looked up from the module */
    cr_assert_eq(call(&a, "counter", 0, 0, &res), 1);
    cr_assert_eq(call(&b, "counter", 0, 0, &res), 0);
    cr_assert_eq(call(&b, "add", 20, 22, &res), 42);
    cr_assert_eq(sl_module_upgrade(m, &upgraded, &err), SL_OK);
    cr_assert(!upgraded);
    sl_module_release_instance(m, &a);
    sl_module_release_instance(m, &b);
    sl_module_free(m);
}
