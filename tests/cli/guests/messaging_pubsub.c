/* A messaging app on the raw canonical-ABI imports, in two roles run as two
 * slight processes: "sub TOPIC" subscribes, says so, and prints the three
 * messages it then receives; "pub TOPIC" publishes two of them (the third
 * comes from the broker's own client). A call that fails prints its error
 * value. Shared by the golden cases of the broker backends (app.from). */
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

/* an error value in ra: prints it and returns 1 */
static int failed(const char *what)
{
    if (ra[0] == 0)
        return 0;
    printf("%s: case %u: %.*s\n", what, ra[4], (int)u32(12), (char *)(uintptr_t)u32(8));
    return 1;
}

/* the bytes of a message, with NUL and '\n' shown as \0 and \n */
static void show(const char *p, size_t n)
{
    printf("got %zu bytes: ", n);
    for (size_t i = 0; i < n; i++)
        if (p[i] == '\0')
            printf("\\0");
        else if (p[i] == '\n')
            printf("\\n");
        else
            putchar(p[i]);
    putchar('\n');
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    const char *topic = argv[2];
    if (strcmp(argv[1], "pub") == 0) {
        pub_open("golden-mq", 9, ra);
        if (failed("open"))
            return 0;
        uint32_t p = u32(4);
        pub_publish(p, "a\0b\nc", 5, topic, strlen(topic), ra);
        if (failed("publish"))
            return 0;
        pub_publish(p, "second", 6, topic, strlen(topic), ra);
        if (failed("publish"))
            return 0;
        printf("published\n");
        return 0;
    }
    sub_open("golden-mq", 9, ra);
    if (failed("open"))
        return 0;
    uint32_t s = u32(4);
    sub_subscribe(s, topic, strlen(topic), ra);
    if (failed("subscribe"))
        return 0;
    char tok[128];
    snprintf(tok, sizeof(tok), "%.*s", (int)u32(8), (char *)(uintptr_t)u32(4));
    printf("subscribed\n");
    fflush(stdout);
    for (int i = 0; i < 3; i++) {
        sub_receive(s, tok, strlen(tok), ra);
        if (failed("receive"))
            return 0;
        show((char *)(uintptr_t)u32(4), u32(8));
        free((void *)(uintptr_t)u32(4));
    }
    return 0;
}
