/* SPDX-License-Identifier: Apache-2.0 */
/* clock_poll.c -- clock_res/time_get, poll_oneoff (sleep), random_get, sched_yield. */
#include "check.h"

#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    struct timespec res;
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && (res.tv_sec > 0 || res.tv_nsec > 0));
    CHECK(ns(CLOCK_REALTIME) > 1600000000LL * 1000000000LL);
    long long t0 = ns(CLOCK_MONOTONIC);
    struct timespec d = {0, 30000000};
    CHECK(nanosleep(&d, NULL) == 0);
    CHECK(ns(CLOCK_MONOTONIC) - t0 >= 30000000);
    CHECK(ns(CLOCK_PROCESS_CPUTIME_ID) >= 0);
    CHECK(usleep(1000) == 0);
    unsigned char r1[32] = {0}, r2[32] = {0};
    arc4random_buf(r1, sizeof(r1));
    CHECK(getentropy(r2, sizeof(r2)) == 0);
    CHECK(memcmp(r1, r2, sizeof(r1)) != 0);
    CHECK(sched_yield() == 0);
    printf("failures=%d\n", failures);
    return failures;
}
