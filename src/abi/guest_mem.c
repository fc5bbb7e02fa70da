/* SPDX-License-Identifier: Apache-2.0 */
/*
 * guest_mem.c -- out-of-line part of guest memory access: the dirty-page map
 * that lets a pooled instance be reset by copying back only touched pages.
 */
#include "sl_common.h"

#include "guest_mem.h"

void sl_guest_mark_dirty(wasm_rt_memory_t *mem, uint32_t ptr, uint32_t len)
{
    sl_mark_dirty_range(mem, ptr, len);
}
