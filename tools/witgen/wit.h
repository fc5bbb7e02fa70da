/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wit.h -- the AST of slight's WIT dialect (wit-bindgen 0.2 syntax) and the
 * entry points of witgen: lexing, parsing, `use` resolution, the canonical-ABI
 * layout and flattening rules (SLIGHT-SPEC §6.2/§6.3) and the dump listing.
 * Code generators build on this; they are not part of this header yet.
 */
#ifndef SL_WITGEN_WIT_H
#define SL_WITGEN_WIT_H

#include "sl_common.h"

#include "buf.h"
#include "err.h"

#include <stdio.h>

/* A position in a source file; line and col are 1-based, col counts bytes. */
struct sl_wit_pos {
    const char *file; /* the path as given, owned by the context */
    uint32_t line;
    uint32_t col;
};

enum sl_wit_kind {
    SL_WIT_UNIT,
    SL_WIT_BOOL,
    SL_WIT_U8,
    SL_WIT_U16,
    SL_WIT_U32,
    SL_WIT_U64,
    SL_WIT_S8,
    SL_WIT_S16,
    SL_WIT_S32,
    SL_WIT_S64,
    SL_WIT_FLOAT32,
    SL_WIT_FLOAT64,
    SL_WIT_CHAR,
    SL_WIT_STRING,
    SL_WIT_LIST,     /* elem */
    SL_WIT_OPTION,   /* elem */
    SL_WIT_EXPECTED, /* elem = ok, err */
    SL_WIT_TUPLE,    /* members: types only */
    SL_WIT_RECORD,   /* members: name + type */
    SL_WIT_VARIANT,  /* members: name + optional type (NULL = no payload) */
    SL_WIT_ENUM,     /* members: names */
    SL_WIT_FLAGS,    /* members: names */
    SL_WIT_UNION,    /* members: types only */
    SL_WIT_HANDLE,   /* resource */
    SL_WIT_ALIAS,    /* `type name = elem` */
    SL_WIT_REF,      /* a name used as a type; target set by resolution */
};

struct sl_wit_type;

/* A record field, variant or enum case, flag, tuple or union member, or parameter. */
struct sl_wit_member {
    const char *name;         /* NULL for tuple and union members */
    struct sl_wit_type *type; /* NULL for enum cases, flags and payload-less cases */
    struct sl_wit_pos pos;
};

/* Sizes, alignment and flattening, computed once per named type. */
#define SL_WIT_FLAT_CAP 17 /* one more than the 16-value parameter limit */

enum sl_wit_core { SL_WIT_I32, SL_WIT_I64, SL_WIT_F32, SL_WIT_F64 };

struct sl_wit_flat {
    size_t n; /* number of values, saturated at SL_WIT_FLAT_CAP */
    enum sl_wit_core v[SL_WIT_FLAT_CAP];
};

struct sl_wit_type {
    enum sl_wit_kind kind;
    const char *name; /* named types and REF; NULL for anonymous ones */
    const char *docs; /* doc comment of a named type, or NULL */
    struct sl_wit_pos pos;
    struct sl_wit_type *elem; /* list, option, expected ok, alias target */
    struct sl_wit_type *err;  /* expected err */
    struct sl_wit_member *members;
    size_t nmembers;
    struct sl_wit_resource *resource; /* handle */
    struct sl_wit_type *target;       /* REF: the named type it names */
    struct sl_wit_iface *owner;       /* named types: the interface defining them */
    /* resolution and layout state (named types only) */
    int visit;
    bool laid_out;
    uint64_t size, align;
    bool flattened;
    struct sl_wit_flat flat;
};

struct sl_wit_func {
    const char *name;
    const char *docs;
    struct sl_wit_pos pos;
    bool is_static;
    struct sl_wit_resource *resource; /* NULL for free functions */
    struct sl_wit_member *params;
    size_t nparams;
    struct sl_wit_type *result; /* NULL: no result (unit) */
};

struct sl_wit_resource {
    const char *name;
    const char *docs;
    struct sl_wit_pos pos;
    struct sl_wit_func *funcs;
    size_t nfuncs;
    struct sl_wit_type *handle; /* the named HANDLE type standing for the resource */
};

struct sl_wit_use_name {
    const char *name;  /* the name in the used file */
    const char *local; /* the name here (`as`), same as name without it */
    struct sl_wit_pos pos;
};

struct sl_wit_use {
    const char *from; /* the file stem, resolved next to the using file */
    struct sl_wit_pos pos;
    bool all; /* use * from x */
    struct sl_wit_use_name *names;
    size_t nnames;
    struct sl_wit_iface *iface; /* set by resolution */
};

enum sl_wit_item_kind { SL_WIT_ITEM_USE, SL_WIT_ITEM_TYPE, SL_WIT_ITEM_RESOURCE, SL_WIT_ITEM_FUNC };

/* Top-level items in source order. */
struct sl_wit_item {
    enum sl_wit_item_kind kind;
    union {
        struct sl_wit_use *use;
        struct sl_wit_type *type;
        struct sl_wit_resource *resource;
        struct sl_wit_func *func;
    } u;
};

/* A name visible in an interface: a type (resources appear as their HANDLE type). */
struct sl_wit_scope_entry {
    const char *name;
    struct sl_wit_type *type;
};

/* One WIT file = one interface. */
struct sl_wit_iface {
    const char *path;
    const char *name; /* module name: the file name up to its first '.' */
    struct sl_wit_item *items;
    size_t nitems;
    struct sl_wit_scope_entry *scope;
    size_t nscope, scope_cap;
    int state; /* 0 new, 1 resolving, 2 resolved */
    struct sl_wit_iface *next;
};

struct sl_wit_arena_block;

/* Owns every interface loaded, their AST and strings. */
struct sl_wit_ctx {
    struct sl_wit_arena_block *blocks;
    struct sl_wit_iface *ifaces;
    unsigned depth; /* `use` nesting while loading */
};

/* Initializes an empty context. */
void sl_wit_ctx_init(struct sl_wit_ctx *ctx);
/* Frees everything the context owns; accepts a released context. */
void sl_wit_ctx_release(struct sl_wit_ctx *ctx);

/* Arena allocation: zeroed memory freed with the context; NULL on failure. */
void *sl_wit_alloc(struct sl_wit_ctx *ctx, size_t size);
void *sl_wit_alloc_array(struct sl_wit_ctx *ctx, size_t n, size_t size);
char *sl_wit_strndup(struct sl_wit_ctx *ctx, const char *s, size_t len);

/*
 * Parses the source text of path (src, len: borrowed) into *out (owned by ctx).
 * Syntax errors fill err->msg with "file:line:col: expected X, found Y".
 */
sl_err sl_wit_parse(struct sl_wit_ctx *ctx, const char *path, const char *src, size_t len,
                    struct sl_wit_iface **out, struct sl_error *err);

/*
 * Reads, parses and resolves the file at path and, recursively, the files it
 * `use`s (looked up as "<dir of path>/<name>.wit"). *out is owned by ctx.
 * Errors carry "file:line:col: message".
 */
sl_err sl_wit_load(struct sl_wit_ctx *ctx, const char *path, struct sl_wit_iface **out,
                   struct sl_error *err);

/* Follows REF and ALIAS links to the type that gives the representation. */
const struct sl_wit_type *sl_wit_type_deref(const struct sl_wit_type *t);

/* Size and alignment in bytes of a resolved type (SLIGHT-SPEC §6.2, sizes saturate). */
void sl_wit_type_layout(struct sl_wit_type *t, uint64_t *size, uint64_t *align);
/*
 * The bytes a value really occupies in memory: with the payload-offset rule
 * a variant's payload can reach past the generator's computed size (§6.2),
 * so return areas are sized and checked with this.
 */
uint64_t sl_wit_type_footprint(struct sl_wit_type *t);
/* True for variant, union, option and expected (not enum): kinds with payloads. */
bool sl_wit_is_variant(enum sl_wit_kind k);
/* Number of cases of a variant-like type or enum (option and expected: 2). */
size_t sl_wit_ncases(const struct sl_wit_type *t);
/* The payload of case i of a variant-like type (NULL: none; option: none, some; expected: ok, err). */
struct sl_wit_type *sl_wit_case_type(const struct sl_wit_type *t, size_t i);
/* Offset of the payload of a variant, option, expected or union. */
uint64_t sl_wit_payload_offset(struct sl_wit_type *t);
/* Appends the flattened core values of t to *flat (SLIGHT-SPEC §6.3). */
void sl_wit_type_flatten(struct sl_wit_type *t, struct sl_wit_flat *flat);

/* The core signature of a function as imported (export = false) or exported. */
struct sl_wit_sig {
    struct sl_wit_flat params;
    struct sl_wit_flat results;
    bool indirect_params; /* more than 16 values: one pointer instead */
    bool retptr;          /* results through a return area */
    uint64_t ret_size, ret_align;
};
void sl_wit_func_sig(struct sl_wit_func *f, bool export, struct sl_wit_sig *sig);
/* The import field name: "<resource>::<func>" or the bare function name. */
sl_err sl_wit_func_field(const struct sl_wit_func *f, struct sl_buf *out);

/* Texts made from types stop growing past this many bytes. */
#define SL_WIT_MAX_TEXT (16 * 1024 * 1024)

/*
 * Appends the canonical form of a type ("list<tuple<string, string>>") to out.
 * SL_EINVAL when out would exceed SL_WIT_MAX_TEXT, SL_ENOMEM on allocation failure.
 */
sl_err sl_wit_type_str(const struct sl_wit_type *t, struct sl_buf *out);

/* ---- C names (names.c), SLIGHT-SPEC §6.11 ---- */

/* Appends name with '-' as '_' ("sub-tok" -> "sub_tok"). SL_ENOMEM on failure. */
sl_err sl_wit_c_ident(const char *name, struct sl_buf *out);
/* True when s is a C keyword (or bool/true/false): such names get a trailing '_'. */
bool sl_wit_c_is_keyword(const char *s);
/* As sl_wit_c_ident, upper-cased ("key-not-found" -> "KEY_NOT_FOUND"). */
sl_err sl_wit_c_upper(const char *name, struct sl_buf *out);
/*
 * Appends the part of a C type name that wit-bindgen 0.2 derives from a
 * type: "u8", "char32", "string", a named type's or resource's name,
 * "list_<t>", "option_<t>", "expected_<t>_<e>" ("unit" for no payload),
 * "tuple<N>_<a>_<b>...". SL_EINVAL past SL_WIT_MAX_TEXT, SL_ENOMEM.
 */
sl_err sl_wit_c_type_part(const struct sl_wit_type *t, struct sl_buf *out);

/* ---- generators ---- */

/*
 * Guest C bindings of one interface (gen_guest.c), ABI-identical to and
 * source-compatible with wit-bindgen 0.2's C generator (SLIGHT-SPEC §6.11):
 * the header goes to *h, the source to *c. export = false: the guest imports
 * the interface (keyvalue); true: the guest implements its functions
 * (http-handler). Errors: SL_ENOMEM, SL_EINVAL (text too large).
 */
sl_err sl_wit_gen_guest_c(struct sl_wit_iface *iface, bool export, struct sl_buf *h,
                          struct sl_buf *c);

/*
 * Host glue of one interface (gen_host.c): for an imported interface the
 * typed host API the capability implements and the flat wasm functions that
 * lift, call and lower; for an exported one (export = true) the typed
 * callers of the guest's functions. Header to *h, source to *c.
 */
sl_err sl_wit_gen_host(struct sl_wit_iface *iface, bool export, struct sl_buf *h,
                       struct sl_buf *c);

/* Writes the dump listing of a resolved interface to out; errors as sl_wit_type_str. */
sl_err sl_wit_dump(struct sl_wit_iface *iface, bool export, struct sl_buf *out);

#endif /* SL_WITGEN_WIT_H */
