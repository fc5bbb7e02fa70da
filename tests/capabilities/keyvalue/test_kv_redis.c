/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_kv_redis.c -- keyvalue.redis against real Redis servers: the shared
 * one of tools/services.sh ($SLIGHT_TEST_REDIS) for the conformance cases,
 * and private redis-server processes started here for a restart, a
 * password and a unix socket. REDIS_ADDRESS parsing is tested without a
 * server. Without $SLIGHT_TEST_REDIS the server cases skip, or fail under
 * CI=true.
 */
#include "sl_common.h"

#include "capabilities/keyvalue/kv_backend.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/mem.h"
#include "common/strvec.h"
#include "net/redis_conn.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern const struct sl_kv_backend sl_kv_backend_redis;
static const struct sl_kv_backend *be = &sl_kv_backend_redis;

/* ---- helpers ------------------------------------------------------------ */

static bool in_ci(void)
{
    const char *ci = getenv("CI");
    return ci != NULL && ci[0] != '\0' && strcmp(ci, "false") != 0 && strcmp(ci, "0") != 0;
}

/* The shared server's address, or the test skips (fails under CI). */
static const char *shared_redis(void)
{
    const char *url = getenv("SLIGHT_TEST_REDIS");
    if (url != NULL && url[0] != '\0')
        return url;
    if (in_ci())
        cr_assert_fail(
            "SLIGHT_TEST_REDIS is not set: CI must start Redis (tools/services.sh start)");
    cr_skip_test("SLIGHT_TEST_REDIS is not set: start a server with "
                 "eval \"$(tools/services.sh start)\" to run the Redis tests");
    return NULL;
}

static void need_redis_server(void)
{
    if (system("command -v redis-server >/dev/null 2>&1") == 0)
        return;
    if (in_ci())
        cr_assert_fail("redis-server is not installed (apt-get install redis-server)");
    cr_skip_test("redis-server is not installed");
}

static struct sl_str str_of(const char *s)
{
    return (struct sl_str){s, strlen(s)};
}

/* A config with REDIS_ADDRESS = url and, when not NULL, REDIS_TIMEOUT = timeout. */
struct cfg {
    struct sl_config_value values[2];
    struct sl_config c;
};

static void cfg_init(struct cfg *k, const char *url, const char *timeout)
{
    k->values[0] = (struct sl_config_value){"REDIS_ADDRESS", url};
    k->values[1] = (struct sl_config_value){"REDIS_TIMEOUT", timeout};
    k->c = (struct sl_config){.resource = "keyvalue.redis",
                              .name = "kv",
                              .dir = ".",
                              .values = k->values,
                              .nvalues = timeout ? 2 : 1};
}

static struct sl_kv_store *open_at(const char *url, const char *timeout, const char *name)
{
    struct cfg k;
    cfg_init(&k, url, timeout);
    struct sl_kv_store *st = NULL;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = be->open(&k.c, str_of(name), &st, &err);
    cr_assert_eq(rc, SL_OK, "open '%s': %s", name, err.msg);
    st->backend = be;
    return st;
}

/* A name no other test run uses, so tests may share one server. */
static const char *uniq(const char *base)
{
    static char names[8][128];
    static int next;
    char *n = names[next++ % 8];
    snprintf(n, sizeof(names[0]), "%s-%d-%ld", base, (int)getpid(), (long)time(NULL));
    return n;
}

static sl_err kv_set(struct sl_kv_store *st, const char *key, const void *v, size_t len,
                     struct sl_error *err)
{
    return be->set(st, str_of(key), (struct sl_str){v, len}, err);
}

static void set_ok(struct sl_kv_store *st, const char *key, const char *val)
{
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(kv_set(st, key, val, strlen(val), &err), SL_OK, "set '%s': %s", key, err.msg);
}

static void get_eq(struct sl_kv_store *st, const char *key, const void *want, size_t len)
{
    struct sl_buf v = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(be->get(st, str_of(key), &v, &err), SL_OK, "get '%s': %s", key, err.msg);
    cr_assert_eq(v.len, len, "get '%s': %zu bytes, expected %zu", key, v.len, len);
    cr_assert(len == 0 || memcmp(v.data, want, len) == 0, "get '%s': wrong bytes", key);
    sl_buf_release(&v);
}

static sl_err get_rc(struct sl_kv_store *st, const char *key, struct sl_error *err)
{
    struct sl_buf v = SL_BUF_INIT;
    sl_err rc = be->get(st, str_of(key), &v, err);
    sl_buf_release(&v);
    return rc;
}

static void keys_of(struct sl_kv_store *st, struct sl_strvec *out)
{
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(be->keys(st, out, &err), SL_OK, "keys: %s", err.msg);
}

/* Deletes every key of the store (tests clean up after themselves). */
static void wipe_store(struct sl_kv_store *st)
{
    struct sl_strvec ks = SL_STRVEC_INIT;
    keys_of(st, &ks);
    for (size_t i = 0; i < ks.n; i++) {
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(be->del(st, ks.v[i], &err), SL_OK, "%s", err.msg);
    }
    sl_strvec_release(&ks);
}

static void close_store(struct sl_kv_store *st)
{
    wipe_store(st);
    be->close(st);
}

static void fini(void)
{
    be->shutdown();
}

/* ---- private servers ---------------------------------------------------- */

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    cr_assert(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    cr_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    close(fd);
    return ntohs(a.sin_port);
}

struct server {
    pid_t pid;
    int port;
    char dir[64];
    char sock[128];
};

static bool server_ready(const struct server *s)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd),
             "redis-cli -h 127.0.0.1 -p %d ping 2>/dev/null | grep -Eq 'PONG|NOAUTH'", s->port);
    return system(cmd) == 0;
}

/* Starts redis-server on s->port (picked when 0) with extra arguments (NULL-terminated). */
static void server_start(struct server *s, const char *const *extra)
{
    need_redis_server();
    if (s->port == 0)
        s->port = free_port();
    if (s->dir[0] == '\0') {
        snprintf(s->dir, sizeof(s->dir), "/tmp/sl-redis-XXXXXX");
        cr_assert_not_null(mkdtemp(s->dir));
    }
    char port[16];
    snprintf(port, sizeof(port), "%d", s->port);
    const char *argv[32] = {"redis-server", "--port", port, "--bind",       "127.0.0.1", "--dir",
                            s->dir,         "--save", "",   "--appendonly", "no"};
    size_t n = 11;
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    s->pid = fork();
    cr_assert(s->pid >= 0);
    if (s->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a failed test */
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execvp("redis-server", (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        if (server_ready(s))
            return;
        usleep(50 * 1000);
    }
    cr_assert_fail("redis-server on port %d did not start", s->port);
}

static void server_stop(struct server *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

static void server_cleanup(struct server *s)
{
    server_stop(s);
    if (s->dir[0] != '\0') {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
        cr_assert_eq(system(cmd), 0);
    }
}

/* The test's private server: fini stops it even when an assertion failed. */
static struct server srv;

static void srv_fini(void)
{
    server_cleanup(&srv);
    be->shutdown();
}

/* ---- REDIS_ADDRESS (no server) ------------------------------------------ */

TestSuite(redis_addr);

Test(redis_addr, forms)
{
    struct sl_redis_addr a;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_redis_addr_parse("r", "redis://127.0.0.1", &a, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(a.host, "127.0.0.1");
    cr_assert_eq(a.port, 6379);
    cr_assert_eq(a.db, 0);
    cr_assert_null(a.password);
    cr_assert_str_eq(a.where, "127.0.0.1:6379");
    sl_redis_addr_release(&a);

    cr_assert_eq(sl_redis_addr_parse("r", "redis://us%3Aer:p%40ss@w@localhost:7000/3", &a, &err),
                 SL_OK, "%s", err.msg);
    cr_assert_str_eq(a.user, "us:er");
    cr_assert_str_eq(a.password, "p@ss@w");
    cr_assert_str_eq(a.host, "localhost");
    cr_assert_eq(a.port, 7000);
    cr_assert_eq(a.db, 3);
    cr_assert_str_eq(a.where, "localhost:7000");
    sl_redis_addr_release(&a);

    cr_assert_eq(sl_redis_addr_parse("r", "REDIS://:pw@[::1]:6380?db=2", &a, &err), SL_OK, "%s",
                 err.msg);
    cr_assert_null(a.user);
    cr_assert_str_eq(a.password, "pw");
    cr_assert_str_eq(a.host, "::1");
    cr_assert_eq(a.port, 6380);
    cr_assert_eq(a.db, 2);
    cr_assert_str_eq(a.where, "[::1]:6380");
    sl_redis_addr_release(&a);

    cr_assert_eq(sl_redis_addr_parse("r", "unix:/run/redis.sock", &a, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(a.transport, SL_REDIS_UNIX);
    cr_assert_str_eq(a.path, "/run/redis.sock");
    cr_assert_str_eq(a.where, "unix:/run/redis.sock");
    sl_redis_addr_release(&a);

    cr_assert_eq(sl_redis_addr_parse("r", "unix:///run/r.sock?db=5", &a, &err), SL_OK, "%s",
                 err.msg);
    cr_assert_str_eq(a.path, "/run/r.sock");
    cr_assert_eq(a.db, 5);
    sl_redis_addr_release(&a);

    cr_assert_eq(sl_redis_addr_parse("r", "unix://:sekrit@/run/r.sock", &a, &err), SL_OK, "%s",
                 err.msg);
    cr_assert_str_eq(a.password, "sekrit");
    cr_assert_str_eq(a.path, "/run/r.sock");
    sl_redis_addr_release(&a);
}

Test(redis_addr, errors_never_show_the_password)
{
    static const char *const bad[] = {
        "redis://:sekrit@host:0",
        "redis://:sekrit@host:99999",
        "redis://:sekrit@host:x",
        "redis://:sekrit@",
        "redis://:sekrit@[::1",
        "redis://:sekrit@h/x",
        "redis://:sekr%zzit@h",
        "http://:sekrit@h",
        "unix::sekrit@relative",
        "redis://:sekrit@h?db=minus",
        "sekrit",
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++) {
        struct sl_redis_addr a;
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(sl_redis_addr_parse("keyvalue.redis", bad[i], &a, &err), SL_ECONFIG,
                     "'%s' accepted", bad[i]);
        cr_assert(strncmp(err.msg, "keyvalue.redis: ", 16) == 0, "%s", err.msg);
        cr_assert_null(strstr(err.msg, "sekr"), "password in '%s'", err.msg);
        cr_assert_null(a.host);
    }
    struct sl_redis_addr a;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_redis_addr_parse("keyvalue.redis", "rediss://:sekrit@h", &a, &err), SL_ECONFIG);
    cr_assert_not_null(strstr(err.msg, "TLS"), "%s", err.msg);
    cr_assert_null(strstr(err.msg, "sekr"));
}

Test(redis_addr, open_checks_config_but_does_not_connect, .fini = fini)
{
    /* nothing listens on port 1: open still succeeds (lazy connect) */
    struct sl_kv_store *st = open_at("redis://127.0.0.1:1", "1s", "n");
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(get_rc(st, "k", &err), SL_ECONN);
    cr_assert_not_null(strstr(err.msg, "keyvalue.redis: cannot connect to '127.0.0.1:1'"), "%s",
                       err.msg);
    be->close(st);

    struct cfg k;
    cfg_init(&k, "redis://127.0.0.1:1", "soon");
    st = NULL;
    cr_assert_eq(be->open(&k.c, str_of("n"), &st, &err), SL_ECONFIG);
    cr_assert_null(st);
    cr_assert_not_null(strstr(err.msg, "REDIS_TIMEOUT"), "%s", err.msg);
    cfg_init(&k, "rediss://h", NULL);
    cr_assert_eq(be->open(&k.c, str_of("n"), &st, &err), SL_ECONFIG);
    cr_assert_null(st);
}

/* ---- conformance against the shared server ------------------------------ */

TestSuite(kv_redis, .fini = fini);

Test(kv_redis, get_set_delete_keys_overwrite)
{
    struct sl_kv_store *st = open_at(shared_redis(), NULL, uniq("basic"));
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(get_rc(st, "k1", &err), SL_ENOTFOUND);
    cr_assert_str_eq(err.msg, "keyvalue.redis: key 'k1' not found");
    set_ok(st, "k1", "v1");
    get_eq(st, "k1", "v1", 2);
    set_ok(st, "k1", "second");
    get_eq(st, "k1", "second", 6);
    set_ok(st, "k2", "v2");
    struct sl_strvec ks = SL_STRVEC_INIT;
    keys_of(st, &ks);
    cr_assert_eq(ks.n, 2);
    cr_assert(sl_strvec_has(&ks, "k1", 2) && sl_strvec_has(&ks, "k2", 2));
    sl_strvec_release(&ks);
    cr_assert_eq(be->del(st, str_of("k1"), &err), SL_OK, "%s", err.msg);
    cr_assert_eq(get_rc(st, "k1", &err), SL_ENOTFOUND);
    cr_assert_eq(be->del(st, str_of("k1"), &err), SL_OK, "deleting a missing key: %s", err.msg);
    keys_of(st, &ks);
    cr_assert_eq(ks.n, 1);
    cr_assert_str_eq(ks.v[0].ptr, "k2");
    sl_strvec_release(&ks);
    close_store(st);
}

Test(kv_redis, empty_value_is_a_value)
{
    struct sl_kv_store *st = open_at(shared_redis(), NULL, uniq("empty"));
    set_ok(st, "e", "");
    get_eq(st, "e", "", 0);
    struct sl_strvec ks = SL_STRVEC_INIT;
    keys_of(st, &ks);
    cr_assert_eq(ks.n, 1);
    sl_strvec_release(&ks);
    close_store(st);
}

Test(kv_redis, binary_and_large_values)
{
    struct sl_kv_store *st = open_at(shared_redis(), NULL, uniq("bin"));
    static const char nul[] = "a\0b\0\0c\r\n$-1\r\n";
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(kv_set(st, "nul", nul, sizeof(nul), &err), SL_OK, "%s", err.msg);
    get_eq(st, "nul", nul, sizeof(nul));
    size_t big = 1024 * 1024;
    unsigned char *v = sl_malloc(big);
    for (size_t i = 0; i < big; i++)
        v[i] = (unsigned char)(i * 7 + i / 256);
    cr_assert_eq(kv_set(st, "big", v, big, &err), SL_OK, "%s", err.msg);
    get_eq(st, "big", v, big);
    sl_free(v);
    close_store(st);
}

Test(kv_redis, unicode_and_odd_keys)
{
    struct sl_kv_store *st = open_at(shared_redis(), NULL, uniq("uni"));
    static const char *const keys[] = {"ключ", "键", "🔑 key", "a:b:c", "*", "a?[x]\\", " sp "};
    for (size_t i = 0; i < SL_ARRAY_SIZE(keys); i++)
        set_ok(st, keys[i], keys[i]);
    for (size_t i = 0; i < SL_ARRAY_SIZE(keys); i++)
        get_eq(st, keys[i], keys[i], strlen(keys[i]));
    struct sl_strvec ks = SL_STRVEC_INIT;
    keys_of(st, &ks);
    cr_assert_eq(ks.n, SL_ARRAY_SIZE(keys));
    for (size_t i = 0; i < SL_ARRAY_SIZE(keys); i++)
        cr_assert(sl_strvec_has(&ks, keys[i], strlen(keys[i])), "'%s' missing", keys[i]);
    sl_strvec_release(&ks);
    close_store(st);
}

Test(kv_redis, many_keys_through_scan_pages, .timeout = 120)
{
    struct sl_kv_store *st = open_at(shared_redis(), NULL, uniq("many"));
    enum { N = 2000 };
    for (int i = 0; i < N; i++) {
        char k[32];
        snprintf(k, sizeof(k), "key-%d", i);
        set_ok(st, k, "x");
    }
    struct sl_strvec ks = SL_STRVEC_INIT;
    keys_of(st, &ks);
    cr_assert_eq(ks.n, N, "%zu keys", ks.n);
    for (size_t i = 1; i < ks.n; i++) /* sorted and unique */
        cr_assert(strcmp(ks.v[i - 1].ptr, ks.v[i].ptr) < 0);
    sl_strvec_release(&ks);
    close_store(st);
}

Test(kv_redis, open_names_are_isolated)
{
    const char *url = shared_redis();
    char base[96], a[128], b[128], g1[128], g2[128], g3[128];
    snprintf(base, sizeof(base), "%s", uniq("iso"));
    snprintf(a, sizeof(a), "%s", base);
    snprintf(b, sizeof(b), "%sbet", base); /* a's name is a prefix of b's */
    snprintf(g1, sizeof(g1), "%s*", base); /* glob characters in names */
    snprintf(g2, sizeof(g2), "%s?x", base);
    snprintf(g3, sizeof(g3), "%s[ab]\\", base);
    const char *names[] = {a, b, g1, g2, g3};
    struct sl_kv_store *st[5];
    for (int i = 0; i < 5; i++) {
        st[i] = open_at(url, NULL, names[i]);
        char k[16];
        snprintf(k, sizeof(k), "only-%d", i);
        set_ok(st[i], k, names[i]);
        set_ok(st[i], "shared", names[i]);
    }
    for (int i = 0; i < 5; i++) {
        struct sl_strvec ks = SL_STRVEC_INIT;
        keys_of(st[i], &ks);
        cr_assert_eq(ks.n, 2, "store '%s' sees %zu keys", names[i], ks.n);
        char k[16];
        snprintf(k, sizeof(k), "only-%d", i);
        cr_assert(sl_strvec_has(&ks, k, strlen(k)));
        sl_strvec_release(&ks);
        get_eq(st[i], "shared", names[i], strlen(names[i]));
    }
    /* the prefix is stripped once: a key containing "<name>:" keeps it */
    char k[256];
    snprintf(k, sizeof(k), "x%s:y", a);
    set_ok(st[0], k, "1");
    struct sl_strvec ks = SL_STRVEC_INIT;
    keys_of(st[0], &ks);
    cr_assert(sl_strvec_has(&ks, k, strlen(k)), "'%s' not listed as itself", k);
    sl_strvec_release(&ks);
    for (int i = 0; i < 5; i++)
        close_store(st[i]);
}

Test(kv_redis, keys_as_slight_stored_them)
{
    /* data written by slight v0.5.1 ("<name>:<key>") is read */
    const char *url = shared_redis();
    const char *name = uniq("compat");
    struct sl_kv_store *st = open_at(url, NULL, name);
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "redis-cli -u '%s' set '%s:old' 'from slight' >/dev/null", url,
             name);
    cr_assert_eq(system(cmd), 0);
    get_eq(st, "old", "from slight", 11);
    close_store(st);
}

struct worker {
    struct sl_kv_store *st;
    int id;
    int failures;
};

static void *work(void *p)
{
    struct worker *w = p;
    for (int i = 0; i < 200; i++) {
        char k[32], v[32];
        snprintf(k, sizeof(k), "t%d-%d", w->id, i);
        snprintf(v, sizeof(v), "v%d", i);
        struct sl_error err = SL_ERROR_INIT;
        struct sl_buf got = SL_BUF_INIT;
        if (kv_set(w->st, k, v, strlen(v), &err) != SL_OK
            || w->st->backend->get(w->st, str_of(k), &got, &err) != SL_OK || got.len != strlen(v)
            || memcmp(got.data, v, got.len) != 0)
            w->failures++;
        sl_buf_release(&got);
    }
    return NULL;
}

Test(kv_redis, four_threads_one_pool)
{
    const char *url = shared_redis();
    const char *name = uniq("threads");
    struct worker w[4];
    pthread_t t[4];
    /* two stores of the same name share the address's pool */
    struct sl_kv_store *s1 = open_at(url, NULL, name), *s2 = open_at(url, NULL, name);
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){i % 2 ? s2 : s1, i, 0};
        cr_assert_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].failures, 0, "thread %d: %d failures", i, w[i].failures);
    }
    struct sl_strvec ks = SL_STRVEC_INIT;
    keys_of(s1, &ks);
    cr_assert_eq(ks.n, 800);
    sl_strvec_release(&ks);
    be->close(s2);
    close_store(s1);
}

/* ---- private servers: restart, password, database, unix socket, timeout - */

Test(kv_redis_server, down_then_restarted, .fini = srv_fini, .timeout = 60)
{
    srv.port = free_port();
    char url[64];
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d", srv.port);
    /* the server is down at open: open works, the call is a connection error */
    need_redis_server();
    struct sl_kv_store *st = open_at(url, "2s", "r");
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(get_rc(st, "k", &err), SL_ECONN, "%s", err.msg);

    server_start(&srv, NULL);
    set_ok(st, "k", "before");
    get_eq(st, "k", "before", 6);
    /* stopped mid-run: the pooled connection is dead, the call says so */
    server_stop(&srv);
    cr_assert_eq(get_rc(st, "k", &err), SL_ECONN, "%s", err.msg);
    cr_assert(strncmp(err.msg, "keyvalue.redis: ", 16) == 0, "%s", err.msg);
    cr_assert_eq(kv_set(st, "k", "x", 1, &err), SL_ECONN, "%s", err.msg);
    /* back on the same port: the next call reconnects */
    server_start(&srv, NULL);
    cr_assert_eq(get_rc(st, "k", &err), SL_ENOTFOUND, "%s", err.msg); /* no persistence */
    set_ok(st, "k", "after");
    get_eq(st, "k", "after", 5);
    /* restarted while the connection sat idle: one call, no error */
    server_stop(&srv);
    server_start(&srv, NULL);
    set_ok(st, "k", "again");
    be->close(st);
    server_cleanup(&srv);
}

Test(kv_redis_server, password_and_database, .fini = srv_fini, .timeout = 60)
{
    static const char *const extra[] = {"--requirepass", "Right-Pass", NULL};
    server_start(&srv, extra);
    char url[128];

    snprintf(url, sizeof(url), "redis://:Wrong-Pass@127.0.0.1:%d", srv.port);
    struct sl_kv_store *st = open_at(url, NULL, "p");
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(get_rc(st, "k", &err), SL_EAUTH, "%s", err.msg);
    cr_assert_null(strstr(err.msg, "Wrong-Pass"), "password in '%s'", err.msg);
    cr_assert_null(strstr(err.msg, "Right-Pass"), "password in '%s'", err.msg);
    cr_assert(strncmp(err.msg, "keyvalue.redis: authentication to '127.0.0.1:", 45) == 0, "%s",
              err.msg);
    be->close(st);

    snprintf(url, sizeof(url), "redis://127.0.0.1:%d", srv.port); /* no password */
    st = open_at(url, NULL, "p");
    cr_assert_eq(get_rc(st, "k", &err), SL_EAUTH, "%s", err.msg);
    be->close(st);

    /* right password, user "default", database 3 */
    snprintf(url, sizeof(url), "redis://default:Right-Pass@127.0.0.1:%d/3", srv.port);
    st = open_at(url, NULL, "p");
    set_ok(st, "k", "in db 3");
    get_eq(st, "k", "in db 3", 7);
    be->close(st);
    snprintf(url, sizeof(url), "redis://:Right-Pass@127.0.0.1:%d", srv.port);
    st = open_at(url, NULL, "p");
    cr_assert_eq(get_rc(st, "k", &err), SL_ENOTFOUND, "database 0 sees database 3: %s", err.msg);
    be->close(st);

    snprintf(url, sizeof(url), "redis://:Right-Pass@127.0.0.1:%d/99999", srv.port);
    st = open_at(url, NULL, "p");
    cr_assert_eq(get_rc(st, "k", &err), SL_ECONFIG, "%s", err.msg);
    cr_assert_null(strstr(err.msg, "Right-Pass"), "password in '%s'", err.msg);
    be->close(st);
    server_cleanup(&srv);
}

Test(kv_redis_server, unix_socket, .fini = srv_fini, .timeout = 60)
{
    snprintf(srv.dir, sizeof(srv.dir), "/tmp/sl-redis-XXXXXX");
    cr_assert_not_null(mkdtemp(srv.dir));
    snprintf(srv.sock, sizeof(srv.sock), "%s/redis.sock", srv.dir);
    const char *extra[] = {"--unixsocket", srv.sock, NULL};
    server_start(&srv, extra);
    char url[192];
    snprintf(url, sizeof(url), "unix:%s", srv.sock);
    struct sl_kv_store *st = open_at(url, NULL, "u");
    set_ok(st, "k", "over a socket");
    get_eq(st, "k", "over a socket", 13);
    be->close(st);
    server_cleanup(&srv);
}

Test(kv_redis_server, command_timeout, .fini = fini, .timeout = 30)
{
    /* a listener that never answers: connect succeeds (backlog), the reply never comes */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    cr_assert(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    cr_assert(listen(fd, 16) == 0);
    cr_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    char url[64];
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d", ntohs(a.sin_port));
    struct sl_kv_store *st = open_at(url, "300ms", "t");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(get_rc(st, "k", &err), SL_ETIMEOUT, "%s", err.msg);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert(s >= 0.25 && s < 3.0, "timed out after %.2fs", s);
    cr_assert_not_null(strstr(err.msg, "timed out after 300ms"), "%s", err.msg);
    be->close(st);
    close(fd);
}
