/* A receive with no RECEIVE_TIMEOUT and no message waits until the
 * instance's deadline (--timeout), which traps the guest as in any host call. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define IMPORT(m, n) __attribute__((import_module(m), import_name(n)))
IMPORT("messaging", "sub::open") void sub_open(const char *, size_t, void *);
IMPORT("messaging", "sub::subscribe") void sub_subscribe(uint32_t, const char *, size_t, void *);
IMPORT("messaging", "sub::receive") void sub_receive(uint32_t, const char *, size_t, void *);

static char heap[4096];
static size_t used;
__attribute__((export_name("canonical_abi_realloc"))) void *canonical_abi_realloc(void *p, size_t o, size_t a, size_t n)
{
    (void)p, (void)o, (void)a;
    void *r = heap + used;
    used += (n + 7) & ~(size_t)7;
    return r;
}
__attribute__((export_name("canonical_abi_free"))) void canonical_abi_free(void *p, size_t s, size_t a)
{
    (void)p, (void)s, (void)a;
}

static __attribute__((aligned(4))) uint8_t ra[16];
static uint32_t u32(int off) { uint32_t v; memcpy(&v, ra + off, 4); return v; }

int main(void)
{
    sub_open("any-name", 8, ra); /* the "*" capability */
    if (ra[0] != 0)
        return 1;
    uint32_t s = u32(4);
    sub_subscribe(s, "quiet", 5, ra);
    if (ra[0] != 0)
        return 2;
    printf("waiting\n");
    fflush(stdout);
    sub_receive(s, (const char *)(uintptr_t)u32(4), u32(8), ra);
    printf("not reached\n");
    return 3;
}
