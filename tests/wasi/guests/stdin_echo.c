/* SPDX-License-Identifier: Apache-2.0 */
/* stdin_echo.c -- fd_read from an inherited stdin pipe; echoes it upper-cased. */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
    int c;
    while ((c = getchar()) != EOF)
        putchar(toupper(c));
    return 0;
}
