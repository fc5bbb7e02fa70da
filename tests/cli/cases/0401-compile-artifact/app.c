#include <stdio.h>
int main(void) { puts("from the artifact"); return 0; }
