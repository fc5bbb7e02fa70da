/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_template.c -- the copy-me keyvalue backend (docs/BACKENDS.md). It is
 * compiled in every build so it cannot rot, and never registered. It works:
 * each store keeps its keys in a private list, which is not what a real
 * backend does (data must be shared by every store of the same open name).
 * Copy it to kv_<name>.c, rename "template" everywhere, replace the list.
 */
#include "sl_common.h"

#include "capabilities/keyvalue/kv_backend.h"

#include "common/mem.h"

#include <pthread.h>
#include <string.h>

/* Every message starts with the resource name (STYLE.md §Errors). */
#define RESOURCE "keyvalue.template"

/* A real backend keeps a connection, a handle or a path here instead. */
struct tpl_entry {
    struct tpl_entry *next;
    char *key; /* owned */
    size_t key_len;
    char *val; /* owned, NULL when empty */
    size_t val_len;
};

/* The backend's store: the base struct first (STYLE.md rule 2). */
struct kv_template_store {
    struct sl_kv_store base;
    pthread_mutex_t lock; /* stores may be used from several threads */
    char *name;           /* owned copy of the open name: open's arguments are borrowed */
    char *greeting;       /* owned copy of the GREETING config value, or NULL */
    struct tpl_entry *entries;
};

static void entry_free(struct tpl_entry *e)
{
    if (e == NULL)
        return;
    sl_free(e->key);
    sl_free(e->val);
    sl_free(e);
}

static struct tpl_entry **find(struct kv_template_store *st, struct sl_str key)
{
    struct tpl_entry **pp = &st->entries;
    while (*pp != NULL && ((*pp)->key_len != key.len || memcmp((*pp)->key, key.ptr, key.len) != 0))
        pp = &(*pp)->next;
    return pp;
}

/*
 * open: copy what is kept from cfg and name, validate the configuration, and
 * do not contact a server (connect lazily at the first call, so a server that
 * is down at start-up is a connection-error of that call, not of open).
 */
static sl_err tpl_open(const struct sl_config *cfg, struct sl_str name, struct sl_kv_store **out,
                       struct sl_error *err)
{
    *out = NULL;
    struct kv_template_store *st = sl_calloc(1, sizeof(*st));
    if (st == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    pthread_mutex_init(&st->lock, NULL);
    const char *greeting = sl_config_get(cfg, "GREETING");
    st->name = sl_strndup(name.ptr, name.len);
    if (greeting != NULL)
        st->greeting = sl_strdup(greeting);
    if (st->name == NULL || (greeting != NULL && st->greeting == NULL)) {
        pthread_mutex_destroy(&st->lock);
        sl_free(st->name);
        sl_free(st->greeting);
        sl_free(st);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    *out = &st->base;
    return SL_OK;
}

/* close: release everything open made. Accepts NULL. */
static void tpl_close(struct sl_kv_store *base)
{
    struct kv_template_store *st = (struct kv_template_store *)base;
    if (st == NULL)
        return;
    while (st->entries != NULL) {
        struct tpl_entry *e = st->entries;
        st->entries = e->next;
        entry_free(e);
    }
    pthread_mutex_destroy(&st->lock);
    sl_free(st->name);
    sl_free(st->greeting);
    sl_free(st);
}

/* get: a missing key is SL_ENOTFOUND with this exact message shape; an empty value is a value. */
static sl_err tpl_get(struct sl_kv_store *base, struct sl_str key, struct sl_buf *val,
                      struct sl_error *err)
{
    struct kv_template_store *st = (struct kv_template_store *)base;
    sl_err rc = SL_OK;
    pthread_mutex_lock(&st->lock);
    struct tpl_entry *e = *find(st, key);
    if (e == NULL)
        rc = sl_error_set(err, SL_ENOTFOUND, RESOURCE ": key '%.*s' not found", (int)key.len,
                          key.ptr);
    else if (sl_buf_append(val, e->val, e->val_len) != SL_OK)
        rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    pthread_mutex_unlock(&st->lock);
    if (rc != SL_OK)
        sl_buf_release(val); /* on failure the output is left empty */
    return rc;
}

/* set: replaces the value as a whole; a reader never sees part of it. */
static sl_err tpl_set(struct sl_kv_store *base, struct sl_str key, struct sl_str val,
                      struct sl_error *err)
{
    struct kv_template_store *st = (struct kv_template_store *)base;
    char *copy = NULL;
    if (val.len > 0) {
        copy = sl_malloc(val.len);
        if (copy == NULL)
            return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        memcpy(copy, val.ptr, val.len);
    }
    sl_err rc = SL_OK;
    pthread_mutex_lock(&st->lock);
    struct tpl_entry **pp = find(st, key);
    if (*pp == NULL) {
        struct tpl_entry *e = sl_calloc(1, sizeof(*e));
        if (e == NULL || (e->key = sl_strndup(key.ptr, key.len)) == NULL) {
            entry_free(e);
            rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        } else {
            e->key_len = key.len;
            *pp = e;
        }
    }
    if (rc == SL_OK) {
        sl_free((*pp)->val);
        (*pp)->val = copy;
        (*pp)->val_len = val.len;
        copy = NULL;
    }
    pthread_mutex_unlock(&st->lock);
    sl_free(copy);
    return rc;
}

/* del: deleting a missing key is not an error. */
static sl_err tpl_del(struct sl_kv_store *base, struct sl_str key, struct sl_error *err)
{
    struct kv_template_store *st = (struct kv_template_store *)base;
    pthread_mutex_lock(&st->lock);
    struct tpl_entry **pp = find(st, key);
    struct tpl_entry *gone = *pp;
    if (gone != NULL)
        *pp = gone->next;
    pthread_mutex_unlock(&st->lock);
    entry_free(gone);
    return SL_OK;
}

/* keys: each key of this open name once, nothing else; on failure *out is left empty. */
static sl_err tpl_keys(struct sl_kv_store *base, struct sl_strvec *out, struct sl_error *err)
{
    struct kv_template_store *st = (struct kv_template_store *)base;
    sl_err rc = SL_OK;
    pthread_mutex_lock(&st->lock);
    for (struct tpl_entry *e = st->entries; e != NULL && rc == SL_OK; e = e->next)
        rc = sl_strvec_push(out, e->key, e->key_len);
    pthread_mutex_unlock(&st->lock);
    if (rc != SL_OK) {
        sl_strvec_release(out);
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    }
    return SL_OK;
}

/* The slightfile keys this backend accepts; secrets are marked so they are never logged. */
static const struct sl_config_key tpl_config_keys[] = {
    {"GREETING", false, false},
    {NULL, false, false},
};

/*
 * The only exported symbol. A real backend declares it in kv_backend.h
 * (under #if SL_HAVE_KV_<NAME> when it needs a library) and gets a row in
 * kv_registry.c; the template is declared here because nothing uses it.
 */
extern const struct sl_kv_backend sl_kv_backend_template;
const struct sl_kv_backend sl_kv_backend_template = {
    .version = SL_KV_BACKEND_V1,
    .name = "template",
    .config_keys = tpl_config_keys,
    .open = tpl_open,
    .close = tpl_close,
    .get = tpl_get,
    .set = tpl_set,
    .del = tpl_del,
    .keys = tpl_keys,
    .shutdown = NULL, /* nothing shared across stores */
};
