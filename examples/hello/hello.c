/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hello.c -- the demo guest: a WASI command that greets, shows its
 * arguments and environment, uses the clock and randomness, and writes and
 * reads back a file in the directory slight preopened for it.
 * Build: clang --target=wasm32-wasi --sysroot=/usr -O2 hello.c -o hello.wasm
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    printf("Hello from a WebAssembly guest run by slight!\n");
    for (int i = 0; i < argc; i++)
        printf("  argv[%d] = %s\n", i, argv[i]);
    const char *who = getenv("WHO");
    printf("  WHO = %s\n", who ? who : "(not set: try --env WHO=you)");

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("  seconds since 1970: %lld\n", (long long)ts.tv_sec);
    unsigned r;
    if (getentropy(&r, sizeof(r)) != 0)
        r = 0;
    printf("  a random number: %u\n", r);

    FILE *f = fopen("greeting.txt", "w");
    if (f == NULL) {
        perror("  cannot write greeting.txt in the preopened directory");
        return 1;
    }
    fprintf(f, "written by the guest\n");
    fclose(f);
    char line[64] = "";
    f = fopen("greeting.txt", "r");
    if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
        perror("  cannot read greeting.txt back");
        return 1;
    }
    fclose(f);
    unlink("greeting.txt");
    printf("  read back from the sandbox: %s", line);
    return 0;
}
