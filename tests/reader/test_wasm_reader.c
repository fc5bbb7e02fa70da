/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_wasm_reader.c -- tests of the wasm module reader: one exact message per kind of
 * bad input, a full MVP module, feature detection, and robustness (truncation, byte
 * flips, failing allocations). Modules are written as bytes here or built from .wat
 * fixtures at build time; no .wasm file is committed.
 */
#include "sl_common.h"

#include "engine/wasm_reader.h"

#include "common/err.h"
#include "common/mem.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_NAME "app.wasm"
#define HDR       0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00

/* ---- helpers ---- */

static sl_err rd(const uint8_t *b, size_t n, struct sl_wasm_module *m, struct sl_error *e)
{
    return sl_wasm_read(b, n, FILE_NAME, m, e);
}

static void expect_error(const uint8_t *b, size_t n, const char *msg)
{
    struct sl_wasm_module m;
    struct sl_error e = SL_ERROR_INIT;
    sl_err rc = rd(b, n, &m, &e);
    cr_assert_eq(rc, SL_EMODULE, "rc %d, message '%s'", rc, e.msg);
    cr_assert_eq(e.code, SL_EMODULE);
    cr_assert_str_eq(e.msg, msg);
    cr_assert_null(m.types);
    cr_assert_null(m.exports);
    cr_assert_eq(m.features, 0);
}

#define EXPECT_ERROR(msg, ...)                         \
    do {                                               \
        static const uint8_t bytes_[] = {__VA_ARGS__}; \
        expect_error(bytes_, sizeof(bytes_), (msg));   \
    } while (0)

/* A growable byte string for building modules. */
struct bytes {
    uint8_t d[4096];
    size_t n;
};

static void put(struct bytes *b, const void *p, size_t n)
{
    cr_assert_leq(b->n + n, sizeof(b->d));
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

static void put_u8(struct bytes *b, uint8_t v)
{
    put(b, &v, 1);
}

static void put_leb(struct bytes *b, uint32_t v)
{
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        put_u8(b, byte | (v ? 0x80 : 0));
    } while (v);
}

static void put_str(struct bytes *b, const char *s)
{
    put_leb(b, (uint32_t)strlen(s));
    put(b, s, strlen(s));
}

/* "00 61 73 6d": space-separated hex pairs. */
static void put_hex(struct bytes *b, const char *hex)
{
    while (*hex) {
        if (*hex == ' ') {
            hex++;
            continue;
        }
        unsigned v;
        cr_assert_eq(sscanf(hex, "%2x", &v), 1, "bad hex near '%s'", hex);
        put_u8(b, (uint8_t)v);
        hex += 2;
    }
}

static void put_header(struct bytes *b)
{
    put_hex(b, "00 61 73 6d 01 00 00 00");
}

/* Appends section id with body; returns the offset of the body in b. */
static size_t put_section(struct bytes *b, uint8_t id, const struct bytes *body)
{
    put_u8(b, id);
    put_leb(b, (uint32_t)body->n);
    size_t at = b->n;
    put(b, body->d, body->n);
    return at;
}

static size_t put_section_hex(struct bytes *b, uint8_t id, const char *hex)
{
    struct bytes body = {.n = 0};
    put_hex(&body, hex);
    return put_section(b, id, &body);
}

/*
 * A module with one type ()->() (plus extra_types, hex of more type entries), one
 * function and the given body instructions ("0b" is appended). Optional sections
 * given as hex bodies go between function and code. Returns the offset of the first
 * instruction byte.
 */
struct fmod {
    const char *extra_types; /* type entries after "60 00 00" */
    uint32_t nextra_types;
    const char *imports; /* hex of the import section body, or NULL */
    const char *locals;  /* hex of local declarations, default "00" */
    const char *tables, *memories, *tags, *globals;
    bool datacount;
    const char *body;
};

static size_t build_fmod(struct bytes *b, const struct fmod *f)
{
    b->n = 0;
    put_header(b);
    struct bytes types = {.n = 0};
    put_leb(&types, 1 + f->nextra_types);
    put_hex(&types, "60 00 00");
    if (f->extra_types)
        put_hex(&types, f->extra_types);
    put_section(b, 1, &types);
    if (f->imports)
        put_section_hex(b, 2, f->imports);
    put_section_hex(b, 3, "01 00");
    if (f->tables)
        put_section_hex(b, 4, f->tables);
    if (f->memories)
        put_section_hex(b, 5, f->memories);
    if (f->tags)
        put_section_hex(b, 13, f->tags);
    if (f->globals)
        put_section_hex(b, 6, f->globals);
    if (f->datacount)
        put_section_hex(b, 12, "00");
    struct bytes code = {.n = 0};
    struct bytes body = {.n = 0};
    put_hex(&body, f->locals ? f->locals : "00");
    size_t instr_in_body = body.n;
    put_hex(&body, f->body);
    put_hex(&body, "0b");
    put_leb(&code, 1);
    put_leb(&code, (uint32_t)body.n);
    size_t body_in_code = code.n;
    put(&code, body.d, body.n);
    size_t code_at = put_section(b, 10, &code);
    return code_at + body_in_code + instr_in_body;
}

static void read_ok(const struct bytes *b, struct sl_wasm_module *m)
{
    struct sl_error e = SL_ERROR_INIT;
    sl_err rc = rd(b->d, b->n, m, &e);
    cr_assert_eq(rc, SL_OK, "unexpected error: %s", e.msg);
}

static unsigned bit_of(enum sl_wasm_feature f)
{
    return (unsigned)__builtin_ctz((unsigned)f);
}

static void expect_feature(const struct sl_wasm_module *m, enum sl_wasm_feature f, size_t off,
                           uint32_t func)
{
    cr_assert(m->features & (uint32_t)f, "feature '%s' not detected (features 0x%x)",
              sl_wasm_feature_name(f), m->features);
    cr_assert_eq(m->feature_sites[bit_of(f)].offset, off, "%s: offset 0x%zx, expected 0x%zx",
                 sl_wasm_feature_name(f), m->feature_sites[bit_of(f)].offset, off);
    cr_assert_eq(m->feature_sites[bit_of(f)].func_index, func, "%s: function %u, expected %u",
                 sl_wasm_feature_name(f), m->feature_sites[bit_of(f)].func_index, func);
}

/* Reads a module with one function whose body is `body`; checks f is first seen `rel`
 * bytes into the body. */
static void expect_body_feature(const char *body, enum sl_wasm_feature f, size_t rel)
{
    struct bytes b;
    struct fmod fm = {.body = body, .memories = "01 00 01", .tables = "01 70 00 01"};
    size_t at = build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    expect_feature(&m, f, at + rel, 0);
    sl_wasm_module_release(&m);
}

/* ---- the header ---- */

Test(header, empty_file)
{
    expect_error((const uint8_t *)"", 0, "app.wasm: empty file, not a WebAssembly module");
    struct sl_wasm_module m;
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_read(NULL, 0, FILE_NAME, &m, &e), SL_EMODULE);
}

Test(header, bad_magic)
{
    EXPECT_ERROR("app.wasm: offset 0x0: not a WebAssembly module (bad magic number 7f 45 4c 46, "
                 "expected 00 61 73 6d)",
                 0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00);
}

Test(header, bad_magic_short_file)
{
    EXPECT_ERROR("app.wasm: offset 0x0: not a WebAssembly module (bad magic number 68 69, "
                 "expected 00 61 73 6d)",
                 'h', 'i');
}

Test(header, text_format)
{
    const char *wat = "(module\n  (func (export \"run\")))\n";
    expect_error((const uint8_t *)wat, strlen(wat),
                 "app.wasm: not a WebAssembly binary: looks like WebAssembly text; convert it "
                 "with wat2wasm");
    const char *commented = ";; app\n\n  (module)";
    expect_error((const uint8_t *)commented, strlen(commented),
                 "app.wasm: not a WebAssembly binary: looks like WebAssembly text; convert it "
                 "with wat2wasm");
}

Test(header, component)
{
    EXPECT_ERROR("app.wasm: is a WebAssembly component, not a core module (slight runs core "
                 "modules)",
                 0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x01, 0x00);
    /* any non-zero layer is a component, whatever the version */
    EXPECT_ERROR("app.wasm: is a WebAssembly component, not a core module (slight runs core "
                 "modules)",
                 0x00, 0x61, 0x73, 0x6d, 0x0e, 0x00, 0x02, 0x00);
}

Test(header, unknown_version)
{
    EXPECT_ERROR("app.wasm: offset 0x4: unknown WebAssembly binary version 2 (expected 1)", 0x00,
                 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00);
}

Test(header, truncated)
{
    EXPECT_ERROR("app.wasm: offset 0x6: truncated header: expected 8 bytes (magic and version), "
                 "the file has 6",
                 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00);
    EXPECT_ERROR("app.wasm: offset 0x2: truncated header: expected 8 bytes (magic and version), "
                 "the file has 2",
                 0x00, 0x61);
}

Test(header, empty_module_is_valid)
{
    static const uint8_t b[] = {HDR};
    struct sl_wasm_module m;
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(rd(b, sizeof(b), &m, &e), SL_OK);
    cr_assert_eq(m.ntypes, 0);
    cr_assert_eq(m.features, 0);
    cr_assert_eq(sl_wasm_check_features(&m, FILE_NAME, &e), SL_OK);
    sl_wasm_module_release(&m);
}

/* ---- sections ---- */

Test(sections, truncated_section)
{
    EXPECT_ERROR("app.wasm: offset 0x8: truncated type section: the file ends before its size", HDR,
                 0x01);
    EXPECT_ERROR("app.wasm: offset 0xa: unexpected end of file, expected section size", HDR, 0x01,
                 0x80);
}

Test(sections, size_past_end)
{
    EXPECT_ERROR("app.wasm: offset 0x9: type section size 0x5 runs past the end of the file (0x2 "
                 "bytes left)",
                 HDR, 0x01, 0x05, 0x60, 0x00);
}

Test(sections, content_shorter_than_size)
{
    EXPECT_ERROR("app.wasm: offset 0xe: type section has 0x1 unused bytes at its end (content is "
                 "shorter than the declared size 0x5)",
                 HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00);
}

Test(sections, content_longer_than_size)
{
    EXPECT_ERROR("app.wasm: offset 0xe: unexpected end of type section, expected result count "
                 "(content is longer than the declared size 0x4)",
                 HDR, 0x01, 0x04, 0x01, 0x60, 0x01, 0x7f, 0x00);
}

Test(sections, leb_too_long)
{
    EXPECT_ERROR("app.wasm: offset 0x9: section size: LEB128 u32 is longer than 5 bytes", HDR, 0x01,
                 0x80, 0x80, 0x80, 0x80, 0x80, 0x00);
}

Test(sections, leb_unused_bits)
{
    EXPECT_ERROR("app.wasm: offset 0x9: section size: LEB128 u32 has unused bits set (value out "
                 "of range)",
                 HDR, 0x01, 0xff, 0xff, 0xff, 0xff, 0x7f);
    /* inside a section, with the field named */
    EXPECT_ERROR("app.wasm: offset 0xa: type count: LEB128 u32 has unused bits set (value out of "
                 "range)",
                 HDR, 0x01, 0x05, 0x80, 0x80, 0x80, 0x80, 0x10);
}

Test(sections, leb_max_u32_ok_but_count_too_large)
{
    EXPECT_ERROR("app.wasm: offset 0xa: type count 4294967295 does not fit in the 0 bytes left "
                 "in the type section",
                 HDR, 0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f);
}

Test(sections, out_of_order)
{
    EXPECT_ERROR("app.wasm: offset 0xb: type section out of order (it must come before the "
                 "function section)",
                 HDR, 0x03, 0x01, 0x00, 0x01, 0x01, 0x00);
}

Test(sections, duplicated)
{
    EXPECT_ERROR("app.wasm: offset 0xb: duplicate type section", HDR, 0x01, 0x01, 0x00, 0x01, 0x01,
                 0x00);
}

Test(sections, unknown_id)
{
    EXPECT_ERROR("app.wasm: offset 0x8: unknown section id 14", HDR, 0x0e, 0x00);
}

Test(sections, custom_sections_anywhere)
{
    struct bytes b = {.n = 0};
    put_header(&b);
    put_section_hex(&b, 0, "04 6e 61 6d 65 aa bb");
    put_section_hex(&b, 1, "00");
    put_section_hex(&b, 0, "01 78");
    put_section_hex(&b, 7, "00");
    struct sl_wasm_module m;
    read_ok(&b, &m);
    cr_assert_eq(m.ncustoms, 2);
    cr_assert_str_eq(m.customs[0].name, "name");
    cr_assert_eq(m.customs[0].offset, 0xf);
    cr_assert_eq(m.customs[0].size, 2);
    cr_assert_eq(b.d[m.customs[0].offset], 0xaa);
    cr_assert_str_eq(m.customs[1].name, "x");
    cr_assert_eq(m.customs[1].size, 0);
    sl_wasm_module_release(&m);
}

Test(sections, datacount_and_tag_order)
{
    /* tag (13) goes between memory and global; datacount (12) between element and code */
    EXPECT_ERROR("app.wasm: offset 0xb: tag section out of order (it must come before the global "
                 "section)",
                 HDR, 0x06, 0x01, 0x00, 0x0d, 0x01, 0x00);
    EXPECT_ERROR("app.wasm: offset 0xb: datacount section out of order (it must come before the "
                 "code section)",
                 HDR, 0x0a, 0x01, 0x00, 0x0c, 0x01, 0x00);
}

/* ---- names, exports, indexes ---- */

Test(names, invalid_utf8)
{
    EXPECT_ERROR("app.wasm: offset 0xb: invalid UTF-8 in custom section name", HDR, 0x00, 0x03,
                 0x02, 0xc3, 0x28);
    /* an overlong encoding of '/' */
    EXPECT_ERROR("app.wasm: offset 0xc: invalid UTF-8 in import module name", HDR, 0x02, 0x07, 0x01,
                 0x02, 0xc0, 0xaf, 0x00, 0x02, 0x00);
    /* a UTF-16 surrogate */
    EXPECT_ERROR("app.wasm: offset 0xc: invalid UTF-8 in export name", HDR, 0x07, 0x06, 0x01, 0x03,
                 0xed, 0xa0, 0x80, 0x00);
}

/* type ()->(), one function, its code: used by the export/start cases */
#define ONE_FUNC 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00
#define ONE_BODY 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b

Test(names, duplicate_export)
{
    EXPECT_ERROR("app.wasm: offset 0x19: duplicate export 'x'", HDR, ONE_FUNC, 0x07, 0x09, 0x02,
                 0x01, 'x', 0x00, 0x00, 0x01, 'x', 0x00, 0x00, ONE_BODY);
    /* same name, different kinds: still a duplicate */
    EXPECT_ERROR("app.wasm: offset 0x20: duplicate export 'mem'", HDR, ONE_FUNC, 0x05, 0x03, 0x01,
                 0x00, 0x01, 0x07, 0x0d, 0x02, 0x03, 'm', 'e', 'm', 0x00, 0x00, 0x03, 'm', 'e', 'm',
                 0x02, 0x00, ONE_BODY);
}

Test(names, names_that_share_a_prefix_are_not_duplicates)
{
    static const uint8_t b[] = {HDR,  ONE_FUNC, 0x07, 0x0a, 0x02, 0x01, 'x',     0x00,
                                0x00, 0x02,     'x',  'y',  0x00, 0x00, ONE_BODY};
    struct sl_wasm_module m;
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(rd(b, sizeof(b), &m, &e), SL_OK, "%s", e.msg);
    cr_assert_eq(m.nexports, 2);
    sl_wasm_module_release(&m);
}

Test(indexes, function_code_count_mismatch)
{
    EXPECT_ERROR("app.wasm: offset 0x15: function and code section counts differ (function "
                 "section: 2, code section: 1)",
                 HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00, 0x00, ONE_BODY);
    EXPECT_ERROR("app.wasm: offset 0x12: function and code section counts differ (function "
                 "section: 1, no code section)",
                 HDR, ONE_FUNC);
    EXPECT_ERROR("app.wasm: offset 0xa: function and code section counts differ (function "
                 "section: 0, code section: 1)",
                 HDR, ONE_BODY);
}

Test(indexes, type_index_out_of_range)
{
    EXPECT_ERROR("app.wasm: offset 0x11: type index 1 out of range (module has 1 type)", HDR, 0x01,
                 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x01);
    EXPECT_ERROR("app.wasm: offset 0x12: type index 0 out of range (module has 0 types)", HDR, 0x02,
                 0x09, 0x01, 0x03, 'e', 'n', 'v', 0x01, 'f', 0x00, 0x00);
}

Test(indexes, function_index_in_export)
{
    EXPECT_ERROR("app.wasm: offset 0x18: function index 5 out of range in export 'f' (module has "
                 "1 function)",
                 HDR, ONE_FUNC, 0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x05, ONE_BODY);
    EXPECT_ERROR("app.wasm: offset 0x1a: memory index 0 out of range in export 'mem' (module has "
                 "0 memories)",
                 HDR, ONE_FUNC, 0x07, 0x07, 0x01, 0x03, 'm', 'e', 'm', 0x02, 0x00, ONE_BODY);
}

Test(indexes, function_index_in_start)
{
    EXPECT_ERROR("app.wasm: offset 0x14: start function index 3 out of range (module has 1 "
                 "function)",
                 HDR, ONE_FUNC, 0x08, 0x01, 0x03, ONE_BODY);
}

Test(indexes, function_index_in_call)
{
    struct bytes b;
    struct fmod fm = {.body = "10 07"};
    size_t at = build_fmod(&b, &fm);
    char msg[200];
    snprintf(msg, sizeof(msg),
             "app.wasm: offset 0x%zx: function index 7 out of range in call (module has 1 "
             "function)",
             at + 1);
    expect_error(b.d, b.n, msg);
}

/* ---- code ---- */

Test(code, body_without_end)
{
    /* body size 2: no locals, nop; then the body ends */
    EXPECT_ERROR("app.wasm: offset 0x18: unexpected end of function 0 body, expected instruction "
                 "(content is longer than the declared size 0x2)",
                 HDR, ONE_FUNC, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x01);
}

Test(code, body_size_past_section_end)
{
    EXPECT_ERROR("app.wasm: offset 0x15: function 0 body size 0x5 runs past the end of the code "
                 "section (0x2 bytes left)",
                 HDR, ONE_FUNC, 0x0a, 0x04, 0x01, 0x05, 0x00, 0x0b);
}

Test(code, bytes_after_final_end)
{
    EXPECT_ERROR("app.wasm: offset 0x18: function 0 body has 0x2 bytes after its final 'end' "
                 "(content is shorter than the declared size 0x4)",
                 HDR, ONE_FUNC, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x0b, 0x01, 0x0b);
}

Test(code, unknown_opcode)
{
    EXPECT_ERROR("app.wasm: offset 0x17: unknown opcode 0xff", HDR, ONE_FUNC, 0x0a, 0x05, 0x01,
                 0x03, 0x00, 0xff, 0x0b);
}

Test(code, signed_leb_checks)
{
    /* i32.const -2^31 in 5 bytes is fine; a last byte that is not a sign extension is not */
    struct bytes b;
    struct sl_wasm_module m;
    struct fmod ok = {.body = "41 80 80 80 80 78 1a"};
    build_fmod(&b, &ok);
    read_ok(&b, &m);
    sl_wasm_module_release(&m);

    struct fmod bad = {.body = "41 80 80 80 80 70 1a"};
    size_t at = build_fmod(&b, &bad);
    char msg[200];
    snprintf(msg, sizeof(msg),
             "app.wasm: offset 0x%zx: i32 constant: LEB128 s32 has unused bits set (value out of "
             "range)",
             at + 1);
    expect_error(b.d, b.n, msg);
}

Test(code, huge_counts_are_capped)
{
    /* 2^32-1 local declarations: rejected before anything is read or allocated */
    struct bytes b;
    struct fmod fm = {.locals = "ff ff ff ff 0f", .body = ""};
    size_t at = build_fmod(&b, &fm);
    char msg[200];
    snprintf(msg, sizeof(msg),
             "app.wasm: offset 0x%zx: local declaration count 4294967295 does not fit in the 1 "
             "bytes left in the function 0 body",
             at - 5);
    expect_error(b.d, b.n, msg);
}

Test(code, too_many_locals)
{
    struct bytes b;
    struct fmod fm = {.locals = "02 ff ff ff ff 0f 7f 01 7f", .body = ""};
    size_t at = build_fmod(&b, &fm);
    char msg[200];
    snprintf(msg, sizeof(msg), "app.wasm: offset 0x%zx: function 0 declares too many locals",
             at - 2);
    expect_error(b.d, b.n, msg);
}

/* ---- a complete MVP module ---- */

static size_t build_full(struct bytes *b, size_t *boundaries, size_t *nboundaries)
{
    size_t nb = 0;
    b->n = 0;
    put_header(b);
    boundaries[nb++] = b->n;
    put_section_hex(b, 0, "04 6e 61 6d 65 01 02 03"); /* "name", payload 01 02 03 */
    boundaries[nb++] = b->n;
    /* types: 0 (i32 i32 i32 i32)->i32, 1 ()->(), 2 (i64 f32 f64)->() */
    put_section_hex(b, 1, "03 60 04 7f 7f 7f 7f 01 7f 60 00 00 60 03 7e 7d 7c 00");
    boundaries[nb++] = b->n;
    struct bytes im = {.n = 0};
    put_leb(&im, 4);
    put_str(&im, "wasi_snapshot_preview1");
    put_str(&im, "fd_write");
    put_hex(&im, "00 00");
    put_str(&im, "env");
    put_str(&im, "table");
    put_hex(&im, "01 70 01 01 0a");
    put_str(&im, "env");
    put_str(&im, "memory");
    put_hex(&im, "02 01 01 02");
    put_str(&im, "env");
    put_str(&im, "g");
    put_hex(&im, "03 7f 00");
    put_section(b, 2, &im);
    boundaries[nb++] = b->n;
    put_section_hex(b, 3, "02 01 02");
    boundaries[nb++] = b->n;
    put_section_hex(b, 6, "01 7f 00 41 07 0b");
    boundaries[nb++] = b->n;
    struct bytes ex = {.n = 0};
    put_leb(&ex, 4);
    put_str(&ex, "run");
    put_hex(&ex, "00 01");
    put_str(&ex, "mem");
    put_hex(&ex, "02 00");
    put_str(&ex, "tbl");
    put_hex(&ex, "01 00");
    put_str(&ex, "g");
    put_hex(&ex, "03 01");
    put_section(b, 7, &ex);
    boundaries[nb++] = b->n;
    put_section_hex(b, 8, "02");
    boundaries[nb++] = b->n;
    put_section_hex(b, 9, "01 00 41 00 0b 02 01 02");
    boundaries[nb++] = b->n;
    struct bytes code = {.n = 0};
    put_leb(&code, 2);
    put_hex(&code, "02 00 0b");
    struct bytes body = {.n = 0};
    put_hex(&body, "01 02 7f");                               /* 2 locals i32 */
    put_hex(&body, "41 01 04 40 01 05 01 0b");                /* i32.const 1, if nop else nop end */
    put_hex(&body, "02 7f 41 01 0b 1a");                      /* block (result i32) ... end drop */
    put_hex(&body, "03 40 0b");                               /* loop end */
    put_hex(&body, "10 01");                                  /* call 1 */
    put_hex(&body, "41 00 28 02 04 1a");                      /* i32.load align=4 offset=4 drop */
    put_hex(&body, "3f 00 1a 41 00 40 00 1a");                /* memory.size, memory.grow */
    put_hex(&body, "43 00 00 80 3f 1a");                      /* f32.const 1 */
    put_hex(&body, "44 00 00 00 00 00 00 f0 3f 1a");          /* f64.const 1 */
    put_hex(&body, "42 ff ff ff ff ff ff ff ff ff 00 1a");    /* i64.const, 10 bytes */
    put_hex(&body, "02 40 41 00 0e 02 00 00 00 0b");          /* block br_table 0 0 0 end */
    put_hex(&body, "41 00 11 01 00");                         /* call_indirect type 1 */
    put_hex(&body, "20 00 21 01 22 01 1a 23 00 1a 23 01 1a"); /* locals, globals */
    put_hex(&body, "41 01 41 02 6a 1a 00 0b");                /* i32.add drop unreachable end */
    put_leb(&code, (uint32_t)body.n);
    put(&code, body.d, body.n);
    put_section(b, 10, &code);
    boundaries[nb++] = b->n;
    put_section_hex(b, 11, "01 00 41 10 0b 02 68 69");
    boundaries[nb++] = b->n;
    put_section_hex(b, 0, "09 70 72 6f 64 75 63 65 72 73");
    boundaries[nb++] = b->n;
    *nboundaries = nb;
    return b->n;
}

Test(module, full_mvp_module)
{
    struct bytes b;
    size_t bounds[32], nb;
    build_full(&b, bounds, &nb);
    struct sl_wasm_module m;
    read_ok(&b, &m);

    cr_assert_eq(m.ntypes, 3);
    cr_assert_eq(m.nimports, 4);
    cr_assert_eq(m.nfunc_imports, 1);
    cr_assert_eq(m.ntable_imports, 1);
    cr_assert_eq(m.nmemory_imports, 1);
    cr_assert_eq(m.nglobal_imports, 1);

    cr_assert_str_eq(m.imports[0].module, "wasi_snapshot_preview1");
    cr_assert_str_eq(m.imports[0].name, "fd_write");
    cr_assert_eq(m.imports[0].kind, SL_WASM_KIND_FUNC);
    cr_assert_eq(m.imports[0].type_index, 0);
    cr_assert_eq(b.d[m.imports[0].offset], 22); /* the entry starts with its module name */

    cr_assert_eq(m.imports[1].kind, SL_WASM_KIND_TABLE);
    cr_assert_eq(m.imports[1].elem_type, SL_WASM_FUNCREF);
    cr_assert_eq(m.imports[1].limits.min, 1);
    cr_assert(m.imports[1].limits.has_max);
    cr_assert_eq(m.imports[1].limits.max, 10);

    cr_assert_eq(m.imports[2].kind, SL_WASM_KIND_MEMORY);
    cr_assert_str_eq(m.imports[2].name, "memory");
    cr_assert_eq(m.imports[2].limits.min, 1);
    cr_assert_eq(m.imports[2].limits.max, 2);
    cr_assert(m.imports[2].limits.has_max);
    cr_assert_not(m.imports[2].limits.shared);
    cr_assert_not(m.imports[2].limits.is64);

    cr_assert_eq(m.imports[3].kind, SL_WASM_KIND_GLOBAL);
    cr_assert_eq(m.imports[3].global_type, SL_WASM_I32);
    cr_assert_not(m.imports[3].global_mutable);

    cr_assert_eq(m.nfuncs, 2);
    cr_assert_eq(m.func_types[0], 1);
    cr_assert_eq(m.func_types[1], 2);
    cr_assert_eq(m.nglobals, 1);
    cr_assert_eq(m.nexports, 4);
    cr_assert(m.has_start);
    cr_assert_eq(m.start_func, 2);
    cr_assert_eq(m.nelem_segments, 1);
    cr_assert_eq(m.ndata_segments, 1);
    cr_assert_neq(m.code_offset, 0);
    cr_assert_eq(b.d[m.code_offset], 2); /* the body count */
    cr_assert_eq(m.features, 0, "features 0x%x", m.features);

    const struct sl_wasm_export *ex = sl_wasm_find_export(&m, "run", SL_WASM_KIND_FUNC);
    cr_assert_not_null(ex);
    cr_assert_eq(ex->index, 1);
    cr_assert_null(sl_wasm_find_export(&m, "run", SL_WASM_KIND_MEMORY));
    cr_assert_null(sl_wasm_find_export(&m, "nope", SL_WASM_KIND_FUNC));
    ex = sl_wasm_find_export(&m, "mem", SL_WASM_KIND_MEMORY);
    cr_assert_not_null(ex);
    cr_assert_eq(ex->index, 0);
    cr_assert_not_null(sl_wasm_find_export(&m, "tbl", SL_WASM_KIND_TABLE));
    cr_assert_not_null(sl_wasm_find_export(&m, "g", SL_WASM_KIND_GLOBAL));

    cr_assert_eq(m.ncustoms, 2);
    cr_assert_str_eq(m.customs[0].name, "name");
    cr_assert_eq(m.customs[0].size, 3);
    cr_assert_eq(memcmp(b.d + m.customs[0].offset, "\x01\x02\x03", 3), 0);
    cr_assert_str_eq(m.customs[1].name, "producers");
    cr_assert_eq(m.customs[1].size, 0);
    cr_assert_eq(m.customs[1].offset, b.n);

    char sig[32];
    cr_assert(sl_wasm_sig_string(sl_wasm_func_type(&m, 0), sig, sizeof(sig)));
    cr_assert_str_eq(sig, "iiii:i");
    cr_assert(sl_wasm_sig_string(sl_wasm_func_type(&m, 1), sig, sizeof(sig)));
    cr_assert_str_eq(sig, ":");
    cr_assert(sl_wasm_sig_string(sl_wasm_func_type(&m, 2), sig, sizeof(sig)));
    cr_assert_str_eq(sig, "IfF:");
    cr_assert_null(sl_wasm_func_type(&m, 3));
    cr_assert_null(sl_wasm_func_type(&m, UINT32_MAX));

    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_check_features(&m, FILE_NAME, &e), SL_OK);
    sl_wasm_module_release(&m);
    cr_assert_null(m.types);
    cr_assert_eq(m.nexports, 0);
    sl_wasm_module_release(&m); /* a released module can be released again */
}

Test(module, defined_memory_limits)
{
    struct bytes b = {.n = 0};
    put_header(&b);
    put_section_hex(&b, 5, "02 00 11 01 01 ff ff 03");
    struct sl_wasm_module m;
    read_ok(&b, &m);
    cr_assert_eq(m.nmemories, 2);
    cr_assert_eq(m.memories[0].min, 17);
    cr_assert_not(m.memories[0].has_max);
    cr_assert_eq(m.memories[1].min, 1);
    cr_assert_eq(m.memories[1].max, 65535);
    expect_feature(&m, SL_WASM_FEAT_MULTI_MEMORY, 8 + 2, UINT32_MAX);
    sl_wasm_module_release(&m);
}

Test(module, invalid_limits_flags)
{
    EXPECT_ERROR("app.wasm: offset 0xb: invalid memory limits flags 0x08", HDR, 0x05, 0x03, 0x01,
                 0x08, 0x00);
    EXPECT_ERROR("app.wasm: offset 0xc: invalid table limits flags 0x02", HDR, 0x04, 0x04, 0x01,
                 0x70, 0x02, 0x00);
}

/* ---- signatures ---- */

Test(sig, strings)
{
    uint8_t p4[] = {SL_WASM_I32, SL_WASM_I32, SL_WASM_I32, SL_WASM_I32};
    uint8_t r1[] = {SL_WASM_I32};
    uint8_t v[] = {SL_WASM_V128};
    char buf[16];
    struct sl_wasm_functype t = {4, 1, p4, r1};
    cr_assert(sl_wasm_sig_string(&t, buf, sizeof(buf)));
    cr_assert_str_eq(buf, "iiii:i");
    cr_assert_not(sl_wasm_sig_string(&t, buf, 6)); /* needs 7 with the NUL */
    cr_assert(sl_wasm_sig_string(&t, buf, 7));
    struct sl_wasm_functype noparams = {0, 1, NULL, r1};
    cr_assert(sl_wasm_sig_string(&noparams, buf, sizeof(buf)));
    cr_assert_str_eq(buf, ":i");
    struct sl_wasm_functype noresults = {2, 0, p4, NULL};
    cr_assert(sl_wasm_sig_string(&noresults, buf, sizeof(buf)));
    cr_assert_str_eq(buf, "ii:");
    struct sl_wasm_functype simd = {1, 0, v, NULL};
    cr_assert_not(sl_wasm_sig_string(&simd, buf, sizeof(buf)));
    struct sl_wasm_functype ref = {0, 1, NULL, (uint8_t[]){SL_WASM_EXTERNREF}};
    cr_assert_not(sl_wasm_sig_string(&ref, buf, sizeof(buf)));
}

Test(sig, feature_names)
{
    cr_assert_str_eq(sl_wasm_feature_name(SL_WASM_FEAT_SIMD), "SIMD");
    cr_assert_str_eq(sl_wasm_feature_name(SL_WASM_FEAT_TAIL_CALL), "tail calls");
    for (unsigned bit = 0; bit < SL_WASM_FEAT_COUNT; bit++)
        cr_assert_str_neq(sl_wasm_feature_name((enum sl_wasm_feature)(1u << bit)),
                          "unknown feature");
}

/* ---- modules read before (sl_wasm_read_known) ---- */

Test(known, bodies_skipped_sections_kept)
{
    struct bytes b;
    struct fmod fm = {
        .imports = "01 03 65 6e 76 01 66 00 00", /* env.f: function 0 */
        .body = "fd 0c 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 1a",
    };
    build_fmod(&b, &fm);
    struct sl_wasm_module m;
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_read_known(b.d, b.n, FILE_NAME, &m, &e), SL_OK, "%s", e.msg);
    cr_assert_eq(m.nimports, 1);
    cr_assert_eq(m.nfuncs, 1);
    cr_assert_eq(m.features, 0, "bodies are not scanned");
    cr_assert_eq(sl_wasm_check_features(&m, FILE_NAME, &e), SL_OK);
    sl_wasm_module_release(&m);
    /* the full read of the same bytes finds the SIMD instruction */
    read_ok(&b, &m);
    cr_assert_neq(m.features, 0);
    sl_wasm_module_release(&m);
}

Test(known, body_sizes_still_checked)
{
    struct bytes b;
    struct fmod fm = {.body = "01"}; /* nop */
    build_fmod(&b, &fm);
    b.n -= 1; /* the last body now runs past the end of the section and the file */
    struct sl_wasm_module m;
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_read_known(b.d, b.n, FILE_NAME, &m, &e), SL_EMODULE);
    cr_assert_not_null(strstr(e.msg, FILE_NAME ": offset 0x"), "%s", e.msg);
}

/* ---- feature detection ---- */

Test(features, simd_instruction_with_imports_counted)
{
    struct bytes b;
    struct fmod fm = {
        .imports = "01 03 65 6e 76 01 66 00 00", /* env.f: function 0 */
        .body = "fd 0c 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f fd 0d 00 01 02 03 04 05 "
                "06 07 08 09 0a 0b 0c 0d 0e 0f fd 15 03 1a",
    };
    size_t at = build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    expect_feature(&m, SL_WASM_FEAT_SIMD, at, 1);
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_check_features(&m, FILE_NAME, &e), SL_EUNSUPPORTED);
    char msg[200];
    snprintf(msg, sizeof(msg),
             "app.wasm: uses SIMD (function 1, offset 0x%zx), which this engine cannot run yet "
             "(wasm2c 1.0.32 cannot translate it)",
             at);
    cr_assert_str_eq(e.msg, msg);
    cr_assert_eq(e.code, SL_EUNSUPPORTED);
    sl_wasm_module_release(&m);
}

Test(features, simd_memory_ops)
{
    /* v128.load, v128.load8_lane, v128.load32_zero, i8x16.add */
    expect_body_feature("41 00 fd 00 04 00 41 00 fd 54 00 00 00 fd 5c 02 00 fd 6e 1a 1a 1a 1a",
                        SL_WASM_FEAT_SIMD, 2);
}

Test(features, simd_type_and_local)
{
    struct bytes b;
    struct fmod fm = {.extra_types = "60 01 7b 00", .nextra_types = 1, .body = ""};
    build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    /* header 8, section id+size 2, count 1, "60 00 00" 3, "60 01" 2: the 7b */
    expect_feature(&m, SL_WASM_FEAT_SIMD, 8 + 2 + 1 + 3 + 2, UINT32_MAX);
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_check_features(&m, FILE_NAME, &e), SL_EUNSUPPORTED);
    cr_assert_str_eq(e.msg, "app.wasm: uses SIMD (offset 0x10), which this engine cannot run yet "
                            "(wasm2c 1.0.32 cannot translate it)");
    sl_wasm_module_release(&m);

    struct fmod loc = {.locals = "01 02 7b", .body = ""};
    size_t at = build_fmod(&b, &loc);
    read_ok(&b, &m);
    expect_feature(&m, SL_WASM_FEAT_SIMD, at - 1, 0);
    sl_wasm_module_release(&m);
}

Test(features, threads_shared_memory)
{
    struct bytes b;
    struct fmod fm = {.memories = "01 03 01 02", .body = ""};
    build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    cr_assert(m.memories[0].shared);
    /* header, type section (6 bytes), function section (4 bytes), id, size, count */
    expect_feature(&m, SL_WASM_FEAT_THREADS, 8 + 6 + 4 + 3, UINT32_MAX);
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_check_features(&m, FILE_NAME, &e), SL_EUNSUPPORTED);
    cr_assert_str_eq(e.msg, "app.wasm: uses threads (offset 0x15), which this engine cannot run "
                            "yet (wasm2c 1.0.32 cannot translate it)");
    sl_wasm_module_release(&m);
}

Test(features, threads_atomics)
{
    expect_body_feature("41 00 fe 10 02 00 1a fe 03 00 41 00 41 00 fe 00 02 00 1a",
                        SL_WASM_FEAT_THREADS, 2);
}

Test(features, tail_calls)
{
    expect_body_feature("12 00", SL_WASM_FEAT_TAIL_CALL, 0);
    expect_body_feature("41 00 13 00 00", SL_WASM_FEAT_TAIL_CALL, 2);
}

Test(features, exceptions)
{
    struct bytes b;
    struct fmod fm = {.tags = "01 00 00", .body = "06 40 08 00 07 00 09 00 19 0b 06 40 18 00"};
    size_t at = build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    /* the tag section comes first in the file */
    cr_assert(m.features & SL_WASM_FEAT_EXCEPTIONS);
    cr_assert_eq(m.feature_sites[bit_of(SL_WASM_FEAT_EXCEPTIONS)].func_index, UINT32_MAX);
    sl_wasm_module_release(&m);

    fm.tags = NULL;
    at = build_fmod(&b, &fm);
    read_ok(&b, &m);
    expect_feature(&m, SL_WASM_FEAT_EXCEPTIONS, at, 0);
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_check_features(&m, FILE_NAME, &e), SL_EUNSUPPORTED);
    cr_assert(strstr(e.msg, "uses exceptions (function 0, offset") != NULL, "%s", e.msg);
    sl_wasm_module_release(&m);

    /* try_table with every catch clause kind */
    expect_body_feature("1f 40 04 00 00 00 01 00 00 02 00 03 00 0b", SL_WASM_FEAT_EXCEPTIONS, 0);
}

Test(features, memory64)
{
    struct bytes b;
    struct fmod fm = {.memories = "01 05 01 80 80 80 80 10", .body = ""};
    build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    cr_assert(m.memories[0].is64);
    cr_assert_eq(m.memories[0].min, 1);
    cr_assert_eq(m.memories[0].max, (uint64_t)1 << 32);
    expect_feature(&m, SL_WASM_FEAT_MEMORY64, 8 + 6 + 4 + 3, UINT32_MAX);
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_check_features(&m, FILE_NAME, &e), SL_EUNSUPPORTED);
    cr_assert(strstr(e.msg, "uses memory64 (offset 0x15)") != NULL, "%s", e.msg);
    sl_wasm_module_release(&m);
}

Test(features, multi_memory)
{
    expect_body_feature("41 00 28 42 01 00 1a", SL_WASM_FEAT_MULTI_MEMORY, 3);
    struct bytes b;
    struct fmod fm = {
        .imports = "01 03 65 6e 76 01 6d 02 00 01", .memories = "01 00 01", .body = ""};
    build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    cr_assert(m.features & SL_WASM_FEAT_MULTI_MEMORY);
    /* wasm2c 1.0.32 mistranslates several memories: rejected by name */
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_check_features(&m, FILE_NAME, &e), SL_EUNSUPPORTED, "%s", e.msg);
    cr_assert(strstr(e.msg, "multi") != NULL, "%s", e.msg);
    sl_wasm_module_release(&m);
}

Test(features, bulk_memory)
{
    expect_body_feature("41 00 41 00 41 00 fc 0b 00", SL_WASM_FEAT_BULK_MEMORY, 6);
    expect_body_feature("41 00 41 00 41 00 fc 0a 00 00 fc 09 00", SL_WASM_FEAT_BULK_MEMORY, 6);
    struct bytes b;
    struct fmod fm = {.datacount = true, .body = ""};
    build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    cr_assert(m.features & SL_WASM_FEAT_BULK_MEMORY);
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_check_features(&m, FILE_NAME, &e), SL_OK);
    sl_wasm_module_release(&m);
}

Test(features, reference_types)
{
    expect_body_feature("d0 70 d1 1a", SL_WASM_FEAT_REFERENCE_TYPES, 0);
    expect_body_feature("41 00 25 00 1a", SL_WASM_FEAT_REFERENCE_TYPES, 2);
    expect_body_feature("d2 00 1a", SL_WASM_FEAT_REFERENCE_TYPES, 0);
    expect_body_feature("fc 10 00 1a", SL_WASM_FEAT_REFERENCE_TYPES, 0);
    expect_body_feature("41 00 41 00 41 00 1c 01 7f 1a", SL_WASM_FEAT_REFERENCE_TYPES, 6);
}

Test(features, multi_value)
{
    struct bytes b;
    struct fmod fm = {.extra_types = "60 00 02 7f 7f", .nextra_types = 1, .body = ""};
    build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    expect_feature(&m, SL_WASM_FEAT_MULTI_VALUE, 8 + 2 + 1 + 3, UINT32_MAX);
    sl_wasm_module_release(&m);

    fm = (struct fmod){.body = "02 00 0b"};
    size_t at = build_fmod(&b, &fm);
    read_ok(&b, &m);
    expect_feature(&m, SL_WASM_FEAT_MULTI_VALUE, at + 1, 0);
    sl_wasm_module_release(&m);
}

Test(features, sign_extension_and_saturating_conversions)
{
    expect_body_feature("41 00 c0 1a", SL_WASM_FEAT_SIGN_EXT, 2);
    struct bytes b;
    struct fmod fm = {.body = "41 00 c0 1a"};
    size_t at = build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    expect_feature(&m, SL_WASM_FEAT_SIGN_EXT, at + 2, 0);
    sl_wasm_module_release(&m);
    expect_body_feature("fc 00 1a", SL_WASM_FEAT_SAT_CONV, 0);
}

Test(features, mutable_globals)
{
    struct bytes b;
    struct fmod fm = {.imports = "01 03 65 6e 76 01 67 03 7f 01", .body = ""};
    build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    cr_assert(m.features & SL_WASM_FEAT_MUTABLE_GLOBALS);
    cr_assert(m.imports[0].global_mutable);
    sl_wasm_module_release(&m);

    /* an exported mutable global */
    static const uint8_t ex[] = {HDR,  0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x00,
                                 0x0b, 0x07, 0x05, 0x01, 0x01, 'g',  0x03, 0x00};
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(rd(ex, sizeof(ex), &m, &e), SL_OK, "%s", e.msg);
    expect_feature(&m, SL_WASM_FEAT_MUTABLE_GLOBALS, 0x15, UINT32_MAX);
    sl_wasm_module_release(&m);
}

Test(features, earliest_unsupported_feature_is_reported)
{
    struct bytes b;
    struct fmod fm = {.memories = "01 03 01 02", .body = "12 00"};
    build_fmod(&b, &fm);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_check_features(&m, "x.wasm", &e), SL_EUNSUPPORTED);
    cr_assert(strstr(e.msg, "x.wasm: uses threads (offset") == e.msg, "%s", e.msg);
    sl_wasm_module_release(&m);
}

/* ---- fixtures compiled by wat2wasm at build time ---- */

static bool load_fixture(const char *name, struct bytes *b)
{
#ifdef READER_FIXTURE_DIR
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", READER_FIXTURE_DIR, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    b->n = fread(b->d, 1, sizeof(b->d), f);
    cr_assert(feof(f), "fixture %s is larger than the test buffer", path);
    fclose(f);
    return true;
#else
    (void)name;
    (void)b;
    return false;
#endif
}

static void check_fixture(const char *name, enum sl_wasm_feature f, const char *msg_prefix)
{
    struct bytes b;
    if (!load_fixture(name, &b))
        cr_skip_test("fixture %s was not built (needs wat2wasm)", name);
    struct sl_wasm_module m;
    read_ok(&b, &m);
    cr_assert(m.features & (uint32_t)f, "%s: feature %s not detected", name,
              sl_wasm_feature_name(f));
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_check_features(&m, name, &e), SL_EUNSUPPORTED);
    cr_assert(strncmp(e.msg, msg_prefix, strlen(msg_prefix)) == 0, "%s", e.msg);
    cr_assert(strstr(e.msg, "which this engine cannot run yet (wasm2c 1.0.32 cannot translate "
                            "it)")
                  != NULL,
              "%s", e.msg);
    sl_wasm_module_release(&m);
}

Test(fixtures, simd)
{
    check_fixture("simd.wasm", SL_WASM_FEAT_SIMD, "simd.wasm: uses SIMD (function 1, offset 0x");
}

Test(fixtures, threads)
{
    check_fixture("threads.wasm", SL_WASM_FEAT_THREADS, "threads.wasm: uses threads (offset 0x");
}

Test(fixtures, tail_call)
{
    check_fixture("tail_call.wasm", SL_WASM_FEAT_TAIL_CALL,
                  "tail_call.wasm: uses tail calls (function 1, offset 0x");
}

Test(fixtures, exceptions)
{
    check_fixture("exceptions.wasm", SL_WASM_FEAT_EXCEPTIONS,
                  "exceptions.wasm: uses exceptions (offset 0x");
}

Test(fixtures, mvp_module_is_supported)
{
    struct bytes b;
    if (!load_fixture("mvp.wasm", &b))
        cr_skip_test("fixture mvp.wasm was not built (needs wat2wasm)");
    struct sl_wasm_module m;
    read_ok(&b, &m);
    struct sl_error e = SL_ERROR_INIT;
    cr_assert_eq(sl_wasm_check_features(&m, "mvp.wasm", &e), SL_OK, "%s", e.msg);
    cr_assert_not_null(sl_wasm_find_export(&m, "_start", SL_WASM_KIND_FUNC));
    cr_assert_not_null(sl_wasm_find_export(&m, "memory", SL_WASM_KIND_MEMORY));
    char sig[16];
    const struct sl_wasm_functype *t = sl_wasm_func_type(&m, 0);
    cr_assert_not_null(t);
    cr_assert(sl_wasm_sig_string(t, sig, sizeof(sig)));
    cr_assert_str_eq(sig, "iiii:i");
    sl_wasm_module_release(&m);
}

/* ---- robustness ---- */

Test(robust, every_truncation_fails_cleanly)
{
    struct bytes b;
    size_t bounds[32], nb;
    build_full(&b, bounds, &nb);
    for (size_t n = 0; n < b.n; n++) {
        struct sl_wasm_module m;
        struct sl_error e = SL_ERROR_INIT;
        sl_err rc = rd(b.d, n, &m, &e);
        bool at_boundary = false;
        for (size_t i = 0; i < nb; i++)
            at_boundary |= bounds[i] == n;
        if (!at_boundary)
            cr_assert_eq(rc, SL_EMODULE, "prefix of %zu bytes: rc %d", n, rc);
        if (rc != SL_OK) {
            cr_assert_eq(rc, SL_EMODULE);
            cr_assert(strncmp(e.msg, "app.wasm: ", 10) == 0, "%s", e.msg);
            cr_assert_null(m.types);
            cr_assert_null(m.imports);
            cr_assert_null(m.customs);
        }
        sl_wasm_module_release(&m);
    }
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

Test(robust, random_byte_flips_never_crash, .timeout = 120)
{
    struct bytes base;
    size_t bounds[32], nb;
    build_full(&base, bounds, &nb);
    uint64_t seed = 0x5eed5eed12345678u;
    unsigned ok = 0, failed = 0;
    for (int iter = 0; iter < 5000; iter++) {
        struct bytes b = base;
        int flips = 1 + (int)(xorshift(&seed) % 4);
        for (int k = 0; k < flips; k++) {
            size_t at = 8 + xorshift(&seed) % (b.n - 8);
            if (xorshift(&seed) & 1)
                b.d[at] ^= (uint8_t)(1u << (xorshift(&seed) % 8));
            else
                b.d[at] = (uint8_t)xorshift(&seed);
        }
        struct sl_wasm_module m;
        struct sl_error e = SL_ERROR_INIT;
        sl_err rc = rd(b.d, b.n, &m, &e);
        cr_assert(rc == SL_OK || rc == SL_EMODULE, "rc %d", rc);
        if (rc == SL_OK) {
            ok++;
            sl_wasm_check_features(&m, FILE_NAME, &e);
            for (uint32_t fi = 0; fi < m.nfunc_imports + m.nfuncs; fi++) {
                char sig[64];
                const struct sl_wasm_functype *t = sl_wasm_func_type(&m, fi);
                if (t != NULL)
                    sl_wasm_sig_string(t, sig, sizeof(sig));
            }
        } else {
            failed++;
            cr_assert(strncmp(e.msg, "app.wasm: ", 10) == 0, "%s", e.msg);
            cr_assert_null(strchr(e.msg, '\n'));
        }
        sl_wasm_module_release(&m);
    }
    cr_assert_gt(failed, 0);
    cr_log_info("byte flips: %u read, %u rejected", ok, failed);
}

Test(robust, random_sections_never_crash, .timeout = 120)
{
    uint64_t seed = 42;
    for (int iter = 0; iter < 3000; iter++) {
        struct bytes b = {.n = 0};
        put_header(&b);
        size_t n = xorshift(&seed) % 64;
        for (size_t i = 0; i < n; i++) {
            uint8_t v = (uint8_t)xorshift(&seed);
            /* keep section ids and small sizes likely, so the readers get exercised */
            if (i == 0)
                v %= 14;
            put_u8(&b, v);
        }
        struct sl_wasm_module m;
        struct sl_error e = SL_ERROR_INIT;
        sl_err rc = rd(b.d, b.n, &m, &e);
        cr_assert(rc == SL_OK || rc == SL_EMODULE);
        sl_wasm_module_release(&m);
    }
}

Test(robust, allocation_failures)
{
    struct bytes b;
    size_t bounds[32], nb;
    build_full(&b, bounds, &nb);
    bool succeeded = false;
    for (unsigned long n = 1; n < 200 && !succeeded; n++) {
        struct sl_wasm_module m;
        struct sl_error e = SL_ERROR_INIT;
        sl_mem_fail_after(n);
        sl_err rc = rd(b.d, b.n, &m, &e);
        sl_mem_fail_after(0);
        if (rc == SL_OK) {
            succeeded = true;
        } else {
            cr_assert_eq(rc, SL_ENOMEM, "allocation %lu: rc %d (%s)", n, rc, e.msg);
            cr_assert_str_eq(e.msg, "app.wasm: out of memory while reading the module");
            cr_assert_null(m.types);
        }
        sl_wasm_module_release(&m);
    }
    cr_assert(succeeded);
}
