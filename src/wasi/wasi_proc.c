/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_proc.c -- WASI args, environment, random_get and the process functions
 * (proc_exit, proc_raise, sched_yield). Signals are not delivered: proc_raise
 * answers ENOTSUP as wasmtime does.
 */
#include "sl_common.h"

#include "wasi/wasi_fns.h"

#include "abi/guest_mem.h"
#include "wasi/wasi_errno.h"
#include "wasi/wasi_int.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/random.h>

/* Writes the pointer array and the packed strings of buf (count strings, len bytes). */
static uint32_t strings_get(struct sl_instance *inst, const char *buf, uint32_t len,
                            uint32_t count, uint32_t vec, uint32_t out)
{
    uint64_t vec_bytes = (uint64_t)count * 4u;
    if (vec_bytes > UINT32_MAX || sl_guest_slice(inst, vec, (uint32_t)vec_bytes) == NULL)
        return WASI_EFAULT;
    uint8_t *dst = sl_guest_slice_w(inst, out, len);
    if (dst == NULL)
        return WASI_EFAULT;
    if (len > 0)
        memcpy(dst, buf, len);
    uint32_t off = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (!sl_guest_store_u32(inst, vec + 4 * i, out + off))
            return WASI_EFAULT;
        off += (uint32_t)strlen(buf + off) + 1;
    }
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_args_get(struct sl_instance *inst, uint32_t argv, uint32_t argv_buf)
{
    struct sl_wasi_ctx *ctx = sl_wasi_ctx_of(inst);
    if (ctx == NULL)
        return WASI_ESUCCESS;
    return strings_get(inst, ctx->args_buf, ctx->args_len, ctx->argc, argv, argv_buf);
}

uint32_t sl_wasi_args_sizes_get(struct sl_instance *inst, uint32_t argc_ptr, uint32_t size_ptr)
{
    struct sl_wasi_ctx *ctx = sl_wasi_ctx_of(inst);
    uint32_t n = ctx ? ctx->argc : 0, len = ctx ? ctx->args_len : 0;
    if (!sl_guest_in_bounds(inst->memory, argc_ptr, 4) || !sl_guest_in_bounds(inst->memory, size_ptr, 4))
        return WASI_EFAULT;
    sl_guest_store_u32(inst, argc_ptr, n);
    sl_guest_store_u32(inst, size_ptr, len);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_environ_get(struct sl_instance *inst, uint32_t environ, uint32_t environ_buf)
{
    struct sl_wasi_ctx *ctx = sl_wasi_ctx_of(inst);
    if (ctx == NULL)
        return WASI_ESUCCESS;
    return strings_get(inst, ctx->env_buf, ctx->env_len, ctx->envc, environ, environ_buf);
}

uint32_t sl_wasi_environ_sizes_get(struct sl_instance *inst, uint32_t count_ptr, uint32_t size_ptr)
{
    struct sl_wasi_ctx *ctx = sl_wasi_ctx_of(inst);
    uint32_t n = ctx ? ctx->envc : 0, len = ctx ? ctx->env_len : 0;
    if (!sl_guest_in_bounds(inst->memory, count_ptr, 4)
        || !sl_guest_in_bounds(inst->memory, size_ptr, 4))
        return WASI_EFAULT;
    sl_guest_store_u32(inst, count_ptr, n);
    sl_guest_store_u32(inst, size_ptr, len);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_random_get(struct sl_instance *inst, uint32_t buf, uint32_t len)
{
    uint8_t *p = sl_guest_slice_w(inst, buf, len);
    if (p == NULL)
        return WASI_EFAULT;
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(p + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return sl_wasi_errno_from_host(errno);
        }
        done += (size_t)n;
    }
    return WASI_ESUCCESS;
}

void sl_wasi_proc_exit(struct sl_instance *inst, uint32_t code)
{
    sl_instance_exit(inst, code);
}

uint32_t sl_wasi_proc_raise(struct sl_instance *inst, uint32_t sig)
{
    (void)inst;
    (void)sig;
    return WASI_ENOTSUP;
}

uint32_t sl_wasi_sched_yield(struct sl_instance *inst)
{
    (void)inst;
    sched_yield();
    return WASI_ESUCCESS;
}
