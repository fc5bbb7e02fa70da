/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kv_sqlite.c -- keyvalue.sqlite: every open name in one SQLite file
 * (SQLITE_PATH, default .slight/keyvalue.db beside the slightfile), table
 * kv(name, key, value). WAL mode with synchronous=FULL: an acknowledged set
 * survives kill -9. One connection per store, serialized by the store's own
 * lock; several stores, threads and processes share the file through
 * SQLite's locking and a busy timeout.
 */
#include "sl_common.h"

#include "capabilities/keyvalue/kv_backend.h"

#include "common/fs.h"
#include "common/mem.h"

#include <pthread.h>
#include <string.h>

#include <sqlite3.h>

#include "sl_config.h"

/* What the slight-sqlite module exports (the rest of it is hidden). */
#define SL_MODULE_EXPORT __attribute__((visibility("default")))
SL_MODULE_EXPORT extern const struct sl_kv_backend sl_kv_backend_sqlite;
SL_MODULE_EXPORT const char *sl_sqlite_module_version(void);

const char *sl_sqlite_module_version(void)
{
    return SL_VERSION;
}

#define RESOURCE "keyvalue.sqlite"

#define DEFAULT_PATH    ".slight/keyvalue.db"
#define BUSY_TIMEOUT_MS 10000
#define MSG_KEY_MAX     128

struct kv_sqlite_store {
    struct sl_kv_store base;
    pthread_mutex_t lock; /* one operation at a time on db and the statements */
    sqlite3 *db;
    sqlite3_stmt *get, *set, *del, *keys;
    char *path; /* owned, for messages */
    char *name; /* owned: the open name */
    size_t name_len;
};

static const char schema[] = "PRAGMA synchronous=FULL;"
                             "CREATE TABLE IF NOT EXISTS kv ("
                             " name TEXT NOT NULL,"
                             " key TEXT NOT NULL,"
                             " value BLOB NOT NULL,"
                             " PRIMARY KEY (name, key));";

static sl_err code_of(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return SL_ETIMEOUT;
    case SQLITE_NOMEM:
        return SL_ENOMEM;
    case SQLITE_TOOBIG:
        return SL_EINVALVALUE;
    default:
        return SL_EIO;
    }
}

static sl_err db_error(struct kv_sqlite_store *st, int rc, const char *doing, struct sl_error *err)
{
    return sl_error_set(err, code_of(rc), RESOURCE ": cannot %s in '%s': %s", doing, st->path,
                        st->db != NULL ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
}

/* The database path: SQLITE_PATH or the default, relative ones taken from the slightfile's dir. */
static sl_err path_resolve(const struct sl_config *cfg, struct sl_buf *out)
{
    const char *conf = sl_config_get(cfg, "SQLITE_PATH");
    if (conf == NULL || conf[0] == '\0')
        conf = DEFAULT_PATH;
    if (conf[0] != '/') {
        const char *dir = cfg != NULL && cfg->dir != NULL ? cfg->dir : ".";
        sl_err rc = sl_buf_appendf(out, "%s/", dir);
        if (rc != SL_OK)
            return rc;
    }
    return sl_buf_appends(out, conf);
}

static void store_free(struct kv_sqlite_store *st)
{
    sqlite3_finalize(st->get);
    sqlite3_finalize(st->set);
    sqlite3_finalize(st->del);
    sqlite3_finalize(st->keys);
    sqlite3_close(st->db);
    pthread_mutex_destroy(&st->lock);
    sl_free(st->path);
    sl_free(st->name);
    sl_free(st);
}

/* Switches the file to WAL, waiting out other connections that hold it. */
static int wal_enable(sqlite3 *db)
{
    int rc;
    for (int i = 0; i < BUSY_TIMEOUT_MS / 10; i++) {
        rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
            return rc;
        sqlite3_sleep(10);
    }
    return rc;
}

static sl_err sqlite_open(const struct sl_config *cfg, struct sl_str name, struct sl_kv_store **out,
                          struct sl_error *err)
{
    *out = NULL;
    struct sl_buf path = SL_BUF_INIT;
    struct kv_sqlite_store *st = sl_calloc(1, sizeof(*st));
    if (st == NULL)
        return sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    pthread_mutex_init(&st->lock, NULL);
    sl_err rc = SL_ENOMEM;
    char *slash;
    int src;
    if (path_resolve(cfg, &path) != SL_OK || (st->name = sl_strndup(name.ptr, name.len)) == NULL)
        goto fail;
    st->name_len = name.len;

    slash = strrchr(path.data, '/');
    if (slash != NULL && slash != path.data) {
        struct sl_error sub = SL_ERROR_INIT;
        *slash = '\0';
        rc = sl_fs_mkdirs(path.data, 0777, &sub);
        *slash = '/';
        if (rc != SL_OK) {
            sl_error_set(err, rc, RESOURCE ": %s", sub.msg);
            goto fail;
        }
    }
    st->path = sl_buf_detach(&path);
    if (st->path == NULL) {
        rc = SL_ENOMEM;
        goto fail;
    }

    src = sqlite3_open_v2(st->path, &st->db,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (src != SQLITE_OK) {
        rc = sl_error_set(err, code_of(src), RESOURCE ": cannot open '%s': %s", st->path,
                          st->db != NULL ? sqlite3_errmsg(st->db) : sqlite3_errstr(src));
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    src = wal_enable(st->db);
    if (src == SQLITE_OK)
        src = sqlite3_exec(st->db, schema, NULL, NULL, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v3(st->db, "SELECT value FROM kv WHERE name = ?1 AND key = ?2", -1,
                                 SQLITE_PREPARE_PERSISTENT, &st->get, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v3(st->db,
                                 "INSERT INTO kv (name, key, value) VALUES (?1, ?2, ?3)"
                                 " ON CONFLICT (name, key) DO UPDATE SET value = excluded.value",
                                 -1, SQLITE_PREPARE_PERSISTENT, &st->set, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v3(st->db, "DELETE FROM kv WHERE name = ?1 AND key = ?2", -1,
                                 SQLITE_PREPARE_PERSISTENT, &st->del, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v3(st->db, "SELECT key FROM kv WHERE name = ?1", -1,
                                 SQLITE_PREPARE_PERSISTENT, &st->keys, NULL);
    if (src != SQLITE_OK) {
        rc = db_error(st, src, "set up the database", err);
        goto fail;
    }
    *out = &st->base;
    return SL_OK;
fail:
    if (rc == SL_ENOMEM)
        sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    sl_buf_release(&path);
    store_free(st);
    return rc;
}

static void sqlite_close(struct sl_kv_store *base)
{
    if (base != NULL)
        store_free((struct kv_sqlite_store *)base);
}

/* Binds ?1 (the open name) and ?2 (key) of stmt. */
static int bind_name_key(struct kv_sqlite_store *st, sqlite3_stmt *stmt, struct sl_str key)
{
    int rc = sqlite3_bind_text64(stmt, 1, st->name, st->name_len, SQLITE_STATIC, SQLITE_UTF8);
    if (rc == SQLITE_OK && key.ptr != NULL)
        rc = sqlite3_bind_text64(stmt, 2, key.len ? key.ptr : "", key.len, SQLITE_STATIC,
                                 SQLITE_UTF8);
    return rc;
}

static void stmt_done(sqlite3_stmt *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

static sl_err sqlite_get(struct sl_kv_store *base, struct sl_str key, struct sl_buf *val,
                         struct sl_error *err)
{
    struct kv_sqlite_store *st = (struct kv_sqlite_store *)base;
    sl_err rc = SL_OK;
    pthread_mutex_lock(&st->lock);
    int src = bind_name_key(st, st->get, key);
    if (src == SQLITE_OK)
        src = sqlite3_step(st->get);
    if (src == SQLITE_ROW) {
        const void *p = sqlite3_column_blob(st->get, 0);
        size_t n = (size_t)sqlite3_column_bytes(st->get, 0);
        if (n > 0 && p == NULL)
            rc = db_error(st, sqlite3_errcode(st->db), "read key", err);
        else if (sl_buf_append(val, p, n) != SL_OK)
            rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    } else if (src == SQLITE_DONE) {
        rc = sl_error_set(err, SL_ENOTFOUND, RESOURCE ": key '%.*s' not found",
                          (int)SL_MIN(key.len, MSG_KEY_MAX), key.ptr);
    } else {
        rc = db_error(st, src, "read key", err);
    }
    stmt_done(st->get);
    pthread_mutex_unlock(&st->lock);
    if (rc != SL_OK)
        sl_buf_release(val);
    return rc;
}

static sl_err sqlite_set(struct sl_kv_store *base, struct sl_str key, struct sl_str val,
                         struct sl_error *err)
{
    struct kv_sqlite_store *st = (struct kv_sqlite_store *)base;
    sl_err rc = SL_OK;
    pthread_mutex_lock(&st->lock);
    int src = bind_name_key(st, st->set, key);
    /* A NULL pointer would bind SQL NULL: an empty value is an empty blob. */
    if (src == SQLITE_OK)
        src = sqlite3_bind_blob64(st->set, 3, val.len ? val.ptr : "", val.len, SQLITE_STATIC);
    if (src == SQLITE_OK)
        src = sqlite3_step(st->set);
    if (src != SQLITE_DONE)
        rc = db_error(st, src, "write key", err);
    stmt_done(st->set);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

static sl_err sqlite_del(struct sl_kv_store *base, struct sl_str key, struct sl_error *err)
{
    struct kv_sqlite_store *st = (struct kv_sqlite_store *)base;
    sl_err rc = SL_OK;
    pthread_mutex_lock(&st->lock);
    int src = bind_name_key(st, st->del, key);
    if (src == SQLITE_OK)
        src = sqlite3_step(st->del);
    if (src != SQLITE_DONE)
        rc = db_error(st, src, "delete key", err);
    stmt_done(st->del);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

static sl_err sqlite_keys(struct sl_kv_store *base, struct sl_strvec *out, struct sl_error *err)
{
    struct kv_sqlite_store *st = (struct kv_sqlite_store *)base;
    sl_err rc = SL_OK;
    pthread_mutex_lock(&st->lock);
    int src = bind_name_key(st, st->keys, (struct sl_str){NULL, 0});
    while (src == SQLITE_OK || src == SQLITE_ROW) {
        src = sqlite3_step(st->keys);
        if (src != SQLITE_ROW)
            break;
        const char *k = (const char *)sqlite3_column_text(st->keys, 0);
        size_t n = (size_t)sqlite3_column_bytes(st->keys, 0);
        if (k == NULL || sl_strvec_push(out, k, n) != SL_OK) {
            rc = sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
            break;
        }
    }
    if (rc == SL_OK && src != SQLITE_DONE)
        rc = db_error(st, src, "list keys", err);
    stmt_done(st->keys);
    pthread_mutex_unlock(&st->lock);
    if (rc != SL_OK)
        sl_strvec_release(out);
    return rc;
}

static const struct sl_config_key sqlite_config_keys[] = {
    {"SQLITE_PATH", false, false},
    {NULL, false, false},
};

const struct sl_kv_backend sl_kv_backend_sqlite = {
    .version = SL_KV_BACKEND_V1,
    .name = "sqlite",
    .config_keys = sqlite_config_keys,
    .open = sqlite_open,
    .close = sqlite_close,
    .get = sqlite_get,
    .set = sqlite_set,
    .del = sqlite_del,
    .keys = sqlite_keys,
    .shutdown = NULL,
};
