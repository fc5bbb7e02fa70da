/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aot.c -- chooses the tier for a module and loads it: cached optimized
 * code when verified, else the baseline tier now and a detached, niced
 * background compile of the optimized tier (one per module, under a lock).
 * Also the self-contained .slightc artifacts.
 */
#include "sl_common.h"

#include "aot_int.h"
#include "common/fs.h"
#include "common/hash.h"
#include "common/log.h"
#include "sl_config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Starts the optimized compile in a detached grandchild, unless one runs. */
static void start_background(const struct aot_entry *e)
{
    pid_t pid = fork();
    if (pid < 0)
        return;
    if (pid > 0) {
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        return;
    }
    setsid();
    if (fork() != 0)
        _exit(0);
    int fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
    if (setpriority(PRIO_PROCESS, 0, 10) != 0) {
        /* not fatal: compile at normal priority */
    }
    struct sl_error err = SL_ERROR_INIT;
    _exit(sl_aot_cc_build(e, false, &err) == SL_OK ? 0 : 1);
}

/* C that does not compile is not kept: the next run translates again. */
static void forget_translation(const struct aot_entry *e)
{
    char path[4200];
    sl_aot_entry_path(e, "translate.sum", path, sizeof(path));
    unlink(path);
}

static bool stderr_is_tty(void)
{
    return isatty(2) == 1;
}

static sl_err build_optimized(const struct aot_entry *e, struct sl_error *err)
{
    if (sl_aot_check_sums(e, "opt.sum"))
        return SL_OK;
    bool progress = stderr_is_tty();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (progress)
        fprintf(stderr, "slight: compiling %s (optimized tier)...", e->filename);
    sl_err rc = sl_aot_cc_build(e, true, err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (progress)
        fprintf(stderr, " %s in %.1f s\n", rc == SL_OK ? "done" : "failed",
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return rc;
}

bool sl_aot_known_module(const struct sl_aot_opts *opts, const struct stat *st, char key[65])
{
    return sl_aot_memo_get(opts, st, key);
}

sl_err sl_aot_load(const uint8_t *wasm, size_t len, const char *filename, const struct stat *st,
                   const char *known_key, const struct sl_wasm_module *m,
                   const struct sl_aot_opts *opts, struct sl_aot_code *out, struct sl_error *err)
{
    struct aot_entry e;
    memset(out, 0, sizeof(*out));
    sl_err rc = sl_aot_entry_open(wasm, len, filename, opts, known_key, &e, err);
    if (rc == SL_OK && st != NULL && known_key == NULL)
        sl_aot_memo_put(opts, st, e.key);
    if (known_key != NULL)
        sl_log_debug("%s: cache key from the file-identity memo", filename);
    if (rc != SL_OK)
        return rc;
    memcpy(out->key, e.key, sizeof(out->key));
    out->write_barrier = e.write_barrier;
    enum sl_tier tier = opts ? opts->tier : SL_TIER_AUTO;

    if (tier != SL_TIER_BASELINE && sl_aot_cc_load(&e, out, NULL) == SL_OK)
        return SL_OK;
    rc = sl_aot_translate(&e, wasm, len, m, err);
    if (rc != SL_OK)
        return rc;
    if (tier == SL_TIER_OPTIMIZED || (tier == SL_TIER_AUTO && !SL_HAVE_LIBTCC)) {
        rc = build_optimized(&e, err);
        if (rc == SL_ECOMPILE)
            forget_translation(&e);
        return rc == SL_OK ? sl_aot_cc_load(&e, out, err) : rc;
    }
    rc = sl_aot_tcc_load(&e, out, err);
    if (rc == SL_ECOMPILE)
        forget_translation(&e);
    if (rc == SL_OK && tier == SL_TIER_AUTO && !(opts && opts->no_background))
        start_background(&e);
    return rc;
}

sl_err sl_aot_load_cached(const uint8_t *wasm, size_t len, const char *filename,
                          const struct sl_aot_opts *opts, struct sl_aot_code *out)
{
    struct aot_entry e;
    memset(out, 0, sizeof(*out));
    sl_err rc = sl_aot_entry_open(wasm, len, filename, opts, NULL, &e, NULL);
    if (rc == SL_OK)
        rc = sl_aot_cc_load(&e, out, NULL);
    if (rc == SL_OK) {
        memcpy(out->key, e.key, sizeof(out->key));
        out->write_barrier = e.write_barrier;
    }
    return rc;
}

void sl_aot_unload(struct sl_aot_code *code)
{
    if (code->dl_handle != NULL)
        dlclose(code->dl_handle);
    sl_aot_tcc_free(code->tcc_state);
    memset(code, 0, sizeof(*code));
}

sl_err sl_aot_compile(const uint8_t *wasm, size_t len, const char *filename,
                      const struct sl_wasm_module *m, const struct sl_aot_opts *opts,
                      struct sl_error *err)
{
    struct aot_entry e;
    sl_err rc = sl_aot_entry_open(wasm, len, filename, opts, NULL, &e, err);
    if (rc == SL_OK && !sl_aot_check_sums(&e, "opt.sum"))
        rc = sl_aot_translate(&e, wasm, len, m, err);
    if (rc == SL_OK)
        rc = build_optimized(&e, err);
    return rc;
}

/* ---- artifacts: "SLIGHTC\n", version, key, sizes, hash, then wasm and code ---- */

#define ARTIFACT_MAGIC "SLIGHTC\n"
#define ARTIFACT_VERSION 1u

struct artifact_header {
    char magic[8];
    uint32_t version;
    uint32_t abi;
    char key[64];
    uint64_t wasm_len;
    uint64_t code_len;
    char hash[64]; /* sha256 of wasm bytes then code bytes */
};

bool sl_aot_is_artifact(const uint8_t *data, size_t len)
{
    return len >= 8 && memcmp(data, ARTIFACT_MAGIC, 8) == 0;
}

sl_err sl_aot_write_artifact(const uint8_t *wasm, size_t len, const char *filename,
                             const struct sl_wasm_module *m, const struct sl_aot_opts *opts,
                             const char *out_path, struct sl_error *err)
{
    struct aot_entry e;
    struct sl_buf code = SL_BUF_INIT, out = SL_BUF_INIT;
    char path[4200], hex[SL_SHA256_HEX_LEN + 1];
    sl_err rc = sl_aot_compile(wasm, len, filename, m, opts, err);
    if (rc == SL_OK)
        rc = sl_aot_entry_open(wasm, len, filename, opts, NULL, &e, err);
    if (rc != SL_OK)
        return rc;
    sl_aot_entry_path(&e, "opt.so", path, sizeof(path));
    rc = sl_fs_read_file(path, &code, err);
    if (rc != SL_OK)
        return rc;
    struct sl_sha256 h;
    sl_sha256_init(&h);
    sl_sha256_update(&h, wasm, len);
    sl_sha256_update(&h, code.data, code.len);
    sl_sha256_final_hex(&h, hex);
    struct artifact_header hdr;
    memset(&hdr, 0, sizeof(hdr));
    memcpy(hdr.magic, ARTIFACT_MAGIC, 8);
    hdr.version = ARTIFACT_VERSION;
    hdr.abi = SL_GUEST_ABI_VERSION;
    memcpy(hdr.key, e.key, 64);
    hdr.wasm_len = len;
    hdr.code_len = code.len;
    memcpy(hdr.hash, hex, 64);
    if (sl_buf_append(&out, &hdr, sizeof(hdr)) != SL_OK || sl_buf_append(&out, wasm, len) != SL_OK
        || sl_buf_append(&out, code.data, code.len) != SL_OK)
        rc = sl_error_set(err, SL_ENOMEM, "out of memory");
    else
        rc = sl_fs_write_atomic(out_path, out.data, out.len, 0644, err);
    sl_buf_release(&code);
    sl_buf_release(&out);
    return rc;
}

sl_err sl_aot_open_artifact(const uint8_t *data, size_t len, const char *filename,
                            const struct sl_aot_opts *opts, const uint8_t **wasm,
                            size_t *wasm_len, struct sl_error *err)
{
    struct artifact_header hdr;
    char hex[SL_SHA256_HEX_LEN + 1];
    if (len < sizeof(hdr))
        return sl_error_set(err, SL_EMODULE, "%s: truncated artifact header", filename);
    memcpy(&hdr, data, sizeof(hdr));
    if (memcmp(hdr.magic, ARTIFACT_MAGIC, 8) != 0)
        return sl_error_set(err, SL_EMODULE, "%s: not a slight artifact", filename);
    if (hdr.version != ARTIFACT_VERSION || hdr.abi != SL_GUEST_ABI_VERSION)
        return sl_error_set(err, SL_EMODULE,
                            "%s: artifact format %u (ABI %u) was made by another slight version; "
                            "recompile it with 'slight compile'",
                            filename, hdr.version, hdr.abi);
    if (hdr.wasm_len > len - sizeof(hdr) || hdr.code_len != len - sizeof(hdr) - hdr.wasm_len)
        return sl_error_set(err, SL_EMODULE, "%s: truncated artifact (sizes do not match)",
                            filename);
    const uint8_t *w = data + sizeof(hdr), *code = w + hdr.wasm_len;
    struct sl_sha256 h;
    sl_sha256_init(&h);
    sl_sha256_update(&h, w, hdr.wasm_len);
    sl_sha256_update(&h, code, hdr.code_len);
    sl_sha256_final_hex(&h, hex);
    if (memcmp(hex, hdr.hash, 64) != 0)
        return sl_error_set(err, SL_EMODULE, "%s: artifact is corrupt (hash mismatch)", filename);
    struct aot_entry e;
    sl_err rc = sl_aot_entry_open(w, hdr.wasm_len, filename, opts, NULL, &e, err);
    if (rc != SL_OK)
        return rc;
    if (memcmp(e.key, hdr.key, 64) != 0)
        return sl_error_set(err, SL_EMODULE,
                            "%s: artifact was compiled with other tools (wasm2c or cc version); "
                            "recompile it with 'slight compile'",
                            filename);
    if (!sl_aot_check_sums(&e, "opt.sum")) {
        char path[4200];
        static const char *const files[] = {"opt.so"};
        sl_aot_entry_path(&e, "opt.so", path, sizeof(path));
        rc = sl_fs_write_atomic(path, code, hdr.code_len, 0700, err);
        if (rc == SL_OK)
            rc = sl_aot_write_sums(&e, "opt.sum", files, 1, err);
        if (rc != SL_OK)
            return rc;
    }
    *wasm = w;
    *wasm_len = hdr.wasm_len;
    return SL_OK;
}
