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
