/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_msg_mosquitto.c -- messaging.mosquitto cases beyond the conformance
 * suite, against the Mosquitto on 127.0.0.1 port $SLIGHT_TEST_MOSQUITTO_PORT
 * (tools/services.sh; without it the tests skip, or fail under CI=true):
 * interoperability with mosquitto_pub and mosquitto_sub (skipped without
 * them, failed under CI), escaped topics, retained messages, QoS,
 * MOSQUITTO_TOPIC_PREFIX, configuration errors, the MQTT size limit, a
 * second backend in the same slightfile, and private brokers (mosquitto -c)
 * that are down at start-up, stopped and restarted, refuse the client,
 * check a user name and password (mosquitto_passwd), or limit the size of
 * messages (message_size_limit).
 */
#include "sl_common.h"

#include "msg_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- capabilities --------------------------------------------------------- */

static const char *port; /* the shared broker's, or a private one's */
static char tmpdir[256];

static void setup(void)
{
    port = getenv("SLIGHT_TEST_MOSQUITTO_PORT");
    n_entries = 0;
    tmpdir_make(tmpdir, sizeof(tmpdir), "sl-mqtt");
}

static void teardown(void)
{
    sl_msg_shutdown();
    tmpdir_remove(tmpdir);
    tmpdir[0] = '\0';
}

TestSuite(mosquitto, .init = setup, .fini = teardown, .timeout = 60);

/* Skips the test when there is no broker (fails under CI). Criterion runs no .fini after a skip. */
static void need_broker(void)
{
    need_service(&mosquitto_service, port, teardown);
}

/* Skips the test when program (mosquitto, mosquitto_pub, ...) is missing (fails under CI). */
static void need_mosquitto_program(const char *program)
{
    need_program(program, program, "mosquitto mosquitto-clients", teardown);
}

/*
 * A messaging.mosquitto capability entry named name plus a suffix unique to
 * the test, on 127.0.0.1:port, with RECEIVE_TIMEOUT timeout (may be NULL);
 * set_config changes keys.
 */
static const struct sl_cap_entry *entry(const char *name, const char *timeout)
{
    need_broker();
    const struct sl_cap_entry *e = entry_new("messaging.mosquitto", name, "-", tmpdir);
    set_config(e, "MOSQUITTO_HOST", "127.0.0.1");
    set_config(e, "MOSQUITTO_PORT", port);
    if (timeout != NULL)
        set_config(e, "RECEIVE_TIMEOUT", timeout);
    return e;
}

/* ---- mosquitto_sub in the background ---------------------------------------- */

struct msub {
    pid_t pid;
    FILE *out; /* its standard output (-d: debug lines and the messages) */
};

/*
 * Starts mosquitto_sub -d -C 1 (through stdbuf, of coreutils) on filter at
 * QoS qos, printing "%t %x" (topic, payload in hex), and returns once it
 * received its SUBACK.
 */
static struct msub msub_start(const char *filter, int qos)
{
    char q[8];
    snprintf(q, sizeof(q), "%d", qos);
    /* line-buffered: its debug lines go to the pipe at once */
    const char *argv[] = {"stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", port,
                          "-t", filter, "-q", q, "-C", "1", "-d", "-F", "%t %x", NULL};
    struct msub s;
    s.pid = spawn_reading(argv, &s.out);
    char line[1024];
    while (fgets(line, sizeof(line), s.out) != NULL)
        if (strncmp(line, "Subscribed (mid:", 16) == 0)
            return s;
    cr_assert_fail("mosquitto_sub ended before it subscribed");
    return s;
}

/*
 * Reads mosquitto_sub's output up to its message: *qos from its "received
 * PUBLISH" line, the rest of the message line ("topic hex") into line.
 */
static void msub_message(struct msub *s, int *qos, char *line, size_t size)
{
    char l[4096];
    *qos = -1;
    while (fgets(l, sizeof(l), s->out) != NULL) {
        const char *p = strstr(l, "received PUBLISH (");
        if (p != NULL) {
            const char *q = strstr(p, ", q");
            cr_assert_not_null(q, "%s", l);
            *qos = q[3] - '0';
            continue;
        }
        if (strncmp(l, "Client ", 7) == 0)
            continue;
        l[strcspn(l, "\n")] = '\0';
        size_t n = SL_MIN(strlen(l), size - 1);
        memcpy(line, l, n);
        line[n] = '\0';
        int status;
        cr_assert_eq(waitpid(s->pid, &status, 0), s->pid);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "mosquitto_sub failed");
        fclose(s->out);
        return;
    }
    cr_assert_fail("mosquitto_sub ended without a message");
}

static void hex_of(const void *data, size_t len, char *out)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    out[2 * len] = '\0';
}

/* ---- interoperability --------------------------------------------------------- */

Test(mosquitto, slight_to_mosquitto_sub)
{
    need_broker();
    need_mosquitto_program("mosquitto_sub");
    const struct sl_cap_entry *e = entry("mq", "5s");
    struct sl_msg_client *c = client(e);
    /* topic t of capability c is c/t */
    char filter[256], line[512], want[512], hex[64];
    snprintf(filter, sizeof(filter), "%s/orders/eu", names[0]);
    struct msub s = msub_start(filter, 1);
    static const char bin[] = "from slight\n\0\r\nend";
    publish_n(c, "orders/eu", bin, sizeof(bin) - 1);
    int qos;
    msub_message(&s, &qos, line, sizeof(line));
    hex_of(bin, sizeof(bin) - 1, hex);
    snprintf(want, sizeof(want), "%s %s", filter, hex);
    cr_assert_str_eq(line, want);
    cr_assert_eq(qos, 0, "published at QoS 0 by default, as slight");
    sl_msg_client_close(c);
}

Test(mosquitto, mosquitto_pub_to_slight)
{
    need_broker();
    need_mosquitto_program("mosquitto_pub");
    const struct sl_cap_entry *e = entry("mq", "200ms");
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "room");
    run("mosquitto_pub -h 127.0.0.1 -p %s -t '%s/room' -m hello -q 1", port, names[0]);
    expect(c, tok, "hello");
    /* binary from a file, NUL and newlines included */
    static const char bin[] = "a\0b\n\n\xff";
    char path[400];
    snprintf(path, sizeof(path), "%s/bin", tmpdir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(bin, 1, sizeof(bin) - 1, f);
    fclose(f);
    run("mosquitto_pub -h 127.0.0.1 -p %s -t '%s/room' -f '%s' -q 2", port, names[0], path);
    expect_n(c, tok, bin, sizeof(bin) - 1);
    expect_none(c, tok);
    sl_msg_client_close(c);
}

Test(mosquitto, retained_messages_are_not_history)
{
    need_broker();
    need_mosquitto_program("mosquitto_pub");
    const struct sl_cap_entry *e = entry("mq", "200ms");
    struct sl_msg_client *c = client(e);
    run("mosquitto_pub -h 127.0.0.1 -p %s -t '%s/news' -m old -r", port, names[0]);
    char *tok = subscribe(c, "news");
    char *tok2 = subscribe(c, "news"); /* subscribing again makes the broker resend it */
    run("mosquitto_pub -h 127.0.0.1 -p %s -t '%s/news' -m new", port, names[0]);
    expect(c, tok, "new");
    expect_none(c, tok);
    expect(c, tok2, "new");
    expect_none(c, tok2);
    /* the retained message does not stay on the shared broker */
    run("mosquitto_pub -h 127.0.0.1 -p %s -t '%s/news' -r -n", port, names[0]);
    sl_msg_client_close(c);
}

Test(mosquitto, qos_from_the_config)
{
    need_broker();
    need_mosquitto_program("mosquitto_sub");
    const struct sl_cap_entry *e = entry("mq", "5s");
    set_config(e, "MOSQUITTO_QOS", "2");
    struct sl_msg_client *c = client(e);
    char filter[256], line[512], want[512];
    snprintf(filter, sizeof(filter), "%s/t", names[0]);
    struct msub s = msub_start(filter, 2);
    char *tok = subscribe(c, "t");
    publish(c, "t", "exactly once");
    int qos;
    msub_message(&s, &qos, line, sizeof(line));
    snprintf(want, sizeof(want), "%s 65786163746c79206f6e6365", filter);
    cr_assert_str_eq(line, want);
    cr_assert_eq(qos, 2);
    expect(c, tok, "exactly once");
    sl_msg_client_close(c);

    static const char *const bad[] = {"3", "-1", "1 ", "", "one"};
    expect_values_refused(entry, "MOSQUITTO_QOS", bad, SL_ARRAY_SIZE(bad));
}

/* ---- topics ---------------------------------------------------------------------- */

Test(mosquitto, wildcards_and_dollars_are_plain_topics)
{
    need_broker();
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *c = client(e);
    static const char *const topics[] = {
        "+",   "#",    "a/+",  "a/#", "a/b",  "/",     "//",       "a//b", "/a",  "a/",    "%",
        "%2B", "$SYS", "$a/b", "a$",  "a\tb", "a\x7f", "\xc2\x85", "é/ü",  "+/#", "a/b/c", "a%2Fb"};
    char toks[SL_ARRAY_SIZE(topics)][SL_MSG_TOKEN_MAX + 1];
    for (size_t i = 0; i < SL_ARRAY_SIZE(topics); i++)
        snprintf(toks[i], sizeof(toks[i]), "%s", subscribe(c, topics[i]));
    for (size_t i = 0; i < SL_ARRAY_SIZE(topics); i++)
        publish(c, topics[i], topics[i]);
    for (size_t i = 0; i < SL_ARRAY_SIZE(topics); i++) {
        expect(c, toks[i], topics[i]);
        expect_none(c, toks[i]);
    }
    sl_msg_client_close(c);
}

Test(mosquitto, levels_stay_levels_for_other_clients)
{
    need_broker();
    need_mosquitto_program("mosquitto_sub");
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *c = client(e);
    char filter[256], line[512], want[512];
    /* a wildcard subscription of another client sees slight's levels */
    snprintf(filter, sizeof(filter), "%s/eu/#", names[0]);
    struct msub s = msub_start(filter, 0);
    publish(c, "eu/fr+de", "x");
    int qos;
    msub_message(&s, &qos, line, sizeof(line));
    snprintf(want, sizeof(want), "%s/eu/fr%%2Bde 78", names[0]);
    cr_assert_str_eq(line, want);
    sl_msg_client_close(c);
}

Test(mosquitto, topic_prefix)
{
    need_broker();
    need_mosquitto_program("mosquitto_sub");
    /* "": topics are MQTT topics as they are, as in slight v0.5.1 */
    const struct sl_cap_entry *e = entry("mq", "100ms");
    set_config(e, "MOSQUITTO_TOPIC_PREFIX", "");
    struct sl_msg_client *c = client(e);
    char topic[128], line[512], want[512];
    snprintf(topic, sizeof(topic), "sl-test/%s/room", names[0]);
    struct msub s = msub_start(topic, 0);
    char *tok = subscribe(c, topic);
    publish(c, topic, "bare");
    int qos;
    msub_message(&s, &qos, line, sizeof(line));
    snprintf(want, sizeof(want), "%s 62617265", topic);
    cr_assert_str_eq(line, want);
    expect(c, tok, "bare");
    sl_msg_client_close(c);

    /* a prefix of one's own */
    const struct sl_cap_entry *e2 = entry("mq", "100ms");
    char prefix[160], filter[256];
    snprintf(prefix, sizeof(prefix), "sl-test/%s/app/", names[0]);
    set_config(e2, "MOSQUITTO_TOPIC_PREFIX", prefix);
    struct sl_msg_client *c2 = client(e2);
    snprintf(filter, sizeof(filter), "%sx", prefix);
    s = msub_start(filter, 0);
    publish(c2, "x", "prefixed");
    msub_message(&s, &qos, line, sizeof(line));
    snprintf(want, sizeof(want), "%s 7072656669786564", filter);
    cr_assert_str_eq(line, want);
    sl_msg_client_close(c2);

    static const char *const bad[] = {"app", "a/+/", "#/", "$SYS/", "a\tb/"};
    expect_values_refused(entry, "MOSQUITTO_TOPIC_PREFIX", bad, SL_ARRAY_SIZE(bad));
}

/* ---- configuration and limits ----------------------------------------------------- */

Test(mosquitto, config_errors_at_open)
{
    need_broker();
    struct {
        const char *key, *value, *says;
    } bad[] = {
        {"MOSQUITTO_HOST", NULL, "MOSQUITTO_HOST is missing"},
        {"MOSQUITTO_PORT", NULL, "MOSQUITTO_PORT is missing"},
        {"MOSQUITTO_PORT", "0", "MOSQUITTO_PORT"},
        {"MOSQUITTO_PORT", "65536", "MOSQUITTO_PORT"},
        {"MOSQUITTO_PORT", "18x", "MOSQUITTO_PORT"},
        {"MOSQUITTO_PORT", "-1", "MOSQUITTO_PORT"},
        {"MOSQUITTO_TIMEOUT", "0s", "MOSQUITTO_TIMEOUT"},
        {"MOSQUITTO_TIMEOUT", "soon", "MOSQUITTO_TIMEOUT"},
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++) {
        sl_msg_shutdown();
        n_entries = 0;
        const struct sl_cap_entry *e = entry("mq", NULL);
        set_config(e, bad[i].key, bad[i].value);
        struct sl_msg_client *c = NULL;
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(sl_msg_client_open(e, &c, &err), SL_ECONFIG, "%s = %s", bad[i].key,
                     bad[i].value ? bad[i].value : "(none)");
        cr_assert_null(c);
        cr_assert(strstr(err.msg, bad[i].says) != NULL, "%s", err.msg);
        cr_assert(strstr(err.msg, "messaging.mosquitto") != NULL, "%s", err.msg);
    }
}

Test(mosquitto, larger_than_an_mqtt_packet)
{
    need_broker();
    const struct sl_cap_entry *e = entry("mq", "100ms");
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "big");
    /* refused before a byte is read: the buffer need not be that large */
    static const char small[16];
    struct sl_error err = SL_ERROR_INIT;
    size_t too_big = 268435455u - 2u - (strlen(names[0]) + 4u) + 1u;
    cr_assert_eq(sl_msg_publish(c, str_of("big"), (struct sl_str){small, too_big}, &err),
                 SL_EINVALVALUE, "%s", err.msg);
    cr_assert_eq(sl_msg_publish(c, str_of("big"), (struct sl_str){small, 268435456u}, &err),
                 SL_EINVALVALUE, "%s", err.msg);
    publish(c, "big", "small enough");
    expect(c, tok, "small enough");
    sl_msg_client_close(c);
}

Test(mosquitto, beside_another_backend)
{
    need_broker();
    const struct sl_cap_entry *eq = entry("mq", "100ms");
    /* a memory capability in the same slightfile */
    const struct sl_cap_entry *em = entry_new("messaging.memory", "local", NULL, tmpdir);
    set_config(em, "RECEIVE_TIMEOUT", "100ms");
    struct sl_msg_client *q = client(eq), *m = client(em);
    expect_apart(q, "over mqtt", m, "in memory");
    sl_msg_client_close(q);
    sl_msg_client_close(m);
}

/* ---- private brokers ------------------------------------------------------------- */

/* True when something listens on 127.0.0.1:p. */
static bool listening(int p)
{
    int fd = tcp_connect(p);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/*
 * Starts a private mosquitto on p (anonymous clients allowed or not, extra
 * lines added to its configuration); it dies with the test.
 */
static pid_t broker_start_conf(int p, bool anonymous, const char *extra)
{
    char conf[400];
    snprintf(conf, sizeof(conf), "%s/mosquitto-%d.conf", tmpdir, p);
    FILE *f = fopen(conf, "w");
    cr_assert_not_null(f);
    fprintf(f, "listener %d 127.0.0.1\nallow_anonymous %s\npersistence false\n%s", p,
            anonymous ? "true" : "false", extra);
    fclose(f);
    const char *argv[] = {"mosquitto", "-c", conf, NULL};
    pid_t pid = spawn(argv, -1);
    server_wait(pid, p, listening, 200, "mosquitto");
    return pid;
}

static pid_t broker_start(int p, bool anonymous)
{
    return broker_start_conf(p, anonymous, "");
}

Test(mosquitto, broker_down_then_back, .timeout = 60)
{
    need_broker();
    need_mosquitto_program("mosquitto");
    int p = free_port();
    static char pbuf[16];
    snprintf(pbuf, sizeof(pbuf), "%d", p);
    port = pbuf;
    /* the broker is down at start-up: open works, each call gets connection-lost */
    const struct sl_cap_entry *e = entry("mq", "200ms");
    struct sl_msg_client *c = client(e);
    char where[64];
    snprintf(where, sizeof(where), "127.0.0.1:%d", p);
    expect_unreachable(c, "messaging.mosquitto", where);

    pid_t pid = broker_start(p, true);
    char *t = subscribe(c, "t");
    publish(c, "t", "one");
    expect(c, t, "one");
    server_stop(pid);
    /*
     * A QoS 0 publish has no acknowledgement to wait for: the first one
     * after the broker went away may be queued before the network thread
     * reads the end of the connection (that message is lost, as documented).
     * Publish until the loss is reported, then every call reports it.
     */
    struct sl_error lost = SL_ERROR_INIT;
    int tries = 0;
    while (sl_msg_publish(c, str_of("t"), str_of("lost"), &lost) == SL_OK && ++tries < 100)
        usleep(20000);
    cr_assert(tries < 100, "publish never reported the broker's loss");
    expect_connection_lost(c, t);
    struct sl_buf tok = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_msg_subscribe(c, str_of("t"), &tok, &err), SL_ECONN, "%s", err.msg);

    pid = broker_start(p, true);
    publish(c, "t", "two");
    expect(c, t, "two"); /* the subscription was made again on the new connection */
    expect_none(c, t);
    char *t2 = subscribe(c, "t");
    publish(c, "t", "three");
    expect(c, t, "three");
    expect(c, t2, "three");
    server_stop(pid);
    sl_buf_release(&tok);
    sl_msg_client_close(c);
}

Test(mosquitto, refused_client_is_insufficient_permissions, .timeout = 60)
{
    need_broker();
    need_mosquitto_program("mosquitto");
    int p = free_port();
    static char pbuf[16];
    snprintf(pbuf, sizeof(pbuf), "%d", p);
    port = pbuf;
    pid_t pid = broker_start(p, false);
    const struct sl_cap_entry *e = entry("mq", "200ms");
    struct sl_msg_client *c = client(e);
    struct sl_buf tok = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_msg_publish(c, str_of("t"), str_of("x"), &err), SL_EAUTH, "%s", err.msg);
    cr_assert(strstr(err.msg, "not authori") != NULL, "%s", err.msg);
    cr_assert_eq(sl_msg_subscribe(c, str_of("t"), &tok, &err), SL_EAUTH, "%s", err.msg);
    server_stop(pid);
    sl_buf_release(&tok);
    sl_msg_client_close(c);
}

Test(mosquitto, user_name_and_password, .timeout = 60)
{
    need_broker();
    need_mosquitto_program("mosquitto");
    need_mosquitto_program("mosquitto_passwd");
    /* the broker drops to user mosquitto where it can: let it read the password file */
    cr_assert_eq(chmod(tmpdir, 0755), 0);
    char pwfile[400];
    snprintf(pwfile, sizeof(pwfile), "%s/passwd", tmpdir);
    run("mosquitto_passwd -c -b '%s' alice 's3cret-pw' >/dev/null 2>&1", pwfile);
    cr_assert_eq(chmod(pwfile, 0644), 0);
    int p = free_port();
    static char pbuf[16];
    snprintf(pbuf, sizeof(pbuf), "%d", p);
    port = pbuf;
    char extra[512];
    snprintf(extra, sizeof(extra), "password_file %s\n", pwfile);
    pid_t pid = broker_start_conf(p, false, extra);

    /* the right ones */
    const struct sl_cap_entry *e = entry("mq", "200ms");
    set_config(e, "MOSQUITTO_USERNAME", "alice");
    set_config(e, "MOSQUITTO_PASSWORD", "s3cret-pw");
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "t");
    publish(c, "t", "signed in");
    expect(c, tok, "signed in");
    sl_msg_client_close(c);

    /* a wrong password; none at all */
    const char *const pws[] = {"wrong-pw", NULL};
    for (size_t i = 0; i < SL_ARRAY_SIZE(pws); i++) {
        const struct sl_cap_entry *ew = entry("mq", "200ms");
        set_config(ew, "MOSQUITTO_USERNAME", pws[i] ? "alice" : NULL);
        set_config(ew, "MOSQUITTO_PASSWORD", pws[i]);
        struct sl_msg_client *cw = client(ew);
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(sl_msg_publish(cw, str_of("t"), str_of("x"), &err), SL_EAUTH, "%s", err.msg);
        cr_assert(strstr(err.msg, "wrong-pw") == NULL && strstr(err.msg, "s3cret") == NULL,
                  "the message shows the password: %s", err.msg);
        sl_msg_client_close(cw);
    }

    /* a password without a user name */
    const struct sl_cap_entry *eb = entry("mq", NULL);
    set_config(eb, "MOSQUITTO_PASSWORD", "s3cret-pw");
    struct sl_msg_client *cb = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_msg_client_open(eb, &cb, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "MOSQUITTO_USERNAME") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "s3cret") == NULL, "%s", err.msg);
    server_stop(pid);
}

Test(mosquitto, broker_size_limit_drops_silently, .timeout = 60)
{
    need_broker();
    need_mosquitto_program("mosquitto");
    int p = free_port();
    static char pbuf[16];
    snprintf(pbuf, sizeof(pbuf), "%d", p);
    port = pbuf;
    pid_t pid = broker_start_conf(p, true, "message_size_limit 1000\n");
    const struct sl_cap_entry *e = entry("mq", "300ms");
    set_config(e, "MOSQUITTO_QOS", "1");
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "t");
    static char big[2000];
    memset(big, 'b', sizeof(big));
    /* as docs/messaging.md says: the broker acks it and drops it */
    publish_n(c, "t", big, sizeof(big));
    publish_n(c, "t", big, 500);
    expect_n(c, tok, big, 500);
    expect_none(c, tok);
    server_stop(pid);
    sl_msg_client_close(c);
}
