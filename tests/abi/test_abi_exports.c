/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_abi_exports.c -- the generated callers of guest exports against a
 * real module (handler.wat): the request of SLIGHT-SPEC §6.9 (f) lowered
 * byte for byte, the response of (g) lifted with the frees in slight's
 * order, error cases, a bad discriminant trapping, on-server-init's Err.
 */
#include "sl_common.h"

#include "abi/abi_rt.h"
#include "abi/guest_mem.h"
#include "engine/module.h"
#include "engine/rt.h"
#include "http_handler_exports.h"
#include "http_server_export_exports.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static struct sl_module *mod;
static struct sl_instance inst;
static struct sl_abi_state abi;

static void setup(void)
{
    static const struct sl_host_fn_table none = {NULL, 0};
    struct sl_link_providers p = {.tables = &none, .ntables = 1};
    struct sl_aot_opts opts = {.tier = SL_TIER_BASELINE, .no_background = true};
    struct sl_error err = SL_ERROR_INIT;
    struct sl_rt_result res;
    cr_assert_eq(sl_rt_thread_init(&err), SL_OK, "%s", err.msg);
    cr_assert_eq(sl_module_load(HANDLER_WASM, &opts, &p, &mod, &err), SL_OK, "%s", err.msg);
    memset(&inst, 0, sizeof(inst));
    sl_abi_state_init(&abi, NULL);
    inst.capabilities = &abi;
    cr_assert_eq(sl_module_instantiate(mod, &inst, 0, &res, &err), SL_OK, "%s", err.msg);
}

static void teardown(void)
{
    sl_module_release_instance(mod, &inst);
    sl_abi_state_release(&abi);
    sl_module_free(mod);
}

TestSuite(abi_exports, .init = setup, .fini = teardown);

static const uint8_t *mem(uint32_t addr, uint32_t len)
{
    const uint8_t *p = sl_guest_slice(&inst, addr, len);
    cr_assert_not_null(p);
    return p;
}

static uint32_t mem32(uint32_t addr)
{
    uint32_t v;
    memcpy(&v, mem(addr, 4), 4);
    return v;
}

static void set_mode(uint32_t mode)
{
    struct sl_rt_result res;
    uint64_t a[1] = {mode};
    sl_module_call(&inst, sl_module_export(mod, "set-mode"), a, NULL, &res);
    cr_assert_eq(res.outcome, SL_RT_RETURNED);
}

struct handle_ctx {
    struct sl_http_handler_expected_response_http_error resp;
    char headers[256]; /* "k=v;" copies, made before the call memory goes */
    char body[64];
};

static void call_handler(struct sl_abi_call *call, void *opaque)
{
    struct handle_ctx *hc = opaque;
    struct sl_http_handler_tuple2_string_string hdrs[] = {
        {SL_STR_LIT("host"), SL_STR_LIT("localhost:3000")},
        {SL_STR_LIT("accept"), SL_STR_LIT("*/*")},
    };
    struct sl_http_handler_tuple2_string_string params[] = {{SL_STR_LIT("name"), SL_STR_LIT("x")}};
    struct sl_http_handler_request req = {
        .method = SL_HTTP_HANDLER_METHOD_GET,
        .uri = SL_STR_LIT("/hello?x=1"),
        .headers = {hdrs, 2},
        .params = {params, 1},
        .body = {true, SL_STR_LIT("")},
    };
    sl_http_handler_handle_http_call(call, sl_module_export(mod, "handle-http"), &req, &hc->resp);
    if (!hc->resp.is_err) {
        const struct sl_http_handler_response *r = &hc->resp.val.ok;
        size_t n = 0;
        for (size_t i = 0; r->headers.is_some && i < r->headers.val.len; i++)
            n += (size_t)snprintf(hc->headers + n, sizeof(hc->headers) - n, "%.*s=%.*s;",
                                  (int)r->headers.val.ptr[i].f0.len, r->headers.val.ptr[i].f0.ptr,
                                  (int)r->headers.val.ptr[i].f1.len, r->headers.val.ptr[i].f1.ptr);
        if (r->body.is_some)
            snprintf(hc->body, sizeof(hc->body), "%.*s", (int)r->body.val.len, r->body.val.ptr);
    }
}

Test(abi_exports, request_and_response_bytes)
{
    struct handle_ctx hc;
    struct sl_rt_result res;
    memset(&hc, 0, sizeof(hc));
    sl_abi_run(&inst, "handle-http", call_handler, &hc, &res);
    cr_assert_eq(res.outcome, SL_RT_RETURNED, "%s", res.message);
    /* (f): the ten arguments and the bytes the host allocated */
    static const uint32_t args[10] = {0, 0x3000, 10, 0x300c, 2, 0x3048, 1, 1, 0x305d, 0};
    for (int i = 0; i < 10; i++)
        cr_expect_eq(mem32(0x2400 + 4 * (uint32_t)i), args[i], "argument %d", i);
    static const uint8_t heap[] = {
        0x2f, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x3f, 0x78, 0x3d, 0x31, 0x00, 0x00, 0x2c, 0x30, 0x00, 0x00,
        0x04, 0x00, 0x00, 0x00, 0x30, 0x30, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x3e, 0x30, 0x00, 0x00,
        0x06, 0x00, 0x00, 0x00, 0x44, 0x30, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x68, 0x6f, 0x73, 0x74,
        0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x68, 0x6f, 0x73, 0x74, 0x3a, 0x33, 0x30, 0x30, 0x30, 0x61, 0x63,
        0x63, 0x65, 0x70, 0x74, 0x2a, 0x2f, 0x2a, 0x00, 0x58, 0x30, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
        0x5c, 0x30, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x6e, 0x61, 0x6d, 0x65, 0x78,
    };
    const uint8_t *got = mem(0x3000, sizeof(heap));
    for (size_t i = 0; i < sizeof(heap); i++) /* bytes (f) shows as ".." are padding: skip */
        if (!(i == 0xa || i == 0xb || i == 0x47))
            cr_expect_eq(got[i], heap[i], "heap byte 0x%zx: %02x, want %02x", i, got[i], heap[i]);
    /* (g): the response lifted, and the frees in slight's order */
    cr_assert_not(hc.resp.is_err);
    cr_expect_eq(hc.resp.val.ok.status, 200);
    cr_expect_str_eq(hc.headers, "content-type=text/plain;");
    cr_expect_str_eq(hc.body, "hello");
    static const uint32_t frees[4][3] = {
        {0x5010, 12, 1}, {0x501c, 10, 1}, {0x5000, 16, 4}, {0x5026, 5, 1}};
    for (uint32_t i = 0; i < 4; i++)
        for (uint32_t j = 0; j < 3; j++)
            cr_expect_eq(mem32(0x2800 + 12 * i + 4 * j), frees[i][j], "free %u arg %u", i, j);
}

Test(abi_exports, status_error)
{
    struct handle_ctx hc;
    struct sl_rt_result res;
    memset(&hc, 0, sizeof(hc));
    set_mode(1);
    sl_abi_run(&inst, "handle-http", call_handler, &hc, &res);
    cr_assert_eq(res.outcome, SL_RT_RETURNED, "%s", res.message);
    cr_assert(hc.resp.is_err);
    cr_expect_eq(hc.resp.val.err.tag, SL_HTTP_HANDLER_HTTP_ERROR_STATUS_ERROR);
    cr_expect_eq(hc.resp.val.err.val.status_error, 404);
}

Test(abi_exports, bad_discriminant_traps)
{
    struct handle_ctx hc;
    struct sl_rt_result res;
    memset(&hc, 0, sizeof(hc));
    set_mode(2);
    sl_abi_run(&inst, "handle-http", call_handler, &hc, &res);
    cr_assert_eq(res.outcome, SL_RT_TRAPPED);
    cr_expect(strstr(res.message, "invalid discriminant for `expected`") != NULL, "%s",
              res.message);
    cr_expect_eq(abi.nallocs, 0, "call memory freed after a trap");
}

static void call_init(struct sl_abi_call *call, void *opaque)
{
    struct sl_http_server_export_expected_unit_string r;
    memset(&r, 0, sizeof(r));
    sl_http_server_export_on_server_init_call(call, sl_module_export(mod, "on-server-init"), &r);
    snprintf(opaque, 64, "%s:%.*s", r.is_err ? "err" : "ok", r.is_err ? (int)r.val.err.len : 0,
             r.is_err ? r.val.err.ptr : "");
}

Test(abi_exports, on_server_init_error)
{
    char out[64] = "";
    struct sl_rt_result res;
    sl_abi_run(&inst, "on-server-init", call_init, out, &res);
    cr_assert_eq(res.outcome, SL_RT_RETURNED, "%s", res.message);
    cr_expect_str_eq(out, "err:boom");
    cr_expect_eq(mem32(0x2800), 0x5100);
    cr_expect_eq(mem32(0x2804), 4);
    cr_expect_eq(mem32(0x2808), 1);
}
