/* keyvalue.redis through the raw canonical-ABI imports: set, get, an empty
 * value, a missing key, keys, delete and the error cases. With the server
 * down, prints the connection-error the first call gets (start-up and open
 * do not need the server). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(m, n) __attribute__((import_module(m), import_name(n)))
IMPORT("keyvalue", "keyvalue::open") void kv_open(const char *, size_t, void *);
IMPORT("keyvalue", "keyvalue::get") void kv_get(uint32_t, const char *, size_t, void *);
IMPORT("keyvalue", "keyvalue::set") void kv_set(uint32_t, const char *, size_t, const void *, size_t, void *);
IMPORT("keyvalue", "keyvalue::keys") void kv_keys(uint32_t, void *);
IMPORT("keyvalue", "keyvalue::delete") void kv_delete(uint32_t, const char *, size_t, void *);

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

static int fails;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); fails++; } } while (0)

int main(void)
{
    kv_open("golden-redis", 12, ra);
    CHECK(ra[0] == 0);
    uint32_t h = u32(4);
    kv_set(h, "k1", 2, "hello", 5, ra);
    if (ra[0] == 1) { /* the server is down: connection-error (3), the host lives on */
        printf("set: error %u: %.*s\n", ra[4], (int)u32(12), (char *)(uintptr_t)u32(8));
        return 0;
    }
    kv_get(h, "k1", 2, ra);
    CHECK(ra[0] == 0 && u32(8) == 5 && memcmp((char *)(uintptr_t)u32(4), "hello", 5) == 0);
    /* an empty value is a value (slight v0.5.1 answered key-not-found) */
    kv_set(h, "empty", 5, "", 0, ra);
    CHECK(ra[0] == 0);
    kv_get(h, "empty", 5, ra);
    CHECK(ra[0] == 0 && u32(8) == 0);
    kv_get(h, "nope", 4, ra);
    CHECK(ra[0] == 1 && ra[4] == 0);
    printf("missing: %.*s\n", (int)u32(12), (char *)(uintptr_t)u32(8));
    kv_set(h, "kept", 4, "for redis-cli", 13, ra);
    CHECK(ra[0] == 0);
    kv_keys(h, ra);
    CHECK(ra[0] == 0 && u32(8) == 3);
    kv_delete(h, "k1", 2, ra);
    CHECK(ra[0] == 0);
    kv_delete(h, "empty", 5, ra);
    CHECK(ra[0] == 0);
    kv_get(h, "k1", 2, ra);
    CHECK(ra[0] == 1 && ra[4] == 0);
    kv_keys(h, ra);
    CHECK(ra[0] == 0 && u32(8) == 1);
    printf("%s\n", fails ? "FAILED" : "ok");
    return 0;
}
