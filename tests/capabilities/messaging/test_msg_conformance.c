/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_msg_conformance.c -- the messaging conformance suite: the same tests
 * run over every backend, chosen by $SL_MSG_BACKEND (memory, filesystem,
 * redis), through the front end (msg.h) as the host functions call it.
 * Cases that only make sense for one backend (other processes, file names,
 * dead subscribers, a server restart) skip themselves on the others. redis
 * uses the server of $SLIGHT_TEST_REDIS (tools/services.sh): without it the
 * tests skip, or fail under CI=true.
 */
#include "sl_common.h"

#include "capabilities/messaging/msg.h"

#include "common/buf.h"
#include "common/err.h"

#ifndef SL_MSG_CONFORMANCE_REDIS
#define SL_MSG_CONFORMANCE_REDIS 0 /* 1: messaging.redis is linked in */
#endif
#if SL_MSG_CONFORMANCE_REDIS
#include "net/redis_conn.h"

#include <hiredis/hiredis.h>
#endif

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- the backend under test and its capabilities ------------------------ */

static const char *backend;
static char resource[64];
static char tmpdir[256];
static char base_dir[512];
static const char *redis_url; /* redis: REDIS_ADDRESS of every entry */

/* Up to four capability entries, as caps.c would build them. */
#define MAX_CAPS 4
static struct sl_slightfile_capability caps[MAX_CAPS];
static struct sl_cap_entry entries[MAX_CAPS];
static struct sl_config_value values[MAX_CAPS][2];
static char names[MAX_CAPS][64];
static size_t n_entries;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void setup(void)
{
    backend = getenv("SL_MSG_BACKEND");
    if (backend == NULL)
        backend = "memory";
    cr_assert_not_null(sl_msg_registry_find(backend, NULL), "SL_MSG_BACKEND=%s is not built",
                       backend);
    snprintf(resource, sizeof(resource), "messaging.%s", backend);
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/sl-msg-XXXXXX", t != NULL && t[0] ? t : "/tmp");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(base_dir, sizeof(base_dir), "%s/base", tmpdir);
    n_entries = 0;
    redis_url = getenv("SLIGHT_TEST_REDIS");
}

static bool is_backend(const char *name)
{
    return strcmp(backend, name) == 0;
}

#if SL_MSG_CONFORMANCE_REDIS
/* Deletes the streams of one capability name (unique to the test: no glob characters). */
static void redis_delete_streams(struct sl_redis_pool *pool, const char *name)
{
    char match[80], cursor[32] = "0";
    snprintf(match, sizeof(match), "%.64s:*", name);
    do {
        const char *argv[] = {"SCAN", cursor, "MATCH", match, "COUNT", "1000"};
        size_t len[] = {4, strlen(cursor), 5, strlen(match), 5, 4};
        redisReply *r = NULL;
        struct sl_error err = SL_ERROR_INIT;
        if (sl_redis_command(pool, "test", SL_REDIS_IDEMPOTENT, 6, argv, len, &r, &err) != SL_OK)
            return;
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
            sl_redis_reply_free(r);
            return;
        }
        snprintf(cursor, sizeof(cursor), "%.*s", (int)r->element[0]->len, r->element[0]->str);
        const redisReply *keys = r->element[1];
        for (size_t i = 0; i < keys->elements; i++) {
            const char *dargv[] = {"DEL", keys->element[i]->str};
            size_t dlen[] = {3, keys->element[i]->len};
            redisReply *d = NULL;
            if (sl_redis_command(pool, "test", SL_REDIS_IDEMPOTENT, 2, dargv, dlen, &d, &err)
                == SL_OK)
                sl_redis_reply_free(d);
        }
        sl_redis_reply_free(r);
    } while (strcmp(cursor, "0") != 0);
}
#endif

/* redis: the streams of the test's capabilities do not stay on the shared server. */
static void redis_cleanup(void)
{
#if SL_MSG_CONFORMANCE_REDIS
    if (!is_backend("redis") || redis_url == NULL || redis_url[0] == '\0' || n_entries == 0)
        return;
    struct sl_redis_pool *pool = NULL;
    struct sl_error err = SL_ERROR_INIT;
    if (sl_redis_pool_get("test", redis_url, 1000, &pool, &err) != SL_OK)
        return;
    for (size_t i = 0; i < n_entries; i++)
        redis_delete_streams(pool, names[i]);
    sl_redis_pool_put(pool);
#endif
}

static void teardown(void)
{
    redis_cleanup();
    sl_msg_shutdown();
    if (tmpdir[0] != '\0')
        nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(msg, .init = setup, .fini = teardown);

/* Skips the test unless the backend is filesystem. Criterion runs no .fini after a skip. */
static void filesystem_only(void)
{
    if (is_backend("filesystem"))
        return;
    teardown();
    tmpdir[0] = '\0';
    cr_skip_test("filesystem only");
}

static bool in_ci(void)
{
    const char *ci = getenv("CI");
    return ci != NULL && ci[0] != '\0' && strcmp(ci, "false") != 0 && strcmp(ci, "0") != 0;
}

/* redis: skips the test when there is no server to use (fails under CI). */
static void need_redis(void)
{
    if (!is_backend("redis") || (redis_url != NULL && redis_url[0] != '\0'))
        return;
    teardown();
    tmpdir[0] = '\0';
    if (in_ci())
        cr_assert_fail(
            "SLIGHT_TEST_REDIS is not set: CI must start Redis (tools/services.sh start)");
    cr_skip_test("SLIGHT_TEST_REDIS is not set: start a server with "
                 "eval \"$(tools/services.sh start)\" to run the Redis tests");
}

/*
 * A capability entry named name on the backend under test; timeout may be
 * NULL. On redis, whose streams outlive the test and are shared with the
 * tests running beside it, the name gets a suffix unique to this test.
 */
static const struct sl_cap_entry *entry(const char *name, const char *timeout)
{
    need_redis();
    cr_assert(n_entries < MAX_CAPS);
    size_t i = n_entries++;
    if (is_backend("redis")) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(names[i], sizeof(names[i]), "%s.%ld.%lld%09ld", name, (long)getpid(),
                 (long long)ts.tv_sec, ts.tv_nsec);
    } else
        snprintf(names[i], sizeof(names[i]), "%s", name);
    caps[i] = (struct sl_slightfile_capability){
        .name = names[i], .resource = resource, .canonical = resource, .type = "messaging",
        .backend = backend, .line = 1};
    size_t nv = 0;
    if (is_backend("filesystem"))
        values[i][nv++] = (struct sl_config_value){"BASE_DIR", base_dir};
    if (is_backend("redis"))
        values[i][nv++] = (struct sl_config_value){"REDIS_ADDRESS", redis_url};
    if (timeout != NULL)
        values[i][nv++] = (struct sl_config_value){"RECEIVE_TIMEOUT", timeout};
    entries[i] = (struct sl_cap_entry){
        .cap = &caps[i],
        .config = {.resource = resource, .name = names[i], .dir = tmpdir, .values = values[i],
                   .nvalues = nv}};
    return &entries[i];
}

static struct sl_str str_of(const char *s)
{
    return (struct sl_str){s, strlen(s)};
}

static struct sl_msg_client *client(const struct sl_cap_entry *e)
{
    struct sl_msg_client *c = NULL;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_msg_client_open(e, &c, &err);
    cr_assert_eq(rc, SL_OK, "open: %s", err.msg);
    return c;
}

static void publish_n(struct sl_msg_client *c, const char *topic, const void *msg, size_t len)
{
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_msg_publish(c, str_of(topic), (struct sl_str){msg, len}, &err);
    cr_assert_eq(rc, SL_OK, "publish: %s", err.msg);
}

static void publish(struct sl_msg_client *c, const char *topic, const char *msg)
{
    publish_n(c, topic, msg, strlen(msg));
}

/* Subscribes; the token is returned in a static slot (i) of a few. */
static char *subscribe(struct sl_msg_client *c, const char *topic)
{
    static char toks[16][SL_MSG_TOKEN_MAX + 1];
    static int next;
    struct sl_buf tok = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_msg_subscribe(c, str_of(topic), &tok, &err);
    cr_assert_eq(rc, SL_OK, "subscribe: %s", err.msg);
    cr_assert(tok.len > 0 && tok.len <= SL_MSG_TOKEN_MAX);
    char *slot = toks[next++ % 16];
    snprintf(slot, SL_MSG_TOKEN_MAX + 1, "%s", tok.data);
    sl_buf_release(&tok);
    return slot;
}

/* Receives into *out (released by the caller); returns the code. */
static sl_err receive(struct sl_msg_client *c, const char *tok, struct sl_buf *out,
                      struct sl_error *err)
{
    sl_buf_reset(out);
    return sl_msg_receive(c, str_of(tok), NULL, NULL, out, err);
}

static void expect(struct sl_msg_client *c, const char *tok, const char *want)
{
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = receive(c, tok, &got, &err);
    cr_assert_eq(rc, SL_OK, "receive (want '%s'): %s", want, err.msg);
    cr_assert_eq(got.len, strlen(want), "got %zu bytes, want '%s'", got.len, want);
    cr_assert(memcmp(got.data, want, got.len) == 0, "got '%.*s', want '%s'", (int)got.len,
              got.data, want);
    sl_buf_release(&got);
}

static void expect_none(struct sl_msg_client *c, const char *tok)
{
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = receive(c, tok, &got, &err);
    cr_assert_eq(rc, SL_ETIMEOUT, "expected no message, got rc %d '%.*s'", rc, (int)got.len,
                 got.data ? got.data : "");
    sl_buf_release(&got);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- every backend ------------------------------------------------------ */

Test(msg, publish_then_receive)
{
    const struct sl_cap_entry *e = entry("mq", NULL);
    struct sl_msg_client *p = client(e), *s = client(e);
    char *tok = subscribe(s, "greetings");
    publish(p, "greetings", "hello");
    expect(s, tok, "hello"); /* whole, and no '\n' added */
    sl_msg_client_close(p);
    sl_msg_client_close(s);
}

Test(msg, fifo_within_a_topic)
{
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "t");
    char m[32];
    for (int i = 0; i < 200; i++) {
        snprintf(m, sizeof(m), "m%d", i);
        publish(c, "t", m);
    }
    for (int i = 0; i < 200; i++) {
        snprintf(m, sizeof(m), "m%d", i);
        expect(c, tok, m);
    }
    expect_none(c, tok);
    sl_msg_client_close(c);
}

Test(msg, only_messages_after_subscribe)
{
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *c = client(e);
    char *first = subscribe(c, "t"); /* so the topic exists */
    publish(c, "t", "early");
    char *tok = subscribe(c, "t");
    publish(c, "t", "late");
    expect(c, tok, "late");
    expect_none(c, tok);
    expect(c, first, "early");
    expect(c, first, "late");
    sl_msg_client_close(c);
}

Test(msg, two_subscriptions_both_receive)
{
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *a = client(e), *b = client(e), *p = client(e);
    char *ta = subscribe(a, "news");
    char *tb = subscribe(b, "news");
    cr_assert_str_neq(ta, tb);
    publish(p, "news", "one");
    publish(p, "news", "two");
    expect(a, ta, "one");
    expect(b, tb, "one");
    expect(b, tb, "two");
    expect(a, ta, "two");
    expect_none(a, ta);
    expect_none(b, tb);
    sl_msg_client_close(a);
    sl_msg_client_close(b);
    sl_msg_client_close(p);
}

Test(msg, topics_match_exactly)
{
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *c = client(e);
    static const char *const topics[] = {"a",   "ab",    "a-b", "a_b", "A",  "a.b",  "a/b", "a b",
                                         "a:b", "a%3Ab", "a%b", "a*",  "a?", "a\\b", ":"};
    char *toks[SL_ARRAY_SIZE(topics)];
    for (size_t i = 0; i < SL_ARRAY_SIZE(topics); i++)
        toks[i] = subscribe(c, topics[i]);
    for (size_t i = 0; i < SL_ARRAY_SIZE(topics); i++)
        publish(c, topics[i], topics[i]);
    for (size_t i = 0; i < SL_ARRAY_SIZE(topics); i++) {
        expect(c, toks[i], topics[i]);
        expect_none(c, toks[i]);
    }
    sl_msg_client_close(c);
}

Test(msg, binary_payloads_kept_whole)
{
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "bin");
    static const char bin[] = "a\0b\nc\n\n\0\xff\x80";
    publish_n(c, "bin", bin, sizeof(bin) - 1);
    publish_n(c, "bin", "", 0);
    publish(c, "bin", "line\n");
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(receive(c, tok, &got, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(got.len, sizeof(bin) - 1);
    cr_assert(memcmp(got.data, bin, got.len) == 0);
    cr_assert_eq(receive(c, tok, &got, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(got.len, 0, "the empty message is a message");
    expect(c, tok, "line\n");
    expect_none(c, tok);
    sl_buf_release(&got);
    sl_msg_client_close(c);
}

Test(msg, one_mebibyte_message)
{
    const struct sl_cap_entry *e = entry("mq", NULL);
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "big");
    size_t n = 1u << 20;
    char *big = malloc(n);
    cr_assert_not_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(i * 7 + (i >> 9));
    publish_n(c, "big", big, n);
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(receive(c, tok, &got, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(got.len, n);
    cr_assert(memcmp(got.data, big, n) == 0);
    sl_buf_release(&got);
    free(big);
    sl_msg_client_close(c);
}

Test(msg, receive_times_out)
{
    const struct sl_cap_entry *e = entry("mq", "300ms");
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "quiet");
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    uint64_t t0 = now_ms();
    sl_err rc = receive(c, tok, &got, &err);
    uint64_t spent = now_ms() - t0;
    cr_assert_eq(rc, SL_ETIMEOUT);
    cr_assert_str_eq(err.msg, "receive timed out after 300ms");
    cr_assert(spent >= 290 && spent < 3000, "waited %llums", (unsigned long long)spent);
    cr_assert_eq(got.len, 0);
    sl_buf_release(&got);
    sl_msg_client_close(c);
}

Test(msg, bad_receive_timeout_is_an_open_error)
{
    const struct sl_cap_entry *e = entry("mq", "soon");
    struct sl_msg_client *c = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_neq(sl_msg_client_open(e, &c, &err), SL_OK);
    cr_assert_null(c);
    cr_assert(strstr(err.msg, "RECEIVE_TIMEOUT") != NULL, "%s", err.msg);
}

struct later {
    struct sl_msg_client *c;
    const char *topic, *msg;
    unsigned delay_ms;
};

static void *publish_later(void *arg)
{
    struct later *l = arg;
    struct timespec ts = {0, (long)l->delay_ms * 1000000L};
    nanosleep(&ts, NULL);
    struct sl_error err = SL_ERROR_INIT;
    sl_msg_publish(l->c, str_of(l->topic), str_of(l->msg), &err);
    return NULL;
}

Test(msg, receive_waits_for_a_message)
{
    const struct sl_cap_entry *e = entry("mq", NULL); /* no limit */
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "slow");
    struct later l = {c, "slow", "finally", 200};
    pthread_t th;
    uint64_t t0 = now_ms();
    pthread_create(&th, NULL, publish_later, &l);
    expect(c, tok, "finally");
    uint64_t spent = now_ms() - t0;
    pthread_join(th, NULL);
    cr_assert(spent >= 150 && spent < 3000, "waited %llums", (unsigned long long)spent);
    sl_msg_client_close(c);
}

static int stop_calls;
static bool stop_soon(void *arg)
{
    (void)arg;
    return ++stop_calls >= 3;
}

Test(msg, deadline_stops_a_wait_without_limit)
{
    const struct sl_cap_entry *e = entry("mq", NULL);
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "never");
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    uint64_t t0 = now_ms();
    sl_err rc = sl_msg_receive(c, str_of(tok), stop_soon, NULL, &got, &err);
    cr_assert_eq(rc, SL_ETIMEOUT);
    cr_assert_eq(stop_calls, 3);
    cr_assert(now_ms() - t0 < 2000);
    sl_buf_release(&got);
    sl_msg_client_close(c);
}

Test(msg, unknown_token_is_an_error)
{
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *c = client(e);
    subscribe(c, "t");
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    static const struct sl_str bad[] = {
        {"nope", 4}, {"", 0}, {"a\0b", 3}, {"00000000-0000-4000-8000-000000000000", 36}};
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++) {
        sl_err rc = sl_msg_receive(c, bad[i], NULL, NULL, &got, &err);
        cr_assert_eq(rc, SL_EINVAL, "token %zu: rc %d", i, rc);
        cr_assert(strstr(err.msg, "unknown subscription token") != NULL, "%s", err.msg);
    }
    char long_tok[300];
    memset(long_tok, 'x', sizeof(long_tok));
    cr_assert_eq(sl_msg_receive(c, (struct sl_str){long_tok, sizeof(long_tok)}, NULL, NULL, &got,
                                &err),
                 SL_EINVAL);
    sl_buf_release(&got);
    sl_msg_client_close(c);
}

Test(msg, empty_topic_is_an_error)
{
    const struct sl_cap_entry *e = entry("mq", NULL);
    struct sl_msg_client *c = client(e);
    struct sl_buf tok = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_msg_subscribe(c, str_of(""), &tok, &err), SL_EINVAL);
    cr_assert_eq(sl_msg_publish(c, str_of(""), str_of("x"), &err), SL_EINVAL);
    cr_assert_eq(sl_msg_publish(c, (struct sl_str){"a\0b", 3}, str_of("x"), &err), SL_EINVAL);
    sl_buf_release(&tok);
    sl_msg_client_close(c);
}

Test(msg, token_valid_from_another_handle)
{
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *a = client(e);
    char *tok = subscribe(a, "shared");
    sl_msg_client_close(a); /* the subscription outlives the handle */
    struct sl_msg_client *b = client(e);
    publish(b, "shared", "still here");
    expect(b, tok, "still here");
    sl_msg_client_close(b);
}

Test(msg, two_capabilities_are_isolated)
{
    const struct sl_cap_entry *ea = entry("orders", "100ms");
    const struct sl_cap_entry *eb = entry("audit", "100ms");
    struct sl_msg_client *a = client(ea), *b = client(eb);
    char *ta = subscribe(a, "t");
    char *tb = subscribe(b, "t");
    publish(b, "t", "for b");
    publish(a, "t", "for a");
    expect(a, ta, "for a");
    expect_none(a, ta);
    expect(b, tb, "for b");
    expect_none(b, tb);
    /* a token of one capability means nothing to the other */
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(receive(b, ta, &got, &err), SL_EINVAL);
    sl_buf_release(&got);
    sl_msg_client_close(a);
    sl_msg_client_close(b);
}

#define THREADS    4
#define PER_THREAD 250

struct pub_arg {
    struct sl_msg_client *c;
    int id;
};

static void *publisher(void *arg)
{
    struct pub_arg *pa = arg;
    char m[32];
    for (int i = 0; i < PER_THREAD; i++) {
        snprintf(m, sizeof(m), "%d:%d", pa->id, i);
        struct sl_error err = SL_ERROR_INIT;
        if (sl_msg_publish(pa->c, str_of("load"), str_of(m), &err) != SL_OK)
            return (void *)1;
    }
    return NULL;
}

Test(msg, four_threads_publish_concurrently)
{
    const struct sl_cap_entry *e = entry("mq", "2s");
    struct sl_msg_client *s = client(e);
    char *tok = subscribe(s, "load");
    pthread_t th[THREADS];
    struct pub_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (struct pub_arg){client(e), i};
        pthread_create(&th[i], NULL, publisher, &args[i]);
    }
    int next[THREADS] = {0};
    struct sl_buf got = SL_BUF_INIT;
    for (int n = 0; n < THREADS * PER_THREAD; n++) {
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(receive(s, tok, &got, &err), SL_OK, "message %d: %s", n, err.msg);
        int id, i;
        char z[64];
        snprintf(z, sizeof(z), "%.*s", (int)got.len, got.data);
        cr_assert_eq(sscanf(z, "%d:%d", &id, &i), 2, "'%s'", z);
        cr_assert(id >= 0 && id < THREADS);
        cr_assert_eq(i, next[id], "thread %d: got %d, want %d (per-publisher order)", id, i,
                     next[id]);
        next[id]++;
    }
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(th[i], &r);
        cr_assert_null(r);
        sl_msg_client_close(args[i].c);
    }
    sl_buf_release(&got);
    sl_msg_client_close(s);
}

/* ---- filesystem only ------------------------------------------------------ */

/* The filesystem config of capability name, for a broker opened without the front end. */
static struct sl_config fs_cfg(const char *name)
{
    static struct sl_config_value v[1];
    v[0] = (struct sl_config_value){"BASE_DIR", base_dir};
    return (struct sl_config){.resource = resource, .name = name, .dir = tmpdir, .values = v,
                              .nvalues = 1};
}

Test(msg, fs_publisher_in_another_process)
{
    filesystem_only();
    const struct sl_cap_entry *e = entry("mq", "5s");
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "x-proc");
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        struct sl_config cfg = fs_cfg("mq");
        struct sl_msg_broker *b = NULL;
        struct sl_error err = SL_ERROR_INIT;
        int bad = sl_msg_backend_filesystem.open(&cfg, str_of("mq"), &b, &err) != SL_OK;
        for (int i = 0; !bad && i < 3; i++) {
            char m[16];
            snprintf(m, sizeof(m), "child %d\n", i);
            bad = sl_msg_backend_filesystem.publish(b, str_of("x-proc"), str_of(m), &err) != SL_OK;
        }
        sl_msg_backend_filesystem.close(b);
        _exit(bad);
    }
    expect(c, tok, "child 0\n");
    expect(c, tok, "child 1\n");
    expect(c, tok, "child 2\n");
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    sl_msg_client_close(c);
}

/* Counts the entries under path (recursively), and whether any is outside base_dir. */
static int count_outside;
static int walk_outside(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (strcmp(path, tmpdir) != 0 && strncmp(path, base_dir, strlen(base_dir)) != 0)
        count_outside++;
    return 0;
}

Test(msg, fs_names_cannot_collide_or_escape)
{
    filesystem_only();
    const struct sl_cap_entry *e1 = entry("a-b", "100ms");
    const struct sl_cap_entry *e2 = entry("a_b", "100ms");
    const struct sl_cap_entry *e3 = entry("..", "100ms");
    const struct sl_cap_entry *e4 = entry("*", "100ms");
    struct sl_msg_client *c1 = client(e1), *c2 = client(e2), *c3 = client(e3), *c4 = client(e4);
    char *t1 = subscribe(c1, "t"), *t2 = subscribe(c2, "t");
    char *t3 = subscribe(c3, "../../escape"), *t4 = subscribe(c4, "/etc/x");
    char *t5 = subscribe(c1, "..");
    char *t6 = subscribe(c1, "*");
    char long_topic[1001];
    memset(long_topic, '-', 1000);
    long_topic[1000] = '\0';
    char *t7 = subscribe(c1, long_topic);
    publish(c1, "t", "1");
    publish(c2, "t", "2");
    publish(c3, "../../escape", "3");
    publish(c4, "/etc/x", "4");
    publish(c1, "..", "5");
    publish(c1, "*", "6");
    publish(c1, long_topic, "7");
    expect(c1, t1, "1");
    expect_none(c1, t1);
    expect(c2, t2, "2");
    expect_none(c2, t2);
    expect(c3, t3, "3");
    expect(c4, t4, "4");
    expect(c1, t5, "5");
    expect(c1, t6, "6");
    expect(c1, t7, "7");
    count_outside = 0;
    nftw(tmpdir, walk_outside, 16, FTW_PHYS);
    cr_assert_eq(count_outside, 0, "files were created outside BASE_DIR");
    /* one directory per capability name, none named like the raw name */
    DIR *d = opendir(base_dir);
    cr_assert_not_null(d);
    int n = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        if (de->d_name[0] == '.')
            continue;
        n++;
        cr_assert(strcmp(de->d_name, "*") != 0 && strcmp(de->d_name, "a-b") != 0);
    }
    closedir(d);
    cr_assert_eq(n, 4);
    sl_msg_client_close(c1);
    sl_msg_client_close(c2);
    sl_msg_client_close(c3);
    sl_msg_client_close(c4);
}

/* The number of subscription directories of the topic directory that contain pid's. */
static int subs_of(const char *capdir, const char *enc_topic, pid_t pid)
{
    char path[1024], prefix[32];
    snprintf(path, sizeof(path), "%s/%s/%s", base_dir, capdir, enc_topic);
    snprintf(prefix, sizeof(prefix), "%ld.", (long)pid);
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    int n = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;)
        if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

Test(msg, fs_dead_subscribers_are_cleaned_up)
{
    filesystem_only();
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "t");
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        struct sl_config cfg = fs_cfg("mq");
        struct sl_msg_broker *b = NULL;
        struct sl_buf t = SL_BUF_INIT;
        struct sl_error err = SL_ERROR_INIT;
        int bad = sl_msg_backend_filesystem.open(&cfg, str_of("mq"), &b, &err) != SL_OK
                  || sl_msg_backend_filesystem.subscribe(b, str_of("t"), &t, &err) != SL_OK;
        _exit(bad); /* dies without closing: its subscription stays behind */
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cr_assert_eq(subs_of("mq", "t", pid), 1, "the child's subscription directory exists");
    publish(c, "t", "after");
    cr_assert_eq(subs_of("mq", "t", pid), 0, "publish removed the dead subscription");
    cr_assert_eq(subs_of("mq", "t", getpid()), 1, "the live one stays");
    expect(c, tok, "after");
    sl_msg_client_close(c);
}

Test(msg, fs_directory_stays_and_closing_removes_own_subscriptions)
{
    filesystem_only();
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *c = client(e);
    subscribe(c, "t");
    publish(c, "t", "pending");
    sl_msg_client_close(c);
    cr_assert_eq(subs_of("mq", "t", getpid()), 1);
    sl_msg_shutdown();
    cr_assert_eq(subs_of("mq", "t", getpid()), 0);
    struct stat st;
    char path[1024];
    snprintf(path, sizeof(path), "%s/mq", base_dir);
    cr_assert_eq(stat(path, &st), 0, "the capability directory is kept");
}

/* ---- redis only ------------------------------------------------------------ */

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

/* Starts a private redis-server on port (no persistence); it dies with the test. */
static pid_t redis_start(int port)
{
    char p[16];
    snprintf(p, sizeof(p), "%d", port);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execlp("redis-server", "redis-server", "--port", p, "--bind", "127.0.0.1", "--dir", tmpdir,
               "--save", "", "--appendonly", "no", (char *)NULL);
        _exit(127);
    }
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "redis-cli -h 127.0.0.1 -p %d ping 2>/dev/null | grep -q PONG",
             port);
    for (int i = 0; i < 100; i++) {
        if (system(cmd) == 0)
            return pid;
        usleep(50 * 1000);
    }
    cr_assert_fail("redis-server on port %d did not start", port);
    return -1;
}

static void redis_stop(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

Test(msg, redis_server_down_then_back, .timeout = 60)
{
    if (!is_backend("redis")) {
        teardown();
        tmpdir[0] = '\0';
        cr_skip_test("redis only");
    }
    if (system("command -v redis-server >/dev/null 2>&1") != 0) {
        teardown();
        tmpdir[0] = '\0';
        if (in_ci())
            cr_assert_fail("redis-server is not installed (apt-get install redis-server)");
        cr_skip_test("redis-server is not installed");
    }
    int port = free_port();
    static char url[64];
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d", port);
    redis_url = url;
    /* the server is down at start-up: open works, each call gets connection-lost */
    const struct sl_cap_entry *e = entry("mq", "200ms");
    struct sl_msg_client *c = client(e);
    struct sl_buf tok = SL_BUF_INIT, got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_msg_subscribe(c, str_of("t"), &tok, &err), SL_ECONN, "%s", err.msg);
    cr_assert_eq(sl_msg_publish(c, str_of("t"), str_of("lost"), &err), SL_ECONN, "%s", err.msg);
    cr_assert(strstr(err.msg, "messaging.redis") != NULL, "%s", err.msg);

    pid_t pid = redis_start(port);
    char *t = subscribe(c, "t");
    publish(c, "t", "one");
    expect(c, t, "one");
    redis_stop(pid);
    cr_assert_eq(sl_msg_publish(c, str_of("t"), str_of("lost"), &err), SL_ECONN, "%s", err.msg);
    cr_assert_eq(receive(c, t, &got, &err), SL_ECONN, "%s", err.msg);

    pid = redis_start(port); /* empty: nothing was saved */
    publish(c, "t", "two");
    expect(c, t, "two"); /* the same subscription goes on */
    expect_none(c, t);
    redis_stop(pid);
    sl_buf_release(&tok);
    sl_buf_release(&got);
    sl_msg_client_close(c);
}
