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

/*
 * The dirty-page write barrier: wasm2c 1.0.32's store helpers and bulk
 * memory operations also mark the pages they write (SL_MARK_DIRTY in our
 * wasm-rt.h). Hand-written post-processing: wasm2c has no such option.
 */
static sl_err add_write_barrier(const struct aot_entry *e, const char *path,
                                struct sl_error *err)
{
    struct sl_buf gc = SL_BUF_INIT;
    sl_err rc = sl_fs_read_file(path, &gc, err);
    if (rc != SL_OK)
        return rc;
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
    else
        rc = sl_fs_write_atomic(path, gc.data, gc.len, 0600, err);
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
    if (e->write_barrier) {
        rc = add_write_barrier(e, out, err);
        if (rc != SL_OK)
            goto out;
    }
    rc = write_file(e, "wasm-rt.h", sl_embedded_wasm_rt_h, sl_embedded_wasm_rt_h_len, err);
    if (rc == SL_OK)
        rc = write_file(e, "sl_guest_abi.h", sl_embedded_guest_abi_h,
                        sl_embedded_guest_abi_h_len, err);
    if (rc == SL_OK)
        rc = sl_fs_read_file(hdr, &header, err);
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
