/* keyvalue throughput from inside a guest: N SETs then N GETs of a small
 * value through the generated bindings, timed with the WASI monotonic
 * clock. Prints "set OPS get OPS" (operations per second).
 *   kv_bench.wasm N PREFIX   (PREFIX keeps parallel copies apart) */
#include <keyvalue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    const char *prefix = argc > 2 ? argv[2] : "b";
    keyvalue_string_t name;
    keyvalue_string_set(&name, "bench");
    keyvalue_expected_keyvalue_keyvalue_error_t st;
    keyvalue_keyvalue_open(&name, &st);
    if (st.is_err) {
        printf("open failed: %.*s\n", (int)st.val.err.val.unexpected_error.len,
               st.val.err.val.unexpected_error.ptr);
        return 1;
    }
    char key[64], val[] = "xxxxxxxxxxxxxxxx"; /* 16 bytes */
    keyvalue_list_u8_t v = {(uint8_t *)val, sizeof(val) - 1};
    int errors = 0;
    double t0 = now();
    for (int i = 0; i < n; i++) {
        keyvalue_string_t k;
        snprintf(key, sizeof(key), "%s:%d", prefix, i % 1000);
        keyvalue_string_set(&k, key);
        keyvalue_expected_unit_keyvalue_error_t r;
        keyvalue_keyvalue_set(st.val.ok, &k, &v, &r);
        if (r.is_err) {
            errors++;
            keyvalue_keyvalue_error_free(&r.val.err);
        }
    }
    double t1 = now();
    for (int i = 0; i < n; i++) {
        keyvalue_string_t k;
        snprintf(key, sizeof(key), "%s:%d", prefix, i % 1000);
        keyvalue_string_set(&k, key);
        keyvalue_expected_list_u8_keyvalue_error_t r;
        keyvalue_keyvalue_get(st.val.ok, &k, &r);
        if (r.is_err) {
            errors++;
            keyvalue_keyvalue_error_free(&r.val.err);
        } else
            keyvalue_list_u8_free(&r.val.ok);
    }
    double t2 = now();
    printf("set %.0f get %.0f errors %d\n", n / (t1 - t0), n / (t2 - t1), errors);
    return errors ? 1 : 0;
}
