/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pool.c -- snapshots and instance pools. A snapshot keeps the memory image
 * in a memfd; a pooled instance maps it MAP_PRIVATE inside its own
 * reservation and is reset by dropping its private pages (one madvise), or
 * by copying back the pages its dirty map names. The wasm2c instance struct
 * (globals and all) is restored by one memcpy, then the fields that belong
 * to this instance (memory and table storage, import contexts) are put back.
 */
#include "sl_common.h"

#include "pool.h"
#include "common/mem.h"
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define WASM_PAGE 65536ull
#define DIRTY_SHIFT SL_DIRTY_PAGE_SHIFT

struct sl_snapshot {
    struct sl_module *module;
    const struct sl_guest_desc *desc;
    uint8_t *w2c;          /* the instance struct right after initialization */
    uintptr_t origin;      /* where that struct lived: table entries point there */
    bool has_memory, has_table;
    size_t memory_off, table_off;
    int memfd;             /* memory image, mem_bytes long */
    uint64_t mem_bytes;
    uint32_t mem_pages, mem_max_pages;
    const uint8_t *image;  /* read-only view of the memfd */
    wasm_rt_funcref_t *table;
    uint32_t table_size, table_max;
};

struct pooled {
    struct sl_instance inst;
    struct pooled *next;
};

struct sl_pool {
    struct sl_snapshot *snap;
    enum sl_reset_mode mode;
    size_t max_idle, nidle;
    struct pooled *idle;
};

static wasm_rt_memory_t *mem_of(const struct sl_snapshot *s, void *w2c)
{
    return s->has_memory ? (wasm_rt_memory_t *)((uint8_t *)w2c + s->memory_off) : NULL;
}

static wasm_rt_funcref_table_t *table_of(const struct sl_snapshot *s, void *w2c)
{
    return s->has_table ? (wasm_rt_funcref_table_t *)((uint8_t *)w2c + s->table_off) : NULL;
}

void sl_snapshot_free(struct sl_snapshot *s)
{
    if (s == NULL)
        return;
    if (s->image != NULL && s->mem_bytes > 0)
        munmap((void *)s->image, s->mem_bytes);
    if (s->memfd >= 0)
        close(s->memfd);
    sl_free(s->w2c);
    sl_free(s->table);
    sl_free(s);
}

static sl_err capture(struct sl_snapshot *s, struct sl_instance *inst, struct sl_error *err)
{
    const struct sl_guest_desc *d = s->desc = inst->desc;
    s->w2c = sl_malloc(d->instance_size);
    if (s->w2c == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    memcpy(s->w2c, inst->w2c, d->instance_size);
    s->origin = (uintptr_t)inst->w2c;
    wasm_rt_memory_t *mem = d->memory ? d->memory(inst->w2c) : NULL;
    if (mem != NULL) {
        s->has_memory = true;
        s->memory_off = (size_t)((uint8_t *)mem - (uint8_t *)inst->w2c);
        s->mem_pages = mem->pages;
        s->mem_max_pages = mem->max_pages;
        s->mem_bytes = (uint64_t)mem->pages * WASM_PAGE;
        s->memfd = memfd_create("slight-snapshot", MFD_CLOEXEC);
        if (s->memfd < 0 || ftruncate(s->memfd, (off_t)s->mem_bytes) != 0)
            return sl_error_set(err, SL_EIO, "snapshot: memfd: %s", strerror(errno));
        for (uint64_t done = 0; done < s->mem_bytes;) {
            ssize_t n = pwrite(s->memfd, mem->data + done, s->mem_bytes - done, (off_t)done);
            if (n <= 0)
                return sl_error_set(err, SL_EIO, "snapshot: write: %s", strerror(errno));
            done += (uint64_t)n;
        }
        if (s->mem_bytes > 0) {
            void *img = mmap(NULL, s->mem_bytes, PROT_READ, MAP_SHARED, s->memfd, 0);
            if (img == MAP_FAILED)
                return sl_error_set(err, SL_EIO, "snapshot: mmap: %s", strerror(errno));
            s->image = img;
        }
    }
    wasm_rt_funcref_table_t *tab = d->table ? d->table(inst->w2c) : NULL;
    if (tab != NULL) {
        s->has_table = true;
        s->table_off = (size_t)((uint8_t *)tab - (uint8_t *)inst->w2c);
        s->table_size = tab->size;
        s->table_max = tab->max_size;
        s->table = sl_calloc(tab->size ? tab->size : 1, sizeof(*s->table));
        if (s->table == NULL)
            return sl_error_set(err, SL_ENOMEM, "out of memory");
        memcpy(s->table, tab->data, tab->size * sizeof(*s->table));
    }
    return SL_OK;
}

sl_err sl_snapshot_new(struct sl_module *m, struct sl_wasi_ctx *wasi,
                       uint32_t memory_limit_pages, struct sl_snapshot **out,
                       struct sl_error *err)
{
    *out = NULL;
    if (m->info.nmemories + m->info.nmemory_imports > 1 || m->info.ntables > 1)
        return sl_error_set(err, SL_EUNSUPPORTED,
                            "%s: instance pooling supports one memory and one table", m->filename);
    struct sl_snapshot *s = sl_calloc(1, sizeof(*s));
    if (s == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    s->memfd = -1;
    s->module = m;
    s->desc = m->desc;
    struct sl_instance inst;
    struct sl_rt_result res;
    memset(&inst, 0, sizeof(inst));
    inst.wasi = wasi;
    sl_err rc = sl_module_instantiate(m, &inst, memory_limit_pages, &res, err);
    if (rc == SL_OK)
        rc = capture(s, &inst, err);
    sl_module_release_instance(m, &inst);
    if (rc != SL_OK) {
        sl_snapshot_free(s);
        return rc;
    }
    *out = s;
    return SL_OK;
}

sl_err sl_pool_new(struct sl_snapshot *snap, enum sl_reset_mode mode, size_t max_idle,
                   struct sl_pool **out, struct sl_error *err)
{
    *out = NULL;
    if (mode == SL_RESET_DIRTY_PAGES && !snap->module->code.write_barrier)
        return sl_error_set(err, SL_EINVAL,
                            "%s: dirty-page resets need code compiled with the write barrier",
                            snap->module->filename);
    struct sl_pool *p = sl_calloc(1, sizeof(*p));
    if (p == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    p->snap = snap;
    p->mode = mode;
    p->max_idle = max_idle;
    *out = p;
    return SL_OK;
}

static void destroy(struct sl_pool *p, struct pooled *pi)
{
    sl_module_release_instance(p->snap->module, &pi->inst);
    sl_free(pi);
}

void sl_pool_free(struct sl_pool *p)
{
    if (p == NULL)
        return;
    while (p->idle != NULL) {
        struct pooled *pi = p->idle;
        p->idle = pi->next;
        destroy(p, pi);
    }
    sl_free(p);
}

/* Table contents of the snapshot, pointing at w2c instead of the original. */
static void restore_table(const struct sl_snapshot *s, wasm_rt_funcref_table_t *tab, void *w2c)
{
    for (uint32_t i = 0; i < s->table_size; i++) {
        wasm_rt_funcref_t f = s->table[i];
        if ((uintptr_t)f.module_instance == s->origin)
            f.module_instance = w2c;
        tab->data[i] = f;
    }
}

/* Builds a new instance from the snapshot. */
static sl_err make_instance(struct sl_pool *p, struct pooled **out, struct sl_error *err)
{
    const struct sl_snapshot *s = p->snap;
    struct pooled *pi = sl_calloc(1, sizeof(*pi));
    void *w2c = sl_malloc(s->desc->instance_size);
    uint8_t *base = MAP_FAILED;
    wasm_rt_funcref_t *tdata = NULL;
    uint8_t *dirty = NULL;
    uint64_t reserve = 0;
    if (pi == NULL || w2c == NULL)
        goto oom;
    memcpy(w2c, s->w2c, s->desc->instance_size);
    if (s->has_memory) {
        reserve = sl_rt_memory_reservation(s->mem_max_pages);
        base = mmap(NULL, reserve ? reserve : 1, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED)
            goto nomap;
        if (s->mem_bytes > 0 && mmap(base, s->mem_bytes, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_FIXED, s->memfd, 0) == MAP_FAILED)
            goto nomap;
        if (p->mode == SL_RESET_DIRTY_PAGES) {
            dirty = sl_calloc(((uint64_t)s->mem_max_pages << 4) + 1, 1);
            if (dirty == NULL)
                goto oom;
        }
        wasm_rt_memory_t *mem = mem_of(s, w2c);
        mem->data = base;
        mem->reserved = reserve ? reserve : 1;
        mem->dirty = dirty;
    }
    if (s->has_table) {
        tdata = sl_calloc(s->table_size ? s->table_size : 1, sizeof(*tdata));
        if (tdata == NULL)
            goto oom;
        wasm_rt_funcref_table_t *tab = table_of(s, w2c);
        tab->data = tdata;
        restore_table(s, tab, w2c);
    }
    pi->inst.module = s->module;
    pi->inst.desc = s->desc;
    pi->inst.w2c = w2c;
    pi->inst.memory = mem_of(s, w2c);
    s->desc->set_ctx(w2c, &pi->inst);
    *out = pi;
    return SL_OK;
nomap:
    sl_error_set(err, SL_ENOMEM, "cannot map instance memory: %s", strerror(errno));
    goto fail;
oom:
    sl_error_set(err, SL_ENOMEM, "out of memory");
fail:
    if (base != MAP_FAILED)
        munmap(base, reserve ? reserve : 1);
    sl_free(dirty);
    sl_free(tdata);
    sl_free(w2c);
    sl_free(pi);
    return SL_ENOMEM;
}

sl_err sl_pool_acquire(struct sl_pool *p, struct sl_wasi_ctx *wasi, struct sl_instance **out,
                       struct sl_error *err)
{
    struct pooled *pi = p->idle;
    if (pi != NULL) {
        p->idle = pi->next;
        p->nidle--;
    } else {
        sl_err rc = make_instance(p, &pi, err);
        if (rc != SL_OK)
            return rc;
    }
    pi->inst.wasi = wasi;
    pi->inst.exit_code = 0;
    pi->inst.current_export = NULL;
    *out = &pi->inst;
    return SL_OK;
}

/* Memory back to the snapshot: pages beyond it unmapped, the rest restored. */
static bool reset_memory(struct sl_pool *p, wasm_rt_memory_t *mem)
{
    const struct sl_snapshot *s = p->snap;
    if (mem->pages > s->mem_pages) {
        uint64_t len = (uint64_t)(mem->pages - s->mem_pages) * WASM_PAGE;
        if (mmap(mem->data + s->mem_bytes, len, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
            return false;
        if (mem->dirty != NULL)
            memset(mem->dirty + (s->mem_bytes >> DIRTY_SHIFT), 0, len >> DIRTY_SHIFT);
    }
    if (p->mode == SL_RESET_MADVISE || mem->dirty == NULL) {
        if (s->mem_bytes > 0 && madvise(mem->data, s->mem_bytes, MADV_DONTNEED) != 0)
            return false;
    } else {
        /* Copy back only the dirty 4 KiB pages; scan the map 8 bytes at a time. */
        uint64_t npages = s->mem_bytes >> DIRTY_SHIFT;
        uint8_t *d = mem->dirty;
        for (uint64_t i = 0; i < npages; i += 8) {
            uint64_t word = 0;
            memcpy(&word, d + i, npages - i >= 8 ? 8 : (size_t)(npages - i));
            if (word == 0)
                continue;
            for (uint64_t j = i; j < i + 8 && j < npages; j++)
                if (d[j]) {
                    memcpy(mem->data + (j << DIRTY_SHIFT), s->image + (j << DIRTY_SHIFT),
                           1u << DIRTY_SHIFT);
                    d[j] = 0;
                }
        }
    }
    return true;
}

void sl_pool_release(struct sl_pool *p, struct sl_instance *inst)
{
    struct pooled *pi = (struct pooled *)inst;
    const struct sl_snapshot *s = p->snap;
    if (p->nidle >= p->max_idle) {
        destroy(p, pi);
        return;
    }
    void *w2c = inst->w2c;
    wasm_rt_memory_t saved_mem = {0};
    wasm_rt_funcref_table_t saved_tab = {0};
    wasm_rt_memory_t *mem = mem_of(s, w2c);
    wasm_rt_funcref_table_t *tab = table_of(s, w2c);
    if (mem != NULL) {
        if (!reset_memory(p, mem)) {
            sl_log_warn("cannot reset a pooled instance: %s", strerror(errno));
            destroy(p, pi);
            return;
        }
        saved_mem = *mem;
    }
    if (tab != NULL) {
        saved_tab = *tab;
        if (saved_tab.size != s->table_size) {
            wasm_rt_funcref_t *t =
                sl_reallocarray(saved_tab.data, s->table_size ? s->table_size : 1,
                                sizeof(*t));
            if (t == NULL) {
                destroy(p, pi);
                return;
            }
            saved_tab.data = t;
        }
    }
    /* Globals and everything else wasm2c keeps in the struct. */
    memcpy(w2c, s->w2c, s->desc->instance_size);
    if (mem != NULL) {
        mem->data = saved_mem.data;
        mem->reserved = saved_mem.reserved;
        mem->dirty = saved_mem.dirty;
    }
    if (tab != NULL) {
        tab->data = saved_tab.data;
        restore_table(s, tab, w2c);
    }
    s->desc->set_ctx(w2c, inst);
    inst->hdr.in_host = 0;
    inst->hdr.interrupted = 0;
    inst->capabilities = NULL;
    pi->next = p->idle;
    p->idle = pi;
    p->nidle++;
}
