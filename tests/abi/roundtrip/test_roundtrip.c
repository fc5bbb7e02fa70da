/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_roundtrip.c -- every type shape of roundtrip.wit through the whole
 * ABI layer: a guest built from witgen's C bindings against the glue
 * witgen generates for the host, in both tiers; then each guest bug (bad
 * UTF-8, out-of-bounds pointers, bad discriminant, bad or dropped handle,
 * bad return area) must trap with its message while the host lives on.
 */
#include "sl_common.h"

#include "abi/abi_rt.h"
#include "engine/module.h"
#include "engine/rt.h"
#include "roundtrip_host.h"
#include "wasi/wasi.h"

#include <criterion/criterion.h>
#include <string.h>

static struct sl_module *load(enum sl_tier tier)
{
    static struct sl_host_fn_table tables[2];
    tables[0] = sl_wasi_host_fns;
    tables[1] = sl_roundtrip_host_fns;
    struct sl_link_providers p = {.tables = tables, .ntables = 2};
    struct sl_aot_opts opts = {.tier = tier, .no_background = true};
    struct sl_error err = SL_ERROR_INIT;
    struct sl_module *m = NULL;
    cr_assert_eq(sl_rt_thread_init(&err), SL_OK, "%s", err.msg);
    cr_assert_eq(sl_module_load(ROUNDTRIP_WASM, &opts, &p, &m, &err), SL_OK, "%s", err.msg);
    return m;
}

/* Runs the guest's _start with argv[1] = mode; returns the outcome. */
static void run(struct sl_module *m, const char *mode, struct sl_rt_result *res, uint32_t *code)
{
    const char *argv[] = {"roundtrip.wasm", mode};
    struct sl_wasi_preopen cwd = {".", "."};
    struct sl_wasi_config cfg = {.argv = argv, .argc = 2, .preopens = &cwd, .npreopens = 1,
                                 .stdin_fd = 0, .stdout_fd = 2, .stderr_fd = 2}; /* not the TAP stream */
    struct sl_error err = SL_ERROR_INIT;
    struct sl_wasi_ctx *wasi = NULL;
    struct sl_instance inst;
    struct sl_abi_state abi;
    memset(&inst, 0, sizeof(inst));
    sl_abi_state_init(&abi, NULL);
    cr_assert_eq(sl_wasi_ctx_new(&cfg, &wasi, &err), SL_OK, "%s", err.msg);
    inst.wasi = wasi;
    inst.capabilities = &abi;
    cr_assert_eq(sl_module_instantiate(m, &inst, 0, res, &err), SL_OK, "%s", err.msg);
    sl_module_call(&inst, sl_module_export(m, "_start"), NULL, NULL, res);
    *code = inst.exit_code;
    sl_module_release_instance(m, &inst);
    sl_abi_state_release(&abi); /* handles the guest never dropped go here */
    sl_wasi_ctx_free(wasi);
}

static void all_shapes(enum sl_tier tier)
{
    struct sl_module *m = load(tier);
    struct sl_rt_result res;
    uint32_t code = 99;
    run(m, "ok", &res, &code);
    /* main returning 0 returns from _start; any other status exits */
    cr_assert_eq(res.outcome, SL_RT_RETURNED, "outcome %d (exit %u): %s", res.outcome, code,
                 res.message);
    sl_module_free(m);
}

Test(roundtrip, all_shapes_baseline)
{
    all_shapes(SL_TIER_BASELINE);
}

Test(roundtrip, all_shapes_optimized, .timeout = 300)
{
    all_shapes(SL_TIER_OPTIMIZED);
}

static const struct {
    const char *mode;
    const char *message;
} bugs[] = {
    {"bad-utf8", "echo-string: invalid UTF-8 in a string argument (byte 2 of 3"},
    {"oob", "echo-string: out of bounds: 100 bytes at 0x7ffffff0"},
    {"bad-tag", "echo-shape: invalid discriminant for `shape`"},
    {"bad-handle", "counter::value: invalid handle index 7"},
    {"double-drop", "resource_drop_counter: failed to remove handle: invalid handle index 0"},
    {"bad-retptr", "echo-string: out of bounds: 8 bytes at 0xfffffffc"},
    {"bad-list", "echo-names: out of bounds: 2147483648 bytes"},
};

Test(roundtrip, guest_bugs_trap)
{
    struct sl_module *m = load(SL_TIER_BASELINE);
    for (size_t i = 0; i < SL_ARRAY_SIZE(bugs); i++) {
        struct sl_rt_result res;
        uint32_t code = 0;
        run(m, bugs[i].mode, &res, &code);
        cr_expect_eq(res.outcome, SL_RT_TRAPPED, "%s: outcome %d", bugs[i].mode, res.outcome);
        cr_expect(strstr(res.message, bugs[i].message) != NULL, "%s: '%s' lacks '%s'",
                  bugs[i].mode, res.message, bugs[i].message);
    }
    /* the host lives on: a clean run after all of them */
    struct sl_rt_result res;
    uint32_t code = 0;
    run(m, "ok", &res, &code);
    cr_expect_eq(res.outcome, SL_RT_RETURNED, "%s", res.message);
    sl_module_free(m);
}
