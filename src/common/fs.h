/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fs.h -- whole-file reads, atomic writes (temp file + fsync + rename) and
 * directory creation. Paths are host paths; no sandboxing here (see wasi/).
 */
#ifndef SL_COMMON_FS_H
#define SL_COMMON_FS_H

#include "sl_common.h"

#include "buf.h"
#include "err.h"

/* Reads the whole file into *out (initialized by the caller, released by it). */
sl_err sl_fs_read_file(const char *path, struct sl_buf *out, struct sl_error *err);

struct stat;
/* The same, and *st describes the file that was read (fstat of the same descriptor). */
sl_err sl_fs_read_file_stat(const char *path, struct sl_buf *out, struct stat *st,
                            struct sl_error *err);

/*
 * Writes data to path atomically: a temp file in the same directory, fsync,
 * chmod to mode, rename over path. Readers see the old or the new file, never
 * a part.
 */
sl_err sl_fs_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
                          struct sl_error *err);

/* Creates path and its missing parents with mode (existing ones are kept). */
sl_err sl_fs_mkdirs(const char *path, unsigned mode, struct sl_error *err);

/* True when path exists (any type). */
bool sl_fs_exists(const char *path);

#endif /* SL_COMMON_FS_H */
