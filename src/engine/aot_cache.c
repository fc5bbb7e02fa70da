/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aot_cache.c -- the content-addressed cache of translated and compiled
 * modules: key derivation, directories (0700), locks and hash manifests.
 * Tool versions come from the build (sl_config.h), never from running the
 * tools.
 */
#include "sl_common.h"

#include "aot_int.h"
#include "common/fs.h"
#include "common/hash.h"
#include "common/log.h"
#include "sl_config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

const char *sl_aot_cache_root(const struct sl_aot_opts *opts)
{
    static char root[4096];
    if (opts != NULL && opts->cache_root != NULL)
        return opts->cache_root;
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg != NULL && xdg[0] == '/') {
        snprintf(root, sizeof(root), "%s/slight", xdg);
        return root;
    }
    const char *home = getenv("HOME");
    if (home == NULL || home[0] != '/') {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : "/tmp";
    }
    snprintf(root, sizeof(root), "%s/.cache/slight", home);
    return root;
}

/* What the key depends on besides the module: tools, ABI, headers, code flavour. */
static size_t key_meta(const struct sl_aot_opts *opts, char *meta, size_t size)
{
    int n = snprintf(meta, size,
                     "slight-aot\nabi=%u\nxlate=%u\nwasm2c=%s\ncc=%s\nbounds=%s\ndepth=%d\n"
                     "headers=%s\nbarrier=%d\n",
                     SL_GUEST_ABI_VERSION, SL_AOT_TRANSLATE_VERSION, SL_WASM2C_VERSION, SL_GUEST_CC_VERSION,
                     SL_BOUNDS_EXPLICIT ? "explicit" : "guard", SL_AOT_MAX_CALL_DEPTH,
                     sl_embedded_headers_sha256,
                     opts != NULL && opts->write_barrier);
    return n < 0 ? 0 : SL_MIN((size_t)n, size - 1);
}

sl_err sl_aot_entry_open(const uint8_t *wasm, size_t len, const char *filename,
                         const struct sl_aot_opts *opts, const char *key, struct aot_entry *e,
                         struct sl_error *err)
{
    if (key != NULL) {
        memcpy(e->key, key, SL_SHA256_HEX_LEN + 1);
    } else {
        char meta[1024];
        size_t n = key_meta(opts, meta, sizeof(meta));
        struct sl_sha256 h;
        sl_sha256_init(&h);
        sl_sha256_update(&h, meta, n);
        sl_sha256_update(&h, wasm, len);
        sl_sha256_final_hex(&h, e->key);
    }
    e->filename = filename;
    e->write_barrier = opts != NULL && opts->write_barrier;

    const char *root = sl_aot_cache_root(opts);
    if (sl_fs_mkdirs(root, 0700, err) != SL_OK)
        return sl_error_prefix(err, "cache");
    if (snprintf(e->dir, sizeof(e->dir), "%s/v1/%s", root, e->key) >= (int)sizeof(e->dir))
        return sl_error_set(err, SL_EIO, "cache path too long: '%s'", root);
    if (sl_fs_mkdirs(e->dir, 0700, err) != SL_OK)
        return sl_error_prefix(err, "cache");
    return SL_OK;
}

/* True when the file of st changed too recently for its identity to be trusted. */
static bool too_recent(const struct stat *st)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return now.tv_sec - st->st_ctim.tv_sec < 2 || now.tv_sec - st->st_mtim.tv_sec < 2;
}

/* Appends st's identity (device, inode, size, mtime, ctime) to buf[n..size). */
static size_t identity(const struct stat *st, char *buf, size_t n, size_t size)
{
    if (n >= size)
        return n;
    int k = snprintf(buf + n, size - n, "dev=%llu ino=%llu size=%lld mtime=%lld.%09ld ctime=%lld.%09ld\n",
                     (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
                     (long long)st->st_size, (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
                     (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
    return k < 0 ? n : SL_MIN(n + (size_t)k, size - 1);
}

/* Path of the memo entry for a file identity. */
static bool memo_path(const struct sl_aot_opts *opts, const struct stat *st, char *path,
                      size_t size)
{
    if (too_recent(st))
        return false;
    char meta[1200], hex[SL_SHA256_HEX_LEN + 1];
    size_t n = key_meta(opts, meta, sizeof(meta));
    /* the memo also says "this slight's reader accepted the file": its version counts */
    int k = snprintf(meta + n, sizeof(meta) - n, "slight=%s\n", SL_VERSION);
    n = identity(st, meta, k < 0 ? n : SL_MIN(n + (size_t)k, sizeof(meta) - 1), sizeof(meta));
    sl_sha256_hex(meta, n, hex);
    return snprintf(path, size, "%s/v1/memo/%s", sl_aot_cache_root(opts), hex) < (int)size;
}

bool sl_aot_memo_get(const struct sl_aot_opts *opts, const struct stat *st, char key[65])
{
    char path[4200];
    if (!memo_path(opts, st, path, sizeof(path)))
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, key, SL_SHA256_HEX_LEN);
    close(fd);
    if (n != SL_SHA256_HEX_LEN)
        return false;
    key[SL_SHA256_HEX_LEN] = '\0';
    for (int i = 0; i < SL_SHA256_HEX_LEN; i++)
        if (!((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'a' && key[i] <= 'f')))
            return false;
    return true;
}

void sl_aot_memo_put(const struct sl_aot_opts *opts, const struct stat *st, const char key[65])
{
    char path[4200], dir[4200];
    if (!memo_path(opts, st, path, sizeof(path)))
        return;
    snprintf(dir, sizeof(dir), "%s/v1/memo", sl_aot_cache_root(opts));
    if (sl_fs_mkdirs(dir, 0700, NULL) == SL_OK)
        sl_fs_write_atomic(path, key, SL_SHA256_HEX_LEN, 0600, NULL);
}

void sl_aot_entry_path(const struct aot_entry *e, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", e->dir, name);
}

int sl_aot_lock(const struct aot_entry *e, const char *name, bool block)
{
    char path[4200];
    sl_aot_entry_path(e, name, path, sizeof(path));
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX | (block ? 0 : LOCK_NB)) != 0) {
        if (errno == EINTR)
            continue;
        close(fd);
        return -1;
    }
    return fd;
}

void sl_aot_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

static bool hash_file(const char *path, char hex[SL_SHA256_HEX_LEN + 1])
{
    struct sl_buf b = SL_BUF_INIT;
    if (sl_fs_read_file(path, &b, NULL) != SL_OK)
        return false;
    sl_sha256_hex(b.data ? b.data : "", b.len, hex);
    sl_buf_release(&b);
    return true;
}

sl_err sl_aot_write_sums(const struct aot_entry *e, const char *sums_name,
                         const char *const *files, size_t nfiles, struct sl_error *err)
{
    struct sl_buf out = SL_BUF_INIT;
    char path[4200], hex[SL_SHA256_HEX_LEN + 1];
    for (size_t i = 0; i < nfiles; i++) {
        sl_aot_entry_path(e, files[i], path, sizeof(path));
        if (!hash_file(path, hex)) {
            sl_buf_release(&out);
            return sl_error_set(err, SL_EIO, "cache: cannot read '%s'", path);
        }
        if (sl_buf_appendf(&out, "%s  %s\n", hex, files[i]) != SL_OK) {
            sl_buf_release(&out);
            return sl_error_set(err, SL_ENOMEM, "out of memory");
        }
    }
    sl_aot_entry_path(e, sums_name, path, sizeof(path));
    sl_err rc = sl_fs_write_atomic(path, out.data, out.len, 0600, err);
    sl_buf_release(&out);
    return rc;
}

/* The record that path (identity st) matched hash: "HASH\nidentity\n". */
static size_t verified_record(const char *hash, const struct stat *st, char *rec, size_t size)
{
    int n = snprintf(rec, size, "%.*s\n", SL_SHA256_HEX_LEN, hash);
    return identity(st, rec, n < 0 ? 0 : SL_MIN((size_t)n, size - 1), size);
}

/* True when entry/NAME.verified says that NAME, as it is now, matched hash. */
static bool verified_before(const struct aot_entry *e, const char *name, const char *hash,
                            const struct stat *st)
{
    char path[4200], rec[512], seen[512];
    size_t n = verified_record(hash, st, rec, sizeof(rec));
    if (snprintf(path, sizeof(path), "%s/%s.verified", e->dir, name) >= (int)sizeof(path))
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t got = read(fd, seen, sizeof(seen));
    close(fd);
    return got == (ssize_t)n && memcmp(seen, rec, n) == 0;
}

static void record_verified(const struct aot_entry *e, const char *name, const char *hash,
                            const struct stat *st)
{
    char path[4200], rec[512];
    if (too_recent(st))
        return;
    size_t n = verified_record(hash, st, rec, sizeof(rec));
    if (snprintf(path, sizeof(path), "%s/%s.verified", e->dir, name) < (int)sizeof(path))
        sl_fs_write_atomic(path, rec, n, 0600, NULL); /* best effort: a cache of a check */
}

/* True when entry/name exists and its content has the hex SHA-256 hash. */
static bool file_matches(const struct aot_entry *e, const char *name, const char *hash)
{
    char path[4200], hex[SL_SHA256_HEX_LEN + 1];
    struct stat st;
    sl_aot_entry_path(e, name, path, sizeof(path));
    if (stat(path, &st) != 0)
        return false;
    if (verified_before(e, name, hash, &st))
        return true;
    if (!hash_file(path, hex) || memcmp(hex, hash, SL_SHA256_HEX_LEN) != 0)
        return false;
    record_verified(e, name, hash, &st);
    return true;
}

bool sl_aot_check_sums(const struct aot_entry *e, const char *sums_name)
{
    char path[4200];
    struct sl_buf sums = SL_BUF_INIT;
    sl_aot_entry_path(e, sums_name, path, sizeof(path));
    if (sl_fs_read_file(path, &sums, NULL) != SL_OK)
        return false;
    bool ok = sums.len > 0;
    for (char *line = sums.data; ok && line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (strlen(line) < SL_SHA256_HEX_LEN + 3) {
            ok = false;
            break;
        }
        if (!file_matches(e, line + SL_SHA256_HEX_LEN + 2, line)) {
            sl_log_warn("cache entry '%s' is corrupt ('%s' does not match its hash); rebuilding",
                        e->dir, line + SL_SHA256_HEX_LEN + 2);
            ok = false;
        }
        line = nl ? nl + 1 : NULL;
    }
    sl_buf_release(&sums);
    return ok;
}
