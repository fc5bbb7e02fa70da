/* SPDX-License-Identifier: Apache-2.0 */
/*
 * guest_mem.c -- out-of-line part of guest memory access: the dirty-page map
 * that lets a pooled instance be reset by copying back only touched pages.
 */
#include "sl_common.h"

#include "guest_mem.h"

#define SL_DIRTY_PAGE_SHIFT 12

void sl_guest_mark_dirty(wasm_rt_memory_t *mem, uint32_t ptr, uint32_t len)
{
    if (mem->dirty == NULL || len == 0)
        return;
    uint64_t first = (uint64_t)ptr >> SL_DIRTY_PAGE_SHIFT;
    uint64_t last = ((uint64_t)ptr + len - 1) >> SL_DIRTY_PAGE_SHIFT;
    for (uint64_t p = first; p <= last; p++)
        mem->dirty[p] = 1;
}
