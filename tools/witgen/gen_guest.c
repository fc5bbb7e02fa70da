/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gen_guest.c -- guest C bindings of one interface, ABI-identical to and
 * source-compatible with wit-bindgen 0.2's C generator (SLIGHT-SPEC §6.11):
 * typedefs and _free functions of every type the interface reaches, and the
 * import wrappers or, for an exported interface, the wasm exports calling
 * the guest's functions, with the lifting and lowering code between them.
 */
#include "sl_common.h"

#include "wit.h"

#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Bitcast helpers a .c file needs (variant payloads joined in one flat value). */
enum { BC_F32_I32 = 1, BC_I32_F32 = 2, BC_F64_I64 = 4, BC_I64_F64 = 8 };

struct gen {
    struct sl_wit_iface *iface;
    bool export;
    sl_err rc; /* the first error; the output is discarded when set */
    const char *ns, *NS;   /* "http_handler", "HTTP_HANDLER" */
    struct sl_buf res_h, res_c;     /* resource handles */
    struct sl_buf types_h, types_c; /* typedefs and _free functions */
    struct sl_buf funcs_h, funcs_c; /* functions */
    struct sl_buf macros_h;         /* export macros */
    char **seen; /* C names of the types emitted so far */
    size_t nseen, seen_cap;
    char **strs; /* temporary strings, freed at the end */
    size_t nstrs, strs_cap;
    bool need_string;
    unsigned bitcasts;
    uint64_t ret_size, ret_align;
};

/* ---- output and temporary strings ---- */

static bool push_ptr(struct gen *g, char ***arr, size_t *n, size_t *cap, char *s)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        char **na = sl_reallocarray(*arr, ncap, sizeof(*na));
        if (na == NULL) {
            sl_free(s);
            g->rc = SL_ENOMEM;
            return false;
        }
        *arr = na;
        *cap = ncap;
    }
    (*arr)[(*n)++] = s;
    return true;
}

/* A formatted temporary string owned by g; "" after an error. */
static const char *tmpf(struct gen *g, const char *fmt, ...) SL_PRINTF(2, 3);
static const char *tmpf(struct gen *g, const char *fmt, ...)
{
    if (g->rc != SL_OK)
        return "";
    struct sl_buf b = SL_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sl_err rc = sl_buf_vappendf(&b, fmt, ap);
    va_end(ap);
    if (rc != SL_OK) {
        sl_buf_release(&b);
        g->rc = rc;
        return "";
    }
    char *s = sl_buf_detach(&b);
    if (s == NULL || !push_ptr(g, &g->strs, &g->nstrs, &g->strs_cap, s)) {
        g->rc = SL_ENOMEM;
        return "";
    }
    return s;
}

/* Appends one line: ind levels of indentation, the text, a newline. */
static void line(struct gen *g, struct sl_buf *b, int ind, const char *fmt, ...) SL_PRINTF(4, 5);
static void line(struct gen *g, struct sl_buf *b, int ind, const char *fmt, ...)
{
    if (g->rc != SL_OK)
        return;
    if (b->len > SL_WIT_MAX_TEXT) {
        g->rc = SL_EINVAL;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    sl_err rc = sl_buf_appendf(b, "%*s", ind * 4, "");
    if (rc == SL_OK)
        rc = sl_buf_vappendf(b, fmt, ap);
    if (rc == SL_OK)
        rc = sl_buf_append(b, "\n", 1);
    va_end(ap);
    g->rc = rc;
}

/* Doc comments as "// " lines. */
static void docs(struct gen *g, struct sl_buf *b, const char *d)
{
    while (d != NULL && *d) {
        size_t n = strcspn(d, "\n");
        line(g, b, 0, "// %.*s", (int)n, d);
        d += n + (d[n] == '\n');
    }
}

static bool seen(struct gen *g, const char *name)
{
    for (size_t i = 0; i < g->nseen; i++)
        if (strcmp(g->seen[i], name) == 0)
            return true;
    char *s = sl_strdup(name);
    if (s == NULL)
        g->rc = SL_ENOMEM;
    else
        push_ptr(g, &g->seen, &g->nseen, &g->seen_cap, s);
    return false;
}

/* ---- names ---- */


/* A WIT name as a C identifier; C keywords get a trailing '_' ("float" -> "float_"). */
static const char *ident(struct gen *g, const char *name)
{
    struct sl_buf b = SL_BUF_INIT;
    if (sl_wit_c_ident(name, &b) != SL_OK) {
        sl_buf_release(&b);
        g->rc = SL_ENOMEM;
        return "";
    }
    bool kw = sl_wit_c_is_keyword(sl_buf_cstr(&b));
    const char *s = tmpf(g, "%s%s", sl_buf_cstr(&b), kw ? "_" : "");
    sl_buf_release(&b);
    return s;
}

/* A WIT name with '-' as '_', for parts of longer C names. */
static const char *raw(struct gen *g, const char *name)
{
    struct sl_buf b = SL_BUF_INIT;
    sl_err rc = sl_wit_c_ident(name, &b);
    const char *s = rc == SL_OK ? tmpf(g, "%s", sl_buf_cstr(&b)) : "";
    if (rc != SL_OK)
        g->rc = rc;
    sl_buf_release(&b);
    return s;
}

static const char *upper(struct gen *g, const char *name)
{
    struct sl_buf b = SL_BUF_INIT;
    sl_err rc = sl_wit_c_upper(name, &b);
    const char *s = rc == SL_OK ? tmpf(g, "%s", sl_buf_cstr(&b)) : "";
    if (rc != SL_OK)
        g->rc = rc;
    sl_buf_release(&b);
    return s;
}

/* The type-name part ("list_u8", "keyvalue_error"). */
static const char *part(struct gen *g, const struct sl_wit_type *t)
{
    struct sl_buf b = SL_BUF_INIT;
    sl_err rc = sl_wit_c_type_part(t, &b);
    const char *s = rc == SL_OK ? tmpf(g, "%s", sl_buf_cstr(&b)) : "";
    if (rc != SL_OK)
        g->rc = rc;
    sl_buf_release(&b);
    return s;
}

/* ---- type helpers ---- */

static struct sl_wit_type *unref(struct sl_wit_type *t)
{
    while (t != NULL && t->kind == SL_WIT_REF)
        t = t->target;
    return t;
}

/* The type giving the representation: REF and ALIAS followed. */
static struct sl_wit_type *shape(struct sl_wit_type *t)
{
    while (t != NULL && (t->kind == SL_WIT_REF || t->kind == SL_WIT_ALIAS))
        t = t->kind == SL_WIT_REF ? t->target : t->elem;
    return t;
}

static bool is_empty(struct sl_wit_type *t)
{
    t = shape(t);
    return t == NULL || t->kind == SL_WIT_UNIT;
}

static bool is_scalar_kind(enum sl_wit_kind k)
{
    return k >= SL_WIT_BOOL && k <= SL_WIT_CHAR;
}

/* The union member of case i of a variant, union or expected ("ok", "key_not_found", "f1"). */
static const char *case_member(struct gen *g, struct sl_wit_type *s, size_t i)
{
    if (s->kind == SL_WIT_EXPECTED)
        return i == 0 ? "ok" : "err";
    if (s->kind == SL_WIT_UNION)
        return tmpf(g, "f%zu", i);
    return ident(g, s->members[i].name);
}

/* The member holding case i in the C struct ("val" of an option, "val.ok", "val.f1"). */
static const char *case_field(struct gen *g, struct sl_wit_type *s, size_t i)
{
    return s->kind == SL_WIT_OPTION ? "val" : tmpf(g, "val.%s", case_member(g, s, i));
}

static const char *tag_field(const struct sl_wit_type *s)
{
    return s->kind == SL_WIT_OPTION ? "is_some" : s->kind == SL_WIT_EXPECTED ? "is_err" : "tag";
}

static const char *int_ctype(uint64_t bytes, bool sign)
{
    switch (bytes) {
    case 1:
        return sign ? "int8_t" : "uint8_t";
    case 2:
        return sign ? "int16_t" : "uint16_t";
    case 4:
        return sign ? "int32_t" : "uint32_t";
    default:
        return sign ? "int64_t" : "uint64_t";
    }
}

static const char *tag_ctype(size_t n)
{
    return int_ctype(n <= 255 ? 1 : n <= 65535 ? 2 : 4, false);
}

/* Flags: 1 to 32 fit one integer, 33 to 64 a uint64_t, more an array of words. */
static size_t flag_words(const struct sl_wit_type *s)
{
    return s->nmembers <= 32 ? 1 : (s->nmembers + 31) / 32;
}

static const char *flags_ctype(const struct sl_wit_type *s)
{
    size_t n = s->nmembers;
    return n <= 8 ? "uint8_t" : n <= 16 ? "uint16_t" : n <= 32 ? "uint32_t" : "uint64_t";
}

static const char *const prim_ctypes[] = {
    [SL_WIT_BOOL] = "bool",      [SL_WIT_U8] = "uint8_t",   [SL_WIT_U16] = "uint16_t",
    [SL_WIT_U32] = "uint32_t",   [SL_WIT_U64] = "uint64_t", [SL_WIT_S8] = "int8_t",
    [SL_WIT_S16] = "int16_t",    [SL_WIT_S32] = "int32_t",  [SL_WIT_S64] = "int64_t",
    [SL_WIT_FLOAT32] = "float",  [SL_WIT_FLOAT64] = "double", [SL_WIT_CHAR] = "uint32_t",
};

/* The C type of a WIT type ("uint8_t", "keyvalue_string_t", "keyvalue_list_u8_t"). */
static const char *ctype(struct gen *g, struct sl_wit_type *t)
{
    struct sl_wit_type *u = unref(t);
    if (u == NULL || u->kind == SL_WIT_UNIT)
        return "void";
    if (is_scalar_kind(u->kind))
        return prim_ctypes[u->kind];
    if (u->kind == SL_WIT_STRING)
        g->need_string = true;
    return tmpf(g, "%s_%s_t", g->ns, part(g, u));
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Whether freeing a value of t has anything to do (strings, lists, handles inside). */
static bool owns(struct sl_wit_type *t)
{
    t = unref(t);
    if (t == NULL)
        return false;
    switch (t->kind) {
    case SL_WIT_STRING:
    case SL_WIT_LIST:
    case SL_WIT_HANDLE:
        return true;
    case SL_WIT_ALIAS:
    case SL_WIT_OPTION:
        return owns(t->elem);
    case SL_WIT_EXPECTED:
        return owns(t->elem) || owns(t->err);
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE:
    case SL_WIT_VARIANT:
    case SL_WIT_UNION:
        for (size_t i = 0; i < t->nmembers; i++)
            if (owns(t->members[i].type))
                return true;
        return false;
    default:
        return false;
    }
}

/* ---- type definitions ---- */

static void need_type(struct gen *g, struct sl_wit_type *t);

static void free_call(struct gen *g, struct sl_buf *b, int ind, struct sl_wit_type *t,
                      const char *expr)
{
    line(g, b, ind, "%s_%s_free(%s);", g->ns, part(g, unref(t)), expr);
}

static void emit_resource(struct gen *g, struct sl_wit_resource *r)
{
    const char *rp = part(g, r->handle);
    if (seen(g, tmpf(g, "resource %s", r->name)) || g->rc != SL_OK)
        return;
    const char *ty = tmpf(g, "%s_%s_t", g->ns, rp);
    docs(g, &g->res_h, r->docs);
    line(g, &g->res_h, 0, "typedef struct {\n    uint32_t idx;\n} %s;", ty);
    line(g, &g->res_h, 0, "void %s_%s_free(%s *ptr);", g->ns, rp, ty);
    line(g, &g->res_h, 0, "%s %s_%s_clone(%s *ptr);\n", ty, g->ns, rp, ty);
    const char *ops[] = {"drop", "clone"};
    for (size_t i = 0; i < 2; i++) {
        bool drop = i == 0;
        line(g, &g->res_c, 0,
             "__attribute__((import_module(\"canonical_abi\"), import_name(\"resource_%s_%s\")))",
             ops[i], r->name);
        line(g, &g->res_c, 0, "%s __resource_%s_%s(uint32_t idx);\n", drop ? "void" : "uint32_t",
             rp, ops[i]);
        line(g, &g->res_c, 0, "%s %s_%s_%s(%s *ptr)\n{", drop ? "void" : ty, g->ns, rp,
             drop ? "free" : "clone", ty);
        if (drop)
            line(g, &g->res_c, 1, "__resource_%s_drop(ptr->idx);", rp);
        else
            line(g, &g->res_c, 1, "return (%s){__resource_%s_clone(ptr->idx)};", ty, rp);
        line(g, &g->res_c, 0, "}\n");
    }
}

/* #define NS_TYPE_CASE value, one per case or flag. */
static void case_defines(struct gen *g, const char *tname, struct sl_wit_type *s)
{
    const char *T = upper(g, tname);
    for (size_t i = 0; i < s->nmembers; i++) {
        const char *C = upper(g, s->members[i].name);
        if (s->kind != SL_WIT_FLAGS)
            line(g, &g->types_h, 0, "#define %s_%s_%s %zu", g->NS, T, C, i);
        else if (s->nmembers <= 64)
            line(g, &g->types_h, 0, "#define %s_%s_%s (%s << %zu)", g->NS, T, C,
                 s->nmembers > 32 ? "1ULL" : "1U", i);
        else
            line(g, &g->types_h, 0, "#define %s_%s_%s %zu /* bits[%zu] & (1U << %zu) */", g->NS,
                 T, C, i, i / 32, i % 32);
    }
}

/* The struct or typedef body of shape s under the C name ty. */
static void emit_typedef(struct gen *g, const char *ty, struct sl_wit_type *s)
{
    struct sl_buf *h = &g->types_h;
    switch (s->kind) {
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE:
        line(g, h, 0, "typedef struct {");
        for (size_t i = 0; i < s->nmembers; i++) {
            const char *f = s->kind == SL_WIT_RECORD ? ident(g, s->members[i].name)
                                                     : tmpf(g, "f%zu", i);
            line(g, h, 1, "%s %s;", ctype(g, s->members[i].type), f);
        }
        break;
    case SL_WIT_LIST:
        line(g, h, 0, "typedef struct {\n    %s *ptr;\n    size_t len;", ctype(g, s->elem));
        break;
    case SL_WIT_ENUM:
        line(g, h, 0, "typedef %s %s;", tag_ctype(s->nmembers), ty);
        return;
    case SL_WIT_FLAGS:
        if (s->nmembers <= 64) {
            line(g, h, 0, "typedef %s %s;", flags_ctype(s), ty);
            return;
        }
        line(g, h, 0, "typedef struct {\n    uint32_t bits[%zu];", flag_words(s));
        break;
    case SL_WIT_OPTION:
        line(g, h, 0, "typedef struct {\n    bool is_some;");
        if (!is_empty(s->elem))
            line(g, h, 1, "%s val;", ctype(g, s->elem));
        break;
    case SL_WIT_EXPECTED:
    case SL_WIT_VARIANT:
    case SL_WIT_UNION: {
        if (s->kind == SL_WIT_EXPECTED)
            line(g, h, 0, "typedef struct {\n    bool is_err;");
        else
            line(g, h, 0, "typedef struct {\n    %s tag;", tag_ctype(s->nmembers));
        bool any = false;
        for (size_t i = 0; i < sl_wit_ncases(s); i++)
            any = any || !is_empty(sl_wit_case_type(s, i));
        if (!any)
            break;
        line(g, h, 1, "union {");
        for (size_t i = 0; i < sl_wit_ncases(s); i++)
            if (!is_empty(sl_wit_case_type(s, i)))
                line(g, h, 2, "%s %s;", ctype(g, sl_wit_case_type(s, i)), case_member(g, s, i));
        line(g, h, 1, "} val;");
        break;
    }
    default: /* an alias of a scalar, string, handle or named type */
        line(g, h, 0, "typedef %s %s;", ctype(g, s), ty);
        return;
    }
    line(g, h, 0, "} %s;", ty);
}

/* The body of the _free function of shape s. */
static void emit_free_body(struct gen *g, struct sl_wit_type *s)
{
    struct sl_buf *c = &g->types_c;
    switch (s->kind) {
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE:
        for (size_t i = 0; i < s->nmembers; i++) {
            if (!owns(s->members[i].type))
                continue;
            const char *f = s->kind == SL_WIT_RECORD ? ident(g, s->members[i].name)
                                                     : tmpf(g, "f%zu", i);
            free_call(g, c, 1, s->members[i].type, tmpf(g, "&ptr->%s", f));
        }
        return;
    case SL_WIT_LIST: {
        uint64_t size, align;
        sl_wit_type_layout(s->elem, &size, &align);
        if (owns(s->elem)) {
            line(g, c, 1, "for (size_t i = 0; i < ptr->len; i++)");
            free_call(g, c, 2, s->elem, "&ptr->ptr[i]");
        }
        line(g, c, 1, "canonical_abi_free(ptr->ptr, ptr->len * %llu, %llu);",
             (unsigned long long)size, (unsigned long long)align);
        return;
    }
    case SL_WIT_OPTION:
        line(g, c, 1, "if (ptr->is_some)");
        free_call(g, c, 2, s->elem, "&ptr->val");
        return;
    case SL_WIT_EXPECTED:
        line(g, c, 1, owns(s->elem) ? "if (!ptr->is_err)" : "if (ptr->is_err)");
        free_call(g, c, 2, owns(s->elem) ? s->elem : s->err,
                  owns(s->elem) ? "&ptr->val.ok" : "&ptr->val.err");
        if (owns(s->elem) && owns(s->err)) {
            line(g, c, 1, "else");
            free_call(g, c, 2, s->err, "&ptr->val.err");
        }
        return;
    case SL_WIT_VARIANT:
    case SL_WIT_UNION:
        line(g, c, 1, "switch (ptr->tag) {");
        for (size_t i = 0; i < s->nmembers; i++) {
            if (!owns(s->members[i].type))
                continue;
            line(g, c, 1, "case %zu:", i);
            free_call(g, c, 2, s->members[i].type, tmpf(g, "&ptr->%s", case_field(g, s, i)));
            line(g, c, 2, "break;");
        }
        line(g, c, 1, "}");
        return;
    default: /* alias */
        free_call(g, c, 1, s->elem, "ptr");
        return;
    }
}

/* Typedef, case #defines and _free of the named or anonymous type u, named tname. */
static void emit_type(struct gen *g, struct sl_wit_type *u, const char *tname)
{
    /* `type body = list<u8>` defines the list itself, as wit-bindgen 0.2 did */
    struct sl_wit_type *s = u;
    if (u->kind == SL_WIT_ALIAS && u->elem->kind != SL_WIT_REF && u->elem->name == NULL
        && !is_scalar_kind(u->elem->kind) && u->elem->kind != SL_WIT_STRING
        && u->elem->kind != SL_WIT_UNIT)
        s = u->elem;
    for (size_t i = 0; s->kind != SL_WIT_ENUM && s->kind != SL_WIT_FLAGS && i < sl_wit_ncases(s); i++)
        need_type(g, sl_wit_is_variant(s->kind) ? sl_wit_case_type(s, i) : s->members[i].type);
    need_type(g, s->kind == SL_WIT_ALIAS ? s->elem : NULL);
    if (s->kind == SL_WIT_LIST || s->kind == SL_WIT_OPTION)
        need_type(g, s->elem);
    const char *ty = tmpf(g, "%s_%s_t", g->ns, tname);
    docs(g, &g->types_h, u->docs);
    emit_typedef(g, ty, s->kind == SL_WIT_ALIAS ? s->elem : s);
    if (s->kind == SL_WIT_VARIANT || s->kind == SL_WIT_ENUM || s->kind == SL_WIT_FLAGS)
        case_defines(g, tname, s);
    if (!owns(s))
        return;
    line(g, &g->types_h, 0, "void %s_%s_free(%s *ptr);", g->ns, tname, ty);
    line(g, &g->types_c, 0, "void %s_%s_free(%s *ptr)\n{", g->ns, tname, ty);
    emit_free_body(g, s);
    line(g, &g->types_c, 0, "}\n");
}

/* Makes sure t's C type is defined (children first). */
static void need_type(struct gen *g, struct sl_wit_type *t)
{
    struct sl_wit_type *u = unref(t);
    if (u == NULL || g->rc != SL_OK)
        return;
    if (u->kind == SL_WIT_STRING) {
        g->need_string = true;
        return;
    }
    if (u->kind == SL_WIT_UNIT || is_scalar_kind(u->kind))
        return;
    if (u->kind == SL_WIT_HANDLE) {
        emit_resource(g, u->resource);
        return;
    }
    const char *name = part(g, u);
    if (seen(g, name) || g->rc != SL_OK)
        return;
    emit_type(g, u, name);
}

static void emit_string(struct gen *g, struct sl_buf *h, struct sl_buf *c)
{
    const char *t = tmpf(g, "%s_string_t", g->ns);
    line(g, h, 0, "typedef struct {\n    char *ptr;\n    size_t len;\n} %s;\n", t);
    line(g, h, 0, "/* Points ret at s (borrowed, not copied). */");
    line(g, h, 0, "void %s_string_set(%s *ret, const char *s);", g->ns, t);
    line(g, h, 0, "/* Sets ret to a copy of s made with canonical_abi_realloc. */");
    line(g, h, 0, "void %s_string_dup(%s *ret, const char *s);", g->ns, t);
    line(g, h, 0, "/* Frees a string made by _dup or received from the host. */");
    line(g, h, 0, "void %s_string_free(%s *ret);\n", g->ns, t);
    line(g, c, 0, "void %s_string_set(%s *ret, const char *s)\n{", g->ns, t);
    line(g, c, 1, "ret->ptr = (char *)s;\n    ret->len = strlen(s);\n}\n");
    line(g, c, 0, "void %s_string_dup(%s *ret, const char *s)\n{", g->ns, t);
    line(g, c, 1, "ret->len = strlen(s);");
    line(g, c, 1, "ret->ptr = canonical_abi_realloc(NULL, 0, 1, ret->len);");
    line(g, c, 1, "memcpy(ret->ptr, s, ret->len);\n}\n");
    line(g, c, 0, "void %s_string_free(%s *ret)\n{", g->ns, t);
    line(g, c, 1, "canonical_abi_free(ret->ptr, ret->len, 1);");
    line(g, c, 1, "ret->ptr = NULL;\n    ret->len = 0;\n}\n");
}

/* ---- lifting and lowering ---- */

/* Flat values: variables named prefix0, prefix1, ... of the given core types. */
struct slots {
    const char *prefix;
    const enum sl_wit_core *types;
};

static const char *const core_ctypes[] = {
    [SL_WIT_I32] = "int32_t", [SL_WIT_I64] = "int64_t",
    [SL_WIT_F32] = "float",   [SL_WIT_F64] = "double",
};

/* expr of core type from as a value of core type to (a joined variant slot). */
static const char *coerce(struct gen *g, enum sl_wit_core from, enum sl_wit_core to,
                          const char *e)
{
    if (from == to)
        return e;
    if (from == SL_WIT_I32 && to == SL_WIT_I64)
        return tmpf(g, "(int64_t)(uint32_t)(%s)", e);
    if (from == SL_WIT_I64 && to == SL_WIT_I32)
        return tmpf(g, "(int32_t)(%s)", e);
    if (from == SL_WIT_F32 && to == SL_WIT_I32) {
        g->bitcasts |= BC_F32_I32;
        return tmpf(g, "f32_as_i32(%s)", e);
    }
    if (from == SL_WIT_I32 && to == SL_WIT_F32) {
        g->bitcasts |= BC_I32_F32;
        return tmpf(g, "i32_as_f32(%s)", e);
    }
    if (from == SL_WIT_F32 && to == SL_WIT_I64) {
        g->bitcasts |= BC_F32_I32;
        return tmpf(g, "(int64_t)(uint32_t)f32_as_i32(%s)", e);
    }
    if (from == SL_WIT_I64 && to == SL_WIT_F32) {
        g->bitcasts |= BC_I32_F32;
        return tmpf(g, "i32_as_f32((int32_t)(%s))", e);
    }
    if (from == SL_WIT_F64 && to == SL_WIT_I64) {
        g->bitcasts |= BC_F64_I64;
        return tmpf(g, "f64_as_i64(%s)", e);
    }
    g->bitcasts |= BC_I64_F64; /* I64 -> F64: the only pair left */
    return tmpf(g, "i64_as_f64(%s)", e);
}

static void put_slot(struct gen *g, struct sl_buf *b, int ind, const struct slots *sl, size_t *k,
                     enum sl_wit_core natural, const char *e)
{
    line(g, b, ind, "%s%zu = %s;", sl->prefix, *k, coerce(g, natural, sl->types[*k], e));
    (*k)++;
}

static const char *get_slot(struct gen *g, const struct slots *sl, size_t *k,
                            enum sl_wit_core natural)
{
    const char *e = coerce(g, sl->types[*k], natural, tmpf(g, "%s%zu", sl->prefix, *k));
    (*k)++;
    return e;
}

static size_t flat_count(struct sl_wit_type *t)
{
    struct sl_wit_flat f = {0};
    sl_wit_type_flatten(t, &f);
    return f.n;
}

static enum sl_wit_core scalar_core(enum sl_wit_kind k)
{
    if (k == SL_WIT_U64 || k == SL_WIT_S64)
        return SL_WIT_I64;
    if (k == SL_WIT_FLOAT32)
        return SL_WIT_F32;
    if (k == SL_WIT_FLOAT64)
        return SL_WIT_F64;
    return SL_WIT_I32;
}

static void lower_flat(struct gen *g, struct sl_buf *b, int ind, struct sl_wit_type *t,
                       const char *src, const struct slots *sl, size_t *k);

/* The tag and the payload of the case that is set; unused payload slots stay 0. */
static void lower_flat_variant(struct gen *g, struct sl_buf *b, int ind, struct sl_wit_type *s,
                               const char *src, const struct slots *sl, size_t *k)
{
    size_t base = *k, n = flat_count(s);
    put_slot(g, b, ind, sl, k, SL_WIT_I32, tmpf(g, "(int32_t)%s.%s", src, tag_field(s)));
    if (n > 1) {
        line(g, b, ind, "switch ((int32_t)%s.%s) {", src, tag_field(s));
        for (size_t i = 0; i < sl_wit_ncases(s); i++) {
            if (is_empty(sl_wit_case_type(s, i)))
                continue;
            size_t sub = base + 1;
            line(g, b, ind, "case %zu:", i);
            lower_flat(g, b, ind + 1, sl_wit_case_type(s, i), tmpf(g, "%s.%s", src, case_field(g, s, i)),
                       sl, &sub);
            line(g, b, ind + 1, "break;");
        }
        line(g, b, ind, "}");
    }
    *k = base + n;
}

/* Stores the flat values of src (a C value of type t) into the slots from *k on. */
static void lower_flat(struct gen *g, struct sl_buf *b, int ind, struct sl_wit_type *t,
                       const char *src, const struct slots *sl, size_t *k)
{
    struct sl_wit_type *s = shape(t);
    if (s == NULL || s->kind == SL_WIT_UNIT)
        return;
    if (is_scalar_kind(s->kind)) {
        enum sl_wit_core c = scalar_core(s->kind);
        put_slot(g, b, ind, sl, k, c, c == SL_WIT_I32 ? tmpf(g, "(int32_t)%s", src) : src);
        return;
    }
    switch (s->kind) {
    case SL_WIT_ENUM:
        put_slot(g, b, ind, sl, k, SL_WIT_I32, tmpf(g, "(int32_t)%s", src));
        return;
    case SL_WIT_HANDLE:
        put_slot(g, b, ind, sl, k, SL_WIT_I32, tmpf(g, "(int32_t)%s.idx", src));
        return;
    case SL_WIT_STRING:
    case SL_WIT_LIST:
        put_slot(g, b, ind, sl, k, SL_WIT_I32, tmpf(g, "(int32_t)(uintptr_t)%s.ptr", src));
        put_slot(g, b, ind, sl, k, SL_WIT_I32, tmpf(g, "(int32_t)%s.len", src));
        return;
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE:
        for (size_t i = 0; i < s->nmembers; i++) {
            const char *f = s->kind == SL_WIT_RECORD ? ident(g, s->members[i].name)
                                                     : tmpf(g, "f%zu", i);
            lower_flat(g, b, ind, s->members[i].type, tmpf(g, "%s.%s", src, f), sl, k);
        }
        return;
    case SL_WIT_FLAGS:
        for (size_t i = 0; i < flag_words(s); i++) {
            const char *w = s->nmembers <= 32 ? tmpf(g, "(int32_t)%s", src)
                            : s->nmembers <= 64
                                ? tmpf(g, "(int32_t)(uint32_t)(%s >> %zu)", src, 32 * i)
                                : tmpf(g, "(int32_t)%s.bits[%zu]", src, i);
            put_slot(g, b, ind, sl, k, SL_WIT_I32, w);
        }
        return;
    default:
        lower_flat_variant(g, b, ind, s, src, sl, k);
        return;
    }
}

static void lift_flat(struct gen *g, struct sl_buf *b, int ind, struct sl_wit_type *t,
                      const char *dst, const struct slots *sl, size_t *k);

static void lift_flat_variant(struct gen *g, struct sl_buf *b, int ind, struct sl_wit_type *s,
                              const char *dst, const struct slots *sl, size_t *k)
{
    size_t base = *k, n = flat_count(s);
    const char *tag = get_slot(g, sl, k, SL_WIT_I32);
    if (s->kind == SL_WIT_VARIANT || s->kind == SL_WIT_UNION)
        line(g, b, ind, "%s.tag = (%s)%s;", dst, tag_ctype(s->nmembers), tag);
    else
        line(g, b, ind, "%s.%s = %s != 0;", dst, tag_field(s), tag);
    if (n > 1) {
        line(g, b, ind, "switch ((int32_t)%s) {", tag);
        for (size_t i = 0; i < sl_wit_ncases(s); i++) {
            if (is_empty(sl_wit_case_type(s, i)))
                continue;
            size_t sub = base + 1;
            line(g, b, ind, "case %zu:", i);
            lift_flat(g, b, ind + 1, sl_wit_case_type(s, i), tmpf(g, "%s.%s", dst, case_field(g, s, i)),
                      sl, &sub);
            line(g, b, ind + 1, "break;");
        }
        line(g, b, ind, "}");
    }
    *k = base + n;
}

/* Sets dst (a C lvalue of type t) from the slots from *k on. */
static void lift_flat(struct gen *g, struct sl_buf *b, int ind, struct sl_wit_type *t,
                      const char *dst, const struct slots *sl, size_t *k)
{
    struct sl_wit_type *s = shape(t);
    if (s == NULL || s->kind == SL_WIT_UNIT)
        return;
    if (s->kind == SL_WIT_BOOL) {
        line(g, b, ind, "%s = %s != 0;", dst, get_slot(g, sl, k, SL_WIT_I32));
        return;
    }
    if (is_scalar_kind(s->kind)) {
        const char *v = get_slot(g, sl, k, scalar_core(s->kind));
        line(g, b, ind, "%s = (%s)%s;", dst, prim_ctypes[s->kind], v);
        return;
    }
    switch (s->kind) {
    case SL_WIT_ENUM:
        line(g, b, ind, "%s = (%s)%s;", dst, tag_ctype(s->nmembers),
             get_slot(g, sl, k, SL_WIT_I32));
        return;
    case SL_WIT_HANDLE:
        line(g, b, ind, "%s.idx = (uint32_t)%s;", dst, get_slot(g, sl, k, SL_WIT_I32));
        return;
    case SL_WIT_STRING:
    case SL_WIT_LIST: {
        const char *et = s->kind == SL_WIT_STRING ? "char" : ctype(g, s->elem);
        line(g, b, ind, "%s.ptr = (%s *)(uintptr_t)%s;", dst, et, get_slot(g, sl, k, SL_WIT_I32));
        line(g, b, ind, "%s.len = (size_t)%s;", dst, get_slot(g, sl, k, SL_WIT_I32));
        return;
    }
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE:
        for (size_t i = 0; i < s->nmembers; i++) {
            const char *f = s->kind == SL_WIT_RECORD ? ident(g, s->members[i].name)
                                                     : tmpf(g, "f%zu", i);
            lift_flat(g, b, ind, s->members[i].type, tmpf(g, "%s.%s", dst, f), sl, k);
        }
        return;
    case SL_WIT_FLAGS:
        if (s->nmembers <= 32) {
            line(g, b, ind, "%s = (%s)%s;", dst, flags_ctype(s), get_slot(g, sl, k, SL_WIT_I32));
        } else if (s->nmembers <= 64) {
            const char *lo = get_slot(g, sl, k, SL_WIT_I32);
            line(g, b, ind, "%s = (uint64_t)(uint32_t)%s | (uint64_t)(uint32_t)%s << 32;", dst, lo,
                 get_slot(g, sl, k, SL_WIT_I32));
        } else {
            for (size_t i = 0; i < flag_words(s); i++)
                line(g, b, ind, "%s.bits[%zu] = (uint32_t)%s;", dst, i,
                     get_slot(g, sl, k, SL_WIT_I32));
        }
        return;
    default:
        lift_flat_variant(g, b, ind, s, dst, sl, k);
        return;
    }
}

/* "*(T *)(base + off)" */
static const char *mem(struct gen *g, const char *ct, const char *base, uint64_t off)
{
    size_t n = strlen(ct);
    return tmpf(g, "*(%s%s*)(%s + %llu)", ct, n && ct[n - 1] == '*' ? "" : " ", base,
                (unsigned long long)off);
}

static void mem_variant(struct gen *g, struct sl_buf *b, int ind, struct sl_wit_type *s,
                        const char *val, const char *base, uint64_t off, bool store);

/* Lifts (store = false: val = memory) or lowers (store: memory = val) a value of type t. */
static void mem_value(struct gen *g, struct sl_buf *b, int ind, struct sl_wit_type *t,
                      const char *val, const char *base, uint64_t off, bool store)
{
    struct sl_wit_type *s = shape(t);
    if (s == NULL || s->kind == SL_WIT_UNIT)
        return;
    if (s->kind == SL_WIT_BOOL) {
        if (store)
            line(g, b, ind, "%s = (uint8_t)%s;", mem(g, "uint8_t", base, off), val);
        else
            line(g, b, ind, "%s = %s != 0;", val, mem(g, "uint8_t", base, off));
        return;
    }
    const char *ct = is_scalar_kind(s->kind)   ? prim_ctypes[s->kind]
                     : s->kind == SL_WIT_ENUM  ? tag_ctype(s->nmembers)
                     : s->kind == SL_WIT_FLAGS ? flags_ctype(s)
                                               : NULL;
    if (ct != NULL && (s->kind != SL_WIT_FLAGS || s->nmembers <= 32)) {
        if (store)
            line(g, b, ind, "%s = %s;", mem(g, ct, base, off), val);
        else
            line(g, b, ind, "%s = %s;", val, mem(g, ct, base, off));
        return;
    }
    switch (s->kind) {
    case SL_WIT_HANDLE:
        if (store)
            line(g, b, ind, "%s = %s.idx;", mem(g, "uint32_t", base, off), val);
        else
            line(g, b, ind, "%s.idx = %s;", val, mem(g, "uint32_t", base, off));
        return;
    case SL_WIT_STRING:
    case SL_WIT_LIST: {
        const char *pt = tmpf(g, "%s *", s->kind == SL_WIT_STRING ? "char" : ctype(g, s->elem));
        if (store) {
            line(g, b, ind, "%s = %s.ptr;", mem(g, pt, base, off), val);
            line(g, b, ind, "%s = %s.len;", mem(g, "size_t", base, off + 4), val);
        } else {
            line(g, b, ind, "%s.ptr = %s;", val, mem(g, pt, base, off));
            line(g, b, ind, "%s.len = %s;", val, mem(g, "size_t", base, off + 4));
        }
        return;
    }
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE: {
        uint64_t o = 0;
        for (size_t i = 0; i < s->nmembers; i++) {
            uint64_t fs, fa;
            sl_wit_type_layout(s->members[i].type, &fs, &fa);
            o = align_up(o, fa);
            const char *f = s->kind == SL_WIT_RECORD ? ident(g, s->members[i].name)
                                                     : tmpf(g, "f%zu", i);
            mem_value(g, b, ind, s->members[i].type, tmpf(g, "%s.%s", val, f), base, off + o,
                      store);
            o += fs;
        }
        return;
    }
    case SL_WIT_FLAGS:
        for (size_t i = 0; i < flag_words(s); i++) {
            const char *w = s->nmembers <= 64 ? tmpf(g, "(uint32_t)(%s >> %zu)", val, 32 * i)
                                              : tmpf(g, "%s.bits[%zu]", val, i);
            const char *m = mem(g, "uint32_t", base, off + 4 * i);
            if (store)
                line(g, b, ind, "%s = %s;", m, w);
            else if (s->nmembers <= 64)
                line(g, b, ind, "%s %s= (uint64_t)%s << %zu;", val, i ? "|" : "", m, 32 * i);
            else
                line(g, b, ind, "%s = %s;", w, m);
        }
        return;
    default:
        mem_variant(g, b, ind, s, val, base, off, store);
        return;
    }
}

static void mem_variant(struct gen *g, struct sl_buf *b, int ind, struct sl_wit_type *s,
                        const char *val, const char *base, uint64_t off, bool store)
{
    const char *tt = tag_ctype(sl_wit_ncases(s));
    const char *tag = tmpf(g, "%s.%s", val, tag_field(s));
    bool is_tag = s->kind == SL_WIT_VARIANT || s->kind == SL_WIT_UNION;
    if (store)
        line(g, b, ind, "%s = (%s)%s;", mem(g, tt, base, off), tt, tag);
    else if (is_tag)
        line(g, b, ind, "%s = %s;", tag, mem(g, tt, base, off));
    else
        line(g, b, ind, "%s = %s != 0;", tag, mem(g, tt, base, off));
    bool any = false;
    for (size_t i = 0; i < sl_wit_ncases(s); i++)
        any = any || !is_empty(sl_wit_case_type(s, i));
    if (!any)
        return;
    uint64_t po = sl_wit_payload_offset(s);
    line(g, b, ind, "switch ((int32_t)%s) {", tag);
    for (size_t i = 0; i < sl_wit_ncases(s); i++) {
        if (is_empty(sl_wit_case_type(s, i)))
            continue;
        line(g, b, ind, "case %zu:", i);
        mem_value(g, b, ind + 1, sl_wit_case_type(s, i), tmpf(g, "%s.%s", val, case_field(g, s, i)),
                  base, off + po, store);
        line(g, b, ind + 1, "break;");
    }
    line(g, b, ind, "}");
}

/* ---- functions ---- */

/* How a function's result reaches the C caller (wit-bindgen 0.2's classification). */
enum ret_kind { RET_VOID, RET_SCALAR, RET_PTR, RET_SPLAT, RET_OPTION, RET_EXPECTED_ENUM };

struct cret {
    enum ret_kind kind;
    struct sl_wit_type *value; /* SCALAR: the result; EXPECTED_ENUM: the error enum */
    struct sl_wit_type *out;   /* PTR: the result; OPTION/EXPECTED_ENUM: the payload or NULL */
    struct sl_wit_type *tuple; /* SPLAT, or EXPECTED_ENUM with a tuple ok: one ret per member */
};

static void classify(struct sl_wit_type *t, struct cret *r)
{
    memset(r, 0, sizeof(*r));
    if (is_empty(t))
        return;
    struct sl_wit_type *s = unref(t);
    while (s->kind == SL_WIT_ALIAS)
        s = unref(s->elem);
    r->kind = RET_PTR;
    r->out = t;
    if (is_scalar_kind(s->kind) || s->kind == SL_WIT_HANDLE || s->kind == SL_WIT_FLAGS
        || s->kind == SL_WIT_ENUM) {
        r->kind = RET_SCALAR;
        r->value = t;
        r->out = NULL;
    } else if (s->kind == SL_WIT_TUPLE) {
        r->kind = RET_SPLAT;
        r->tuple = s;
        r->out = NULL;
    } else if (s->kind == SL_WIT_OPTION) {
        r->kind = RET_OPTION;
        r->out = is_empty(s->elem) ? NULL : s->elem;
    } else if (s->kind == SL_WIT_EXPECTED && unref(s->err) != NULL
               && unref(s->err)->kind == SL_WIT_ENUM) {
        struct sl_wit_type *ok = unref(s->elem);
        r->kind = RET_EXPECTED_ENUM;
        r->value = s->err;
        r->out = is_empty(ok) || ok->kind == SL_WIT_TUPLE ? NULL : s->elem;
        r->tuple = ok != NULL && ok->kind == SL_WIT_TUPLE ? ok : NULL;
    }
}

static bool by_pointer(struct sl_wit_type *t)
{
    struct sl_wit_type *s = unref(t);
    while (s != NULL && s->kind == SL_WIT_ALIAS)
        s = unref(s->elem);
    if (s == NULL)
        return false;
    switch (s->kind) {
    case SL_WIT_STRING:
    case SL_WIT_LIST:
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE:
    case SL_WIT_VARIANT:
    case SL_WIT_UNION:
    case SL_WIT_OPTION:
    case SL_WIT_EXPECTED:
        return true;
    default:
        return false;
    }
}

static bool has_self(const struct sl_wit_func *f)
{
    return f->resource != NULL && !f->is_static;
}

/* "ns_res_func" or "ns_func" */
static const char *func_cname(struct gen *g, const struct sl_wit_func *f)
{
    if (f->resource != NULL)
        return tmpf(g, "%s_%s_%s", g->ns, raw(g, f->resource->name), raw(g, f->name));
    return tmpf(g, "%s_%s", g->ns, raw(g, f->name));
}

/* The C signature "void name(params..., T *ret0)" of f, named name. */
static const char *c_signature(struct gen *g, struct sl_wit_func *f, const char *name)
{
    struct cret r;
    classify(f->result, &r);
    const char *rt = r.kind == RET_SCALAR ? ctype(g, r.value)
                     : r.kind == RET_OPTION ? "bool"
                     : r.kind == RET_EXPECTED_ENUM ? ctype(g, r.value)
                                                   : "void";
    const char *s = tmpf(g, "%s %s(", rt, name);
    const char *sep = "";
    if (has_self(f)) {
        s = tmpf(g, "%s%s_%s_t self", s, g->ns, raw(g, f->resource->name));
        sep = ", ";
    }
    for (size_t i = 0; i < f->nparams; i++, sep = ", ")
        s = tmpf(g, "%s%s%s %s%s", s, sep, ctype(g, f->params[i].type),
                 by_pointer(f->params[i].type) ? "*" : "", ident(g, f->params[i].name));
    if (r.out != NULL) {
        s = tmpf(g, "%s%s%s *ret0", s, sep, ctype(g, r.out));
        sep = ", ";
    }
    for (size_t i = 0; r.tuple != NULL && i < r.tuple->nmembers; i++, sep = ", ")
        s = tmpf(g, "%s%s%s *ret%zu", s, sep, ctype(g, r.tuple->members[i].type), i);
    return tmpf(g, "%s%s)", s, *sep ? "" : "void");
}

/* "int32_t _a0, int64_t _a1" or "void" for the flat values v. */
static const char *flat_params(struct gen *g, const struct sl_wit_flat *v, bool names)
{
    const char *s = "";
    for (size_t i = 0; i < v->n; i++)
        s = names ? tmpf(g, "%s%s%s _a%zu", s, i ? ", " : "", core_ctypes[v->v[i]], i)
                  : tmpf(g, "%s%s%s", s, i ? ", " : "", core_ctypes[v->v[i]]);
    return *s ? s : "void";
}

static const char *flat_args(struct gen *g, size_t n)
{
    const char *s = "";
    for (size_t i = 0; i < n; i++)
        s = tmpf(g, "%s%s_a%zu", s, i ? ", " : "", i);
    return s;
}

static void track_ret_area(struct gen *g, const struct sl_wit_sig *sig, struct sl_wit_type *t)
{
    if (!sig->retptr)
        return;
    uint64_t fp = sl_wit_type_footprint(t);
    g->ret_size = fp > g->ret_size ? fp : g->ret_size;
    g->ret_align = sig->ret_align > g->ret_align ? sig->ret_align : g->ret_align;
}

/* Offset of parameter upto in the record of all parameters (more than 16 flat values). */
static uint64_t param_offset(struct sl_wit_func *f, size_t upto)
{
    uint64_t off = has_self(f) ? 4 : 0;
    for (size_t i = 0; i <= upto; i++) {
        uint64_t s, a;
        sl_wit_type_layout(f->params[i].type, &s, &a);
        off = align_up(off, a);
        if (i < upto)
            off += s;
    }
    return off;
}

static uint64_t params_size(struct sl_wit_func *f, uint64_t *align)
{
    uint64_t off = has_self(f) ? 4 : 0, a = has_self(f) ? 4 : 1;
    for (size_t i = 0; i < f->nparams; i++) {
        uint64_t s, pa;
        sl_wit_type_layout(f->params[i].type, &s, &pa);
        off = align_up(off, pa) + s;
        a = pa > a ? pa : a;
    }
    *align = a;
    return align_up(off, a);
}

/* The arguments of an import wrapper as flat values _a0... or as a record in _args. */
static void import_lower_args(struct gen *g, struct sl_wit_func *f, const struct sl_wit_sig *sig)
{
    struct sl_buf *c = &g->funcs_c;
    size_t nargs = sig->params.n - (sig->retptr ? 1 : 0);
    if (sig->indirect_params) {
        uint64_t align, size = params_size(f, &align);
        line(g, c, 1, "uint8_t _args[%llu] __attribute__((aligned(%llu)));",
             (unsigned long long)(size ? size : 1), (unsigned long long)align);
        if (has_self(f))
            line(g, c, 1, "*(uint32_t *)(_args + 0) = self.idx;");
        for (size_t i = 0; i < f->nparams; i++) {
            const char *p = ident(g, f->params[i].name);
            mem_value(g, c, 1, f->params[i].type,
                      by_pointer(f->params[i].type) ? tmpf(g, "(*%s)", p) : p, "_args",
                      param_offset(f, i), true);
        }
        line(g, c, 1, "int32_t _a0 = (int32_t)(uintptr_t)_args;");
        return;
    }
    struct slots sl = {"_a", sig->params.v};
    for (size_t i = 0; i < nargs; i++)
        line(g, c, 1, "%s _a%zu = 0;", core_ctypes[sig->params.v[i]], i);
    size_t k = 0;
    if (has_self(f))
        put_slot(g, c, 1, &sl, &k, SL_WIT_I32, "(int32_t)self.idx");
    for (size_t i = 0; i < f->nparams; i++) {
        const char *p = ident(g, f->params[i].name);
        lower_flat(g, c, 1, f->params[i].type,
                   by_pointer(f->params[i].type) ? tmpf(g, "(*%s)", p) : p, &sl, &k);
    }
}

/* Hands the lifted _result to the C caller as the classification says. */
static void import_return(struct gen *g, struct sl_wit_func *f)
{
    struct sl_buf *c = &g->funcs_c;
    struct cret r;
    classify(f->result, &r);
    switch (r.kind) {
    case RET_VOID:
        return;
    case RET_SCALAR:
        line(g, c, 1, "return _result;");
        return;
    case RET_PTR:
        line(g, c, 1, "*ret0 = _result;");
        return;
    case RET_SPLAT:
        for (size_t i = 0; i < r.tuple->nmembers; i++)
            line(g, c, 1, "*ret%zu = _result.f%zu;", i, i);
        return;
    case RET_OPTION:
        if (r.out != NULL)
            line(g, c, 1, "if (_result.is_some)\n        *ret0 = _result.val;");
        line(g, c, 1, "return _result.is_some;");
        return;
    case RET_EXPECTED_ENUM:
        line(g, c, 1, "if (!_result.is_err) {");
        if (r.out != NULL)
            line(g, c, 2, "*ret0 = _result.val.ok;");
        for (size_t i = 0; r.tuple != NULL && i < r.tuple->nmembers; i++)
            line(g, c, 2, "*ret%zu = _result.val.ok.f%zu;", i, i);
        line(g, c, 2, "return (%s)-1;", ctype(g, r.value));
        line(g, c, 1, "}");
        line(g, c, 1, "return _result.val.err;");
        return;
    }
}

static void gen_import(struct gen *g, struct sl_wit_func *f)
{
    struct sl_wit_sig sig;
    sl_wit_func_sig(f, false, &sig);
    struct sl_buf *c = &g->funcs_c;
    struct sl_buf field = SL_BUF_INIT;
    if (sl_wit_func_field(f, &field) != SL_OK)
        g->rc = SL_ENOMEM;
    const char *fname = tmpf(g, "%s", sl_buf_cstr(&field));
    sl_buf_release(&field);
    const char *cname = func_cname(g, f);
    const char *iname = tmpf(g, "__wasm_import_%s", cname);
    const char *rcore = sig.results.n ? core_ctypes[sig.results.v[0]] : "void";
    track_ret_area(g, &sig, f->result);
    line(g, c, 0, "__attribute__((import_module(\"%s\"), import_name(\"%s\")))", g->iface->name,
         fname);
    line(g, c, 0, "%s %s(%s);\n", rcore, iname, flat_params(g, &sig.params, false));
    const char *csig = c_signature(g, f, cname);
    docs(g, &g->funcs_h, f->docs);
    line(g, &g->funcs_h, 0, "%s;", csig);
    line(g, c, 0, "%s\n{", csig);
    import_lower_args(g, f, &sig);
    if (sig.retptr)
        line(g, c, 1, "uint8_t *_area = RET_AREA;");
    size_t nargs = sig.indirect_params ? 1 : sig.params.n - (sig.retptr ? 1 : 0);
    const char *args = flat_args(g, nargs);
    if (sig.retptr)
        args = tmpf(g, "%s%s(int32_t)(uintptr_t)_area", args, nargs ? ", " : "");
    line(g, c, 1, "%s%s(%s);", sig.results.n ? tmpf(g, "%s _r0 = ", rcore) : "", iname, args);
    if (!is_empty(f->result)) {
        line(g, c, 1, "%s _result;", ctype(g, f->result));
        struct slots sl = {"_r", sig.results.v};
        size_t k = 0;
        if (sig.retptr)
            mem_value(g, c, 1, f->result, "_result", "_area", 0, false);
        else
            lift_flat(g, c, 1, f->result, "_result", &sl, &k);
    }
    import_return(g, f);
    line(g, c, 0, "}\n");
}

/* The parameters of an export, lifted into _self and _p0... */
static void export_lift_args(struct gen *g, struct sl_wit_func *f, const struct sl_wit_sig *sig)
{
    struct sl_buf *c = &g->funcs_c;
    if (has_self(f))
        line(g, c, 1, "%s_%s_t _self;", g->ns, raw(g, f->resource->name));
    for (size_t i = 0; i < f->nparams; i++)
        line(g, c, 1, "%s _p%zu;", ctype(g, f->params[i].type), i);
    if (sig->indirect_params) {
        uint64_t align, size = params_size(f, &align);
        line(g, c, 1, "uint8_t *_args = (uint8_t *)(uintptr_t)_a0;");
        if (has_self(f))
            line(g, c, 1, "_self.idx = *(uint32_t *)(_args + 0);");
        for (size_t i = 0; i < f->nparams; i++) {
            mem_value(g, c, 1, f->params[i].type, tmpf(g, "_p%zu", i), "_args",
                      param_offset(f, i), false);
        }
        line(g, c, 1, "canonical_abi_free(_args, %llu, %llu);", (unsigned long long)size,
             (unsigned long long)align);
        return;
    }
    struct slots sl = {"_a", sig->params.v};
    size_t k = 0;
    if (has_self(f))
        lift_flat(g, c, 1, f->resource->handle, "_self", &sl, &k);
    for (size_t i = 0; i < f->nparams; i++)
        lift_flat(g, c, 1, f->params[i].type, tmpf(g, "_p%zu", i), &sl, &k);
}

/* "_self, &_p0, _p1" and the result pointers the classification asks for. */
static const char *export_call_args(struct gen *g, struct sl_wit_func *f, const struct cret *r)
{
    const char *s = has_self(f) ? "_self" : "";
    for (size_t i = 0; i < f->nparams; i++)
        s = tmpf(g, "%s%s%s_p%zu", s, *s ? ", " : "", by_pointer(f->params[i].type) ? "&" : "",
                 i);
    const char *ok = r->kind == RET_EXPECTED_ENUM ? "val.ok" : r->kind == RET_OPTION ? "val" : "";
    if (r->kind == RET_PTR)
        s = tmpf(g, "%s%s&_result", s, *s ? ", " : "");
    else if (r->out != NULL)
        s = tmpf(g, "%s%s&_result.%s", s, *s ? ", " : "", ok);
    for (size_t i = 0; r->tuple != NULL && i < r->tuple->nmembers; i++)
        s = tmpf(g, "%s%s&_result.%s%sf%zu", s, *s ? ", " : "", ok, *ok ? "." : "", i);
    return s;
}

static void export_call(struct gen *g, struct sl_wit_func *f)
{
    struct sl_buf *c = &g->funcs_c;
    struct cret r;
    classify(f->result, &r);
    if (!is_empty(f->result)) {
        line(g, c, 1, "%s _result;", ctype(g, f->result));
        line(g, c, 1, "memset(&_result, 0, sizeof(_result));");
    }
    const char *args = export_call_args(g, f, &r);
    switch (r.kind) {
    case RET_VOID:
    case RET_PTR:
    case RET_SPLAT:
        line(g, c, 1, "_impl(%s);", args);
        return;
    case RET_SCALAR:
        line(g, c, 1, "_result = _impl(%s);", args);
        return;
    case RET_OPTION:
        line(g, c, 1, "_result.is_some = _impl(%s);", args);
        return;
    case RET_EXPECTED_ENUM:
        line(g, c, 1, "%s _e = _impl(%s);", ctype(g, r.value), args);
        line(g, c, 1, "_result.is_err = _e < %zu;", unref(r.value)->nmembers);
        line(g, c, 1, "if (_result.is_err)\n        _result.val.err = _e;");
        return;
    }
}

/* The export's flat results: a pointer to the return area, one value or nothing. */
static void export_lower_result(struct gen *g, struct sl_wit_func *f, const struct sl_wit_sig *sig)
{
    struct sl_buf *c = &g->funcs_c;
    if (sig->retptr) {
        line(g, c, 1, "uint8_t *_area = RET_AREA;");
        mem_value(g, c, 1, f->result, "_result", "_area", 0, true);
        line(g, c, 1, "return (int32_t)(uintptr_t)_area;");
    } else if (sig->results.n == 1) {
        struct slots sl = {"_r", sig->results.v};
        size_t k = 0;
        line(g, c, 1, "%s _r0 = 0;", core_ctypes[sig->results.v[0]]);
        lower_flat(g, c, 1, f->result, "_result", &sl, &k);
        line(g, c, 1, "return _r0;");
    }
}

/* The header part of an export: the function to implement, the caller, the macro. */
static void export_header(struct gen *g, struct sl_wit_func *f, const struct sl_wit_sig *sig,
                          const char *cname, const char *call, const char *rcore)
{
    struct sl_buf *h = &g->funcs_h;
    const char *fp = c_signature(g, f, "(*_impl)");
    const char *params = flat_params(g, &sig->params, true);
    const char *cparams = sig->params.n ? tmpf(g, ", %s", params) : "";
    docs(g, h, f->docs);
    line(g, h, 0, "/* Implemented by the guest; exported as \"%s\". */", f->name);
    line(g, h, 0, "%s;", c_signature(g, f, cname));
    line(g, h, 0, "/* Lifts the flat arguments, calls impl and lowers its result. */");
    line(g, h, 0, "%s %s(%s%s);\n", rcore, call, fp, cparams);
    const char *M = upper(g, cname);
    const char *args = flat_args(g, sig->params.n);
    line(g, &g->macros_h, 0,
         "/*\n * %s_EXPORT(fn, \"name\") exports the C function fn (declared like %s)\n"
         " * under the wasm name \"name\", with the ABI of \"%s\".\n */",
         M, cname, f->name);
    line(g, &g->macros_h, 0, "#define %s_EXPORT(_fn, _export_name) \\", M);
    line(g, &g->macros_h, 1, "%s; \\", c_signature(g, f, "_fn"));
    line(g, &g->macros_h, 1,
         "__attribute__((export_name(_export_name))) %s __wasm_export_##_fn(%s); \\", rcore,
         params);
    line(g, &g->macros_h, 1, "%s __wasm_export_##_fn(%s) \\", rcore, params);
    line(g, &g->macros_h, 1, "{ \\");
    line(g, &g->macros_h, 2, "%s%s(_fn%s%s); \\", sig->results.n ? "return " : "", call,
         *args ? ", " : "", args);
    line(g, &g->macros_h, 1, "}\n");
}

static void gen_export(struct gen *g, struct sl_wit_func *f)
{
    struct sl_wit_sig sig;
    sl_wit_func_sig(f, true, &sig);
    struct sl_buf *c = &g->funcs_c;
    const char *cname = func_cname(g, f);
    const char *call = tmpf(g, "__%s_call", cname);
    const char *rcore = sig.results.n ? core_ctypes[sig.results.v[0]] : "void";
    const char *params = flat_params(g, &sig.params, true);
    const char *cparams = sig.params.n ? tmpf(g, ", %s", params) : "";
    track_ret_area(g, &sig, f->result);
    export_header(g, f, &sig, cname, call, rcore);
    line(g, c, 0, "%s %s(%s%s)\n{", rcore, call, c_signature(g, f, "(*_impl)"), cparams);
    export_lift_args(g, f, &sig);
    export_call(g, f);
    export_lower_result(g, f, &sig);
    line(g, c, 0, "}\n");
    line(g, c, 0, "/* A guest serving only other export names need not define %s. */", cname);
    line(g, c, 0, "__attribute__((weak)) %s;\n", c_signature(g, f, cname));
    line(g, c, 0, "__attribute__((export_name(\"%s\")))", f->name);
    line(g, c, 0, "%s __wasm_export_%s(%s)\n{", rcore, cname, params);
    const char *args = flat_args(g, sig.params.n);
    line(g, c, 1, "%s%s(%s%s%s);", sig.results.n ? "return " : "", call, cname, *args ? ", " : "",
         args);
    line(g, c, 0, "}\n");
}

/* ---- the interface ---- */

static struct sl_wit_type *scope_lookup(struct sl_wit_iface *iface, const char *name)
{
    for (size_t i = 0; i < iface->nscope; i++)
        if (strcmp(iface->scope[i].name, name) == 0)
            return iface->scope[i].type;
    return NULL;
}

/* Types in wit-bindgen's order: used ones, own named ones, then those of functions. */
static void collect_types(struct gen *g)
{
    struct sl_wit_iface *in = g->iface;
    for (size_t i = 0; i < in->nitems; i++) {
        struct sl_wit_item *it = &in->items[i];
        if (it->kind == SL_WIT_ITEM_RESOURCE)
            emit_resource(g, it->u.resource);
        if (it->kind != SL_WIT_ITEM_USE)
            continue;
        struct sl_wit_use *u = it->u.use;
        for (size_t j = 0; u->all && u->iface != NULL && j < u->iface->nitems; j++)
            if (u->iface->items[j].kind == SL_WIT_ITEM_TYPE)
                need_type(g, u->iface->items[j].u.type);
        for (size_t j = 0; !u->all && j < u->nnames; j++)
            need_type(g, scope_lookup(in, u->names[j].local));
    }
    for (size_t i = 0; i < in->nitems; i++)
        if (in->items[i].kind == SL_WIT_ITEM_TYPE)
            need_type(g, in->items[i].u.type);
}

static void gen_func(struct gen *g, struct sl_wit_func *f)
{
    for (size_t i = 0; i < f->nparams; i++)
        need_type(g, f->params[i].type);
    need_type(g, f->result);
    if (g->export)
        gen_export(g, f);
    else
        gen_import(g, f);
}

static void gen_funcs(struct gen *g)
{
    struct sl_wit_iface *in = g->iface;
    struct sl_wit_func *only = NULL;
    size_t n = 0;
    for (size_t i = 0; i < in->nitems; i++) {
        struct sl_wit_item *it = &in->items[i];
        if (it->kind == SL_WIT_ITEM_FUNC) {
            gen_func(g, it->u.func);
            only = it->u.func;
            n++;
        }
        for (size_t j = 0; it->kind == SL_WIT_ITEM_RESOURCE && j < it->u.resource->nfuncs; j++) {
            gen_func(g, &it->u.resource->funcs[j]);
            only = &it->u.resource->funcs[j];
            n++;
        }
    }
    /* one function: <P>_EXPORT(fn, "name") is the short name of its macro */
    if (g->export && n == 1)
        line(g, &g->macros_h, 0, "#define %s_EXPORT(_fn, _export_name) %s_EXPORT(_fn, _export_name)\n",
             g->NS, upper(g, func_cname(g, only)));
}

static void put_buf(struct gen *g, struct sl_buf *out, const struct sl_buf *in)
{
    if (g->rc == SL_OK && in->len > 0)
        g->rc = sl_buf_append(out, in->data, in->len);
}

static void assemble_h(struct gen *g, struct sl_buf *h, const struct sl_buf *str_h)
{
    line(g, h, 0, "/* Guest C bindings of the WIT interface \"%s\"%s (slight bindgen c). */",
         g->iface->name, g->export ? ", implemented by the guest" : "");
    line(g, h, 0, "#ifndef __BINDINGS_%s_H\n#define __BINDINGS_%s_H\n", g->NS, g->NS);
    line(g, h, 0, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n");
    line(g, h, 0, "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n");
    put_buf(g, h, &g->res_h);
    put_buf(g, h, str_h);
    put_buf(g, h, &g->types_h);
    if (g->types_h.len > 0)
        line(g, h, 0, "%s", "");
    put_buf(g, h, &g->funcs_h);
    if (g->macros_h.len > 0)
        line(g, h, 0, "/*\n * Slight calls HTTP handlers by per-route export names: each macro"
                      " below\n * defines one more export with the same ABI.\n */");
    put_buf(g, h, &g->macros_h);
    line(g, h, 0, "#ifdef __cplusplus\n}\n#endif\n#endif");
}

static void emit_bitcasts(struct gen *g, struct sl_buf *c)
{
    static const struct {
        unsigned bit;
        const char *text;
    } casts[] = {
        {BC_F32_I32, "static inline int32_t f32_as_i32(float v)\n{\n"
                     "    union { float f; int32_t i; } u = {.f = v};\n    return u.i;\n}\n"},
        {BC_I32_F32, "static inline float i32_as_f32(int32_t v)\n{\n"
                     "    union { int32_t i; float f; } u = {.i = v};\n    return u.f;\n}\n"},
        {BC_F64_I64, "static inline int64_t f64_as_i64(double v)\n{\n"
                     "    union { double f; int64_t i; } u = {.f = v};\n    return u.i;\n}\n"},
        {BC_I64_F64, "static inline double i64_as_f64(int64_t v)\n{\n"
                     "    union { int64_t i; double f; } u = {.i = v};\n    return u.f;\n}\n"},
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(casts); i++)
        if (g->bitcasts & casts[i].bit)
            line(g, c, 0, "%s", casts[i].text);
}

static const char realloc_text[] =
    "/* Allocator the host uses for results (weak: one per module, any bindings file). */\n"
    "__attribute__((weak, export_name(\"canonical_abi_realloc\")))\n"
    "void *canonical_abi_realloc(void *ptr, size_t orig_size, size_t align, size_t new_size)\n"
    "{\n"
    "    if (new_size == 0) {\n"
    "        if (orig_size != 0)\n"
    "            free(ptr);\n"
    "        return (void *)align; /* non-null, never dereferenced */\n"
    "    }\n"
    "    void *ret = realloc(orig_size != 0 ? ptr : NULL, new_size);\n"
    "    if (ret == NULL)\n"
    "        abort();\n"
    "    return ret;\n"
    "}\n"
    "\n"
    "__attribute__((weak, export_name(\"canonical_abi_free\")))\n"
    "void canonical_abi_free(void *ptr, size_t size, size_t align)\n"
    "{\n"
    "    (void)align;\n"
    "    if (size != 0)\n"
    "        free(ptr);\n"
    "}\n";

static void assemble_c(struct gen *g, struct sl_buf *c, const struct sl_buf *str_c)
{
    line(g, c, 0, "/* Guest C bindings of the WIT interface \"%s\" (slight bindgen c). */",
         g->iface->name);
    line(g, c, 0, "#include <stdlib.h>\n#include <string.h>\n#include <%s.h>\n", g->ns);
    line(g, c, 0, "_Static_assert(sizeof(void *) == 4 && sizeof(size_t) == 4, "
                  "\"these bindings are for wasm32\");\n");
    line(g, c, 0, "void *canonical_abi_realloc(void *ptr, size_t orig_size, size_t align, "
                  "size_t new_size);");
    line(g, c, 0, "void canonical_abi_free(void *ptr, size_t size, size_t align);\n");
    line(g, c, 0, "%s", realloc_text);
    put_buf(g, c, &g->res_c);
    put_buf(g, c, str_c);
    put_buf(g, c, &g->types_c);
    emit_bitcasts(g, c);
    if (g->ret_size > 0)
        line(g, c, 0, "static uint8_t RET_AREA[%llu] __attribute__((aligned(%llu)));\n",
             (unsigned long long)g->ret_size, (unsigned long long)g->ret_align);
    put_buf(g, c, &g->funcs_c);
}

static void gen_release(struct gen *g)
{
    struct sl_buf *bufs[] = {&g->res_h,   &g->res_c,   &g->types_h, &g->types_c,
                             &g->funcs_h, &g->funcs_c, &g->macros_h};
    for (size_t i = 0; i < SL_ARRAY_SIZE(bufs); i++)
        sl_buf_release(bufs[i]);
    for (size_t i = 0; i < g->nseen; i++)
        sl_free(g->seen[i]);
    for (size_t i = 0; i < g->nstrs; i++)
        sl_free(g->strs[i]);
    sl_free(g->seen);
    sl_free(g->strs);
}

sl_err sl_wit_gen_guest_c(struct sl_wit_iface *iface, bool export, struct sl_buf *h,
                          struct sl_buf *c)
{
    struct gen g = {.iface = iface, .export = export, .rc = SL_OK, .ret_align = 1};
    struct sl_buf str_h = SL_BUF_INIT, str_c = SL_BUF_INIT;
    g.ns = raw(&g, iface->name);
    g.NS = upper(&g, iface->name);
    collect_types(&g);
    gen_funcs(&g);
    if (g.need_string)
        emit_string(&g, &str_h, &str_c);
    assemble_h(&g, h, &str_h);
    assemble_c(&g, c, &str_c);
    sl_err rc = g.rc;
    sl_buf_release(&str_h);
    sl_buf_release(&str_c);
    gen_release(&g);
    return rc;
}
