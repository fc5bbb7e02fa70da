/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driver.h -- the driver every compute kernel includes after defining
 * DEFAULT_REPS and `static int kernel(long reps, char *line, size_t cap)`.
 */
/* main prints the checksum line;
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
