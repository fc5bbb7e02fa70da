/* The native baseline of bench/messaging for NATS: the same measurements as
 * msg_bench.c (latency with one message in flight, throughput in windows of
 * W) from a C program on libnats, with a synchronous subscription. With
 * FLUSH=1 every publish is followed by a flush (a PING/PONG round trip), as
 * messaging.nats does so that publish reports a dead connection: the same
 * guarantee as the guest's publish. Prints the lines msg_bench.c prints.
 *   nats_native URL N SIZE W SUBJECT FLUSH */
#include <nats/nats.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"

static natsConnection *nc;
static natsSubscription *ns;
static const char *subject;
static char *body;
static int size, flush;

static int publish(void)
{
    natsStatus s = natsConnection_Publish(nc, subject, body, size);
    if (s == NATS_OK && flush)
        s = natsConnection_FlushTimeout(nc, 10000);
    if (s != NATS_OK)
        fprintf(stderr, "publish: %s\n", natsStatus_GetText(s));
    return s != NATS_OK;
}

static int receive(void)
{
    natsMsg *m = NULL;
    natsStatus s = natsSubscription_NextMsg(&m, ns, 10000);
    if (s != NATS_OK) {
        fprintf(stderr, "receive: %s\n", natsStatus_GetText(s));
        return 1;
    }
    int bad = natsMsg_GetDataLength(m) != size;
    natsMsg_Destroy(m);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: nats_native URL N SIZE W SUBJECT FLUSH\n");
        return 2;
    }
    int n = atoi(argv[2]), w = atoi(argv[4]);
    size = atoi(argv[3]);
    subject = argv[5];
    flush = atoi(argv[6]);
    body = malloc((size_t)size + 1);
    if (body == NULL || n <= 0 || w <= 0)
        return 1;
    memset(body, 'x', (size_t)size);
    natsStatus s = natsConnection_ConnectTo(&nc, argv[1]);
    if (s == NATS_OK)
        s = natsConnection_SubscribeSync(&ns, nc, subject);
    if (s == NATS_OK)
        s = natsConnection_Flush(nc);
    if (s != NATS_OK) {
        fprintf(stderr, "connect/subscribe: %s\n", natsStatus_GetText(s));
        return 1;
    }
    if (measure(n, w, publish, receive))
        return 1;
    natsSubscription_Destroy(ns);
    natsConnection_Destroy(nc);
    nats_Close();
    free(body);
    return 0;
}
