/*
 * {{project-name}}: stores a value in the key-value store "my-container"
 * (keyvalue.filesystem, see slightfile.toml), reads it back and prints it.
 */
#include <stdio.h>

#include <keyvalue.h>

/* Every keyvalue error carries a message: print it whatever the case. */
static int fail(const char *what, keyvalue_keyvalue_error_t *err)
{
    keyvalue_string_t *msg = &err->val.unexpected_error;
    fprintf(stderr, "%s: %.*s\n", what, (int)msg->len, msg->ptr);
    keyvalue_keyvalue_error_free(err);
    return 1;
}

int main(void)
{
    keyvalue_string_t name, key;
    keyvalue_list_u8_t value = {(uint8_t *)"Hello, SpiderLightning!", 23};
    keyvalue_expected_keyvalue_keyvalue_error_t store;
    keyvalue_expected_unit_keyvalue_error_t set;
    keyvalue_expected_list_u8_keyvalue_error_t got;

    keyvalue_string_set(&name, "my-container");
    keyvalue_keyvalue_open(&name, &store);
    if (store.is_err)
        return fail("open", &store.val.err);

    keyvalue_string_set(&key, "hello-spiderlightning");
    keyvalue_keyvalue_set(store.val.ok, &key, &value, &set);
    if (set.is_err)
        return fail("set", &set.val.err);

    keyvalue_keyvalue_get(store.val.ok, &key, &got);
    if (got.is_err)
        return fail("get", &got.val.err);
    printf("%.*s\n", (int)got.val.ok.len, (const char *)got.val.ok.ptr);

    keyvalue_list_u8_free(&got.val.ok);
    keyvalue_keyvalue_free(&store.val.ok);
    return 0;
}
