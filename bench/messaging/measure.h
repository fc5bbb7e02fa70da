/* The measurement shared by the guest (msg_bench.c) and the native clients
 * (nats_native.c, mqtt_native.c) of bench/messaging, so that both sides
 * time exactly the same pattern: 50 warm-up round trips, n publish ->
 * receive round trips with one message in flight (latency p50/p99), then n
 * messages in windows of w published, then received (throughput). Prints
 *   latency P50_US P99_US
 *   throughput MSGS_PER_S
 * publish and receive return 0 on success. Returns 0, or 1 on a failure. */
#ifndef BENCH_MESSAGING_MEASURE_H
#define BENCH_MESSAGING_MEASURE_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double measure_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int measure_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int measure(int n, int w, int (*publish)(void), int (*receive)(void))
{
    double *lat = malloc(sizeof(double) * (size_t)n);
    if (lat == NULL || n <= 0 || w <= 0)
        return 1;
    for (int i = 0; i < 50; i++)
        if (publish() || receive())
            return 1;
    for (int i = 0; i < n; i++) {
        double t0 = measure_now_us();
        if (publish() || receive())
            return 1;
        lat[i] = measure_now_us() - t0;
    }
    qsort(lat, (size_t)n, sizeof(double), measure_cmp);
    printf("latency %.1f %.1f\n", lat[n / 2], lat[(size_t)((double)n * 0.99)]);
    free(lat);
    double t0 = measure_now_us();
    for (int done = 0; done < n; done += w) {
        int k = n - done < w ? n - done : w;
        for (int i = 0; i < k; i++)
            if (publish())
                return 1;
        for (int i = 0; i < k; i++)
            if (receive())
                return 1;
    }
    printf("throughput %.0f\n", (double)n / ((measure_now_us() - t0) / 1e6));
    return 0;
}

#endif
