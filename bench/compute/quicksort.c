/* Quicksort kernel: REPS times, fills an array of 1M ints from a fixed-seed
 * LCG and sorts it with our own quicksort (median of three, insertion sort
 * below 16 elements; libc qsort differs between glibc and wasi-libc, so it is
 * not used). Checks the order and prints a position-weighted checksum.
 * Usage: quicksort [REPS]   (work is linear in REPS) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_REPS 12
#define N (1 << 20)

static uint32_t lcg_state = 20240601u;

static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static void insertion_sort(int32_t *a, long n)
{
    for (long i = 1; i < n; i++) {
        int32_t v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static inline void swap(int32_t *a, int32_t *b)
{
    int32_t t = *a;
    *a = *b;
    *b = t;
}

static void quicksort(int32_t *a, long n)
{
    while (n > 16) {
        long mid = n / 2;
        if (a[mid] < a[0]) swap(&a[mid], &a[0]);
        if (a[n - 1] < a[0]) swap(&a[n - 1], &a[0]);
        if (a[n - 1] < a[mid]) swap(&a[n - 1], &a[mid]);
        int32_t pivot = a[mid];
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i >= j)
                break;
            swap(&a[i], &a[j]);
            i++;
            j--;
        }
        /* Recurse into the smaller half, loop on the larger one. */
        long left = j + 1;
        if (left < n - left) {
            quicksort(a, left);
            a += left;
            n -= left;
        } else {
            quicksort(a + left, n - left);
            n = left;
        }
    }
    insertion_sort(a, n);
}

static int kernel(long reps, char *line, size_t cap)
{
    int32_t *a = malloc(sizeof *a * N);
    if (!a)
        return 1;
    uint32_t sum = 0;
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i < N; i++)
            a[i] = (int32_t)(lcg() >> 1) - (1 << 30);
        quicksort(a, N);
        for (long i = 1; i < N; i++) {
            if (a[i - 1] > a[i]) {
                fprintf(stderr, "quicksort: not sorted at %ld\n", i);
                free(a);
                return 1;
            }
        }
        for (long i = 0; i < N; i += 97)
            sum = sum * 31u + (uint32_t)a[i] * (uint32_t)(i + 1);
    }
    snprintf(line, cap, "quicksort reps=%ld n=%d checksum=%08x", reps, N, (unsigned)sum);
    free(a);
    return 0;
}

#include "driver.h"
