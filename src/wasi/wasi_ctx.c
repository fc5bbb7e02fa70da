/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_ctx.c -- the per-instance WASI context: argv/environment copies, the
 * descriptor table (stdio, preopens, inherited listeners, opened files) and
 * its rights bookkeeping. No global state: every instance has its own.
 */
#include "sl_common.h"

#include "wasi/wasi.h"

#include "common/mem.h"
#include "wasi/wasi_int.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Packs n strings back to back with their NULs; false when the total exceeds 4 GiB. */
static bool pack_strings(const char *const *v, size_t n, char **buf, uint32_t *len,
                         uint32_t *count)
{
    uint64_t total = 0;
    if (n > UINT32_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        total += strlen(v[i]) + 1;
        if (total > UINT32_MAX)
            return false;
    }
    *buf = sl_malloc(total ? (size_t)total : 1);
    if (*buf == NULL)
        return false;
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(v[i]) + 1;
        memcpy(*buf + off, v[i], l);
        off += l;
    }
    *len = (uint32_t)total;
    *count = (uint32_t)n;
    return true;
}

uint64_t sl_wasi_rights_max(enum wasi_fd_kind kind, uint8_t filetype)
{
    switch (kind) {
    case WASI_FD_DIR: return WASI_RIGHTS_DIRECTORY;
    case WASI_FD_SOCKET: return WASI_RIGHTS_SOCKET;
    case WASI_FD_LISTENER: return WASI_RIGHTS_LISTENER;
    case WASI_FD_FREE: return 0;
    case WASI_FD_STDIO:
    case WASI_FD_FILE: break;
    }
    switch (filetype) {
    case WASI_FILETYPE_REGULAR_FILE:
    case WASI_FILETYPE_BLOCK_DEVICE: return WASI_RIGHTS_REGULAR_FILE;
    case WASI_FILETYPE_DIRECTORY: return WASI_RIGHTS_DIRECTORY;
    case WASI_FILETYPE_SOCKET_STREAM:
    case WASI_FILETYPE_SOCKET_DGRAM: return WASI_RIGHTS_SOCKET;
    default: return WASI_RIGHTS_STREAM;
    }
}

uint8_t sl_wasi_filetype(const struct stat *st, int fd)
{
    switch (st->st_mode & S_IFMT) {
    case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
    case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
    case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case S_IFSOCK: {
        int type = SOCK_STREAM;
        socklen_t l = sizeof(type);
        if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) == 0 && type == SOCK_DGRAM)
            return WASI_FILETYPE_SOCKET_DGRAM;
        return WASI_FILETYPE_SOCKET_STREAM;
    }
    default: return WASI_FILETYPE_UNKNOWN; /* FIFOs: WASI has no type for them */
    }
}

uint16_t sl_wasi_fdflags_of(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    uint16_t r = 0;
    if (fl < 0)
        return 0;
    if (fl & O_APPEND)
        r |= WASI_FDFLAGS_APPEND;
    if (fl & O_NONBLOCK)
        r |= WASI_FDFLAGS_NONBLOCK;
    if ((fl & O_SYNC) == O_SYNC)
        r |= WASI_FDFLAGS_SYNC;
    else if (fl & O_DSYNC)
        r |= WASI_FDFLAGS_DSYNC;
    return r;
}

static bool table_grow(struct sl_wasi_ctx *ctx, uint32_t want)
{
    if (want <= ctx->nfds)
        return true;
    uint32_t n = ctx->nfds ? ctx->nfds : 8;
    while (n < want)
        n *= 2;
    if (n > WASI_MAX_FDS)
        n = WASI_MAX_FDS;
    if (n < want)
        return false;
    struct wasi_fd *t = sl_reallocarray(ctx->fds, n, sizeof(*t));
    if (t == NULL)
        return false;
    memset(t + ctx->nfds, 0, (size_t)(n - ctx->nfds) * sizeof(*t));
    ctx->fds = t;
    ctx->nfds = n;
    return true;
}

uint16_t sl_wasi_fd_get(struct sl_wasi_ctx *ctx, uint32_t fd, uint64_t base, uint64_t inheriting,
                        struct wasi_fd **out)
{
    if (ctx == NULL || fd >= ctx->nfds || ctx->fds[fd].kind == WASI_FD_FREE)
        return WASI_EBADF;
    struct wasi_fd *e = &ctx->fds[fd];
    if ((e->rights_base & base) != base || (e->rights_inheriting & inheriting) != inheriting)
        return WASI_ENOTCAPABLE;
    *out = e;
    return WASI_ESUCCESS;
}

uint16_t sl_wasi_fd_install(struct sl_wasi_ctx *ctx, const struct wasi_fd *e, uint32_t *out)
{
    uint32_t i = 3;
    while (i < ctx->nfds && ctx->fds[i].kind != WASI_FD_FREE)
        i++;
    if (i >= WASI_MAX_FDS)
        return WASI_EMFILE;
    if (!table_grow(ctx, i + 1))
        return WASI_ENOMEM;
    ctx->fds[i] = *e;
    *out = i;
    return WASI_ESUCCESS;
}

void sl_wasi_fd_release(struct sl_wasi_ctx *ctx, uint32_t fd)
{
    if (ctx == NULL || fd >= ctx->nfds)
        return;
    struct wasi_fd *e = &ctx->fds[fd];
    if (e->kind != WASI_FD_FREE && e->owned && e->host >= 0)
        close(e->host);
    sl_free(e->preopen);
    memset(e, 0, sizeof(*e));
}

void sl_wasi_ctx_set_openat2(struct sl_wasi_ctx *ctx, bool allow)
{
    ctx->use_openat2 = allow;
}

static void add_stdio(struct sl_wasi_ctx *ctx, uint32_t slot, int host)
{
    struct stat st;
    if (host < 0 || fstat(host, &st) != 0)
        return;
    struct wasi_fd *e = &ctx->fds[slot];
    e->kind = WASI_FD_STDIO;
    e->host = host;
    e->owned = false;
    e->filetype = sl_wasi_filetype(&st, host);
    e->fdflags = sl_wasi_fdflags_of(host);
    e->rights_base = sl_wasi_rights_max(WASI_FD_STDIO, e->filetype);
    e->rights_inheriting = 0;
}

sl_err sl_wasi_ctx_new(const struct sl_wasi_config *cfg, struct sl_wasi_ctx **out,
                       struct sl_error *err)
{
    *out = NULL;
    struct sl_wasi_ctx *ctx = sl_calloc(1, sizeof(*ctx));
    if (ctx == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory creating the WASI context");
    ctx->use_openat2 = true;
    if (!pack_strings(cfg->argv, cfg->argc, &ctx->args_buf, &ctx->args_len, &ctx->argc)
        || !pack_strings(cfg->env, cfg->envc, &ctx->env_buf, &ctx->env_len, &ctx->envc)) {
        sl_wasi_ctx_free(ctx);
        return sl_error_set(err, SL_ENOMEM, "WASI arguments or environment too large");
    }
    if (!table_grow(ctx, 3)) {
        sl_wasi_ctx_free(ctx);
        return sl_error_set(err, SL_ENOMEM, "out of memory creating the WASI context");
    }
    add_stdio(ctx, 0, cfg->stdin_fd);
    add_stdio(ctx, 1, cfg->stdout_fd);
    add_stdio(ctx, 2, cfg->stderr_fd);

    for (size_t i = 0; i < cfg->npreopens; i++) {
        const struct sl_wasi_preopen *p = &cfg->preopens[i];
        int d = open(p->host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d < 0) {
            int e = errno;
            sl_wasi_ctx_free(ctx);
            return sl_error_set(err, SL_ECONFIG, "cannot open directory '%s': %s", p->host_path,
                                strerror(e));
        }
        struct wasi_fd fe = {
            .kind = WASI_FD_DIR,
            .host = d,
            .owned = true,
            .filetype = WASI_FILETYPE_DIRECTORY,
            .rights_base = WASI_RIGHTS_DIRECTORY,
            .rights_inheriting = WASI_RIGHTS_ALL,
            .preopen = sl_strdup(p->guest_path),
            .preopen_len = strlen(p->guest_path),
        };
        uint32_t slot;
        if (fe.preopen == NULL || fe.preopen_len > UINT32_MAX
            || sl_wasi_fd_install(ctx, &fe, &slot) != WASI_ESUCCESS) {
            close(d);
            sl_free(fe.preopen);
            sl_wasi_ctx_free(ctx);
            return sl_error_set(err, SL_ENOMEM, "cannot add preopened directory '%s'",
                                p->host_path);
        }
    }

    for (size_t i = 0; i < cfg->nlisten; i++) {
        int s = fcntl(cfg->listen_fds[i], F_DUPFD_CLOEXEC, 0);
        if (s < 0) {
            int e = errno;
            sl_wasi_ctx_free(ctx);
            return sl_error_set(err, SL_ECONFIG, "cannot use listening socket %d: %s",
                                cfg->listen_fds[i], strerror(e));
        }
        struct wasi_fd fe = {
            .kind = WASI_FD_LISTENER,
            .host = s,
            .owned = true,
            .filetype = WASI_FILETYPE_SOCKET_STREAM,
            .fdflags = sl_wasi_fdflags_of(s),
            .rights_base = WASI_RIGHTS_LISTENER,
            .rights_inheriting = WASI_RIGHTS_SOCKET,
        };
        uint32_t slot;
        if (sl_wasi_fd_install(ctx, &fe, &slot) != WASI_ESUCCESS) {
            close(s);
            sl_wasi_ctx_free(ctx);
            return sl_error_set(err, SL_ENOMEM, "out of memory adding a listening socket");
        }
    }
    *out = ctx;
    return SL_OK;
}

void sl_wasi_ctx_free(struct sl_wasi_ctx *ctx)
{
    if (ctx == NULL)
        return;
    for (uint32_t i = 0; i < ctx->nfds; i++)
        sl_wasi_fd_release(ctx, i);
    sl_free(ctx->fds);
    sl_free(ctx->args_buf);
    sl_free(ctx->env_buf);
    sl_free(ctx);
}
