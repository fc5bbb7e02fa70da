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
#include <time.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

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
    double *lat = malloc(sizeof(double) * (size_t)n);
    if (body.ptr == NULL || lat == NULL || n <= 0 || w <= 0)
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

    /* warm-up: connections, caches */
    for (int i = 0; i < 50; i++)
        if (publish() || receive())
            return 1;
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        if (publish() || receive())
            return 1;
        lat[i] = now_us() - t0;
    }
    qsort(lat, (size_t)n, sizeof(double), cmp_double);
    printf("latency %.1f %.1f\n", lat[n / 2], lat[(size_t)((double)n * 0.99)]);

    double t0 = now_us();
    for (int done = 0; done < n; done += w) {
        int k = n - done < w ? n - done : w;
        for (int i = 0; i < k; i++)
            if (publish())
                return 1;
        for (int i = 0; i < k; i++)
            if (receive())
                return 1;
    }
    printf("throughput %.0f\n", (double)n / ((now_us() - t0) / 1e6));
    return 0;
}
