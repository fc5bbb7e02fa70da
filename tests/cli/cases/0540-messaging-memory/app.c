/* messaging through the raw canonical-ABI imports (no bindings): pub::open,
 * pub::publish, sub::open, sub::subscribe, sub::receive on messaging.memory,
 * a second capability on messaging.filesystem kept apart, tokens valid from
 * another handle, and the error values (unknown token, timeout, undeclared
 * name), with the return-area bytes as SLIGHT-SPEC §6.7 lays them out. */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(m, n) __attribute__((import_module(m), import_name(n)))
IMPORT("messaging", "pub::open") void pub_open(const char *, size_t, void *);
IMPORT("messaging", "pub::publish") void pub_publish(uint32_t, const void *, size_t, const char *, size_t, void *);
IMPORT("messaging", "sub::open") void sub_open(const char *, size_t, void *);
IMPORT("messaging", "sub::subscribe") void sub_subscribe(uint32_t, const char *, size_t, void *);
IMPORT("messaging", "sub::receive") void sub_receive(uint32_t, const char *, size_t, void *);

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

static uint32_t open_ok(void (*fn)(const char *, size_t, void *), const char *name)
{
    fn(name, strlen(name), ra);
    CHECK(ra[0] == 0);
    return u32(4);
}

/* subscribe; the token is copied into tok (NUL-terminated) */
static void subscribe(uint32_t s, const char *topic, char *tok, size_t size)
{
    sub_subscribe(s, topic, strlen(topic), ra);
    CHECK(ra[0] == 0 && u32(8) > 0 && u32(8) < size);
    snprintf(tok, size, "%.*s", (int)u32(8), (char *)(uintptr_t)u32(4));
    free((void *)(uintptr_t)u32(4));
}

static void publish(uint32_t p, const void *msg, size_t len, const char *topic)
{
    pub_publish(p, msg, len, topic, strlen(topic), ra);
    CHECK(ra[0] == 0);
}

static void expect(uint32_t s, const char *tok, const void *want, size_t len)
{
    sub_receive(s, tok, strlen(tok), ra);
    CHECK(ra[0] == 0 && u32(8) == len && memcmp((char *)(uintptr_t)u32(4), want, len) == 0);
    if (ra[0] == 0)
        free((void *)(uintptr_t)u32(4));
}

/* an error value: prints the case number and the message */
static void print_err(const char *what)
{
    CHECK(ra[0] == 1);
    printf("%s: case %u: %.*s\n", what, ra[4], (int)u32(12), (char *)(uintptr_t)u32(8));
}

int main(void)
{
    char tok[128], tok2[128], ftok[128];
    uint32_t p = open_ok(pub_open, "my-mq");
    uint32_t s = open_ok(sub_open, "my-mq");
    CHECK(p == 0 && s == 0); /* pub and sub have their own handle tables */
    subscribe(s, "orders", tok, sizeof(tok));
    CHECK(strlen(tok) == 36);
    publish(p, "a\0b\nc", 5, "orders");
    publish(p, "second", 6, "orders");
    publish(p, "elsewhere", 9, "orders-2"); /* no prefix leak */
    expect(s, tok, "a\0b\nc", 5);
    /* a token works from another sub handle of the same capability */
    uint32_t s2 = open_ok(sub_open, "my-mq");
    CHECK(s2 == 1);
    expect(s2, tok, "second", 6);
    /* only messages after subscribe */
    subscribe(s2, "orders", tok2, sizeof(tok2));
    publish(p, "third", 5, "orders");
    expect(s2, tok2, "third", 5);
    expect(s, tok, "third", 5);

    /* the filesystem capability is a different broker */
    uint32_t fp = open_ok(pub_open, "fs-mq");
    uint32_t fs = open_ok(sub_open, "fs-mq");
    subscribe(fs, "orders", ftok, sizeof(ftok));
    publish(fp, "on disk\n", 8, "orders");
    expect(fs, ftok, "on disk\n", 8);
    sub_receive(s, tok, strlen(tok), ra);
    print_err("memory after fs publish");
    sub_receive(s, ftok, strlen(ftok), ra);
    CHECK(ra[0] == 1 && ra[4] == 7 && memmem((char *)(uintptr_t)u32(8), u32(12), ftok, strlen(ftok)) != NULL);
    printf("fs token on memory: case %u\n", ra[4]);

    sub_receive(s, "nope", 4, ra);
    print_err("unknown token");
    sub_receive(fs, ftok, strlen(ftok), ra);
    print_err("empty fs");
    pub_open("not-there", 9, ra);
    print_err("undeclared");
    printf("%s\n", fails ? "FAILED" : "ok");
    return 0;
}
