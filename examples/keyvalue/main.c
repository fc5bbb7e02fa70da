/* The keyvalue demo: counts its own runs in a store, lists the keys, and
 * shows a missing key's error. Built against the C bindings of
 * wit/keyvalue.wit (`slight bindgen c wit/keyvalue.wit`). */
#include <keyvalue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_error(const char *what, keyvalue_keyvalue_error_t *e)
{
    /* every case carries a string; unexpected-error is the last one */
    keyvalue_string_t *s = &e->val.unexpected_error;
    printf("%s: error case %u: %.*s\n", what, e->tag, (int)s->len, s->ptr);
    keyvalue_keyvalue_error_free(e);
}

int main(void)
{
    keyvalue_string_t name, key, missing;
    keyvalue_string_set(&name, "demo");
    keyvalue_string_set(&key, "visits");
    keyvalue_string_set(&missing, "no-such-key");

    keyvalue_expected_keyvalue_keyvalue_error_t store;
    keyvalue_keyvalue_open(&name, &store);
    if (store.is_err) {
        print_error("open", &store.val.err);
        return 1;
    }
    keyvalue_keyvalue_t kv = store.val.ok;

    /* read the counter (a missing key is key-not-found), add one, write it back */
    unsigned long visits = 0;
    keyvalue_expected_list_u8_keyvalue_error_t got;
    keyvalue_keyvalue_get(kv, &key, &got);
    if (!got.is_err) {
        char text[32] = "";
        size_t n = got.val.ok.len < sizeof(text) - 1 ? got.val.ok.len : sizeof(text) - 1;
        memcpy(text, got.val.ok.ptr, n);
        visits = strtoul(text, NULL, 10);
        keyvalue_list_u8_free(&got.val.ok);
    } else if (got.val.err.tag == KEYVALUE_KEYVALUE_ERROR_KEY_NOT_FOUND) {
        keyvalue_keyvalue_error_free(&got.val.err);
    } else {
        print_error("get", &got.val.err);
        return 1;
    }
    char text[32];
    int len = snprintf(text, sizeof(text), "%lu", visits + 1);
    keyvalue_list_u8_t value = {(uint8_t *)text, (size_t)len};
    keyvalue_expected_unit_keyvalue_error_t set;
    keyvalue_keyvalue_set(kv, &key, &value, &set);
    if (set.is_err) {
        print_error("set", &set.val.err);
        return 1;
    }
    printf("this demo has run %lu time%s with this store\n", visits + 1, visits ? "s" : "");

    keyvalue_expected_list_string_keyvalue_error_t keys;
    keyvalue_keyvalue_keys(kv, &keys);
    if (!keys.is_err) {
        printf("keys:");
        for (size_t i = 0; i < keys.val.ok.len; i++)
            printf(" %.*s", (int)keys.val.ok.ptr[i].len, keys.val.ok.ptr[i].ptr);
        printf("\n");
        keyvalue_list_string_free(&keys.val.ok);
    }

    keyvalue_keyvalue_get(kv, &missing, &got);
    if (got.is_err)
        print_error("get no-such-key", &got.val.err);
    keyvalue_keyvalue_free(&kv);
    return 0;
}
