/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_msg_kafka.c -- messaging.confluent_apache_kafka beyond the
 * conformance suite: kcat (Kafka's command-line client) and slight on one
 * cluster in both directions, Kafka's topic-name rules, config errors, two
 * capabilities on one cluster and beside a memory capability, and a cluster
 * nobody listens for. The cluster is kafka_mock_broker (librdkafka's mock
 * cluster in its own process, $SL_KAFKA_MOCK_BROKER).
 */
#include "sl_common.h"

#include "msg_test.h"

#include <criterion/criterion.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RESOURCE "messaging.confluent_apache_kafka"

static pid_t broker_pid;
static char bootstrap[256];
/* A mock cluster in this process, for cases that make its broker answer with errors. */
static rd_kafka_t *mock_rk;
static rd_kafka_mock_cluster_t *mock;

static void teardown(void)
{
    sl_msg_shutdown();
    if (mock != NULL)
        rd_kafka_mock_cluster_destroy(mock);
    if (mock_rk != NULL)
        rd_kafka_destroy(mock_rk);
    mock = NULL;
    mock_rk = NULL;
    if (broker_pid > 0) {
        kill(broker_pid, SIGTERM);
        waitpid(broker_pid, NULL, 0);
        broker_pid = 0;
    }
}

TestSuite(kafka, .fini = teardown);

/* Starts kafka_mock_broker and reads its bootstrap address into bootstrap. */
static void start_broker(void)
{
    const char *prog = getenv("SL_KAFKA_MOCK_BROKER");
    cr_assert(prog != NULL && prog[0] != '\0', "SL_KAFKA_MOCK_BROKER is not set (meson test)");
    const char *argv[] = {prog, "1", NULL};
    FILE *f = NULL;
    broker_pid = spawn_reading(argv, &f);
    cr_assert_not_null(fgets(bootstrap, sizeof(bootstrap), f), "kafka_mock_broker printed nothing");
    fclose(f);
    bootstrap[strcspn(bootstrap, "\n")] = '\0';
    cr_assert(strncmp(bootstrap, "127.0.0.1:", 10) == 0, "'%s'", bootstrap);
}

/* Skips the test when kcat is missing (fails under CI, which installs it). */
static void need_kcat(void)
{
    need_program("kcat", "kcat", "kcat", NULL);
}

/* An entry of resource res ("messaging.memory", RESOURCE) named name with nv config pairs. */
static const struct sl_cap_entry *entry_of(const char *res, const char *name, size_t nv,
                                           const char *const *kv)
{
    const struct sl_cap_entry *e = entry_new(res, name, NULL, ".");
    for (size_t j = 0; j < nv; j++)
        set_config(e, kv[2 * j], kv[2 * j + 1]);
    return e;
}

/* A kafka entry on the cluster at endpoint, receive waiting at most 2 s. */
static const struct sl_cap_entry *kafka_entry(const char *name, const char *endpoint)
{
    const char *kv[] = {"CAK_ENDPOINT", endpoint, "RECEIVE_TIMEOUT", "5s", "CAK_TIMEOUT", "5s"};
    return entry_of(RESOURCE, name, 3, kv);
}

Test(kafka, kcat_producer_to_slight_subscriber, .timeout = 60)
{
    need_kcat();
    start_broker();
    struct sl_msg_client *c = client(kafka_entry("mq", bootstrap));
    char *tok = subscribe(c, "interop");
    char cmd[512];
    /* one line, one message; -p 3: messages on any partition of the topic are received */
    snprintf(cmd, sizeof(cmd), "printf 'from kcat\\n' | kcat -P -b %s -t interop", bootstrap);
    run("%s", cmd);
    expect(c, tok, "from kcat");
    snprintf(cmd, sizeof(cmd), "printf 'on partition 3\\n' | kcat -P -b %s -t interop -p 3",
             bootstrap);
    run("%s", cmd);
    expect(c, tok, "on partition 3");
    expect_none(c, tok);
    sl_msg_client_close(c);
}

Test(kafka, slight_publisher_to_kcat_consumer, .timeout = 60)
{
    need_kcat();
    start_broker();
    struct sl_msg_client *c = client(kafka_entry("mq", bootstrap));
    publish(c, "out", "first");
    publish(c, "out", "second");
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "kcat -C -b %s -t out -o beginning -e -q -f '%%p %%s\\n'",
             bootstrap);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char out[256] = "";
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = '\0';
    cr_assert_eq(pclose(p), 0, "%s", cmd);
    /* all on partition 0, in order */
    cr_assert_str_eq(out, "0 first\n0 second\n");
    sl_msg_client_close(c);
}

Test(kafka, topic_names_follow_kafka)
{
    start_broker();
    struct sl_msg_client *c = client(kafka_entry("mq", bootstrap));
    struct sl_buf tok = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    static const char *const bad[] = {"a b", "a/b", "a:b", "a*", "é", ".", ".."};
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++) {
        cr_assert_eq(sl_msg_subscribe(c, str_of(bad[i]), &tok, &err), SL_EINVAL, "'%s'", bad[i]);
        cr_assert(strstr(err.msg, "is not a Kafka topic name") != NULL, "%s", err.msg);
        cr_assert_eq(sl_msg_publish(c, str_of(bad[i]), str_of("x"), &err), SL_EINVAL, "'%s'",
                     bad[i]);
    }
    char name[251];
    memset(name, 'n', sizeof(name) - 1);
    name[250] = '\0';
    cr_assert_eq(sl_msg_publish(c, str_of(name), str_of("x"), &err), SL_EINVAL);
    name[249] = '\0'; /* Kafka's longest */
    char *t = subscribe(c, name);
    publish(c, name, "long");
    expect(c, t, "long");
    t = subscribe(c, "..a");
    publish(c, "..a", "dots");
    expect(c, t, "dots");
    sl_buf_release(&tok);
    sl_msg_client_close(c);
}

Test(kafka, config_errors_at_open)
{
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(open_error(entry_of(RESOURCE, "a", 0, NULL), &err), SL_ECONFIG);
    cr_assert_str_eq(err.msg, RESOURCE ": needs config 'CAK_ENDPOINT'");
    const char *proto[] = {"CAK_ENDPOINT", "127.0.0.1:9", "CAK_SECURITY_PROTOCOL",
                           "carrier-pigeon"};
    cr_assert_eq(open_error(entry_of(RESOURCE, "b", 2, proto), &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "CAK_SECURITY_PROTOCOL") != NULL, "%s", err.msg);
    const char *timeout[] = {"CAK_ENDPOINT", "127.0.0.1:9", "CAK_TIMEOUT", "soon"};
    cr_assert_eq(open_error(entry_of(RESOURCE, "c", 2, timeout), &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "CAK_TIMEOUT") != NULL, "%s", err.msg);
    /* Confluent Cloud's settings are accepted (upper case as Confluent writes them) */
    const char *sasl[] = {"CAK_ENDPOINT",        "127.0.0.1:9", "CAK_SECURITY_PROTOCOL", "SASL_SSL",
                          "CAK_SASL_MECHANISMS", "PLAIN",       "CAK_SASL_PASSWORD",     "hunter2"};
    cr_assert_eq(open_error(entry_of(RESOURCE, "d", 4, sasl), &err), SL_OK, "%s", err.msg);
}

Test(kafka, capabilities_on_one_cluster_share_its_topics)
{
    start_broker();
    struct sl_msg_client *a = client(kafka_entry("orders", bootstrap));
    struct sl_msg_client *b = client(kafka_entry("audit", bootstrap));
    char *ta = subscribe(a, "t");
    publish(b, "t", "via audit");
    expect(a, ta, "via audit"); /* the topic is the cluster's, not the capability's */
    struct sl_buf got = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    /* tokens stay the capability's own */
    cr_assert_eq(sl_msg_receive(b, str_of(ta), NULL, NULL, &got, &err), SL_EINVAL);
    sl_buf_release(&got);
    sl_msg_client_close(a);
    sl_msg_client_close(b);
}

Test(kafka, beside_a_memory_capability)
{
    start_broker();
    struct sl_msg_client *k = client(kafka_entry("events", bootstrap));
    const char *mem_kv[] = {"RECEIVE_TIMEOUT", "200ms"};
    struct sl_msg_client *m = client(entry_of("messaging.memory", "local", 1, mem_kv));
    expect_apart(k, "to kafka", m, "to memory");
    sl_msg_client_close(k);
    sl_msg_client_close(m);
}

Test(kafka, nobody_listening_is_connection_lost, .timeout = 60)
{
    char endpoint[64];
    snprintf(endpoint, sizeof(endpoint), "127.0.0.1:%d", free_port());
    struct sl_msg_client *c = client(kafka_entry("mq", endpoint)); /* start-up does not connect */
    expect_unreachable(c, RESOURCE, endpoint);
    sl_msg_client_close(c);
}

/* Starts the in-process mock cluster; its bootstrap address goes to bootstrap. */
static void start_mock(void)
{
    char why[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", why, sizeof(why));
    mock_rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
    cr_assert_not_null(mock_rk, "%s", why);
    mock = rd_kafka_mock_cluster_new(mock_rk, 1);
    cr_assert_not_null(mock);
    snprintf(bootstrap, sizeof(bootstrap), "%s", rd_kafka_mock_cluster_bootstraps(mock));
}

Test(kafka, broker_refusals_map_to_variants, .timeout = 60)
{
    start_mock();
    struct sl_msg_client *c = client(kafka_entry("mq", bootstrap));
    struct sl_buf tok = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    /* insufficient-permissions */
    rd_kafka_mock_topic_set_error(mock, "secret", RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
    cr_assert_eq(sl_msg_subscribe(c, str_of("secret"), &tok, &err), SL_EAUTH, "%s", err.msg);
    cr_assert(strstr(err.msg, "'secret'") != NULL, "%s", err.msg);
    cr_assert_eq(sl_msg_publish(c, str_of("secret"), str_of("x"), &err), SL_EAUTH, "%s", err.msg);
    /* queue-or-topic-not-found: a topic the cluster does not create (after CAK_TIMEOUT) */
    rd_kafka_mock_topic_set_error(mock, "missing", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
    cr_assert_eq(sl_msg_subscribe(c, str_of("missing"), &tok, &err), SL_ENOTFOUND, "%s", err.msg);
    cr_assert_eq(tok.len, 0);
    /* payload-too-large when a broker refuses the size (ApiKey 0: Produce) */
    char *t = subscribe(c, "big");
    rd_kafka_mock_push_request_errors(mock, 0, 1, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
    cr_assert_eq(sl_msg_publish(c, str_of("big"), str_of("too big for this broker"), &err),
                 SL_EINVALVALUE, "%s", err.msg);
    publish(c, "big", "fits");
    expect(c, t, "fits");
    expect_none(c, t);
    sl_buf_release(&tok);
    sl_msg_client_close(c);
}

Test(kafka, a_producer_that_stops_is_replaced, .timeout = 60)
{
    start_mock();
    struct sl_msg_client *c = client(kafka_entry("mq", bootstrap));
    char *t = subscribe(c, "t");
    /* the idempotent producer's InitProducerId (ApiKey 22) refused: a fatal error */
    rd_kafka_mock_push_request_errors(mock, 22, 1, RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED);
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = sl_msg_publish(c, str_of("t"), str_of("lost"), &err);
    cr_assert_neq(rc, SL_OK);
    cr_assert(strstr(err.msg, "the producer stopped") != NULL, "%s", err.msg);
    publish(c, "t", "after");
    expect(c, t, "after");
    expect_none(c, t);
    sl_msg_client_close(c);
}
