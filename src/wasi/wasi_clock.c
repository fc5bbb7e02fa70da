/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_clock.c -- clock_res_get and clock_time_get over the four WASI clocks
 * (realtime, monotonic, process and thread CPU time), and the clock helpers
 * poll_oneoff uses. The precision argument is accepted and ignored.
 */
#include "sl_common.h"

#include "wasi/wasi_fns.h"

#include "abi/guest_mem.h"
#include "wasi/wasi_errno.h"
#include "wasi/wasi_int.h"

#include <errno.h>
#include <time.h>

bool sl_wasi_clockid_host(uint32_t id, int *out)
{
    switch (id) {
    case WASI_CLOCK_REALTIME: *out = CLOCK_REALTIME; return true;
    case WASI_CLOCK_MONOTONIC: *out = CLOCK_MONOTONIC; return true;
    case WASI_CLOCK_PROCESS_CPUTIME_ID: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case WASI_CLOCK_THREAD_CPUTIME_ID: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
    }
}

static uint64_t ns_of(const struct timespec *ts)
{
    if (ts->tv_sec < 0)
        return 0;
    return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

uint16_t sl_wasi_clock_now(uint32_t id, uint64_t *out)
{
    int c;
    struct timespec ts;
    if (!sl_wasi_clockid_host(id, &c))
        return WASI_EINVAL;
    if (clock_gettime(c, &ts) != 0)
        return sl_wasi_errno_from_host(errno);
    *out = ns_of(&ts);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_clock_res_get(struct sl_instance *inst, uint32_t id, uint32_t res_ptr)
{
    int c;
    struct timespec ts;
    if (!sl_wasi_clockid_host(id, &c))
        return WASI_EINVAL;
    if (!sl_guest_in_bounds(inst->memory, res_ptr, 8))
        return WASI_EFAULT;
    if (clock_getres(c, &ts) != 0)
        return sl_wasi_errno_from_host(errno);
    uint64_t ns = ns_of(&ts);
    sl_guest_store_u64(inst, res_ptr, ns ? ns : 1);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_clock_time_get(struct sl_instance *inst, uint32_t id, uint64_t precision,
                                uint32_t time_ptr)
{
    (void)precision;
    uint64_t now;
    uint16_t rc = sl_wasi_clock_now(id, &now);
    if (rc != WASI_ESUCCESS)
        return rc;
    if (!sl_guest_store_u64(inst, time_ptr, now))
        return WASI_EFAULT;
    return WASI_ESUCCESS;
}
