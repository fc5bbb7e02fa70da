/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resolve.c -- the witgen context (an arena owning every AST), loading of WIT
 * files and the files they `use`, and name resolution: scopes, duplicate
 * names, unknown types, `use` cycles and self-referential types. Errors are
 * "file:line:col: message" values; nothing here aborts on input.
 */
#include "sl_common.h"

#include "wit.h"

#include "mem.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ARENA_BLOCK   (64 * 1024)
#define MAX_USE_DEPTH 32
#define MAX_WALK      2000
#define MAX_FILE_SIZE (16 * 1024 * 1024)
#define MAX_NAMES     20000

struct sl_wit_arena_block {
    struct sl_wit_arena_block *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
};

void sl_wit_ctx_init(struct sl_wit_ctx *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
}

void sl_wit_ctx_release(struct sl_wit_ctx *ctx)
{
    struct sl_wit_arena_block *b = ctx->blocks;
    while (b != NULL) {
        struct sl_wit_arena_block *n = b->next;
        sl_free(b);
        b = n;
    }
    sl_wit_ctx_init(ctx);
}

void *sl_wit_alloc(struct sl_wit_ctx *ctx, size_t size)
{
    const size_t al = _Alignof(max_align_t);
    if (size > SIZE_MAX / 2)
        return NULL;
    size = (size + al - 1) & ~(al - 1);
    struct sl_wit_arena_block *b = ctx->blocks;
    if (b == NULL || b->cap - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = sl_malloc(sizeof(*b) + cap);
        if (b == NULL)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = ctx->blocks;
        ctx->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

void *sl_wit_alloc_array(struct sl_wit_ctx *ctx, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / 2 / size)
        return NULL;
    return sl_wit_alloc(ctx, n * size);
}

char *sl_wit_strndup(struct sl_wit_ctx *ctx, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = sl_wit_alloc(ctx, len + 1);
    if (p != NULL)
        memcpy(p, s, len);
    return p;
}

/* ---- errors ---- */

static sl_err at(struct sl_error *err, struct sl_wit_pos pos, const char *fmt, ...) SL_PRINTF(3, 4);

static sl_err at(struct sl_error *err, struct sl_wit_pos pos, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return sl_error_set(err, SL_EINVAL, "%s:%u:%u: %s", pos.file, pos.line, pos.col, msg);
}

/* ---- scope ---- */

static struct sl_wit_type *lookup(const struct sl_wit_iface *iface, const char *name)
{
    for (size_t i = 0; i < iface->nscope; i++)
        if (strcmp(iface->scope[i].name, name) == 0)
            return iface->scope[i].type;
    return NULL;
}

static sl_err define(struct sl_wit_ctx *ctx, struct sl_wit_iface *iface, const char *name,
                     struct sl_wit_type *type, struct sl_wit_pos pos, struct sl_error *err)
{
    if (lookup(iface, name) != NULL)
        return at(err, pos, "'%s' is defined twice", name);
    if (iface->nscope >= MAX_NAMES)
        return at(err, pos, "more than %d names in one file", MAX_NAMES);
    if (iface->nscope == iface->scope_cap) {
        size_t cap = iface->scope_cap ? iface->scope_cap * 2 : 16;
        struct sl_wit_scope_entry *s = sl_wit_alloc_array(ctx, cap, sizeof(*s));
        if (s == NULL)
            return sl_error_set(err, SL_ENOMEM, "out of memory");
        if (iface->nscope > 0)
            memcpy(s, iface->scope, iface->nscope * sizeof(*s));
        iface->scope = s;
        iface->scope_cap = cap;
    }
    iface->scope[iface->nscope].name = name;
    iface->scope[iface->nscope].type = type;
    iface->nscope++;
    return SL_OK;
}

/* ---- loading ---- */

static sl_err read_file(const char *path, char **data, size_t *len, char *why, size_t whylen)
{
    struct sl_buf b = SL_BUF_INIT;
    FILE *f = fopen(path, "rb");
    *data = NULL;
    *len = 0;
    if (f == NULL) {
        snprintf(why, whylen, "%s", strerror(errno));
        return SL_EIO;
    }
    char chunk[8192];
    size_t n;
    sl_err rc = SL_OK;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b.len + n > MAX_FILE_SIZE) {
            snprintf(why, whylen, "file too large");
            rc = SL_EIO;
            break;
        }
        if (sl_buf_append(&b, chunk, n) != SL_OK) {
            snprintf(why, whylen, "out of memory");
            rc = SL_ENOMEM;
            break;
        }
    }
    if (rc == SL_OK && ferror(f)) {
        snprintf(why, whylen, "%s", strerror(errno));
        rc = SL_EIO;
    }
    fclose(f);
    if (rc != SL_OK) {
        sl_buf_release(&b);
        return rc;
    }
    *len = b.len;
    *data = sl_buf_detach(&b);
    return *data != NULL ? SL_OK : SL_ENOMEM;
}

static sl_err resolve(struct sl_wit_ctx *ctx, struct sl_wit_iface *iface, struct sl_error *err);

/* Loads path; `from` is the position of the `use` asking for it, or NULL. */
static sl_err load(struct sl_wit_ctx *ctx, const char *path, const struct sl_wit_pos *from,
                   struct sl_wit_iface **out, struct sl_error *err)
{
    *out = NULL;
    for (struct sl_wit_iface *i = ctx->ifaces; i != NULL; i = i->next) {
        if (strcmp(i->path, path) != 0)
            continue;
        if (i->state != 2)
            return at(err, *from, "'use' cycle through '%s'", i->name);
        *out = i;
        return SL_OK;
    }
    if (ctx->depth >= MAX_USE_DEPTH)
        return at(err, *from, "'use' nested too deeply");

    char *src;
    size_t len;
    char why[200];
    sl_err rc = read_file(path, &src, &len, why, sizeof(why));
    if (rc != SL_OK) {
        if (from != NULL)
            return at(err, *from, "cannot read '%s': %s", path, why);
        return sl_error_set(err, rc, "%s: cannot read: %s", path, why);
    }
    struct sl_wit_iface *iface;
    rc = sl_wit_parse(ctx, path, src, len, &iface, err);
    sl_free(src);
    if (rc != SL_OK)
        return rc;
    iface->next = ctx->ifaces;
    ctx->ifaces = iface;
    ctx->depth++;
    rc = resolve(ctx, iface, err);
    ctx->depth--;
    if (rc != SL_OK)
        return rc;
    *out = iface;
    return SL_OK;
}

sl_err sl_wit_load(struct sl_wit_ctx *ctx, const char *path, struct sl_wit_iface **out,
                   struct sl_error *err)
{
    return load(ctx, path, NULL, out, err);
}

/* ---- resolution ---- */

static sl_err resolve_use(struct sl_wit_ctx *ctx, struct sl_wit_iface *iface, struct sl_wit_use *u,
                          struct sl_error *err)
{
    const char *slash = strrchr(iface->path, '/');
    size_t dirlen = slash ? (size_t)(slash - iface->path) + 1 : 0;
    struct sl_buf path = SL_BUF_INIT;
    if (sl_buf_append(&path, iface->path, dirlen) != SL_OK
        || sl_buf_appendf(&path, "%s.wit", u->from) != SL_OK) {
        sl_buf_release(&path);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    sl_err rc = load(ctx, sl_buf_cstr(&path), &u->pos, &u->iface, err);
    sl_buf_release(&path);
    if (rc != SL_OK)
        return rc;
    if (u->all) {
        for (size_t i = 0; i < u->iface->nscope; i++) {
            struct sl_wit_scope_entry *e = &u->iface->scope[i];
            if (lookup(iface, e->name) == e->type)
                continue; /* the same type reached twice */
            rc = define(ctx, iface, e->name, e->type, u->pos, err);
            if (rc != SL_OK)
                return rc;
        }
        return SL_OK;
    }
    for (size_t i = 0; i < u->nnames; i++) {
        struct sl_wit_use_name *n = &u->names[i];
        struct sl_wit_type *t = lookup(u->iface, n->name);
        if (t == NULL)
            return at(err, n->pos, "'%s' is not defined in '%s'", n->name, u->from);
        rc = define(ctx, iface, n->local, t, n->pos, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

/* Points every REF inside t at its definition. */
static sl_err resolve_refs(struct sl_wit_iface *iface, struct sl_wit_type *t, struct sl_error *err)
{
    if (t == NULL)
        return SL_OK;
    if (t->kind == SL_WIT_REF) {
        t->target = lookup(iface, t->name);
        if (t->target == NULL)
            return at(err, t->pos, "unknown type '%s'", t->name);
        return SL_OK;
    }
    if (t->kind == SL_WIT_HANDLE)
        return SL_OK;
    sl_err rc = resolve_refs(iface, t->elem, err);
    if (rc == SL_OK)
        rc = resolve_refs(iface, t->err, err);
    for (size_t i = 0; rc == SL_OK && i < t->nmembers; i++)
        rc = resolve_refs(iface, t->members[i].type, err);
    return rc;
}

/* Rejects a member name used twice in one list. */
static sl_err check_unique(const struct sl_wit_member *m, size_t n, struct sl_error *err)
{
    for (size_t i = 1; i < n; i++) {
        if (m[i].name == NULL)
            continue;
        for (size_t j = 0; j < i; j++)
            if (m[j].name != NULL && strcmp(m[i].name, m[j].name) == 0)
                return at(err, m[i].pos, "'%s' is defined twice", m[i].name);
    }
    return SL_OK;
}

/* Depth-first walk rejecting types that contain themselves. */
static sl_err check_cycles(struct sl_wit_type *t, unsigned depth, struct sl_error *err)
{
    if (t == NULL)
        return SL_OK;
    if (depth > MAX_WALK)
        return at(err, t->pos, "type nested too deeply");
    if (t->kind == SL_WIT_REF)
        return check_cycles(t->target, depth + 1, err);
    if (t->kind == SL_WIT_HANDLE)
        return SL_OK;
    bool named = t->name != NULL;
    if (named) {
        if (t->visit == 2)
            return SL_OK;
        if (t->visit == 1)
            return at(err, t->pos, "type '%s' refers to itself", t->name);
        t->visit = 1;
    }
    sl_err rc = check_cycles(t->elem, depth + 1, err);
    if (rc == SL_OK)
        rc = check_cycles(t->err, depth + 1, err);
    for (size_t i = 0; rc == SL_OK && i < t->nmembers; i++)
        rc = check_cycles(t->members[i].type, depth + 1, err);
    if (named && rc == SL_OK) {
        t->visit = 2;
        /* lay out now, while everything it contains is already memoized: bounded recursion */
        uint64_t size, align;
        struct sl_wit_flat flat = {0};
        sl_wit_type_layout(t, &size, &align);
        sl_wit_type_flatten(t, &flat);
    }
    return rc;
}

static sl_err resolve_func(struct sl_wit_iface *iface, struct sl_wit_func *f, struct sl_error *err)
{
    sl_err rc = check_unique(f->params, f->nparams, err);
    for (size_t i = 0; rc == SL_OK && i < f->nparams; i++)
        rc = resolve_refs(iface, f->params[i].type, err);
    if (rc == SL_OK)
        rc = resolve_refs(iface, f->result, err);
    return rc;
}

static sl_err check_func_cycles(struct sl_wit_func *f, struct sl_error *err)
{
    sl_err rc = SL_OK;
    for (size_t i = 0; rc == SL_OK && i < f->nparams; i++)
        rc = check_cycles(f->params[i].type, 0, err);
    if (rc == SL_OK)
        rc = check_cycles(f->result, 0, err);
    return rc;
}

static sl_err resolve(struct sl_wit_ctx *ctx, struct sl_wit_iface *iface, struct sl_error *err)
{
    sl_err rc = SL_OK;
    iface->state = 1;
    /* 1: the scope, in source order */
    for (size_t i = 0; rc == SL_OK && i < iface->nitems; i++) {
        struct sl_wit_item *it = &iface->items[i];
        if (it->kind == SL_WIT_ITEM_USE) {
            rc = resolve_use(ctx, iface, it->u.use, err);
        } else if (it->kind == SL_WIT_ITEM_TYPE) {
            it->u.type->owner = iface;
            rc = define(ctx, iface, it->u.type->name, it->u.type, it->u.type->pos, err);
        } else if (it->kind == SL_WIT_ITEM_RESOURCE) {
            struct sl_wit_resource *r = it->u.resource;
            r->handle->owner = iface;
            rc = define(ctx, iface, r->name, r->handle, r->pos, err);
        }
    }
    /* 2: references, member names, function names */
    for (size_t i = 0; rc == SL_OK && i < iface->nitems; i++) {
        struct sl_wit_item *it = &iface->items[i];
        if (it->kind == SL_WIT_ITEM_TYPE) {
            struct sl_wit_type *t = it->u.type;
            rc = check_unique(t->members, t->nmembers, err);
            if (rc == SL_OK)
                rc = resolve_refs(iface, t, err);
        } else if (it->kind == SL_WIT_ITEM_RESOURCE) {
            struct sl_wit_resource *r = it->u.resource;
            for (size_t j = 0; rc == SL_OK && j < r->nfuncs; j++) {
                for (size_t k = 0; rc == SL_OK && k < j; k++)
                    if (strcmp(r->funcs[j].name, r->funcs[k].name) == 0)
                        rc = at(err, r->funcs[j].pos, "'%s' is defined twice", r->funcs[j].name);
                if (rc == SL_OK)
                    rc = resolve_func(iface, &r->funcs[j], err);
            }
        } else if (it->kind == SL_WIT_ITEM_FUNC) {
            struct sl_wit_func *f = it->u.func;
            for (size_t k = 0; rc == SL_OK && k < i; k++) {
                const struct sl_wit_item *o = &iface->items[k];
                if (o->kind == SL_WIT_ITEM_FUNC && strcmp(o->u.func->name, f->name) == 0)
                    rc = at(err, f->pos, "'%s' is defined twice", f->name);
            }
            if (rc == SL_OK)
                rc = resolve_func(iface, f, err);
        }
    }
    /* 3: no type may contain itself; after this every walk of a type terminates */
    for (size_t i = 0; rc == SL_OK && i < iface->nitems; i++)
        if (iface->items[i].kind == SL_WIT_ITEM_TYPE)
            rc = check_cycles(iface->items[i].u.type, 0, err);
    for (size_t i = 0; rc == SL_OK && i < iface->nitems; i++) {
        struct sl_wit_item *it = &iface->items[i];
        if (it->kind == SL_WIT_ITEM_FUNC)
            rc = check_func_cycles(it->u.func, err);
        else if (it->kind == SL_WIT_ITEM_RESOURCE)
            for (size_t j = 0; rc == SL_OK && j < it->u.resource->nfuncs; j++)
                rc = check_func_cycles(&it->u.resource->funcs[j], err);
    }
    if (rc == SL_OK)
        iface->state = 2;
    return rc;
}
