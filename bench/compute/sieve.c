/* Prime sieve kernel: sieve of Eratosthenes over [0, 16M) on a byte array,
 * REPS times (each round's limit is a little lower, so rounds cannot be
 * folded). Prints a hash of each round's prime count and largest prime.
 * Usage: sieve [REPS]   (work is linear in REPS) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_REPS 25
#define LIMIT (16u << 20)

static int kernel(long reps, char *line, size_t cap)
{
    uint8_t *composite = malloc(LIMIT);
    if (!composite)
        return 1;
    uint32_t sum = 0;
    for (long r = 0; r < reps; r++) {
        uint32_t limit = LIMIT - (uint32_t)(r % 1000) * 1000u;
        memset(composite, 0, limit);
        composite[0] = composite[1] = 1;
        for (uint32_t p = 2; (uint64_t)p * p < limit; p++)
            if (!composite[p])
                for (uint32_t m = p * p; m < limit; m += p)
                    composite[m] = 1;
        uint32_t count = 0, last = 0;
        for (uint32_t i = 0; i < limit; i++)
            if (!composite[i]) {
                count++;
                last = i;
            }
        sum = sum * 31u + count + last;
    }
    snprintf(line, cap, "sieve reps=%ld limit=%u checksum=%08x", reps, LIMIT, (unsigned)sum);
    free(composite);
    return 0;
}

/* Common driver (identical in every kernel). main prints the checksum line;
 * with a second argument "--fnv" it prints the FNV-1a hash of that line
 * instead. Debian's wasm-interp is built without WASI, so run.sh also builds
 * each kernel as a library module (-DBENCH_INTERP_REPS=N, no _start) whose
 * export bench_interp() returns the same hash, for --run-all-exports. */
static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

#ifdef BENCH_INTERP_REPS
__attribute__((export_name("bench_interp"))) uint32_t bench_interp(void)
{
    char line[256];
    if (kernel(BENCH_INTERP_REPS, line, sizeof line) != 0)
        return 0;
    return fnv1a(line);
}
#else
int main(int argc, char **argv)
{
    long reps = argc > 1 ? atol(argv[1]) : DEFAULT_REPS;
    if (reps <= 0) {
        fprintf(stderr, "usage: %s [REPS>0] [--fnv]\n", argv[0]);
        return 2;
    }
    char line[256];
    if (kernel(reps, line, sizeof line) != 0)
        return 1;
    if (argc > 2 && strcmp(argv[2], "--fnv") == 0)
        printf("%u\n", (unsigned)fnv1a(line));
    else
        puts(line);
    return 0;
}
#endif
