/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_fixture.h -- a fake instance (64 KiB of guest memory, no engine) over a
 * temporary tree for the WASI unit tests:
 *   TMP/secret.txt            "SECRET" (outside the sandbox: must stay unreachable)
 *   TMP/sandbox/              preopened as fd 3, guest name "/sandbox"
 *     file.txt "hello", dir/inner.txt "inner", empty/, link_in -> file.txt,
 *     dirlink -> dir, link_out -> ../secret.txt, abs_out -> TMP/secret.txt,
 *     loop1 -> loop2, loop2 -> loop1, deep -> dir/../../secret.txt
 */
#ifndef SL_TESTS_WASI_FIXTURE_H
#define SL_TESTS_WASI_FIXTURE_H

#include "sl_common.h"

#include "abi/guest_mem.h"
#include "wasi/wasi.h"
#include "wasi/wasi_fns.h"
#include "wasi/wasi_int.h"
#include "wasi/wasi_types.h"

#include <limits.h>

/* Guest addresses the tests use by convention. */
#define G_OUT   16u    /* result words */
#define G_OUT2  32u
#define G_IOV   64u    /* iovec arrays */
#define G_PATH  1024u  /* first path argument */
#define G_PATH2 2048u  /* second path argument */
#define G_BUF   4096u  /* data buffers */
#define G_SIZE  65536u

struct wfix {
    struct sl_instance inst;
    wasm_rt_memory_t mem;
    uint8_t *m; /* guest memory */
    char tmp[PATH_MAX - 64];
    char root[PATH_MAX];
    char secret[PATH_MAX];
    struct sl_wasi_ctx *ctx;
    int listen_fd; /* host listening socket given as fd 4, or -1 */
};

/* Builds the tree and the context; openat2 false forces the component walk. */
void wfix_init(struct wfix *f, bool openat2);
/* Same, with a TCP listener on 127.0.0.1 handed over as fd 4. */
void wfix_init_listen(struct wfix *f);
void wfix_fini(struct wfix *f);

/* Copies s (no NUL) to guest address at; returns its length. */
uint32_t wput(struct wfix *f, uint32_t at, const char *s);
uint32_t wload32(struct wfix *f, uint32_t at);
uint64_t wload64(struct wfix *f, uint32_t at);
/* Writes one iovec {buf, len} at guest address at. */
void wiov(struct wfix *f, uint32_t at, uint32_t buf, uint32_t len);

/* path_open of path below dirfd; the new fd is stored in *fd. */
uint32_t wopen(struct wfix *f, uint32_t dirfd, const char *path, uint32_t oflags, uint64_t base,
               uint32_t fdflags, bool follow, uint32_t *fd);
/* Writes / reads through fd_write / fd_read with one iovec at G_BUF. */
uint32_t wwrite(struct wfix *f, uint32_t fd, const char *data);
uint32_t wread(struct wfix *f, uint32_t fd, char *out, uint32_t cap, uint32_t *n);

/* Reads a host file relative to the temp dir into a static buffer ("" when missing). */
const char *host_read(struct wfix *f, const char *rel);
bool host_exists(struct wfix *f, const char *rel);

#define RIGHTS_RW (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK \
                   | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_FILESTAT_GET)

#endif /* SL_TESTS_WASI_FIXTURE_H */
