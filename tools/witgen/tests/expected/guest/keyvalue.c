/* Guest C bindings of the WIT interface "keyvalue" (slight bindgen c). */
#include <stdlib.h>
#include <string.h>
#include <keyvalue.h>

_Static_assert(sizeof(void *) == 4 && sizeof(size_t) == 4, "these bindings are for wasm32");

void *canonical_abi_realloc(void *ptr, size_t orig_size, size_t align, size_t new_size);
void canonical_abi_free(void *ptr, size_t size, size_t align);

/* Allocator the host uses for results (weak: one per module, any bindings file). */
__attribute__((weak, export_name("canonical_abi_realloc")))
void *canonical_abi_realloc(void *ptr, size_t orig_size, size_t align, size_t new_size)
{
    if (new_size == 0) {
        if (orig_size != 0)
            free(ptr);
        return (void *)align; /* non-null, never dereferenced */
    }
    void *ret = realloc(orig_size != 0 ? ptr : NULL, new_size);
    if (ret == NULL)
        abort();
    return ret;
}

__attribute__((weak, export_name("canonical_abi_free")))
void canonical_abi_free(void *ptr, size_t size, size_t align)
{
    (void)align;
    if (size != 0)
        free(ptr);
}

__attribute__((import_module("canonical_abi"), import_name("resource_drop_keyvalue")))
void __resource_keyvalue_drop(uint32_t idx);

void keyvalue_keyvalue_free(keyvalue_keyvalue_t *ptr)
{
    __resource_keyvalue_drop(ptr->idx);
}

__attribute__((import_module("canonical_abi"), import_name("resource_clone_keyvalue")))
uint32_t __resource_keyvalue_clone(uint32_t idx);

keyvalue_keyvalue_t keyvalue_keyvalue_clone(keyvalue_keyvalue_t *ptr)
{
    return (keyvalue_keyvalue_t){__resource_keyvalue_clone(ptr->idx)};
}

void keyvalue_string_set(keyvalue_string_t *ret, const char *s)
{
    ret->ptr = (char *)s;
    ret->len = strlen(s);
}

void keyvalue_string_dup(keyvalue_string_t *ret, const char *s)
{
    ret->len = strlen(s);
    ret->ptr = canonical_abi_realloc(NULL, 0, 1, ret->len);
    memcpy(ret->ptr, s, ret->len);
}

void keyvalue_string_free(keyvalue_string_t *ret)
{
    canonical_abi_free(ret->ptr, ret->len, 1);
    ret->ptr = NULL;
    ret->len = 0;
}

void keyvalue_keyvalue_error_free(keyvalue_keyvalue_error_t *ptr)
{
    switch (ptr->tag) {
    case 0:
        keyvalue_string_free(&ptr->val.key_not_found);
        break;
    case 1:
        keyvalue_string_free(&ptr->val.invalid_key);
        break;
    case 2:
        keyvalue_string_free(&ptr->val.invalid_value);
        break;
    case 3:
        keyvalue_string_free(&ptr->val.connection_error);
        break;
    case 4:
        keyvalue_string_free(&ptr->val.authentication_error);
        break;
    case 5:
        keyvalue_string_free(&ptr->val.timeout_error);
        break;
    case 6:
        keyvalue_string_free(&ptr->val.io_error);
        break;
    case 7:
        keyvalue_string_free(&ptr->val.unexpected_error);
        break;
    }
}

void keyvalue_expected_keyvalue_keyvalue_error_free(keyvalue_expected_keyvalue_keyvalue_error_t *ptr)
{
    if (!ptr->is_err)
        keyvalue_keyvalue_free(&ptr->val.ok);
    else
        keyvalue_keyvalue_error_free(&ptr->val.err);
}

void keyvalue_list_u8_free(keyvalue_list_u8_t *ptr)
{
    canonical_abi_free(ptr->ptr, ptr->len * 1, 1);
}

void keyvalue_expected_list_u8_keyvalue_error_free(keyvalue_expected_list_u8_keyvalue_error_t *ptr)
{
    if (!ptr->is_err)
        keyvalue_list_u8_free(&ptr->val.ok);
    else
        keyvalue_keyvalue_error_free(&ptr->val.err);
}

void keyvalue_expected_unit_keyvalue_error_free(keyvalue_expected_unit_keyvalue_error_t *ptr)
{
    if (ptr->is_err)
        keyvalue_keyvalue_error_free(&ptr->val.err);
}

void keyvalue_list_string_free(keyvalue_list_string_t *ptr)
{
    for (size_t i = 0; i < ptr->len; i++)
        keyvalue_string_free(&ptr->ptr[i]);
    canonical_abi_free(ptr->ptr, ptr->len * 8, 4);
}

void keyvalue_expected_list_string_keyvalue_error_free(keyvalue_expected_list_string_keyvalue_error_t *ptr)
{
    if (!ptr->is_err)
        keyvalue_list_string_free(&ptr->val.ok);
    else
        keyvalue_keyvalue_error_free(&ptr->val.err);
}

static uint8_t RET_AREA[16] __attribute__((aligned(4)));

__attribute__((import_module("keyvalue"), import_name("keyvalue::open")))
void __wasm_import_keyvalue_keyvalue_open(int32_t, int32_t, int32_t);

void keyvalue_keyvalue_open(keyvalue_string_t *name, keyvalue_expected_keyvalue_keyvalue_error_t *ret0)
{
    int32_t _a0 = 0;
    int32_t _a1 = 0;
    _a0 = (int32_t)(uintptr_t)(*name).ptr;
    _a1 = (int32_t)(*name).len;
    uint8_t *_area = RET_AREA;
    __wasm_import_keyvalue_keyvalue_open(_a0, _a1, (int32_t)(uintptr_t)_area);
    keyvalue_expected_keyvalue_keyvalue_error_t _result;
    _result.is_err = *(uint8_t *)(_area + 0) != 0;
    switch ((int32_t)_result.is_err) {
    case 0:
        _result.val.ok.idx = *(uint32_t *)(_area + 4);
        break;
    case 1:
        _result.val.err.tag = *(uint8_t *)(_area + 4);
        switch ((int32_t)_result.val.err.tag) {
        case 0:
            _result.val.err.val.key_not_found.ptr = *(char **)(_area + 8);
            _result.val.err.val.key_not_found.len = *(size_t *)(_area + 12);
            break;
        case 1:
            _result.val.err.val.invalid_key.ptr = *(char **)(_area + 8);
            _result.val.err.val.invalid_key.len = *(size_t *)(_area + 12);
            break;
        case 2:
            _result.val.err.val.invalid_value.ptr = *(char **)(_area + 8);
            _result.val.err.val.invalid_value.len = *(size_t *)(_area + 12);
            break;
        case 3:
            _result.val.err.val.connection_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.connection_error.len = *(size_t *)(_area + 12);
            break;
        case 4:
            _result.val.err.val.authentication_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.authentication_error.len = *(size_t *)(_area + 12);
            break;
        case 5:
            _result.val.err.val.timeout_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.timeout_error.len = *(size_t *)(_area + 12);
            break;
        case 6:
            _result.val.err.val.io_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.io_error.len = *(size_t *)(_area + 12);
            break;
        case 7:
            _result.val.err.val.unexpected_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.unexpected_error.len = *(size_t *)(_area + 12);
            break;
        }
        break;
    }
    *ret0 = _result;
}

__attribute__((import_module("keyvalue"), import_name("keyvalue::get")))
void __wasm_import_keyvalue_keyvalue_get(int32_t, int32_t, int32_t, int32_t);

void keyvalue_keyvalue_get(keyvalue_keyvalue_t self, keyvalue_string_t *key, keyvalue_expected_list_u8_keyvalue_error_t *ret0)
{
    int32_t _a0 = 0;
    int32_t _a1 = 0;
    int32_t _a2 = 0;
    _a0 = (int32_t)self.idx;
    _a1 = (int32_t)(uintptr_t)(*key).ptr;
    _a2 = (int32_t)(*key).len;
    uint8_t *_area = RET_AREA;
    __wasm_import_keyvalue_keyvalue_get(_a0, _a1, _a2, (int32_t)(uintptr_t)_area);
    keyvalue_expected_list_u8_keyvalue_error_t _result;
    _result.is_err = *(uint8_t *)(_area + 0) != 0;
    switch ((int32_t)_result.is_err) {
    case 0:
        _result.val.ok.ptr = *(uint8_t **)(_area + 4);
        _result.val.ok.len = *(size_t *)(_area + 8);
        break;
    case 1:
        _result.val.err.tag = *(uint8_t *)(_area + 4);
        switch ((int32_t)_result.val.err.tag) {
        case 0:
            _result.val.err.val.key_not_found.ptr = *(char **)(_area + 8);
            _result.val.err.val.key_not_found.len = *(size_t *)(_area + 12);
            break;
        case 1:
            _result.val.err.val.invalid_key.ptr = *(char **)(_area + 8);
            _result.val.err.val.invalid_key.len = *(size_t *)(_area + 12);
            break;
        case 2:
            _result.val.err.val.invalid_value.ptr = *(char **)(_area + 8);
            _result.val.err.val.invalid_value.len = *(size_t *)(_area + 12);
            break;
        case 3:
            _result.val.err.val.connection_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.connection_error.len = *(size_t *)(_area + 12);
            break;
        case 4:
            _result.val.err.val.authentication_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.authentication_error.len = *(size_t *)(_area + 12);
            break;
        case 5:
            _result.val.err.val.timeout_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.timeout_error.len = *(size_t *)(_area + 12);
            break;
        case 6:
            _result.val.err.val.io_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.io_error.len = *(size_t *)(_area + 12);
            break;
        case 7:
            _result.val.err.val.unexpected_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.unexpected_error.len = *(size_t *)(_area + 12);
            break;
        }
        break;
    }
    *ret0 = _result;
}

__attribute__((import_module("keyvalue"), import_name("keyvalue::set")))
void __wasm_import_keyvalue_keyvalue_set(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);

void keyvalue_keyvalue_set(keyvalue_keyvalue_t self, keyvalue_string_t *key, keyvalue_list_u8_t *value, keyvalue_expected_unit_keyvalue_error_t *ret0)
{
    int32_t _a0 = 0;
    int32_t _a1 = 0;
    int32_t _a2 = 0;
    int32_t _a3 = 0;
    int32_t _a4 = 0;
    _a0 = (int32_t)self.idx;
    _a1 = (int32_t)(uintptr_t)(*key).ptr;
    _a2 = (int32_t)(*key).len;
    _a3 = (int32_t)(uintptr_t)(*value).ptr;
    _a4 = (int32_t)(*value).len;
    uint8_t *_area = RET_AREA;
    __wasm_import_keyvalue_keyvalue_set(_a0, _a1, _a2, _a3, _a4, (int32_t)(uintptr_t)_area);
    keyvalue_expected_unit_keyvalue_error_t _result;
    _result.is_err = *(uint8_t *)(_area + 0) != 0;
    switch ((int32_t)_result.is_err) {
    case 1:
        _result.val.err.tag = *(uint8_t *)(_area + 4);
        switch ((int32_t)_result.val.err.tag) {
        case 0:
            _result.val.err.val.key_not_found.ptr = *(char **)(_area + 8);
            _result.val.err.val.key_not_found.len = *(size_t *)(_area + 12);
            break;
        case 1:
            _result.val.err.val.invalid_key.ptr = *(char **)(_area + 8);
            _result.val.err.val.invalid_key.len = *(size_t *)(_area + 12);
            break;
        case 2:
            _result.val.err.val.invalid_value.ptr = *(char **)(_area + 8);
            _result.val.err.val.invalid_value.len = *(size_t *)(_area + 12);
            break;
        case 3:
            _result.val.err.val.connection_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.connection_error.len = *(size_t *)(_area + 12);
            break;
        case 4:
            _result.val.err.val.authentication_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.authentication_error.len = *(size_t *)(_area + 12);
            break;
        case 5:
            _result.val.err.val.timeout_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.timeout_error.len = *(size_t *)(_area + 12);
            break;
        case 6:
            _result.val.err.val.io_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.io_error.len = *(size_t *)(_area + 12);
            break;
        case 7:
            _result.val.err.val.unexpected_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.unexpected_error.len = *(size_t *)(_area + 12);
            break;
        }
        break;
    }
    *ret0 = _result;
}

__attribute__((import_module("keyvalue"), import_name("keyvalue::keys")))
void __wasm_import_keyvalue_keyvalue_keys(int32_t, int32_t);

void keyvalue_keyvalue_keys(keyvalue_keyvalue_t self, keyvalue_expected_list_string_keyvalue_error_t *ret0)
{
    int32_t _a0 = 0;
    _a0 = (int32_t)self.idx;
    uint8_t *_area = RET_AREA;
    __wasm_import_keyvalue_keyvalue_keys(_a0, (int32_t)(uintptr_t)_area);
    keyvalue_expected_list_string_keyvalue_error_t _result;
    _result.is_err = *(uint8_t *)(_area + 0) != 0;
    switch ((int32_t)_result.is_err) {
    case 0:
        _result.val.ok.ptr = *(keyvalue_string_t **)(_area + 4);
        _result.val.ok.len = *(size_t *)(_area + 8);
        break;
    case 1:
        _result.val.err.tag = *(uint8_t *)(_area + 4);
        switch ((int32_t)_result.val.err.tag) {
        case 0:
            _result.val.err.val.key_not_found.ptr = *(char **)(_area + 8);
            _result.val.err.val.key_not_found.len = *(size_t *)(_area + 12);
            break;
        case 1:
            _result.val.err.val.invalid_key.ptr = *(char **)(_area + 8);
            _result.val.err.val.invalid_key.len = *(size_t *)(_area + 12);
            break;
        case 2:
            _result.val.err.val.invalid_value.ptr = *(char **)(_area + 8);
            _result.val.err.val.invalid_value.len = *(size_t *)(_area + 12);
            break;
        case 3:
            _result.val.err.val.connection_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.connection_error.len = *(size_t *)(_area + 12);
            break;
        case 4:
            _result.val.err.val.authentication_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.authentication_error.len = *(size_t *)(_area + 12);
            break;
        case 5:
            _result.val.err.val.timeout_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.timeout_error.len = *(size_t *)(_area + 12);
            break;
        case 6:
            _result.val.err.val.io_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.io_error.len = *(size_t *)(_area + 12);
            break;
        case 7:
            _result.val.err.val.unexpected_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.unexpected_error.len = *(size_t *)(_area + 12);
            break;
        }
        break;
    }
    *ret0 = _result;
}

__attribute__((import_module("keyvalue"), import_name("keyvalue::delete")))
void __wasm_import_keyvalue_keyvalue_delete(int32_t, int32_t, int32_t, int32_t);

void keyvalue_keyvalue_delete(keyvalue_keyvalue_t self, keyvalue_string_t *key, keyvalue_expected_unit_keyvalue_error_t *ret0)
{
    int32_t _a0 = 0;
    int32_t _a1 = 0;
    int32_t _a2 = 0;
    _a0 = (int32_t)self.idx;
    _a1 = (int32_t)(uintptr_t)(*key).ptr;
    _a2 = (int32_t)(*key).len;
    uint8_t *_area = RET_AREA;
    __wasm_import_keyvalue_keyvalue_delete(_a0, _a1, _a2, (int32_t)(uintptr_t)_area);
    keyvalue_expected_unit_keyvalue_error_t _result;
    _result.is_err = *(uint8_t *)(_area + 0) != 0;
    switch ((int32_t)_result.is_err) {
    case 1:
        _result.val.err.tag = *(uint8_t *)(_area + 4);
        switch ((int32_t)_result.val.err.tag) {
        case 0:
            _result.val.err.val.key_not_found.ptr = *(char **)(_area + 8);
            _result.val.err.val.key_not_found.len = *(size_t *)(_area + 12);
            break;
        case 1:
            _result.val.err.val.invalid_key.ptr = *(char **)(_area + 8);
            _result.val.err.val.invalid_key.len = *(size_t *)(_area + 12);
            break;
        case 2:
            _result.val.err.val.invalid_value.ptr = *(char **)(_area + 8);
            _result.val.err.val.invalid_value.len = *(size_t *)(_area + 12);
            break;
        case 3:
            _result.val.err.val.connection_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.connection_error.len = *(size_t *)(_area + 12);
            break;
        case 4:
            _result.val.err.val.authentication_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.authentication_error.len = *(size_t *)(_area + 12);
            break;
        case 5:
            _result.val.err.val.timeout_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.timeout_error.len = *(size_t *)(_area + 12);
            break;
        case 6:
            _result.val.err.val.io_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.io_error.len = *(size_t *)(_area + 12);
            break;
        case 7:
            _result.val.err.val.unexpected_error.ptr = *(char **)(_area + 8);
            _result.val.err.val.unexpected_error.len = *(size_t *)(_area + 12);
            break;
        }
        break;
    }
    *ret0 = _result;
}

