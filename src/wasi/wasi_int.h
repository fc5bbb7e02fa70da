/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_int.h -- shared only among the files of src/wasi/ (and the WASI unit
 * tests): the per-instance context, its descriptor table, sandboxed path
 * resolution and the guest-memory helpers every WASI function uses.
 */
#ifndef SL_WASI_WASI_INT_H
#define SL_WASI_WASI_INT_H

#include "sl_common.h"

#include "engine/instance.h"
#include "wasi/wasi.h"
#include "wasi/wasi_types.h"

#include <sys/stat.h>
#include <sys/uio.h>

enum wasi_fd_kind {
    WASI_FD_FREE = 0,
    WASI_FD_STDIO,    /* inherited host fd 0/1/2 (never closed by us) */
    WASI_FD_FILE,     /* anything path_open opened that is not a directory */
    WASI_FD_DIR,      /* a directory (preopens included) */
    WASI_FD_SOCKET,   /* a connected socket from sock_accept */
    WASI_FD_LISTENER, /* an inherited listening socket (--tcplisten) */
};

/* One guest descriptor. */
struct wasi_fd {
    enum wasi_fd_kind kind;
    int host;          /* host descriptor */
    bool owned;        /* closed when the guest descriptor goes away */
    bool opath;        /* opened O_PATH (no access rights were asked for) */
    uint8_t filetype;  /* WASI_FILETYPE_* */
    uint16_t fdflags;  /* WASI_FDFLAGS_* as last set */
    uint64_t rights_base;
    uint64_t rights_inheriting;
    char *preopen;     /* guest name of a preopened directory (owned), else NULL */
    size_t preopen_len;
};

/* Upper bound of the descriptor table: the guest gets EMFILE beyond it. */
#define WASI_MAX_FDS 16384u
/* Longest path accepted from a guest, in bytes. */
#define WASI_PATH_MAX 4096u
/* Most iovecs used in one read/write call (Linux IOV_MAX); extra ones are ignored. */
#define WASI_IOV_MAX 1024u
/* Symlinks followed during one resolution before ELOOP (Linux's limit). */
#define WASI_MAX_SYMLINKS 40u

struct sl_wasi_ctx {
    char *args_buf;      /* argv strings, each NUL-terminated, back to back */
    uint32_t args_len;   /* bytes in args_buf */
    uint32_t argc;
    char *env_buf;
    uint32_t env_len;
    uint32_t envc;
    struct wasi_fd *fds; /* index = guest descriptor */
    uint32_t nfds;       /* allocated slots */
    bool use_openat2;    /* false: component-by-component walk */
};

/* The context of inst, or NULL (then every fd is EBADF). */
static inline struct sl_wasi_ctx *sl_wasi_ctx_of(const struct sl_instance *inst)
{
    return inst->wasi;
}

/*
 * Finds guest descriptor fd of ctx and checks that it holds every right in
 * base and inheriting. Returns WASI_ESUCCESS with *out set, WASI_EBADF, or
 * WASI_ENOTCAPABLE.
 */
uint16_t sl_wasi_fd_get(struct sl_wasi_ctx *ctx, uint32_t fd, uint64_t base, uint64_t inheriting,
                        struct wasi_fd **out);

/*
 * Installs e in the lowest free slot >= 3 and returns its number in *out.
 * On success the table owns e's preopen name and (if owned) host fd; on
 * failure (WASI_ENOMEM, WASI_EMFILE) nothing is taken.
 */
uint16_t sl_wasi_fd_install(struct sl_wasi_ctx *ctx, const struct wasi_fd *e, uint32_t *out);

/* Releases slot fd (closes the host fd when owned). */
void sl_wasi_fd_release(struct sl_wasi_ctx *ctx, uint32_t fd);

/* Rights a descriptor of this filetype/kind can hold at most. */
uint64_t sl_wasi_rights_max(enum wasi_fd_kind kind, uint8_t filetype);

/* WASI filetype of a host object (st from fstat; fd to ask sockets for their type or -1). */
uint8_t sl_wasi_filetype(const struct stat *st, int fd);

/* WASI fdflags of host fd (from F_GETFL). */
uint16_t sl_wasi_fdflags_of(int fd);

/*
 * Writes st to guest memory at ptr in the preview 1 layout (64 bytes), or
 * in the preview 0 layout (56 bytes, 32-bit nlink) when preview0.
 * WASI_EFAULT when out of bounds.
 */
uint16_t sl_wasi_store_filestat(struct sl_instance *inst, uint32_t ptr, const struct stat *st,
                                bool preview0);

/*
 * Copies the guest path [ptr, ptr+len) into a new NUL-terminated host string
 * (*out, freed with sl_free). WASI_EFAULT (out of bounds), WASI_ENAMETOOLONG
 * (longer than WASI_PATH_MAX), WASI_EILSEQ (not UTF-8), WASI_EINVAL (contains
 * NUL), WASI_ENOMEM.
 */
uint16_t sl_wasi_path_copy(const struct sl_instance *inst, uint32_t ptr, uint32_t len, char **out);

/*
 * Turns the guest iovec array [iovs, iovs + 8*n) into host iovecs (at most
 * WASI_IOV_MAX of them) pointing into guest memory; writable when for_read
 * (the host will write into them). *out is freed with sl_free. WASI_EFAULT
 * when the array or any buffer is out of bounds, WASI_ENOMEM.
 */
uint16_t sl_wasi_iovecs(struct sl_instance *inst, uint32_t iovs, uint32_t n, bool for_read,
                        struct iovec **out, int *count);

/*
 * Sandboxed path resolution (wasi_resolve.c). Nothing reachable from dirfd
 * through path may lie outside dirfd: absolute paths, ".." above dirfd and
 * symlinks leading out fail with WASI_ENOTCAPABLE.
 *
 * sl_wasi_open_beneath opens path below dirfd with open(2) flags (O_CLOEXEC is
 * added) and mode; follow says whether a symlink in the last component is
 * followed. On success *out is a new host fd owned by the caller.
 */
uint16_t sl_wasi_open_beneath(const struct sl_wasi_ctx *ctx, int dirfd, const char *path,
                              int flags, mode_t mode, bool follow, int *out);

/*
 * The parent of the object path names, for operations that act on the last
 * component with an *at() call. path is modified (split in place). On
 * success *parent is a new O_PATH directory fd (caller closes it), *name a
 * single component inside path (never empty, never "..": "x/.." and "x/."
 * come back as the directory itself with name "."), and *trailing_slash
 * tells whether path ended in '/'. WASI_ENOENT for an empty path.
 */
uint16_t sl_wasi_resolve_parent(const struct sl_wasi_ctx *ctx, int dirfd, char *path, int *parent,
                                const char **name, bool *trailing_slash);

/* Test hook: force the component walk (false) or allow openat2 again (true). */
void sl_wasi_ctx_set_openat2(struct sl_wasi_ctx *ctx, bool allow);

/* utimensat times from WASI (atim, mtim, fst_flags); false when the flags are invalid. */
bool sl_wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]);

/* Clock helpers shared with poll_oneoff: map a WASI clock id, read it in ns. */
bool sl_wasi_clockid_host(uint32_t id, int *out);
uint16_t sl_wasi_clock_now(uint32_t id, uint64_t *out);

#endif /* SL_WASI_WASI_INT_H */
