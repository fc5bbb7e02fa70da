/* SPDX-License-Identifier: Apache-2.0 */
/* exit_code.c -- proc_exit with a status taken from argv[1]; output flushed first. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    printf("exiting\n");
    exit(argc > 1 ? atoi(argv[1]) : 3);
}
