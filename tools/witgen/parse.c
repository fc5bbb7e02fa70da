/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parse.c -- lexer and recursive-descent parser for slight's WIT dialect
 * (wit-bindgen 0.2 syntax) into the AST of wit.h. Stops at the first error,
 * reported as "file:line:col: expected X, found Y". Names are not resolved
 * here (resolve.c does that), so forward references need no special case.
 */
#include "sl_common.h"

#include "wit.h"

#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_TYPE_DEPTH 64
#define MAX_ENTRIES    10000 /* items, members or parameters in one list */

enum tok_kind {
    T_EOF,
    T_ID,     /* identifiers and keywords; explicit %ids are never keywords */
    T_LPAREN, /* ( */
    T_RPAREN, /* ) */
    T_LBRACE, /* { */
    T_RBRACE, /* } */
    T_LT,     /* < */
    T_GT,     /* > */
    T_COMMA,  /* , */
    T_COLON,  /* : */
    T_EQ,     /* = */
    T_STAR,   /* * */
    T_ARROW,  /* -> */
};

struct tok {
    enum tok_kind kind;
    const char *text; /* identifiers: without the leading % */
    size_t len;
    bool explicit_id;
    uint32_t line, col;
    const char *docs; /* doc comments right before the token, or NULL */
};

struct parser {
    struct sl_wit_ctx *ctx;
    const char *path;
    const char *src, *end, *p;
    uint32_t line;
    const char *line_start;
    struct sl_buf docs;
    struct tok tok;
    struct sl_error *err;
    sl_err rc; /* the first error; parsing stops there */
};

static const char *const keywords[] = {
    "use",      "type",  "resource", "func",  "u8",      "u16",     "u32",    "u64",
    "s8",       "s16",   "s32",      "s64",   "float32", "float64", "char",   "handle",
    "record",   "flags", "variant",  "enum",  "union",   "bool",    "string", "option",
    "expected", "list",  "unit",     "tuple", "static",  "as",      "from",   "_",
};

static bool set_error(struct parser *ps, uint32_t line, uint32_t col, const char *fmt, ...)
    SL_PRINTF(4, 5);

static bool set_error(struct parser *ps, uint32_t line, uint32_t col, const char *fmt, ...)
{
    if (ps->rc != SL_OK)
        return false;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ps->rc = sl_error_set(ps->err, SL_EINVAL, "%s:%u:%u: %s", ps->path, line, col, msg);
    return false;
}

static bool nomem(struct parser *ps)
{
    if (ps->rc == SL_OK)
        ps->rc = sl_error_set(ps->err, SL_ENOMEM, "%s: out of memory", ps->path);
    return false;
}

/* ---- lexer ---- */

static bool is_id_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_id_char(int c)
{
    return is_id_start(c) || (c >= '0' && c <= '9');
}

static uint32_t col_of(const struct parser *ps, const char *at)
{
    return (uint32_t)(at - ps->line_start) + 1;
}

static void newline(struct parser *ps, const char *after)
{
    ps->line++;
    ps->line_start = after;
}

static bool add_doc(struct parser *ps, const char *s, size_t len)
{
    if (len > 0 && *s == ' ') {
        s++;
        len--;
    }
    if (sl_buf_append(&ps->docs, s, len) != SL_OK || sl_buf_append(&ps->docs, "\n", 1) != SL_OK)
        return nomem(ps);
    return true;
}

/* Skips whitespace and comments, collecting doc comments. */
static bool skip_space(struct parser *ps)
{
    while (ps->p < ps->end) {
        const char *p = ps->p;
        char c = *p;
        if (c == '\n') {
            ps->p++;
            newline(ps, ps->p);
        } else if (c == ' ' || c == '\t' || c == '\r') {
            ps->p++;
        } else if (c == '/' && p + 1 < ps->end && p[1] == '/') {
            const char *e = memchr(p, '\n', (size_t)(ps->end - p));
            if (e == NULL)
                e = ps->end;
            if (e - p >= 3 && p[2] == '/' && !(e - p >= 4 && p[3] == '/')) {
                size_t n = (size_t)(e - p - 3);
                if (n > 0 && p[3 + n - 1] == '\r')
                    n--;
                if (!add_doc(ps, p + 3, n))
                    return false;
            }
            ps->p = e;
        } else if (c == '/' && p + 1 < ps->end && p[1] == '*') {
            uint32_t line = ps->line, col = col_of(ps, p);
            bool doc = p + 2 < ps->end && p[2] == '*' && !(p + 3 < ps->end && p[3] == '/');
            const char *q = p + 2;
            const char *body = q + (doc ? 1 : 0);
            unsigned long depth = 1;
            while (depth > 0) {
                if (q >= ps->end)
                    return set_error(ps, line, col, "unterminated comment");
                if (*q == '\n') {
                    q++;
                    newline(ps, q);
                } else if (*q == '*' && q + 1 < ps->end && q[1] == '/') {
                    depth--;
                    q += 2;
                } else if (*q == '/' && q + 1 < ps->end && q[1] == '*') {
                    depth++;
                    q += 2;
                } else {
                    q++;
                }
            }
            if (doc && !add_doc(ps, body, (size_t)(q - 2 - body)))
                return false;
            ps->p = q;
        } else {
            break;
        }
    }
    return true;
}

static bool next(struct parser *ps)
{
    if (!skip_space(ps))
        return false;
    struct tok *t = &ps->tok;
    memset(t, 0, sizeof(*t));
    t->line = ps->line;
    t->col = col_of(ps, ps->p);
    t->text = ps->p;
    if (ps->docs.len > 0) {
        t->docs = sl_wit_strndup(ps->ctx, ps->docs.data, ps->docs.len);
        sl_buf_reset(&ps->docs);
        if (t->docs == NULL)
            return nomem(ps);
    }
    if (ps->p >= ps->end) {
        t->kind = T_EOF;
        return true;
    }
    const char *p = ps->p;
    unsigned char c = (unsigned char)*p;
    if (is_id_start(c) || (c == '%' && p + 1 < ps->end && is_id_start((unsigned char)p[1]))) {
        if (c == '%') {
            t->explicit_id = true;
            p++;
        }
        const char *s = p;
        while (p < ps->end) {
            if (is_id_char((unsigned char)*p))
                p++;
            else if (*p == '-' && p + 1 < ps->end && is_id_char((unsigned char)p[1]))
                p++;
            else
                break;
        }
        t->kind = T_ID;
        t->text = s;
        t->len = (size_t)(p - s);
        ps->p = p;
        return true;
    }
    t->len = 1;
    switch (c) {
    case '(':
        t->kind = T_LPAREN;
        break;
    case ')':
        t->kind = T_RPAREN;
        break;
    case '{':
        t->kind = T_LBRACE;
        break;
    case '}':
        t->kind = T_RBRACE;
        break;
    case '<':
        t->kind = T_LT;
        break;
    case '>':
        t->kind = T_GT;
        break;
    case ',':
        t->kind = T_COMMA;
        break;
    case ':':
        t->kind = T_COLON;
        break;
    case '=':
        t->kind = T_EQ;
        break;
    case '*':
        t->kind = T_STAR;
        break;
    case '-':
        if (p + 1 < ps->end && p[1] == '>') {
            t->kind = T_ARROW;
            t->len = 2;
            break;
        }
        return set_error(ps, t->line, t->col, "unexpected character '-'");
    default:
        if (c > 0x20 && c < 0x7f)
            return set_error(ps, t->line, t->col, "unexpected character '%c'", c);
        return set_error(ps, t->line, t->col, "unexpected byte 0x%02x", c);
    }
    ps->p += t->len;
    return true;
}

/* ---- parser helpers ---- */

static bool is_keyword_text(const char *s, size_t len)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(keywords); i++)
        if (strlen(keywords[i]) == len && memcmp(keywords[i], s, len) == 0)
            return true;
    return false;
}

static bool at_kw(const struct parser *ps, const char *kw)
{
    const struct tok *t = &ps->tok;
    return t->kind == T_ID && !t->explicit_id && strlen(kw) == t->len
           && memcmp(kw, t->text, t->len) == 0;
}

static bool at_name(const struct parser *ps)
{
    const struct tok *t = &ps->tok;
    return t->kind == T_ID && (t->explicit_id || !is_keyword_text(t->text, t->len));
}

static bool unexpected(struct parser *ps, const char *what)
{
    const struct tok *t = &ps->tok;
    if (t->kind == T_EOF)
        return set_error(ps, t->line, t->col, "expected %s, found end of file", what);
    int n = t->len > 40 ? 40 : (int)t->len;
    return set_error(ps, t->line, t->col, "expected %s, found '%s%.*s%s'", what,
                     t->explicit_id ? "%" : "", n, t->text, t->len > 40 ? "..." : "");
}

static bool expect(struct parser *ps, enum tok_kind kind, const char *what)
{
    if (ps->tok.kind != kind)
        return unexpected(ps, what);
    return next(ps);
}

static bool expect_kw(struct parser *ps, const char *kw)
{
    if (!at_kw(ps, kw)) {
        char what[32];
        snprintf(what, sizeof(what), "'%s'", kw);
        return unexpected(ps, what);
    }
    return next(ps);
}

static struct sl_wit_pos here(const struct parser *ps)
{
    return (struct sl_wit_pos){ps->path, ps->tok.line, ps->tok.col};
}

/* Takes the current identifier as a name into *out. */
static bool parse_name(struct parser *ps, const char **out, struct sl_wit_pos *pos)
{
    if (!at_name(ps))
        return unexpected(ps, "identifier");
    if (pos != NULL)
        *pos = here(ps);
    *out = sl_wit_strndup(ps->ctx, ps->tok.text, ps->tok.len);
    if (*out == NULL)
        return nomem(ps);
    return next(ps);
}

/* Grows an arena array by one element; old contents are copied. */
static void *push(struct parser *ps, void *arr, size_t *n, size_t *cap, size_t elem)
{
    if (*n >= MAX_ENTRIES) {
        set_error(ps, ps->tok.line, ps->tok.col, "more than %d entries in one list", MAX_ENTRIES);
        return NULL;
    }
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        void *grown = sl_wit_alloc_array(ps->ctx, ncap, elem);
        if (grown == NULL) {
            nomem(ps);
            return NULL;
        }
        if (*n > 0)
            memcpy(grown, arr, *n * elem);
        arr = grown;
        *cap = ncap;
    }
    (*n)++;
    return arr;
}

static struct sl_wit_type *new_type(struct parser *ps, enum sl_wit_kind kind, struct sl_wit_pos pos)
{
    struct sl_wit_type *t = sl_wit_alloc(ps->ctx, sizeof(*t));
    if (t == NULL) {
        nomem(ps);
        return NULL;
    }
    t->kind = kind;
    t->pos = pos;
    return t;
}

/* ---- types ---- */

static const struct {
    const char *kw;
    enum sl_wit_kind kind;
} prims[] = {
    {"unit", SL_WIT_UNIT},       {"_", SL_WIT_UNIT},    {"bool", SL_WIT_BOOL},
    {"u8", SL_WIT_U8},           {"u16", SL_WIT_U16},   {"u32", SL_WIT_U32},
    {"u64", SL_WIT_U64},         {"s8", SL_WIT_S8},     {"s16", SL_WIT_S16},
    {"s32", SL_WIT_S32},         {"s64", SL_WIT_S64},   {"float32", SL_WIT_FLOAT32},
    {"float64", SL_WIT_FLOAT64}, {"char", SL_WIT_CHAR}, {"string", SL_WIT_STRING},
};

static struct sl_wit_type *parse_type(struct parser *ps, unsigned depth);

/* Parses `<T>` after list/option into t->elem. */
static bool parse_one_arg(struct parser *ps, struct sl_wit_type *t, unsigned depth)
{
    if (!expect(ps, T_LT, "'<'"))
        return false;
    t->elem = parse_type(ps, depth + 1);
    if (t->elem == NULL)
        return false;
    return expect(ps, T_GT, "'>'");
}

static struct sl_wit_type *parse_type(struct parser *ps, unsigned depth)
{
    struct sl_wit_pos pos = here(ps);
    if (depth > MAX_TYPE_DEPTH) {
        set_error(ps, pos.line, pos.col, "type nested too deeply");
        return NULL;
    }
    for (size_t i = 0; i < SL_ARRAY_SIZE(prims); i++) {
        if (at_kw(ps, prims[i].kw)) {
            struct sl_wit_type *t = new_type(ps, prims[i].kind, pos);
            return t != NULL && next(ps) ? t : NULL;
        }
    }
    struct sl_wit_type *t = NULL;
    if (at_kw(ps, "list") || at_kw(ps, "option")) {
        t = new_type(ps, at_kw(ps, "list") ? SL_WIT_LIST : SL_WIT_OPTION, pos);
        if (t == NULL || !next(ps) || !parse_one_arg(ps, t, depth))
            return NULL;
        return t;
    }
    if (at_kw(ps, "expected")) {
        t = new_type(ps, SL_WIT_EXPECTED, pos);
        if (t == NULL || !next(ps) || !expect(ps, T_LT, "'<'"))
            return NULL;
        if ((t->elem = parse_type(ps, depth + 1)) == NULL || !expect(ps, T_COMMA, "','"))
            return NULL;
        if ((t->err = parse_type(ps, depth + 1)) == NULL || !expect(ps, T_GT, "'>'"))
            return NULL;
        return t;
    }
    if (at_kw(ps, "tuple")) {
        t = new_type(ps, SL_WIT_TUPLE, pos);
        if (t == NULL || !next(ps) || !expect(ps, T_LT, "'<'"))
            return NULL;
        size_t cap = 0;
        while (ps->tok.kind != T_GT) {
            struct sl_wit_pos mpos = here(ps);
            struct sl_wit_type *m = parse_type(ps, depth + 1);
            if (m == NULL)
                return NULL;
            t->members = push(ps, t->members, &t->nmembers, &cap, sizeof(*t->members));
            if (t->members == NULL)
                return NULL;
            t->members[t->nmembers - 1] = (struct sl_wit_member){NULL, m, mpos};
            if (ps->tok.kind == T_COMMA) {
                if (!next(ps))
                    return NULL;
            } else if (ps->tok.kind != T_GT) {
                unexpected(ps, "',' or '>'");
                return NULL;
            }
        }
        return next(ps) ? t : NULL;
    }
    if (at_kw(ps, "handle")) {
        t = new_type(ps, SL_WIT_REF, pos);
        if (t == NULL || !next(ps) || !parse_name(ps, &t->name, NULL))
            return NULL;
        return t;
    }
    if (at_name(ps)) {
        t = new_type(ps, SL_WIT_REF, pos);
        if (t == NULL || !parse_name(ps, &t->name, NULL))
            return NULL;
        return t;
    }
    unexpected(ps, "type");
    return NULL;
}

/* ---- items ---- */

/* `{ a, b, c }` or `{ a(T), b }` or `{ a: T, ... }` or `{ T, U }` depending on kind. */
static bool parse_members(struct parser *ps, struct sl_wit_type *t)
{
    size_t cap = 0;
    if (!expect(ps, T_LBRACE, "'{'"))
        return false;
    while (ps->tok.kind != T_RBRACE) {
        struct sl_wit_member m = {NULL, NULL, here(ps)};
        if (t->kind == SL_WIT_UNION) {
            if ((m.type = parse_type(ps, 1)) == NULL)
                return false;
        } else {
            if (!parse_name(ps, &m.name, &m.pos))
                return false;
            if (t->kind == SL_WIT_RECORD) {
                if (!expect(ps, T_COLON, "':'") || (m.type = parse_type(ps, 1)) == NULL)
                    return false;
            } else if (t->kind == SL_WIT_VARIANT && ps->tok.kind == T_LPAREN) {
                if (!next(ps) || (m.type = parse_type(ps, 1)) == NULL)
                    return false;
                if (!expect(ps, T_RPAREN, "')'"))
                    return false;
            }
        }
        t->members = push(ps, t->members, &t->nmembers, &cap, sizeof(*t->members));
        if (t->members == NULL)
            return false;
        t->members[t->nmembers - 1] = m;
        if (ps->tok.kind == T_COMMA) {
            if (!next(ps))
                return false;
        } else if (ps->tok.kind != T_RBRACE) {
            return unexpected(ps, t->kind == SL_WIT_VARIANT ? "'(', ',' or '}'" : "',' or '}'");
        }
    }
    return next(ps);
}

/* `func(params) [-> T]`, the name and ':' already read. */
static bool parse_func_type(struct parser *ps, struct sl_wit_func *f)
{
    size_t cap = 0;
    if (!expect_kw(ps, "func") || !expect(ps, T_LPAREN, "'('"))
        return false;
    while (ps->tok.kind != T_RPAREN) {
        struct sl_wit_member m = {NULL, NULL, here(ps)};
        if (!parse_name(ps, &m.name, &m.pos) || !expect(ps, T_COLON, "':'"))
            return false;
        if ((m.type = parse_type(ps, 1)) == NULL)
            return false;
        f->params = push(ps, f->params, &f->nparams, &cap, sizeof(*f->params));
        if (f->params == NULL)
            return false;
        f->params[f->nparams - 1] = m;
        if (ps->tok.kind == T_COMMA) {
            if (!next(ps))
                return false;
        } else if (ps->tok.kind != T_RPAREN) {
            return unexpected(ps, "',' or ')'");
        }
    }
    if (!next(ps))
        return false;
    if (ps->tok.kind == T_ARROW) {
        if (!next(ps) || (f->result = parse_type(ps, 1)) == NULL)
            return false;
    }
    return true;
}

static bool parse_resource(struct parser *ps, struct sl_wit_resource *r)
{
    size_t cap = 0;
    if (ps->tok.kind != T_LBRACE)
        return true; /* `resource x` without functions */
    if (!next(ps))
        return false;
    while (ps->tok.kind != T_RBRACE) {
        struct sl_wit_func f = {0};
        f.resource = r;
        f.docs = ps->tok.docs;
        if (at_kw(ps, "static")) {
            f.is_static = true;
            if (!next(ps))
                return false;
        }
        if (!at_name(ps))
            return unexpected(ps, f.is_static ? "identifier" : "'static', identifier or '}'");
        if (!parse_name(ps, &f.name, &f.pos) || !expect(ps, T_COLON, "':'"))
            return false;
        if (!parse_func_type(ps, &f))
            return false;
        r->funcs = push(ps, r->funcs, &r->nfuncs, &cap, sizeof(*r->funcs));
        if (r->funcs == NULL)
            return false;
        r->funcs[r->nfuncs - 1] = f;
    }
    return next(ps);
}

static bool parse_use(struct parser *ps, struct sl_wit_use *u)
{
    size_t cap = 0;
    if (ps->tok.kind == T_STAR) {
        u->all = true;
        if (!next(ps))
            return false;
    } else {
        if (!expect(ps, T_LBRACE, "'{' or '*'"))
            return false;
        for (;;) {
            struct sl_wit_use_name n = {0};
            if (!parse_name(ps, &n.name, &n.pos))
                return false;
            n.local = n.name;
            if (at_kw(ps, "as")) {
                if (!next(ps) || !parse_name(ps, &n.local, NULL))
                    return false;
            }
            u->names = push(ps, u->names, &u->nnames, &cap, sizeof(*u->names));
            if (u->names == NULL)
                return false;
            u->names[u->nnames - 1] = n;
            if (ps->tok.kind == T_COMMA) {
                if (!next(ps))
                    return false;
                if (ps->tok.kind == T_RBRACE)
                    break;
            } else if (ps->tok.kind != T_RBRACE) {
                return unexpected(ps, "',' or '}'");
            } else {
                break;
            }
        }
        if (!next(ps))
            return false;
    }
    if (!expect_kw(ps, "from"))
        return false;
    u->pos = here(ps);
    return parse_name(ps, &u->from, NULL);
}

static const struct {
    const char *kw;
    enum sl_wit_kind kind;
} type_items[] = {
    {"record", SL_WIT_RECORD}, {"variant", SL_WIT_VARIANT}, {"enum", SL_WIT_ENUM},
    {"flags", SL_WIT_FLAGS},   {"union", SL_WIT_UNION},
};

static bool parse_item(struct parser *ps, struct sl_wit_item *item)
{
    const char *docs = ps->tok.docs;
    struct sl_wit_pos kwpos = here(ps);
    if (at_kw(ps, "use")) {
        item->kind = SL_WIT_ITEM_USE;
        item->u.use = sl_wit_alloc(ps->ctx, sizeof(*item->u.use));
        if (item->u.use == NULL)
            return nomem(ps);
        return next(ps) && parse_use(ps, item->u.use);
    }
    if (at_kw(ps, "type")) {
        item->kind = SL_WIT_ITEM_TYPE;
        struct sl_wit_type *t = new_type(ps, SL_WIT_ALIAS, kwpos);
        if (t == NULL || !next(ps))
            return false;
        t->docs = docs;
        item->u.type = t;
        if (!parse_name(ps, &t->name, &t->pos) || !expect(ps, T_EQ, "'='"))
            return false;
        return (t->elem = parse_type(ps, 1)) != NULL;
    }
    for (size_t i = 0; i < SL_ARRAY_SIZE(type_items); i++) {
        if (!at_kw(ps, type_items[i].kw))
            continue;
        item->kind = SL_WIT_ITEM_TYPE;
        struct sl_wit_type *t = new_type(ps, type_items[i].kind, kwpos);
        if (t == NULL || !next(ps))
            return false;
        t->docs = docs;
        item->u.type = t;
        return parse_name(ps, &t->name, &t->pos) && parse_members(ps, t);
    }
    if (at_kw(ps, "resource")) {
        item->kind = SL_WIT_ITEM_RESOURCE;
        struct sl_wit_resource *r = sl_wit_alloc(ps->ctx, sizeof(*r));
        if (r == NULL || !next(ps))
            return r == NULL ? nomem(ps) : false;
        r->docs = docs;
        item->u.resource = r;
        if (!parse_name(ps, &r->name, &r->pos))
            return false;
        r->handle = new_type(ps, SL_WIT_HANDLE, r->pos);
        if (r->handle == NULL)
            return false;
        r->handle->name = r->name;
        r->handle->resource = r;
        return parse_resource(ps, r);
    }
    if (at_name(ps)) {
        item->kind = SL_WIT_ITEM_FUNC;
        struct sl_wit_func *f = sl_wit_alloc(ps->ctx, sizeof(*f));
        if (f == NULL)
            return nomem(ps);
        f->docs = docs;
        item->u.func = f;
        if (!parse_name(ps, &f->name, &f->pos) || !expect(ps, T_COLON, "':'"))
            return false;
        return parse_func_type(ps, f);
    }
    return unexpected(ps, "'use', 'type', 'record', 'variant', 'enum', 'flags', 'union', "
                          "'resource' or a function");
}

/* The module name: the file name without directories, up to its first '.'. */
static const char *module_name(struct sl_wit_ctx *ctx, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strchr(base, '.');
    return sl_wit_strndup(ctx, base, dot ? (size_t)(dot - base) : strlen(base));
}

sl_err sl_wit_parse(struct sl_wit_ctx *ctx, const char *path, const char *src, size_t len,
                    struct sl_wit_iface **out, struct sl_error *err)
{
    struct parser ps = {0};
    ps.ctx = ctx;
    ps.path = sl_wit_strndup(ctx, path, strlen(path));
    ps.src = ps.p = ps.line_start = src;
    ps.end = src + len;
    ps.line = 1;
    ps.err = err;
    ps.docs = (struct sl_buf)SL_BUF_INIT;
    *out = NULL;

    struct sl_wit_iface *iface = sl_wit_alloc(ctx, sizeof(*iface));
    if (iface == NULL || ps.path == NULL)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", path);
    iface->path = ps.path;
    iface->name = module_name(ctx, ps.path);
    if (iface->name == NULL)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", path);

    size_t cap = 0;
    if (next(&ps)) {
        while (ps.tok.kind != T_EOF) {
            struct sl_wit_item item;
            memset(&item, 0, sizeof(item));
            if (!parse_item(&ps, &item))
                break;
            iface->items = push(&ps, iface->items, &iface->nitems, &cap, sizeof(*iface->items));
            if (iface->items == NULL)
                break;
            iface->items[iface->nitems - 1] = item;
        }
    }
    sl_buf_release(&ps.docs);
    if (ps.rc != SL_OK)
        return ps.rc;
    *out = iface;
    return SL_OK;
}
