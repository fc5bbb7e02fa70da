/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rt_host.c -- the test capability behind roundtrip.wit: every echo
 * function returns what it was given (strings still point into the guest's
 * memory, which the engine never moves during a call), counter objects are
 * host-allocated. Only the generated glue does ABI work.
 */
#include "sl_common.h"

#include "roundtrip_host.h"

#include "common/mem.h"

void sl_roundtrip_counter_drop(void *obj)
{
    sl_free(obj);
}

void sl_roundtrip_counter_make(struct sl_abi_call *call, uint32_t start,
                               struct sl_roundtrip_expected_counter_failure *ret)
{
    if (start >= 1000) {
        ret->is_err = true;
        ret->val.err.tag = SL_ROUNDTRIP_FAILURE_BAD_INPUT;
        ret->val.err.val.bad_input = sl_abi_strdup(call, "too big", 7);
        return;
    }
    uint32_t *own = sl_malloc(sizeof(*own));
    if (own == NULL)
        sl_abi_trap(call, "out of memory");
    *own = start;
    ret->val.ok = own;
}

void sl_roundtrip_counter_bump(struct sl_abi_call *call, void *self, uint32_t by, uint32_t *ret)
{
    uint32_t *c = self;
    *c += by;
    *ret = *c;
}

void sl_roundtrip_counter_value(struct sl_abi_call *call, void *self, uint32_t *ret)
{
    *ret = *(uint32_t *)self;
}

void sl_roundtrip_echo_scalars(
    struct sl_abi_call *call, bool a, uint8_t b, int8_t c, uint16_t d, int16_t e, uint32_t f,
    int32_t g, uint64_t h, int64_t i, float j, double k, uint32_t l,
    struct sl_roundtrip_tuple12_bool_u8_s8_u16_s16_u32_s32_u64_s64_float32_float64_char32 *ret)
{
    ret->f0 = a, ret->f1 = b, ret->f2 = c, ret->f3 = d, ret->f4 = e, ret->f5 = f;
    ret->f6 = g, ret->f7 = h, ret->f8 = i, ret->f9 = j, ret->f10 = k, ret->f11 = l;
}

void sl_roundtrip_echo_string(struct sl_abi_call *call, struct sl_str s, struct sl_str *ret)
{
    *ret = s;
}

void sl_roundtrip_echo_bytes(struct sl_abi_call *call, struct sl_str b, struct sl_str *ret)
{
    *ret = b;
}

void sl_roundtrip_echo_names(struct sl_abi_call *call, const struct sl_roundtrip_names *l,
                             struct sl_roundtrip_names *ret)
{
    *ret = *l;
}

void sl_roundtrip_echo_points(struct sl_abi_call *call, const struct sl_roundtrip_list_point *l,
                              struct sl_roundtrip_list_point *ret)
{
    *ret = *l;
}

void sl_roundtrip_echo_bag(struct sl_abi_call *call, const struct sl_roundtrip_bag *v,
                           struct sl_roundtrip_bag *ret)
{
    *ret = *v;
}

void sl_roundtrip_echo_shape(struct sl_abi_call *call, const struct sl_roundtrip_shape *v,
                             struct sl_roundtrip_shape *ret)
{
    *ret = *v;
}

void sl_roundtrip_echo_nested(struct sl_abi_call *call,
                              const struct sl_roundtrip_option_expected_option_shape_list_color *v,
                              struct sl_roundtrip_option_expected_option_shape_list_color *ret)
{
    *ret = *v;
}

void sl_roundtrip_echo_perms(struct sl_abi_call *call, uint8_t p, uint8_t *ret)
{
    *ret = p;
}

void sl_roundtrip_echo_many(struct sl_abi_call *call, struct sl_str a, struct sl_str b,
                            struct sl_str c, struct sl_str d, struct sl_str e, struct sl_str f,
                            struct sl_str g, struct sl_str h, struct sl_str i,
                            struct sl_roundtrip_expected_names_failure *ret)
{
    struct sl_str *v = sl_abi_alloc(call, 9, sizeof(*v));
    const struct sl_str in[9] = {a, b, c, d, e, f, g, h, i};
    memcpy(v, in, sizeof(in));
    ret->val.ok.ptr = v;
    ret->val.ok.len = 9;
}

void sl_roundtrip_fail_with(struct sl_abi_call *call, uint32_t code,
                            struct sl_roundtrip_expected_unit_failure *ret)
{
    if (code == 0)
        return;
    ret->is_err = true;
    if (code == 1) {
        ret->val.err.tag = SL_ROUNDTRIP_FAILURE_BAD_INPUT;
        ret->val.err.val.bad_input = sl_abi_strdup(call, "one", 3);
    } else {
        ret->val.err.tag = SL_ROUNDTRIP_FAILURE_CODE;
        ret->val.err.val.code = code;
    }
}
