/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_dir.c -- fd_readdir. Cookies are the kernel's directory offsets
 * (getdents64 d_off, valid for lseek), so listing resumes exactly where the
 * guest stopped; the entry that does not fit is written partially and the
 * buffer reported full, which tells the guest to retry with more room.
 */
#include "sl_common.h"

#include "wasi/wasi_fns.h"

#include "abi/guest_mem.h"
#include "common/mem.h"
#include "wasi/wasi_errno.h"
#include "wasi/wasi_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes of kernel directory entries fetched per getdents64 call. */
#define DENTS_BUF 32768u

static uint8_t dtype_to_wasi(int dirfd, const struct dirent64 *d)
{
    switch (d->d_type) {
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    case DT_FIFO: return WASI_FILETYPE_UNKNOWN;
    default: {
        struct stat st;
        if (fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            return WASI_FILETYPE_UNKNOWN;
        return sl_wasi_filetype(&st, -1);
    }
    }
}

uint32_t sl_wasi_fd_readdir(struct sl_instance *inst, uint32_t fd, uint32_t buf, uint32_t buf_len,
                            uint64_t cookie, uint32_t bufused_ptr)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_READDIR, 0, &e);
    if (rc)
        return rc;
    if (e->kind != WASI_FD_DIR)
        return WASI_ENOTDIR;
    if (!sl_guest_in_bounds(inst->memory, buf, buf_len)
        || !sl_guest_in_bounds(inst->memory, bufused_ptr, 4))
        return WASI_EFAULT;
    if (cookie > INT64_MAX)
        return WASI_EINVAL;
    if (lseek(e->host, (off_t)cookie, SEEK_SET) < 0)
        return sl_wasi_errno_from_host(errno);
    char *kbuf = sl_malloc(DENTS_BUF);
    if (kbuf == NULL)
        return WASI_ENOMEM;
    uint32_t used = 0;
    while (used < buf_len) {
        ssize_t n = getdents64(e->host, kbuf, DENTS_BUF);
        if (n < 0) {
            rc = sl_wasi_errno_from_host(errno);
            break;
        }
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n && used < buf_len;) {
            const struct dirent64 *d = (const struct dirent64 *)(const void *)(kbuf + off);
            off += d->d_reclen;
            size_t namlen = strlen(d->d_name);
            struct wasi_dirent w = {0};
            w.d_next = (uint64_t)d->d_off;
            w.d_ino = (uint64_t)d->d_ino;
            w.d_namlen = (uint32_t)namlen;
            w.d_type = dtype_to_wasi(e->host, d);
            /* Header then name, each cut to what is left of the guest buffer. */
            uint32_t room = buf_len - used;
            uint32_t hl = room < sizeof(w) ? room : (uint32_t)sizeof(w);
            uint8_t *dst = sl_guest_slice_w(inst, buf + used, hl);
            if (dst == NULL) {
                rc = WASI_EFAULT;
                break;
            }
            memcpy(dst, &w, hl);
            used += hl;
            room = buf_len - used;
            uint32_t nl = room < namlen ? room : (uint32_t)namlen;
            if (nl > 0) {
                dst = sl_guest_slice_w(inst, buf + used, nl);
                if (dst == NULL) {
                    rc = WASI_EFAULT;
                    break;
                }
                memcpy(dst, d->d_name, nl);
                used += nl;
            }
        }
        if (rc)
            break;
    }
    sl_free(kbuf);
    if (rc)
        return rc;
    sl_guest_store_u32(inst, bufused_ptr, used);
    return WASI_ESUCCESS;
}
