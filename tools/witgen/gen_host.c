/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gen_host.c -- the host glue generator (ARCHITECTURE §4). For an imported
 * interface: the host C types of its WIT types, the typed functions the
 * capability implements, and one flat wasm function per import that lifts
 * the arguments (checked), calls the typed function and lowers the result
 * into the guest's return area. For an exported interface: typed callers of
 * the guest's functions. Runtime helpers are in src/abi/abi_rt.h; the code
 * emitted here is straight-line C with no per-function hand-written part.
 */
#include "sl_common.h"

#include "wit.h"

#include "mem.h"

#include <stdarg.h>
#include <string.h>

#define MAX_DEFINED 4096

struct gen {
    struct sl_wit_iface *iface;
    struct sl_buf *h, *c;
    struct sl_buf pfx;   /* interface name as a C identifier */
    struct sl_buf *out;  /* where emit() writes */
    int indent;
    unsigned tmp;        /* counter for unique local names */
    sl_err rc;           /* first error; emitters stop adding once set */
    const char *defined[MAX_DEFINED]; /* host struct names already emitted */
    size_t ndefined;
};

/* ---- output ---- */

static void emit_raw(struct gen *g, struct sl_buf *b, const char *fmt, ...) SL_PRINTF(3, 4);
static void emit_raw(struct gen *g, struct sl_buf *b, const char *fmt, ...)
{
    if (g->rc != SL_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    g->rc = sl_buf_vappendf(b, fmt, ap);
    va_end(ap);
    if (g->rc == SL_OK && b->len > SL_WIT_MAX_TEXT)
        g->rc = SL_EINVAL;
}

/* One indented line of the current function body. */
static void line(struct gen *g, const char *fmt, ...) SL_PRINTF(2, 3);
static void line(struct gen *g, const char *fmt, ...)
{
    if (g->rc != SL_OK)
        return;
    for (int i = 0; i < g->indent && g->rc == SL_OK; i++)
        g->rc = sl_buf_appends(g->out, "    ");
    va_list ap;
    va_start(ap, fmt);
    if (g->rc == SL_OK)
        g->rc = sl_buf_vappendf(g->out, fmt, ap);
    va_end(ap);
    if (g->rc == SL_OK)
        g->rc = sl_buf_appends(g->out, "\n");
    if (g->rc == SL_OK && g->out->len > SL_WIT_MAX_TEXT)
        g->rc = SL_EINVAL;
}

/* A small string built with printf; the gen's error is set on failure. */
struct str {
    char s[512];
};

static struct str fmt(struct gen *g, const char *f, ...) SL_PRINTF(2, 3);
static struct str fmt(struct gen *g, const char *f, ...)
{
    struct str r;
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(r.s, sizeof(r.s), f, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(r.s)) {
        if (g->rc == SL_OK)
            g->rc = SL_EINVAL; /* expression nesting too deep for this generator */
        r.s[0] = '\0';
    }
    return r;
}

/* ---- types ---- */

static const struct sl_wit_type *deref(const struct sl_wit_type *t)
{
    return sl_wit_type_deref(t);
}

static bool is_bytes(const struct sl_wit_type *t)
{
    const struct sl_wit_type *d = deref(t);
    if (d == NULL)
        return false;
    if (d->kind == SL_WIT_STRING)
        return true;
    return d->kind == SL_WIT_LIST && deref(d->elem) != NULL && deref(d->elem)->kind == SL_WIT_U8;
}

static bool is_unit(const struct sl_wit_type *t)
{
    const struct sl_wit_type *d = deref(t);
    return d == NULL || d->kind == SL_WIT_UNIT;
}

static uint64_t size_of(struct sl_wit_type *t)
{
    uint64_t s, a;
    sl_wit_type_layout(t, &s, &a);
    return s;
}

static uint64_t align_of(struct sl_wit_type *t)
{
    uint64_t s, a;
    sl_wit_type_layout(t, &s, &a);
    return a;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Bytes of the tag of a variant-like type or enum. */
static unsigned tag_bytes(size_t n)
{
    return n <= 256 ? 1 : n <= 65536 ? 2 : 4;
}

/* A WIT name as a C identifier that is not a keyword or one of our locals. */
static struct str ident(struct gen *g, const char *name)
{
    struct sl_buf b = SL_BUF_INIT;
    if (sl_wit_c_ident(name, &b) != SL_OK && g->rc == SL_OK)
        g->rc = SL_ENOMEM;
    const char *s = b.data ? b.data : "";
    /* also our own locals in generated functions */
    bool kw = sl_wit_c_is_keyword(s) || strcmp(s, "call") == 0 || strcmp(s, "inst") == 0
              || strcmp(s, "ret") == 0;
    struct str r = fmt(g, "%s%s", s, kw ? "_" : "");
    sl_buf_release(&b);
    return r;
}

static struct str upper(struct gen *g, const char *name)
{
    struct sl_buf b = SL_BUF_INIT;
    if (sl_wit_c_upper(name, &b) != SL_OK && g->rc == SL_OK)
        g->rc = SL_ENOMEM;
    struct str r = fmt(g, "%s", b.data ? b.data : "");
    sl_buf_release(&b);
    return r;
}

/* The struct name of a compound type: "sl_<p>_<part>". */
static struct str struct_name(struct gen *g, const struct sl_wit_type *t)
{
    struct sl_buf b = SL_BUF_INIT;
    sl_err rc = sl_wit_c_type_part(t, &b);
    if (rc != SL_OK && g->rc == SL_OK)
        g->rc = rc;
    struct str r = fmt(g, "sl_%s_%s", sl_buf_cstr(&g->pfx), b.data ? b.data : "");
    sl_buf_release(&b);
    return r;
}

static const char *flags_type(size_t n)
{
    return n <= 8 ? "uint8_t" : n <= 16 ? "uint16_t" : n <= 32 ? "uint32_t" : "uint64_t";
}

static const char *tag_type(size_t n)
{
    unsigned b = tag_bytes(n);
    return b == 1 ? "uint8_t" : b == 2 ? "uint16_t" : "uint32_t";
}

/* The host C type of t ("struct sl_str", "uint32_t", "struct sl_kv_..."). */
static struct str host_type(struct gen *g, const struct sl_wit_type *t)
{
    const struct sl_wit_type *d = deref(t);
    if (d == NULL)
        return fmt(g, "void");
    if (is_bytes(d))
        return fmt(g, "struct sl_str");
    switch (d->kind) {
    case SL_WIT_UNIT:
        return fmt(g, "void");
    case SL_WIT_BOOL:
        return fmt(g, "bool");
    case SL_WIT_U8:
        return fmt(g, "uint8_t");
    case SL_WIT_S8:
        return fmt(g, "int8_t");
    case SL_WIT_U16:
        return fmt(g, "uint16_t");
    case SL_WIT_S16:
        return fmt(g, "int16_t");
    case SL_WIT_U32:
    case SL_WIT_CHAR:
        return fmt(g, "uint32_t");
    case SL_WIT_S32:
        return fmt(g, "int32_t");
    case SL_WIT_U64:
        return fmt(g, "uint64_t");
    case SL_WIT_S64:
        return fmt(g, "int64_t");
    case SL_WIT_FLOAT32:
        return fmt(g, "float");
    case SL_WIT_FLOAT64:
        return fmt(g, "double");
    case SL_WIT_HANDLE:
        return fmt(g, "void *");
    case SL_WIT_ENUM:
        return fmt(g, "%s", tag_type(d->nmembers));
    case SL_WIT_FLAGS:
        return fmt(g, "%s", flags_type(d->nmembers));
    default: {
        /* aliases keep their own name (body, headers): name from t, not d */
        const struct sl_wit_type *n = t;
        while (n->kind == SL_WIT_REF)
            n = n->target;
        struct str s = struct_name(g, n);
        return fmt(g, "struct %s", s.s);
    }
    }
}

/* Scalars and borrowed strings are passed by value, compound types by pointer. */
static bool by_pointer(const struct sl_wit_type *t)
{
    const struct sl_wit_type *d = deref(t);
    if (d == NULL || is_bytes(d))
        return false;
    switch (d->kind) {
    case SL_WIT_LIST:
    case SL_WIT_OPTION:
    case SL_WIT_EXPECTED:
    case SL_WIT_VARIANT:
    case SL_WIT_UNION:
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE:
        return true;
    default:
        return false;
    }
}

static bool is_defined(struct gen *g, const char *name)
{
    for (size_t i = 0; i < g->ndefined; i++)
        if (strcmp(g->defined[i], name) == 0)
            return true;
    return false;
}

static void mark_defined(struct gen *g, const char *name)
{
    if (g->ndefined == MAX_DEFINED) {
        if (g->rc == SL_OK)
            g->rc = SL_EINVAL;
        return;
    }
    g->defined[g->ndefined++] = name;
}

/* Remembers a name in storage owned by the gen (defined[] entries). */
static const char *keep(struct gen *g, const char *s)
{
    char *p = sl_malloc(strlen(s) + 1);
    if (p == NULL) {
        if (g->rc == SL_OK)
            g->rc = SL_ENOMEM;
        return "";
    }
    strcpy(p, s);
    return p;
}

static void define_type(struct gen *g, const struct sl_wit_type *t);

/* Emits the defines of case constants of a named variant or enum. */
static void emit_case_defines(struct gen *g, const struct sl_wit_type *n, const struct sl_wit_type *d)
{
    struct str tn = upper(g, n->name);
    struct str p = upper(g, sl_buf_cstr(&g->pfx));
    for (size_t i = 0; i < d->nmembers; i++) {
        if (d->members[i].name == NULL)
            continue;
        struct str cn = upper(g, d->members[i].name);
        emit_raw(g, g->h, "#define SL_%s_%s_%s %zu\n", p.s, tn.s, cn.s, i);
    }
}

static void define_members(struct gen *g, const struct sl_wit_type *d)
{
    for (size_t i = 0; i < d->nmembers; i++)
        define_type(g, d->members[i].type);
}

/* Emits the struct of t (after the structs it contains), once. */
static void define_type(struct gen *g, const struct sl_wit_type *t)
{
    if (t == NULL || g->rc != SL_OK)
        return;
    const struct sl_wit_type *named = t;
    while (named->kind == SL_WIT_REF)
        named = named->target;
    const struct sl_wit_type *d = deref(t);
    if (d == NULL)
        return;
    if (d->kind == SL_WIT_ENUM && named->name != NULL) {
        struct str sn = struct_name(g, named);
        if (!is_defined(g, sn.s)) {
            mark_defined(g, keep(g, sn.s));
            emit_case_defines(g, named, d);
        }
        return;
    }
    if (d->kind == SL_WIT_FLAGS && d->nmembers > 64 && g->rc == SL_OK)
        g->rc = SL_EUNSUPPORTED;
    if (!by_pointer(d))
        return;
    /* contained types first */
    if (d->kind == SL_WIT_LIST || d->kind == SL_WIT_OPTION)
        define_type(g, d->elem);
    else if (d->kind == SL_WIT_EXPECTED) {
        define_type(g, d->elem);
        define_type(g, d->err);
    } else
        define_members(g, d);
    struct str sn = struct_name(g, named);
    if (g->rc != SL_OK || is_defined(g, sn.s))
        return;
    mark_defined(g, keep(g, sn.s));
    struct sl_buf *h = g->h;
    emit_raw(g, h, "\nstruct %s {\n", sn.s);
    switch (d->kind) {
    case SL_WIT_LIST: {
        struct str et = host_type(g, d->elem);
        emit_raw(g, h, "    %s *ptr;\n    size_t len;\n", et.s);
        break;
    }
    case SL_WIT_OPTION: {
        emit_raw(g, h, "    bool is_some;\n");
        if (!is_unit(d->elem)) {
            struct str et = host_type(g, d->elem);
            emit_raw(g, h, "    %s val;\n", et.s);
        }
        break;
    }
    case SL_WIT_EXPECTED:
        emit_raw(g, h, "    bool is_err;\n");
        if (!is_unit(d->elem) || !is_unit(d->err)) {
            emit_raw(g, h, "    union {\n");
            if (!is_unit(d->elem)) {
                struct str ot = host_type(g, d->elem);
                emit_raw(g, h, "        %s ok;\n", ot.s);
            }
            if (!is_unit(d->err)) {
                struct str et = host_type(g, d->err);
                emit_raw(g, h, "        %s err;\n", et.s);
            }
            emit_raw(g, h, "    } val;\n");
        }
        break;
    case SL_WIT_VARIANT:
    case SL_WIT_UNION: {
        emit_raw(g, h, "    %s tag;\n", tag_type(d->nmembers));
        bool any = false;
        for (size_t i = 0; i < d->nmembers; i++)
            any = any || !is_unit(d->members[i].type);
        if (any) {
            emit_raw(g, h, "    union {\n");
            for (size_t i = 0; i < d->nmembers; i++) {
                if (is_unit(d->members[i].type))
                    continue;
                struct str mt = host_type(g, d->members[i].type);
                struct str mn = d->kind == SL_WIT_UNION ? fmt(g, "f%zu", i)
                                                         : ident(g, d->members[i].name);
                emit_raw(g, h, "        %s %s;\n", mt.s, mn.s);
            }
            emit_raw(g, h, "    } val;\n");
        }
        break;
    }
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE: {
        size_t fields = 0;
        for (size_t i = 0; i < d->nmembers; i++) {
            if (is_unit(d->members[i].type))
                continue;
            struct str mt = host_type(g, d->members[i].type);
            struct str mn = d->kind == SL_WIT_TUPLE ? fmt(g, "f%zu", i)
                                                     : ident(g, d->members[i].name);
            emit_raw(g, h, "    %s %s;\n", mt.s, mn.s);
            fields++;
        }
        if (fields == 0)
            emit_raw(g, h, "    uint8_t unused_;\n");
        break;
    }
    default:
        break;
    }
    emit_raw(g, h, "};\n");
    if (d->kind == SL_WIT_VARIANT && named->name != NULL)
        emit_case_defines(g, named, d);
}

/* ---- slots: flat values ---- */

struct slot {
    struct str expr;
    enum sl_wit_core have;
};

static const char *core_ctype(enum sl_wit_core c)
{
    return c == SL_WIT_I32 ? "uint32_t" : c == SL_WIT_I64 ? "uint64_t"
                                      : c == SL_WIT_F32   ? "float"
                                                          : "double";
}

/* The value of a slot as the core type want (the join of variant cases undone). */
static struct str conv_from(struct gen *g, const struct slot *s, enum sl_wit_core want)
{
    if (s->have == want)
        return fmt(g, "%s", s->expr.s);
    switch (want) {
    case SL_WIT_I32:
        return fmt(g, "(uint32_t)(%s)", s->expr.s);
    case SL_WIT_F32:
        return s->have == SL_WIT_I32 ? fmt(g, "sl_abi_f32_from_bits(%s)", s->expr.s)
                                     : fmt(g, "sl_abi_f32_from_bits((uint32_t)(%s))", s->expr.s);
    case SL_WIT_F64:
        return fmt(g, "sl_abi_f64_from_bits(%s)", s->expr.s);
    default:
        return fmt(g, "(uint64_t)(%s)", s->expr.s);
    }
}

/* A value of core type have, widened into a slot of core type want. */
static struct str conv_to(struct gen *g, const char *v, enum sl_wit_core have,
                          enum sl_wit_core want)
{
    if (have == want)
        return fmt(g, "%s", v);
    if (want == SL_WIT_I32) /* f32 into i32 */
        return fmt(g, "sl_abi_f32_bits(%s)", v);
    if (have == SL_WIT_I32)
        return fmt(g, "(uint64_t)(%s)", v);
    if (have == SL_WIT_F32)
        return fmt(g, "(uint64_t)sl_abi_f32_bits(%s)", v);
    return fmt(g, "sl_abi_f64_bits(%s)", v);
}

static const char *res_var(struct gen *g, const struct sl_wit_type *d, struct str *buf)
{
    struct str r = ident(g, d->name);
    *buf = fmt(g, "sl_%s_res_%s", sl_buf_cstr(&g->pfx), r.s);
    return buf->s;
}

enum mode { BORROW, OWN };

static void lift_mem(struct gen *g, struct sl_wit_type *t, const char *addr, const char *dst,
                     enum mode mode);

/* The case loop of a variant-like type: lifts case payloads via fn. */
static const char *case_member(struct gen *g, const struct sl_wit_type *d, size_t i, struct str *b)
{
    switch (d->kind) {
    case SL_WIT_OPTION:
        *b = fmt(g, "val");
        break;
    case SL_WIT_EXPECTED:
        *b = fmt(g, i == 0 ? "val.ok" : "val.err");
        break;
    case SL_WIT_UNION:
        *b = fmt(g, "val.f%zu", i);
        break;
    default: {
        struct str n = ident(g, d->members[i].name);
        *b = fmt(g, "val.%s", n.s);
    }
    }
    return b->s;
}

/* Statement setting the discriminant field of dst to case i. */
static void set_tag(struct gen *g, const struct sl_wit_type *d, const char *dst, size_t i)
{
    if (d->kind == SL_WIT_OPTION)
        line(g, "%s.is_some = %s;", dst, i ? "true" : "false");
    else if (d->kind == SL_WIT_EXPECTED)
        line(g, "%s.is_err = %s;", dst, i ? "true" : "false");
    else
        line(g, "%s.tag = %zu;", dst, i);
}

static struct str type_label(struct gen *g, const struct sl_wit_type *t)
{
    const struct sl_wit_type *d = deref(t);
    if (d->kind == SL_WIT_OPTION)
        return fmt(g, "option");
    if (d->kind == SL_WIT_EXPECTED)
        return fmt(g, "expected");
    const struct sl_wit_type *n = t;
    while (n->kind == SL_WIT_REF)
        n = n->target;
    return fmt(g, "%s", n->name ? n->name : d->kind == SL_WIT_UNION ? "union" : "variant");
}

/* ---- lifting from flat values (import arguments) ---- */

static void lift_flat(struct gen *g, struct sl_wit_type *t, const struct slot *slots, size_t n,
                      size_t *cur, const char *dst)
{
    const struct sl_wit_type *d = deref(t);
    if (d == NULL || d->kind == SL_WIT_UNIT || g->rc != SL_OK)
        return;
    struct sl_wit_flat need = {0};
    sl_wit_type_flatten(t, &need);
    if (*cur + need.n > n) {
        g->rc = SL_EINVAL;
        return;
    }
    const struct slot *s = &slots[*cur];
    if (is_bytes(d)) {
        struct str p = conv_from(g, &slots[*cur], SL_WIT_I32);
        struct str l = conv_from(g, &slots[*cur + 1], SL_WIT_I32);
        line(g, "%s = sl_abi_lift_%s(call, %s, %s);", dst,
             d->kind == SL_WIT_STRING ? "string" : "bytes", p.s, l.s);
        *cur += 2;
        return;
    }
    switch (d->kind) {
    case SL_WIT_BOOL: {
        struct str v = conv_from(g, s, SL_WIT_I32);
        line(g, "%s = sl_abi_lift_bool(call, %s);", dst, v.s);
        break;
    }
    case SL_WIT_CHAR: {
        struct str v = conv_from(g, s, SL_WIT_I32);
        line(g, "%s = sl_abi_lift_char(call, %s);", dst, v.s);
        break;
    }
    case SL_WIT_U8:
    case SL_WIT_S8:
    case SL_WIT_U16:
    case SL_WIT_S16:
    case SL_WIT_U32:
    case SL_WIT_S32: {
        struct str ty = host_type(g, d);
        struct str v = conv_from(g, s, SL_WIT_I32);
        line(g, "%s = (%s)%s;", dst, ty.s, v.s);
        break;
    }
    case SL_WIT_U64:
    case SL_WIT_S64: {
        struct str ty = host_type(g, d);
        struct str v = conv_from(g, s, SL_WIT_I64);
        line(g, "%s = (%s)%s;", dst, ty.s, v.s);
        break;
    }
    case SL_WIT_FLOAT32:
    case SL_WIT_FLOAT64: {
        struct str v = conv_from(g, s, d->kind == SL_WIT_FLOAT32 ? SL_WIT_F32 : SL_WIT_F64);
        line(g, "%s = %s;", dst, v.s);
        break;
    }
    case SL_WIT_HANDLE: {
        struct str rv, v = conv_from(g, s, SL_WIT_I32);
        line(g, "%s = sl_abi_handle_get(call, &%s, %s);", dst, res_var(g, d, &rv), v.s);
        break;
    }
    case SL_WIT_ENUM: {
        struct str v = conv_from(g, s, SL_WIT_I32);
        struct str lbl = type_label(g, t);
        line(g, "if (%s >= %zuu)", v.s, d->nmembers);
        line(g, "    sl_abi_bad_tag(call, \"%s\");", lbl.s);
        struct str ty = host_type(g, d);
        line(g, "%s = (%s)%s;", dst, ty.s, v.s);
        break;
    }
    case SL_WIT_FLAGS: {
        struct str v = conv_from(g, s, SL_WIT_I32);
        if (d->nmembers <= 32) {
            if (d->nmembers < 32) {
                line(g, "if ((%s) >> %zu)", v.s, d->nmembers);
                line(g, "    sl_abi_trap(call, \"invalid flags value\");");
            }
            struct str ty = host_type(g, d);
            line(g, "%s = (%s)%s;", dst, ty.s, v.s);
        } else {
            struct str v2 = conv_from(g, &slots[*cur + 1], SL_WIT_I32);
            if (d->nmembers < 64) {
                line(g, "if ((%s) >> %zu)", v2.s, d->nmembers - 32);
                line(g, "    sl_abi_trap(call, \"invalid flags value\");");
            }
            line(g, "%s = (uint64_t)%s | (uint64_t)%s << 32;", dst, v.s, v2.s);
            (*cur)++;
        }
        break;
    }
    case SL_WIT_LIST: {
        struct str a = conv_from(g, &slots[*cur], SL_WIT_I32);
        struct str l = conv_from(g, &slots[*cur + 1], SL_WIT_I32);
        unsigned k = g->tmp++;
        line(g, "{");
        g->indent++;
        line(g, "uint32_t lp%u = %s, ln%u = %s;", k, a.s, k, l.s);
        line(g, "sl_abi_check_range(call, lp%u, (uint64_t)ln%u * %llu);", k, k,
             (unsigned long long)size_of(d->elem));
        line(g, "%s.len = ln%u;", dst, k);
        line(g, "%s.ptr = sl_abi_alloc(call, ln%u, sizeof(*%s.ptr));", dst, k, dst);
        line(g, "for (uint32_t i%u = 0; i%u < ln%u; i%u++) {", k, k, k, k);
        g->indent++;
        struct str addr = fmt(g, "(uint64_t)lp%u + (uint64_t)i%u * %llu", k, k,
                              (unsigned long long)size_of(d->elem));
        struct str el = fmt(g, "%s.ptr[i%u]", dst, k);
        lift_mem(g, d->elem, addr.s, el.s, BORROW);
        g->indent--;
        line(g, "}");
        g->indent--;
        line(g, "}");
        *cur += 2;
        return;
    }
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE:
        for (size_t i = 0; i < d->nmembers; i++) {
            if (is_unit(d->members[i].type))
                continue;
            struct str mn = d->kind == SL_WIT_TUPLE ? fmt(g, "f%zu", i)
                                                     : ident(g, d->members[i].name);
            struct str sub = fmt(g, "%s.%s", dst, mn.s);
            lift_flat(g, d->members[i].type, slots, n, cur, sub.s);
        }
        return;
    case SL_WIT_VARIANT:
    case SL_WIT_UNION:
    case SL_WIT_OPTION:
    case SL_WIT_EXPECTED: {
        struct sl_wit_flat fl = {0};
        sl_wit_type_flatten(t, &fl);
        struct str tag = conv_from(g, s, SL_WIT_I32);
        struct str lbl = type_label(g, t);
        line(g, "switch (%s) {", tag.s);
        for (size_t i = 0; i < sl_wit_ncases(d); i++) {
            line(g, "case %zu:", i);
            g->indent++;
            set_tag(g, d, dst, i);
            struct sl_wit_type *ct = sl_wit_case_type(d, i);
            if (!is_unit(ct)) {
                struct str mb, sub = fmt(g, "%s.%s", dst, case_member(g, d, i, &mb));
                size_t pc = *cur + 1;
                lift_flat(g, ct, slots, n, &pc, sub.s);
            }
            line(g, "break;");
            g->indent--;
        }
        line(g, "default:");
        line(g, "    sl_abi_bad_tag(call, \"%s\");", lbl.s);
        line(g, "}");
        *cur += fl.n;
        return;
    }
    default:
        break;
    }
    (*cur)++;
}

/* ---- lifting from memory (list elements, indirect arguments, export results) ---- */

static void lift_mem(struct gen *g, struct sl_wit_type *t, const char *addr, const char *dst,
                     enum mode mode)
{
    const struct sl_wit_type *d = deref(t);
    if (d == NULL || d->kind == SL_WIT_UNIT || g->rc != SL_OK)
        return;
    if (is_bytes(d) || d->kind == SL_WIT_LIST) {
        unsigned k = g->tmp++;
        line(g, "{");
        g->indent++;
        line(g, "uint32_t lp%u = sl_abi_load_u32(call, %s);", k, addr);
        line(g, "uint32_t ln%u = sl_abi_load_u32(call, (%s) + 4);", k, addr);
        if (is_bytes(d)) {
            bool str = d->kind == SL_WIT_STRING;
            if (mode == BORROW)
                line(g, "%s = sl_abi_lift_%s(call, lp%u, ln%u);", dst, str ? "string" : "bytes",
                     k, k);
            else {
                line(g, "%s = sl_abi_copy_out(call, lp%u, ln%u, %s);", dst, k, k,
                     str ? "true" : "false");
                line(g, "sl_abi_free(call, lp%u, ln%u, 1);", k, k);
            }
        } else {
            uint64_t es = size_of(d->elem);
            line(g, "sl_abi_check_range(call, lp%u, (uint64_t)ln%u * %llu);", k, k,
                 (unsigned long long)es);
            line(g, "%s.len = ln%u;", dst, k);
            line(g, "%s.ptr = sl_abi_alloc(call, ln%u, sizeof(*%s.ptr));", dst, k, dst);
            line(g, "for (uint32_t i%u = 0; i%u < ln%u; i%u++) {", k, k, k, k);
            g->indent++;
            struct str ea = fmt(g, "(uint64_t)lp%u + (uint64_t)i%u * %llu", k, k,
                                (unsigned long long)es);
            struct str el = fmt(g, "%s.ptr[i%u]", dst, k);
            lift_mem(g, d->elem, ea.s, el.s, mode);
            g->indent--;
            line(g, "}");
            if (mode == OWN)
                line(g, "sl_abi_free(call, lp%u, (uint64_t)ln%u * %llu, %llu);", k, k,
                     (unsigned long long)es, (unsigned long long)align_of(d->elem));
        }
        g->indent--;
        line(g, "}");
        return;
    }
    switch (d->kind) {
    case SL_WIT_BOOL:
        line(g, "%s = sl_abi_lift_bool(call, sl_abi_load_u8(call, %s));", dst, addr);
        return;
    case SL_WIT_CHAR:
        line(g, "%s = sl_abi_lift_char(call, sl_abi_load_u32(call, %s));", dst, addr);
        return;
    case SL_WIT_U8:
    case SL_WIT_S8:
    case SL_WIT_U16:
    case SL_WIT_S16:
    case SL_WIT_U32:
    case SL_WIT_S32:
    case SL_WIT_U64:
    case SL_WIT_S64: {
        struct str ty = host_type(g, d);
        line(g, "%s = (%s)sl_abi_load_u%llu(call, %s);", dst, ty.s,
             (unsigned long long)size_of((struct sl_wit_type *)d) * 8, addr);
        return;
    }
    case SL_WIT_FLOAT32:
    case SL_WIT_FLOAT64:
        line(g, "%s = sl_abi_load_f%d(call, %s);", dst, d->kind == SL_WIT_FLOAT32 ? 32 : 64,
             addr);
        return;
    case SL_WIT_HANDLE: {
        struct str rv;
        line(g, "%s = sl_abi_handle_get(call, &%s, sl_abi_load_u32(call, %s));", dst,
             res_var(g, d, &rv), addr);
        return;
    }
    case SL_WIT_ENUM: {
        unsigned tb = tag_bytes(d->nmembers);
        struct str lbl = type_label(g, t);
        unsigned k = g->tmp++;
        line(g, "{");
        g->indent++;
        line(g, "uint32_t e%u = sl_abi_load_u%u(call, %s);", k, tb * 8, addr);
        line(g, "if (e%u >= %zuu)", k, d->nmembers);
        line(g, "    sl_abi_bad_tag(call, \"%s\");", lbl.s);
        struct str ty = host_type(g, d);
        line(g, "%s = (%s)e%u;", dst, ty.s, k);
        g->indent--;
        line(g, "}");
        return;
    }
    case SL_WIT_FLAGS: {
        size_t nf = d->nmembers;
        if (nf <= 32) {
            unsigned bits = nf <= 8 ? 8 : nf <= 16 ? 16 : 32;
            unsigned k = g->tmp++;
            line(g, "{");
            g->indent++;
            line(g, "uint32_t f%u = sl_abi_load_u%u(call, %s);", k, bits, addr);
            if (nf < bits) {
                line(g, "if (f%u >> %zu)", k, nf);
                line(g, "    sl_abi_trap(call, \"invalid flags value\");");
            }
            struct str ty = host_type(g, d);
            line(g, "%s = (%s)f%u;", dst, ty.s, k);
            g->indent--;
            line(g, "}");
        } else {
            line(g, "%s = sl_abi_load_u64(call, %s);", dst, addr);
            if (nf < 64) {
                line(g, "if (%s >> %zu)", dst, nf);
                line(g, "    sl_abi_trap(call, \"invalid flags value\");");
            }
        }
        return;
    }
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE: {
        uint64_t off = 0;
        for (size_t i = 0; i < d->nmembers; i++) {
            struct sl_wit_type *ft = d->members[i].type;
            off = align_up(off, align_of(ft));
            if (!is_unit(ft)) {
                struct str mn = d->kind == SL_WIT_TUPLE ? fmt(g, "f%zu", i)
                                                         : ident(g, d->members[i].name);
                struct str sub = fmt(g, "%s.%s", dst, mn.s);
                struct str fa = fmt(g, "(%s) + %llu", addr, (unsigned long long)off);
                lift_mem(g, ft, fa.s, sub.s, mode);
            }
            off += size_of(ft);
        }
        return;
    }
    case SL_WIT_VARIANT:
    case SL_WIT_UNION:
    case SL_WIT_OPTION:
    case SL_WIT_EXPECTED: {
        unsigned tb = tag_bytes(sl_wit_ncases(d));
        uint64_t po = sl_wit_payload_offset((struct sl_wit_type *)d);
        struct str lbl = type_label(g, t);
        line(g, "switch (sl_abi_load_u%u(call, %s)) {", tb * 8, addr);
        for (size_t i = 0; i < sl_wit_ncases(d); i++) {
            line(g, "case %zu:", i);
            g->indent++;
            set_tag(g, d, dst, i);
            struct sl_wit_type *ct = sl_wit_case_type(d, i);
            if (!is_unit(ct)) {
                struct str mb, sub = fmt(g, "%s.%s", dst, case_member(g, d, i, &mb));
                struct str pa = fmt(g, "(%s) + %llu", addr, (unsigned long long)po);
                lift_mem(g, ct, pa.s, sub.s, mode);
            }
            line(g, "break;");
            g->indent--;
        }
        line(g, "default:");
        line(g, "    sl_abi_bad_tag(call, \"%s\");", lbl.s);
        line(g, "}");
        return;
    }
    default:
        return;
    }
}

/* ---- lowering into memory (results) ---- */

static void lower_mem(struct gen *g, struct sl_wit_type *t, const char *src, const char *addr)
{
    const struct sl_wit_type *d = deref(t);
    if (d == NULL || d->kind == SL_WIT_UNIT || g->rc != SL_OK)
        return;
    if (is_bytes(d)) {
        unsigned k = g->tmp++;
        line(g, "{");
        g->indent++;
        line(g, "uint32_t sp%u = sl_abi_lower_bytes(call, %s);", k, src);
        line(g, "sl_abi_store_u32(call, (%s) + 4, (uint32_t)(%s).len);", addr, src);
        line(g, "sl_abi_store_u32(call, %s, sp%u);", addr, k);
        g->indent--;
        line(g, "}");
        return;
    }
    switch (d->kind) {
    case SL_WIT_BOOL:
        line(g, "sl_abi_store_u8(call, %s, (%s) ? 1 : 0);", addr, src);
        return;
    case SL_WIT_U8:
    case SL_WIT_S8:
    case SL_WIT_U16:
    case SL_WIT_S16:
    case SL_WIT_U32:
    case SL_WIT_S32:
    case SL_WIT_CHAR:
    case SL_WIT_U64:
    case SL_WIT_S64: {
        unsigned bits = (unsigned)size_of((struct sl_wit_type *)d) * 8;
        line(g, "sl_abi_store_u%u(call, %s, (uint%u_t)(%s));", bits, addr, bits, src);
        return;
    }
    case SL_WIT_FLOAT32:
    case SL_WIT_FLOAT64:
        line(g, "sl_abi_store_f%d(call, %s, %s);", d->kind == SL_WIT_FLOAT32 ? 32 : 64, addr, src);
        return;
    case SL_WIT_HANDLE: {
        struct str rv;
        line(g, "sl_abi_store_u32(call, %s, sl_abi_handle_new(call, &%s, %s));", addr,
             res_var(g, d, &rv), src);
        return;
    }
    case SL_WIT_ENUM: {
        unsigned tb = tag_bytes(d->nmembers);
        line(g, "if ((%s) >= %zuu)", src, d->nmembers);
        line(g, "    sl_abi_trap(call, \"host returned an invalid enum value\");");
        line(g, "sl_abi_store_u%u(call, %s, (uint%u_t)(%s));", tb * 8, addr, tb * 8, src);
        return;
    }
    case SL_WIT_FLAGS: {
        size_t nf = d->nmembers;
        unsigned bits = nf <= 8 ? 8 : nf <= 16 ? 16 : nf <= 32 ? 32 : 64;
        line(g, "sl_abi_store_u%u(call, %s, (uint%u_t)(%s));", bits, addr, bits, src);
        return;
    }
    case SL_WIT_LIST: {
        uint64_t es = size_of(d->elem);
        unsigned k = g->tmp++;
        line(g, "{");
        g->indent++;
        line(g, "uint32_t lp%u = sl_abi_realloc(call, %llu, (%s).len, %llu);", k,
             (unsigned long long)align_of(d->elem), src, (unsigned long long)es);
        line(g, "for (size_t i%u = 0; i%u < (%s).len; i%u++) {", k, k, src, k);
        g->indent++;
        struct str el = fmt(g, "(%s).ptr[i%u]", src, k);
        struct str ea = fmt(g, "(uint64_t)lp%u + (uint64_t)i%u * %llu", k, k,
                            (unsigned long long)es);
        lower_mem(g, d->elem, el.s, ea.s);
        g->indent--;
        line(g, "}");
        line(g, "sl_abi_store_u32(call, (%s) + 4, (uint32_t)(%s).len);", addr, src);
        line(g, "sl_abi_store_u32(call, %s, lp%u);", addr, k);
        g->indent--;
        line(g, "}");
        return;
    }
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE: {
        uint64_t off = 0;
        for (size_t i = 0; i < d->nmembers; i++) {
            struct sl_wit_type *ft = d->members[i].type;
            off = align_up(off, align_of(ft));
            if (!is_unit(ft)) {
                struct str mn = d->kind == SL_WIT_TUPLE ? fmt(g, "f%zu", i)
                                                         : ident(g, d->members[i].name);
                struct str sub = fmt(g, "(%s).%s", src, mn.s);
                struct str fa = fmt(g, "(%s) + %llu", addr, (unsigned long long)off);
                lower_mem(g, ft, sub.s, fa.s);
            }
            off += size_of(ft);
        }
        return;
    }
    case SL_WIT_VARIANT:
    case SL_WIT_UNION:
    case SL_WIT_OPTION:
    case SL_WIT_EXPECTED: {
        unsigned tb = tag_bytes(sl_wit_ncases(d));
        uint64_t po = sl_wit_payload_offset((struct sl_wit_type *)d);
        if (d->kind == SL_WIT_OPTION || d->kind == SL_WIT_EXPECTED) {
            bool opt = d->kind == SL_WIT_OPTION;
            line(g, "if ((%s).%s) {", src, opt ? "is_some" : "is_err");
        } else
            line(g, "switch ((%s).tag) {", src);
        for (size_t k = 0; k < sl_wit_ncases(d); k++) {
            /* option and expected: the `if` branch is case 1 (some / err) */
            size_t i = d->kind == SL_WIT_OPTION || d->kind == SL_WIT_EXPECTED ? 1 - k : k;
            if (d->kind == SL_WIT_OPTION || d->kind == SL_WIT_EXPECTED) {
                if (k == 1)
                    line(g, "} else {");
            } else
                line(g, "case %zu:", i);
            g->indent++;
            line(g, "sl_abi_store_u%u(call, %s, %zu);", tb * 8, addr, i);
            struct sl_wit_type *ct = sl_wit_case_type(d, i);
            if (!is_unit(ct)) {
                struct str mb, sub = fmt(g, "(%s).%s", src, case_member(g, d, i, &mb));
                struct str pa = fmt(g, "(%s) + %llu", addr, (unsigned long long)po);
                lower_mem(g, ct, sub.s, pa.s);
            }
            if (d->kind != SL_WIT_OPTION && d->kind != SL_WIT_EXPECTED)
                line(g, "break;");
            g->indent--;
        }
        if (d->kind == SL_WIT_OPTION || d->kind == SL_WIT_EXPECTED)
            line(g, "}");
        else {
            line(g, "default:");
            line(g, "    sl_abi_trap(call, \"host returned an invalid variant case\");");
            line(g, "}");
        }
        return;
    }
    default:
        return;
    }
}

/* ---- lowering into flat values (direct results, export arguments) ---- */

/* vars[k] are locals of the joined core types; cur advances past t's values. */
static void lower_flat(struct gen *g, struct sl_wit_type *t, const char *src,
                       const struct slot *vars, size_t n, size_t *cur)
{
    const struct sl_wit_type *d = deref(t);
    if (d == NULL || d->kind == SL_WIT_UNIT || g->rc != SL_OK)
        return;
    struct sl_wit_flat need = {0};
    sl_wit_type_flatten(t, &need);
    if (*cur + need.n > n) {
        g->rc = SL_EINVAL;
        return;
    }
    const struct slot *v = &vars[*cur];
    if (is_bytes(d) || d->kind == SL_WIT_LIST) {
        unsigned k = g->tmp++;
        line(g, "{");
        g->indent++;
        if (is_bytes(d))
            line(g, "uint32_t lp%u = sl_abi_lower_bytes(call, %s);", k, src);
        else {
            uint64_t es = size_of(d->elem);
            line(g, "uint32_t lp%u = sl_abi_realloc(call, %llu, (%s).len, %llu);", k,
                 (unsigned long long)align_of(d->elem), src, (unsigned long long)es);
            line(g, "for (size_t i%u = 0; i%u < (%s).len; i%u++) {", k, k, src, k);
            g->indent++;
            struct str el = fmt(g, "(%s).ptr[i%u]", src, k);
            struct str ea = fmt(g, "(uint64_t)lp%u + (uint64_t)i%u * %llu", k, k,
                                (unsigned long long)es);
            lower_mem(g, d->elem, el.s, ea.s);
            g->indent--;
            line(g, "}");
        }
        struct str a = fmt(g, "lp%u", k), l = fmt(g, "(uint32_t)(%s).len", src);
        struct str ca = conv_to(g, a.s, SL_WIT_I32, v->have);
        struct str cl = conv_to(g, l.s, SL_WIT_I32, vars[*cur + 1].have);
        line(g, "%s = %s;", v->expr.s, ca.s);
        line(g, "%s = %s;", vars[*cur + 1].expr.s, cl.s);
        g->indent--;
        line(g, "}");
        *cur += 2;
        return;
    }
    switch (d->kind) {
    case SL_WIT_BOOL:
    case SL_WIT_U8:
    case SL_WIT_U16:
    case SL_WIT_U32:
    case SL_WIT_CHAR:
    case SL_WIT_ENUM: {
        struct str x = fmt(g, "(uint32_t)(%s)", src);
        struct str c = conv_to(g, x.s, SL_WIT_I32, v->have);
        line(g, "%s = %s;", v->expr.s, c.s);
        break;
    }
    case SL_WIT_S8:
    case SL_WIT_S16:
    case SL_WIT_S32: {
        struct str x = fmt(g, "(uint32_t)(int32_t)(%s)", src);
        struct str c = conv_to(g, x.s, SL_WIT_I32, v->have);
        line(g, "%s = %s;", v->expr.s, c.s);
        break;
    }
    case SL_WIT_U64:
    case SL_WIT_S64: {
        line(g, "%s = (uint64_t)(%s);", v->expr.s, src);
        break;
    }
    case SL_WIT_FLOAT32:
    case SL_WIT_FLOAT64: {
        struct str c = conv_to(g, src, d->kind == SL_WIT_FLOAT32 ? SL_WIT_F32 : SL_WIT_F64,
                               v->have);
        line(g, "%s = %s;", v->expr.s, c.s);
        break;
    }
    case SL_WIT_HANDLE: {
        struct str rv;
        struct str x = fmt(g, "sl_abi_handle_new(call, &%s, %s)", res_var(g, d, &rv), src);
        struct str c = conv_to(g, x.s, SL_WIT_I32, v->have);
        line(g, "%s = %s;", v->expr.s, c.s);
        break;
    }
    case SL_WIT_FLAGS:
        if (d->nmembers <= 32) {
            struct str x = fmt(g, "(uint32_t)(%s)", src);
            struct str c = conv_to(g, x.s, SL_WIT_I32, v->have);
            line(g, "%s = %s;", v->expr.s, c.s);
        } else {
            struct str lo = fmt(g, "(uint32_t)(%s)", src), hi = fmt(g, "(uint32_t)((%s) >> 32)", src);
            struct str c1 = conv_to(g, lo.s, SL_WIT_I32, v->have);
            struct str c2 = conv_to(g, hi.s, SL_WIT_I32, vars[*cur + 1].have);
            line(g, "%s = %s;", v->expr.s, c1.s);
            line(g, "%s = %s;", vars[*cur + 1].expr.s, c2.s);
            (*cur)++;
        }
        break;
    case SL_WIT_RECORD:
    case SL_WIT_TUPLE:
        for (size_t i = 0; i < d->nmembers; i++) {
            if (is_unit(d->members[i].type))
                continue;
            struct str mn = d->kind == SL_WIT_TUPLE ? fmt(g, "f%zu", i)
                                                     : ident(g, d->members[i].name);
            struct str sub = fmt(g, "(%s).%s", src, mn.s);
            lower_flat(g, d->members[i].type, sub.s, vars, n, cur);
        }
        return;
    case SL_WIT_VARIANT:
    case SL_WIT_UNION:
    case SL_WIT_OPTION:
    case SL_WIT_EXPECTED: {
        struct sl_wit_flat fl = {0};
        sl_wit_type_flatten(t, &fl);
        bool two = d->kind == SL_WIT_OPTION || d->kind == SL_WIT_EXPECTED;
        if (two)
            line(g, "switch ((%s).%s ? 1 : 0) {", src,
                 d->kind == SL_WIT_OPTION ? "is_some" : "is_err");
        else
            line(g, "switch ((%s).tag) {", src);
        for (size_t i = 0; i < sl_wit_ncases(d); i++) {
            line(g, "case %zu:", i);
            g->indent++;
            struct str tv = fmt(g, "%zuu", i);
            struct str c = conv_to(g, tv.s, SL_WIT_I32, v->have);
            line(g, "%s = %s;", v->expr.s, c.s);
            struct sl_wit_type *ct = sl_wit_case_type(d, i);
            if (!is_unit(ct)) {
                struct str mb, sub = fmt(g, "(%s).%s", src, case_member(g, d, i, &mb));
                size_t pc = *cur + 1;
                lower_flat(g, ct, sub.s, vars, n, &pc);
            }
            line(g, "break;");
            g->indent--;
        }
        line(g, "default:");
        line(g, "    sl_abi_trap(call, \"host passed an invalid variant case\");");
        line(g, "}");
        *cur += fl.n;
        return;
    }
    default:
        break;
    }
    (*cur)++;
}

/* ---- functions ---- */

struct fn_names {
    struct str base;  /* <p>_<resource>_<func> */
    struct str field; /* import field: "keyvalue::get" */
};

static void fn_names(struct gen *g, const struct sl_wit_func *f, struct fn_names *n)
{
    struct str fi = ident(g, f->name);
    if (f->resource != NULL) {
        struct str r = ident(g, f->resource->name);
        n->base = fmt(g, "%s_%s_%s", sl_buf_cstr(&g->pfx), r.s, fi.s);
    } else
        n->base = fmt(g, "%s_%s", sl_buf_cstr(&g->pfx), fi.s);
    struct sl_buf b = SL_BUF_INIT;
    if (sl_wit_func_field(f, &b) != SL_OK && g->rc == SL_OK)
        g->rc = SL_ENOMEM;
    n->field = fmt(g, "%s", b.data ? b.data : "");
    sl_buf_release(&b);
}

/* The typed parameter list of the capability function or export caller. */
static void typed_params(struct gen *g, struct sl_buf *b, const struct sl_wit_func *f,
                         bool with_self)
{
    if (with_self && f->resource != NULL && !f->is_static)
        emit_raw(g, b, ", void *self");
    for (size_t i = 0; i < f->nparams; i++) {
        if (is_unit(f->params[i].type))
            continue;
        struct str ty = host_type(g, f->params[i].type);
        struct str nm = ident(g, f->params[i].name);
        emit_raw(g, b, by_pointer(f->params[i].type) ? ", const %s *%s" : ", %s %s", ty.s, nm.s);
    }
    if (!is_unit(f->result)) {
        struct str rt = host_type(g, f->result);
        emit_raw(g, b, ", %s *ret", rt.s);
    }
}

static void sig_letters(struct gen *g, const struct sl_wit_sig *sig, struct str *out)
{
    char s[64];
    size_t k = 0;
    for (size_t i = 0; i < sig->params.n && k < 40; i++)
        s[k++] = "iIfF"[sig->params.v[i]];
    s[k++] = ':';
    for (size_t i = 0; i < sig->results.n && k < 60; i++)
        s[k++] = "iIfF"[sig->results.v[i]];
    s[k] = '\0';
    *out = fmt(g, "%s", s);
}

/* Declarations in the header: the function the capability implements. */
static void declare_import(struct gen *g, const struct sl_wit_func *f, const struct fn_names *n)
{
    if (f->docs != NULL) {
        /* one comment line: the first line of the doc text, no comment terminator */
        char doc[160];
        size_t k = 0;
        for (const char *d = f->docs; *d && *d != '\n' && k + 1 < sizeof(doc); d++)
            doc[k++] = (d[0] == '*' && d[1] == '/') ? '+' : *d;
        doc[k] = '\0';
        emit_raw(g, g->h, "\n/* %s: %s */\n", n->field.s, doc);
    }
    else
        emit_raw(g, g->h, "\n/* %s */\n", n->field.s);
    emit_raw(g, g->h, "void sl_%s(struct sl_abi_call *call", n->base.s);
    typed_params(g, g->h, f, true);
    emit_raw(g, g->h, ");\n");
}

/* The local of parameter i: "p<i>" holding the host value. */
static void gen_import(struct gen *g, struct sl_wit_func *f)
{
    struct fn_names n;
    fn_names(g, f, &n);
    declare_import(g, f, &n);
    struct sl_wit_sig sig;
    sl_wit_func_sig(f, false, &sig);
    bool ret_direct = !sig.retptr && sig.results.n == 1;
    struct sl_buf *c = g->c;
    g->out = c;
    g->indent = 0;
    emit_raw(g, c, "\nstatic %s w_%s(struct sl_instance *inst",
             ret_direct ? core_ctype(sig.results.v[0]) : "void", n.base.s);
    struct slot slots[SL_WIT_FLAT_CAP];
    for (size_t i = 0; i < sig.params.n; i++) {
        emit_raw(g, c, ", %s a%zu", core_ctype(sig.params.v[i]), i);
        slots[i].expr = fmt(g, "a%zu", i);
        slots[i].have = sig.params.v[i];
    }
    emit_raw(g, c, ")\n{\n");
    g->indent = 1;
    line(g, "struct sl_abi_call call_, *call = &call_;");
    line(g, "sl_abi_call_begin(call, inst, \"%s\");", n.field.s);
    bool has_self = f->resource != NULL && !f->is_static;
    if (has_self) {
        line(g, "void *self;");
    }
    for (size_t i = 0; i < f->nparams; i++) {
        if (is_unit(f->params[i].type))
            continue;
        struct str ty = host_type(g, f->params[i].type);
        line(g, "%s p%zu;", ty.s, i);
        if (by_pointer(f->params[i].type))
            line(g, "memset(&p%zu, 0, sizeof(p%zu));", i, i);
    }
    if (!is_unit(f->result)) {
        struct str rt = host_type(g, f->result);
        line(g, "%s r;", rt.s);
        line(g, "memset(&r, 0, sizeof(r));");
    }
    size_t nparam_slots = sig.retptr ? sig.params.n - 1 : sig.params.n;
    size_t cur = 0;
    if (!sig.indirect_params) {
        if (has_self) {
            struct str rv;
            struct sl_wit_type *ht = f->resource->handle;
            line(g, "self = sl_abi_handle_get(call, &%s, a0);", res_var(g, ht, &rv));
            cur = 1;
        }
        for (size_t i = 0; i < f->nparams; i++) {
            struct str dst = fmt(g, "p%zu", i);
            lift_flat(g, f->params[i].type, slots, nparam_slots, &cur, dst.s);
        }
    } else {
        /* parameters in memory at a0, laid out as a record */
        uint64_t off = 0;
        if (has_self) {
            struct str rv;
            line(g, "self = sl_abi_handle_get(call, &%s, sl_abi_load_u32(call, a0));",
                 res_var(g, f->resource->handle, &rv));
            off = 4;
        }
        for (size_t i = 0; i < f->nparams; i++) {
            struct sl_wit_type *pt = f->params[i].type;
            off = align_up(off, align_of(pt));
            struct str dst = fmt(g, "p%zu", i);
            struct str ad = fmt(g, "(uint64_t)a0 + %llu", (unsigned long long)off);
            lift_mem(g, pt, ad.s, dst.s, BORROW);
            off += size_of(pt);
        }
    }
    if (sig.retptr)
        line(g, "sl_abi_check_range(call, a%zu, %llu);", sig.params.n - 1,
             (unsigned long long)sl_wit_type_footprint(f->result));
    /* the call */
    {
        struct sl_buf args = SL_BUF_INIT;
        if (has_self)
            emit_raw(g, &args, ", self");
        for (size_t i = 0; i < f->nparams; i++)
            if (!is_unit(f->params[i].type))
                emit_raw(g, &args, by_pointer(f->params[i].type) ? ", &p%zu" : ", p%zu", i);
        if (!is_unit(f->result))
            emit_raw(g, &args, ", &r");
        line(g, "sl_%s(call%s);", n.base.s, sl_buf_cstr(&args));
        sl_buf_release(&args);
    }
    if (sig.retptr) {
        struct str ra = fmt(g, "(uint64_t)a%zu", sig.params.n - 1);
        lower_mem(g, f->result, "r", ra.s);
        line(g, "sl_abi_call_end(call);");
    } else if (ret_direct) {
        line(g, "%s v0 = 0;", core_ctype(sig.results.v[0]));
        struct slot v = {fmt(g, "v0"), sig.results.v[0]};
        size_t vc = 0;
        lower_flat(g, f->result, "r", &v, 1, &vc);
        line(g, "sl_abi_call_end(call);");
        line(g, "return v0;");
    } else
        line(g, "sl_abi_call_end(call);");
    g->indent = 0;
    emit_raw(g, c, "}\n");
}

/* A guest export the host calls: a typed caller. */
static void gen_export(struct gen *g, struct sl_wit_func *f)
{
    struct fn_names n;
    fn_names(g, f, &n);
    struct sl_wit_sig sig;
    sl_wit_func_sig(f, true, &sig);
    struct str letters;
    sig_letters(g, &sig, &letters);
    struct str up = upper(g, n.base.s);
    emit_raw(g, g->h, "\n/* Calls the guest's export \"%s\" (core type \"%s\"). */\n", f->name,
             letters.s);
    emit_raw(g, g->h, "#define SL_%s_SIG \"%s\"\n", up.s, letters.s);
    struct sl_buf proto = SL_BUF_INIT;
    emit_raw(g, &proto, "void sl_%s_call(struct sl_abi_call *call, const struct sl_guest_export *exp",
             n.base.s);
    typed_params(g, &proto, f, false);
    emit_raw(g, &proto, ")");
    emit_raw(g, g->h, "%s;\n", sl_buf_cstr(&proto));
    struct sl_buf *c = g->c;
    g->out = c;
    emit_raw(g, c, "\n%s\n{\n", sl_buf_cstr(&proto));
    sl_buf_release(&proto);
    g->indent = 1;
    size_t nargs = sig.params.n;
    line(g, "uint64_t args[%zu] = {0};", nargs ? nargs : 1);
    line(g, "uint64_t results[1] = {0};");
    struct slot vars[SL_WIT_FLAT_CAP];
    if (!sig.indirect_params) {
        for (size_t i = 0; i < nargs; i++) {
            vars[i].expr = fmt(g, "v%zu", i);
            vars[i].have = sig.params.v[i];
            line(g, "%s v%zu = 0;", core_ctype(sig.params.v[i]), i);
        }
        size_t cur = 0;
        for (size_t i = 0; i < f->nparams; i++) {
            struct str src = fmt(g, by_pointer(f->params[i].type) ? "(*%s)" : "%s",
                                 ident(g, f->params[i].name).s);
            lower_flat(g, f->params[i].type, src.s, vars, nargs, &cur);
        }
        for (size_t i = 0; i < nargs; i++) {
            switch (sig.params.v[i]) {
            case SL_WIT_F32:
                line(g, "args[%zu] = sl_abi_f32_bits(v%zu);", i, i);
                break;
            case SL_WIT_F64:
                line(g, "args[%zu] = sl_abi_f64_bits(v%zu);", i, i);
                break;
            default:
                line(g, "args[%zu] = v%zu;", i, i);
            }
        }
    } else {
        /* all parameters in one guest allocation, laid out as a record */
        uint64_t off = 0, al = 1;
        for (size_t i = 0; i < f->nparams; i++) {
            struct sl_wit_type *pt = f->params[i].type;
            off = align_up(off, align_of(pt)) + size_of(pt);
            al = align_of(pt) > al ? align_of(pt) : al;
        }
        line(g, "uint32_t pa = sl_abi_realloc(call, %llu, 1, %llu);", (unsigned long long)al,
             (unsigned long long)align_up(off, al));
        off = 0;
        for (size_t i = 0; i < f->nparams; i++) {
            struct sl_wit_type *pt = f->params[i].type;
            off = align_up(off, align_of(pt));
            struct str src = fmt(g, by_pointer(pt) ? "(*%s)" : "%s", ident(g, f->params[i].name).s);
            struct str ad = fmt(g, "(uint64_t)pa + %llu", (unsigned long long)off);
            lower_mem(g, pt, src.s, ad.s);
            off += size_of(pt);
        }
        line(g, "args[0] = pa;");
    }
    line(g, "sl_abi_call_export(call, exp, args, results);");
    if (sig.retptr) {
        line(g, "uint32_t rp = (uint32_t)results[0];");
        line(g, "sl_abi_check_range(call, rp, %llu);", (unsigned long long)sl_wit_type_footprint(f->result));
        lift_mem(g, f->result, "(uint64_t)rp", "(*ret)", OWN);
    } else if (sig.results.n == 1) {
        struct slot r = {fmt(g, "results[0]"), SL_WIT_I64};
        size_t cur = 0;
        lift_flat(g, f->result, &r, 1, &cur, "(*ret)");
    }
    g->indent = 0;
    emit_raw(g, c, "}\n");
}

/* ---- resources ---- */

static void gen_resource(struct gen *g, const struct sl_wit_resource *r)
{
    struct str rn = ident(g, r->name);
    const char *p = sl_buf_cstr(&g->pfx);
    emit_raw(g, g->h,
             "\n/* Resource %s: releases a host object when its last handle goes (capability). */\n"
             "void sl_%s_%s_drop(void *obj);\n"
             "extern const struct sl_abi_resource sl_%s_res_%s;\n",
             r->name, p, rn.s, p, rn.s);
    emit_raw(g, g->c,
             "\nconst struct sl_abi_resource sl_%s_res_%s = {\"%s\", \"%s\", sl_%s_%s_drop};\n"
             "\nstatic void w_drop_%s(struct sl_instance *inst, uint32_t h)\n{\n"
             "    struct sl_abi_call call_, *call = &call_;\n"
             "    sl_abi_call_begin(call, inst, \"canonical_abi.resource_drop_%s\");\n"
             "    sl_abi_handle_drop(call, &sl_%s_res_%s, h);\n"
             "    sl_abi_call_end(call);\n}\n"
             "\nstatic uint32_t w_clone_%s(struct sl_instance *inst, uint32_t h)\n{\n"
             "    struct sl_abi_call call_, *call = &call_;\n"
             "    sl_abi_call_begin(call, inst, \"canonical_abi.resource_clone_%s\");\n"
             "    uint32_t n = sl_abi_handle_clone(call, &sl_%s_res_%s, h);\n"
             "    sl_abi_call_end(call);\n    return n;\n}\n",
             p, rn.s, g->iface->name, r->name, p, rn.s, rn.s, r->name, p, rn.s, rn.s, r->name, p,
             rn.s);
}

/* ---- driver ---- */

static void each_func(struct gen *g, void (*fn)(struct gen *g, struct sl_wit_func *f))
{
    for (size_t i = 0; i < g->iface->nitems && g->rc == SL_OK; i++) {
        struct sl_wit_item *it = &g->iface->items[i];
        if (it->kind == SL_WIT_ITEM_FUNC)
            fn(g, it->u.func);
        else if (it->kind == SL_WIT_ITEM_RESOURCE)
            for (size_t j = 0; j < it->u.resource->nfuncs; j++)
                fn(g, &it->u.resource->funcs[j]);
    }
}

static void define_func_types(struct gen *g, struct sl_wit_func *f)
{
    for (size_t i = 0; i < f->nparams; i++)
        define_type(g, f->params[i].type);
    define_type(g, f->result);
}

static void table_row(struct gen *g, struct sl_wit_func *f)
{
    struct fn_names n;
    fn_names(g, f, &n);
    struct sl_wit_sig sig;
    sl_wit_func_sig(f, false, &sig);
    struct str letters;
    sig_letters(g, &sig, &letters);
    emit_raw(g, g->c, "    {\"%s\", \"%s\", \"%s\", (void (*)(void))w_%s},\n", g->iface->name,
             n.field.s, letters.s, n.base.s);
}

sl_err sl_wit_gen_host(struct sl_wit_iface *iface, bool export, struct sl_buf *h,
                       struct sl_buf *c)
{
    struct gen g;
    memset(&g, 0, sizeof(g));
    g.iface = iface;
    g.h = h;
    g.c = c;
    g.pfx = (struct sl_buf)SL_BUF_INIT;
    g.rc = sl_wit_c_ident(iface->name, &g.pfx);
    const char *p = sl_buf_cstr(&g.pfx);
    struct str guard = upper(&g, p);
    emit_raw(&g, h,
             "/* Generated by witgen from %s: host glue of interface \"%s\". Do not edit. */\n"
             "#ifndef SL_GEN_%s_%s_H\n#define SL_GEN_%s_%s_H\n\n"
             "#include \"sl_common.h\"\n\n#include \"abi/abi_rt.h\"\n%s",
             iface->path, iface->name, guard.s, export ? "EXPORTS" : "HOST", guard.s,
             export ? "EXPORTS" : "HOST", export ? "" : "#include \"engine/host_fn.h\"\n");
    emit_raw(&g, c,
             "/* Generated by witgen from %s. Do not edit. */\n"
             "#include \"sl_common.h\"\n\n#include \"%s_%s.h\"\n\n#include <string.h>\n",
             iface->path, p, export ? "exports" : "host");
    each_func(&g, define_func_types);
    if (!export) {
        for (size_t i = 0; i < iface->nitems && g.rc == SL_OK; i++)
            if (iface->items[i].kind == SL_WIT_ITEM_RESOURCE)
                gen_resource(&g, iface->items[i].u.resource);
        each_func(&g, gen_import);
        emit_raw(&g, c, "\nstatic const struct sl_host_fn fns[] = {\n");
        each_func(&g, table_row);
        for (size_t i = 0; i < iface->nitems && g.rc == SL_OK; i++) {
            if (iface->items[i].kind != SL_WIT_ITEM_RESOURCE)
                continue;
            const struct sl_wit_resource *r = iface->items[i].u.resource;
            struct str rn = ident(&g, r->name);
            emit_raw(&g, c,
                     "    {\"canonical_abi\", \"resource_drop_%s\", \"i:\", "
                     "(void (*)(void))w_drop_%s},\n"
                     "    {\"canonical_abi\", \"resource_clone_%s\", \"i:i\", "
                     "(void (*)(void))w_clone_%s},\n",
                     r->name, rn.s, r->name, rn.s);
        }
        emit_raw(&g, c, "};\n\nconst struct sl_host_fn_table sl_%s_host_fns = {fns, "
                        "sizeof(fns) / sizeof(fns[0])};\n", p);
        emit_raw(&g, h, "\n/* The import functions of \"%s\" for the link step. */\n"
                        "extern const struct sl_host_fn_table sl_%s_host_fns;\n",
                 iface->name, p);
    } else
        each_func(&g, gen_export);
    emit_raw(&g, h, "\n#endif\n");
    for (size_t i = 0; i < g.ndefined; i++)
        sl_free((char *)g.defined[i]);
    sl_buf_release(&g.pfx);
    return g.rc;
}
