/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_guest.c -- guest-memory helpers shared by the WASI functions: path
 * strings, iovec arrays and filestat records. All access goes through
 * abi/guest_mem.h; a bad pointer is WASI_EFAULT, never a trap.
 */
#include "sl_common.h"

#include "wasi/wasi_int.h"

#include "abi/guest_mem.h"
#include "common/mem.h"
#include "common/utf8.h"

#include <string.h>


uint16_t sl_wasi_path_copy(const struct sl_instance *inst, uint32_t ptr, uint32_t len, char **out)
{
    const uint8_t *p = sl_guest_slice(inst, ptr, len);
    if (p == NULL)
        return WASI_EFAULT;
    if (len > WASI_PATH_MAX)
        return WASI_ENAMETOOLONG;
    if (memchr(p, 0, len) != NULL)
        return WASI_EINVAL;
    if (!sl_utf8_valid(p, len))
        return WASI_EILSEQ;
    char *s = sl_malloc((size_t)len + 1);
    if (s == NULL)
        return WASI_ENOMEM;
    memcpy(s, p, len);
    s[len] = '\0';
    *out = s;
    return WASI_ESUCCESS;
}

uint16_t sl_wasi_iovecs(struct sl_instance *inst, uint32_t iovs, uint32_t n, bool for_read,
                        struct iovec **out, int *count)
{
    uint64_t bytes = (uint64_t)n * sizeof(struct wasi_iovec);
    if (bytes > UINT32_MAX || sl_guest_slice(inst, iovs, (uint32_t)bytes) == NULL)
        return WASI_EFAULT;
    uint32_t used = n < WASI_IOV_MAX ? n : WASI_IOV_MAX;
    struct iovec *v = sl_calloc(used ? used : 1, sizeof(*v));
    if (v == NULL)
        return WASI_ENOMEM;
    for (uint32_t i = 0; i < used; i++) {
        uint32_t buf, blen;
        uint32_t at = iovs + i * (uint32_t)sizeof(struct wasi_iovec);
        if (!sl_guest_load_u32(inst, at, &buf) || !sl_guest_load_u32(inst, at + 4, &blen)) {
            sl_free(v);
            return WASI_EFAULT;
        }
        void *p = for_read ? (void *)sl_guest_slice_w(inst, buf, blen)
                           : (void *)(uintptr_t)sl_guest_slice(inst, buf, blen);
        if (p == NULL) {
            sl_free(v);
            return WASI_EFAULT;
        }
        v[i].iov_base = p;
        v[i].iov_len = blen;
    }
    *out = v;
    *count = (int)used;
    return WASI_ESUCCESS;
}

static uint64_t ts_ns(struct timespec ts)
{
    if (ts.tv_sec < 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint16_t sl_wasi_store_filestat(struct sl_instance *inst, uint32_t ptr, const struct stat *st,
                                bool preview0)
{
    uint8_t ft = sl_wasi_filetype(st, -1);
    if (preview0) {
        struct wasi0_filestat f = {0};
        f.dev = (uint64_t)st->st_dev;
        f.ino = (uint64_t)st->st_ino;
        f.filetype = ft;
        f.nlink = st->st_nlink > UINT32_MAX ? UINT32_MAX : (uint32_t)st->st_nlink;
        f.size = (uint64_t)st->st_size;
        f.atim = ts_ns(st->st_atim);
        f.mtim = ts_ns(st->st_mtim);
        f.ctim = ts_ns(st->st_ctim);
        uint8_t *p = sl_guest_slice_w(inst, ptr, sizeof(f));
        if (p == NULL)
            return WASI_EFAULT;
        memcpy(p, &f, sizeof(f));
        return WASI_ESUCCESS;
    }
    struct wasi_filestat f = {0};
    f.dev = (uint64_t)st->st_dev;
    f.ino = (uint64_t)st->st_ino;
    f.filetype = ft;
    f.nlink = (uint64_t)st->st_nlink;
    f.size = (uint64_t)st->st_size;
    f.atim = ts_ns(st->st_atim);
    f.mtim = ts_ns(st->st_mtim);
    f.ctim = ts_ns(st->st_ctim);
    uint8_t *p = sl_guest_slice_w(inst, ptr, sizeof(f));
    if (p == NULL)
        return WASI_EFAULT;
    memcpy(p, &f, sizeof(f));
    return WASI_ESUCCESS;
}
