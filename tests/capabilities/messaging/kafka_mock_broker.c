/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kafka_mock_broker.c -- a Kafka cluster for tests in its own process:
 * librdkafka's mock cluster with N brokers (argument, default 1), its
 * bootstrap address printed on one line of stdout, serving until SIGTERM or
 * SIGINT. No Kafka broker is packaged in Debian; kcat and slight both talk
 * to this one over TCP.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int brokers = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 1;
    if (brokers < 1 || brokers > 16) {
        fprintf(stderr, "usage: kafka_mock_broker [BROKERS (1-16)]\n");
        return 2;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    /* blocked before librdkafka starts its threads, so that only sigwait takes them */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    char why[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", why, sizeof(why));
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
    if (rk == NULL) {
        fprintf(stderr, "kafka_mock_broker: %s\n", why);
        return 1;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
    if (mc == NULL) {
        fprintf(stderr, "kafka_mock_broker: cannot start the mock cluster\n");
        rd_kafka_destroy(rk);
        return 1;
    }
    printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return 0;
}
