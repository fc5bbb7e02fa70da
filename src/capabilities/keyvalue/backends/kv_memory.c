/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_memory.c -- keyvalue.memory: a process-wide map from (open name, key) to
 * bytes, shared by every store of the process and safe to use from several
 * threads. Nothing is persisted; shutdown() frees everything.
 */
#include "sl_common.h"

#include "capabilities/keyvalue/kv_backend.h"

#include "common/hash.h"
#include "common/mem.h"

#include <pthread.h>
#include <string.h>

#define RESOURCE "keyvalue.memory"

struct entry {
    struct entry *next; /* chain of one slot */
    uint64_t hash;
    char *key; /* owned, key_len bytes plus a NUL */
    size_t key_len;
    char *val; /* owned, val_len bytes (NULL when empty) */
    size_t val_len;
};

/* The keys of one open name. Lives until shutdown(), shared by its stores. */
struct space {
    struct space *next;
    char *name; /* owned */
    size_t name_len;
    pthread_mutex_t lock; /* guards everything below */
    struct entry **slots;
    size_t nslots; /* 0 or a power of two */
    size_t n;
};

struct kv_memory_store {
    struct sl_kv_store base;
    struct space *space; /* borrowed from the process-wide list */
};

static pthread_mutex_t spaces_lock = PTHREAD_MUTEX_INITIALIZER;
static struct space *spaces;

static void entry_free(struct entry *e)
{
    if (e == NULL)
        return;
    sl_free(e->key);
    sl_free(e->val);
    sl_free(e);
}

/* The slot holding key's chain link (pointing at the entry or at the NULL ending the chain). */
static struct entry **space_find(struct space *sp, struct sl_str key, uint64_t h)
{
    struct entry **pp = &sp->slots[h & (sp->nslots - 1)];
    for (; *pp != NULL; pp = &(*pp)->next) {
        struct entry *e = *pp;
        if (e->hash == h && e->key_len == key.len && memcmp(e->key, key.ptr, key.len) == 0)
            break;
    }
    return pp;
}

/* Doubles the table when it is full (load factor 1). */
static sl_err space_grow(struct space *sp)
{
    if (sp->n < sp->nslots)
        return SL_OK;
    size_t nslots = sp->nslots ? sp->nslots * 2 : 16;
    struct entry **slots = sl_calloc(nslots, sizeof(*slots));
    if (slots == NULL)
        return SL_ENOMEM;
    for (size_t i = 0; i < sp->nslots; i++) {
        struct entry *e = sp->slots[i];
        while (e != NULL) {
            struct entry *next = e->next;
            struct entry **dst = &slots[e->hash & (nslots - 1)];
            e->next = *dst;
            *dst = e;
            e = next;
        }
    }
    sl_free(sp->slots);
    sp->slots = slots;
    sp->nslots = nslots;
    return SL_OK;
}

static void space_free(struct space *sp)
{
    for (size_t i = 0; i < sp->nslots; i++) {
        struct entry *e = sp->slots[i];
        while (e != NULL) {
            struct entry *next = e->next;
            entry_free(e);
            e = next;
        }
    }
    sl_free(sp->slots);
    pthread_mutex_destroy(&sp->lock);
    sl_free(sp->name);
    sl_free(sp);
}

/* The space of name, created when missing; NULL when out of memory. Called under spaces_lock. */
static struct space *space_get(struct sl_str name)
{
    for (struct space *sp = spaces; sp != NULL; sp = sp->next)
        if (sp->name_len == name.len && memcmp(sp->name, name.ptr, name.len) == 0)
            return sp;
    struct space *sp = sl_calloc(1, sizeof(*sp));
    if (sp == NULL)
        return NULL;
    sp->name = sl_strndup(name.ptr, name.len);
    if (sp->name == NULL) {
        sl_free(sp);
        return NULL;
    }
    sp->name_len = name.len;
    pthread_mutex_init(&sp->lock, NULL);
    sp->next = spaces;
    spaces = sp;
    return sp;
}

static sl_err mem_open(const struct sl_config *cfg, struct sl_str name, struct sl_kv_store **out,
                       struct sl_error *err)
{
    *out = NULL;
    struct kv_memory_store *st = sl_calloc(1, sizeof(*st));
    if (st == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    pthread_mutex_lock(&spaces_lock);
    st->space = space_get(name);
    pthread_mutex_unlock(&spaces_lock);
    if (st->space == NULL) {
        sl_free(st);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    *out = &st->base;
    return SL_OK;
}

static void mem_close(struct sl_kv_store *base)
{
    sl_free(base);
}

static struct space *space_of(struct sl_kv_store *base)
{
    return ((struct kv_memory_store *)base)->space;
}

static sl_err mem_get(struct sl_kv_store *base, struct sl_str key, struct sl_buf *val,
                      struct sl_error *err)
{
    struct space *sp = space_of(base);
    sl_err rc = SL_OK;
    pthread_mutex_lock(&sp->lock);
    struct entry *e = sp->nslots ? *space_find(sp, key, sl_hash_fnv1a64(key.ptr, key.len)) : NULL;
    if (e == NULL)
        rc = sl_error_set(err, SL_ENOTFOUND, RESOURCE ": key '%.*s' not found", (int)key.len,
                          key.ptr);
    else if (sl_buf_append(val, e->val, e->val_len) != SL_OK)
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    pthread_mutex_unlock(&sp->lock);
    return rc;
}

static sl_err mem_set(struct sl_kv_store *base, struct sl_str key, struct sl_str val,
                      struct sl_error *err)
{
    struct space *sp = space_of(base);
    /* Copy outside the lock; the table only swaps pointers. */
    char *copy = NULL;
    if (val.len > 0) {
        copy = sl_malloc(val.len);
        if (copy == NULL)
            return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        memcpy(copy, val.ptr, val.len);
    }
    uint64_t h = sl_hash_fnv1a64(key.ptr, key.len);
    sl_err rc = SL_OK;
    struct entry *e = NULL;
    pthread_mutex_lock(&sp->lock);
    struct entry **pp = sp->nslots ? space_find(sp, key, h) : NULL;
    if (pp != NULL && *pp != NULL) {
        sl_free((*pp)->val);
        (*pp)->val = copy;
        (*pp)->val_len = val.len;
        copy = NULL;
        goto out;
    }
    e = sl_calloc(1, sizeof(*e));
    if (e == NULL || space_grow(sp) != SL_OK || (e->key = sl_strndup(key.ptr, key.len)) == NULL) {
        entry_free(e);
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        goto out;
    }
    e->hash = h;
    e->key_len = key.len;
    e->val = copy;
    e->val_len = val.len;
    copy = NULL;
    pp = &sp->slots[h & (sp->nslots - 1)];
    e->next = *pp;
    *pp = e;
    sp->n++;
out:
    pthread_mutex_unlock(&sp->lock);
    sl_free(copy);
    return rc;
}

static sl_err mem_del(struct sl_kv_store *base, struct sl_str key, struct sl_error *err)
{
    struct space *sp = space_of(base);
    struct entry *gone = NULL;
    pthread_mutex_lock(&sp->lock);
    if (sp->nslots) {
        struct entry **pp = space_find(sp, key, sl_hash_fnv1a64(key.ptr, key.len));
        gone = *pp;
        if (gone != NULL) {
            *pp = gone->next;
            sp->n--;
        }
    }
    pthread_mutex_unlock(&sp->lock);
    entry_free(gone);
    return SL_OK;
}

static sl_err mem_keys(struct sl_kv_store *base, struct sl_strvec *out, struct sl_error *err)
{
    struct space *sp = space_of(base);
    sl_err rc = SL_OK;
    pthread_mutex_lock(&sp->lock);
    for (size_t i = 0; i < sp->nslots && rc == SL_OK; i++)
        for (struct entry *e = sp->slots[i]; e != NULL && rc == SL_OK; e = e->next)
            rc = sl_strvec_push(out, e->key, e->key_len);
    pthread_mutex_unlock(&sp->lock);
    if (rc != SL_OK) {
        sl_strvec_release(out);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    return SL_OK;
}

/* Frees every open name's data. No store may be open (they point into the list). */
static void mem_shutdown(void)
{
    pthread_mutex_lock(&spaces_lock);
    struct space *sp = spaces;
    spaces = NULL;
    pthread_mutex_unlock(&spaces_lock);
    while (sp != NULL) {
        struct space *next = sp->next;
        space_free(sp);
        sp = next;
    }
}

static const struct sl_config_key mem_config_keys[] = {
    {NULL, false, false},
};

const struct sl_kv_backend sl_kv_backend_memory = {
    .version = SL_KV_BACKEND_V1,
    .name = "memory",
    .config_keys = mem_config_keys,
    .open = mem_open,
    .close = mem_close,
    .get = mem_get,
    .set = mem_set,
    .del = mem_del,
    .keys = mem_keys,
    .shutdown = mem_shutdown,
};
