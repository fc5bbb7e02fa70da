/* SPDX-License-Identifier: Apache-2.0 */
/*
 * guest_mem.h -- the one checked way to reach guest linear memory. No code
 * outside src/abi/ touches memory->data. A pointer returned here is valid
 * only until the next call into the guest (memory may grow and move).
 */
#ifndef SL_ABI_GUEST_MEM_H
#define SL_ABI_GUEST_MEM_H

#include "sl_common.h"

#include "engine/instance.h"

#include <string.h>

/* True when [ptr, ptr+len) lies inside mem (no overflow). mem may be NULL. */
static inline bool sl_guest_in_bounds(const wasm_rt_memory_t *mem, uint32_t ptr, uint32_t len)
{
    return mem != NULL && len <= mem->size && ptr <= mem->size - len;
}

/* Native pointer to [ptr, ptr+len) for reading, or NULL when out of bounds. */
static inline const uint8_t *sl_guest_slice(const struct sl_instance *inst, uint32_t ptr,
                                            uint32_t len)
{
    if (!sl_guest_in_bounds(inst->memory, ptr, len))
        return NULL;
    return inst->memory->data + ptr;
}

/* Marks host writes for instance reset (engine-private map; see wasm_rt.c). */
void sl_guest_mark_dirty(wasm_rt_memory_t *mem, uint32_t ptr, uint32_t len);

/* Native pointer to [ptr, ptr+len) for writing, or NULL when out of bounds. */
static inline uint8_t *sl_guest_slice_w(struct sl_instance *inst, uint32_t ptr, uint32_t len)
{
    if (!sl_guest_in_bounds(inst->memory, ptr, len))
        return NULL;
    if (inst->memory->dirty != NULL)
        sl_guest_mark_dirty(inst->memory, ptr, len);
    return inst->memory->data + ptr;
}

/* Little-endian loads/stores at any alignment; false when out of bounds. */
static inline bool sl_guest_load_u32(const struct sl_instance *inst, uint32_t ptr, uint32_t *out)
{
    const uint8_t *p = sl_guest_slice(inst, ptr, 4);
    if (p == NULL)
        return false;
    memcpy(out, p, 4);
    return true;
}

static inline bool sl_guest_load_u64(const struct sl_instance *inst, uint32_t ptr, uint64_t *out)
{
    const uint8_t *p = sl_guest_slice(inst, ptr, 8);
    if (p == NULL)
        return false;
    memcpy(out, p, 8);
    return true;
}

static inline bool sl_guest_store_u8(struct sl_instance *inst, uint32_t ptr, uint8_t v)
{
    uint8_t *p = sl_guest_slice_w(inst, ptr, 1);
    if (p == NULL)
        return false;
    *p = v;
    return true;
}

static inline bool sl_guest_store_u16(struct sl_instance *inst, uint32_t ptr, uint16_t v)
{
    uint8_t *p = sl_guest_slice_w(inst, ptr, 2);
    if (p == NULL)
        return false;
    memcpy(p, &v, 2);
    return true;
}

static inline bool sl_guest_store_u32(struct sl_instance *inst, uint32_t ptr, uint32_t v)
{
    uint8_t *p = sl_guest_slice_w(inst, ptr, 4);
    if (p == NULL)
        return false;
    memcpy(p, &v, 4);
    return true;
}

static inline bool sl_guest_store_u64(struct sl_instance *inst, uint32_t ptr, uint64_t v)
{
    uint8_t *p = sl_guest_slice_w(inst, ptr, 8);
    if (p == NULL)
        return false;
    memcpy(p, &v, 8);
    return true;
}

#endif /* SL_ABI_GUEST_MEM_H */
