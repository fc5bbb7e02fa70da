/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasm_reader.c -- reads the wasm binary format section by section, scans every
 * function body instruction by instruction, and records which post-MVP features the
 * module uses. It checks structure and indexes, not types: full validation is wasm2c's.
 */
#include "sl_common.h"

#include "wasm_reader.h"

#include "common/err.h"
#include "common/mem.h"
#include "common/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum section_id {
    SEC_CUSTOM = 0,
    SEC_TYPE = 1,
    SEC_IMPORT = 2,
    SEC_FUNCTION = 3,
    SEC_TABLE = 4,
    SEC_MEMORY = 5,
    SEC_GLOBAL = 6,
    SEC_EXPORT = 7,
    SEC_START = 8,
    SEC_ELEMENT = 9,
    SEC_CODE = 10,
    SEC_DATA = 11,
    SEC_DATACOUNT = 12,
    SEC_TAG = 13,
    SEC_COUNT
};

static const char *const section_names[SEC_COUNT] = {
    [SEC_CUSTOM] = "custom",       [SEC_TYPE] = "type",     [SEC_IMPORT] = "import",
    [SEC_FUNCTION] = "function",   [SEC_TABLE] = "table",   [SEC_MEMORY] = "memory",
    [SEC_GLOBAL] = "global",       [SEC_EXPORT] = "export", [SEC_START] = "start",
    [SEC_ELEMENT] = "element",     [SEC_CODE] = "code",     [SEC_DATA] = "data",
    [SEC_DATACOUNT] = "datacount", [SEC_TAG] = "tag",
};

/* Position of each non-custom section in the required order (tag and datacount included). */
static const uint8_t section_rank[SEC_COUNT] = {
    [SEC_TYPE] = 1,       [SEC_IMPORT] = 2, [SEC_FUNCTION] = 3, [SEC_TABLE] = 4, [SEC_MEMORY] = 5,
    [SEC_TAG] = 6,        [SEC_GLOBAL] = 7, [SEC_EXPORT] = 8,   [SEC_START] = 9, [SEC_ELEMENT] = 10,
    [SEC_DATACOUNT] = 11, [SEC_CODE] = 12,  [SEC_DATA] = 13,
};

/* Reads bytes in [pos, end); every failure records one message naming the offset. */
struct cursor {
    const uint8_t *buf;
    size_t len; /* of the whole file */
    size_t pos;
    size_t end;
    char scope[48];      /* "type section", "function 3 body"; empty at file level */
    uint32_t scope_size; /* declared size of that scope */
    const char *file;
    struct sl_error *err;
    sl_err rc;
};

struct reader {
    struct cursor c;
    struct sl_wasm_module *m;
    uint32_t cur_func; /* function whose body is being scanned, UINT32_MAX outside code */
    uint32_t ntag_imports, ntags;
    uint8_t *global_mut; /* mutability of every global seen so far, imports first */
    uint32_t nglobal_mut;
    size_t *export_offsets;
    uint32_t *export_name_lens;
    bool has_datacount;
    uint32_t datacount;
    bool skip_bodies; /* sl_wasm_read_known: bodies are not scanned */
};

#define SCAN_MAX_DEPTH UINT32_MAX

static bool vfail(struct cursor *c, size_t off, const char *fmt, va_list ap) SL_PRINTF(3, 0);

static bool vfail(struct cursor *c, size_t off, const char *fmt, va_list ap)
{
    char what[400];
    vsnprintf(what, sizeof(what), fmt, ap);
    c->rc = sl_error_set(c->err, SL_EMODULE, "%s: offset 0x%zx: %s", c->file, off, what);
    return false;
}

static bool fail(struct cursor *c, size_t off, const char *fmt, ...) SL_PRINTF(3, 4);

static bool fail(struct cursor *c, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, off, fmt, ap);
    va_end(ap);
    return false;
}

static bool oom(struct cursor *c)
{
    c->rc = sl_error_set(c->err, SL_ENOMEM, "%s: out of memory while reading the module", c->file);
    return false;
}

static bool eof(struct cursor *c, const char *what)
{
    if (c->scope[0] == '\0')
        return fail(c, c->pos, "unexpected end of file, expected %s", what);
    return fail(c, c->pos,
                "unexpected end of %s, expected %s (content is longer than the declared size "
                "0x%x)",
                c->scope, what, c->scope_size);
}

static size_t left(const struct cursor *c)
{
    return c->end - c->pos;
}

static bool read_u8(struct cursor *c, const char *what, uint8_t *out)
{
    if (c->pos >= c->end)
        return eof(c, what);
    *out = c->buf[c->pos++];
    return true;
}

static bool skip_bytes(struct cursor *c, const char *what, size_t n)
{
    if (n > left(c))
        return eof(c, what);
    c->pos += n;
    return true;
}

/*
 * LEB128 of at most `bits` bits (signed or not). Rejects encodings longer than needed
 * for that width and final bytes whose unused bits are not zero (or, signed, not a
 * sign extension), as the spec requires.
 */
static bool read_leb(struct cursor *c, const char *what, unsigned bits, bool is_signed,
                     uint64_t *out)
{
    size_t start = c->pos;
    unsigned maxbytes = (bits + 6) / 7;
    char sign = is_signed ? 's' : 'u';
    uint64_t result = 0;
    for (unsigned i = 0;; i++) {
        uint8_t b = 0;
        if (!read_u8(c, what, &b))
            return false;
        unsigned shift = 7 * i;
        result |= (uint64_t)(b & 0x7f) << shift;
        if (i == maxbytes - 1) {
            if (b & 0x80)
                return fail(c, start, "%s: LEB128 %c%u is longer than %u bytes", what, sign,
                            bits, maxbytes);
            unsigned used = bits - shift; /* 1..7 value bits in this last byte */
            unsigned extra = (unsigned)(b & 0x7f) >> (is_signed ? used - 1 : used);
            unsigned ones = 0x7fu >> (is_signed ? used - 1 : used);
            if (extra != 0 && !(is_signed && extra == ones))
                return fail(c, start,
                            "%s: LEB128 %c%u has unused bits set (value out of range)", what,
                            sign, bits);
        }
        if (!(b & 0x80)) {
            if (is_signed && shift + 7 < 64 && (b & 0x40))
                result |= ~(uint64_t)0 << (shift + 7);
            break;
        }
    }
    *out = result;
    return true;
}

static bool read_u32(struct cursor *c, const char *what, uint32_t *out)
{
    uint64_t v = 0;
    if (!read_leb(c, what, 32, false, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

/* A vector length; at least min_size bytes per element must remain, so no count in the
 * file can make us allocate more than the file's size. */
static bool read_count(struct cursor *c, const char *what, size_t min_size, uint32_t *out)
{
    size_t at = c->pos;
    if (!read_u32(c, what, out))
        return false;
    if (*out > left(c) / min_size)
        return fail(c, at, "%s %u does not fit in the %zu bytes left in the %s", what, *out,
                    left(c), c->scope[0] ? c->scope : "file");
    return true;
}


/* A length-prefixed UTF-8 name, copied and NUL-terminated into *out (owned by caller). */
static bool read_name(struct cursor *c, const char *what, char **out, uint32_t *out_len)
{
    uint32_t len = 0;
    char lenwhat[64];
    snprintf(lenwhat, sizeof(lenwhat), "%s length", what);
    if (!read_u32(c, lenwhat, &len))
        return false;
    if (len > left(c))
        return eof(c, what);
    const uint8_t *s = c->buf + c->pos;
    size_t bad = sl_utf8_invalid_at(s, len);
    if (bad != len)
        return fail(c, c->pos + bad, "invalid UTF-8 in %s", what);
    *out = sl_strndup((const char *)s, len);
    if (*out == NULL)
        return oom(c);
    if (out_len != NULL)
        *out_len = len;
    c->pos += len;
    return true;
}

static void note_feature(struct reader *r, enum sl_wasm_feature f, size_t off)
{
    struct sl_wasm_module *m = r->m;
    if (m->features & (uint32_t)f)
        return;
    m->features |= (uint32_t)f;
    unsigned bit = (unsigned)__builtin_ctz((unsigned)f);
    m->feature_sites[bit].offset = off;
    m->feature_sites[bit].func_index = r->cur_func;
}

static const char *plural(uint32_t n)
{
    return n == 1 ? "" : "s";
}

static uint32_t total_funcs(const struct reader *r)
{
    return r->m->nfunc_imports + r->m->nfuncs;
}

static bool read_valtype(struct reader *r, const char *what, uint8_t *out)
{
    struct cursor *c = &r->c;
    size_t at = c->pos;
    if (!read_u8(c, what, out))
        return false;
    switch (*out) {
    case SL_WASM_I32:
    case SL_WASM_I64:
    case SL_WASM_F32:
    case SL_WASM_F64:
        return true;
    case SL_WASM_V128:
        note_feature(r, SL_WASM_FEAT_SIMD, at);
        return true;
    case SL_WASM_EXTERNREF:
        note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
        return true;
    case SL_WASM_FUNCREF:
        note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
        return true;
    default:
        return fail(c, at, "invalid value type 0x%02x in %s", *out, what);
    }
}

static bool read_reftype(struct reader *r, const char *what, uint8_t *out)
{
    struct cursor *c = &r->c;
    size_t at = c->pos;
    if (!read_u8(c, what, out))
        return false;
    if (*out == SL_WASM_EXTERNREF) {
        note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
        return true;
    }
    if (*out != SL_WASM_FUNCREF)
        return fail(c, at, "invalid reference type 0x%02x in %s (expected funcref or externref)",
                    *out, what);
    return true;
}

static bool read_limits(struct reader *r, bool memory, struct sl_wasm_limits *lim)
{
    struct cursor *c = &r->c;
    size_t at = c->pos;
    uint8_t flags = 0;
    if (!read_u8(c, "limits flags", &flags))
        return false;
    uint8_t allowed = memory ? 0x07 : 0x01;
    if (flags & ~allowed)
        return fail(c, at, "invalid %s limits flags 0x%02x", memory ? "memory" : "table", flags);
    lim->has_max = flags & 0x01;
    lim->shared = flags & 0x02;
    lim->is64 = flags & 0x04;
    if (lim->shared)
        note_feature(r, SL_WASM_FEAT_THREADS, at);
    if (lim->is64)
        note_feature(r, SL_WASM_FEAT_MEMORY64, at);
    unsigned bits = lim->is64 ? 64 : 32;
    if (!read_leb(c, "minimum size", bits, false, &lim->min))
        return false;
    if (lim->has_max && !read_leb(c, "maximum size", bits, false, &lim->max))
        return false;
    return true;
}

static bool check_type_index(struct reader *r, size_t at, uint32_t idx)
{
    if (idx >= r->m->ntypes)
        return fail(&r->c, at, "type index %u out of range (module has %u type%s)", idx,
                    r->m->ntypes, plural(r->m->ntypes));
    return true;
}

static bool read_type_index(struct reader *r, uint32_t *idx)
{
    size_t at = r->c.pos;
    return read_u32(&r->c, "type index", idx) && check_type_index(r, at, *idx);
}

static bool read_func_index(struct reader *r, const char *where, uint32_t *idx)
{
    size_t at = r->c.pos;
    if (!read_u32(&r->c, "function index", idx))
        return false;
    if (*idx >= total_funcs(r))
        return fail(&r->c, at, "function index %u out of range in %s (module has %u function%s)",
                    *idx, where, total_funcs(r), plural(total_funcs(r)));
    return true;
}

static bool push_global(struct reader *r, bool mut)
{
    uint8_t *p = sl_reallocarray(r->global_mut, (size_t)r->nglobal_mut + 1, 1);
    if (p == NULL)
        return oom(&r->c);
    r->global_mut = p;
    r->global_mut[r->nglobal_mut++] = mut;
    return true;
}

static bool read_global_type(struct reader *r, uint8_t *type, bool *mut)
{
    struct cursor *c = &r->c;
    if (!read_valtype(r, "global type", type))
        return false;
    size_t at = c->pos;
    uint8_t b = 0;
    if (!read_u8(c, "global mutability", &b))
        return false;
    if (b > 1)
        return fail(c, at, "invalid global mutability 0x%02x (expected 0 or 1)", b);
    *mut = b;
    return true;
}

/* ---- instructions ---- */

static bool read_blocktype(struct reader *r)
{
    struct cursor *c = &r->c;
    size_t at = c->pos;
    if (c->pos >= c->end)
        return eof(c, "block type");
    uint8_t b = c->buf[c->pos];
    if (b == 0x40) {
        c->pos++;
        return true;
    }
    if (b >= 0x40 && b < 0x80) {
        uint8_t t = 0;
        return read_valtype(r, "block type", &t);
    }
    uint64_t v = 0;
    if (!read_leb(c, "block type", 33, true, &v))
        return false;
    if ((int64_t)v < 0)
        return fail(c, at, "invalid block type");
    note_feature(r, SL_WASM_FEAT_MULTI_VALUE, at);
    if (v >= r->m->ntypes)
        return fail(c, at, "type index %llu out of range in block type (module has %u type%s)",
                    (unsigned long long)v, r->m->ntypes, plural(r->m->ntypes));
    return true;
}

static bool read_memidx(struct reader *r, const char *what)
{
    size_t at = r->c.pos;
    uint32_t idx = 0;
    if (!read_u32(&r->c, what, &idx))
        return false;
    if (idx != 0)
        note_feature(r, SL_WASM_FEAT_MULTI_MEMORY, at);
    return true;
}

static bool read_memarg(struct reader *r)
{
    struct cursor *c = &r->c;
    size_t at = c->pos;
    uint32_t align = 0;
    uint64_t off = 0;
    if (!read_u32(c, "memory alignment", &align))
        return false;
    if (align & 0x40) {
        note_feature(r, SL_WASM_FEAT_MULTI_MEMORY, at);
        if (!read_memidx(r, "memory index"))
            return false;
        align &= ~0x40u;
    }
    if (align >= 32)
        return fail(c, at, "invalid memory alignment 2**%u", align);
    return read_leb(c, "memory offset", 64, false, &off);
}

static bool read_tableidx(struct reader *r)
{
    size_t at = r->c.pos;
    uint32_t idx = 0;
    if (!read_u32(&r->c, "table index", &idx))
        return false;
    if (idx != 0)
        note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
    return true;
}

static bool read_index(struct reader *r, const char *what)
{
    uint32_t idx = 0;
    return read_u32(&r->c, what, &idx);
}

static bool scan_prefix_fc(struct reader *r, size_t at)
{
    uint32_t op = 0;
    if (!read_u32(&r->c, "0xfc opcode", &op))
        return false;
    if (op <= 7) {
        note_feature(r, SL_WASM_FEAT_SAT_CONV, at);
        return true;
    }
    if (op <= 14)
        note_feature(r, SL_WASM_FEAT_BULK_MEMORY, at);
    else if (op <= 17)
        note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
    switch (op) {
    case 8: /* memory.init */
        return read_index(r, "data index") && read_memidx(r, "memory index");
    case 9: /* data.drop */
        return read_index(r, "data index");
    case 10: /* memory.copy */
        return read_memidx(r, "memory index") && read_memidx(r, "memory index");
    case 11: /* memory.fill */
        return read_memidx(r, "memory index");
    case 12: /* table.init */
        return read_index(r, "element index") && read_tableidx(r);
    case 13: /* elem.drop */
        return read_index(r, "element index");
    case 14: /* table.copy */
        return read_tableidx(r) && read_tableidx(r);
    case 15: /* table.grow */
    case 16: /* table.size */
    case 17: /* table.fill */
        return read_tableidx(r);
    default:
        return fail(&r->c, at, "unknown opcode 0xfc 0x%x", op);
    }
}

static bool scan_prefix_fd(struct reader *r, size_t at)
{
    struct cursor *c = &r->c;
    uint32_t op = 0;
    note_feature(r, SL_WASM_FEAT_SIMD, at);
    if (!read_u32(c, "SIMD opcode", &op))
        return false;
    if (op <= 0x0b || op == 0x5c || op == 0x5d) /* loads, stores, load*_zero */
        return read_memarg(r);
    if (op == 0x0c || op == 0x0d) /* v128.const, i8x16.shuffle */
        return skip_bytes(c, op == 0x0c ? "v128 constant" : "shuffle lanes", 16);
    if (op >= 0x15 && op <= 0x22) /* extract_lane, replace_lane */
        return skip_bytes(c, "lane index", 1);
    if (op >= 0x54 && op <= 0x5b) /* load*_lane, store*_lane */
        return read_memarg(r) && skip_bytes(c, "lane index", 1);
    if (op > 0x113)
        return fail(c, at, "unknown opcode 0xfd 0x%x", op);
    return true;
}

static bool scan_prefix_fe(struct reader *r, size_t at)
{
    struct cursor *c = &r->c;
    uint32_t op = 0;
    note_feature(r, SL_WASM_FEAT_THREADS, at);
    if (!read_u32(c, "atomic opcode", &op))
        return false;
    if (op == 0x03) { /* atomic.fence */
        size_t bat = c->pos;
        uint8_t b = 0;
        if (!read_u8(c, "atomic.fence flags", &b))
            return false;
        if (b != 0)
            return fail(c, bat, "invalid atomic.fence flags 0x%02x (expected 0)", b);
        return true;
    }
    if (op <= 0x02 || (op >= 0x10 && op <= 0x4e))
        return read_memarg(r);
    return fail(c, at, "unknown opcode 0xfe 0x%x", op);
}

static bool scan_try_table(struct reader *r)
{
    struct cursor *c = &r->c;
    uint32_t n = 0;
    if (!read_blocktype(r) || !read_count(c, "catch clause count", 2, &n))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        size_t at = c->pos;
        uint8_t kind = 0;
        if (!read_u8(c, "catch clause kind", &kind))
            return false;
        if (kind > 3)
            return fail(c, at, "invalid catch clause kind 0x%02x", kind);
        if (kind <= 1 && !read_index(r, "tag index"))
            return false;
        if (!read_index(r, "label index"))
            return false;
    }
    return true;
}

/* One instruction at c->pos; *depth counts open blocks (the function body is depth 1). */
static bool scan_instr(struct reader *r, uint32_t *depth)
{
    struct cursor *c = &r->c;
    size_t at = c->pos;
    uint8_t op = 0;
    uint32_t idx, n;
    uint64_t v = 0;
    if (!read_u8(c, "instruction", &op))
        return false;
    switch (op) {
    case 0x00: /* unreachable */
    case 0x01: /* nop */
    case 0x05: /* else */
    case 0x0f: /* return */
    case 0x1a: /* drop */
    case 0x1b: /* select */
        return true;
    case 0x02: /* block */
    case 0x03: /* loop */
    case 0x04: /* if */
        if (*depth == SCAN_MAX_DEPTH)
            return fail(c, at, "blocks nested too deeply");
        (*depth)++;
        return read_blocktype(r);
    case 0x06: /* try */
        note_feature(r, SL_WASM_FEAT_EXCEPTIONS, at);
        if (*depth == SCAN_MAX_DEPTH)
            return fail(c, at, "blocks nested too deeply");
        (*depth)++;
        return read_blocktype(r);
    case 0x1f: /* try_table */
        note_feature(r, SL_WASM_FEAT_EXCEPTIONS, at);
        if (*depth == SCAN_MAX_DEPTH)
            return fail(c, at, "blocks nested too deeply");
        (*depth)++;
        return scan_try_table(r);
    case 0x07: /* catch */
    case 0x08: /* throw */
        note_feature(r, SL_WASM_FEAT_EXCEPTIONS, at);
        return read_index(r, "tag index");
    case 0x09: /* rethrow */
    case 0x18: /* delegate */
        note_feature(r, SL_WASM_FEAT_EXCEPTIONS, at);
        if (op == 0x18)
            (*depth)--; /* delegate closes its try like end does */
        return read_index(r, "label index");
    case 0x0a: /* throw_ref */
    case 0x19: /* catch_all */
        note_feature(r, SL_WASM_FEAT_EXCEPTIONS, at);
        return true;
    case 0x0b: /* end */
        (*depth)--;
        return true;
    case 0x0c: /* br */
    case 0x0d: /* br_if */
        return read_index(r, "label index");
    case 0x0e: /* br_table */
        if (!read_count(c, "br_table target count", 1, &n))
            return false;
        for (uint32_t i = 0; i <= n; i++)
            if (!read_index(r, "label index"))
                return false;
        return true;
    case 0x10: /* call */
        return read_func_index(r, "call", &idx);
    case 0x12: /* return_call */
        note_feature(r, SL_WASM_FEAT_TAIL_CALL, at);
        return read_func_index(r, "return_call", &idx);
    case 0x13: /* return_call_indirect */
        note_feature(r, SL_WASM_FEAT_TAIL_CALL, at);
        return read_type_index(r, &idx) && read_tableidx(r);
    case 0x11: /* call_indirect */
        return read_type_index(r, &idx) && read_tableidx(r);
    case 0x1c: /* select t* */
        note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
        if (!read_count(c, "select type count", 1, &n))
            return false;
        for (uint32_t i = 0; i < n; i++) {
            uint8_t t = 0;
            if (!read_valtype(r, "select type", &t))
                return false;
        }
        return true;
    case 0x20: /* local.get */
    case 0x21: /* local.set */
    case 0x22: /* local.tee */
        return read_index(r, "local index");
    case 0x23: /* global.get */
    case 0x24: /* global.set */
        return read_index(r, "global index");
    case 0x25: /* table.get */
    case 0x26: /* table.set */
        note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
        return read_index(r, "table index");
    case 0x3f: /* memory.size */
    case 0x40: /* memory.grow */
        return read_memidx(r, "memory index");
    case 0x41: /* i32.const */
        return read_leb(c, "i32 constant", 32, true, &v);
    case 0x42: /* i64.const */
        return read_leb(c, "i64 constant", 64, true, &v);
    case 0x43: /* f32.const */
        return skip_bytes(c, "f32 constant", 4);
    case 0x44: /* f64.const */
        return skip_bytes(c, "f64 constant", 8);
    case 0xd0: { /* ref.null */
        uint8_t t = 0;
        note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
        return read_reftype(r, "ref.null", &t);
    }
    case 0xd1: /* ref.is_null */
        note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
        return true;
    case 0xd2: /* ref.func */
        note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
        return read_func_index(r, "ref.func", &idx);
    case 0xfc:
        return scan_prefix_fc(r, at);
    case 0xfd:
        return scan_prefix_fd(r, at);
    case 0xfe:
        return scan_prefix_fe(r, at);
    default:
        break;
    }
    if (op >= 0x28 && op <= 0x3e) /* loads and stores */
        return read_memarg(r);
    if (op >= 0xc0 && op <= 0xc4) {
        note_feature(r, SL_WASM_FEAT_SIGN_EXT, at);
        return true;
    }
    if (op >= 0x45 && op <= 0xbf) /* numeric instructions without immediates */
        return true;
    return fail(c, at, "unknown opcode 0x%02x", op);
}

/* Instructions up to the `end` that closes the expression; fails if c->end comes first. */
static bool scan_expr(struct reader *r, const char *what)
{
    uint32_t depth = 1;
    while (depth > 0) {
        if (r->c.pos >= r->c.end)
            return eof(&r->c, what);
        if (!scan_instr(r, &depth))
            return false;
    }
    return true;
}

/* ---- sections ---- */

static bool read_type_section(struct reader *r)
{
    struct cursor *c = &r->c;
    struct sl_wasm_module *m = r->m;
    uint32_t n = 0;
    if (!read_count(c, "type count", 3, &n))
        return false;
    m->types = sl_calloc(n, sizeof(*m->types));
    if (m->types == NULL)
        return oom(c);
    for (uint32_t i = 0; i < n; i++) {
        struct sl_wasm_functype *t = &m->types[i];
        size_t at = c->pos;
        uint8_t form = 0;
        if (!read_u8(c, "function type", &form))
            return false;
        if (form != 0x60)
            return fail(c, at, "expected function type (0x60), got 0x%02x", form);
        m->ntypes = i + 1;
        if (!read_count(c, "parameter count", 1, &t->nparams))
            return false;
        t->params = sl_malloc(t->nparams);
        if (t->params == NULL)
            return oom(c);
        for (uint32_t k = 0; k < t->nparams; k++)
            if (!read_valtype(r, "parameter type", &t->params[k]))
                return false;
        if (!read_count(c, "result count", 1, &t->nresults))
            return false;
        t->results = sl_malloc(t->nresults);
        if (t->results == NULL)
            return oom(c);
        for (uint32_t k = 0; k < t->nresults; k++)
            if (!read_valtype(r, "result type", &t->results[k]))
                return false;
        if (t->nresults > 1)
            note_feature(r, SL_WASM_FEAT_MULTI_VALUE, at);
    }
    return true;
}

static bool read_import_section(struct reader *r)
{
    struct cursor *c = &r->c;
    struct sl_wasm_module *m = r->m;
    uint32_t n = 0;
    if (!read_count(c, "import count", 4, &n))
        return false;
    m->imports = sl_calloc(n, sizeof(*m->imports));
    if (m->imports == NULL)
        return oom(c);
    for (uint32_t i = 0; i < n; i++) {
        struct sl_wasm_import *im = &m->imports[i];
        im->offset = c->pos;
        m->nimports = i + 1;
        if (!read_name(c, "import module name", &im->module, NULL)
            || !read_name(c, "import name", &im->name, NULL))
            return false;
        size_t at = c->pos;
        uint8_t kind = 0;
        if (!read_u8(c, "import kind", &kind))
            return false;
        switch (kind) {
        case SL_WASM_KIND_FUNC:
            if (!read_type_index(r, &im->type_index))
                return false;
            m->nfunc_imports++;
            break;
        case SL_WASM_KIND_TABLE:
            if (!read_reftype(r, "table type", &im->elem_type)
                || !read_limits(r, false, &im->limits))
                return false;
            m->ntable_imports++;
            if (m->ntable_imports > 1)
                note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
            break;
        case SL_WASM_KIND_MEMORY:
            if (!read_limits(r, true, &im->limits))
                return false;
            m->nmemory_imports++;
            if (m->nmemory_imports > 1)
                note_feature(r, SL_WASM_FEAT_MULTI_MEMORY, at);
            break;
        case SL_WASM_KIND_GLOBAL:
            if (!read_global_type(r, &im->global_type, &im->global_mutable)
                || !push_global(r, im->global_mutable))
                return false;
            if (im->global_mutable)
                note_feature(r, SL_WASM_FEAT_MUTABLE_GLOBALS, at);
            m->nglobal_imports++;
            break;
        case SL_WASM_KIND_TAG: {
            size_t aat = c->pos;
            uint8_t attr = 0;
            note_feature(r, SL_WASM_FEAT_EXCEPTIONS, at);
            if (!read_u8(c, "tag attribute", &attr))
                return false;
            if (attr != 0)
                return fail(c, aat, "invalid tag attribute 0x%02x (expected 0)", attr);
            if (!read_type_index(r, &im->type_index))
                return false;
            r->ntag_imports++;
            break;
        }
        default:
            return fail(c, at, "invalid import kind 0x%02x", kind);
        }
        im->kind = (enum sl_wasm_kind)kind;
    }
    return true;
}

static bool read_function_section(struct reader *r)
{
    struct cursor *c = &r->c;
    struct sl_wasm_module *m = r->m;
    uint32_t n = 0;
    if (!read_count(c, "function count", 1, &n))
        return false;
    m->func_types = sl_calloc(n, sizeof(*m->func_types));
    if (m->func_types == NULL)
        return oom(c);
    for (uint32_t i = 0; i < n; i++)
        if (!read_type_index(r, &m->func_types[i]))
            return false;
    m->nfuncs = n;
    return true;
}

static bool read_table_section(struct reader *r)
{
    struct cursor *c = &r->c;
    struct sl_wasm_module *m = r->m;
    size_t at = c->pos;
    uint32_t n = 0;
    if (!read_count(c, "table count", 3, &n))
        return false;
    m->tables = sl_calloc(n, sizeof(*m->tables));
    m->table_elem_types = sl_calloc(n, 1);
    if (m->tables == NULL || m->table_elem_types == NULL)
        return oom(c);
    if (m->ntable_imports + n > 1)
        note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
    for (uint32_t i = 0; i < n; i++) {
        if (!read_reftype(r, "table type", &m->table_elem_types[i])
            || !read_limits(r, false, &m->tables[i]))
            return false;
        m->ntables = i + 1;
    }
    return true;
}

static bool read_memory_section(struct reader *r)
{
    struct cursor *c = &r->c;
    struct sl_wasm_module *m = r->m;
    size_t at = c->pos;
    uint32_t n = 0;
    if (!read_count(c, "memory count", 2, &n))
        return false;
    m->memories = sl_calloc(n, sizeof(*m->memories));
    if (m->memories == NULL)
        return oom(c);
    if (m->nmemory_imports + n > 1)
        note_feature(r, SL_WASM_FEAT_MULTI_MEMORY, at);
    for (uint32_t i = 0; i < n; i++) {
        if (!read_limits(r, true, &m->memories[i]))
            return false;
        m->nmemories = i + 1;
    }
    return true;
}

static bool read_tag_section(struct reader *r)
{
    struct cursor *c = &r->c;
    size_t at = c->pos;
    uint32_t n = 0;
    note_feature(r, SL_WASM_FEAT_EXCEPTIONS, at);
    if (!read_count(c, "tag count", 2, &n))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        size_t aat = c->pos;
        uint8_t attr = 0;
        uint32_t ti = 0;
        if (!read_u8(c, "tag attribute", &attr))
            return false;
        if (attr != 0)
            return fail(c, aat, "invalid tag attribute 0x%02x (expected 0)", attr);
        if (!read_type_index(r, &ti))
            return false;
    }
    r->ntags = n;
    return true;
}

static bool read_global_section(struct reader *r)
{
    struct cursor *c = &r->c;
    uint32_t n = 0;
    if (!read_count(c, "global count", 3, &n))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t type = 0;
        bool mut = 0;
        if (!read_global_type(r, &type, &mut) || !push_global(r, mut)
            || !scan_expr(r, "global initializer"))
            return false;
        r->m->nglobals = i + 1;
    }
    return true;
}

static int cmp_export_name(const void *a, const void *b, void *ctx)
{
    const struct reader *r = ctx;
    uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
    uint32_t la = r->export_name_lens[ia], lb = r->export_name_lens[ib];
    int d = memcmp(r->m->exports[ia].name, r->m->exports[ib].name, SL_MIN(la, lb));
    if (d != 0)
        return d;
    if (la != lb)
        return la < lb ? -1 : 1;
    return ia < ib ? -1 : ia > ib;
}

/* Sorting keeps this O(n log n) however many exports a file declares. */
static bool check_duplicate_exports(struct reader *r)
{
    struct sl_wasm_module *m = r->m;
    if (m->nexports < 2)
        return true;
    uint32_t *order = sl_calloc(m->nexports, sizeof(*order));
    if (order == NULL)
        return oom(&r->c);
    for (uint32_t i = 0; i < m->nexports; i++)
        order[i] = i;
    qsort_r(order, m->nexports, sizeof(*order), cmp_export_name, r);
    uint32_t dup = UINT32_MAX;
    for (uint32_t i = 1; i < m->nexports; i++) {
        uint32_t a = order[i - 1], b = order[i];
        if (r->export_name_lens[a] == r->export_name_lens[b]
            && memcmp(m->exports[a].name, m->exports[b].name, r->export_name_lens[a]) == 0
            && (dup == UINT32_MAX || b < dup))
            dup = b;
    }
    sl_free(order);
    if (dup != UINT32_MAX)
        return fail(&r->c, r->export_offsets[dup], "duplicate export '%s'", m->exports[dup].name);
    return true;
}

static bool read_export_section(struct reader *r)
{
    struct cursor *c = &r->c;
    struct sl_wasm_module *m = r->m;
    uint32_t n = 0;
    if (!read_count(c, "export count", 3, &n))
        return false;
    m->exports = sl_calloc(n, sizeof(*m->exports));
    r->export_offsets = sl_calloc(n, sizeof(*r->export_offsets));
    r->export_name_lens = sl_calloc(n, sizeof(*r->export_name_lens));
    if (m->exports == NULL || r->export_offsets == NULL || r->export_name_lens == NULL)
        return oom(c);
    for (uint32_t i = 0; i < n; i++) {
        struct sl_wasm_export *ex = &m->exports[i];
        r->export_offsets[i] = c->pos;
        if (!read_name(c, "export name", &ex->name, &r->export_name_lens[i]))
            return false;
        m->nexports = i + 1;
        size_t at = c->pos;
        uint8_t kind = 0;
        if (!read_u8(c, "export kind", &kind))
            return false;
        size_t iat = c->pos;
        if (!read_u32(c, "export index", &ex->index))
            return false;
        uint32_t limit = 0;
        const char *what, *what_plural;
        switch (kind) {
        case SL_WASM_KIND_FUNC:
            limit = total_funcs(r);
            what = "function";
            what_plural = "functions";
            break;
        case SL_WASM_KIND_TABLE:
            limit = m->ntable_imports + m->ntables;
            what = "table";
            what_plural = "tables";
            break;
        case SL_WASM_KIND_MEMORY:
            limit = m->nmemory_imports + m->nmemories;
            what = "memory";
            what_plural = "memories";
            break;
        case SL_WASM_KIND_GLOBAL:
            limit = r->nglobal_mut;
            what = "global";
            what_plural = "globals";
            break;
        case SL_WASM_KIND_TAG:
            note_feature(r, SL_WASM_FEAT_EXCEPTIONS, at);
            limit = r->ntag_imports + r->ntags;
            what = "tag";
            what_plural = "tags";
            break;
        default:
            return fail(c, at, "invalid export kind 0x%02x for export '%s'", kind, ex->name);
        }
        ex->kind = (enum sl_wasm_kind)kind;
        if (ex->index >= limit)
            return fail(c, iat, "%s index %u out of range in export '%s' (module has %u %s)", what,
                        ex->index, ex->name, limit, limit == 1 ? what : what_plural);
        if (kind == SL_WASM_KIND_GLOBAL && r->global_mut[ex->index])
            note_feature(r, SL_WASM_FEAT_MUTABLE_GLOBALS, at);
    }
    return check_duplicate_exports(r);
}

static bool read_start_section(struct reader *r)
{
    struct cursor *c = &r->c;
    size_t at = c->pos;
    if (!read_u32(c, "start function index", &r->m->start_func))
        return false;
    if (r->m->start_func >= total_funcs(r))
        return fail(c, at, "start function index %u out of range (module has %u function%s)",
                    r->m->start_func, total_funcs(r), plural(total_funcs(r)));
    r->m->has_start = true;
    return true;
}

static bool read_elem_kind(struct reader *r)
{
    struct cursor *c = &r->c;
    size_t at = c->pos;
    uint8_t k = 0;
    if (!read_u8(c, "element kind", &k))
        return false;
    if (k != 0)
        return fail(c, at, "invalid element kind 0x%02x (expected 0)", k);
    return true;
}

static bool read_element_section(struct reader *r)
{
    struct cursor *c = &r->c;
    uint32_t n = 0;
    if (!read_count(c, "element segment count", 2, &n))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        size_t at = c->pos;
        uint32_t flags, count, idx;
        uint8_t t = 0;
        if (!read_u32(c, "element segment flags", &flags))
            return false;
        if (flags > 7)
            return fail(c, at, "invalid element segment flags 0x%x", flags);
        if (flags == 1 || flags == 5 || flags >= 4)
            note_feature(r, SL_WASM_FEAT_BULK_MEMORY, at);
        if (flags == 3 || flags == 7)
            note_feature(r, SL_WASM_FEAT_REFERENCE_TYPES, at);
        if ((flags & 0x02) && !(flags & 0x01) && !read_tableidx(r))
            return false;
        if (!(flags & 0x01) && !scan_expr(r, "element segment offset"))
            return false;
        if (flags & 0x03) {
            if (flags & 0x04 ? !read_reftype(r, "element type", &t) : !read_elem_kind(r))
                return false;
        }
        if (!read_count(c, "element count", 1, &count))
            return false;
        for (uint32_t k = 0; k < count; k++) {
            if (flags & 0x04 ? !scan_expr(r, "element expression")
                             : !read_func_index(r, "element segment", &idx))
                return false;
        }
        r->m->nelem_segments = i + 1;
    }
    return true;
}

static bool read_datacount_section(struct reader *r)
{
    note_feature(r, SL_WASM_FEAT_BULK_MEMORY, r->c.pos);
    r->has_datacount = true;
    return read_u32(&r->c, "data count", &r->datacount);
}

static bool read_code_section(struct reader *r, size_t sec_start)
{
    struct cursor *c = &r->c;
    struct sl_wasm_module *m = r->m;
    size_t at = c->pos;
    uint32_t n = 0;
    m->code_offset = sec_start;
    if (!read_count(c, "function body count", 2, &n))
        return false;
    if (n != m->nfuncs)
        return fail(c, at,
                    "function and code section counts differ (function section: %u, "
                    "code section: %u)",
                    m->nfuncs, n);
    size_t sec_end = c->end;
    char sec_scope[sizeof(c->scope)];
    uint32_t sec_size = c->scope_size;
    memcpy(sec_scope, c->scope, sizeof(sec_scope));
    for (uint32_t i = 0; i < n; i++) {
        uint32_t fi = m->nfunc_imports + i;
        uint32_t size = 0;
        size_t size_at = c->pos;
        if (!read_u32(c, "function body size", &size))
            return false;
        if (size > left(c))
            return fail(c, size_at,
                        "function %u body size 0x%x runs past the end of the code "
                        "section (0x%zx bytes left)",
                        fi, size, left(c));
        c->end = c->pos + size;
        c->scope_size = size;
        if (r->skip_bodies) {
            c->pos = c->end;
            c->end = sec_end;
            continue;
        }
        snprintf(c->scope, sizeof(c->scope), "function %u body", fi);
        r->cur_func = fi;
        uint32_t ngroups = 0;
        uint64_t nlocals = 0;
        if (!read_count(c, "local declaration count", 2, &ngroups))
            return false;
        for (uint32_t k = 0; k < ngroups; k++) {
            size_t lat = c->pos;
            uint32_t cnt = 0;
            uint8_t t = 0;
            if (!read_u32(c, "local count", &cnt) || !read_valtype(r, "local type", &t))
                return false;
            nlocals += cnt;
            if (nlocals > UINT32_MAX)
                return fail(c, lat, "function %u declares too many locals", fi);
        }
        if (!scan_expr(r, "instruction"))
            return false;
        if (c->pos != c->end)
            return fail(c, c->pos,
                        "function %u body has 0x%zx bytes after its final 'end' "
                        "(content is shorter than the declared size 0x%x)",
                        fi, left(c), size);
        c->end = sec_end;
        c->scope_size = sec_size;
        memcpy(c->scope, sec_scope, sizeof(c->scope));
    }
    r->cur_func = UINT32_MAX;
    return true;
}

static bool read_data_section(struct reader *r)
{
    struct cursor *c = &r->c;
    size_t at = c->pos;
    uint32_t n = 0;
    if (!read_count(c, "data segment count", 2, &n))
        return false;
    if (r->has_datacount && n != r->datacount)
        return fail(c, at, "data section has %u segments but the datacount section says %u", n,
                    r->datacount);
    for (uint32_t i = 0; i < n; i++) {
        size_t fat = c->pos;
        uint32_t flags, size;
        if (!read_u32(c, "data segment flags", &flags))
            return false;
        if (flags > 2)
            return fail(c, fat, "invalid data segment flags 0x%x", flags);
        if (flags == 1)
            note_feature(r, SL_WASM_FEAT_BULK_MEMORY, fat);
        if (flags == 2 && !read_memidx(r, "memory index"))
            return false;
        if (flags != 1 && !scan_expr(r, "data segment offset"))
            return false;
        if (!read_u32(c, "data segment size", &size) || !skip_bytes(c, "data segment bytes", size))
            return false;
        r->m->ndata_segments = i + 1;
    }
    return true;
}

static bool read_custom_section(struct reader *r)
{
    struct cursor *c = &r->c;
    struct sl_wasm_module *m = r->m;
    struct sl_wasm_custom *p = sl_reallocarray(m->customs, (size_t)m->ncustoms + 1, sizeof(*p));
    if (p == NULL)
        return oom(c);
    m->customs = p;
    struct sl_wasm_custom *cs = &m->customs[m->ncustoms];
    memset(cs, 0, sizeof(*cs));
    if (!read_name(c, "custom section name", &cs->name, NULL))
        return false;
    m->ncustoms++;
    cs->offset = c->pos;
    cs->size = left(c);
    c->pos = c->end;
    return true;
}

static bool read_section_body(struct reader *r, uint8_t id, size_t sec_start)
{
    switch (id) {
    case SEC_CUSTOM:
        return read_custom_section(r);
    case SEC_TYPE:
        return read_type_section(r);
    case SEC_IMPORT:
        return read_import_section(r);
    case SEC_FUNCTION:
        return read_function_section(r);
    case SEC_TABLE:
        return read_table_section(r);
    case SEC_MEMORY:
        return read_memory_section(r);
    case SEC_GLOBAL:
        return read_global_section(r);
    case SEC_EXPORT:
        return read_export_section(r);
    case SEC_START:
        return read_start_section(r);
    case SEC_ELEMENT:
        return read_element_section(r);
    case SEC_CODE:
        return read_code_section(r, sec_start);
    case SEC_DATA:
        return read_data_section(r);
    case SEC_DATACOUNT:
        return read_datacount_section(r);
    case SEC_TAG:
        return read_tag_section(r);
    default:
        return false;
    }
}

static bool read_sections(struct reader *r)
{
    struct cursor *c = &r->c;
    bool seen[SEC_COUNT] = {false};
    uint8_t last = 0; /* id of the last non-custom section */
    while (c->pos < c->len) {
        size_t at = c->pos;
        uint8_t id = c->buf[c->pos++];
        if (id >= SEC_COUNT)
            return fail(c, at, "unknown section id %u", id);
        if (id != SEC_CUSTOM) {
            if (seen[id])
                return fail(c, at, "duplicate %s section", section_names[id]);
            if (last != 0 && section_rank[id] < section_rank[last])
                return fail(c, at, "%s section out of order (it must come before the %s section)",
                            section_names[id], section_names[last]);
            seen[id] = true;
            last = id;
        }
        size_t size_at = c->pos;
        uint32_t size = 0;
        if (c->pos >= c->len)
            return fail(c, at, "truncated %s section: the file ends before its size",
                        section_names[id]);
        if (!read_u32(c, "section size", &size))
            return false;
        if (size > c->len - c->pos)
            return fail(c, size_at,
                        "%s section size 0x%x runs past the end of the file "
                        "(0x%zx bytes left)",
                        section_names[id], size, c->len - c->pos);
        size_t sec_start = c->pos;
        c->end = c->pos + size;
        c->scope_size = size;
        snprintf(c->scope, sizeof(c->scope), "%s section", section_names[id]);
        if (!read_section_body(r, id, sec_start))
            return false;
        if (c->pos != c->end)
            return fail(c, c->pos,
                        "%s section has 0x%zx unused bytes at its end (content is "
                        "shorter than the declared size 0x%x)",
                        section_names[id], left(c), size);
        c->scope[0] = '\0';
        c->end = c->len;
    }
    if (!seen[SEC_CODE] && r->m->nfuncs != 0)
        return fail(c, c->len,
                    "function and code section counts differ (function section: %u, "
                    "no code section)",
                    r->m->nfuncs);
    if (r->has_datacount && r->datacount != 0 && !seen[SEC_DATA])
        return fail(c, c->len, "datacount section says %u segments but there is no data section",
                    r->datacount);
    return true;
}

/* True when the bytes look like the text format: blanks and ;; comments, then "(module". */
static bool looks_like_text(const uint8_t *b, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
            i++;
        } else if (i + 1 < len && b[i] == ';' && b[i + 1] == ';') {
            while (i < len && b[i] != '\n')
                i++;
        } else {
            break;
        }
    }
    static const char tag[] = "(module";
    return len - i >= sizeof(tag) - 1 && memcmp(b + i, tag, sizeof(tag) - 1) == 0;
}

static bool read_header(struct cursor *c)
{
    static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6d};
    const uint8_t *b = c->buf;
    if (c->len == 0) {
        c->rc =
            sl_error_set(c->err, SL_EMODULE, "%s: empty file, not a WebAssembly module", c->file);
        return false;
    }
    if (memcmp(b, magic, SL_MIN(c->len, sizeof(magic))) != 0) {
        if (looks_like_text(b, c->len)) {
            c->rc = sl_error_set(c->err, SL_EMODULE,
                                 "%s: not a WebAssembly binary: looks like WebAssembly text; "
                                 "convert it with wat2wasm",
                                 c->file);
            return false;
        }
        char got[16] = "";
        size_t n = 0;
        for (size_t i = 0; i < SL_MIN(c->len, sizeof(magic)); i++)
            n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%02x", i ? " " : "", b[i]);
        return fail(c, 0, "not a WebAssembly module (bad magic number %s, expected 00 61 73 6d)",
                    got);
    }
    if (c->len < 8)
        return fail(c, c->len,
                    "truncated header: expected 8 bytes (magic and version), the file has %zu",
                    c->len);
    uint32_t version = (uint32_t)b[4] | (uint32_t)b[5] << 8;
    uint32_t layer = (uint32_t)b[6] | (uint32_t)b[7] << 8;
    if (layer != 0) {
        c->rc = sl_error_set(c->err, SL_EMODULE,
                             "%s: is a WebAssembly component, not a core module (slight runs "
                             "core modules)",
                             c->file);
        return false;
    }
    if (version != 1)
        return fail(c, 4, "unknown WebAssembly binary version %u (expected 1)", version);
    c->pos = 8;
    return true;
}

static sl_err read_module(const uint8_t *bytes, size_t len, const char *filename,
                          bool skip_bodies, struct sl_wasm_module *out, struct sl_error *err)
{
    struct reader r;
    memset(&r, 0, sizeof(r));
    memset(out, 0, sizeof(*out));
    r.m = out;
    r.skip_bodies = skip_bodies;
    r.cur_func = UINT32_MAX;
    r.c.buf = bytes;
    r.c.len = bytes == NULL ? 0 : len;
    r.c.end = r.c.len;
    r.c.file = filename != NULL ? filename : "module";
    r.c.err = err;
    r.c.rc = SL_OK;
    bool ok = read_header(&r.c) && read_sections(&r);
    sl_free(r.global_mut);
    sl_free(r.export_offsets);
    sl_free(r.export_name_lens);
    if (!ok) {
        sl_wasm_module_release(out);
        return r.c.rc != SL_OK ? r.c.rc : SL_EMODULE;
    }
    return SL_OK;
}

sl_err sl_wasm_read(const uint8_t *bytes, size_t len, const char *filename,
                    struct sl_wasm_module *out, struct sl_error *err)
{
    return read_module(bytes, len, filename, false, out, err);
}

sl_err sl_wasm_read_known(const uint8_t *bytes, size_t len, const char *filename,
                          struct sl_wasm_module *out, struct sl_error *err)
{
    return read_module(bytes, len, filename, true, out, err);
}

sl_err sl_wasm_check_features(const struct sl_wasm_module *m, const char *filename,
                              struct sl_error *err)
{
    uint32_t bad = m->features & SL_WASM_FEAT_UNSUPPORTED;
    if (bad == 0)
        return SL_OK;
    unsigned first = SL_WASM_FEAT_COUNT;
    for (unsigned bit = 0; bit < SL_WASM_FEAT_COUNT; bit++) {
        if (!(bad & (1u << bit)))
            continue;
        if (first == SL_WASM_FEAT_COUNT
            || m->feature_sites[bit].offset < m->feature_sites[first].offset)
            first = bit;
    }
    const struct sl_wasm_feature_site *s = &m->feature_sites[first];
    const char *name = sl_wasm_feature_name((enum sl_wasm_feature)(1u << first));
    const char *file = filename != NULL ? filename : "module";
    if (s->func_index == UINT32_MAX)
        return sl_error_set(err, SL_EUNSUPPORTED,
                            "%s: uses %s (offset 0x%zx), which this engine cannot run yet "
                            "(wasm2c 1.0.32 cannot translate it)",
                            file, name, s->offset);
    return sl_error_set(err, SL_EUNSUPPORTED,
                        "%s: uses %s (function %u, offset 0x%zx), which this engine cannot run "
                        "yet (wasm2c 1.0.32 cannot translate it)",
                        file, name, s->func_index, s->offset);
}

const char *sl_wasm_feature_name(enum sl_wasm_feature f)
{
    switch (f) {
    case SL_WASM_FEAT_SIMD:
        return "SIMD";
    case SL_WASM_FEAT_THREADS:
        return "threads";
    case SL_WASM_FEAT_TAIL_CALL:
        return "tail calls";
    case SL_WASM_FEAT_EXCEPTIONS:
        return "exceptions";
    case SL_WASM_FEAT_MULTI_MEMORY:
        return "multi-memory";
    case SL_WASM_FEAT_MEMORY64:
        return "memory64";
    case SL_WASM_FEAT_BULK_MEMORY:
        return "bulk memory";
    case SL_WASM_FEAT_REFERENCE_TYPES:
        return "reference types";
    case SL_WASM_FEAT_MULTI_VALUE:
        return "multi-value";
    case SL_WASM_FEAT_SIGN_EXT:
        return "sign extension";
    case SL_WASM_FEAT_SAT_CONV:
        return "saturating float-to-int conversions";
    case SL_WASM_FEAT_MUTABLE_GLOBALS:
        return "mutable globals";
    }
    return "unknown feature";
}

void sl_wasm_module_release(struct sl_wasm_module *m)
{
    if (m == NULL)
        return;
    if (m->types != NULL) {
        for (uint32_t i = 0; i < m->ntypes; i++) {
            sl_free(m->types[i].params);
            sl_free(m->types[i].results);
        }
    }
    sl_free(m->types);
    if (m->imports != NULL) {
        for (uint32_t i = 0; i < m->nimports; i++) {
            sl_free(m->imports[i].module);
            sl_free(m->imports[i].name);
        }
    }
    sl_free(m->imports);
    sl_free(m->func_types);
    sl_free(m->tables);
    sl_free(m->table_elem_types);
    sl_free(m->memories);
    if (m->exports != NULL)
        for (uint32_t i = 0; i < m->nexports; i++)
            sl_free(m->exports[i].name);
    sl_free(m->exports);
    if (m->customs != NULL)
        for (uint32_t i = 0; i < m->ncustoms; i++)
            sl_free(m->customs[i].name);
    sl_free(m->customs);
    memset(m, 0, sizeof(*m));
}

const struct sl_wasm_export *sl_wasm_find_export(const struct sl_wasm_module *m, const char *name,
                                                 enum sl_wasm_kind kind)
{
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == kind && strcmp(m->exports[i].name, name) == 0)
            return &m->exports[i];
    return NULL;
}

const struct sl_wasm_functype *sl_wasm_func_type(const struct sl_wasm_module *m, uint32_t fi)
{
    uint32_t ti = 0;
    if (fi < m->nfunc_imports) {
        uint32_t i = 0;
        for (uint32_t k = 0; i < m->nimports; i++)
            if (m->imports[i].kind == SL_WASM_KIND_FUNC && k++ == fi)
                break;
        if (i == m->nimports)
            return NULL;
        ti = m->imports[i].type_index;
    } else if (fi - m->nfunc_imports < m->nfuncs) {
        ti = m->func_types[fi - m->nfunc_imports];
    } else {
        return NULL;
    }
    return ti < m->ntypes ? &m->types[ti] : NULL;
}

static char sig_letter(uint8_t t)
{
    switch (t) {
    case SL_WASM_I32:
        return 'i';
    case SL_WASM_I64:
        return 'I';
    case SL_WASM_F32:
        return 'f';
    case SL_WASM_F64:
        return 'F';
    default:
        return '\0';
    }
}

bool sl_wasm_sig_string(const struct sl_wasm_functype *t, char *buf, size_t size)
{
    if (size == 0)
        return false;
    buf[0] = '\0';
    if ((size_t)t->nparams + t->nresults + 2 > size)
        return false;
    size_t n = 0;
    for (uint32_t i = 0; i < t->nparams + t->nresults; i++) {
        if (i == t->nparams)
            buf[n++] = ':';
        uint8_t vt = i < t->nparams ? t->params[i] : t->results[i - t->nparams];
        char ch = sig_letter(vt);
        if (ch == '\0') {
            buf[0] = '\0';
            return false;
        }
        buf[n++] = ch;
    }
    if (t->nresults == 0)
        buf[n++] = ':';
    buf[n] = '\0';
    return true;
}
