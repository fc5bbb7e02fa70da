/* Dense matrix multiply kernel: C = A * B for 256x256 doubles, REPS times,
 * with A perturbed by the previous result each round (i-k-j loop order).
 * Entries are small integers scaled by 1/64, so every product and sum is
 * exact and every runtime prints the same checksum.
 * Usage: matmul [REPS]   (work is linear in REPS) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_REPS 300
#define N 256

static double A[N][N], B[N][N], C[N][N];

static void matmul(void)
{
    memset(C, 0, sizeof C);
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double a = A[i][k];
            for (int j = 0; j < N; j++)
                C[i][j] += a * B[k][j];
        }
}

static int kernel(long reps, char *line, size_t cap)
{
    uint32_t x = 424242u;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            x = x * 1664525u + 1013904223u;
            A[i][j] = (double)((int)(x >> 24) - 128) / 64.0;
            x = x * 1664525u + 1013904223u;
            B[i][j] = (double)((int)(x >> 24) - 128) / 64.0;
        }
    uint64_t sum = 0;
    for (long r = 0; r < reps; r++) {
        matmul();
        /* Fold one row of C back into A (kept small and exact). */
        int row = (int)(r % N);
        for (int j = 0; j < N; j++) {
            int64_t v = (int64_t)(C[row][j] * 64.0);
            A[row][j] = (double)((v % 256) - 128) / 64.0;
        }
        for (int i = 0; i < N; i += 7)
            for (int j = 0; j < N; j += 5)
                sum = sum * 1099511628211ull + (uint64_t)(int64_t)(C[i][j] * 4096.0);
    }
    snprintf(line, cap, "matmul reps=%ld n=%d checksum=%016llx", reps, N,
             (unsigned long long)sum);
    return 0;
}

#include "driver.h"
