/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aot_int.h -- shared among the aot_*.c files only: the cache entry of one
 * module and the steps of the pipeline.
 */
#ifndef SL_ENGINE_AOT_INT_H
#define SL_ENGINE_AOT_INT_H

#include "sl_common.h"

#include "aot.h"
#include "common/buf.h"
#include "rt.h"

#include <sys/stat.h>

/* One module's directory in the cache: ROOT/v1/KEY/. */
struct aot_entry {
    char key[65];
    char dir[4096];
    const char *filename; /* the module's name, for messages */
    bool write_barrier;   /* translated with the dirty-page write barrier */
};

/* Embedded headers (generated at build time from src/engine/rt/). */
extern const unsigned char sl_embedded_wasm_rt_h[];
extern const size_t sl_embedded_wasm_rt_h_len;
extern const unsigned char sl_embedded_guest_abi_h[];
/* Hex SHA-256 of wasm-rt.h then sl_guest_abi.h, computed at build time. */
extern const char sl_embedded_headers_sha256[65];
extern const size_t sl_embedded_guest_abi_h_len;

/* Max call depth compiled into explicit-check code (part of the key). */
#define SL_AOT_MAX_CALL_DEPTH 10000

/*
 * Version of slight's own post-processing of wasm2c output (aot_translate.c,
 * aot_split.c, glue_gen.c), part of the key: bump it whenever the C they
 * write changes, so that no cache keeps code of the older form.
 */
#define SL_AOT_TRANSLATE_VERSION 2u

/* Computes the key (or takes key, when not NULL) and creates the entry's directory (0700). */
sl_err sl_aot_entry_open(const uint8_t *wasm, size_t len, const char *filename,
                         const struct sl_aot_opts *opts, const char *key, struct aot_entry *e,
                         struct sl_error *err);

/*
 * Memo of keys by file identity (device, inode, size, mtime, ctime, and the
 * tool versions), so that a cached run need not hash the module again. Files
 * changed in the last 2 seconds are never memoised (coarse timestamps).
 */
bool sl_aot_memo_get(const struct sl_aot_opts *opts, const struct stat *st, char key[65]);
void sl_aot_memo_put(const struct sl_aot_opts *opts, const struct stat *st, const char key[65]);

/* Path of a file in the entry into buf. */
void sl_aot_entry_path(const struct aot_entry *e, const char *name, char *buf, size_t size);

/* Takes an exclusive flock on entry/NAME; returns the fd, or -1 (nonblock: held). */
int sl_aot_lock(const struct aot_entry *e, const char *name, bool block);
void sl_aot_unlock(int fd);

/* Writes "sha256  file\n" lines for files[] into entry/sums_name, atomically. */
sl_err sl_aot_write_sums(const struct aot_entry *e, const char *sums_name,
                         const char *const *files, size_t nfiles, struct sl_error *err);
/*
 * True when every file listed in entry/sums_name exists with its hash. A
 * file that matched once is not hashed again while its identity (device,
 * inode, size, mtime, ctime) stays the same: entry/NAME.verified records it
 * (files changed in the last 2 seconds are never recorded). Any write to
 * the file changes its ctime, so a damaged file is hashed, and caught.
 */
bool sl_aot_check_sums(const struct aot_entry *e, const char *sums_name);

/* Makes sure the translated C (g.c, g.h, glue.c, headers) is in the entry. */
sl_err sl_aot_translate(const struct aot_entry *e, const uint8_t *wasm, size_t len,
                        const struct sl_wasm_module *m, struct sl_error *err);

/* Compiles the translated C with libtcc in memory and loads it. */
sl_err sl_aot_tcc_load(const struct aot_entry *e, struct sl_aot_code *out, struct sl_error *err);

/* Frees a TCCState from sl_aot_tcc_load. Accepts NULL. */
void sl_aot_tcc_free(void *state);

/*
 * Builds entry/opt.so with the C compiler (no-op when present and verified),
 * under the entry's lock: wait for a build in progress, or (wait false)
 * leave it to the process that holds the lock.
 */
sl_err sl_aot_cc_build(const struct aot_entry *e, bool wait, struct sl_error *err);

/* dlopens entry/opt.so after checking its hash. */
sl_err sl_aot_cc_load(const struct aot_entry *e, struct sl_aot_code *out, struct sl_error *err);

#endif /* SL_ENGINE_AOT_INT_H */
