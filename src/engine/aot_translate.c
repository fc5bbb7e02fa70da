/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aot_translate.c -- runs wasm2c on a module into its cache entry, writes
 * the runtime headers beside it and generates the glue; wasm2c's complaints
 * are passed on with the module's name and the offset.
 */
#include "sl_common.h"

#include "aot_int.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/proc.h"
#include "glue_gen.h"
#include "sl_config.h"
#include "w2c_names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const translated_files[] = {"g.c", "g.h", "glue.c", "wasm-rt.h",
                                               "sl_guest_abi.h"};

/* Turns wasm2c's "path:000001a: error: msg" into "FILE: offset 0x1a: msg". */
static sl_err wasm2c_error(const char *filename, const char *diag, const char *status,
                           struct sl_error *err)
{
    const char *e = strstr(diag, ": error: ");
    if (e != NULL) {
        const char *colon = e;
        while (colon > diag && colon[-1] != ':' && colon[-1] != '\n')
            colon--;
        unsigned long off = strtoul(colon, NULL, 16);
        const char *msg = e + 9;
        size_t n = strcspn(msg, "\n");
        return sl_error_set(err, SL_EMODULE, "%s: offset 0x%lx: %.*s", filename, off, (int)n,
                            msg);
    }
    size_t n = strcspn(diag, "\n");
    return sl_error_set(err, SL_ECOMPILE, "%s: wasm2c failed (%s)%s%.*s", filename, status,
                        n ? ": " : "", (int)n, diag);
}

/* Replaces every occurrence of pat in *b by pat + add; returns how many. */
static int append_after(struct sl_buf *b, const char *pat, const char *add)
{
    struct sl_buf out = SL_BUF_INIT;
    size_t plen = strlen(pat);
    int n = 0;
    const char *p = sl_buf_cstr(b), *hit;
    while ((hit = strstr(p, pat)) != NULL) {
        if (sl_buf_append(&out, p, (size_t)(hit - p) + plen) != SL_OK
            || sl_buf_appends(&out, add) != SL_OK) {
            sl_buf_release(&out);
            return -1;
        }
        p = hit + plen;
        n++;
    }
    if (sl_buf_appends(&out, p) != SL_OK) {
        sl_buf_release(&out);
        return -1;
    }
    sl_buf_release(b);
    *b = out;
    return n;
}

/* Appends to out the base-pointer twin NAME_b of each DEFINE_LOAD/STORE line of gc. */
static sl_err base_helpers(const char *gc, bool barrier, struct sl_buf *out)
{
    sl_err rc = sl_buf_appendf(
        out,
        "\n/* slight: memory accesses through a base pointer kept in a local (see\n"
        "   aot_translate.c); the memory of a slight instance never moves. */\n"
        "#if WABT_BIG_ENDIAN\n#error \"slight's base-pointer helpers are little-endian\"\n#endif\n"
        "#define SL_DEFINE_LOAD_B(name, t1, t2, t3) \\\n"
        "  static inline t3 name##_b(wasm_rt_memory_t* mem, u8* base, u64 addr) { \\\n"
        "    MEMCHECK(mem, addr, t1); \\\n"
        "    t1 result; \\\n"
        "    wasm_rt_memcpy(&result, &base[addr], sizeof(t1)); \\\n"
        "    wasm_asm(\"\" ::\"r\"(result)); \\\n"
        "    return (t3)(t2)result; \\\n"
        "  }\n"
        "/* float loads: the value forced into an SSE register, not moved to a\n"
        "   general one (wasm2c's \"r\" costs a movq per load); tcc lacks \"x\" */\n"
        "#if defined(__x86_64__) && !defined(__TINYC__)\n"
        "#define SL_DEFINE_LOAD_BF(name, t1, t2, t3) \\\n"
        "  static inline t3 name##_b(wasm_rt_memory_t* mem, u8* base, u64 addr) { \\\n"
        "    MEMCHECK(mem, addr, t1); \\\n"
        "    t1 result; \\\n"
        "    wasm_rt_memcpy(&result, &base[addr], sizeof(t1)); \\\n"
        "    wasm_asm(\"\" ::\"x\"(result)); \\\n"
        "    return (t3)(t2)result; \\\n"
        "  }\n"
        "#else\n"
        "#define SL_DEFINE_LOAD_BF SL_DEFINE_LOAD_B\n"
        "#endif\n"
        "#define SL_DEFINE_STORE_B(name, t1, t2) \\\n"
        "  static inline void name##_b(wasm_rt_memory_t* mem, u8* base, u64 addr, t2 value) { \\\n"
        "    MEMCHECK(mem, addr, t1); \\\n"
        "    t1 wrapped = (t1)value; \\\n"
        "    wasm_rt_memcpy(&base[addr], &wrapped, sizeof(t1));%s \\\n"
        "  }\n",
        barrier ? " SL_MARK_DIRTY(mem, addr, sizeof(t1));" : "");
    for (const char *l = gc; rc == SL_OK && l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        size_t n = strcspn(l, "\n");
        if (strncmp(l, "DEFINE_LOAD(f32_load,", 21) == 0 || strncmp(l, "DEFINE_LOAD(f64_load,", 21) == 0)
            rc = sl_buf_appendf(out, "SL_DEFINE_LOAD_BF(%.*s\n", (int)(n - 12), l + 12);
        else if (strncmp(l, "DEFINE_LOAD(", 12) == 0)
            rc = sl_buf_appendf(out, "SL_DEFINE_LOAD_B(%.*s\n", (int)(n - 12), l + 12);
        else if (strncmp(l, "DEFINE_STORE(", 13) == 0)
            rc = sl_buf_appendf(out, "SL_DEFINE_STORE_B(%.*s\n", (int)(n - 13), l + 13);
    }
    return rc;
}

/*
 * Memory base hoisting: wasm2c 1.0.32 reads mem->data again after every store
 * (a store through a char pointer may alias the instance struct), which costs
 * up to 1.5x in store-heavy loops. slight never moves a memory (it reserves
 * the maximum up front, guard pages or not), so each function loads the base
 * once into a local that no store can alias, and its loads and stores use
 * twins of wasm2c's helpers that take the base. Hand-written post-processing:
 * wasm2c 1.0.32 has no such option.
 */
static sl_err hoist_memory_base(const struct aot_entry *e, struct sl_buf *gc,
                                const char *mem_field, bool barrier, struct sl_error *err)
{
    struct sl_buf out = SL_BUF_INIT, call = SL_BUF_INIT, decl = SL_BUF_INIT, helpers = SL_BUF_INIT;
    const char *anchor = strstr(sl_buf_cstr(gc), "\nDEFINE_STORE(i64_store32, u32, u64)\n");
    sl_err rc = SL_ENOMEM;
    if (anchor == NULL) {
        rc = sl_error_set(err, SL_ECOMPILE, "%s: unexpected wasm2c output: no store helpers",
                          e->filename);
        goto out;
    }
    anchor += strlen("\nDEFINE_STORE(i64_store32, u32, u64)\n");
    if (base_helpers(gc->data, barrier, &helpers) != SL_OK
        || sl_buf_appendf(&call, "(&instance->%s, ", mem_field) != SL_OK
        || sl_buf_appendf(&decl, "  FUNC_PROLOGUE;\n  u8* const w2c_membase = instance->%s.data;\n",
                          mem_field) != SL_OK
        || sl_buf_append(&out, gc->data, (size_t)(anchor - gc->data)) != SL_OK
        || sl_buf_append(&out, helpers.data, helpers.len) != SL_OK)
        goto oom;
    for (const char *p = anchor; *p;) {
        const char *hit = strstr(p, call.data);
        const char *pro = strstr(p, "  FUNC_PROLOGUE;\n");
        const char *next = hit && (!pro || hit < pro) ? hit : pro;
        if (next == NULL) {
            if (sl_buf_appends(&out, p) != SL_OK)
                goto oom;
            break;
        }
        if (next == pro) {
            if (sl_buf_append(&out, p, (size_t)(pro - p)) != SL_OK
                || sl_buf_append(&out, decl.data, decl.len) != SL_OK)
                goto oom;
            p = pro + strlen("  FUNC_PROLOGUE;\n");
            continue;
        }
        /* Only wasm2c's load/store helpers: an identifier ending in _load.. or _store.. */
        const char *id = hit;
        while (id > p && (id[-1] == '_' || (id[-1] >= 'a' && id[-1] <= 'z')
                          || (id[-1] >= '0' && id[-1] <= '9')))
            id--;
        size_t idlen = (size_t)(hit - id);
        bool helper = memmem(id, idlen, "_load", 5) != NULL || memmem(id, idlen, "_store", 6) != NULL;
        if (sl_buf_append(&out, p, (size_t)(hit - p)) != SL_OK)
            goto oom;
        if (helper ? sl_buf_appendf(&out, "_b%s w2c_membase, ", call.data) != SL_OK
                   : sl_buf_append(&out, call.data, call.len) != SL_OK)
            goto oom;
        p = hit + call.len;
    }
    sl_buf_release(gc);
    *gc = out;
    out = (struct sl_buf)SL_BUF_INIT;
    rc = SL_OK;
    goto out;
oom:
    rc = sl_error_set(err, SL_ENOMEM, "out of memory");
out:
    sl_buf_release(&out);
    sl_buf_release(&call);
    sl_buf_release(&decl);
    sl_buf_release(&helpers);
    return rc;
}

/*
 * The dirty-page write barrier: wasm2c 1.0.32's store helpers and bulk
 * memory operations also mark the pages they write (SL_MARK_DIRTY in our
 * wasm-rt.h). Hand-written post-processing: wasm2c has no such option.
 */
static sl_err add_write_barrier(const struct aot_entry *e, struct sl_buf *buf,
                                struct sl_error *err)
{
    struct sl_buf gc = *buf;
    sl_err rc = SL_OK;
    int stores = append_after(&gc, "wasm_rt_memcpy(&mem->data[addr], &wrapped, sizeof(t1));",
                              " SL_MARK_DIRTY(mem, addr, sizeof(t1));");
    int fills = append_after(&gc, "memset(mem->data + d, val, n);",
                             " sl_mark_dirty_range(mem, d, n);");
    int copies = append_after(&gc, "memmove(dest->data + dest_addr, src->data + src_addr, n);",
                              " sl_mark_dirty_range(dest, dest_addr, n);");
    int loads = append_after(&gc, "load_data(&(m.data[o]), i, s);",
                             " sl_mark_dirty_range(&(m), o, s);");
    if (stores != 1 || fills != 1 || copies != 1 || loads != 1)
        rc = sl_error_set(err, SL_ECOMPILE,
                          "%s: unexpected wasm2c output: cannot add the write barrier "
                          "(stores %d, fills %d, copies %d, data loads %d)",
                          e->filename, stores, fills, copies, loads);
    *buf = gc;
    return rc;
}

/* Our post-processing of wasm2c's g.c: base hoisting, then the write barrier. */
static sl_err post_process(const struct aot_entry *e, const char *gc_path, const char *header,
                           struct sl_error *err)
{
    char field[256];
    struct sl_buf gc = SL_BUF_INIT;
    bool has_memory = sl_glue_memory_field(header, field, sizeof(field));
    if (!has_memory && !e->write_barrier)
        return SL_OK;
    sl_err rc = sl_fs_read_file(gc_path, &gc, err);
    if (rc == SL_OK && has_memory)
        rc = hoist_memory_base(e, &gc, field, e->write_barrier, err);
    if (rc == SL_OK && e->write_barrier)
        rc = add_write_barrier(e, &gc, err);
    if (rc == SL_OK)
        rc = sl_fs_write_atomic(gc_path, gc.data, gc.len, 0600, err);
    sl_buf_release(&gc);
    return rc;
}

static sl_err write_file(const struct aot_entry *e, const char *name, const void *data,
                         size_t len, struct sl_error *err)
{
    char path[4200];
    sl_aot_entry_path(e, name, path, sizeof(path));
    return sl_fs_write_atomic(path, data, len, 0600, err);
}

static sl_err translate_locked(const struct aot_entry *e, const uint8_t *wasm, size_t len,
                               const struct sl_wasm_module *m, struct sl_error *err)
{
    char in[4200], out[4200], hdr[4200];
    struct sl_buf diag = SL_BUF_INIT, header = SL_BUF_INIT, glue = SL_BUF_INIT;
    sl_err rc = write_file(e, "input.wasm", wasm, len, err);
    if (rc != SL_OK)
        return rc;
    sl_aot_entry_path(e, "input.wasm", in, sizeof(in));
    sl_aot_entry_path(e, "g.c", out, sizeof(out));
    sl_aot_entry_path(e, "g.h", hdr, sizeof(hdr));
    const char *argv[] = {SL_WASM2C, "-n", SL_W2C_MODULE_NAME, in, "-o", out, NULL};
    int status = 0;
    sl_log_debug("translating %s with wasm2c", e->filename);
    rc = sl_proc_run(argv, &diag, &status, err);
    unlink(in);
    if (rc != SL_OK)
        goto out;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char st[128];
        sl_proc_status_text(status, st, sizeof(st));
        rc = wasm2c_error(e->filename, sl_buf_cstr(&diag), st, err);
        goto out;
    }
    rc = write_file(e, "wasm-rt.h", sl_embedded_wasm_rt_h, sl_embedded_wasm_rt_h_len, err);
    if (rc == SL_OK)
        rc = write_file(e, "sl_guest_abi.h", sl_embedded_guest_abi_h,
                        sl_embedded_guest_abi_h_len, err);
    if (rc == SL_OK)
        rc = sl_fs_read_file(hdr, &header, err);
    if (rc == SL_OK)
        rc = post_process(e, out, header.data, err);
    if (rc == SL_OK)
        rc = sl_glue_generate(m, header.data, "g.h", &glue, err);
    if (rc == SL_OK)
        rc = write_file(e, "glue.c", glue.data, glue.len, err);
    if (rc == SL_OK)
        rc = sl_aot_write_sums(e, "translate.sum", translated_files,
                               SL_ARRAY_SIZE(translated_files), err);
out:
    sl_buf_release(&diag);
    sl_buf_release(&header);
    sl_buf_release(&glue);
    return rc;
}

sl_err sl_aot_translate(const struct aot_entry *e, const uint8_t *wasm, size_t len,
                        const struct sl_wasm_module *m, struct sl_error *err)
{
    if (sl_aot_check_sums(e, "translate.sum"))
        return SL_OK;
    int lock = sl_aot_lock(e, "translate.lock", true);
    if (lock < 0)
        return sl_error_set(err, SL_EIO, "cache: cannot lock '%s'", e->dir);
    sl_err rc = SL_OK;
    if (!sl_aot_check_sums(e, "translate.sum"))
        rc = translate_locked(e, wasm, len, m, err);
    sl_aot_unlock(lock);
    return rc;
}
