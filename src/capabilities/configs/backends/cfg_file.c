/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfg_file.c -- configs.file (new in this slight): a directory with one
 * file per key, CONFIGS_DIR (default .slight/configs, relative to the
 * slightfile's directory). get reads <dir>/<key>; set writes it atomically.
 * A key is a single file name: no '/', not "." or "..".
 */
#include "sl_common.h"

#include "capabilities/configs/cfg_backend.h"

#include "common/fs.h"
#include "common/mem.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#define CFG_FILE_DEFAULT_DIR ".slight/configs"

static const struct sl_config_key file_keys[] = {
    {"CONFIGS_DIR", false, false},
    {NULL, false, false},
};

struct cfg_file_store {
    struct sl_cfgs_store base;
    char *dir;
};

static sl_err file_open(const struct sl_config *cfg, struct sl_str name,
                        struct sl_cfgs_store **out, struct sl_error *err)
{
    (void)name;
    *out = NULL;
    const char *dir = sl_config_get(cfg, "CONFIGS_DIR");
    if (dir == NULL)
        dir = CFG_FILE_DEFAULT_DIR;
    if (*dir == '\0')
        return sl_error_set(err, SL_ECONFIG, "configs.file: CONFIGS_DIR is empty");
    struct cfg_file_store *st = sl_calloc(1, sizeof(*st));
    struct sl_buf path = SL_BUF_INIT;
    sl_err rc = SL_OK;
    if (st == NULL)
        rc = SL_ENOMEM;
    else if (dir[0] == '/' || cfg == NULL || cfg->dir == NULL)
        rc = sl_buf_appends(&path, dir);
    else
        rc = sl_buf_appendf(&path, "%s/%s", cfg->dir, dir);
    if (rc != SL_OK) {
        sl_buf_release(&path);
        sl_free(st);
        return sl_error_set(err, SL_ENOMEM, "configs.file: out of memory");
    }
    st->dir = path.data;
    *out = &st->base;
    return SL_OK;
}

static void file_close(struct sl_cfgs_store *base)
{
    struct cfg_file_store *st = (struct cfg_file_store *)base;
    if (st == NULL)
        return;
    sl_free(st->dir);
    sl_free(st);
}

/* The path of key's file in *path, or SL_EINVALVALUE for a key that is not one file name. */
static sl_err key_path(struct cfg_file_store *st, struct sl_str key, struct sl_buf *path,
                       struct sl_error *err)
{
    if (memchr(key.ptr, '/', key.len) != NULL || (key.len == 1 && key.ptr[0] == '.')
        || (key.len == 2 && memcmp(key.ptr, "..", 2) == 0))
        return sl_error_set(err, SL_EINVALVALUE,
                            "configs.file: invalid key '%.*s': a key is a file name, without "
                            "'/' and not '.' or '..'",
                            (int)(key.len < 128 ? key.len : 128), key.ptr);
    if (key.len > NAME_MAX)
        return sl_error_set(err, SL_EINVALVALUE, "configs.file: the key is longer than %d bytes",
                            NAME_MAX);
    if (sl_buf_appendf(path, "%s/%.*s", st->dir, (int)key.len, key.ptr) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, "configs.file: out of memory");
    return SL_OK;
}

static sl_err file_get(struct sl_cfgs_store *base, struct sl_str key, struct sl_buf *val,
                       struct sl_error *err)
{
    struct cfg_file_store *st = (struct cfg_file_store *)base;
    struct sl_buf path = SL_BUF_INIT;
    sl_err rc = key_path(st, key, &path, err);
    if (rc != SL_OK)
        goto out;
    rc = sl_fs_read_file(path.data, val, err);
    if (rc == SL_ENOTFOUND) {
        sl_error_set(err, SL_ENOTFOUND, "configs.file: key '%.*s' not found in '%s'",
                     (int)key.len, key.ptr, st->dir);
    } else if (rc != SL_OK) {
        if (rc == SL_EIO && access(path.data, R_OK) != 0 && errno == EACCES)
            rc = sl_error_recode(err, SL_EAUTH);
        sl_error_prefix(err, "configs.file");
    }
out:
    sl_buf_release(&path);
    return rc;
}

static sl_err file_set(struct sl_cfgs_store *base, struct sl_str key, struct sl_str val,
                       struct sl_error *err)
{
    struct cfg_file_store *st = (struct cfg_file_store *)base;
    struct sl_buf path = SL_BUF_INIT;
    sl_err rc = key_path(st, key, &path, err);
    if (rc == SL_OK)
        rc = sl_fs_mkdirs(st->dir, 0700, err);
    if (rc == SL_OK)
        rc = sl_fs_write_atomic(path.data, val.ptr, val.len, 0600, err);
    if (rc != SL_OK && rc != SL_EINVALVALUE) {
        if (rc == SL_EIO && access(st->dir, W_OK) != 0 && errno == EACCES)
            rc = sl_error_recode(err, SL_EAUTH);
        sl_error_prefix(err, "configs.file");
    }
    sl_buf_release(&path);
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
