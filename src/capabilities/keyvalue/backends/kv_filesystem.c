/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_filesystem.c -- keyvalue.filesystem: one file per key in
 * BASE_DIR/<open name>/<key>, slight v0.5.1's layout, so its data is read.
 * Writes are atomic and durable (temp file, fsync, rename, fsync of the
 * directory). Keys and open names are single path components: nothing
 * reaches outside BASE_DIR, and symbolic links are refused, never followed.
 */
#include "sl_common.h"

#include "capabilities/keyvalue/kv_backend.h"

#include "common/fs.h"
#include "common/mem.h"
#include "common/utf8.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RESOURCE "keyvalue.filesystem"

/* Our temp files start with this; keys() skips them and no key may start with it. */
#define TMP_PREFIX     ".slkv-tmp."
#define TMP_PREFIX_LEN (sizeof(TMP_PREFIX) - 1)

#define STR_(x) #x
#define STR(x)  STR_(x)

/* How much of a key goes into a message. */
#define MSG_KEY_MAX 128

struct kv_fs_store {
    struct sl_kv_store base;
    char *base_dir; /* owned: BASE_DIR, absolute or relative to the process */
    char *dir;      /* owned: base_dir/<open name> */
};

static atomic_ulong tmp_counter;

/*
 * Checks that s is usable as one path component and copies it, NUL-terminated,
 * into out (NAME_MAX + 1 bytes). what is "key" or "store name" for the message.
 */
static sl_err component_check(struct sl_str s, const char *what, char *out, struct sl_error *err)
{
    const char *why = NULL;
    if (s.len == 0)
        why = "it is empty";
    else if (memchr(s.ptr, '\0', s.len) != NULL)
        why = "it contains a NUL byte";
    else if (memchr(s.ptr, '/', s.len) != NULL)
        why = "it contains '/'";
    else if ((s.len == 1 && s.ptr[0] == '.') || (s.len == 2 && memcmp(s.ptr, "..", 2) == 0))
        why = "'.' and '..' are not names";
    else if (s.len > NAME_MAX)
        why = "it is longer than " STR(NAME_MAX) " bytes";
    else if (s.len >= TMP_PREFIX_LEN && memcmp(s.ptr, TMP_PREFIX, TMP_PREFIX_LEN) == 0)
        why = "names starting with '" TMP_PREFIX "' are reserved";
    if (why != NULL)
        return sl_error_set(err, SL_EINVALKEY, RESOURCE ": invalid %s '%.*s': %s", what,
                            (int)SL_MIN(s.len, MSG_KEY_MAX), s.ptr, why);
    memcpy(out, s.ptr, s.len);
    out[s.len] = '\0';
    return SL_OK;
}

static sl_err io_error(struct sl_error *err, const char *doing, const char *dir, const char *name,
                       int e)
{
    return sl_error_set(err, SL_EIO, RESOURCE ": cannot %s '%s%s%s': %s", doing, dir,
                        name != NULL ? "/" : "", name != NULL ? name : "", strerror(e));
}

static sl_err fsync_path(const char *path, struct sl_error *err)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return io_error(err, "open directory", path, NULL, errno);
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0)
        return io_error(err, "sync directory", path, NULL, e);
    return SL_OK;
}

/*
 * Opens the store's directory into *fd. When it does not exist: with create,
 * makes it (and BASE_DIR) durably; without, returns SL_ENOTFOUND and no
 * message. The directory itself must not be a symbolic link.
 */
static sl_err dir_open(struct kv_fs_store *st, bool create, int *fd, struct sl_error *err)
{
    for (int attempt = 0;; attempt++) {
        *fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (*fd >= 0)
            return SL_OK;
        int e = errno;
        if (e == ELOOP || e == ENOTDIR)
            return sl_error_set(err, SL_EINVALKEY,
                                RESOURCE ": '%s' is a symbolic link or not a directory", st->dir);
        if (e != ENOENT)
            return io_error(err, "open directory", st->dir, NULL, e);
        if (!create)
            return SL_ENOTFOUND;
        if (attempt > 0)
            return io_error(err, "open directory", st->dir, NULL, e);
        struct sl_error sub = SL_ERROR_INIT;
        if (sl_fs_mkdirs(st->base_dir, 0777, &sub) != SL_OK)
            return sl_error_set(err, sub.code, RESOURCE ": %s", sub.msg);
        if (mkdir(st->dir, 0777) != 0 && errno != EEXIST)
            return io_error(err, "create directory", st->dir, NULL, errno);
        sl_err rc = fsync_path(st->base_dir, err);
        if (rc != SL_OK)
            return rc;
    }
}

/* Refuses anything at name that is not a regular file; a missing name is fine (*exists false). */
static sl_err entry_check(struct kv_fs_store *st, int dfd, const char *name, bool *exists,
                          struct sl_error *err)
{
    struct stat sb;
    *exists = false;
    if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return SL_OK;
        return io_error(err, "stat", st->dir, name, errno);
    }
    if (S_ISLNK(sb.st_mode))
        return sl_error_set(err, SL_EINVALKEY,
                            RESOURCE ": invalid key '%s': '%s/%s' is a symbolic link", name,
                            st->dir, name);
    if (!S_ISREG(sb.st_mode))
        return sl_error_set(err, SL_EINVALKEY,
                            RESOURCE ": invalid key '%s': '%s/%s' is not a regular file", name,
                            st->dir, name);
    *exists = true;
    return SL_OK;
}

static sl_err fs_open(const struct sl_config *cfg, struct sl_str name, struct sl_kv_store **out,
                      struct sl_error *err)
{
    *out = NULL;
    char comp[NAME_MAX + 1];
    sl_err rc = component_check(name, "store name", comp, err);
    if (rc != SL_OK)
        return rc;

    struct sl_buf base_dir = SL_BUF_INIT;
    struct sl_buf dir = SL_BUF_INIT;
    struct kv_fs_store *st = NULL;
    const char *conf = sl_config_get(cfg, "BASE_DIR");
    const char *tmp = getenv("TMPDIR");
    rc = SL_ENOMEM;
    if (conf != NULL && conf[0] != '\0') {
        const char *rel = cfg->dir != NULL ? cfg->dir : ".";
        if (conf[0] != '/' && sl_buf_appendf(&base_dir, "%s/", rel) != SL_OK)
            goto out;
        if (sl_buf_appends(&base_dir, conf) != SL_OK)
            goto out;
    } else if (sl_buf_appends(&base_dir, tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp") != SL_OK) {
        goto out;
    }
    while (base_dir.len > 1 && base_dir.data[base_dir.len - 1] == '/')
        sl_buf_truncate(&base_dir, base_dir.len - 1);
    if (sl_buf_appendf(&dir, "%s/%s", base_dir.data, comp) != SL_OK)
        goto out;

    /* Refuse a planted link now; every operation refuses it again (O_NOFOLLOW). */
    struct stat sb;
    if (lstat(dir.data, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        rc = sl_error_set(err, SL_EINVALKEY, RESOURCE ": invalid store name '%s': '%s' is %s", comp,
                          dir.data, S_ISLNK(sb.st_mode) ? "a symbolic link" : "not a directory");
        goto out;
    }
    st = sl_calloc(1, sizeof(*st));
    if (st == NULL)
        goto out;
    st->base_dir = sl_buf_detach(&base_dir);
    st->dir = sl_buf_detach(&dir);
    if (st->base_dir == NULL || st->dir == NULL)
        goto out;
    *out = &st->base;
    return SL_OK;
out:
    if (rc == SL_ENOMEM)
        sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    if (st != NULL) {
        sl_free(st->base_dir);
        sl_free(st->dir);
        sl_free(st);
    }
    sl_buf_release(&base_dir);
    sl_buf_release(&dir);
    return rc;
}

static void fs_close(struct sl_kv_store *base)
{
    struct kv_fs_store *st = (struct kv_fs_store *)base;
    if (st == NULL)
        return;
    sl_free(st->base_dir);
    sl_free(st->dir);
    sl_free(st);
}

static sl_err not_found(struct sl_error *err, const char *key)
{
    return sl_error_set(err, SL_ENOTFOUND, RESOURCE ": key '%.*s' not found", MSG_KEY_MAX, key);
}

static sl_err read_all(struct kv_fs_store *st, int fd, const char *key, struct sl_buf *val,
                       struct sl_error *err)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return io_error(err, "stat", st->dir, key, errno);
    if (!S_ISREG(sb.st_mode))
        return sl_error_set(err, SL_EINVALKEY,
                            RESOURCE ": invalid key '%s': '%s/%s' is not a regular file", key,
                            st->dir, key);
    if (sb.st_size > 0 && sl_buf_grow(val, (size_t)sb.st_size) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    for (;;) {
        if (sl_buf_grow(val, 65536) != SL_OK)
            return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
        ssize_t n = read(fd, val->data + val->len, val->cap - val->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return io_error(err, "read", st->dir, key, errno);
        if (n == 0)
            return SL_OK;
        val->len += (size_t)n;
        val->data[val->len] = '\0';
    }
}

static sl_err fs_get(struct sl_kv_store *base, struct sl_str key, struct sl_buf *val,
                     struct sl_error *err)
{
    struct kv_fs_store *st = (struct kv_fs_store *)base;
    char name[NAME_MAX + 1];
    sl_err rc = component_check(key, "key", name, err);
    if (rc != SL_OK)
        return rc;
    int dfd = -1;
    rc = dir_open(st, false, &dfd, err);
    if (rc == SL_ENOTFOUND)
        return not_found(err, name);
    if (rc != SL_OK)
        return rc;
    /* O_NONBLOCK: a planted FIFO must not block the open. */
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int e = errno;
    close(dfd);
    if (fd < 0) {
        if (e == ENOENT)
            return not_found(err, name);
        if (e == ELOOP)
            return sl_error_set(err, SL_EINVALKEY,
                                RESOURCE ": invalid key '%s': '%s/%s' is a symbolic link", name,
                                st->dir, name);
        return io_error(err, "open", st->dir, name, e);
    }
    rc = read_all(st, fd, name, val, err);
    close(fd);
    if (rc != SL_OK)
        sl_buf_release(val);
    return rc;
}

static sl_err write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return SL_EIO;
        p += n;
        len -= (size_t)n;
    }
    return SL_OK;
}

static sl_err fs_set(struct sl_kv_store *base, struct sl_str key, struct sl_str val,
                     struct sl_error *err)
{
    struct kv_fs_store *st = (struct kv_fs_store *)base;
    char name[NAME_MAX + 1];
    char tmp[64];
    int dfd = -1;
    int fd = -1;
    int crc;
    bool exists;
    sl_err rc = component_check(key, "key", name, err);
    if (rc != SL_OK)
        return rc;
    rc = dir_open(st, true, &dfd, err);
    if (rc != SL_OK)
        return rc;
    rc = entry_check(st, dfd, name, &exists, err);
    if (rc != SL_OK)
        goto out;
    for (;;) {
        unsigned long n = atomic_fetch_add(&tmp_counter, 1);
        snprintf(tmp, sizeof(tmp), TMP_PREFIX "%ld.%lu", (long)getpid(), n);
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            break;
    }
    if (fd < 0) {
        rc = io_error(err, "create", st->dir, tmp, errno);
        goto out;
    }
    if (write_all(fd, val.ptr, val.len) != SL_OK || fsync(fd) != 0) {
        rc = io_error(err, "write", st->dir, tmp, errno);
        goto out_unlink;
    }
    crc = close(fd);
    fd = -1;
    if (crc != 0) {
        rc = io_error(err, "write", st->dir, tmp, errno);
        goto out_unlink;
    }
    if (renameat(dfd, tmp, dfd, name) != 0) {
        rc = io_error(err, "rename to", st->dir, name, errno);
        goto out_unlink;
    }
    if (fsync(dfd) != 0)
        rc = io_error(err, "sync directory", st->dir, NULL, errno);
    goto out;
out_unlink:
    if (fd >= 0)
        close(fd);
    fd = -1;
    unlinkat(dfd, tmp, 0);
out:
    if (fd >= 0)
        close(fd);
    close(dfd);
    return rc;
}

static sl_err fs_del(struct sl_kv_store *base, struct sl_str key, struct sl_error *err)
{
    struct kv_fs_store *st = (struct kv_fs_store *)base;
    char name[NAME_MAX + 1];
    bool exists;
    sl_err rc = component_check(key, "key", name, err);
    if (rc != SL_OK)
        return rc;
    int dfd = -1;
    rc = dir_open(st, false, &dfd, err);
    if (rc == SL_ENOTFOUND)
        return SL_OK;
    if (rc != SL_OK)
        return rc;
    rc = entry_check(st, dfd, name, &exists, err);
    if (rc == SL_OK && exists) {
        if (unlinkat(dfd, name, 0) != 0 && errno != ENOENT)
            rc = io_error(err, "delete", st->dir, name, errno);
        else if (fsync(dfd) != 0)
            rc = io_error(err, "sync directory", st->dir, NULL, errno);
    }
    close(dfd);
    return rc;
}

static bool is_regular(DIR *d, const struct dirent *de)
{
    if (de->d_type == DT_REG)
        return true;
    if (de->d_type != DT_UNKNOWN)
        return false;
    struct stat sb;
    return fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode);
}

static sl_err fs_keys(struct sl_kv_store *base, struct sl_strvec *out, struct sl_error *err)
{
    struct kv_fs_store *st = (struct kv_fs_store *)base;
    int dfd = -1;
    sl_err rc = dir_open(st, false, &dfd, err);
    if (rc == SL_ENOTFOUND)
        return SL_OK;
    if (rc != SL_OK)
        return rc;
    DIR *d = fdopendir(dfd);
    if (d == NULL) {
        rc = io_error(err, "list", st->dir, NULL, errno);
        close(dfd);
        return rc;
    }
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (de == NULL) {
            if (errno != 0)
                rc = io_error(err, "list", st->dir, NULL, errno);
            break;
        }
        /* A name that is not UTF-8 was not written through the interface (keys are strings). */
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, TMP_PREFIX, TMP_PREFIX_LEN) == 0 || !is_regular(d, de)
            || !sl_utf8_valid((const uint8_t *)de->d_name, len))
            continue;
        if (sl_strvec_push(out, de->d_name, len) != SL_OK) {
            rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
            break;
        }
    }
    closedir(d);
    if (rc != SL_OK)
        sl_strvec_release(out);
    return rc;
}

static const struct sl_config_key fs_config_keys[] = {
    {"BASE_DIR", false, false},
    {NULL, false, false},
};

const struct sl_kv_backend sl_kv_backend_filesystem = {
    .version = SL_KV_BACKEND_V1,
    .name = "filesystem",
    .config_keys = fs_config_keys,
    .open = fs_open,
    .close = fs_close,
    .get = fs_get,
    .set = fs_set,
    .del = fs_del,
    .keys = fs_keys,
    .shutdown = NULL,
};
