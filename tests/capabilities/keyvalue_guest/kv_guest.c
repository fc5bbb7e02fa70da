/* The keyvalue conformance guest: built from the C bindings witgen makes
 * for wit/keyvalue.wit and run by run_guest.sh over every backend, which
 * only changes the slightfile. argv[1] prefixes the open names, so that
 * several copies can run at once; argv[2] sets the big value's size (1 MiB;
 * DynamoDB items hold at most 400 KB). Prints "ok" or a FAIL line per check. */
#include <keyvalue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("FAIL %d: %s\n", __LINE__, #c); fails++; } } while (0)

static char prefix[64] = "kvc";

static keyvalue_keyvalue_t open_store(const char *suffix)
{
    char name[128];
    snprintf(name, sizeof(name), "%s-%s", prefix, suffix);
    keyvalue_string_t n;
    keyvalue_string_set(&n, name);
    keyvalue_expected_keyvalue_keyvalue_error_t r;
    keyvalue_keyvalue_open(&n, &r);
    if (r.is_err) {
        printf("FAIL open %s: %.*s\n", name, (int)r.val.err.val.unexpected_error.len,
               r.val.err.val.unexpected_error.ptr);
        exit(1);
    }
    return r.val.ok;
}

static int set(keyvalue_keyvalue_t kv, const char *key, const void *v, size_t n)
{
    keyvalue_string_t k;
    keyvalue_string_set(&k, key);
    keyvalue_list_u8_t val = {(uint8_t *)v, n};
    keyvalue_expected_unit_keyvalue_error_t r;
    keyvalue_keyvalue_set(kv, &k, &val, &r);
    if (r.is_err) {
        printf("set %s: %.*s\n", key, (int)r.val.err.val.unexpected_error.len,
               r.val.err.val.unexpected_error.ptr);
        keyvalue_keyvalue_error_free(&r.val.err);
        return 0;
    }
    return 1;
}

/* 1 and the value in *out (caller frees), or 0 and the error case in *tag. */
static int get(keyvalue_keyvalue_t kv, const char *key, keyvalue_list_u8_t *out, uint8_t *tag)
{
    keyvalue_string_t k;
    keyvalue_string_set(&k, key);
    keyvalue_expected_list_u8_keyvalue_error_t r;
    keyvalue_keyvalue_get(kv, &k, &r);
    if (r.is_err) {
        *tag = r.val.err.tag;
        keyvalue_keyvalue_error_free(&r.val.err);
        return 0;
    }
    *out = r.val.ok;
    return 1;
}

static int has(keyvalue_keyvalue_t kv, const char *key, const void *v, size_t n)
{
    keyvalue_list_u8_t got;
    uint8_t tag;
    if (!get(kv, key, &got, &tag))
        return 0;
    int same = got.len == n && (n == 0 || memcmp(got.ptr, v, n) == 0);
    keyvalue_list_u8_free(&got);
    return same;
}

static int missing(keyvalue_keyvalue_t kv, const char *key)
{
    keyvalue_list_u8_t got;
    uint8_t tag = 255;
    if (get(kv, key, &got, &tag)) {
        keyvalue_list_u8_free(&got);
        return 0;
    }
    return tag == KEYVALUE_KEYVALUE_ERROR_KEY_NOT_FOUND;
}

static int del(keyvalue_keyvalue_t kv, const char *key)
{
    keyvalue_string_t k;
    keyvalue_string_set(&k, key);
    keyvalue_expected_unit_keyvalue_error_t r;
    keyvalue_keyvalue_delete(kv, &k, &r);
    if (r.is_err)
        keyvalue_keyvalue_error_free(&r.val.err);
    return !r.is_err;
}

/* How many times key occurs in keys(); -1 on an error. */
static int count_key(keyvalue_keyvalue_t kv, const char *key, size_t *total)
{
    keyvalue_expected_list_string_keyvalue_error_t r;
    keyvalue_keyvalue_keys(kv, &r);
    if (r.is_err) {
        keyvalue_keyvalue_error_free(&r.val.err);
        return -1;
    }
    int n = 0;
    for (size_t i = 0; i < r.val.ok.len; i++)
        if (r.val.ok.ptr[i].len == strlen(key) && memcmp(r.val.ok.ptr[i].ptr, key, strlen(key)) == 0)
            n++;
    if (total)
        *total = r.val.ok.len;
    keyvalue_list_string_free(&r.val.ok);
    return n;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        snprintf(prefix, sizeof(prefix), "%s", argv[1]);
    keyvalue_keyvalue_t kv = open_store("main");
    /* basic set, get, overwrite, delete */
    CHECK(set(kv, "k", "v1", 2) && has(kv, "k", "v1", 2));
    CHECK(set(kv, "k", "second", 6) && has(kv, "k", "second", 6));
    CHECK(del(kv, "k") && missing(kv, "k"));
    CHECK(del(kv, "k")); /* deleting a missing key is not an error */
    CHECK(missing(kv, "never-set"));
    /* an empty value is a value */
    CHECK(set(kv, "empty", "", 0) && has(kv, "empty", "", 0));
    /* binary with NUL bytes, and a big value */
    static const char bin[] = {0, 1, 2, 0, (char)255, '\n', 0};
    CHECK(set(kv, "bin", bin, sizeof(bin)) && has(kv, "bin", bin, sizeof(bin)));
    size_t big = argc > 2 ? (size_t)atol(argv[2]) : (size_t)1 << 20;
    char *b = malloc(big);
    for (size_t i = 0; i < big; i++)
        b[i] = (char)(i * 131 + 7);
    CHECK(set(kv, "big", b, big) && has(kv, "big", b, big));
    free(b);
    /* unicode keys */
    CHECK(set(kv, "ключ-✓-鍵", "u", 1) && has(kv, "ключ-✓-鍵", "u", 1));
    CHECK(count_key(kv, "ключ-✓-鍵", NULL) == 1);
    /* many keys: each listed once */
    char key[32];
    for (int i = 0; i < 300; i++) {
        snprintf(key, sizeof(key), "many-%03d", i);
        if (!set(kv, key, key, strlen(key))) {
            CHECK(!"set many");
            break;
        }
    }
    size_t total = 0;
    CHECK(count_key(kv, "many-000", &total) == 1 && count_key(kv, "many-299", NULL) == 1);
    CHECK(total == 300 + 4); /* many-*, empty, bin, big, the unicode key */
    CHECK(has(kv, "many-150", "many-150", 8));
    /* two open names are isolated; two handles to one name share it */
    keyvalue_keyvalue_t other = open_store("other");
    CHECK(missing(other, "bin") && count_key(other, "bin", &total) == 0 && total == 0);
    CHECK(set(other, "bin", "o", 1) && has(kv, "bin", bin, sizeof(bin)));
    keyvalue_keyvalue_t again = open_store("main");
    CHECK(has(again, "bin", bin, sizeof(bin)));
    /* clean up, so that a rerun starts empty */
    for (int i = 0; i < 300; i++) {
        snprintf(key, sizeof(key), "many-%03d", i);
        del(kv, key);
    }
    del(kv, "empty");
    del(kv, "bin");
    del(kv, "big");
    del(kv, "ключ-✓-鍵");
    del(other, "bin");
    CHECK(count_key(kv, "bin", &total) == 0 && total == 0);
    keyvalue_keyvalue_free(&again);
    keyvalue_keyvalue_free(&other);
    keyvalue_keyvalue_free(&kv);
    printf("%s\n", fails ? "FAILED" : "ok");
    return fails ? 1 : 0;
}
