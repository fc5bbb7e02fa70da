/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fs.c -- whole-file reads, atomic writes and mkdir -p.
 */
#include "sl_common.h"

#include "fs.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

sl_err sl_fs_read_file(const char *path, struct sl_buf *out, struct sl_error *err)
{
    struct stat st;
    return sl_fs_read_file_stat(path, out, &st, err);
}

sl_err sl_fs_read_file_stat(const char *path, struct sl_buf *out, struct stat *stp,
                            struct sl_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sl_error_set(err, errno == ENOENT ? SL_ENOTFOUND : SL_EIO, "cannot open '%s': %s",
                            path, strerror(errno));
    struct stat st;
    memset(&st, 0, sizeof(st));
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return sl_error_set(err, SL_EIO, "cannot stat '%s': %s", path, strerror(e));
    }
    *stp = st;
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return sl_error_set(err, SL_EIO, "cannot read '%s': is a directory", path);
    }
    if (st.st_size > 0 && sl_buf_grow(out, (size_t)st.st_size) != SL_OK) {
        close(fd);
        return sl_error_set(err, SL_ENOMEM, "cannot read '%s': out of memory", path);
    }
    for (;;) {
        if (sl_buf_grow(out, 65536) != SL_OK) {
            close(fd);
            sl_buf_release(out);
            return sl_error_set(err, SL_ENOMEM, "cannot read '%s': out of memory", path);
        }
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            sl_buf_release(out);
            return sl_error_set(err, SL_EIO, "cannot read '%s': %s", path, strerror(e));
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
    }
    close(fd);
    return SL_OK;
}

sl_err sl_fs_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
                          struct sl_error *err)
{
    struct sl_buf tmp = SL_BUF_INIT;
    if (sl_buf_appendf(&tmp, "%s.tmp.XXXXXX", path) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    int fd = mkostemp(tmp.data, O_CLOEXEC);
    if (fd < 0) {
        sl_error_set(err, SL_EIO, "cannot create '%s': %s", tmp.data, strerror(errno));
        sl_buf_release(&tmp);
        return SL_EIO;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        p += n;
        left -= (size_t)n;
    }
    if (fchmod(fd, mode) != 0 || fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp.data, path) != 0)
        goto fail;
    sl_buf_release(&tmp);
    return SL_OK;
fail:
    sl_error_set(err, SL_EIO, "cannot write '%s': %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(tmp.data);
    sl_buf_release(&tmp);
    return SL_EIO;
}

sl_err sl_fs_mkdirs(const char *path, unsigned mode, struct sl_error *err)
{
    /* Usually everything but the last component exists: one call. */
    if (mkdir(path, mode) == 0 || errno == EEXIST)
        return SL_OK;
    char *p = sl_strdup(path);
    if (p == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, mode) != 0 && errno != EEXIST) {
            sl_error_set(err, SL_EIO, "cannot create directory '%s': %s", p, strerror(errno));
            sl_free(p);
            return SL_EIO;
        }
        *s = c;
        if (c == '\0')
            break;
    }
    sl_free(p);
    return SL_OK;
}

bool sl_fs_exists(const char *path)
{
    return access(path, F_OK) == 0;
}
