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

#include "driver.h"
