/* SPDX-License-Identifier: Apache-2.0 */
/*
 * handles.c -- per-instance handle tables, one per resource type, numbered
 * as slight numbered them (SLIGHT-SPEC §3.1): from 0, the most recently
 * freed index reused first. A handle names a shared, counted reference to a
 * host object, so resource_clone gives a second handle to the same object.
 */
#include "sl_common.h"

#include "abi_rt.h"

#include "common/mem.h"

/* A host object and how many handles of this instance name it. */
struct obj_ref {
    void *obj;
    uint32_t refs;
};

struct sl_abi_table {
    const struct sl_abi_resource *res;
    struct obj_ref **slots; /* NULL = free */
    uint32_t nslots, cap;
    uint32_t *free_list; /* freed indexes, most recent last */
    uint32_t nfree;
};

void sl_abi_state_init(struct sl_abi_state *st, void *ctx)
{
    memset(st, 0, sizeof(*st));
    st->ctx = ctx;
}

static void unref(const struct sl_abi_resource *res, struct obj_ref *r)
{
    if (--r->refs == 0) {
        if (res->drop != NULL)
            res->drop(r->obj);
        sl_free(r);
    }
}

void sl_abi_state_release(struct sl_abi_state *st)
{
    if (st == NULL)
        return;
    for (size_t t = 0; t < st->ntables; t++) {
        struct sl_abi_table *tb = &st->tables[t];
        for (uint32_t i = 0; i < tb->nslots; i++)
            if (tb->slots[i] != NULL)
                unref(tb->res, tb->slots[i]);
        sl_free(tb->slots);
        sl_free(tb->free_list);
    }
    sl_free(st->tables);
    while (st->nallocs > 0)
        sl_free(st->allocs[--st->nallocs]);
    sl_free(st->allocs);
    void *ctx = st->ctx;
    sl_abi_state_init(st, ctx);
}

/* The table of res, created on first use when create is set; NULL otherwise. */
static struct sl_abi_table *table_of(struct sl_abi_call *call, const struct sl_abi_resource *res,
                                     bool create)
{
    struct sl_abi_state *st = call->st;
    for (size_t i = 0; i < st->ntables; i++)
        if (st->tables[i].res == res)
            return &st->tables[i];
    if (!create)
        return NULL;
    struct sl_abi_table *t = sl_reallocarray(st->tables, st->ntables + 1, sizeof(*t));
    if (t == NULL)
        return NULL;
    st->tables = t;
    t = &st->tables[st->ntables++];
    memset(t, 0, sizeof(*t));
    t->res = res;
    return t;
}

/* Puts r into a slot; UINT32_MAX when out of memory. */
static uint32_t insert(struct sl_abi_table *t, struct obj_ref *r)
{
    if (t->nfree > 0) {
        uint32_t h = t->free_list[--t->nfree];
        t->slots[h] = r;
        return h;
    }
    if (t->nslots == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 8;
        struct obj_ref **s = sl_reallocarray(t->slots, cap, sizeof(*s));
        uint32_t *f = s ? sl_reallocarray(t->free_list, cap, sizeof(*f)) : NULL;
        if (s != NULL)
            t->slots = s;
        if (f == NULL)
            return UINT32_MAX;
        t->free_list = f;
        t->cap = cap;
    }
    t->slots[t->nslots] = r;
    return t->nslots++;
}

uint32_t sl_abi_handle_new(struct sl_abi_call *call, const struct sl_abi_resource *res, void *obj)
{
    struct sl_abi_table *t = table_of(call, res, true);
    struct obj_ref *r = t ? sl_malloc(sizeof(*r)) : NULL;
    uint32_t h = UINT32_MAX;
    if (r != NULL) {
        r->obj = obj;
        r->refs = 1;
        h = insert(t, r);
    }
    if (h == UINT32_MAX) {
        sl_free(r);
        if (res->drop != NULL)
            res->drop(obj);
        sl_abi_trap(call, "out of host memory for a %s handle", res->name);
    }
    return h;
}

static struct obj_ref *lookup(struct sl_abi_call *call, const struct sl_abi_resource *res,
                              uint32_t h, const char *what)
{
    struct sl_abi_table *t = table_of(call, res, false);
    if (t == NULL || h >= t->nslots || t->slots[h] == NULL)
        sl_abi_trap(call, "%sinvalid handle index %u (no open %s handle has it)", what, h,
                    res->name);
    return t->slots[h];
}

void *sl_abi_handle_get(struct sl_abi_call *call, const struct sl_abi_resource *res, uint32_t h)
{
    return lookup(call, res, h, "")->obj;
}

void sl_abi_handle_drop(struct sl_abi_call *call, const struct sl_abi_resource *res, uint32_t h)
{
    struct obj_ref *r = lookup(call, res, h, "failed to remove handle: ");
    struct sl_abi_table *t = table_of(call, res, false);
    t->slots[h] = NULL;
    t->free_list[t->nfree++] = h; /* room: free_list has cap entries */
    unref(res, r);
}

uint32_t sl_abi_handle_clone(struct sl_abi_call *call, const struct sl_abi_resource *res,
                             uint32_t h)
{
    struct obj_ref *r = lookup(call, res, h, "failed to clone handle: ");
    struct sl_abi_table *t = table_of(call, res, false);
    uint32_t n = insert(t, r);
    if (n == UINT32_MAX)
        sl_abi_trap(call, "out of host memory for a %s handle", res->name);
    r->refs++;
    return n;
}
