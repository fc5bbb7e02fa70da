/* configs through the raw canonical-ABI imports (no bindings), driven by
 * the arguments: "open NAME", "get KEY", "set KEY VALUE", "drop"; each
 * prints one line with the result or the configs-error case and message.
 * The return-area bytes are read as SLIGHT-SPEC §6.7 lays them out. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(m, n) __attribute__((import_module(m), import_name(n)))
IMPORT("configs", "configs::open") void cfg_open(const char *, size_t, void *);
IMPORT("configs", "configs::get") void cfg_get(uint32_t, const char *, size_t, void *);
IMPORT("configs", "configs::set") void cfg_set(uint32_t, const char *, size_t, const void *, size_t, void *);
IMPORT("canonical_abi", "resource_drop_configs") void cfg_drop(uint32_t);

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
static const char *const cases[] = {"not-found", "invalid-value", "permission-denied", "io-error",
                                    "unexpected-error"};

/* Prints the configs-error at ra+4 and frees its message; 1 when it was an error. */
static int print_err(const char *what, const char *arg)
{
    if (ra[0] == 0)
        return 0;
    if (ra[0] != 1 || ra[4] > 4) {
        printf("%s %s: bad return area %u %u\n", what, arg, ra[0], ra[4]);
        exit(3);
    }
    printf("%s %s: %s: %.*s\n", what, arg, cases[ra[4]], (int)u32(12), (char *)(uintptr_t)u32(8));
    free((void *)(uintptr_t)u32(8));
    return 1;
}

int main(int argc, char **argv)
{
    uint32_t h = UINT32_MAX;
    for (int i = 1; i < argc; i++) {
        const char *op = argv[i];
        const char *a = i + 1 < argc ? argv[i + 1] : "";
        if (strcmp(op, "open") == 0) {
            cfg_open(a, strlen(a), ra);
            if (!print_err("open", a)) {
                h = u32(4);
                printf("open %s: handle %u\n", a, h);
            }
            i++;
        } else if (strcmp(op, "get") == 0) {
            cfg_get(h, a, strlen(a), ra);
            if (!print_err("get", a)) {
                printf("get %s: '%.*s'\n", a, (int)u32(8), (char *)(uintptr_t)u32(4));
                free((void *)(uintptr_t)u32(4));
            }
            i++;
        } else if (strcmp(op, "set") == 0 && i + 2 < argc) {
            const char *v = argv[i + 2];
            cfg_set(h, a, strlen(a), v, strlen(v), ra);
            if (!print_err("set", a))
                printf("set %s: ok\n", a);
            i += 2;
        } else if (strcmp(op, "drop") == 0) {
            cfg_drop(h);
            printf("drop: ok\n");
        } else {
            printf("bad command '%s'\n", op);
            return 2;
        }
    }
    return 0;
}
