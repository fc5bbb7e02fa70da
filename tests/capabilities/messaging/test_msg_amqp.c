/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_msg_amqp.c -- messaging.amqp cases beyond the conformance suite,
 * against the RabbitMQ of $SLIGHT_TEST_AMQP (tools/services.sh; without it
 * the tests skip, or fail under CI=true): interoperability with amqp-tools
 * (amqp-publish reaches a subscription, amqp-get and amqp-consume read
 * what slight published), configuration errors, refused logins, a broker
 * that never answers, long topics, a backlog larger than what slight holds,
 * two receivers on one token, a second backend in the same slightfile, and
 * a broker outage.
 *
 * The outage: a private RabbitMQ takes 7-15 s of CPU to start, so the
 * broker stays the real shared one and the test puts a TCP proxy of its own
 * (a thread forwarding 127.0.0.1:P to the broker) between it and slight.
 * Taking the proxy down closes its listening socket and every forwarded
 * connection, which is what slight sees when the broker stops; putting it
 * back listens on P again. Nothing of AMQP is imitated: the proxy copies
 * bytes.
 */
#include "sl_common.h"

#include "msg_test.h"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- capabilities --------------------------------------------------------- */

static const char *amqp_url;

static char exchanges[MAX_CAPS][128]; /* to delete at the end */

/* A librabbitmq connection of the test's own to the broker, channel 1 open. */
static amqp_connection_state_t admin_connect(void)
{
    char url[256];
    struct amqp_connection_info info;
    snprintf(url, sizeof(url), "%s", amqp_url);
    cr_assert_eq(amqp_parse_url(url, &info), AMQP_STATUS_OK);
    amqp_connection_state_t st = amqp_new_connection();
    amqp_socket_t *sock = amqp_tcp_socket_new(st);
    cr_assert_eq(amqp_socket_open(sock, info.host, info.port), AMQP_STATUS_OK);
    cr_assert_eq(amqp_login(st, info.vhost, 0, AMQP_DEFAULT_FRAME_SIZE, 0, AMQP_SASL_METHOD_PLAIN,
                            info.user, info.password)
                     .reply_type,
                 AMQP_RESPONSE_NORMAL);
    cr_assert_not_null(amqp_channel_open(st, 1));
    return st;
}

static void admin_close(amqp_connection_state_t st)
{
    amqp_connection_close(st, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(st);
}

static void setup(void)
{
    amqp_url = getenv("SLIGHT_TEST_AMQP");
    n_entries = 0;
}

static void teardown(void)
{
    sl_msg_shutdown();
    if (n_entries == 0 || amqp_url == NULL || amqp_url[0] == '\0')
        return;
    amqp_connection_state_t st = admin_connect();
    amqp_channel_t ch = 1;
    for (size_t i = 0; i < n_entries; i++)
        if (exchanges[i][0] != '\0'
            && amqp_exchange_delete(st, ch, amqp_cstring_bytes(exchanges[i]), 0) == NULL)
            amqp_channel_open(st, ++ch); /* an error closes the channel */
    admin_close(st);
    n_entries = 0;
}

TestSuite(amqp, .init = setup, .fini = teardown);

/* Skips the test when there is no broker (fails under CI). */
static void need_amqp(void)
{
    need_service(&amqp_service, amqp_url, NULL);
}

/*
 * A messaging.amqp capability entry named name plus a suffix unique to the
 * test (printed into names[]), with AMQP_URL url and RECEIVE_TIMEOUT timeout
 * (may be NULL); set_config adds more keys.
 */
static struct sl_cap_entry *entry_url(const char *name, const char *url, const char *timeout)
{
    need_amqp();
    struct sl_cap_entry *e = entry_new("messaging.amqp", name, ".", ".");
    size_t i = (size_t)(e - entries);
    snprintf(exchanges[i], sizeof(exchanges[i]), "slight.%s", names[i]);
    set_config(e, "AMQP_URL", url);
    if (timeout != NULL)
        set_config(e, "RECEIVE_TIMEOUT", timeout);
    return e;
}

static struct sl_cap_entry *entry(const char *name, const char *timeout)
{
    need_amqp();
    return entry_url(name, amqp_url, timeout);
}

/* ---- interoperability with amqp-tools ------------------------------------- */

/* Skips the test when amqp-tools is missing (fails under CI). */
static void need_tools(void)
{
    need_program("amqp-tools", "amqp-publish amqp-get", "amqp-tools", NULL);
}

/* Runs cmd and returns its whole standard output (malloc'd) in *out, its length in *len. */
static int run_capture(const char *cmd, char **out, size_t *len)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "%s", cmd);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    for (size_t r; (r = fread(buf + n, 1, cap - n, p)) > 0;) {
        n += r;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    *out = buf;
    *len = n;
    return pclose(p);
}

Test(amqp, amqp_publish_reaches_a_subscription)
{
    struct sl_cap_entry *e = entry("mq", "5s");
    need_tools();
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "orders.eu");
    char *other = subscribe(c, "orders.us");
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "amqp-publish -u '%s' -e '%s' -r orders.eu -b 'from amqp-publish'",
             amqp_url, exchanges[0]);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    expect(c, tok, "from amqp-publish");
    /*
     * amqp-publish has exited, so its message was routed before these
     * markers: a copy of it in either queue would come before the marker.
     */
    publish(c, "orders.eu", "marker eu");
    publish(c, "orders.us", "marker us");
    expect(c, tok, "marker eu");
    expect(c, other, "marker us"); /* another routing key got nothing else */
    sl_msg_client_close(c);
}

Test(amqp, slight_publish_reaches_amqp_get)
{
    struct sl_cap_entry *e = entry("mq", "200ms");
    need_tools();
    struct sl_msg_client *c = client(e);
    /* a plain queue, bound to the capability's exchange by routing key */
    char queue[128];
    snprintf(queue, sizeof(queue), "q.%s", names[0]);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "amqp-declare-queue -u '%s' -q '%s' >/dev/null", amqp_url, queue);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    amqp_connection_state_t st = admin_connect();
    /* the exchange exists once slight connected: a subscription makes it */
    char *tok = subscribe(c, "invoices");
    cr_assert_not_null(amqp_queue_bind(st, 1, amqp_cstring_bytes(queue),
                                       amqp_cstring_bytes(exchanges[0]),
                                       amqp_cstring_bytes("invoices"), amqp_empty_table));
    static const char bin[] = "line one\nline two\n\0after a NUL";
    publish_n(c, "invoices", bin, sizeof(bin) - 1);
    publish(c, "invoices-not", "elsewhere");
    char *out = NULL;
    size_t len = 0;
    snprintf(cmd, sizeof(cmd), "amqp-get -u '%s' -q '%s'", amqp_url, queue);
    cr_assert_eq(run_capture(cmd, &out, &len), 0, "%s", cmd);
    cr_assert_eq(len, sizeof(bin) - 1, "amqp-get printed %zu bytes", len);
    cr_assert(memcmp(out, bin, len) == 0);
    free(out);
    /* only one message was routed to the queue: a second get finds it empty */
    cr_assert_neq(run_capture(cmd, &out, &len), 0, "a second message: '%.*s'", (int)len, out);
    free(out);
    expect_n(c, tok, bin, sizeof(bin) - 1); /* slight's own subscription got it too */
    expect_none(c, tok);
    amqp_queue_delete(st, 1, amqp_cstring_bytes(queue), 0, 0);
    admin_close(st);
    sl_msg_client_close(c);
}

struct pinger {
    struct sl_msg_client *c;
    const char *topic;
    pthread_mutex_t lock;
    bool stop;
    int failed;
};

/* Publishes "ping" every 20 ms until told to stop: amqp-consume binds its queue at some point. */
static void *ping(void *arg)
{
    struct pinger *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        bool stop = p->stop;
        pthread_mutex_unlock(&p->lock);
        if (stop)
            return NULL;
        struct sl_error err = SL_ERROR_INIT;
        if (sl_msg_publish(p->c, str_of(p->topic), (struct sl_str){"ping\n\0!", 7}, &err) != SL_OK)
            p->failed++;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

Test(amqp, slight_publish_reaches_amqp_consume)
{
    struct sl_cap_entry *e = entry("mq", "200ms");
    need_tools();
    need_program("amqp-consume", "amqp-consume", "amqp-tools", NULL);
    struct sl_msg_client *c = client(e);
    subscribe(c, "audit"); /* the exchange exists once slight connected */
    /* its own exclusive queue bound with key "audit"; one message, written by cat */
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "amqp-consume -u '%s' -e '%s' -r audit -x -c 1 cat", amqp_url,
             exchanges[0]);
    static struct pinger p;
    p = (struct pinger){.c = c, .topic = "audit"};
    pthread_mutex_init(&p.lock, NULL);
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, ping, &p), 0);
    char *out = NULL;
    size_t len = 0;
    int rc = run_capture(cmd, &out, &len);
    pthread_mutex_lock(&p.lock);
    p.stop = true;
    pthread_mutex_unlock(&p.lock);
    pthread_join(th, NULL);
    pthread_mutex_destroy(&p.lock);
    cr_assert_eq(rc, 0, "%s", cmd);
    cr_assert_eq(p.failed, 0);
    cr_assert_eq(len, 7, "amqp-consume printed %zu bytes", len);
    cr_assert(memcmp(out, "ping\n\0!", 7) == 0);
    free(out);
    sl_msg_client_close(c);
}

Test(amqp, exchange_can_be_named)
{
    struct sl_cap_entry *a = entry("a", "200ms");
    struct sl_cap_entry *b = entry("b", "200ms");
    need_tools();
    /* two capabilities on one named exchange share its topics */
    char x[128];
    snprintf(x, sizeof(x), "shared.%s", names[0]);
    set_config(a, "AMQP_EXCHANGE", x);
    set_config(b, "AMQP_EXCHANGE", x);
    snprintf(exchanges[0], sizeof(exchanges[0]), "%s", x);
    exchanges[1][0] = '\0';
    struct sl_msg_client *ca = client(a), *cb = client(b);
    char *ta = subscribe(ca, "t");
    publish(cb, "t", "across");
    expect(ca, ta, "across");
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "amqp-publish -u '%s' -e '%s' -r t -b 'from the tool'", amqp_url,
             x);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    expect(ca, ta, "from the tool");
    expect_none(ca, ta);
    sl_msg_client_close(ca);
    sl_msg_client_close(cb);
}

/* ---- configuration and refusals ------------------------------------------- */

Test(amqp, bad_config_is_an_open_error)
{
    need_amqp();
    struct sl_error err = SL_ERROR_INIT;
    struct sl_cap_entry *e = entry_url("mq", "http://guest:s3cr3t@127.0.0.1/", NULL);
    cr_assert_eq(open_error(e, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "AMQP_URL") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "s3cr3t") == NULL, "the message shows the password: %s", err.msg);

    e = entry_url("mq", "amqps://guest:s3cr3t@127.0.0.1/", NULL);
    cr_assert_eq(open_error(e, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "amqps") != NULL, "%s", err.msg);

    e = entry("mq", NULL);
    set_config(e, "AMQP_TIMEOUT", "0s");
    cr_assert_eq(open_error(e, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "AMQP_TIMEOUT") != NULL, "%s", err.msg);

    e = entry("mq", NULL);
    set_config(e, "AMQP_TIMEOUT", "soon");
    cr_assert_eq(open_error(e, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "AMQP_TIMEOUT") != NULL, "%s", err.msg);

    e = entry("mq", NULL);
    set_config(e, "AMQP_EXCHANGE", "");
    cr_assert_eq(open_error(e, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "AMQP_EXCHANGE") != NULL, "%s", err.msg);
}

/* amqp_url with the password or the vhost replaced. */
static const char *url_with(const char *password, const char *vhost)
{
    static char url[256];
    const char *at = strrchr(amqp_url, '@');
    cr_assert_not_null(at);
    snprintf(url, sizeof(url), "amqp://guest:%s%s%s", password, at, vhost);
    return url;
}

Test(amqp, refused_login_is_insufficient_permissions)
{
    need_amqp();
    struct sl_cap_entry *e = entry_url("mq", url_with("n0t-the-pa55", ""), "100ms");
    struct sl_msg_client *c = client(e); /* no connection yet */
    struct sl_buf tok = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_msg_subscribe(c, str_of("t"), &tok, &err), SL_EAUTH, "%s", err.msg);
    cr_assert(strstr(err.msg, "n0t-the-pa55") == NULL, "shows the password: %s", err.msg);
    cr_assert(strstr(err.msg, "messaging.amqp") != NULL, "%s", err.msg);
    cr_assert_eq(sl_msg_publish(c, str_of("t"), str_of("x"), &err), SL_EAUTH, "%s", err.msg);
    sl_msg_client_close(c);

    e = entry_url("mq", url_with("guest", "/no-such-vhost"), "100ms");
    c = client(e);
    cr_assert_eq(sl_msg_publish(c, str_of("t"), str_of("x"), &err), SL_EAUTH, "%s", err.msg);
    cr_assert(strstr(err.msg, "no-such-vhost") != NULL, "%s", err.msg);
    sl_buf_release(&tok);
    sl_msg_client_close(c);
}

static int listen_on(int port);

Test(amqp, a_broker_that_never_answers_is_connection_lost, .timeout = 60)
{
    need_amqp();
    /* a socket that takes connections (the kernel's backlog) and never says a word */
    int lfd = listen_on(0);
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    cr_assert_eq(getsockname(lfd, (struct sockaddr *)&sa, &sl), 0);
    static char url[128];
    snprintf(url, sizeof(url), "amqp://guest:guest@127.0.0.1:%d", ntohs(sa.sin_port));
    struct sl_cap_entry *e = entry_url("mq", url, "100ms");
    set_config(e, "AMQP_TIMEOUT", "300ms");
    exchanges[0][0] = '\0';
    struct sl_msg_client *c = client(e);
    expect_unreachable(c, "messaging.amqp", NULL);
    sl_msg_client_close(c);
    sl_msg_shutdown();
    close(lfd);
}

Test(amqp, topic_is_a_routing_key_of_at_most_255_bytes)
{
    struct sl_cap_entry *e = entry("mq", "200ms");
    struct sl_msg_client *c = client(e);
    char topic[257];
    memset(topic, 'k', 256);
    topic[256] = '\0';
    struct sl_buf tok = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_msg_subscribe(c, str_of(topic), &tok, &err), SL_EINVAL);
    cr_assert(strstr(err.msg, "255") != NULL, "%s", err.msg);
    cr_assert_eq(sl_msg_publish(c, str_of(topic), str_of("x"), &err), SL_EINVAL);
    topic[255] = '\0';
    char *t = subscribe(c, topic);
    publish(c, topic, "longest");
    /* routing keys are not patterns: '#' and '*' are plain bytes on a direct exchange */
    char *hash = subscribe(c, "#");
    char *star = subscribe(c, "a.*");
    publish(c, "a.b", "not for the patterns");
    publish(c, "#", "hash");
    publish(c, "a.*", "star");
    expect(c, t, "longest");
    expect_none(c, t);
    expect(c, hash, "hash");
    expect_none(c, hash);
    expect(c, star, "star");
    expect_none(c, star);
    sl_buf_release(&tok);
    sl_msg_client_close(c);
}

Test(amqp, beside_another_backend)
{
    struct sl_cap_entry *ea = entry("mq", "200ms");
    /* a memory capability in the same slightfile */
    const struct sl_cap_entry *em = entry_new("messaging.memory", "local", NULL, ".");
    set_config(em, "RECEIVE_TIMEOUT", "200ms");
    struct sl_msg_client *a = client(ea), *m = client(em);
    expect_apart(a, "over amqp", m, "in memory");
    sl_msg_client_close(a);
    sl_msg_client_close(m);
}

/* ---- a subscription read slowly ------------------------------------------- */

Test(amqp, a_backlog_larger_than_what_slight_holds_arrives_whole)
{
    /* more than slight takes ahead (256 acked + 64 unacked): the rest waits on the broker */
    struct sl_cap_entry *e = entry("mq", "500ms");
    struct sl_msg_client *c = client(e);
    char *tok = subscribe(c, "backlog");
    char m[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(m, sizeof(m), "b%d", i);
        publish(c, "backlog", m);
    }
    for (int i = 0; i < 1000; i++) {
        snprintf(m, sizeof(m), "b%d", i);
        expect(c, tok, m);
    }
    expect_none(c, tok);
    sl_msg_client_close(c);
}

/* ---- two receivers on one token ------------------------------------------ */

#define SHARED_MSGS 300

struct taker {
    struct sl_msg_client *c;
    const char *tok;
    int got[SHARED_MSGS];
    int n;
    int bad;
};

static void *take_all(void *arg)
{
    struct taker *t = arg;
    struct sl_buf m = SL_BUF_INIT;
    for (;;) {
        struct sl_error err = SL_ERROR_INIT;
        sl_buf_reset(&m);
        sl_err rc = sl_msg_receive(t->c, str_of(t->tok), NULL, NULL, &m, &err);
        if (rc == SL_ETIMEOUT)
            break;
        int i = -1;
        if (rc != SL_OK || m.len == 0 || m.len > 8 || sscanf(sl_buf_cstr(&m), "%d", &i) != 1
            || i < 0 || i >= SHARED_MSGS || t->n >= SHARED_MSGS) {
            t->bad++;
            break;
        }
        t->got[t->n++] = i;
    }
    sl_buf_release(&m);
    return NULL;
}

Test(amqp, two_receivers_on_one_token_share_its_messages)
{
    struct sl_cap_entry *e = entry("mq", "500ms");
    struct sl_msg_client *p = client(e);
    char *tok = subscribe(p, "work");
    for (int i = 0; i < SHARED_MSGS; i++) {
        char m[16];
        snprintf(m, sizeof(m), "%d", i);
        publish(p, "work", m);
    }
    static struct taker t[2];
    pthread_t th[2];
    for (int k = 0; k < 2; k++) {
        t[k] = (struct taker){.c = client(e), .tok = tok};
        cr_assert_eq(pthread_create(&th[k], NULL, take_all, &t[k]), 0);
    }
    int seen[SHARED_MSGS] = {0};
    for (int k = 0; k < 2; k++) {
        pthread_join(th[k], NULL);
        cr_assert_eq(t[k].bad, 0, "receiver %d got an error or a bad message", k);
        for (int j = 0; j < t[k].n; j++) {
            seen[t[k].got[j]]++;
            /* each receiver sees its share in the published order */
            cr_assert(j == 0 || t[k].got[j] > t[k].got[j - 1], "receiver %d: %d after %d", k,
                      t[k].got[j], t[k].got[j - 1]);
        }
        sl_msg_client_close(t[k].c);
    }
    for (int i = 0; i < SHARED_MSGS; i++)
        cr_assert_eq(seen[i], 1, "message %d received %d times", i, seen[i]);
    sl_msg_client_close(p);
}

/* ---- a broker outage, through a proxy ------------------------------------- */

#define PROXY_PAIRS 32

/* A TCP forwarder 127.0.0.1:port -> 127.0.0.1:target, run by one thread. */
struct proxy {
    int port, target;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int wake[2];
    int lfd;                      /* under lock: -1 while down */
    bool quit;
    unsigned applied, requested;  /* under lock: state changes asked for and done */
    int pairs[PROXY_PAIRS][2];    /* thread only: client, broker; -1 when free */
};

static int listen_on(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert(fd >= 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "bind %d: %s", port,
                 strerror(errno));
    cr_assert_eq(listen(fd, 16), 0);
    return fd;
}

static void close_pair(struct proxy *p, int k)
{
    close(p->pairs[k][0]);
    close(p->pairs[k][1]);
    p->pairs[k][0] = p->pairs[k][1] = -1;
}

/* Writes all of buf to fd; false when the peer is gone. */
static bool write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        buf += n, len -= (size_t)n;
    }
    return true;
}

static void *proxy_run(void *arg)
{
    struct proxy *p = arg;
    static char buf[65536];
    for (;;) {
        struct pollfd fds[2 + 2 * PROXY_PAIRS];
        int map[2 + 2 * PROXY_PAIRS];
        nfds_t n = 0;
        fds[n++] = (struct pollfd){.fd = p->wake[0], .events = POLLIN};
        pthread_mutex_lock(&p->lock);
        int lfd = p->lfd;
        pthread_mutex_unlock(&p->lock);
        if (lfd >= 0)
            fds[n++] = (struct pollfd){.fd = lfd, .events = POLLIN};
        nfds_t first_pair = n;
        for (int k = 0; k < PROXY_PAIRS; k++)
            for (int side = 0; side < 2 && p->pairs[k][0] >= 0; side++) {
                map[n] = k * 2 + side;
                fds[n++] = (struct pollfd){.fd = p->pairs[k][side], .events = POLLIN};
            }
        if (poll(fds, n, -1) < 0)
            continue;
        if (fds[0].revents != 0) {
            char c;
            (void)!read(p->wake[0], &c, 1);
            pthread_mutex_lock(&p->lock);
            if (p->lfd < 0) /* down: every forwarded connection goes too */
                for (int k = 0; k < PROXY_PAIRS; k++)
                    if (p->pairs[k][0] >= 0)
                        close_pair(p, k);
            bool quit = p->quit;
            p->applied = p->requested;
            pthread_cond_broadcast(&p->cond);
            pthread_mutex_unlock(&p->lock);
            if (quit)
                return NULL;
            continue; /* the descriptors may have changed */
        }
        if (lfd >= 0 && fds[1].revents != 0) {
            int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
            if (cfd >= 0) {
                int bfd = tcp_connect(p->target);
                int k = 0;
                while (k < PROXY_PAIRS && p->pairs[k][0] >= 0)
                    k++;
                if (bfd < 0 || k == PROXY_PAIRS) {
                    close(cfd);
                    if (bfd >= 0)
                        close(bfd);
                } else {
                    p->pairs[k][0] = cfd;
                    p->pairs[k][1] = bfd;
                }
            }
        }
        for (nfds_t j = first_pair; j < n; j++) {
            if (fds[j].revents == 0)
                continue;
            int k = map[j] / 2, side = map[j] % 2;
            if (p->pairs[k][0] < 0)
                continue;
            ssize_t got = recv(p->pairs[k][side], buf, sizeof(buf), 0);
            if (got <= 0 || !write_all(p->pairs[k][1 - side], buf, (size_t)got))
                close_pair(p, k);
        }
    }
}

/* Asks the proxy thread to apply a change and waits until it has. */
static void proxy_sync(struct proxy *p)
{
    pthread_mutex_lock(&p->lock);
    unsigned want = ++p->requested;
    pthread_mutex_unlock(&p->lock);
    cr_assert_eq(write(p->wake[1], "x", 1), 1);
    pthread_mutex_lock(&p->lock);
    while (p->applied < want)
        pthread_cond_wait(&p->cond, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

static void proxy_down(struct proxy *p)
{
    pthread_mutex_lock(&p->lock);
    int lfd = p->lfd;
    p->lfd = -1;
    pthread_mutex_unlock(&p->lock);
    proxy_sync(p); /* the thread no longer polls lfd */
    if (lfd >= 0)
        close(lfd);
}

static void proxy_up(struct proxy *p)
{
    int lfd = listen_on(p->port);
    pthread_mutex_lock(&p->lock);
    p->lfd = lfd;
    pthread_mutex_unlock(&p->lock);
    proxy_sync(p);
}

/* A proxy to target on a free port, down (nothing listens there yet). */
static void proxy_start(struct proxy *p, int target)
{
    int fd = listen_on(0);
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd);
    *p = (struct proxy){.port = ntohs(sa.sin_port), .target = target, .lfd = -1};
    for (int k = 0; k < PROXY_PAIRS; k++)
        p->pairs[k][0] = p->pairs[k][1] = -1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    cr_assert_eq(pipe(p->wake), 0);
    cr_assert_eq(pthread_create(&p->thread, NULL, proxy_run, p), 0);
}

static void proxy_stop(struct proxy *p)
{
    proxy_down(p);
    pthread_mutex_lock(&p->lock);
    p->quit = true;
    pthread_mutex_unlock(&p->lock);
    proxy_sync(p);
    pthread_join(p->thread, NULL);
    close(p->wake[0]);
    close(p->wake[1]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
}

Test(amqp, broker_down_then_back, .timeout = 60)
{
    need_amqp();
    const char *colon = strrchr(amqp_url, ':');
    cr_assert_not_null(colon);
    int broker_port = atoi(colon + 1);
    static struct proxy px;
    proxy_start(&px, broker_port);
    static char url[256];
    const char *at = strrchr(amqp_url, '@');
    snprintf(url, sizeof(url), "%.*s@127.0.0.1:%d", (int)(at - amqp_url), amqp_url, px.port);
    char where[32];
    snprintf(where, sizeof(where), "127.0.0.1:%d", px.port);

    /* the broker is down at start-up: open works, each call gets connection-lost */
    struct sl_cap_entry *e = entry_url("mq", url, "200ms");
    struct sl_msg_client *c = client(e);
    struct sl_buf tok = SL_BUF_INIT, got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_msg_subscribe(c, str_of("t"), &tok, &err), SL_ECONN, "%s", err.msg);
    cr_assert(strstr(err.msg, "messaging.amqp") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, where) != NULL, "names the broker: %s", err.msg);
    cr_assert(strstr(err.msg, "guest") == NULL, "shows the credentials: %s", err.msg);
    cr_assert_eq(sl_msg_publish(c, str_of("t"), str_of("lost"), &err), SL_ECONN, "%s", err.msg);

    proxy_up(&px);
    char *t = subscribe(c, "t");
    publish(c, "t", "one");
    expect(c, t, "one");

    proxy_down(&px); /* the connections drop, and nothing listens */
    cr_assert_eq(sl_msg_publish(c, str_of("t"), str_of("lost"), &err), SL_ECONN, "%s", err.msg);
    cr_assert_eq(receive(c, t, &got, &err), SL_ECONN, "%s", err.msg);
    cr_assert_eq(receive(c, t, &got, &err), SL_ECONN, "still down: %s", err.msg);

    proxy_up(&px);
    publish(c, "t", "two");
    expect(c, t, "two"); /* the subscription was made again before the publish */
    expect_none(c, t);
    char *t2 = subscribe(c, "t");
    publish(c, "t", "three");
    expect(c, t, "three");
    expect(c, t2, "three");

    /* a restart while slight is idle: the first calls after it work */
    proxy_down(&px);
    proxy_up(&px);
    publish(c, "t", "four");
    expect(c, t, "four");
    expect(c, t2, "four");
    proxy_down(&px);
    proxy_up(&px);
    char *t3 = subscribe(c, "t");
    publish(c, "t", "five");
    expect(c, t3, "five");
    expect(c, t, "five");

    sl_buf_release(&tok);
    sl_buf_release(&got);
    sl_msg_client_close(c);
    sl_msg_shutdown(); /* before the proxy goes: closing talks to the broker */
    proxy_stop(&px);
}
