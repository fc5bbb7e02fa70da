/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_path.c -- the path_* functions. Every path is resolved beneath the
 * directory descriptor it is relative to (wasi_resolve.c); operations that
 * act on a name resolve its parent that way and then use the *at() call on
 * the last component, so the kernel never follows a symlink on our behalf
 * unless the resolver has already proven the whole path stays inside.
 */
#include "sl_common.h"

#include "wasi/wasi_fns.h"

#include "abi/guest_mem.h"
#include "common/mem.h"
#include "wasi/wasi_errno.h"
#include "wasi/wasi_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t host_err(void)
{
    return sl_wasi_errno_from_host(errno);
}

/* A resolved "parent directory + last component" of a guest path. */
struct at {
    char *buf;        /* the guest path (owned) */
    int parent;       /* O_PATH directory fd (owned) or -1 */
    const char *name; /* inside buf */
    bool slash;       /* the path ended in '/' */
};

/* The directory descriptor fd with base rights, or an errno. */
static uint16_t dir_get(struct sl_instance *inst, uint32_t fd, uint64_t rights,
                        struct wasi_fd **out)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, 0, 0, &e);
    if (rc)
        return rc;
    if (e->kind != WASI_FD_DIR)
        return WASI_ENOTDIR;
    if ((e->rights_base & rights) != rights)
        return WASI_ENOTCAPABLE;
    *out = e;
    return WASI_ESUCCESS;
}

static uint16_t at_begin(struct sl_instance *inst, uint32_t fd, uint64_t rights, uint32_t path,
                         uint32_t path_len, struct at *a)
{
    struct wasi_fd *d;
    a->buf = NULL;
    a->parent = -1;
    uint16_t rc = dir_get(inst, fd, rights, &d);
    if (rc)
        return rc;
    rc = sl_wasi_path_copy(inst, path, path_len, &a->buf);
    if (rc)
        return rc;
    rc = sl_wasi_resolve_parent(sl_wasi_ctx_of(inst), d->host, a->buf, &a->parent, &a->name,
                                &a->slash);
    if (rc) {
        sl_free(a->buf);
        a->buf = NULL;
    }
    return rc;
}

static void at_end(struct at *a)
{
    if (a->parent >= 0)
        close(a->parent);
    sl_free(a->buf);
}

/* Opens a guest path beneath fd (rights checked) as O_PATH; follow as given. */
static uint16_t open_path(struct sl_instance *inst, uint32_t fd, uint64_t rights, uint32_t path,
                          uint32_t path_len, bool follow, int *out)
{
    struct wasi_fd *d;
    uint16_t rc = dir_get(inst, fd, rights, &d);
    if (rc)
        return rc;
    char *p;
    rc = sl_wasi_path_copy(inst, path, path_len, &p);
    if (rc)
        return rc;
    rc = sl_wasi_open_beneath(sl_wasi_ctx_of(inst), d->host, p, O_PATH, 0, follow, out);
    sl_free(p);
    return rc;
}

/* "/proc/self/fd/N": names an O_PATH object for calls that have no fd form. */
static void proc_path(char *buf, size_t len, int fd)
{
    snprintf(buf, len, "/proc/self/fd/%d", fd);
}

uint32_t sl_wasi_path_create_directory(struct sl_instance *inst, uint32_t fd, uint32_t path,
                                       uint32_t path_len)
{
    struct at a;
    uint16_t rc = at_begin(inst, fd, WASI_RIGHT_PATH_CREATE_DIRECTORY, path, path_len, &a);
    if (rc)
        return rc;
    rc = mkdirat(a.parent, a.name, 0777) == 0 ? WASI_ESUCCESS : (uint16_t)host_err();
    at_end(&a);
    return rc;
}

static uint32_t filestat_get(struct sl_instance *inst, uint32_t fd, uint32_t flags, uint32_t path,
                             uint32_t path_len, uint32_t buf, bool preview0)
{
    if (flags & ~(uint32_t)WASI_LOOKUPFLAGS_SYMLINK_FOLLOW)
        return WASI_EINVAL;
    int h;
    uint16_t rc = open_path(inst, fd, WASI_RIGHT_PATH_FILESTAT_GET, path, path_len,
                            flags & WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, &h);
    if (rc)
        return rc;
    struct stat st;
    if (fstat(h, &st) != 0)
        rc = (uint16_t)host_err();
    else
        rc = sl_wasi_store_filestat(inst, buf, &st, preview0);
    close(h);
    return rc;
}

uint32_t sl_wasi_path_filestat_get(struct sl_instance *inst, uint32_t fd, uint32_t flags,
                                   uint32_t path, uint32_t path_len, uint32_t buf)
{
    return filestat_get(inst, fd, flags, path, path_len, buf, false);
}

uint32_t sl_wasi0_path_filestat_get(struct sl_instance *inst, uint32_t fd, uint32_t flags,
                                    uint32_t path, uint32_t path_len, uint32_t buf)
{
    return filestat_get(inst, fd, flags, path, path_len, buf, true);
}

uint32_t sl_wasi_path_filestat_set_times(struct sl_instance *inst, uint32_t fd, uint32_t flags,
                                         uint32_t path, uint32_t path_len, uint64_t atim,
                                         uint64_t mtim, uint32_t fst_flags)
{
    struct timespec ts[2];
    if (flags & ~(uint32_t)WASI_LOOKUPFLAGS_SYMLINK_FOLLOW)
        return WASI_EINVAL;
    if (!sl_wasi_times(atim, mtim, fst_flags, ts))
        return WASI_EINVAL;
    uint16_t rc;
    if (!(flags & WASI_LOOKUPFLAGS_SYMLINK_FOLLOW)) {
        struct at a;
        rc = at_begin(inst, fd, WASI_RIGHT_PATH_FILESTAT_SET_TIMES, path, path_len, &a);
        if (rc)
            return rc;
        if (utimensat(a.parent, a.name, ts, AT_SYMLINK_NOFOLLOW) != 0)
            rc = (uint16_t)host_err();
        at_end(&a);
        return rc;
    }
    int h;
    rc = open_path(inst, fd, WASI_RIGHT_PATH_FILESTAT_SET_TIMES, path, path_len, true, &h);
    if (rc)
        return rc;
    /* h is the final object (never a symlink): its /proc link leads exactly there. */
    char pp[64];
    proc_path(pp, sizeof(pp), h);
    if (utimensat(AT_FDCWD, pp, ts, 0) != 0)
        rc = (uint16_t)host_err();
    close(h);
    return rc;
}

/* The errno for creating a name given with a trailing '/' (never a directory here). */
static uint16_t slash_create_err(const struct at *a)
{
    struct stat st;
    return fstatat(a->parent, a->name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? WASI_EEXIST : WASI_ENOENT;
}

uint32_t sl_wasi_path_link(struct sl_instance *inst, uint32_t old_fd, uint32_t old_flags,
                           uint32_t old_path, uint32_t old_len, uint32_t new_fd,
                           uint32_t new_path, uint32_t new_len)
{
    if (old_flags & ~(uint32_t)WASI_LOOKUPFLAGS_SYMLINK_FOLLOW)
        return WASI_EINVAL;
    struct wasi_fd *od;
    uint16_t rc = dir_get(inst, old_fd, WASI_RIGHT_PATH_LINK_SOURCE, &od);
    if (rc)
        return rc;
    struct at n;
    rc = at_begin(inst, new_fd, WASI_RIGHT_PATH_LINK_TARGET, new_path, new_len, &n);
    if (rc)
        return rc;
    if (n.slash) {
        rc = slash_create_err(&n);
        at_end(&n);
        return rc;
    }
    if (old_flags & WASI_LOOKUPFLAGS_SYMLINK_FOLLOW) {
        int h;
        rc = open_path(inst, old_fd, WASI_RIGHT_PATH_LINK_SOURCE, old_path, old_len, true, &h);
        if (rc == WASI_ESUCCESS) {
            char pp[64];
            proc_path(pp, sizeof(pp), h);
            if (linkat(AT_FDCWD, pp, n.parent, n.name, AT_SYMLINK_FOLLOW) != 0)
                rc = (uint16_t)host_err();
            close(h);
        }
    } else {
        struct at o;
        rc = at_begin(inst, old_fd, WASI_RIGHT_PATH_LINK_SOURCE, old_path, old_len, &o);
        if (rc == WASI_ESUCCESS) {
            if (o.slash)
                rc = WASI_ENOTDIR;
            else if (linkat(o.parent, o.name, n.parent, n.name, 0) != 0)
                rc = (uint16_t)host_err();
            at_end(&o);
        }
    }
    at_end(&n);
    return rc;
}

/* Rights that need the file opened for reading / writing (not O_PATH). */
#define READ_RIGHTS  (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR)
#define WRITE_RIGHTS                                                                               \
    (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE                         \
     | WASI_RIGHT_FD_FILESTAT_SET_SIZE)
#define OPEN_RIGHTS                                                                                \
    (WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_ADVISE           \
     | WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_POLL_FD_READWRITE)

uint32_t sl_wasi_path_open(struct sl_instance *inst, uint32_t fd, uint32_t dirflags,
                           uint32_t path, uint32_t path_len, uint32_t oflags, uint64_t rights_base,
                           uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_ptr)
{
    if ((dirflags & ~(uint32_t)WASI_LOOKUPFLAGS_SYMLINK_FOLLOW)
        || (oflags & ~(uint32_t)WASI_OFLAGS_ALL) || (fdflags & ~(uint32_t)WASI_FDFLAGS_ALL))
        return WASI_EINVAL;
    uint64_t need_base = WASI_RIGHT_PATH_OPEN;
    if (oflags & WASI_OFLAGS_CREAT)
        need_base |= WASI_RIGHT_PATH_CREATE_FILE;
    if (oflags & WASI_OFLAGS_TRUNC)
        need_base |= WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
    uint64_t base = rights_base & WASI_RIGHTS_ALL;
    uint64_t inh = rights_inheriting & WASI_RIGHTS_ALL;
    uint64_t need_inh = base | inh;
    if (fdflags & WASI_FDFLAGS_DSYNC)
        need_inh |= WASI_RIGHT_FD_DATASYNC;
    if (fdflags & (WASI_FDFLAGS_SYNC | WASI_FDFLAGS_RSYNC))
        need_inh |= WASI_RIGHT_FD_SYNC;

    struct wasi_fd *d;
    uint16_t rc = dir_get(inst, fd, need_base, &d);
    if (rc)
        return rc;
    if ((d->rights_inheriting & need_inh) != need_inh)
        return WASI_ENOTCAPABLE;
    if (!sl_guest_in_bounds(inst->memory, fd_ptr, 4))
        return WASI_EFAULT;

    int flags = 0;
    bool rd = base & READ_RIGHTS, wr = base & WRITE_RIGHTS;
    bool creat = oflags & (WASI_OFLAGS_CREAT | WASI_OFLAGS_TRUNC);
    if (oflags & WASI_OFLAGS_TRUNC)
        wr = true;
    bool opath = !rd && !wr && !creat && !(base & OPEN_RIGHTS);
    if (opath) {
        flags = O_PATH;
    } else {
        flags = wr ? (rd ? O_RDWR : O_WRONLY) : O_RDONLY;
        if (oflags & WASI_OFLAGS_CREAT)
            flags |= O_CREAT;
        if (oflags & WASI_OFLAGS_EXCL)
            flags |= O_EXCL;
        if (oflags & WASI_OFLAGS_TRUNC)
            flags |= O_TRUNC;
        if (fdflags & WASI_FDFLAGS_APPEND)
            flags |= O_APPEND;
        if (fdflags & WASI_FDFLAGS_DSYNC)
            flags |= O_DSYNC;
        if (fdflags & WASI_FDFLAGS_NONBLOCK)
            flags |= O_NONBLOCK;
        if (fdflags & WASI_FDFLAGS_SYNC)
            flags |= O_SYNC;
        if (fdflags & WASI_FDFLAGS_RSYNC)
            flags |= O_RSYNC;
    }
    if (oflags & WASI_OFLAGS_DIRECTORY)
        flags |= O_DIRECTORY;

    char *p;
    rc = sl_wasi_path_copy(inst, path, path_len, &p);
    if (rc)
        return rc;
    int h;
    rc = sl_wasi_open_beneath(sl_wasi_ctx_of(inst), d->host, p, flags, 0666,
                              dirflags & WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, &h);
    sl_free(p);
    if (rc)
        return rc;
    struct stat st;
    if (fstat(h, &st) != 0) {
        rc = (uint16_t)host_err();
        close(h);
        return rc;
    }
    struct wasi_fd e = {0};
    e.kind = S_ISDIR(st.st_mode) ? WASI_FD_DIR : WASI_FD_FILE;
    e.host = h;
    e.owned = true;
    e.opath = opath;
    e.filetype = sl_wasi_filetype(&st, h);
    e.fdflags = (uint16_t)fdflags;
    e.rights_base = base & sl_wasi_rights_max(e.kind, e.filetype);
    e.rights_inheriting = inh;
    uint32_t slot;
    rc = sl_wasi_fd_install(sl_wasi_ctx_of(inst), &e, &slot);
    if (rc) {
        close(h);
        return rc;
    }
    sl_guest_store_u32(inst, fd_ptr, slot);
    return WASI_ESUCCESS;
}

/* readlinkat of a resolved name into guest [buf, buf+buf_len), cut to fit. */
static uint16_t readlink_into(struct sl_instance *inst, const struct at *a, uint32_t buf,
                              uint32_t buf_len, uint32_t bufused_ptr)
{
    char *tmp = sl_malloc(WASI_PATH_MAX + 1);
    if (tmp == NULL)
        return WASI_ENOMEM;
    ssize_t n = readlinkat(a->parent, a->name, tmp, WASI_PATH_MAX + 1);
    if (n < 0) {
        uint16_t rc = (uint16_t)host_err();
        sl_free(tmp);
        return rc;
    }
    uint32_t len = (size_t)n < buf_len ? (uint32_t)n : buf_len;
    uint8_t *dst = sl_guest_slice_w(inst, buf, len);
    if (dst == NULL) {
        sl_free(tmp);
        return WASI_EFAULT;
    }
    memcpy(dst, tmp, len);
    sl_free(tmp);
    sl_guest_store_u32(inst, bufused_ptr, len);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_path_readlink(struct sl_instance *inst, uint32_t fd, uint32_t path,
                               uint32_t path_len, uint32_t buf, uint32_t buf_len,
                               uint32_t bufused_ptr)
{
    if (!sl_guest_in_bounds(inst->memory, buf, buf_len)
        || !sl_guest_in_bounds(inst->memory, bufused_ptr, 4))
        return WASI_EFAULT;
    struct at a;
    uint16_t rc = at_begin(inst, fd, WASI_RIGHT_PATH_READLINK, path, path_len, &a);
    if (rc)
        return rc;
    /* "link/" names what the link points to, never a link. */
    rc = a.slash ? WASI_ENOTDIR : readlink_into(inst, &a, buf, buf_len, bufused_ptr);
    at_end(&a);
    return rc;
}

uint32_t sl_wasi_path_remove_directory(struct sl_instance *inst, uint32_t fd, uint32_t path,
                                       uint32_t path_len)
{
    struct at a;
    uint16_t rc = at_begin(inst, fd, WASI_RIGHT_PATH_REMOVE_DIRECTORY, path, path_len, &a);
    if (rc)
        return rc;
    if (unlinkat(a.parent, a.name, AT_REMOVEDIR) != 0)
        rc = errno == EEXIST ? WASI_ENOTEMPTY : (uint16_t)host_err();
    at_end(&a);
    return rc;
}

uint32_t sl_wasi_path_rename(struct sl_instance *inst, uint32_t fd, uint32_t old_path,
                             uint32_t old_len, uint32_t new_fd, uint32_t new_path,
                             uint32_t new_len)
{
    struct at o, n;
    uint16_t rc = at_begin(inst, fd, WASI_RIGHT_PATH_RENAME_SOURCE, old_path, old_len, &o);
    if (rc)
        return rc;
    rc = at_begin(inst, new_fd, WASI_RIGHT_PATH_RENAME_TARGET, new_path, new_len, &n);
    if (rc) {
        at_end(&o);
        return rc;
    }
    if (o.slash || n.slash) {
        /* A trailing '/' on either side means the source must be a directory. */
        struct stat st;
        if (fstatat(o.parent, o.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            rc = (uint16_t)host_err();
        else if (!S_ISDIR(st.st_mode))
            rc = WASI_ENOTDIR;
    }
    if (rc == WASI_ESUCCESS && renameat(o.parent, o.name, n.parent, n.name) != 0)
        rc = (uint16_t)host_err();
    at_end(&n);
    at_end(&o);
    return rc;
}

uint32_t sl_wasi_path_symlink(struct sl_instance *inst, uint32_t old_path, uint32_t old_len,
                              uint32_t fd, uint32_t new_path, uint32_t new_len)
{
    char *target;
    uint16_t rc = sl_wasi_path_copy(inst, old_path, old_len, &target);
    if (rc)
        return rc;
    struct at a;
    rc = at_begin(inst, fd, WASI_RIGHT_PATH_SYMLINK, new_path, new_len, &a);
    if (rc) {
        sl_free(target);
        return rc;
    }
    if (target[0] == '\0')
        rc = WASI_ENOENT;
    else if (target[0] == '/')
        rc = WASI_ENOTCAPABLE; /* could only ever point outside the sandbox */
    else if (a.slash)
        rc = slash_create_err(&a);
    else if (symlinkat(target, a.parent, a.name) != 0)
        rc = (uint16_t)host_err();
    at_end(&a);
    sl_free(target);
    return rc;
}

uint32_t sl_wasi_path_unlink_file(struct sl_instance *inst, uint32_t fd, uint32_t path,
                                  uint32_t path_len)
{
    struct at a;
    uint16_t rc = at_begin(inst, fd, WASI_RIGHT_PATH_UNLINK_FILE, path, path_len, &a);
    if (rc)
        return rc;
    if (a.slash) {
        struct stat st;
        if (fstatat(a.parent, a.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            rc = (uint16_t)host_err();
        else
            rc = S_ISDIR(st.st_mode) ? WASI_EISDIR : WASI_ENOTDIR;
    } else if (unlinkat(a.parent, a.name, 0) != 0) {
        rc = (uint16_t)host_err();
    }
    at_end(&a);
    return rc;
}
