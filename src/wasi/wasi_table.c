/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_table.c -- the host function table of wasi_snapshot_preview1 and of
 * the legacy wasi_unstable (preview 0), with the exact wasm signatures. The
 * preview 0 entries differ only where preview 0 differs (fd_seek whence
 * numbering, the filestat and subscription layouts).
 */
#include "sl_common.h"

#include "wasi/wasi.h"

#include "wasi/wasi_fns.h"

#define P1 "wasi_snapshot_preview1"
#define P0 "wasi_unstable"
#define FN(mod, name, sig, f) {mod, name, sig, (void (*)(void))(f)}
/* One function offered identically by both modules. */
#define BOTH(name, sig, f) FN(P1, name, sig, f), FN(P0, name, sig, f)

static const struct sl_host_fn wasi_fns[] = {
    BOTH("args_get", "ii:i", sl_wasi_args_get),
    BOTH("args_sizes_get", "ii:i", sl_wasi_args_sizes_get),
    BOTH("environ_get", "ii:i", sl_wasi_environ_get),
    BOTH("environ_sizes_get", "ii:i", sl_wasi_environ_sizes_get),
    BOTH("clock_res_get", "ii:i", sl_wasi_clock_res_get),
    BOTH("clock_time_get", "iIi:i", sl_wasi_clock_time_get),
    BOTH("fd_advise", "iIIi:i", sl_wasi_fd_advise),
    BOTH("fd_allocate", "iII:i", sl_wasi_fd_allocate),
    BOTH("fd_close", "i:i", sl_wasi_fd_close),
    BOTH("fd_datasync", "i:i", sl_wasi_fd_datasync),
    BOTH("fd_fdstat_get", "ii:i", sl_wasi_fd_fdstat_get),
    BOTH("fd_fdstat_set_flags", "ii:i", sl_wasi_fd_fdstat_set_flags),
    BOTH("fd_fdstat_set_rights", "iII:i", sl_wasi_fd_fdstat_set_rights),
    FN(P1, "fd_filestat_get", "ii:i", sl_wasi_fd_filestat_get),
    FN(P0, "fd_filestat_get", "ii:i", sl_wasi0_fd_filestat_get),
    BOTH("fd_filestat_set_size", "iI:i", sl_wasi_fd_filestat_set_size),
    BOTH("fd_filestat_set_times", "iIIi:i", sl_wasi_fd_filestat_set_times),
    BOTH("fd_pread", "iiiIi:i", sl_wasi_fd_pread),
    BOTH("fd_prestat_get", "ii:i", sl_wasi_fd_prestat_get),
    BOTH("fd_prestat_dir_name", "iii:i", sl_wasi_fd_prestat_dir_name),
    BOTH("fd_pwrite", "iiiIi:i", sl_wasi_fd_pwrite),
    BOTH("fd_read", "iiii:i", sl_wasi_fd_read),
    BOTH("fd_readdir", "iiiIi:i", sl_wasi_fd_readdir),
    BOTH("fd_renumber", "ii:i", sl_wasi_fd_renumber),
    FN(P1, "fd_seek", "iIii:i", sl_wasi_fd_seek),
    FN(P0, "fd_seek", "iIii:i", sl_wasi0_fd_seek),
    BOTH("fd_sync", "i:i", sl_wasi_fd_sync),
    BOTH("fd_tell", "ii:i", sl_wasi_fd_tell),
    BOTH("fd_write", "iiii:i", sl_wasi_fd_write),
    BOTH("path_create_directory", "iii:i", sl_wasi_path_create_directory),
    FN(P1, "path_filestat_get", "iiiii:i", sl_wasi_path_filestat_get),
    FN(P0, "path_filestat_get", "iiiii:i", sl_wasi0_path_filestat_get),
    BOTH("path_filestat_set_times", "iiiiIIi:i", sl_wasi_path_filestat_set_times),
    BOTH("path_link", "iiiiiii:i", sl_wasi_path_link),
    BOTH("path_open", "iiiiiIIii:i", sl_wasi_path_open),
    BOTH("path_readlink", "iiiiii:i", sl_wasi_path_readlink),
    BOTH("path_remove_directory", "iii:i", sl_wasi_path_remove_directory),
    BOTH("path_rename", "iiiiii:i", sl_wasi_path_rename),
    BOTH("path_symlink", "iiiii:i", sl_wasi_path_symlink),
    BOTH("path_unlink_file", "iii:i", sl_wasi_path_unlink_file),
    FN(P1, "poll_oneoff", "iiii:i", sl_wasi_poll_oneoff),
    FN(P0, "poll_oneoff", "iiii:i", sl_wasi0_poll_oneoff),
    BOTH("proc_exit", "i:", sl_wasi_proc_exit),
    BOTH("proc_raise", "i:i", sl_wasi_proc_raise),
    BOTH("sched_yield", ":i", sl_wasi_sched_yield),
    BOTH("random_get", "ii:i", sl_wasi_random_get),
    /* sock_accept is preview 1 only; offering it to preview 0 as well is harmless. */
    BOTH("sock_accept", "iii:i", sl_wasi_sock_accept),
    BOTH("sock_recv", "iiiiii:i", sl_wasi_sock_recv),
    BOTH("sock_send", "iiiii:i", sl_wasi_sock_send),
    BOTH("sock_shutdown", "ii:i", sl_wasi_sock_shutdown),
};

const struct sl_host_fn_table sl_wasi_host_fns = {wasi_fns, SL_ARRAY_SIZE(wasi_fns)};
