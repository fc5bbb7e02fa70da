/* SPDX-License-Identifier: Apache-2.0 */
/* hello.c -- args_*, environ_*, fd_write to stdout and stderr, preopen discovery. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    printf("GREETING=%s\n", getenv("GREETING") ? getenv("GREETING") : "(unset)");
    printf("HOME=%s\n", getenv("HOME") ? getenv("HOME") : "(unset)");
    fprintf(stderr, "to stderr\n");
    return 0;
}
