/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_kv_conformance.c -- the keyvalue conformance suite: the same tests run
 * over every backend, chosen by $SL_KV_BACKEND (memory, filesystem, sqlite;
 * azblob and awsdynamodb in the test_kv_conformance_cloud build, against the
 * emulators of tools/services.sh), calling the backend's vtable directly (no
 * front end, no guest). Backend-specific cases (path traversal, slight's
 * layout, default paths, kill -9 during a write loop) skip themselves on the
 * other backends.
 */
#include "sl_common.h"

#include "capabilities/keyvalue/kv_backend.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/mem.h"
#include "common/strvec.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if SL_HAVE_KV_SQLITE
#include <sqlite3.h>
#endif

#ifndef SL_KV_CONFORMANCE_CLOUD
#define SL_KV_CONFORMANCE_CLOUD 0
#endif
#if SL_KV_CONFORMANCE_CLOUD
extern const struct sl_kv_backend sl_kv_backend_azblob;
extern const struct sl_kv_backend sl_kv_backend_awsdynamodb;
#endif

/* ---- the backend under test and its configuration ----------------------- */

static const struct {
    const char *name;
    const struct sl_kv_backend *backend;
} backends[] = {
    {"memory", &sl_kv_backend_memory},
    {"filesystem", &sl_kv_backend_filesystem},
#if SL_HAVE_KV_SQLITE
    {"sqlite", &sl_kv_backend_sqlite},
#endif
#if SL_KV_CONFORMANCE_CLOUD
    {"azblob", &sl_kv_backend_azblob},
    {"awsdynamodb", &sl_kv_backend_awsdynamodb},
#endif
};

static const struct sl_kv_backend *be;
static char resource[64];
static char tmpdir[256];
static char base_dir[512]; /* filesystem: BASE_DIR */
static char db_path[512];  /* sqlite: SQLITE_PATH */
static struct sl_config_value values[4];
static struct sl_config cfg;
static bool cloud; /* a server backend shared by test runs: open names are made unique */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void setup(void)
{
    const char *want = getenv("SL_KV_BACKEND");
    if (want == NULL)
        want = "memory";
    for (size_t i = 0; i < SL_ARRAY_SIZE(backends); i++)
        if (strcmp(backends[i].name, want) == 0)
            be = backends[i].backend;
    cr_assert_not_null(be, "SL_KV_BACKEND=%s is not a built backend", want);
    snprintf(resource, sizeof(resource), "keyvalue.%s", be->name);

    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/sl-kv-XXXXXX", t != NULL && t[0] ? t : "/tmp");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(base_dir, sizeof(base_dir), "%s/base", tmpdir);
    snprintf(db_path, sizeof(db_path), "%s/kv.db", tmpdir);

    cfg = (struct sl_config){.resource = resource, .name = "kv", .dir = tmpdir};
    cfg.nvalues = 1;
    const char *ci = getenv("CI"), *emu = NULL, *emu_var = NULL;
    if (strcmp(be->name, "azblob") == 0)
        emu_var = "SLIGHT_TEST_AZURITE_CONNSTR";
    else if (strcmp(be->name, "awsdynamodb") == 0)
        emu_var = "SLIGHT_TEST_DYNAMODB_ENDPOINT";
    if (emu_var != NULL) {
        cloud = true;
        emu = getenv(emu_var);
        if (emu == NULL || emu[0] == '\0') {
            nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
            tmpdir[0] = '\0';
            if (ci != NULL && (strcmp(ci, "true") == 0 || strcmp(ci, "1") == 0))
                cr_assert_fail("%s is not set: CI must start the emulators (tools/services.sh)",
                               emu_var);
            cr_skip_test("%s is not set: start the emulators with "
                         "eval \"$(tools/services.sh start)\" to run these tests", emu_var);
        }
    }
    if (strcmp(be->name, "azblob") == 0) {
        values[0] = (struct sl_config_value){"AZURE_STORAGE_CONNECTION_STRING", emu};
    } else if (strcmp(be->name, "awsdynamodb") == 0) {
        values[0] = (struct sl_config_value){"AWS_ENDPOINT_URL", emu};
        values[1] = (struct sl_config_value){"AWS_ACCESS_KEY_ID", "AKIDSLIGHTTEST"};
        values[2] = (struct sl_config_value){"AWS_SECRET_ACCESS_KEY", "not-checked-by-dynalite"};
        values[3] = (struct sl_config_value){"AWS_REGION", "us-east-1"};
        cfg.nvalues = 4;
    } else if (strcmp(be->name, "filesystem") == 0)
        values[0] = (struct sl_config_value){"BASE_DIR", base_dir};
    else if (strcmp(be->name, "sqlite") == 0)
        values[0] = (struct sl_config_value){"SQLITE_PATH", db_path};
    else
        values[0] = (struct sl_config_value){"UNUSED", ""};
    cfg.values = values;
}

static void teardown(void)
{
    if (be != NULL && be->shutdown != NULL)
        be->shutdown();
    if (tmpdir[0] != '\0')
        nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(kv, .init = setup, .fini = teardown);

static bool is_backend(const char *name)
{
    return strcmp(be->name, name) == 0;
}

/* Skips the test unless the backend is one of a or b. Criterion runs no .fini after a skip. */
static void only_on(const char *a, const char *b, const char *why)
{
    if (is_backend(a) || (b != NULL && is_backend(b)))
        return;
    teardown();
    tmpdir[0] = '\0';
    cr_skip_test("%s", why);
}

/* Skips the test on backend a. Criterion runs no .fini after a skip. */
static void skip_on(const char *a, const char *why)
{
    if (!is_backend(a))
        return;
    teardown();
    tmpdir[0] = '\0';
    cr_skip_test("%s", why);
}

/* ---- helpers ------------------------------------------------------------ */

/*
 * The open name given to the backend. Server backends share one server
 * between test processes and runs, and containers and tables have naming
 * rules (Azure: 3-63 of a-z 0-9 -), so there a name becomes
 * "sl<pid>-<hash of the name>": fixed within a test, fresh in each.
 */
static const char *store_name(const char *name, char *buf, size_t bufsz)
{
    if (!cloud)
        return name;
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    snprintf(buf, bufsz, "sl%ld-%016llx", (long)getpid(), (unsigned long long)h);
    return buf;
}

static struct sl_str str_of(const char *s)
{
    return (struct sl_str){s, strlen(s)};
}

static struct sl_kv_store *open_cfg(const struct sl_config *c, const char *name)
{
    struct sl_kv_store *st = NULL;
    struct sl_error err = SL_ERROR_INIT;
    char buf[64];
    sl_err rc = be->open(c, str_of(store_name(name, buf, sizeof(buf))), &st, &err);
    cr_assert_eq(rc, SL_OK, "open '%s': %s", name, err.msg);
    cr_assert_not_null(st);
    st->backend = be;
    return st;
}

static struct sl_kv_store *open_store(const char *name)
{
    return open_cfg(&cfg, name);
}

static void set_bytes(struct sl_kv_store *st, struct sl_str key, const void *v, size_t len)
{
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = be->set(st, key, (struct sl_str){v, len}, &err);
    cr_assert_eq(rc, SL_OK, "set '%.*s': %s", (int)key.len, key.ptr, err.msg);
}

static void set_str(struct sl_kv_store *st, const char *key, const char *v)
{
    set_bytes(st, str_of(key), v, strlen(v));
}

/* Asserts that key holds exactly (v, len). */
static void expect_bytes(struct sl_kv_store *st, struct sl_str key, const void *v, size_t len)
{
    struct sl_buf val = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = be->get(st, key, &val, &err);
    cr_assert_eq(rc, SL_OK, "get '%.*s': %s", (int)key.len, key.ptr, err.msg);
    cr_assert_eq(val.len, len, "get '%.*s': %zu bytes, expected %zu", (int)key.len, key.ptr,
                 val.len, len);
    cr_assert(len == 0 || memcmp(val.data, v, len) == 0, "get '%.*s': wrong bytes", (int)key.len,
              key.ptr);
    sl_buf_release(&val);
}

static void expect_str(struct sl_kv_store *st, const char *key, const char *v)
{
    expect_bytes(st, str_of(key), v, strlen(v));
}

static void expect_missing(struct sl_kv_store *st, const char *key)
{
    struct sl_buf val = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = be->get(st, str_of(key), &val, &err);
    cr_assert_eq(rc, SL_ENOTFOUND, "get '%s': %s (%s)", key, sl_err_str(rc), err.msg);
    cr_assert_eq(val.len, 0);
    char want[256];
    snprintf(want, sizeof(want), "%s: key '%s' not found", resource, key);
    cr_assert_str_eq(err.msg, want);
    sl_buf_release(&val);
}

static void del_key(struct sl_kv_store *st, const char *key)
{
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = be->del(st, str_of(key), &err);
    cr_assert_eq(rc, SL_OK, "delete '%s': %s", key, err.msg);
}

static void get_keys(struct sl_kv_store *st, struct sl_strvec *out)
{
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = be->keys(st, out, &err);
    cr_assert_eq(rc, SL_OK, "keys: %s", err.msg);
}

static size_t count_key(const struct sl_strvec *sv, const char *key)
{
    size_t n = 0;
    size_t len = strlen(key);
    for (size_t i = 0; i < sv->n; i++)
        if (sv->v[i].len == len && memcmp(sv->v[i].ptr, key, len) == 0)
            n++;
    return n;
}

/* Asserts that keys() is exactly the set want (n names), each once. */
static void expect_keys(struct sl_kv_store *st, const char *const *want, size_t n)
{
    struct sl_strvec sv = SL_STRVEC_INIT;
    get_keys(st, &sv);
    cr_assert_eq(sv.n, n, "keys: %zu keys, expected %zu", sv.n, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(count_key(&sv, want[i]), 1, "keys: '%s' is listed %zu times", want[i],
                     count_key(&sv, want[i]));
    sl_strvec_release(&sv);
}

/* Deterministic pseudo-random bytes (xorshift), so a torn value cannot pass. */
static void fill(unsigned char *p, size_t len, uint64_t seed)
{
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (unsigned char)x;
    }
}

/* ---- the common contract ------------------------------------------------- */

Test(kv, set_get_delete_keys)
{
    struct sl_kv_store *st = open_store("basic");
    set_str(st, "a", "one");
    set_str(st, "b", "two");
    expect_str(st, "a", "one");
    expect_str(st, "b", "two");
    const char *both[] = {"a", "b"};
    expect_keys(st, both, 2);
    del_key(st, "a");
    expect_missing(st, "a");
    expect_str(st, "b", "two");
    expect_keys(st, both + 1, 1);
    del_key(st, "b");
    expect_keys(st, NULL, 0);
    be->close(st);
}

Test(kv, empty_store_has_no_keys)
{
    struct sl_kv_store *st = open_store("nothing-here");
    expect_keys(st, NULL, 0);
    expect_missing(st, "x");
    be->close(st);
}

Test(kv, empty_value_is_a_value)
{
    struct sl_kv_store *st = open_store("empty");
    set_str(st, "e", "");
    expect_str(st, "e", "");
    const char *one[] = {"e"};
    expect_keys(st, one, 1);
    set_str(st, "e", "x");
    set_str(st, "e", "");
    expect_str(st, "e", "");
    /* An empty list from a guest may come with a NULL pointer. */
    set_bytes(st, str_of("null"), NULL, 0);
    expect_bytes(st, str_of("null"), "", 0);
    be->close(st);
}

Test(kv, one_mebibyte_value)
{
    skip_on("awsdynamodb", "a DynamoDB item holds at most 400 KB (test_kv_cloud tests the limit)");
    size_t len = (1u << 20) + 17;
    unsigned char *v = sl_malloc(len);
    cr_assert_not_null(v);
    fill(v, len, 42);
    struct sl_kv_store *st = open_store("big");
    set_bytes(st, str_of("big"), v, len);
    expect_bytes(st, str_of("big"), v, len);
    sl_free(v);
    be->close(st);
}

Test(kv, binary_value_with_nul_bytes)
{
    static const unsigned char v[] = {0, 'a', 0, 0, 0xff, 0xfe, '\n', 0, 0x80, 0};
    struct sl_kv_store *st = open_store("binary");
    set_bytes(st, str_of("bin"), v, sizeof(v));
    expect_bytes(st, str_of("bin"), v, sizeof(v));
    unsigned char all[256];
    for (size_t i = 0; i < sizeof(all); i++)
        all[i] = (unsigned char)i;
    set_bytes(st, str_of("all"), all, sizeof(all));
    expect_bytes(st, str_of("all"), all, sizeof(all));
    be->close(st);
}

Test(kv, unicode_keys)
{
    static const char *const keys[] = {"clé", "ключ", "鍵", "🔑 emoji", "Ünïcödé-ß", "a b\tc"};
    struct sl_kv_store *st = open_store("unicode");
    for (size_t i = 0; i < SL_ARRAY_SIZE(keys); i++)
        set_str(st, keys[i], keys[(i + 1) % SL_ARRAY_SIZE(keys)]);
    for (size_t i = 0; i < SL_ARRAY_SIZE(keys); i++)
        expect_str(st, keys[i], keys[(i + 1) % SL_ARRAY_SIZE(keys)]);
    expect_keys(st, keys, SL_ARRAY_SIZE(keys));
    be->close(st);

    /* A unicode open name too. */
    st = open_store("boîte-à-clés");
    set_str(st, "k", "v");
    expect_str(st, "k", "v");
    be->close(st);
}

Test(kv, key_not_found)
{
    struct sl_kv_store *st = open_store("notfound");
    expect_missing(st, "nope");
    set_str(st, "yes", "1");
    expect_missing(st, "ye");
    expect_missing(st, "yes2");
    del_key(st, "yes");
    expect_missing(st, "yes");
    /* Deleting a missing key is not an error, twice. */
    del_key(st, "yes");
    del_key(st, "never-set");
    be->close(st);
}

Test(kv, overwrite_replaces)
{
    struct sl_kv_store *st = open_store("overwrite");
    set_str(st, "k", "a much longer first value");
    set_str(st, "k", "short");
    expect_str(st, "k", "short");
    set_str(st, "k", "a much longer third value, longer than the first one");
    expect_str(st, "k", "a much longer third value, longer than the first one");
    const char *one[] = {"k"};
    expect_keys(st, one, 1);
    be->close(st);
}

Test(kv, many_keys)
{
    enum { N = 2000 };
    struct sl_kv_store *st = open_store("many");
    char key[32], val[32];
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof(key), "key-%05d", i);
        snprintf(val, sizeof(val), "value-%d", i * 7);
        set_str(st, key, val);
    }
    struct sl_strvec sv = SL_STRVEC_INIT;
    get_keys(st, &sv);
    cr_assert_eq(sv.n, N, "keys: %zu keys, expected %d", sv.n, N);
    unsigned char *seen = sl_calloc(N, 1);
    cr_assert_not_null(seen);
    for (size_t i = 0; i < sv.n; i++) {
        int k = -1;
        cr_assert_eq(sscanf(sv.v[i].ptr, "key-%d", &k), 1, "unexpected key '%s'", sv.v[i].ptr);
        cr_assert(k >= 0 && k < N && !seen[k], "key '%s' unexpected or listed twice", sv.v[i].ptr);
        seen[k] = 1;
    }
    sl_free(seen);
    sl_strvec_release(&sv);
    for (int i = 0; i < N; i += 97) {
        snprintf(key, sizeof(key), "key-%05d", i);
        snprintf(val, sizeof(val), "value-%d", i * 7);
        expect_str(st, key, val);
    }
    be->close(st);
}

Test(kv, open_names_are_isolated)
{
    /* "app" is a prefix of the other name: a backend mapping keys to "<name>:<key>" strings
     * or "<name>/" paths must still keep them apart. */
    struct sl_kv_store *a = open_store("app");
    struct sl_kv_store *b = open_store("app2");
    set_str(a, "k", "from a");
    set_str(b, "k", "from b");
    set_str(a, "only-a", "1");
    set_str(b, "only-b", "2");
    expect_str(a, "k", "from a");
    expect_str(b, "k", "from b");
    expect_missing(a, "only-b");
    expect_missing(b, "only-a");
    const char *ka[] = {"k", "only-a"};
    const char *kb[] = {"k", "only-b"};
    expect_keys(a, ka, 2);
    expect_keys(b, kb, 2);
    del_key(a, "k");
    expect_missing(a, "k");
    expect_str(b, "k", "from b");
    be->close(a);
    be->close(b);
}

Test(kv, stores_of_one_name_share_data)
{
    struct sl_kv_store *a = open_store("shared");
    set_str(a, "k", "v");
    struct sl_kv_store *b = open_store("shared");
    expect_str(b, "k", "v");
    set_str(b, "k", "w");
    expect_str(a, "k", "w");
    be->close(a);
    be->close(b);
    /* And after every store of the name is closed. */
    a = open_store("shared");
    expect_str(a, "k", "w");
    be->close(a);
}

Test(kv, errors_name_the_resource)
{
    struct sl_kv_store *st = open_store("msgs");
    struct sl_buf val = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(be->get(st, str_of("missing"), &val, &err), SL_ENOTFOUND);
    cr_assert_eq(strncmp(err.msg, resource, strlen(resource)), 0, "message '%s'", err.msg);
    cr_assert_eq(strncmp(err.msg + strlen(resource), ": ", 2), 0, "message '%s'", err.msg);
    be->close(st);
    be->close(NULL);
}

/* ---- four threads, each with its own store of one open name --------------- */

enum { THREADS = 4, PER_THREAD = 150 };

struct worker {
    pthread_t tid;
    int id;
    char failure[600]; /* empty when the worker succeeded */
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct sl_kv_store *st = NULL;
    struct sl_error err = SL_ERROR_INIT;
    struct sl_buf val = SL_BUF_INIT;
    char key[32], v[64], name[64];
    if (be->open(&cfg, str_of(store_name("threads", name, sizeof(name))), &st, &err) != SL_OK) {
        snprintf(w->failure, sizeof(w->failure), "open: %s", err.msg);
        return NULL;
    }
    for (int i = 0; i < PER_THREAD && w->failure[0] == '\0'; i++) {
        snprintf(key, sizeof(key), "t%d-%d", w->id, i);
        snprintf(v, sizeof(v), "value %d of thread %d", i, w->id);
        sl_buf_reset(&val);
        if (be->set(st, str_of(key), str_of(v), &err) != SL_OK)
            snprintf(w->failure, sizeof(w->failure), "set %s: %s", key, err.msg);
        else if (be->set(st, str_of("common"), str_of(v), &err) != SL_OK)
            snprintf(w->failure, sizeof(w->failure), "set common: %s", err.msg);
        else if (be->get(st, str_of(key), &val, &err) != SL_OK)
            snprintf(w->failure, sizeof(w->failure), "get %s: %s", key, err.msg);
        else if (val.len != strlen(v) || memcmp(val.data, v, val.len) != 0)
            snprintf(w->failure, sizeof(w->failure), "get %s: wrong value", key);
        else if (i % 3 == 0 && be->del(st, str_of(key), &err) != SL_OK)
            snprintf(w->failure, sizeof(w->failure), "delete %s: %s", key, err.msg);
    }
    sl_buf_release(&val);
    be->close(st);
    return NULL;
}

Test(kv, four_threads)
{
    struct worker w[THREADS];
    memset(w, 0, sizeof(w));
    for (int i = 0; i < THREADS; i++) {
        w[i].id = i;
        cr_assert_eq(pthread_create(&w[i].tid, NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(w[i].tid, NULL);
    for (int i = 0; i < THREADS; i++)
        cr_assert_str_empty(w[i].failure, "thread %d: %s", i, w[i].failure);

    struct sl_kv_store *st = open_store("threads");
    struct sl_strvec sv = SL_STRVEC_INIT;
    get_keys(st, &sv);
    size_t want = 1;
    char key[32], v[64];
    for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < PER_THREAD; i++) {
            snprintf(key, sizeof(key), "t%d-%d", t, i);
            if (i % 3 == 0) {
                cr_assert_eq(count_key(&sv, key), 0, "deleted key '%s' is listed", key);
                continue;
            }
            want++;
            cr_assert_eq(count_key(&sv, key), 1, "key '%s' listed %zu times", key,
                         count_key(&sv, key));
            snprintf(v, sizeof(v), "value %d of thread %d", i, t);
            expect_str(st, key, v);
        }
    }
    cr_assert_eq(sv.n, want, "keys: %zu, expected %zu", sv.n, want);
    /* "common" holds one thread's last value, whole. */
    struct sl_buf val = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(be->get(st, str_of("common"), &val, &err), SL_OK, "%s", err.msg);
    bool whole = false;
    for (int t = 0; t < THREADS; t++) {
        snprintf(v, sizeof(v), "value %d of thread %d", PER_THREAD - 1, t);
        whole |= strcmp(sl_buf_cstr(&val), v) == 0;
    }
    cr_assert(whole, "common = '%s'", sl_buf_cstr(&val));
    sl_buf_release(&val);
    sl_strvec_release(&sv);
    be->close(st);
}

/* ---- filesystem: names never leave BASE_DIR -------------------------------- */

static bool exists_in_tmp(const char *rel)
{
    char p[768];
    snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
    struct stat sb;
    return lstat(p, &sb) == 0;
}

static void write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(content, f);
    cr_assert_eq(fclose(f), 0);
}

static void expect_file(const char *path, const char *content)
{
    char buf[256] = {0};
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    cr_assert_eq(n, strlen(content), "%s: %zu bytes", path, n);
    cr_assert_str_eq(buf, content);
}

static void expect_invalid_key(struct sl_kv_store *st, struct sl_str key)
{
    struct sl_error err = SL_ERROR_INIT;
    struct sl_buf val = SL_BUF_INIT;
    sl_err rc = be->get(st, key, &val, &err);
    cr_assert_eq(rc, SL_EINVALKEY, "get '%.*s': %s (%s)", (int)key.len, key.ptr, sl_err_str(rc),
                 err.msg);
    cr_assert_eq(strncmp(err.msg, "keyvalue.filesystem: invalid key", 32), 0, "%s", err.msg);
    rc = be->set(st, key, str_of("pwned"), &err);
    cr_assert_eq(rc, SL_EINVALKEY, "set '%.*s': %s (%s)", (int)key.len, key.ptr, sl_err_str(rc),
                 err.msg);
    rc = be->del(st, key, &err);
    cr_assert_eq(rc, SL_EINVALKEY, "delete '%.*s': %s (%s)", (int)key.len, key.ptr, sl_err_str(rc),
                 err.msg);
    sl_buf_release(&val);
}

Test(kv, fs_traversal_keys)
{
    only_on("filesystem", NULL, "filesystem only");
    struct sl_kv_store *st = open_store("trav");
    set_str(st, "ok", "1"); /* the store directory exists, so ../ would resolve */
    static const char *const bad[] = {
        "../x", "/etc/passwd", "a/../../b",    ".", "..", "", "../../../../../../tmp/sl-kv-pwned",
        "a/b",  "./x",         ".slkv-tmp.1.2"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++)
        expect_invalid_key(st, str_of(bad[i]));
    expect_invalid_key(st, (struct sl_str){"a\0b", 3});
    char longkey[300];
    memset(longkey, 'k', sizeof(longkey) - 1);
    longkey[sizeof(longkey) - 1] = '\0';
    expect_invalid_key(st, str_of(longkey));
    cr_assert(!exists_in_tmp("base/x"));
    cr_assert(!exists_in_tmp("x"));
    cr_assert(!exists_in_tmp("b"));
    cr_assert(!exists_in_tmp("base/b"));
    cr_assert(!exists_in_tmp("base/trav/a"));
    struct stat sb;
    cr_assert(lstat("/tmp/sl-kv-pwned", &sb) != 0);
    const char *one[] = {"ok"};
    expect_keys(st, one, 1);
    be->close(st);
}

Test(kv, fs_traversal_open_names)
{
    only_on("filesystem", NULL, "filesystem only");
    static const char *const bad[] = {"../x", "/etc", "a/b", "", ".", "..", "a/../../b"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++) {
        struct sl_kv_store *st = (struct sl_kv_store *)&st; /* must be reset to NULL */
        struct sl_error err = SL_ERROR_INIT;
        sl_err rc = be->open(&cfg, str_of(bad[i]), &st, &err);
        cr_assert_eq(rc, SL_EINVALKEY, "open '%s': %s (%s)", bad[i], sl_err_str(rc), err.msg);
        cr_assert_null(st);
        cr_assert_eq(strncmp(err.msg, "keyvalue.filesystem: invalid store name", 39), 0, "%s",
                     err.msg);
    }
    cr_assert(!exists_in_tmp("x"));
}

Test(kv, fs_symlinks_are_refused)
{
    only_on("filesystem", NULL, "filesystem only");
    char outside[600], link[600], dirlink[600], p[700];
    snprintf(outside, sizeof(outside), "%s/outside", tmpdir);
    write_file(outside, "secret");
    struct sl_kv_store *st = open_store("links");
    set_str(st, "real", "1");
    snprintf(link, sizeof(link), "%s/links/evil", base_dir);
    cr_assert_eq(symlink(outside, link), 0);
    snprintf(dirlink, sizeof(dirlink), "%s/links/evildir", base_dir);
    cr_assert_eq(symlink(tmpdir, dirlink), 0);

    expect_invalid_key(st, str_of("evil"));
    expect_invalid_key(st, str_of("evildir"));
    expect_file(outside, "secret");
    struct stat sb;
    cr_assert_eq(lstat(link, &sb), 0, "the link was removed");
    cr_assert(S_ISLNK(sb.st_mode));
    snprintf(p, sizeof(p), "%s/pwned", tmpdir);
    cr_assert(lstat(p, &sb) != 0);
    const char *one[] = {"real"};
    expect_keys(st, one, 1);
    be->close(st);
}

Test(kv, fs_symlinked_store_directory)
{
    only_on("filesystem", NULL, "filesystem only");
    char elsewhere[600], link[600], p[700];
    snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", tmpdir);
    cr_assert_eq(mkdir(elsewhere, 0700), 0);
    cr_assert_eq(mkdir(base_dir, 0700), 0);
    snprintf(link, sizeof(link), "%s/linked", base_dir);
    cr_assert_eq(symlink(elsewhere, link), 0);

    struct sl_kv_store *st = (struct sl_kv_store *)&st;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(be->open(&cfg, str_of("linked"), &st, &err), SL_EINVALKEY, "%s", err.msg);
    cr_assert_null(st);

    /* Swapped for a link after open: every operation refuses it. */
    st = open_store("swapped");
    set_str(st, "k", "v");
    snprintf(p, sizeof(p), "%s/swapped/k", base_dir);
    cr_assert_eq(unlink(p), 0);
    snprintf(p, sizeof(p), "%s/swapped", base_dir);
    cr_assert_eq(rmdir(p), 0);
    cr_assert_eq(symlink(elsewhere, p), 0);
    struct sl_buf val = SL_BUF_INIT;
    cr_assert_eq(be->set(st, str_of("k"), str_of("pwned"), &err), SL_EINVALKEY, "%s", err.msg);
    cr_assert_eq(be->get(st, str_of("k"), &val, &err), SL_EINVALKEY, "%s", err.msg);
    struct sl_strvec sv = SL_STRVEC_INIT;
    cr_assert_eq(be->keys(st, &sv, &err), SL_EINVALKEY, "%s", err.msg);
    snprintf(p, sizeof(p), "%s/k", elsewhere);
    struct stat sb;
    cr_assert(lstat(p, &sb) != 0, "a key was written through the link");
    be->close(st);
}

Test(kv, fs_reads_slight_layout)
{
    only_on("filesystem", NULL, "filesystem only");
    /* As slight v0.5.1 left it: $TMPDIR/<open name>/<key>, plain files, maybe a directory. */
    char dir[600], p[700];
    snprintf(dir, sizeof(dir), "%s/myapp", tmpdir);
    cr_assert_eq(mkdir(dir, 0755), 0);
    snprintf(p, sizeof(p), "%s/foo", dir);
    write_file(p, "bar");
    snprintf(p, sizeof(p), "%s/empty", dir);
    write_file(p, "");
    snprintf(p, sizeof(p), "%s/sub", dir);
    cr_assert_eq(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/.slkv-tmp.123.4", dir); /* a crashed writer's leftover */
    write_file(p, "partial");
    snprintf(p, sizeof(p), "%s/latin1-\xe9", dir); /* not UTF-8: not a key of the interface */
    write_file(p, "x");

    /* No BASE_DIR: $TMPDIR, as slight. */
    setenv("TMPDIR", tmpdir, 1);
    struct sl_config bare = {.resource = resource, .name = "kv", .dir = tmpdir};
    struct sl_kv_store *st = open_cfg(&bare, "myapp");
    expect_str(st, "foo", "bar");
    expect_str(st, "empty", "");
    const char *keys[] = {"foo", "empty"};
    expect_keys(st, keys, 2);
    set_str(st, "new", "written");
    snprintf(p, sizeof(p), "%s/new", dir);
    expect_file(p, "written");
    be->close(st);

    /* Neither TMPDIR nor BASE_DIR: /tmp. */
    unsetenv("TMPDIR");
    char name[64];
    snprintf(name, sizeof(name), "sl-kv-test-%ld", (long)getpid());
    st = open_cfg(&bare, name);
    set_str(st, "k", "v");
    snprintf(p, sizeof(p), "/tmp/%s/k", name);
    expect_file(p, "v");
    del_key(st, "k");
    snprintf(p, sizeof(p), "/tmp/%s", name);
    rmdir(p);
    be->close(st);
}

Test(kv, fs_no_temp_files_left)
{
    only_on("filesystem", NULL, "filesystem only");
    struct sl_kv_store *st = open_store("clean");
    for (int i = 0; i < 20; i++)
        set_str(st, i % 2 ? "a" : "b", "value");
    be->close(st);
    char p[700];
    snprintf(p, sizeof(p), "%s/clean", base_dir);
    int n = 0;
    struct dirent **list = NULL;
    int m = scandir(p, &list, NULL, alphasort);
    cr_assert_eq(m, 4, "%d entries in the store directory", m);
    for (int i = 0; i < m; i++) {
        n += list[i]->d_name[0] != '.';
        free(list[i]);
    }
    free(list);
    cr_assert_eq(n, 2);
}

Test(kv, fs_relative_base_dir)
{
    only_on("filesystem", NULL, "filesystem only");
    struct sl_config_value v = {"BASE_DIR", "rel/data"};
    struct sl_config c = {
        .resource = resource, .name = "kv", .dir = tmpdir, .values = &v, .nvalues = 1};
    struct sl_kv_store *st = open_cfg(&c, "r");
    set_str(st, "k", "v");
    cr_assert(exists_in_tmp("rel/data/r/k"));
    be->close(st);
}

/* ---- sqlite: the default file and its mode -------------------------------- */

Test(kv, sqlite_default_path_and_wal)
{
    only_on("sqlite", NULL, "sqlite only");
#if SL_HAVE_KV_SQLITE
    struct sl_config bare = {.resource = resource, .name = "kv", .dir = tmpdir};
    struct sl_kv_store *st = open_cfg(&bare, "defaults");
    set_str(st, "k", "v");
    cr_assert(exists_in_tmp(".slight/keyvalue.db"));
    char p[700];
    snprintf(p, sizeof(p), "%s/.slight/keyvalue.db", tmpdir);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(stmt), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(stmt, 0), "wal");
    sqlite3_finalize(stmt);
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT value FROM kv WHERE name = 'defaults' AND key = 'k'",
                                    -1, &stmt, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(stmt), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_bytes(stmt, 0), 1);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    be->close(st);
#endif
}

Test(kv, sqlite_unwritable_path_is_io_error)
{
    only_on("sqlite", NULL, "sqlite only");
    char p[700];
    snprintf(p, sizeof(p), "%s/file", tmpdir);
    write_file(p, "x");
    struct sl_config_value v = {"SQLITE_PATH", "file/sub/kv.db"}; /* a file as a parent dir */
    struct sl_config c = {
        .resource = resource, .name = "kv", .dir = tmpdir, .values = &v, .nvalues = 1};
    struct sl_kv_store *st = (struct sl_kv_store *)&st;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(be->open(&c, str_of("x"), &st, &err), SL_EIO, "%s", err.msg);
    cr_assert_null(st);
    cr_assert_eq(strncmp(err.msg, "keyvalue.sqlite: ", 17), 0, "%s", err.msg);
    cr_assert(strstr(err.msg, "file/sub") != NULL, "%s", err.msg);
}

/* ---- kill -9 during a write loop (filesystem, sqlite) ----------------------- */

/* Size of the value of write i: 4 B to 64 KiB, varied so torn writes show. */
static size_t crash_len(uint32_t i)
{
    return 4 + (size_t)((i * 7919u) % 65533u);
}

/* The value of write i: i itself, then bytes derived from i. */
static void crash_value(uint32_t i, unsigned char *p)
{
    fill(p, crash_len(i), i);
    memcpy(p, &i, sizeof(i));
}

/* The child: set k<i> and "hot", then report i as acknowledged. Never returns. */
static void crash_child(int wfd)
{
    struct sl_kv_store *st = NULL;
    struct sl_error err = SL_ERROR_INIT;
    unsigned char *v = sl_malloc(65536 + 8);
    if (v == NULL || be->open(&cfg, str_of("crash"), &st, &err) != SL_OK)
        _exit(2);
    char key[32];
    for (uint32_t i = 0;; i++) {
        crash_value(i, v);
        snprintf(key, sizeof(key), "k%u", i);
        if (be->set(st, str_of(key), (struct sl_str){(const char *)v, crash_len(i)}, &err) != SL_OK)
            _exit(3);
        if (be->set(st, str_of("hot"), (struct sl_str){(const char *)v, crash_len(i)}, &err)
            != SL_OK)
            _exit(3);
        if (write(wfd, &i, sizeof(i)) != (ssize_t)sizeof(i))
            _exit(4);
    }
}

/* Asserts key holds the whole value of some write j >= min; returns j. */
static uint32_t expect_whole(struct sl_kv_store *st, const char *key, uint32_t min)
{
    struct sl_buf val = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(be->get(st, str_of(key), &val, &err), SL_OK, "acknowledged '%s' lost: %s", key,
                 err.msg);
    uint32_t j = 0;
    cr_assert_geq(val.len, sizeof(j), "'%s' torn: %zu bytes", key, val.len);
    memcpy(&j, val.data, sizeof(j));
    cr_assert_geq(j, min, "'%s' holds write %u, older than acknowledged %u", key, j, min);
    unsigned char *want = sl_malloc(65536 + 8);
    cr_assert_not_null(want);
    crash_value(j, want);
    cr_assert_eq(val.len, crash_len(j), "'%s' torn: %zu bytes, write %u had %zu", key, val.len, j,
                 crash_len(j));
    cr_assert_eq(memcmp(val.data, want, val.len), 0, "'%s' torn: bytes differ", key);
    sl_free(want);
    sl_buf_release(&val);
    return j;
}

Test(kv, crash_keeps_acknowledged_writes, .timeout = 120)
{
    only_on("filesystem", "sqlite", "a crash loses everything in memory by design");
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        close(fds[0]);
        crash_child(fds[1]);
    }
    close(fds[1]);
    /* $SL_KV_CRASH_MS: how long the writer runs (bench/keyvalue/crash.sh varies it). */
    const char *ms_env = getenv("SL_KV_CRASH_MS");
    long ms = ms_env != NULL ? strtol(ms_env, NULL, 10) : 300;
    if (ms <= 0 || ms > 20000)
        ms = 300;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000 * 1000};
    nanosleep(&ts, NULL);
    cr_assert_eq(kill(pid, SIGKILL), 0);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "the writer ended on its own (status %d) before the kill", status);

    uint32_t n = 0;
    uint32_t i;
    ssize_t r;
    while ((r = read(fds[0], &i, sizeof(i))) == (ssize_t)sizeof(i)) {
        cr_assert_eq(i, n, "acknowledgements out of order");
        n++;
    }
    close(fds[0]);
    cr_assert_gt(n, 0, "no write was acknowledged in %ld ms", ms);
    cr_log_info("%u writes acknowledged in %ld ms before kill -9", n, ms);

    struct sl_kv_store *st = open_store("crash");
    char key[32];
    for (i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "k%u", i);
        cr_assert_eq(expect_whole(st, key, i), i);
    }
    expect_whole(st, "hot", n - 1);
    /* The write in flight is absent or whole; nothing else exists. */
    struct sl_strvec sv = SL_STRVEC_INIT;
    get_keys(st, &sv);
    cr_assert(sv.n == n + 1 || sv.n == n + 2, "%zu keys after %u acknowledged writes", sv.n, n);
    if (sv.n == n + 2) {
        snprintf(key, sizeof(key), "k%u", n);
        cr_assert_eq(count_key(&sv, key), 1, "unexpected extra key");
        expect_whole(st, key, n);
    }
    sl_strvec_release(&sv);
    /* The store is still writable after the crash. */
    set_str(st, "after", "crash");
    expect_str(st, "after", "crash");
    be->close(st);
}
