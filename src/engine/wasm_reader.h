/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasm_reader.h -- our own reader of the wasm binary format, far enough to
 * know sections, types, imports, exports, memories, tables, custom sections
 * and the post-MVP features a module uses, and to report bad input with one
 * precise message (file, offset, what was expected). Full validation is left
 * to wasm2c.
 */
#ifndef SL_ENGINE_WASM_READER_H
#define SL_ENGINE_WASM_READER_H

#include "sl_common.h"

#include "common/err.h"

enum sl_wasm_kind {
    SL_WASM_KIND_FUNC = 0,
    SL_WASM_KIND_TABLE = 1,
    SL_WASM_KIND_MEMORY = 2,
    SL_WASM_KIND_GLOBAL = 3,
    SL_WASM_KIND_TAG = 4,
};

/* Value types by their binary encoding. */
enum sl_wasm_valtype {
    SL_WASM_I32 = 0x7f,
    SL_WASM_I64 = 0x7e,
    SL_WASM_F32 = 0x7d,
    SL_WASM_F64 = 0x7c,
    SL_WASM_V128 = 0x7b,
    SL_WASM_FUNCREF = 0x70,
    SL_WASM_EXTERNREF = 0x6f,
};

/* Post-MVP features, as bits of sl_wasm_module.features. */
enum sl_wasm_feature {
    SL_WASM_FEAT_SIMD = 1u << 0,        /* 0xfd prefix, v128 type: wasm2c 1.0.32 aborts */
    SL_WASM_FEAT_THREADS = 1u << 1,     /* 0xfe prefix, shared memory */
    SL_WASM_FEAT_TAIL_CALL = 1u << 2,   /* return_call, return_call_indirect */
    SL_WASM_FEAT_EXCEPTIONS = 1u << 3,  /* try/catch/throw/rethrow/delegate, tag section */
    SL_WASM_FEAT_MULTI_MEMORY = 1u << 4,
    SL_WASM_FEAT_MEMORY64 = 1u << 5,
    SL_WASM_FEAT_BULK_MEMORY = 1u << 6, /* memory.copy/fill/init, data.drop, datacount */
    SL_WASM_FEAT_REFERENCE_TYPES = 1u << 7,
    SL_WASM_FEAT_MULTI_VALUE = 1u << 8,
    SL_WASM_FEAT_SIGN_EXT = 1u << 9,
    SL_WASM_FEAT_SAT_CONV = 1u << 10,   /* 0xfc 0..7 */
    SL_WASM_FEAT_MUTABLE_GLOBALS = 1u << 11, /* imported/exported mutable globals */
};
#define SL_WASM_FEAT_COUNT 12

/* Features Debian's wasm2c 1.0.32 cannot translate. */
#define SL_WASM_FEAT_UNSUPPORTED                                                         \
    (SL_WASM_FEAT_SIMD | SL_WASM_FEAT_THREADS | SL_WASM_FEAT_TAIL_CALL                  \
     | SL_WASM_FEAT_EXCEPTIONS | SL_WASM_FEAT_MEMORY64 | SL_WASM_FEAT_MULTI_MEMORY)

struct sl_wasm_functype {
    uint32_t nparams, nresults;
    uint8_t *params;  /* enum sl_wasm_valtype, owned by the module */
    uint8_t *results; /* idem */
};

struct sl_wasm_limits {
    uint64_t min;
    uint64_t max; /* valid when has_max */
    bool has_max;
    bool shared;
    bool is64;
};

struct sl_wasm_import {
    char *module; /* NUL-terminated, owned by the module; may contain any UTF-8 */
    char *name;
    enum sl_wasm_kind kind;
    uint32_t type_index;       /* SL_WASM_KIND_FUNC, SL_WASM_KIND_TAG */
    struct sl_wasm_limits limits; /* TABLE, MEMORY */
    uint8_t elem_type;         /* TABLE: reference type */
    uint8_t global_type;       /* GLOBAL */
    bool global_mutable;       /* GLOBAL */
    size_t offset;             /* byte offset of this import entry in the file */
};

struct sl_wasm_export {
    char *name; /* owned by the module */
    enum sl_wasm_kind kind;
    uint32_t index; /* in the kind's index space (imports first) */
};

struct sl_wasm_custom {
    char *name;    /* owned by the module */
    size_t offset; /* of the payload after the name, in the file */
    size_t size;   /* of that payload */
};

/* Where a feature was first seen. */
struct sl_wasm_feature_site {
    size_t offset;       /* byte offset in the file */
    uint32_t func_index; /* function index (imports counted), UINT32_MAX when not in code */
};

struct sl_wasm_module {
    struct sl_wasm_functype *types;
    uint32_t ntypes;
    struct sl_wasm_import *imports;
    uint32_t nimports;
    uint32_t nfunc_imports, ntable_imports, nmemory_imports, nglobal_imports;
    uint32_t *func_types; /* type index of each defined (non-imported) function */
    uint32_t nfuncs;      /* defined functions */
    struct sl_wasm_limits *tables; /* defined tables */
    uint8_t *table_elem_types;
    uint32_t ntables;
    struct sl_wasm_limits *memories; /* defined memories */
    uint32_t nmemories;
    uint32_t nglobals; /* defined globals */
    struct sl_wasm_export *exports;
    uint32_t nexports;
    struct sl_wasm_custom *customs;
    uint32_t ncustoms;
    bool has_start;
    uint32_t start_func;
    uint32_t ndata_segments;
    uint32_t nelem_segments;
    size_t code_offset; /* offset of the code section payload, 0 if none */
    uint32_t features;  /* enum sl_wasm_feature bits */
    struct sl_wasm_feature_site feature_sites[SL_WASM_FEAT_COUNT]; /* by bit number */
};

/*
 * Reads the module in bytes[0..len). filename is used only in messages.
 * On success *out is filled (release with sl_wasm_module_release).
 * On failure *out is empty and err holds one message of the form
 *   "FILE: offset 0xNN: what was expected" (or "FILE: what" when no offset applies)
 * with code SL_EMODULE. Never crashes on any input.
 * Errors (each with its own message): empty file or not a wasm file (bad magic; also
 * recognises text-format modules "(module"), a component instead of a core module (says
 * so: "is a WebAssembly component, not a core module"), unknown version, truncated
 * section or vector, LEB128 overflow or too long, section out of order or duplicated,
 * section size mismatch, unknown section id, invalid UTF-8 in a name, duplicate export
 * name, function/code count mismatch, index out of range for type/function indexes.
 * Unsupported features are NOT errors here: they are recorded in features and
 * feature_sites; see sl_wasm_check_features.
 */
sl_err sl_wasm_read(const uint8_t *bytes, size_t len, const char *filename,
                    struct sl_wasm_module *out, struct sl_error *err);

/*
 * As sl_wasm_read, for a module this build of slight has read in full and
 * accepted before (the cache's file-identity memo says so): function bodies
 * are skipped, only their sizes are checked, so features and feature_sites
 * stay empty. Saves the instruction scan on every cached run.
 */
sl_err sl_wasm_read_known(const uint8_t *bytes, size_t len, const char *filename,
                          struct sl_wasm_module *out, struct sl_error *err);

/*
 * SL_OK when the module uses no feature wasm2c 1.0.32 cannot translate;
 * otherwise SL_EUNSUPPORTED and a message naming the feature, the function
 * index and the offset, e.g.
 *   "app.wasm: uses SIMD (function 12, offset 0x1a2b), which this engine cannot run yet"
 */
sl_err sl_wasm_check_features(const struct sl_wasm_module *m, const char *filename,
                              struct sl_error *err);

/* Human name of one feature bit, e.g. "SIMD", "tail calls". */
const char *sl_wasm_feature_name(enum sl_wasm_feature f);

/* Frees everything the module owns; the struct is zeroed. Accepts a zeroed struct. */
void sl_wasm_module_release(struct sl_wasm_module *m);

/* Finds an export by name and kind; NULL when absent. */
const struct sl_wasm_export *sl_wasm_find_export(const struct sl_wasm_module *m,
                                                 const char *name, enum sl_wasm_kind kind);

/* Type of function index fi (imports first), or NULL when out of range. */
const struct sl_wasm_functype *sl_wasm_func_type(const struct sl_wasm_module *m, uint32_t fi);

/* Writes a signature string "iiii:i" (see engine/host_fn.h) for t into buf; false if
 * t uses a type that has no letter (v128, references) or buf is too small. */
bool sl_wasm_sig_string(const struct sl_wasm_functype *t, char *buf, size_t size);

#endif /* SL_ENGINE_WASM_READER_H */
