/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_resolve.c -- sandboxed path resolution below a preopened directory.
 * openat2(RESOLVE_BENEATH) does it in the kernel when available; otherwise a
 * component-by-component walk (O_PATH|O_NOFOLLOW per step, symlinks expanded
 * by hand, ".." answered from our own stack of directory fds) does the same.
 * Neither ever hands the kernel a path it could resolve outside the sandbox.
 */
#include "sl_common.h"

#include "wasi/wasi_int.h"

#include "common/mem.h"
#include "wasi/wasi_errno.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* Resolution attempts when openat2 reports a concurrent rename (EAGAIN). */
#define OPENAT2_RETRIES 8

/* Directory fds held by one walk: [0] is the starting directory (not owned). */
struct walk_stack {
    int *fds;
    size_t n, cap;
};

static bool stack_push(struct walk_stack *s, int fd)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        int *f = sl_reallocarray(s->fds, cap, sizeof(*f));
        if (f == NULL)
            return false;
        s->fds = f;
        s->cap = cap;
    }
    s->fds[s->n++] = fd;
    return true;
}

static void stack_free(struct walk_stack *s)
{
    for (size_t i = 1; i < s->n; i++)
        close(s->fds[i]);
    sl_free(s->fds);
}

/*
 * Replaces the walk's remaining path with target + "/" + rest (rest may be
 * empty; trailing keeps a final '/'). Frees the old buffer.
 */
static uint16_t path_splice(char **buf, const char *target, size_t tlen, const char *rest)
{
    size_t rlen = strlen(rest);
    if (tlen + rlen + 2 > 16 * WASI_PATH_MAX)
        return WASI_ENAMETOOLONG;
    char *n = sl_malloc(tlen + rlen + 2);
    if (n == NULL)
        return WASI_ENOMEM;
    memcpy(n, target, tlen);
    size_t at = tlen;
    if (rlen > 0) {
        n[at++] = '/';
        memcpy(n + at, rest, rlen);
        at += rlen;
    }
    n[at] = '\0';
    sl_free(*buf);
    *buf = n;
    return WASI_ESUCCESS;
}

/* Reads the target of symlink (dirfd, name); name "" reads an O_PATH fd itself. */
static uint16_t read_link(int dirfd, const char *name, char *out, size_t cap, size_t *len)
{
    ssize_t n = readlinkat(dirfd, name, out, cap);
    if (n < 0)
        return sl_wasi_errno_from_host(errno);
    if ((size_t)n >= cap)
        return WASI_ENAMETOOLONG;
    *len = (size_t)n;
    if (n == 0)
        return WASI_ENOENT;
    if (out[0] == '/')
        return WASI_ENOTCAPABLE;
    return WASI_ESUCCESS;
}

/* The component walk. See sl_wasi_open_beneath. */
static uint16_t walk_open(int dirfd, const char *path, int flags, mode_t mode, bool follow,
                          int *out)
{
    if (path[0] == '/')
        return WASI_ENOTCAPABLE;
    if (path[0] == '\0')
        return WASI_ENOENT;
    struct walk_stack st = {0};
    char *buf = sl_strdup(path);
    char *link = sl_malloc(WASI_PATH_MAX + 1);
    uint16_t rc = WASI_ESUCCESS;
    unsigned hops = 0;
    size_t pos = 0;
    if (buf == NULL || link == NULL || !stack_push(&st, dirfd)) {
        rc = WASI_ENOMEM;
        goto done;
    }
    for (;;) {
        int top = st.fds[st.n - 1];
        while (buf[pos] == '/')
            pos++;
        if (buf[pos] == '\0') {
            /* The path ended at a directory ("", "x/", "x/."): open that directory. */
            if (flags & O_CREAT) {
                rc = WASI_EISDIR;
                goto done;
            }
            int dflags = (flags & ~(O_NOFOLLOW | O_TRUNC)) | O_DIRECTORY | O_CLOEXEC;
            int fd = openat(top, ".", dflags);
            if (fd < 0)
                rc = sl_wasi_errno_from_host(errno);
            else
                *out = fd;
            goto done;
        }
        char *comp = buf + pos;
        size_t clen = strcspn(comp, "/");
        char *after = comp + clen;
        bool slash_after = *after == '/';
        size_t skip = 0;
        while (after[skip] == '/')
            skip++;
        bool last = after[skip] == '\0';
        if (slash_after)
            *after = '\0';
        pos = (size_t)(after - buf) + skip;

        if (strcmp(comp, ".") == 0)
            continue; /* when last, pos is at the end: the top directory is opened */
        if (strcmp(comp, "..") == 0) {
            if (st.n == 1) {
                rc = WASI_ENOTCAPABLE;
                goto done;
            }
            close(st.fds[--st.n]);
            continue;
        }
        if (!last || slash_after) {
            /* An intermediate component (or a final one with '/'): must be a directory. */
            int fd = openat(top, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                rc = sl_wasi_errno_from_host(errno);
                goto done;
            }
            struct stat sb;
            if (fstat(fd, &sb) != 0) {
                rc = sl_wasi_errno_from_host(errno);
                close(fd);
                goto done;
            }
            if (S_ISLNK(sb.st_mode)) {
                size_t tlen = 0;
                if (++hops > WASI_MAX_SYMLINKS) {
                    close(fd);
                    rc = WASI_ELOOP;
                    goto done;
                }
                rc = read_link(fd, "", link, WASI_PATH_MAX + 1, &tlen);
                close(fd);
                if (rc)
                    goto done;
                /* A final "x/" keeps its slash so the target must be a directory. */
                rc = path_splice(&buf, link, tlen, last ? "/" : buf + pos);
                if (rc)
                    goto done;
                pos = 0;
                continue;
            }
            if (!S_ISDIR(sb.st_mode)) {
                close(fd);
                rc = WASI_ENOTDIR;
                goto done;
            }
            if (!stack_push(&st, fd)) {
                close(fd);
                rc = WASI_ENOMEM;
                goto done;
            }
            continue;
        }
        /* The last component. O_NOFOLLOW always: we follow by hand, below. */
        int fd = openat(top, comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd >= 0 && follow && (flags & O_PATH)) {
            struct stat sb;
            if (fstat(fd, &sb) == 0 && S_ISLNK(sb.st_mode)) {
                close(fd);
                fd = -1;
                errno = ELOOP;
            }
        }
        if (fd >= 0) {
            *out = fd;
            goto done;
        }
        int e = errno;
        if (!follow || (e != ELOOP && e != ENOTDIR)
            || (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
            rc = sl_wasi_errno_from_host(e);
            goto done;
        }
        size_t tlen = 0;
        rc = read_link(top, comp, link, WASI_PATH_MAX + 1, &tlen);
        if (rc == WASI_EINVAL) {
            rc = sl_wasi_errno_from_host(e); /* not a symlink after all */
            goto done;
        }
        if (rc)
            goto done;
        if (++hops > WASI_MAX_SYMLINKS) {
            rc = WASI_ELOOP;
            goto done;
        }
        rc = path_splice(&buf, link, tlen, "");
        if (rc)
            goto done;
        pos = 0;
    }
done:
    stack_free(&st);
    sl_free(buf);
    sl_free(link);
    return rc;
}

static uint16_t openat2_open(int dirfd, const char *path, int flags, mode_t mode, bool follow,
                             int *out, bool *unsupported)
{
    struct open_how how = {0};
    how.flags = (uint64_t)(unsigned)(flags | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
    how.mode = (flags & O_CREAT) ? (uint64_t)mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    for (int i = 0; i < OPENAT2_RETRIES; i++) {
        long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
        if (fd >= 0) {
            *out = (int)fd;
            return WASI_ESUCCESS;
        }
        if (errno == EAGAIN || errno == EINTR)
            continue;
        if (errno == ENOSYS || errno == EPERM) {
            /* No openat2 (old kernel, or a seccomp filter that refuses it). */
            *unsupported = true;
            return WASI_ENOSYS;
        }
        if (errno == EXDEV)
            return WASI_ENOTCAPABLE;
        return sl_wasi_errno_from_host(errno);
    }
    *unsupported = true; /* keeps racing: let the walk answer */
    return WASI_EAGAIN;
}

uint16_t sl_wasi_open_beneath(const struct sl_wasi_ctx *ctx, int dirfd, const char *path,
                              int flags, mode_t mode, bool follow, int *out)
{
    if (path[0] == '/')
        return WASI_ENOTCAPABLE;
    if (path[0] == '\0')
        return WASI_ENOENT;
    if (ctx->use_openat2) {
        bool unsupported = false;
        uint16_t rc = openat2_open(dirfd, path, flags, mode, follow, out, &unsupported);
        if (!unsupported)
            return rc;
    }
    return walk_open(dirfd, path, flags, mode, follow, out);
}

uint16_t sl_wasi_resolve_parent(const struct sl_wasi_ctx *ctx, int dirfd, char *path, int *parent,
                                const char **name, bool *trailing_slash)
{
    size_t len = strlen(path);
    if (len == 0)
        return WASI_ENOENT;
    if (path[0] == '/')
        return WASI_ENOTCAPABLE;
    *trailing_slash = false;
    while (len > 1 && path[len - 1] == '/') {
        path[--len] = '\0';
        *trailing_slash = true;
    }
    char *slash = strrchr(path, '/');
    char *last = slash ? slash + 1 : path;
    if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
        /* "x/.." names a directory we can only reach by resolving all of it. */
        int fd;
        uint16_t rc = sl_wasi_open_beneath(ctx, dirfd, path, O_PATH | O_DIRECTORY, 0, true, &fd);
        if (rc)
            return rc;
        *parent = fd;
        *name = ".";
        return WASI_ESUCCESS;
    }
    if (slash == NULL) {
        int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
        if (fd < 0)
            return sl_wasi_errno_from_host(errno);
        *parent = fd;
        *name = last;
        return WASI_ESUCCESS;
    }
    *slash = '\0';
    int fd;
    uint16_t rc = sl_wasi_open_beneath(ctx, dirfd, path, O_PATH | O_DIRECTORY, 0, true, &fd);
    if (rc)
        return rc;
    *parent = fd;
    *name = last;
    return WASI_ESUCCESS;
}
