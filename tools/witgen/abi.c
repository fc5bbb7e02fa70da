/* SPDX-License-Identifier: Apache-2.0 */
/*
 * abi.c -- the wit-bindgen 0.2 canonical ABI on resolved types: sizes and
 * alignments (with the generator's variant-size quirk, SLIGHT-SPEC §6.2),
 * flattening into core-wasm values and function signatures (§6.3), import
 * field names, and the canonical text of a type. No code generation here.
 */
#include "sl_common.h"

#include "wit.h"

#include <string.h>

#define SAT ((uint64_t)1 << 40) /* sizes saturate here: absurd inputs must not overflow */

static uint64_t align_to(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a + b > SAT ? SAT : a + b;
}

const struct sl_wit_type *sl_wit_type_deref(const struct sl_wit_type *t)
{
    while (t != NULL && (t->kind == SL_WIT_REF || t->kind == SL_WIT_ALIAS))
        t = t->kind == SL_WIT_REF ? t->target : t->elem;
    return t;
}

static bool is_variant_like(enum sl_wit_kind k)
{
    return k == SL_WIT_VARIANT || k == SL_WIT_UNION || k == SL_WIT_OPTION || k == SL_WIT_EXPECTED
           || k == SL_WIT_ENUM;
}

static struct sl_wit_type *case_type(const struct sl_wit_type *t, size_t i);

size_t sl_wit_ncases(const struct sl_wit_type *t)
{
    return t->kind == SL_WIT_OPTION || t->kind == SL_WIT_EXPECTED ? 2 : t->nmembers;
}

static size_t ncases(const struct sl_wit_type *t)
{
    return sl_wit_ncases(t);
}

bool sl_wit_is_variant(enum sl_wit_kind k)
{
    return k == SL_WIT_VARIANT || k == SL_WIT_UNION || k == SL_WIT_OPTION || k == SL_WIT_EXPECTED;
}

struct sl_wit_type *sl_wit_case_type(const struct sl_wit_type *t, size_t i)
{
    return case_type(t, i);
}

/* The payload type of case i (NULL: none). Enums have no payloads. */
static struct sl_wit_type *case_type(const struct sl_wit_type *t, size_t i)
{
    switch (t->kind) {
    case SL_WIT_OPTION:
        return i == 0 ? NULL : t->elem;
    case SL_WIT_EXPECTED:
        return i == 0 ? t->elem : t->err;
    case SL_WIT_ENUM:
        return NULL;
    default:
        return t->members[i].type;
    }
}

static void tag_layout(size_t n, uint64_t *size, uint64_t *align)
{
    *size = *align = n <= 255 ? 1 : n <= 65535 ? 2 : 4;
}

static void layout(struct sl_wit_type *t, uint64_t *size, uint64_t *align)
{
    if (t == NULL) { /* unit payload */
        *size = 0;
        *align = 1;
        return;
    }
    bool memo = t->name != NULL && t->kind != SL_WIT_REF;
    if (memo && t->laid_out) {
        *size = t->size;
        *align = t->align;
        return;
    }
    uint64_t s = 0, a = 1;
    switch (t->kind) {
    case SL_WIT_UNIT:
        s = 0;
        a = 1;
        break;
    case SL_WIT_BOOL:
    case SL_WIT_U8:
    case SL_WIT_S8:
        s = a = 1;
        break;
    case SL_WIT_U16:
    case SL_WIT_S16:
        s = a = 2;
        break;
    case SL_WIT_U32:
    case SL_WIT_S32:
    case SL_WIT_FLOAT32:
    case SL_WIT_CHAR:
    case SL_WIT_HANDLE:
        s = a = 4;
        break;
    case SL_WIT_U64:
    case SL_WIT_S64:
    case SL_WIT_FLOAT64:
        s = a = 8;
        break;
    case SL_WIT_STRING:
    case SL_WIT_LIST:
        s = 8;
        a = 4;
        break;
    case SL_WIT_REF:
        layout(t->target, &s, &a);
        break;
    case SL_WIT_ALIAS:
        layout(t->elem, &s, &a);
        break;
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE:
        for (size_t i = 0; i < t->nmembers; i++) {
            uint64_t fs, fa;
            layout(t->members[i].type, &fs, &fa);
            s = sat_add(align_to(s, fa), fs);
            a = fa > a ? fa : a;
        }
        s = align_to(s, a);
        break;
    case SL_WIT_FLAGS:
        if (t->nmembers <= 8)
            s = a = 1;
        else if (t->nmembers <= 16)
            s = a = 2;
        else {
            s = 4 * ((t->nmembers + 31) / 32);
            a = 4;
        }
        break;
    case SL_WIT_VARIANT:
    case SL_WIT_UNION:
    case SL_WIT_OPTION:
    case SL_WIT_EXPECTED:
    case SL_WIT_ENUM: {
        uint64_t ds, da;
        size_t n = ncases(t);
        tag_layout(n, &ds, &da);
        s = ds;
        a = da;
        for (size_t i = 0; t->kind != SL_WIT_ENUM && i < n; i++) {
            uint64_t cs, ca;
            layout(case_type(t, i), &cs, &ca);
            a = ca > a ? ca : a;
            /* the generator's formula: not from the payload offset, not rounded (§6.2) */
            uint64_t c = sat_add(align_to(ds, ca), cs);
            s = c > s ? c : s;
        }
        break;
    }
    }
    *size = s;
    *align = a;
    if (memo) {
        t->size = s;
        t->align = a;
        t->laid_out = true;
    }
}

void sl_wit_type_layout(struct sl_wit_type *t, uint64_t *size, uint64_t *align)
{
    layout(t, size, align);
}

uint64_t sl_wit_type_footprint(struct sl_wit_type *t)
{
    const struct sl_wit_type *d = sl_wit_type_deref(t);
    if (d == NULL)
        return 0;
    uint64_t size, align, fp = 0;
    layout(t, &size, &align);
    if (sl_wit_is_variant(d->kind)) {
        uint64_t po = sl_wit_payload_offset(t);
        for (size_t i = 0; i < ncases(d); i++) {
            uint64_t c = sat_add(po, sl_wit_type_footprint(case_type(d, i)));
            fp = c > fp ? c : fp;
        }
    } else if (d->kind == SL_WIT_RECORD || d->kind == SL_WIT_TUPLE) {
        uint64_t off = 0;
        for (size_t i = 0; i < d->nmembers; i++) {
            uint64_t fs, fa;
            layout(d->members[i].type, &fs, &fa);
            off = align_to(off, fa);
            uint64_t c = sat_add(off, sl_wit_type_footprint(d->members[i].type));
            fp = c > fp ? c : fp;
            off = sat_add(off, fs);
        }
    }
    return fp > size ? fp : size;
}

uint64_t sl_wit_payload_offset(struct sl_wit_type *t)
{
    const struct sl_wit_type *d = sl_wit_type_deref(t);
    if (d == NULL || !is_variant_like(d->kind))
        return 0;
    uint64_t ds, da, ma = 1;
    size_t n = ncases(d);
    tag_layout(n, &ds, &da);
    for (size_t i = 0; d->kind != SL_WIT_ENUM && i < n; i++) {
        uint64_t cs, ca;
        layout(case_type(d, i), &cs, &ca);
        ma = ca > ma ? ca : ma;
    }
    return align_to(ds, ma);
}

/* ---- flattening ---- */

static void flat_push(struct sl_wit_flat *f, enum sl_wit_core v)
{
    if (f->n < SL_WIT_FLAT_CAP)
        f->v[f->n++] = v;
}

static enum sl_wit_core join(enum sl_wit_core a, enum sl_wit_core b)
{
    if (a == b)
        return a;
    if ((a == SL_WIT_I32 && b == SL_WIT_F32) || (a == SL_WIT_F32 && b == SL_WIT_I32))
        return SL_WIT_I32;
    return SL_WIT_I64;
}

static void flatten(struct sl_wit_type *t, struct sl_wit_flat *out);

static void flatten_uncached(struct sl_wit_type *t, struct sl_wit_flat *out)
{
    switch (t->kind) {
    case SL_WIT_UNIT:
        break;
    case SL_WIT_BOOL:
    case SL_WIT_U8:
    case SL_WIT_S8:
    case SL_WIT_U16:
    case SL_WIT_S16:
    case SL_WIT_U32:
    case SL_WIT_S32:
    case SL_WIT_CHAR:
    case SL_WIT_HANDLE:
    case SL_WIT_ENUM:
        flat_push(out, SL_WIT_I32);
        break;
    case SL_WIT_U64:
    case SL_WIT_S64:
        flat_push(out, SL_WIT_I64);
        break;
    case SL_WIT_FLOAT32:
        flat_push(out, SL_WIT_F32);
        break;
    case SL_WIT_FLOAT64:
        flat_push(out, SL_WIT_F64);
        break;
    case SL_WIT_STRING:
    case SL_WIT_LIST:
        flat_push(out, SL_WIT_I32);
        flat_push(out, SL_WIT_I32);
        break;
    case SL_WIT_REF:
        flatten(t->target, out);
        break;
    case SL_WIT_ALIAS:
        flatten(t->elem, out);
        break;
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE:
        for (size_t i = 0; i < t->nmembers && out->n < SL_WIT_FLAT_CAP; i++)
            flatten(t->members[i].type, out);
        break;
    case SL_WIT_FLAGS: {
        size_t words = t->nmembers <= 32 ? 1 : (t->nmembers + 31) / 32;
        for (size_t i = 0; i < words && out->n < SL_WIT_FLAT_CAP; i++)
            flat_push(out, SL_WIT_I32);
        break;
    }
    case SL_WIT_VARIANT:
    case SL_WIT_UNION:
    case SL_WIT_OPTION:
    case SL_WIT_EXPECTED: {
        struct sl_wit_flat joined = {0};
        flat_push(&joined, SL_WIT_I32);
        for (size_t i = 0; i < ncases(t); i++) {
            struct sl_wit_flat c = {0};
            struct sl_wit_type *ct = case_type(t, i);
            if (ct != NULL)
                flatten(ct, &c);
            for (size_t j = 0; j < c.n; j++) {
                if (1 + j < joined.n)
                    joined.v[1 + j] = join(joined.v[1 + j], c.v[j]);
                else
                    flat_push(&joined, c.v[j]);
            }
        }
        for (size_t j = 0; j < joined.n; j++)
            flat_push(out, joined.v[j]);
        break;
    }
    }
}

static void flatten(struct sl_wit_type *t, struct sl_wit_flat *out)
{
    if (t == NULL)
        return;
    bool memo = t->name != NULL && t->kind != SL_WIT_REF;
    if (!memo) {
        flatten_uncached(t, out);
        return;
    }
    if (!t->flattened) {
        memset(&t->flat, 0, sizeof(t->flat));
        flatten_uncached(t, &t->flat);
        t->flattened = true;
    }
    for (size_t j = 0; j < t->flat.n; j++)
        flat_push(out, t->flat.v[j]);
}

void sl_wit_type_flatten(struct sl_wit_type *t, struct sl_wit_flat *flat)
{
    flatten(t, flat);
}

void sl_wit_func_sig(struct sl_wit_func *f, bool export, struct sl_wit_sig *sig)
{
    memset(sig, 0, sizeof(*sig));
    if (f->resource != NULL && !f->is_static)
        flat_push(&sig->params, SL_WIT_I32); /* self */
    for (size_t i = 0; i < f->nparams; i++)
        flatten(f->params[i].type, &sig->params);
    if (sig->params.n > 16) {
        sig->indirect_params = true;
        sig->params.n = 1;
        sig->params.v[0] = SL_WIT_I32;
    }
    flatten(f->result, &sig->results);
    if (sig->results.n > 1) {
        sig->retptr = true;
        layout(f->result, &sig->ret_size, &sig->ret_align);
        sig->results.n = 0;
        if (export)
            flat_push(&sig->results, SL_WIT_I32);
        else
            flat_push(&sig->params, SL_WIT_I32);
    }
}

sl_err sl_wit_func_field(const struct sl_wit_func *f, struct sl_buf *out)
{
    if (f->resource != NULL)
        return sl_buf_appendf(out, "%s::%s", f->resource->name, f->name);
    return sl_buf_appends(out, f->name);
}

/* ---- canonical text ---- */

static const char *const prim_names[] = {
    [SL_WIT_UNIT] = "unit", [SL_WIT_BOOL] = "bool",       [SL_WIT_U8] = "u8",
    [SL_WIT_U16] = "u16",   [SL_WIT_U32] = "u32",         [SL_WIT_U64] = "u64",
    [SL_WIT_S8] = "s8",     [SL_WIT_S16] = "s16",         [SL_WIT_S32] = "s32",
    [SL_WIT_S64] = "s64",   [SL_WIT_FLOAT32] = "float32", [SL_WIT_FLOAT64] = "float64",
    [SL_WIT_CHAR] = "char", [SL_WIT_STRING] = "string",
};

/* Named types print as their name, aliases as what they stand for. */
static sl_err type_str(const struct sl_wit_type *t, bool top, struct sl_buf *out)
{
    if (out->len > SL_WIT_MAX_TEXT)
        return SL_EINVAL; /* aliases of tuples of aliases can expand exponentially */
    if (t == NULL)
        return sl_buf_appends(out, "unit");
    if (t->kind == SL_WIT_REF)
        return type_str(t->target, false, out);
    if (t->kind == SL_WIT_ALIAS)
        return type_str(t->elem, false, out);
    if (t->kind <= SL_WIT_STRING)
        return sl_buf_appends(out, prim_names[t->kind]);
    if (t->kind == SL_WIT_HANDLE)
        return sl_buf_appendf(out, "handle<%s>", t->name);
    if (t->name != NULL && !top)
        return sl_buf_appends(out, t->name);
    sl_err rc = SL_OK;
    switch (t->kind) {
    case SL_WIT_LIST:
    case SL_WIT_OPTION:
        rc = sl_buf_appends(out, t->kind == SL_WIT_LIST ? "list<" : "option<");
        if (rc == SL_OK)
            rc = type_str(t->elem, false, out);
        return rc == SL_OK ? sl_buf_appends(out, ">") : rc;
    case SL_WIT_EXPECTED:
        rc = sl_buf_appends(out, "expected<");
        if (rc == SL_OK)
            rc = type_str(t->elem, false, out);
        if (rc == SL_OK)
            rc = sl_buf_appends(out, ", ");
        if (rc == SL_OK)
            rc = type_str(t->err, false, out);
        return rc == SL_OK ? sl_buf_appends(out, ">") : rc;
    case SL_WIT_TUPLE:
        rc = sl_buf_appends(out, "tuple<");
        for (size_t i = 0; rc == SL_OK && i < t->nmembers; i++) {
            if (i > 0)
                rc = sl_buf_appends(out, ", ");
            if (rc == SL_OK)
                rc = type_str(t->members[i].type, false, out);
        }
        return rc == SL_OK ? sl_buf_appends(out, ">") : rc;
    default:
        return sl_buf_appends(out, t->name != NULL ? t->name : "?");
    }
}

sl_err sl_wit_type_str(const struct sl_wit_type *t, struct sl_buf *out)
{
    return type_str(t, false, out);
}
