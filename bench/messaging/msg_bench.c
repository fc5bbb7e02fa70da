/* messaging through a guest: publish -> receive latency (one message in
 * flight) and throughput (windows of W messages published, then received),
 * on the generated bindings, timed with the WASI monotonic clock. Prints
 *   latency P50_US P99_US
 *   throughput MSGS_PER_S
 *   msg_bench.wasm N SIZE W TOPIC */
#include <messaging.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"

static int failed(const char *what, messaging_messaging_error_t *e)
{
    messaging_string_t *s = &e->val.unexpected_error;
    printf("%s failed: case %u: %.*s\n", what, e->tag, (int)s->len, s->ptr);
    messaging_messaging_error_free(e);
    return 1;
}

static messaging_pub_t pub;
static messaging_sub_t sub;
static messaging_subscription_token_t tok;
static messaging_string_t topic;
static messaging_list_u8_t body;

static int publish(void)
{
    messaging_expected_unit_messaging_error_t r;
    messaging_pub_publish(pub, &body, &topic, &r);
    return r.is_err ? failed("publish", &r.val.err) : 0;
}

static int receive(void)
{
    messaging_expected_list_u8_messaging_error_t r;
    messaging_sub_receive(sub, &tok, &r);
    if (r.is_err)
        return failed("receive", &r.val.err);
    int bad = r.val.ok.len != body.len;
    messaging_list_u8_free(&r.val.ok);
    if (bad)
        printf("receive: wrong length\n");
    return bad;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    size_t size = argc > 2 ? (size_t)atol(argv[2]) : 64;
    int w = argc > 3 ? atoi(argv[3]) : 100;
    messaging_string_t name;
    messaging_string_set(&name, "bench");
    messaging_string_set(&topic, argc > 4 ? argv[4] : "bench");
    body.len = size;
    body.ptr = malloc(size ? size : 1);
    if (body.ptr == NULL || n <= 0 || w <= 0)
        return 1;
    memset(body.ptr, 'x', size);

    messaging_expected_pub_messaging_error_t p;
    messaging_pub_open(&name, &p);
    if (p.is_err)
        return failed("pub open", &p.val.err);
    pub = p.val.ok;
    messaging_expected_sub_messaging_error_t s;
    messaging_sub_open(&name, &s);
    if (s.is_err)
        return failed("sub open", &s.val.err);
    sub = s.val.ok;
    messaging_expected_subscription_token_messaging_error_t t;
    messaging_sub_subscribe(sub, &topic, &t);
    if (t.is_err)
        return failed("subscribe", &t.val.err);
    tok = t.val.ok;

    if (measure(n, w, publish, receive))
        return 1;
    return 0;
}
