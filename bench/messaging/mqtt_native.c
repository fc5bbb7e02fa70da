/* The native baseline of bench/messaging for MQTT: the same measurements as
 * msg_bench.c (latency with one message in flight, throughput in windows of
 * W) from a C program on libmosquitto with its network thread
 * (mosquitto_loop_start), subscribing at QoS 1 and publishing at QoS 0 as
 * messaging.mosquitto does by default; received messages go through a
 * mutex/condition-variable queue, as any threaded client needs (TCP_NODELAY
 * on: with Nagle, windows of QoS 1 deliveries stall on delayed ACKs). Prints the
 * lines msg_bench.c prints.
 *   mqtt_native PORT N SIZE W TOPIC */
#include <mosquitto.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long queued;   /* messages received and not yet taken */
static int subscribed, wrong_size;
static int size;

static void on_message(struct mosquitto *m, void *u, const struct mosquitto_message *msg)
{
    (void)m;
    (void)u;
    pthread_mutex_lock(&lock);
    if (msg->payloadlen != size)
        wrong_size = 1;
    queued++;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
}

static void on_subscribe(struct mosquitto *m, void *u, int mid, int n, const int *qos)
{
    (void)m;
    (void)u;
    (void)mid;
    (void)n;
    (void)qos;
    pthread_mutex_lock(&lock);
    subscribed = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
}

static struct mosquitto *mq;
static const char *topic;
static char *body;

static int publish(void)
{
    int rc = mosquitto_publish(mq, NULL, topic, size, body, 0, false);
    if (rc != MOSQ_ERR_SUCCESS)
        fprintf(stderr, "publish: %s\n", mosquitto_strerror(rc));
    return rc != MOSQ_ERR_SUCCESS;
}

static int receive(void)
{
    pthread_mutex_lock(&lock);
    while (queued == 0)
        pthread_cond_wait(&cond, &lock);
    queued--;
    int bad = wrong_size;
    pthread_mutex_unlock(&lock);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: mqtt_native PORT N SIZE W TOPIC\n");
        return 2;
    }
    int port = atoi(argv[1]), n = atoi(argv[2]), w = atoi(argv[4]);
    size = atoi(argv[3]);
    topic = argv[5];
    body = malloc((size_t)size + 1);
    if (body == NULL || n <= 0 || w <= 0)
        return 1;
    memset(body, 'x', (size_t)size);
    mosquitto_lib_init();
    mq = mosquitto_new(NULL, true, NULL);
    if (mq == NULL)
        return 1;
    mosquitto_int_option(mq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_message_callback_set(mq, on_message);
    mosquitto_subscribe_callback_set(mq, on_subscribe);
    int rc = mosquitto_connect(mq, "127.0.0.1", port, 60);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_loop_start(mq);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_subscribe(mq, NULL, topic, 1);
    if (rc != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "connect/subscribe: %s\n", mosquitto_strerror(rc));
        return 1;
    }
    pthread_mutex_lock(&lock);
    while (!subscribed)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    if (measure(n, w, publish, receive))
        return 1;
    mosquitto_disconnect(mq);
    mosquitto_loop_stop(mq, false);
    mosquitto_destroy(mq);
    mosquitto_lib_cleanup();
    free(body);
    return 0;
}
