#include <stdio.h>
int main(void) { puts("bg"); return 0; }
