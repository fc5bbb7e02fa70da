/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fdctl.c -- WASI guest: the descriptor-control calls the other guests do
 * not make (fd_fdstat_set_flags, fd_fdstat_set_rights, fd_filestat_set_times,
 * fd_renumber) and proc_raise, through the raw preview 1 API, with their
 * success and error paths. Run in an empty preopened directory.
 */
#include "check.h"

#include <fcntl.h>
#include <unistd.h>
#include <wasi/api.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) uint16_t
raw_proc_raise(uint32_t sig);

static int open_file(const char *name)
{
    int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    return fd;
}

int main(void)
{
    __wasi_fdstat_t st;
    __wasi_filestat_t fs;
    int a = open_file("a.txt"), b = open_file("b.txt");

    /* fd_fdstat_set_flags: APPEND on and off; unknown bits are EINVAL; bad fd EBADF */
    CHECK(__wasi_fd_fdstat_set_flags(a, __WASI_FDFLAGS_APPEND) == 0);
    CHECK(__wasi_fd_fdstat_get(a, &st) == 0 && (st.fs_flags & __WASI_FDFLAGS_APPEND));
    CHECK(write(a, "xy", 2) == 2);
    CHECK(__wasi_fd_fdstat_set_flags(a, 0) == 0);
    CHECK(__wasi_fd_fdstat_get(a, &st) == 0 && !(st.fs_flags & __WASI_FDFLAGS_APPEND));
    CHECK(__wasi_fd_fdstat_set_flags(a, 0x8000) == __WASI_ERRNO_INVAL);
    CHECK(__wasi_fd_fdstat_set_flags(9999, 0) == __WASI_ERRNO_BADF);

    /* fd_filestat_set_times: explicit times are read back; both ATIM and ATIM_NOW is EINVAL */
    CHECK(__wasi_fd_filestat_set_times(a, 1000000000ull, 2000000000ull,
                                       __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM) == 0);
    CHECK(__wasi_fd_filestat_get(a, &fs) == 0 && fs.atim == 1000000000ull
          && fs.mtim == 2000000000ull);
    CHECK(__wasi_fd_filestat_set_times(a, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW)
          == __WASI_ERRNO_INVAL);
    CHECK(__wasi_fd_filestat_set_times(9999, 0, 0, 0) == __WASI_ERRNO_BADF);

    /* fd_fdstat_set_rights: rights can be dropped, never gained; a dropped right is ENOTCAPABLE */
    CHECK(__wasi_fd_fdstat_get(b, &st) == 0);
    __wasi_rights_t base = st.fs_rights_base, inh = st.fs_rights_inheriting;
    CHECK(__wasi_fd_fdstat_set_rights(b, base & ~__WASI_RIGHTS_FD_WRITE, inh) == 0);
    CHECK(__wasi_fd_fdstat_get(b, &st) == 0 && !(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
    CHECK(__wasi_fd_fdstat_set_rights(b, base, inh) == __WASI_ERRNO_NOTCAPABLE);
    __wasi_ciovec_t iov = {(const uint8_t *)"z", 1};
    __wasi_size_t n = 0;
    CHECK(__wasi_fd_write(b, &iov, 1, &n) == __WASI_ERRNO_NOTCAPABLE);

    /* fd_renumber: b takes a's place; a's old number then refers to a.txt's description */
    CHECK(__wasi_fd_renumber(a, b) == 0);
    CHECK(__wasi_fd_filestat_get(b, &fs) == 0 && fs.size == 2);
    CHECK(__wasi_fd_filestat_get(a, &fs) == __WASI_ERRNO_BADF);
    CHECK(__wasi_fd_renumber(a, b) == __WASI_ERRNO_BADF);
    CHECK(__wasi_fd_renumber(b, 9999) == __WASI_ERRNO_BADF);
    CHECK(close(b) == 0);

    /* proc_raise: signals are not delivered (as wasmtime) */
    CHECK(raw_proc_raise(15 /* SIGTERM in the preview 1 numbering */) == __WASI_ERRNO_NOTSUP);

    printf("failures=%d\n", failures);
    return failures;
}
