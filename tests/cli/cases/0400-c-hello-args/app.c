#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("arg%d=%s\n", i, argv[i]);
    const char *g = getenv("GREETING");
    printf("greeting=%s\n", g ? g : "(unset)");
    printf("home=%s\n", getenv("HOME") ? "set" : "(unset)");
    return argc == 3 ? 5 : 6;
}
