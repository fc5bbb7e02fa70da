/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aot.h -- ahead-of-time pipeline for one module: wasm2c translation and
 * glue (cached by content hash), then the baseline tier (libtcc, in memory)
 * or the optimized tier (cc -O2 -shared, cached, verified by hash before
 * dlopen). See ARCHITECTURE.md §2.
 */
#ifndef SL_ENGINE_AOT_H
#define SL_ENGINE_AOT_H

#include "sl_common.h"

#include "common/err.h"
#include "sl_guest_abi.h"
#include "wasm_reader.h"

struct stat;

enum sl_tier {
    SL_TIER_AUTO = 0,  /* optimized when cached, else baseline + background compile */
    SL_TIER_BASELINE,  /* libtcc only; never starts a background compile */
    SL_TIER_OPTIMIZED, /* waits for (or does) the optimized compile */
};

struct sl_aot_opts {
    enum sl_tier tier;
    const char *cache_root; /* NULL: $XDG_CACHE_HOME/slight, else ~/.cache/slight */
    bool no_background;     /* AUTO: never start a background compile */
    bool write_barrier;     /* compile stores to mark dirty pages (pooled instances) */
};

/* Compiled code of one module, loaded in this process. */
struct sl_aot_code {
    const struct sl_guest_desc *desc;
    enum sl_tier tier; /* BASELINE or OPTIMIZED: what was loaded */
    void *dl_handle;   /* dlopen handle (optimized), or NULL */
    void *tcc_state;   /* TCCState (baseline), or NULL */
    char key[65];      /* cache key (hex) */
    bool write_barrier; /* the code marks dirty pages on every store */
};

/*
 * Makes code for the module in wasm[0..len) (already read into m) and loads
 * it. filename is for messages; st (may be NULL) describes the file the
 * bytes were read from, so that its key can be memoised instead of hashing
 * the module on every run; known_key (may be NULL) is the key that
 * sl_aot_known_module found for it. On success *out holds the loaded code
 * (sl_aot_unload). Errors: wasm2c rejecting the module (its message, with
 * the offset), the C compiler failing, the cache unusable.
 */
sl_err sl_aot_load(const uint8_t *wasm, size_t len, const char *filename, const struct stat *st,
                   const char *known_key, const struct sl_wasm_module *m, const struct sl_aot_opts *opts,
                   struct sl_aot_code *out, struct sl_error *err);

/*
 * True when this build of slight has read, linked and loaded the module file
 * with identity st before (the file-identity memo of the cache): key then
 * holds its cache key, and the module need not be hashed or scanned again.
 */
bool sl_aot_known_module(const struct sl_aot_opts *opts, const struct stat *st, char key[65]);

/* Loads verified optimized code from the cache only; SL_ENOTFOUND when absent. */
sl_err sl_aot_load_cached(const uint8_t *wasm, size_t len, const char *filename,
                          const struct sl_aot_opts *opts, struct sl_aot_code *out);

/* Unloads code. Accepts a zeroed struct. */
void sl_aot_unload(struct sl_aot_code *code);

/* Fills the cache with the optimized tier for the module (slight compile). */
sl_err sl_aot_compile(const uint8_t *wasm, size_t len, const char *filename,
                      const struct sl_wasm_module *m, const struct sl_aot_opts *opts,
                      struct sl_error *err);

/*
 * Writes a self-contained artifact: the module and its optimized code, with
 * a header and a hash (slight compile -o app.slightc).
 */
sl_err sl_aot_write_artifact(const uint8_t *wasm, size_t len, const char *filename,
                             const struct sl_wasm_module *m, const struct sl_aot_opts *opts,
                             const char *out_path, struct sl_error *err);

/* True when the file starts like an artifact written by sl_aot_write_artifact. */
bool sl_aot_is_artifact(const uint8_t *data, size_t len);

/*
 * Checks an artifact's header and hash and installs its code into the
 * cache. On success *wasm and *wasm_len point into data (borrowed).
 */
sl_err sl_aot_open_artifact(const uint8_t *data, size_t len, const char *filename,
                            const struct sl_aot_opts *opts, const uint8_t **wasm,
                            size_t *wasm_len, struct sl_error *err);

/* The cache root in use (for messages and tests); static storage. */
const char *sl_aot_cache_root(const struct sl_aot_opts *opts);

#endif /* SL_ENGINE_AOT_H */
