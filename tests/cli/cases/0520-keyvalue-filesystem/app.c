/* keyvalue through the raw canonical-ABI imports (no bindings): open, set,
 * get, keys, delete, the error cases, clone and drop, with the return-area
 * bytes checked as SLIGHT-SPEC §6.7 lays them out. */
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
IMPORT("canonical_abi", "resource_drop_keyvalue") void kv_drop(uint32_t);
IMPORT("canonical_abi", "resource_clone_keyvalue") uint32_t kv_clone(uint32_t);

static int reallocs;
__attribute__((export_name("canonical_abi_realloc"))) void *canonical_abi_realloc(void *p, size_t o, size_t a, size_t n)
{
    (void)o, (void)a;
    reallocs++;
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

static uint32_t open_store(const char *name)
{
    kv_open(name, strlen(name), ra);
    CHECK(ra[0] == 0);
    return u32(4);
}

int main(void)
{
    uint32_t h = open_store("my-container");
    CHECK(h == 0);
    kv_set(h, "k1", 2, "hello", 5, ra);
    CHECK(ra[0] == 0);
    kv_get(h, "k1", 2, ra);
    CHECK(ra[0] == 0 && u32(8) == 5 && memcmp((char *)(uintptr_t)u32(4), "hello", 5) == 0);
    free((void *)(uintptr_t)u32(4));
    /* an empty value is a value */
    kv_set(h, "empty", 5, "", 0, ra);
    kv_get(h, "empty", 5, ra);
    CHECK(ra[0] == 0 && u32(8) == 0);
    /* missing key: key-not-found (case 0) with a message */
    kv_get(h, "nope", 4, ra);
    CHECK(ra[0] == 1 && ra[4] == 0 && u32(12) > 0);
    printf("missing: %.*s\n", (int)u32(12), (char *)(uintptr_t)u32(8));
    /* invalid key (case 1) */
    kv_get(h, "../x", 4, ra);
    CHECK(ra[0] == 1 && ra[4] == 1);
    /* keys: list<string> */
    kv_keys(h, ra);
    CHECK(ra[0] == 0 && u32(8) == 2);
    uint32_t arr = u32(4), n = u32(8);
    int seen = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t p, l;
        memcpy(&p, (char *)(uintptr_t)arr + 8 * i, 4);
        memcpy(&l, (char *)(uintptr_t)arr + 8 * i + 4, 4);
        if (l == 2 && memcmp((char *)(uintptr_t)p, "k1", 2) == 0) seen |= 1;
        if (l == 5 && memcmp((char *)(uintptr_t)p, "empty", 5) == 0) seen |= 2;
    }
    CHECK(seen == 3);
    /* handles: a second store gets 1, clone gets 2; dropping 1 then reopening reuses 1 */
    uint32_t h2 = open_store("my-container");
    CHECK(h2 == 1);
    uint32_t c = kv_clone(h);
    CHECK(c == 2);
    kv_get(c, "k1", 2, ra);
    CHECK(ra[0] == 0 && u32(8) == 5);
    kv_drop(h2);
    CHECK(open_store("my-container") == 1);
    kv_delete(h, "k1", 2, ra);
    CHECK(ra[0] == 0);
    kv_get(h, "k1", 2, ra);
    CHECK(ra[0] == 1 && ra[4] == 0);
    /* an undeclared name: an error value, the host lives on */
    kv_open("not-there", 9, ra);
    CHECK(ra[0] == 1 && ra[4] == 7);
    printf("undeclared: %.*s\n", (int)u32(12), (char *)(uintptr_t)u32(8));
    CHECK(reallocs > 0);
    printf("%s\n", fails ? "FAILED" : "ok");
    fflush(stdout);
    /* a dropped handle traps, naming the function */
    kv_drop(h2 + 100);
    return 0;
}
