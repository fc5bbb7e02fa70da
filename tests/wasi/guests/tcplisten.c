/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tcplisten.c -- sock_accept, sock_recv, sock_send and sock_shutdown on the
 * listening socket of --tcplisten: finds it by its filetype after the preopens,
 * accepts one connection, reads a line, answers "echo: LINE" and exits 0.
 * Rights errors are checked on the way; everything goes to stdout.
 */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <wasi/api.h>

/* First descriptor >= 3 whose filetype is a stream socket, or -1. */
static int find_listener(void)
{
    for (int fd = 3; fd < 64; fd++) {
        __wasi_fdstat_t st;
        if (__wasi_fd_fdstat_get(fd, &st) == 0
            && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM)
            return fd;
    }
    return -1;
}

int main(void)
{
    int lfd = find_listener();
    CHECK(lfd == 4); /* right after the default preopen "." (docs/WASI.md) */
    if (lfd < 0) {
        printf("failures=%d\n", failures);
        return 1;
    }
    __wasi_fdstat_t st;
    CHECK(__wasi_fd_fdstat_get(lfd, &st) == 0
          && (st.fs_rights_base & __WASI_RIGHTS_SOCK_ACCEPT) != 0
          && (st.fs_rights_base & __WASI_RIGHTS_FD_READ) == 0);

    /* A preopen has no SOCK_ACCEPT right; a listener cannot be read from. */
    __wasi_fd_t conn = 0;
    CHECK(__wasi_sock_accept(3, 0, &conn) == __WASI_ERRNO_NOTCAPABLE);
    CHECK(__wasi_sock_accept(lfd, 0x100, &conn) == __WASI_ERRNO_INVAL);
    char buf[256];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof(buf)};
    __wasi_size_t n = 0;
    __wasi_roflags_t rof = 0;
    CHECK(__wasi_sock_recv(lfd, &iov, 1, 0, &n, &rof) == __WASI_ERRNO_NOTCAPABLE);
    CHECK(__wasi_sock_recv(99, &iov, 1, 0, &n, &rof) == __WASI_ERRNO_BADF);

    /* Blocks until the runner connects. */
    CHECK(__wasi_sock_accept(lfd, 0, &conn) == 0 && conn > (__wasi_fd_t)lfd);
    CHECK(__wasi_fd_fdstat_get(conn, &st) == 0
          && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM
          && (st.fs_rights_base & __WASI_RIGHTS_SOCK_ACCEPT) == 0);

    /* Read up to the first newline (the line may arrive in pieces). */
    size_t got = 0;
    while (got < sizeof(buf) - 1 && memchr(buf, '\n', got) == NULL) {
        iov.buf = (uint8_t *)buf + got;
        iov.buf_len = sizeof(buf) - 1 - got;
        if (__wasi_sock_recv(conn, &iov, 1, 0, &n, &rof) != 0 || n == 0)
            break;
        got += n;
    }
    char *nl = memchr(buf, '\n', got);
    CHECK(nl != NULL);
    size_t len = nl ? (size_t)(nl - buf) : got;
    printf("received=%.*s\n", (int)len, buf);

    char reply[300];
    int rlen = snprintf(reply, sizeof(reply), "echo: %.*s\n", (int)len, buf);
    __wasi_ciovec_t civ[2] = {{(const uint8_t *)reply, 6}, {(const uint8_t *)reply + 6,
                                                            (size_t)rlen - 6}};
    CHECK(__wasi_sock_send(conn, civ, 2, 1, &n) == __WASI_ERRNO_INVAL); /* no siflags exist */
    CHECK(__wasi_sock_send(conn, civ, 2, 0, &n) == 0 && n == (__wasi_size_t)rlen);
    CHECK(__wasi_sock_shutdown(conn, 0) == __WASI_ERRNO_INVAL);
    CHECK(__wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR) == 0);
    CHECK(__wasi_sock_shutdown(lfd, __WASI_SDFLAGS_RD) == __WASI_ERRNO_NOTCAPABLE);
    CHECK(close(conn) == 0);
    printf("failures=%d\n", failures);
    return failures;
}
