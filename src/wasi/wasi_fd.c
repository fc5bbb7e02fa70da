/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_fd.c -- the fd_* functions that act on an open descriptor: read,
 * write, seek, stat, flags, rights, sync, advise, allocate, close, renumber
 * and the preopen queries. Directory listing is in wasi_dir.c; anything
 * that takes a path is in wasi_path.c.
 */
#include "sl_common.h"

#include "wasi/wasi_fns.h"

#include "abi/guest_mem.h"
#include "common/mem.h"
#include "wasi/wasi_errno.h"
#include "wasi/wasi_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static uint32_t host_err(void)
{
    return sl_wasi_errno_from_host(errno);
}

uint32_t sl_wasi_fd_advise(struct sl_instance *inst, uint32_t fd, uint64_t offset, uint64_t len,
                           uint32_t advice)
{
    static const int map[] = {
        [WASI_ADVICE_NORMAL] = POSIX_FADV_NORMAL,     [WASI_ADVICE_SEQUENTIAL] = POSIX_FADV_SEQUENTIAL,
        [WASI_ADVICE_RANDOM] = POSIX_FADV_RANDOM,     [WASI_ADVICE_WILLNEED] = POSIX_FADV_WILLNEED,
        [WASI_ADVICE_DONTNEED] = POSIX_FADV_DONTNEED, [WASI_ADVICE_NOREUSE] = POSIX_FADV_NOREUSE,
    };
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_ADVISE, 0, &e);
    if (rc)
        return rc;
    if (advice >= SL_ARRAY_SIZE(map) || offset > INT64_MAX || len > INT64_MAX)
        return WASI_EINVAL;
    if (e->filetype == WASI_FILETYPE_DIRECTORY)
        return WASI_EBADF;
    int r = posix_fadvise(e->host, (off_t)offset, (off_t)len, map[advice]);
    /* Advice is only a hint: pipes and the like succeed silently. */
    if (r == ESPIPE)
        return WASI_ESUCCESS;
    return sl_wasi_errno_from_host(r);
}

uint32_t sl_wasi_fd_allocate(struct sl_instance *inst, uint32_t fd, uint64_t offset,
                             uint64_t len)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_ALLOCATE, 0, &e);
    if (rc)
        return rc;
    if (offset > INT64_MAX || len > INT64_MAX || offset + len > INT64_MAX)
        return WASI_EFBIG;
    if (len == 0)
        return WASI_EINVAL;
    int r = posix_fallocate(e->host, (off_t)offset, (off_t)len);
    return sl_wasi_errno_from_host(r);
}

uint32_t sl_wasi_fd_close(struct sl_instance *inst, uint32_t fd)
{
    struct sl_wasi_ctx *ctx = sl_wasi_ctx_of(inst);
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(ctx, fd, 0, 0, &e);
    if (rc)
        return rc;
    sl_wasi_fd_release(ctx, fd);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_fd_datasync(struct sl_instance *inst, uint32_t fd)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_DATASYNC, 0, &e);
    if (rc)
        return rc;
    return fdatasync(e->host) == 0 ? WASI_ESUCCESS : host_err();
}

uint32_t sl_wasi_fd_sync(struct sl_instance *inst, uint32_t fd)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_SYNC, 0, &e);
    if (rc)
        return rc;
    return fsync(e->host) == 0 ? WASI_ESUCCESS : host_err();
}

uint32_t sl_wasi_fd_fdstat_get(struct sl_instance *inst, uint32_t fd, uint32_t buf)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, 0, 0, &e);
    if (rc)
        return rc;
    struct wasi_fdstat st = {0};
    st.fs_filetype = e->filetype;
    st.fs_flags = e->fdflags;
    st.fs_rights_base = e->rights_base;
    st.fs_rights_inheriting = e->rights_inheriting;
    uint8_t *p = sl_guest_slice_w(inst, buf, sizeof(st));
    if (p == NULL)
        return WASI_EFAULT;
    memcpy(p, &st, sizeof(st));
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_fd_fdstat_set_flags(struct sl_instance *inst, uint32_t fd, uint32_t flags)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_FDSTAT_SET_FLAGS, 0, &e);
    if (rc)
        return rc;
    if (flags & ~(uint32_t)WASI_FDFLAGS_ALL)
        return WASI_EINVAL;
    /* Linux cannot change the sync flags of an open file. */
    uint32_t sync = WASI_FDFLAGS_DSYNC | WASI_FDFLAGS_RSYNC | WASI_FDFLAGS_SYNC;
    if ((flags & sync) != (e->fdflags & sync))
        return WASI_ENOTSUP;
    if (e->opath)
        return WASI_EBADF;
    int fl = fcntl(e->host, F_GETFL);
    if (fl < 0)
        return host_err();
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (flags & WASI_FDFLAGS_APPEND)
        fl |= O_APPEND;
    if (flags & WASI_FDFLAGS_NONBLOCK)
        fl |= O_NONBLOCK;
    if (fcntl(e->host, F_SETFL, fl) != 0)
        return host_err();
    e->fdflags = (uint16_t)flags;
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_fd_fdstat_set_rights(struct sl_instance *inst, uint32_t fd, uint64_t base,
                                      uint64_t inheriting)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, 0, 0, &e);
    if (rc)
        return rc;
    /* Rights can only be dropped. */
    if ((base & ~e->rights_base) != 0 || (inheriting & ~e->rights_inheriting) != 0)
        return WASI_ENOTCAPABLE;
    e->rights_base = base;
    e->rights_inheriting = inheriting;
    return WASI_ESUCCESS;
}

static uint32_t filestat_get(struct sl_instance *inst, uint32_t fd, uint32_t buf, bool preview0)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_FILESTAT_GET, 0, &e);
    if (rc)
        return rc;
    struct stat st;
    if (fstat(e->host, &st) != 0)
        return host_err();
    return sl_wasi_store_filestat(inst, buf, &st, preview0);
}

uint32_t sl_wasi_fd_filestat_get(struct sl_instance *inst, uint32_t fd, uint32_t buf)
{
    return filestat_get(inst, fd, buf, false);
}

uint32_t sl_wasi0_fd_filestat_get(struct sl_instance *inst, uint32_t fd, uint32_t buf)
{
    return filestat_get(inst, fd, buf, true);
}

uint32_t sl_wasi_fd_filestat_set_size(struct sl_instance *inst, uint32_t fd, uint64_t size)
{
    struct wasi_fd *e;
    uint16_t rc =
        sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_FILESTAT_SET_SIZE, 0, &e);
    if (rc)
        return rc;
    if (size > INT64_MAX)
        return WASI_EFBIG;
    return ftruncate(e->host, (off_t)size) == 0 ? WASI_ESUCCESS : host_err();
}

bool sl_wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2])
{
    if (fst & ~(uint32_t)WASI_FSTFLAGS_ALL)
        return false;
    if ((fst & WASI_FSTFLAGS_ATIM) && (fst & WASI_FSTFLAGS_ATIM_NOW))
        return false;
    if ((fst & WASI_FSTFLAGS_MTIM) && (fst & WASI_FSTFLAGS_MTIM_NOW))
        return false;
    uint64_t t[2] = {atim, mtim};
    uint32_t set[2] = {WASI_FSTFLAGS_ATIM, WASI_FSTFLAGS_MTIM};
    uint32_t now[2] = {WASI_FSTFLAGS_ATIM_NOW, WASI_FSTFLAGS_MTIM_NOW};
    for (int i = 0; i < 2; i++) {
        if (fst & now[i]) {
            ts[i].tv_sec = 0;
            ts[i].tv_nsec = UTIME_NOW;
        } else if (fst & set[i]) {
            ts[i].tv_sec = (time_t)(t[i] / 1000000000u);
            ts[i].tv_nsec = (long)(t[i] % 1000000000u);
        } else {
            ts[i].tv_sec = 0;
            ts[i].tv_nsec = UTIME_OMIT;
        }
    }
    return true;
}

uint32_t sl_wasi_fd_filestat_set_times(struct sl_instance *inst, uint32_t fd, uint64_t atim,
                                       uint64_t mtim, uint32_t fst_flags)
{
    struct wasi_fd *e;
    uint16_t rc =
        sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_FILESTAT_SET_TIMES, 0, &e);
    if (rc)
        return rc;
    struct timespec ts[2];
    if (!sl_wasi_times(atim, mtim, fst_flags, ts))
        return WASI_EINVAL;
    if (futimens(e->host, ts) == 0)
        return WASI_ESUCCESS;
    if (errno == EBADF && e->opath) {
        /* An O_PATH descriptor: name the object through its /proc link. */
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", e->host);
        if (utimensat(AT_FDCWD, path, ts, 0) == 0)
            return WASI_ESUCCESS;
    }
    return host_err();
}

typedef ssize_t (*rw_fn)(int fd, const struct iovec *iov, int n, off_t off);

static ssize_t do_preadv(int fd, const struct iovec *iov, int n, off_t off)
{
    return preadv(fd, iov, n, off);
}

static ssize_t do_pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
    return pwritev(fd, iov, n, off);
}

static ssize_t do_readv(int fd, const struct iovec *iov, int n, off_t off)
{
    (void)off;
    return readv(fd, iov, n);
}

static ssize_t do_writev(int fd, const struct iovec *iov, int n, off_t off)
{
    (void)off;
    return writev(fd, iov, n);
}

/* Common body of fd_read/fd_write/fd_pread/fd_pwrite. */
static uint32_t rw(struct sl_instance *inst, uint32_t fd, uint64_t rights, uint32_t iovs,
                   uint32_t iovs_len, uint64_t offset, uint32_t result_ptr, bool into_guest,
                   rw_fn fn)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, rights, 0, &e);
    if (rc)
        return rc;
    if (offset > INT64_MAX)
        return WASI_EINVAL;
    if (e->filetype == WASI_FILETYPE_DIRECTORY)
        return WASI_EISDIR;
    if (!sl_guest_in_bounds(inst->memory, result_ptr, 4))
        return WASI_EFAULT;
    struct iovec *v;
    int n;
    rc = sl_wasi_iovecs(inst, iovs, iovs_len, into_guest, &v, &n);
    if (rc)
        return rc;
    ssize_t r;
    do {
        r = fn(e->host, v, n, (off_t)offset);
    } while (r < 0 && errno == EINTR);
    int saved = errno;
    sl_free(v);
    if (r < 0)
        return sl_wasi_errno_from_host(saved);
    /* The iovecs may add up to more than 4 GiB; the guest's size type cannot say more. */
    uint32_t count = r > (ssize_t)UINT32_MAX ? UINT32_MAX : (uint32_t)r;
    sl_guest_store_u32(inst, result_ptr, count);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_fd_read(struct sl_instance *inst, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                         uint32_t nread_ptr)
{
    return rw(inst, fd, WASI_RIGHT_FD_READ, iovs, iovs_len, 0, nread_ptr, true, do_readv);
}

uint32_t sl_wasi_fd_write(struct sl_instance *inst, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                          uint32_t nwritten_ptr)
{
    return rw(inst, fd, WASI_RIGHT_FD_WRITE, iovs, iovs_len, 0, nwritten_ptr, false, do_writev);
}

uint32_t sl_wasi_fd_pread(struct sl_instance *inst, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                          uint64_t offset, uint32_t nread_ptr)
{
    return rw(inst, fd, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK, iovs, iovs_len, offset,
              nread_ptr, true, do_preadv);
}

uint32_t sl_wasi_fd_pwrite(struct sl_instance *inst, uint32_t fd, uint32_t iovs,
                           uint32_t iovs_len, uint64_t offset, uint32_t nwritten_ptr)
{
    return rw(inst, fd, WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK, iovs, iovs_len, offset,
              nwritten_ptr, false, do_pwritev);
}

uint32_t sl_wasi_fd_prestat_get(struct sl_instance *inst, uint32_t fd, uint32_t buf)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, 0, 0, &e);
    if (rc)
        return rc;
    /* wasi-libc scans upward from fd 3 until EBADF: anything else ends the scan too. */
    if (e->preopen == NULL)
        return WASI_EBADF;
    struct wasi_prestat ps = {0};
    ps.tag = WASI_PREOPENTYPE_DIR;
    ps.pr_name_len = (uint32_t)e->preopen_len;
    uint8_t *p = sl_guest_slice_w(inst, buf, sizeof(ps));
    if (p == NULL)
        return WASI_EFAULT;
    memcpy(p, &ps, sizeof(ps));
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_fd_prestat_dir_name(struct sl_instance *inst, uint32_t fd, uint32_t path,
                                     uint32_t path_len)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, 0, 0, &e);
    if (rc)
        return rc;
    if (e->preopen == NULL)
        return WASI_EBADF;
    if (path_len < e->preopen_len)
        return WASI_ENAMETOOLONG;
    uint8_t *p = sl_guest_slice_w(inst, path, (uint32_t)e->preopen_len);
    if (p == NULL)
        return WASI_EFAULT;
    memcpy(p, e->preopen, e->preopen_len);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_fd_renumber(struct sl_instance *inst, uint32_t fd, uint32_t to)
{
    struct sl_wasi_ctx *ctx = sl_wasi_ctx_of(inst);
    struct wasi_fd *from_e, *to_e;
    uint16_t rc = sl_wasi_fd_get(ctx, fd, 0, 0, &from_e);
    if (rc)
        return rc;
    rc = sl_wasi_fd_get(ctx, to, 0, 0, &to_e);
    if (rc)
        return rc;
    if (fd == to)
        return WASI_ESUCCESS;
    sl_wasi_fd_release(ctx, to);
    ctx->fds[to] = ctx->fds[fd];
    memset(&ctx->fds[fd], 0, sizeof(ctx->fds[fd]));
    return WASI_ESUCCESS;
}

static uint32_t seek(struct sl_instance *inst, uint32_t fd, uint64_t offset, int whence,
                     uint32_t newoffset_ptr)
{
    /* fd_seek(0, CUR) is how tell is spelled: FD_TELL suffices for it. */
    uint64_t need = (offset == 0 && whence == SEEK_CUR) ? WASI_RIGHT_FD_TELL : WASI_RIGHT_FD_SEEK;
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, need, 0, &e);
    if (rc == WASI_ENOTCAPABLE && need == WASI_RIGHT_FD_TELL)
        rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_SEEK, 0, &e);
    if (rc)
        return rc;
    if (!sl_guest_in_bounds(inst->memory, newoffset_ptr, 8))
        return WASI_EFAULT;
    off_t r = lseek(e->host, (off_t)(int64_t)offset, whence);
    if (r < 0)
        return host_err();
    sl_guest_store_u64(inst, newoffset_ptr, (uint64_t)r);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_fd_seek(struct sl_instance *inst, uint32_t fd, uint64_t offset, uint32_t whence,
                         uint32_t newoffset_ptr)
{
    switch (whence) {
    case WASI_WHENCE_SET: return seek(inst, fd, offset, SEEK_SET, newoffset_ptr);
    case WASI_WHENCE_CUR: return seek(inst, fd, offset, SEEK_CUR, newoffset_ptr);
    case WASI_WHENCE_END: return seek(inst, fd, offset, SEEK_END, newoffset_ptr);
    default: return WASI_EINVAL;
    }
}

uint32_t sl_wasi0_fd_seek(struct sl_instance *inst, uint32_t fd, uint64_t offset, uint32_t whence,
                          uint32_t newoffset_ptr)
{
    switch (whence) {
    case WASI0_WHENCE_SET: return seek(inst, fd, offset, SEEK_SET, newoffset_ptr);
    case WASI0_WHENCE_CUR: return seek(inst, fd, offset, SEEK_CUR, newoffset_ptr);
    case WASI0_WHENCE_END: return seek(inst, fd, offset, SEEK_END, newoffset_ptr);
    default: return WASI_EINVAL;
    }
}

uint32_t sl_wasi_fd_tell(struct sl_instance *inst, uint32_t fd, uint32_t offset_ptr)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_TELL, 0, &e);
    if (rc)
        return rc;
    if (!sl_guest_in_bounds(inst->memory, offset_ptr, 8))
        return WASI_EFAULT;
    off_t r = lseek(e->host, 0, SEEK_CUR);
    if (r < 0)
        return host_err();
    sl_guest_store_u64(inst, offset_ptr, (uint64_t)r);
    return WASI_ESUCCESS;
}
