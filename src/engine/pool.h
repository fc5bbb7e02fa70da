/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pool.h -- fresh instances fast: a module's initialized snapshot (memory
 * image in a memfd, globals, tables: the state right after instantiation and
 * _initialize), and a per-thread pool of instances reset to it after each
 * use. The HTTP server gives every request a fresh instance this way.
 */
#ifndef SL_ENGINE_POOL_H
#define SL_ENGINE_POOL_H

#include "sl_common.h"

#include "common/err.h"
#include "module.h"

struct sl_wasi_ctx;
struct sl_snapshot;
struct sl_pool;

/* How a used instance is brought back to the snapshot. */
enum sl_reset_mode {
    /* One madvise(MADV_DONTNEED) over the memory: private pages fall back to
     * the snapshot's memfd pages. */
    SL_RESET_MADVISE = 0,
    /* Copy back only the pages marked dirty (by host writes, and by guest
     * stores when the module is compiled with the write barrier): no system
     * call unless memory grew. */
    SL_RESET_DIRTY_PAGES,
};

/*
 * Instantiates m once (with wasi as its WASI context, for _initialize) and
 * records the result. memory_limit_pages as for sl_module_instantiate.
 * Modules with more than one memory or table are not supported (SL_EUNSUPPORTED).
 * On success *out is owned by the caller (sl_snapshot_free, after every
 * pool made from it).
 */
sl_err sl_snapshot_new(struct sl_module *m, struct sl_wasi_ctx *wasi,
                       uint32_t memory_limit_pages, struct sl_snapshot **out,
                       struct sl_error *err);
void sl_snapshot_free(struct sl_snapshot *s);

/* A pool of instances of one snapshot, used by one thread at a time. */
sl_err sl_pool_new(struct sl_snapshot *snap, enum sl_reset_mode mode, size_t max_idle,
                   struct sl_pool **out, struct sl_error *err);
/* Frees idle instances and the pool; acquired ones must be released first. */
void sl_pool_free(struct sl_pool *p);

/*
 * A fresh instance (exactly the snapshot's state) with WASI context wasi.
 * Owned by the pool: give it back with sl_pool_release.
 */
sl_err sl_pool_acquire(struct sl_pool *p, struct sl_wasi_ctx *wasi, struct sl_instance **out,
                       struct sl_error *err);
/* Resets inst to the snapshot and keeps it for the next acquire (or frees it). */
void sl_pool_release(struct sl_pool *p, struct sl_instance *inst);

#endif /* SL_ENGINE_POOL_H */
