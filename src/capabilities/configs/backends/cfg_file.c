/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg_file.c -- configs.file (new in this slight): one file of KEY=value
 * lines named by the config key CONFIGS_FILE (relative to the slightfile's
 * directory). get reads it on every call; set replaces the key's line (or
 * appends one) and writes the file atomically under a lock, keeping every
 * other line, comments and blank lines as they were.
 */
#include "sl_common.h"

#include "capabilities/configs/cfg_backend.h"

#include "common/fs.h"
#include "common/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static const struct sl_config_key file_keys[] = {
    {"CONFIGS_FILE", true, false},
    {NULL, false, false},
};

struct cfg_file_store {
    struct sl_cfgs_store base;
    char *path; /* the KEY=value file */
};

static sl_err file_open(const struct sl_config *cfg, struct sl_str name,
                        struct sl_cfgs_store **out, struct sl_error *err)
{
    (void)name;
    *out = NULL;
    const char *file = sl_config_get(cfg, "CONFIGS_FILE");
    if (file == NULL || *file == '\0')
        return sl_error_set(err, SL_ECONFIG, "configs.file: CONFIGS_FILE is not set");
    struct cfg_file_store *st = sl_calloc(1, sizeof(*st));
    struct sl_buf path = SL_BUF_INIT;
    sl_err rc = SL_OK;
    if (st == NULL)
        rc = SL_ENOMEM;
    else if (file[0] == '/' || cfg->dir == NULL)
        rc = sl_buf_appends(&path, file);
    else
        rc = sl_buf_appendf(&path, "%s/%s", cfg->dir, file);
    if (rc != SL_OK) {
        sl_buf_release(&path);
        sl_free(st);
        return sl_error_set(err, SL_ENOMEM, "configs.file: out of memory");
    }
    st->path = path.data;
    *out = &st->base;
    return SL_OK;
}

static void file_close(struct sl_cfgs_store *base)
{
    struct cfg_file_store *st = (struct cfg_file_store *)base;
    if (st == NULL)
        return;
    sl_free(st->path);
    sl_free(st);
}

/* A key is the text before the first '=' of a line: no '=', newline or carriage return. */
static sl_err check_key(struct sl_str key, struct sl_error *err)
{
    for (size_t i = 0; i < key.len; i++)
        if (key.ptr[i] == '=' || key.ptr[i] == '\n' || key.ptr[i] == '\r')
            return sl_error_set(err, SL_EINVALVALUE,
                                "configs.file: invalid key '%.*s': a key has no '=' or line break",
                                (int)(key.len < 128 ? key.len : 128), key.ptr);
    return SL_OK;
}

/* Finds key's line in text: [*start, *end) is the line without its '\n'; false if absent. */
static bool find_line(const char *text, size_t len, struct sl_str key, size_t *start, size_t *end)
{
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t eol = nl ? (size_t)(nl - text) : len;
        size_t n = eol - pos;
        if (n > key.len && memcmp(text + pos, key.ptr, key.len) == 0 && text[pos + key.len] == '='
            && text[pos] != '#') {
            *start = pos;
            *end = eol;
            return true;
        }
        pos = eol + 1;
    }
    return false;
}

/* Reads the file into *text; a missing file is empty text. */
static sl_err read_text(struct cfg_file_store *st, struct sl_buf *text, struct sl_error *err)
{
    sl_err rc = sl_fs_read_file(st->path, text, err);
    if (rc == SL_ENOTFOUND) {
        sl_buf_reset(text);
        return SL_OK;
    }
    if (rc != SL_OK) {
        if (rc == SL_EIO && access(st->path, R_OK) != 0 && errno == EACCES)
            rc = sl_error_recode(err, SL_EAUTH);
        sl_error_prefix(err, "configs.file");
    }
    return rc;
}

static sl_err file_get(struct sl_cfgs_store *base, struct sl_str key, struct sl_buf *val,
                       struct sl_error *err)
{
    struct cfg_file_store *st = (struct cfg_file_store *)base;
    struct sl_buf text = SL_BUF_INIT;
    size_t start = 0, end = 0;
    sl_err rc = check_key(key, err);
    if (rc == SL_OK)
        rc = read_text(st, &text, err);
    if (rc == SL_OK && !find_line(text.data ? text.data : "", text.len, key, &start, &end))
        rc = sl_error_set(err, SL_ENOTFOUND, "configs.file: key '%.*s' not found in '%s'",
                          (int)(key.len < 128 ? key.len : 128), key.ptr, st->path);
    if (rc == SL_OK) {
        size_t from = start + key.len + 1;
        if (end > from && text.data[end - 1] == '\r') /* a CRLF file */
            end--;
        if (sl_buf_append(val, text.data + from, end - from) != SL_OK)
            rc = sl_error_set(err, SL_ENOMEM, "configs.file: out of memory");
    }
    sl_buf_release(&text);
    return rc;
}

/* Holds an exclusive lock on "<path>.lock" so that writers take turns. */
static int lock_file(struct cfg_file_store *st, struct sl_error *err)
{
    struct sl_buf lp = SL_BUF_INIT;
    if (sl_buf_appendf(&lp, "%s.lock", st->path) != SL_OK) {
        sl_error_set(err, SL_ENOMEM, "configs.file: out of memory");
        return -1;
    }
    int fd = open(lp.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    int e = errno;
    if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
        e = errno;
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        sl_error_set(err, e == EACCES ? SL_EAUTH : SL_EIO, "configs.file: cannot lock '%s': %s",
                     lp.data, strerror(e));
    sl_buf_release(&lp);
    return fd;
}

static sl_err file_set(struct sl_cfgs_store *base, struct sl_str key, struct sl_str val,
                       struct sl_error *err)
{
    struct cfg_file_store *st = (struct cfg_file_store *)base;
    struct sl_buf text = SL_BUF_INIT, out = SL_BUF_INIT;
    sl_err rc = check_key(key, err);
    if (rc == SL_OK && (memchr(val.ptr, '\n', val.len) || memchr(val.ptr, '\0', val.len)))
        rc = sl_error_set(err, SL_EINVALVALUE,
                          "configs.file: the value of '%.*s' has a line break or a NUL byte",
                          (int)(key.len < 128 ? key.len : 128), key.ptr);
    if (rc != SL_OK)
        return rc;
    int lock = lock_file(st, err);
    if (lock < 0)
        return err != NULL ? err->code : SL_EIO;
    rc = read_text(st, &text, err);
    const char *t = text.data ? text.data : "";
    if (rc == SL_OK) {
        /* everything before the key's line (or all of it), the new line, everything after */
        size_t start = text.len, end = text.len;
        bool found = find_line(t, text.len, key, &start, &end);
        rc = sl_buf_append(&out, t, start);
        if (rc == SL_OK && !found && start > 0 && t[start - 1] != '\n')
            rc = sl_buf_appends(&out, "\n");
        if (rc == SL_OK)
            rc = sl_buf_append(&out, key.ptr, key.len);
        if (rc == SL_OK)
            rc = sl_buf_appends(&out, "=");
        if (rc == SL_OK)
            rc = sl_buf_append(&out, val.ptr, val.len);
        if (rc == SL_OK)
            rc = found ? sl_buf_append(&out, t + end, text.len - end) : sl_buf_appends(&out, "\n");
        if (rc != SL_OK)
            rc = sl_error_set(err, SL_ENOMEM, "configs.file: out of memory");
    }
    if (rc == SL_OK) {
        rc = sl_fs_write_atomic(st->path, out.data ? out.data : "", out.len, 0600, err);
        if (rc != SL_OK)
            sl_error_prefix(err, "configs.file");
    }
    close(lock); /* releases the lock */
    sl_buf_release(&text);
    sl_buf_release(&out);
    return rc;
}

const struct sl_cfgs_backend sl_cfgs_backend_file = {
    .version = SL_CFGS_BACKEND_V1,
    .name = "file",
    .config_keys = file_keys,
    .open = file_open,
    .close = file_close,
    .get = file_get,
    .set = file_set,
};
