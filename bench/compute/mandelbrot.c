/* Mandelbrot kernel: escape-time iteration counts over a 400x300 grid,
 * REPS frames zooming slowly toward a fixed point (max 256 iterations).
 * The checksum is a hash of the integer iteration counts.
 * Usage: mandelbrot [REPS]   (work is roughly linear in REPS) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_REPS 24
#define W 400
#define H 300
#define MAX_ITER 256

static int kernel(long reps, char *line, size_t cap)
{
    uint32_t hash = 2166136261u;
    uint64_t total = 0;
    for (long r = 0; r < reps; r++) {
        /* Frames repeat every 32 rounds so reduced runs stay representative. */
        double scale = 3.0 / W / (1.0 + (double)(r % 32) * 0.0625);
        double cx0 = -0.743643887 - scale * W / 2, cy0 = 0.131825904 - scale * H / 2;
        for (int y = 0; y < H; y++) {
            double ci = cy0 + y * scale;
            for (int x = 0; x < W; x++) {
                double cr = cx0 + x * scale;
                double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
                int it = 0;
                while (it < MAX_ITER && zr2 + zi2 <= 4.0) {
                    zi = 2.0 * zr * zi + ci;
                    zr = zr2 - zi2 + cr;
                    zr2 = zr * zr;
                    zi2 = zi * zi;
                    it++;
                }
                total += (uint64_t)it;
                hash = (hash ^ (uint32_t)it) * 16777619u;
            }
        }
    }
    snprintf(line, cap, "mandelbrot reps=%ld checksum=%08x iterations=%llu", reps,
             (unsigned)hash, (unsigned long long)total);
    return 0;
}

#include "driver.h"
