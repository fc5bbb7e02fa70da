/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hello.c -- split fixture: a small WASI guest (printf, qsort through a
 * function pointer, static data), compiled to wasm32-wasi at build time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int (*const compare)(const void *, const void *) = by_value;

int main(int argc, char **argv)
{
    int v[16];
    for (int i = 0; i < 16; i++)
        v[i] = (i * 7919) % 31 - 15;
    qsort(v, 16, sizeof(v[0]), compare);
    char line[64];
    snprintf(line, sizeof(line), "hello from %s: %d..%d", argc > 0 ? argv[0] : "?", v[0], v[15]);
    puts(line);
    return (int)strlen(line) > 60;
}
