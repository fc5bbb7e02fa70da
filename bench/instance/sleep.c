/* Idle guest for the RSS measurement: prints "sleeping" and then waits
 * SECONDS (default 2) with nanosleep (WASI poll_oneoff). If the runtime's
 * sleep fails or returns early, it busy-waits on clock_gettime for the rest,
 * and says so on stderr (the RSS is then that of a busy guest). Built with
 * -DBUSY_WAIT it never sleeps (and so does not import poll_oneoff), for
 * runtimes that do not provide it. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long secs = argc > 1 ? atol(argv[1]) : 2;
    long long start = now_ns(), end = start + secs * 1000000000LL;
    printf("sleeping %ld s\n", secs);
    fflush(stdout);
#ifdef BUSY_WAIT
    fprintf(stderr, "sleep: built with BUSY_WAIT; busy-waiting\n");
    {
#else
    struct timespec req = {secs, 0};
    int rc = nanosleep(&req, NULL);
    if (rc != 0 || now_ns() < end) {
        fprintf(stderr, "sleep: nanosleep %s; busy-waiting\n", rc ? "failed" : "returned early");
#endif
        while (now_ns() >= 0 && now_ns() < end)
            ;
    }
    puts("done");
    return 0;
}
