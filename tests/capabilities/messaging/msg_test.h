/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_test.h -- helpers shared by the messaging test executables (each is
 * one .c file, so everything here is static): skipping a test for a missing
 * service or program (failing it under CI=true), capability entries as
 * caps.c builds them, open/publish/subscribe/receive with Criterion
 * assertions, and private servers started for one test. It holds no test
 * and knows no backend.
 */
#ifndef SL_TESTS_MSG_TEST_H
#define SL_TESTS_MSG_TEST_H

#include "capabilities/messaging/msg.h"

#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- skipped, or failed under CI ------------------------------------------ */

/* True when $CI says this is a CI run (set, not empty, not "false" or "0"). */
static inline bool in_ci(void)
{
    const char *ci = getenv("CI");
    return ci != NULL && ci[0] != '\0' && strcmp(ci, "false") != 0 && strcmp(ci, "0") != 0;
}

/*
 * Ends the test for something missing: fails it with ci_why under CI,
 * else skips it with skip_why. before_end (may be NULL) runs first, as
 * Criterion runs no .fini after a skip.
 */
static inline void skip_or_fail_in_ci(void (*before_end)(void), const char *ci_why,
                                      const char *skip_why)
{
    if (before_end != NULL)
        before_end();
    if (in_ci())
        cr_assert_fail("%s", ci_why);
    cr_skip_test("%s", skip_why);
}

/* A server of tools/services.sh that the tests find through an environment variable. */
struct msg_service {
    const char *var;     /* "SLIGHT_TEST_REDIS" */
    const char *program; /* what CI must start: "Redis" */
    const char *kind;    /* "server" or "broker" */
    const char *tests;   /* whose tests need it: "Redis" */
};

/*
 * Returns when value (svc->var's value, may be NULL) is set; otherwise
 * ends the test as skip_or_fail_in_ci() does.
 */
static inline void need_service(const struct msg_service *svc, const char *value,
                                void (*before_end)(void))
{
    if (value != NULL && value[0] != '\0')
        return;
    char ci_why[256], skip_why[256];
    snprintf(ci_why, sizeof(ci_why), "%s is not set: CI must start %s (tools/services.sh start)",
             svc->var, svc->program);
    snprintf(skip_why, sizeof(skip_why),
             "%s is not set: start a %s with eval \"$(tools/services.sh start)\" to run the %s "
             "tests",
             svc->var, svc->kind, svc->tests);
    skip_or_fail_in_ci(before_end, ci_why, skip_why);
}

static const struct msg_service redis_service = {"SLIGHT_TEST_REDIS", "Redis", "server", "Redis"};
static const struct msg_service nats_service = {"SLIGHT_TEST_NATS", "nats-server", "server",
                                                "NATS"};
static const struct msg_service amqp_service = {"SLIGHT_TEST_AMQP", "RabbitMQ", "broker", "AMQP"};
static const struct msg_service mosquitto_service = {"SLIGHT_TEST_MOSQUITTO_PORT", "Mosquitto",
                                                     "broker", "Mosquitto"};

/*
 * Returns when every program of programs (space-separated) is in PATH;
 * otherwise ends the test as skip_or_fail_in_ci() does, saying that what
 * is not installed and, under CI, which Debian package has it.
 */
static inline void need_program(const char *what, const char *programs, const char *package,
                                void (*before_end)(void))
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "for p in %s; do command -v \"$p\" >/dev/null 2>&1 || exit 1; done",
             programs);
    if (system(cmd) == 0)
        return;
    char ci_why[256], skip_why[256];
    snprintf(ci_why, sizeof(ci_why), "%s is not installed (apt-get install %s)", what, package);
    snprintf(skip_why, sizeof(skip_why), "%s is not installed", what);
    skip_or_fail_in_ci(before_end, ci_why, skip_why);
}

/* Runs a shell command, asserting that it exits with 0. */
static inline void run(const char *fmt, ...) SL_PRINTF(1, 2);
static inline void run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    cr_assert(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "'%s' failed (%d)", cmd, rc);
}

/* ---- a temporary directory per test ---------------------------------------- */

static inline int tmpdir_remove_one(const char *path, const struct stat *st, int flag,
                                    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Makes a new directory $TMPDIR/<prefix>-XXXXXX (/tmp without TMPDIR) and puts its path in dir. */
static inline void tmpdir_make(char *dir, size_t size, const char *prefix)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, size, "%s/%s-XXXXXX", t != NULL && t[0] ? t : "/tmp", prefix);
    cr_assert_not_null(mkdtemp(dir));
}

/* Removes dir and everything in it; an empty dir is no directory (nothing is done). */
static inline void tmpdir_remove(const char *dir)
{
    if (dir[0] != '\0')
        nftw(dir, tmpdir_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- capability entries ---------------------------------------------------- */

/* Capability entries as caps.c builds them, released by resetting n_entries. */
#define MAX_CAPS   8
#define MAX_VALUES 6
static struct sl_slightfile_capability caps[MAX_CAPS];
static struct sl_cap_entry entries[MAX_CAPS];
static struct sl_config_value values[MAX_CAPS][MAX_VALUES];
static char names[MAX_CAPS][64], resources[MAX_CAPS][64];
static size_t n_entries;

/*
 * A new entry of resource res ("messaging.<backend>") named name, with no
 * configuration yet, for a slightfile in dir. With sep not NULL the name
 * gets a suffix unique to the test (pid and time, joined by sep), for
 * servers shared with the tests running beside it.
 */
static inline struct sl_cap_entry *entry_new(const char *res, const char *name, const char *sep,
                                             const char *dir)
{
    cr_assert(n_entries < MAX_CAPS);
    size_t i = n_entries++;
    if (sep != NULL) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(names[i], sizeof(names[i]), "%s%s%ld%s%lld%09ld", name, sep, (long)getpid(), sep,
                 (long long)ts.tv_sec, ts.tv_nsec);
    } else
        snprintf(names[i], sizeof(names[i]), "%s", name);
    snprintf(resources[i], sizeof(resources[i]), "%s", res);
    caps[i] = (struct sl_slightfile_capability){.name = names[i],
                                                .resource = resources[i],
                                                .canonical = resources[i],
                                                .type = "messaging",
                                                .backend = resources[i] + strlen("messaging."),
                                                .line = 1};
    entries[i] = (struct sl_cap_entry){.cap = &caps[i],
                                       .config = {.resource = resources[i],
                                                  .name = names[i],
                                                  .dir = dir,
                                                  .values = values[i],
                                                  .nvalues = 0}};
    return &entries[i];
}

/* Sets key = value in e (made by entry_new()); value NULL removes key. */
static inline void set_config(const struct sl_cap_entry *e, const char *key, const char *value)
{
    size_t i = (size_t)(e - entries);
    struct sl_config *c = &entries[i].config;
    for (size_t k = 0; k < c->nvalues; k++)
        if (strcmp(values[i][k].key, key) == 0) {
            if (value != NULL)
                values[i][k].value = value;
            else
                values[i][k] = values[i][--c->nvalues];
            return;
        }
    if (value == NULL)
        return;
    cr_assert(c->nvalues < MAX_VALUES);
    values[i][c->nvalues++] = (struct sl_config_value){key, value};
}

/* ---- the front end, with assertions --------------------------------------- */

static inline struct sl_str str_of(const char *s)
{
    return (struct sl_str){s, strlen(s)};
}

/* Opens a client of e; asserts that it opened. */
static inline struct sl_msg_client *client(const struct sl_cap_entry *e)
{
    struct sl_msg_client *c = NULL;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_msg_client_open(e, &c, &err);
    cr_assert_eq(rc, SL_OK, "open: %s", err.msg);
    return c;
}

/* Opens and closes a client of e; returns the code of the open, its message in *err. */
static inline sl_err open_error(const struct sl_cap_entry *e, struct sl_error *err)
{
    struct sl_msg_client *c = NULL;
    sl_err rc = sl_msg_client_open(e, &c, err);
    cr_assert((rc == SL_OK) == (c != NULL));
    sl_msg_client_close(c);
    return rc;
}

static inline void publish_n(struct sl_msg_client *c, const char *topic, const void *msg,
                             size_t len)
{
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_msg_publish(c, str_of(topic), (struct sl_str){msg, len}, &err);
    cr_assert_eq(rc, SL_OK, "publish: %s", err.msg);
}

static inline void publish(struct sl_msg_client *c, const char *topic, const char *msg)
{
    publish_n(c, topic, msg, strlen(msg));
}

/* Subscribes; the token is returned in a static slot of 32, reused round-robin. */
static inline char *subscribe(struct sl_msg_client *c, const char *topic)
{
    static char toks[32][SL_MSG_TOKEN_MAX + 1];
    static int next;
    struct sl_buf tok = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_msg_subscribe(c, str_of(topic), &tok, &err);
    cr_assert_eq(rc, SL_OK, "subscribe '%s': %s", topic, err.msg);
    cr_assert(tok.len > 0 && tok.len <= SL_MSG_TOKEN_MAX);
    char *slot = toks[next++ % 32];
    snprintf(slot, SL_MSG_TOKEN_MAX + 1, "%s", tok.data);
    sl_buf_release(&tok);
    return slot;
}

/* Receives into *out (emptied first, released by the caller); returns the code. */
static inline sl_err receive(struct sl_msg_client *c, const char *tok, struct sl_buf *out,
                             struct sl_error *err)
{
    sl_buf_reset(out);
    return sl_msg_receive(c, str_of(tok), NULL, NULL, out, err);
}

/* Receives one message and asserts that it is want (len bytes). */
static inline void expect_n(struct sl_msg_client *c, const char *tok, const void *want, size_t len)
{
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = receive(c, tok, &got, &err);
    cr_assert_eq(rc, SL_OK, "receive (want '%.*s'): %s", (int)len, (const char *)want, err.msg);
    cr_assert_eq(got.len, len, "got %zu bytes '%.*s', want %zu '%.*s'", got.len, (int)got.len,
                 got.data ? got.data : "", len, (int)len, (const char *)want);
    cr_assert(len == 0 || memcmp(got.data, want, len) == 0, "got '%.*s', want '%.*s'", (int)got.len,
              got.data, (int)len, (const char *)want);
    sl_buf_release(&got);
}

static inline void expect(struct sl_msg_client *c, const char *tok, const char *want)
{
    expect_n(c, tok, want, strlen(want));
}

/* Asserts that receive times out. */
/* How long a test's capability waits for a message that is due (RECEIVE_TIMEOUT). */
#define MSG_WAIT "5s"

/* True once the CLOCK_MONOTONIC millisecond *arg has come. */
static inline bool msg_test_deadline_passed(void *arg)
{
    return sl_clock_ms() >= *(uint64_t *)arg;
}

/*
 * Nothing arrives within NONE_WAIT_MS, whatever the capability's
 * RECEIVE_TIMEOUT (which tests keep long, MSG_WAIT, so that a message that
 * is due never misses it on a loaded machine).
 */
#define NONE_WAIT_MS 200u
static inline void expect_none(struct sl_msg_client *c, const char *tok)
{
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    uint64_t until = sl_clock_ms() + NONE_WAIT_MS;
    sl_err rc = sl_msg_receive(c, str_of(tok), msg_test_deadline_passed, &until, &got, &err);
    cr_assert_eq(rc, SL_ETIMEOUT, "expected no message, got rc %d '%.*s' (%s)", rc, (int)got.len,
                 got.data ? got.data : "", err.msg);
    sl_buf_release(&got);
}

/* ---- checks made by several suites ----------------------------------------- */

/*
 * Asserts that clients a and b, of two capabilities, stay apart: on topic
 * "t" each receives only its own message (a_msg, b_msg), and a token of one
 * is unknown to the other.
 */
static inline void expect_apart(struct sl_msg_client *a, const char *a_msg, struct sl_msg_client *b,
                                const char *b_msg)
{
    char *ta = subscribe(a, "t");
    char *tb = subscribe(b, "t");
    publish(b, "t", b_msg);
    publish(a, "t", a_msg);
    expect(a, ta, a_msg);
    expect_none(a, ta);
    expect(b, tb, b_msg);
    expect_none(b, tb);
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(receive(b, ta, &got, &err), SL_EINVAL, "a token of the first on the second");
    cr_assert(strstr(err.msg, "unknown subscription token") != NULL, "%s", err.msg);
    cr_assert_eq(receive(a, tb, &got, &err), SL_EINVAL, "a token of the second on the first");
    cr_assert(strstr(err.msg, "unknown subscription token") != NULL, "%s", err.msg);
    sl_buf_release(&got);
}

/* A suite's entry(): a capability entry named name, RECEIVE_TIMEOUT timeout (may be NULL). */
typedef const struct sl_cap_entry *entry_maker(const char *name, const char *timeout);

/*
 * Asserts that each of the n values of bad, set as key, makes the open of a
 * client a config error naming key. new_entry (a suite's entry()) makes
 * each entry; every client and entry before it is dropped first.
 */
static inline void expect_values_refused(entry_maker *new_entry, const char *key,
                                         const char *const bad[], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sl_msg_shutdown();
        n_entries = 0;
        const struct sl_cap_entry *e = new_entry("mq", NULL);
        set_config(e, key, bad[i]);
        struct sl_msg_client *c = NULL;
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(sl_msg_client_open(e, &c, &err), SL_ECONFIG, "'%s'", bad[i]);
        cr_assert(strstr(err.msg, key) != NULL, "%s", err.msg);
    }
}

/* Asserts that the error message msg names resource and, if not NULL, where. */
static inline void expect_names(const char *msg, const char *resource, const char *where)
{
    cr_assert(strstr(msg, resource) != NULL, "%s", msg);
    cr_assert(where == NULL || strstr(msg, where) != NULL, "names the server: %s", msg);
}

/*
 * Asserts that, with no server to reach, subscribe (giving no token) and
 * publish on c answer connection-lost, both messages naming resource and,
 * if not NULL, where (the server's address).
 */
static inline void expect_unreachable(struct sl_msg_client *c, const char *resource,
                                      const char *where)
{
    struct sl_buf tok = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_msg_subscribe(c, str_of("t"), &tok, &err), SL_ECONN, "%s", err.msg);
    cr_assert_eq(tok.len, 0);
    expect_names(err.msg, resource, where);
    cr_assert_eq(sl_msg_publish(c, str_of("t"), str_of("lost"), &err), SL_ECONN, "%s", err.msg);
    expect_names(err.msg, resource, where);
    sl_buf_release(&tok);
}

/* Asserts that, the server gone, publish and receive on token tok of c answer connection-lost. */
static inline void expect_connection_lost(struct sl_msg_client *c, const char *tok)
{
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_msg_publish(c, str_of("t"), str_of("lost"), &err), SL_ECONN, "%s", err.msg);
    cr_assert_eq(receive(c, tok, &got, &err), SL_ECONN, "%s", err.msg);
    sl_buf_release(&got);
}

/* ---- private servers ------------------------------------------------------- */

/* A TCP port of 127.0.0.1 that nothing listened on a moment ago. */
static inline int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    cr_assert(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    cr_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* A socket connected to 127.0.0.1:port (close-on-exec), or -1. */
static inline int tcp_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/*
 * Starts argv[0] (looked up in PATH unless it has a '/') with argv, NULL
 * ended; its standard output goes to fd out, or with out -1 its standard
 * output and error go to /dev/null. The child dies with the test.
 */
static inline pid_t spawn(const char *const argv[], int out)
{
    char *args[32]; /* execvp's type: copies made in the child */
    size_t n = 0;
    while (argv[n] != NULL)
        n++;
    cr_assert(n < SL_ARRAY_SIZE(args));
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (out < 0) {
            int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, 1);
            dup2(devnull, 2);
        } else
            dup2(out, 1);
        for (size_t i = 0; i < n; i++)
            args[i] = strdup(argv[i]);
        args[n] = NULL;
        execvp(args[0], args);
        _exit(127);
    }
    return pid;
}

/* As spawn(), with the child's standard output readable from *out (closed by the caller). */
static inline pid_t spawn_reading(const char *const argv[], FILE **out)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = spawn(argv, fds[1]);
    close(fds[1]);
    *out = fdopen(fds[0], "r");
    cr_assert_not_null(*out);
    return pid;
}

/*
 * Waits until ready(port) says the server pid on port answers, asking
 * every 50 ms at most tries times; fails the test when it exited or did
 * not answer in time (what names it in the message).
 */
static inline void server_wait(pid_t pid, int port, bool (*ready)(int port), int tries,
                               const char *what)
{
    for (int i = 0; i < tries; i++) {
        if (ready(port))
            return;
        int status;
        cr_assert_eq(waitpid(pid, &status, WNOHANG), 0, "%s on port %d exited", what, port);
        usleep(50 * 1000);
    }
    cr_assert_fail("%s on port %d did not start", what, port);
}

/* Stops a server started by spawn() at once, as a crash would. */
static inline void server_stop(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

#endif /* SL_TESTS_MSG_TEST_H */
