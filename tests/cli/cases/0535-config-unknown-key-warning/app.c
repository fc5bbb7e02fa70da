/* keyvalue through the raw canonical-ABI imports: opens the store named by
 * the first argument, sets k = v and reads it back, printing the result or
 * the keyvalue-error case number and message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(m, n) __attribute__((import_module(m), import_name(n)))
IMPORT("keyvalue", "keyvalue::open") void kv_open(const char *, size_t, void *);
IMPORT("keyvalue", "keyvalue::get") void kv_get(uint32_t, const char *, size_t, void *);
IMPORT("keyvalue", "keyvalue::set") void kv_set(uint32_t, const char *, size_t, const void *, size_t, void *);

__attribute__((export_name("canonical_abi_realloc"))) void *canonical_abi_realloc(void *p, size_t o, size_t a, size_t n)
{
    (void)o, (void)a;
    void *r = realloc(p, n ? n : 1);
    if (!r)
        abort();
    return r;
}
__attribute__((export_name("canonical_abi_free"))) void canonical_abi_free(void *p, size_t s, size_t a)
{
    (void)s, (void)a;
    free(p);
}

static __attribute__((aligned(4))) uint8_t ra[16];
static uint32_t u32(int off) { uint32_t v; memcpy(&v, ra + off, 4); return v; }

static int failed(const char *what)
{
    if (ra[0] == 0)
        return 0;
    printf("%s: error %u: %.*s\n", what, ra[4], (int)u32(12), (char *)(uintptr_t)u32(8));
    return 1;
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "store";
    kv_open(name, strlen(name), ra);
    if (failed("open"))
        return 1;
    uint32_t h = u32(4);
    kv_set(h, "k", 1, "v", 1, ra);
    if (failed("set"))
        return 1;
    kv_get(h, "k", 1, ra);
    if (failed("get"))
        return 1;
    printf("%s: k = '%.*s'\n", name, (int)u32(8), (char *)(uintptr_t)u32(4));
    return 0;
}
