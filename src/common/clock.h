/* SPDX-License-Identifier: Apache-2.0 */
/*
 * clock.h -- the monotonic clock in milliseconds, for the deadlines and
 * waits of the capabilities and their backends (header only: the backend
 * modules use it without linking anything of the core).
 */
#ifndef SL_COMMON_CLOCK_H
#define SL_COMMON_CLOCK_H

#include "sl_common.h"

#include <stdint.h>
#include <time.h>

/* Milliseconds of CLOCK_MONOTONIC. */
static inline uint64_t sl_clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#endif /* SL_COMMON_CLOCK_H */
