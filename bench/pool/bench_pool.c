/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_pool.c -- in-process engine figures: time to get a fresh instance of
 * a module with a 1 MiB initialized memory from the pool after a use that
 * dirtied a few pages (madvise reset vs. dirty-page copy with the write
 * barrier), a full instantiation for comparison, and the guest -> host ->
 * guest call round trip. Prints figures; never asserts. System calls per
 * operation are counted by run.sh with strace.
 * Usage: bench_pool MODULE.wasm MODE ITERATIONS
 *   MODE: madvise | dirty | instantiate | hostcall | none
 */
#include "sl_common.h"

#include "engine/module.h"
#include "engine/pool.h"
#include "engine/rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t fake_sizes(struct sl_instance *inst, uint32_t a, uint32_t b)
{
    (void)inst;
    (void)a;
    (void)b;
    return 0;
}

static const struct sl_host_fn fns[] = {
    {"wasi_snapshot_preview1", "args_sizes_get", "ii:i", (void (*)(void))fake_sizes},
};

static int die(const struct sl_error *err)
{
    fprintf(stderr, "bench_pool: %s\n", err->msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_pool MODULE.wasm madvise|dirty|instantiate|hostcall|none N\n");
        return 2;
    }
    const char *mode = argv[2];
    long n = strtol(argv[3], NULL, 10);
    bool barrier = strcmp(mode, "dirty") == 0;
    static const struct sl_host_fn_table t = {fns, SL_ARRAY_SIZE(fns)};
    struct sl_link_providers p = {.tables = &t, .ntables = 1};
    struct sl_aot_opts opts = {.tier = SL_TIER_OPTIMIZED, .no_background = true,
                               .write_barrier = barrier};
    struct sl_error err = SL_ERROR_INIT;
    struct sl_module *m = NULL;
    struct sl_snapshot *snap = NULL;
    struct sl_pool *pool = NULL;
    struct sl_rt_result res;
    if (sl_module_load(argv[1], &opts, &p, &m, &err) != SL_OK)
        return die(&err);
    const struct sl_guest_export *touch = sl_module_export(m, "touch");
    const struct sl_guest_export *calls = sl_module_export(m, "host_calls");
    uint64_t touch_args[2] = {2, 7};
    if (strcmp(mode, "madvise") == 0 || barrier) {
        if (sl_snapshot_new(m, NULL, 0, &snap, &err) != SL_OK
            || sl_pool_new(snap, barrier ? SL_RESET_DIRTY_PAGES : SL_RESET_MADVISE, 4, &pool,
                           &err) != SL_OK)
            return die(&err);
        struct sl_instance *inst;
        /* warm: the first acquire maps the instance */
        if (sl_pool_acquire(pool, NULL, &inst, &err) != SL_OK)
            return die(&err);
        sl_module_call(inst, touch, touch_args, NULL, &res);
        sl_pool_release(pool, inst);
        uint64_t t0 = sl_rt_now_ns();
        for (long i = 0; i < n; i++) {
            sl_pool_acquire(pool, NULL, &inst, &err);
            sl_module_call(inst, touch, touch_args, NULL, &res);
            sl_pool_release(pool, inst);
        }
        uint64_t t1 = sl_rt_now_ns();
        /* the guest's own work, to subtract: the same calls on one instance */
        sl_pool_acquire(pool, NULL, &inst, &err);
        uint64_t t2 = sl_rt_now_ns();
        for (long i = 0; i < n; i++)
            sl_module_call(inst, touch, touch_args, NULL, &res);
        uint64_t t3 = sl_rt_now_ns();
        sl_pool_release(pool, inst);
        double cycle = n ? (double)(t1 - t0) / (double)n / 1000.0 : 0;
        double work = n ? (double)(t3 - t2) / (double)n / 1000.0 : 0;
        printf("%s: fresh instance after a use that dirtied 2 pages: %.3f us "
               "(cycle %.3f us - guest work %.3f us)\n",
               mode, cycle - work, cycle, work);
    } else if (strcmp(mode, "instantiate") == 0) {
        uint64_t t0 = sl_rt_now_ns();
        for (long i = 0; i < n; i++) {
            struct sl_instance inst;
            memset(&inst, 0, sizeof(inst));
            if (sl_module_instantiate(m, &inst, 0, &res, &err) != SL_OK)
                return die(&err);
            sl_module_call(&inst, touch, touch_args, NULL, &res);
            sl_module_release_instance(m, &inst);
        }
        uint64_t t1 = sl_rt_now_ns();
        printf("instantiate: full instantiation + use + free: %.3f us\n",
               n ? (double)(t1 - t0) / (double)n / 1000.0 : 0);
    } else if (strcmp(mode, "hostcall") == 0) {
        struct sl_instance inst;
        memset(&inst, 0, sizeof(inst));
        if (sl_module_instantiate(m, &inst, 0, &res, &err) != SL_OK)
            return die(&err);
        uint64_t args[1] = {(uint64_t)n};
        uint64_t t0 = sl_rt_now_ns();
        sl_module_call(&inst, calls, args, NULL, &res);
        uint64_t t1 = sl_rt_now_ns();
        printf("hostcall: guest -> host -> guest round trip: %.2f ns\n",
               n ? (double)(t1 - t0) / (double)n : 0);
        sl_module_release_instance(m, &inst);
    }
    sl_pool_free(pool);
    sl_snapshot_free(snap);
    sl_module_free(m);
    return 0;
}
