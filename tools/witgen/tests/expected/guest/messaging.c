/* Guest C bindings of the WIT interface "messaging" (slight bindgen c). */
#include <stdlib.h>
#include <string.h>
#include <messaging.h>

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

__attribute__((import_module("canonical_abi"), import_name("resource_drop_pub")))
void __resource_pub_drop(uint32_t idx);

void messaging_pub_free(messaging_pub_t *ptr)
{
    __resource_pub_drop(ptr->idx);
}

__attribute__((import_module("canonical_abi"), import_name("resource_clone_pub")))
uint32_t __resource_pub_clone(uint32_t idx);

messaging_pub_t messaging_pub_clone(messaging_pub_t *ptr)
{
    return (messaging_pub_t){__resource_pub_clone(ptr->idx)};
}

__attribute__((import_module("canonical_abi"), import_name("resource_drop_sub")))
void __resource_sub_drop(uint32_t idx);

void messaging_sub_free(messaging_sub_t *ptr)
{
    __resource_sub_drop(ptr->idx);
}

__attribute__((import_module("canonical_abi"), import_name("resource_clone_sub")))
uint32_t __resource_sub_clone(uint32_t idx);

messaging_sub_t messaging_sub_clone(messaging_sub_t *ptr)
{
    return (messaging_sub_t){__resource_sub_clone(ptr->idx)};
}

void messaging_string_set(messaging_string_t *ret, const char *s)
{
    ret->ptr = (char *)s;
    ret->len = strlen(s);
}

void messaging_string_dup(messaging_string_t *ret, const char *s)
{
    ret->len = strlen(s);
    ret->ptr = canonical_abi_realloc(NULL, 0, 1, ret->len);
    memcpy(ret->ptr, s, ret->len);
}

void messaging_string_free(messaging_string_t *ret)
{
    canonical_abi_free(ret->ptr, ret->len, 1);
    ret->ptr = NULL;
    ret->len = 0;
}

void messaging_messaging_error_free(messaging_messaging_error_t *ptr)
{
    switch (ptr->tag) {
    case 0:
        messaging_string_free(&ptr->val.payload_too_large);
        break;
    case 1:
        messaging_string_free(&ptr->val.queue_or_topic_not_found);
        break;
    case 2:
        messaging_string_free(&ptr->val.insufficient_permissions);
        break;
    case 3:
        messaging_string_free(&ptr->val.service_unavailable);
        break;
    case 4:
        messaging_string_free(&ptr->val.delivery_failed);
        break;
    case 5:
        messaging_string_free(&ptr->val.connection_lost);
        break;
    case 6:
        messaging_string_free(&ptr->val.unsupported_message_format);
        break;
    case 7:
        messaging_string_free(&ptr->val.unexpected_error);
        break;
    }
}

void messaging_subscription_token_free(messaging_subscription_token_t *ptr)
{
    messaging_string_free(ptr);
}

void messaging_expected_pub_messaging_error_free(messaging_expected_pub_messaging_error_t *ptr)
{
    if (!ptr->is_err)
        messaging_pub_free(&ptr->val.ok);
    else
        messaging_messaging_error_free(&ptr->val.err);
}

void messaging_list_u8_free(messaging_list_u8_t *ptr)
{
    canonical_abi_free(ptr->ptr, ptr->len * 1, 1);
}

void messaging_expected_unit_messaging_error_free(messaging_expected_unit_messaging_error_t *ptr)
{
    if (ptr->is_err)
        messaging_messaging_error_free(&ptr->val.err);
}

void messaging_expected_sub_messaging_error_free(messaging_expected_sub_messaging_error_t *ptr)
{
    if (!ptr->is_err)
        messaging_sub_free(&ptr->val.ok);
    else
        messaging_messaging_error_free(&ptr->val.err);
}

void messaging_expected_subscription_token_messaging_error_free(messaging_expected_subscription_token_messaging_error_t *ptr)
{
    if (!ptr->is_err)
        messaging_subscription_token_free(&ptr->val.ok);
    else
        messaging_messaging_error_free(&ptr->val.err);
}

void messaging_expected_list_u8_messaging_error_free(messaging_expected_list_u8_messaging_error_t *ptr)
{
    if (!ptr->is_err)
        messaging_list_u8_free(&ptr->val.ok);
    else
        messaging_messaging_error_free(&ptr->val.err);
}

static uint8_t RET_AREA[16] __attribute__((aligned(4)));

__attribute__((import_module("messaging"), import_name("pub::open")))
void __wasm_import_messaging_pub_open(int32_t, int32_t, int32_t);

void messaging_pub_open(messaging_string_t *name, messaging_expected_pub_messaging_error_t *ret0)
{
    int32_t _a0 = 0;
    int32_t _a1 = 0;
    _a0 = (int32_t)(uintptr_t)(*name).ptr;
    _a1 = (int32_t)(*name).len;
    uint8_t *_area = RET_AREA;
    __wasm_import_messaging_pub_open(_a0, _a1, (int32_t)(uintptr_t)_area);
    messaging_expected_pub_messaging_error_t _result;
    _result.is_err = *(uint8_t *)(_area + 0) != 0;
    switch ((int32_t)_result.is_err) {
    case 0:
        _result.val.ok.idx = *(uint32_t *)(_area + 4);
        break;
    case 1:
        _result.val.err.tag = *(uint8_t *)(_area + 4);
        switch ((int32_t)_result.val.err.tag) {
        case 0:
            _result.val.err.val.payload_too_large.ptr = *(char **)(_area + 8);
            _result.val.err.val.payload_too_large.len = *(size_t *)(_area + 12);
            break;
        case 1:
            _result.val.err.val.queue_or_topic_not_found.ptr = *(char **)(_area + 8);
            _result.val.err.val.queue_or_topic_not_found.len = *(size_t *)(_area + 12);
            break;
        case 2:
            _result.val.err.val.insufficient_permissions.ptr = *(char **)(_area + 8);
            _result.val.err.val.insufficient_permissions.len = *(size_t *)(_area + 12);
            break;
        case 3:
            _result.val.err.val.service_unavailable.ptr = *(char **)(_area + 8);
            _result.val.err.val.service_unavailable.len = *(size_t *)(_area + 12);
            break;
        case 4:
            _result.val.err.val.delivery_failed.ptr = *(char **)(_area + 8);
            _result.val.err.val.delivery_failed.len = *(size_t *)(_area + 12);
            break;
        case 5:
            _result.val.err.val.connection_lost.ptr = *(char **)(_area + 8);
            _result.val.err.val.connection_lost.len = *(size_t *)(_area + 12);
            break;
        case 6:
            _result.val.err.val.unsupported_message_format.ptr = *(char **)(_area + 8);
            _result.val.err.val.unsupported_message_format.len = *(size_t *)(_area + 12);
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

__attribute__((import_module("messaging"), import_name("pub::publish")))
void __wasm_import_messaging_pub_publish(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);

void messaging_pub_publish(messaging_pub_t self, messaging_list_u8_t *msg, messaging_string_t *topic, messaging_expected_unit_messaging_error_t *ret0)
{
    int32_t _a0 = 0;
    int32_t _a1 = 0;
    int32_t _a2 = 0;
    int32_t _a3 = 0;
    int32_t _a4 = 0;
    _a0 = (int32_t)self.idx;
    _a1 = (int32_t)(uintptr_t)(*msg).ptr;
    _a2 = (int32_t)(*msg).len;
    _a3 = (int32_t)(uintptr_t)(*topic).ptr;
    _a4 = (int32_t)(*topic).len;
    uint8_t *_area = RET_AREA;
    __wasm_import_messaging_pub_publish(_a0, _a1, _a2, _a3, _a4, (int32_t)(uintptr_t)_area);
    messaging_expected_unit_messaging_error_t _result;
    _result.is_err = *(uint8_t *)(_area + 0) != 0;
    switch ((int32_t)_result.is_err) {
    case 1:
        _result.val.err.tag = *(uint8_t *)(_area + 4);
        switch ((int32_t)_result.val.err.tag) {
        case 0:
            _result.val.err.val.payload_too_large.ptr = *(char **)(_area + 8);
            _result.val.err.val.payload_too_large.len = *(size_t *)(_area + 12);
            break;
        case 1:
            _result.val.err.val.queue_or_topic_not_found.ptr = *(char **)(_area + 8);
            _result.val.err.val.queue_or_topic_not_found.len = *(size_t *)(_area + 12);
            break;
        case 2:
            _result.val.err.val.insufficient_permissions.ptr = *(char **)(_area + 8);
            _result.val.err.val.insufficient_permissions.len = *(size_t *)(_area + 12);
            break;
        case 3:
            _result.val.err.val.service_unavailable.ptr = *(char **)(_area + 8);
            _result.val.err.val.service_unavailable.len = *(size_t *)(_area + 12);
            break;
        case 4:
            _result.val.err.val.delivery_failed.ptr = *(char **)(_area + 8);
            _result.val.err.val.delivery_failed.len = *(size_t *)(_area + 12);
            break;
        case 5:
            _result.val.err.val.connection_lost.ptr = *(char **)(_area + 8);
            _result.val.err.val.connection_lost.len = *(size_t *)(_area + 12);
            break;
        case 6:
            _result.val.err.val.unsupported_message_format.ptr = *(char **)(_area + 8);
            _result.val.err.val.unsupported_message_format.len = *(size_t *)(_area + 12);
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

__attribute__((import_module("messaging"), import_name("sub::open")))
void __wasm_import_messaging_sub_open(int32_t, int32_t, int32_t);

void messaging_sub_open(messaging_string_t *name, messaging_expected_sub_messaging_error_t *ret0)
{
    int32_t _a0 = 0;
    int32_t _a1 = 0;
    _a0 = (int32_t)(uintptr_t)(*name).ptr;
    _a1 = (int32_t)(*name).len;
    uint8_t *_area = RET_AREA;
    __wasm_import_messaging_sub_open(_a0, _a1, (int32_t)(uintptr_t)_area);
    messaging_expected_sub_messaging_error_t _result;
    _result.is_err = *(uint8_t *)(_area + 0) != 0;
    switch ((int32_t)_result.is_err) {
    case 0:
        _result.val.ok.idx = *(uint32_t *)(_area + 4);
        break;
    case 1:
        _result.val.err.tag = *(uint8_t *)(_area + 4);
        switch ((int32_t)_result.val.err.tag) {
        case 0:
            _result.val.err.val.payload_too_large.ptr = *(char **)(_area + 8);
            _result.val.err.val.payload_too_large.len = *(size_t *)(_area + 12);
            break;
        case 1:
            _result.val.err.val.queue_or_topic_not_found.ptr = *(char **)(_area + 8);
            _result.val.err.val.queue_or_topic_not_found.len = *(size_t *)(_area + 12);
            break;
        case 2:
            _result.val.err.val.insufficient_permissions.ptr = *(char **)(_area + 8);
            _result.val.err.val.insufficient_permissions.len = *(size_t *)(_area + 12);
            break;
        case 3:
            _result.val.err.val.service_unavailable.ptr = *(char **)(_area + 8);
            _result.val.err.val.service_unavailable.len = *(size_t *)(_area + 12);
            break;
        case 4:
            _result.val.err.val.delivery_failed.ptr = *(char **)(_area + 8);
            _result.val.err.val.delivery_failed.len = *(size_t *)(_area + 12);
            break;
        case 5:
            _result.val.err.val.connection_lost.ptr = *(char **)(_area + 8);
            _result.val.err.val.connection_lost.len = *(size_t *)(_area + 12);
            break;
        case 6:
            _result.val.err.val.unsupported_message_format.ptr = *(char **)(_area + 8);
            _result.val.err.val.unsupported_message_format.len = *(size_t *)(_area + 12);
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

__attribute__((import_module("messaging"), import_name("sub::subscribe")))
void __wasm_import_messaging_sub_subscribe(int32_t, int32_t, int32_t, int32_t);

void messaging_sub_subscribe(messaging_sub_t self, messaging_string_t *topic, messaging_expected_subscription_token_messaging_error_t *ret0)
{
    int32_t _a0 = 0;
    int32_t _a1 = 0;
    int32_t _a2 = 0;
    _a0 = (int32_t)self.idx;
    _a1 = (int32_t)(uintptr_t)(*topic).ptr;
    _a2 = (int32_t)(*topic).len;
    uint8_t *_area = RET_AREA;
    __wasm_import_messaging_sub_subscribe(_a0, _a1, _a2, (int32_t)(uintptr_t)_area);
    messaging_expected_subscription_token_messaging_error_t _result;
    _result.is_err = *(uint8_t *)(_area + 0) != 0;
    switch ((int32_t)_result.is_err) {
    case 0:
        _result.val.ok.ptr = *(char **)(_area + 4);
        _result.val.ok.len = *(size_t *)(_area + 8);
        break;
    case 1:
        _result.val.err.tag = *(uint8_t *)(_area + 4);
        switch ((int32_t)_result.val.err.tag) {
        case 0:
            _result.val.err.val.payload_too_large.ptr = *(char **)(_area + 8);
            _result.val.err.val.payload_too_large.len = *(size_t *)(_area + 12);
            break;
        case 1:
            _result.val.err.val.queue_or_topic_not_found.ptr = *(char **)(_area + 8);
            _result.val.err.val.queue_or_topic_not_found.len = *(size_t *)(_area + 12);
            break;
        case 2:
            _result.val.err.val.insufficient_permissions.ptr = *(char **)(_area + 8);
            _result.val.err.val.insufficient_permissions.len = *(size_t *)(_area + 12);
            break;
        case 3:
            _result.val.err.val.service_unavailable.ptr = *(char **)(_area + 8);
            _result.val.err.val.service_unavailable.len = *(size_t *)(_area + 12);
            break;
        case 4:
            _result.val.err.val.delivery_failed.ptr = *(char **)(_area + 8);
            _result.val.err.val.delivery_failed.len = *(size_t *)(_area + 12);
            break;
        case 5:
            _result.val.err.val.connection_lost.ptr = *(char **)(_area + 8);
            _result.val.err.val.connection_lost.len = *(size_t *)(_area + 12);
            break;
        case 6:
            _result.val.err.val.unsupported_message_format.ptr = *(char **)(_area + 8);
            _result.val.err.val.unsupported_message_format.len = *(size_t *)(_area + 12);
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

__attribute__((import_module("messaging"), import_name("sub::receive")))
void __wasm_import_messaging_sub_receive(int32_t, int32_t, int32_t, int32_t);

void messaging_sub_receive(messaging_sub_t self, messaging_subscription_token_t *sub_tok, messaging_expected_list_u8_messaging_error_t *ret0)
{
    int32_t _a0 = 0;
    int32_t _a1 = 0;
    int32_t _a2 = 0;
    _a0 = (int32_t)self.idx;
    _a1 = (int32_t)(uintptr_t)(*sub_tok).ptr;
    _a2 = (int32_t)(*sub_tok).len;
    uint8_t *_area = RET_AREA;
    __wasm_import_messaging_sub_receive(_a0, _a1, _a2, (int32_t)(uintptr_t)_area);
    messaging_expected_list_u8_messaging_error_t _result;
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
            _result.val.err.val.payload_too_large.ptr = *(char **)(_area + 8);
            _result.val.err.val.payload_too_large.len = *(size_t *)(_area + 12);
            break;
        case 1:
            _result.val.err.val.queue_or_topic_not_found.ptr = *(char **)(_area + 8);
            _result.val.err.val.queue_or_topic_not_found.len = *(size_t *)(_area + 12);
            break;
        case 2:
            _result.val.err.val.insufficient_permissions.ptr = *(char **)(_area + 8);
            _result.val.err.val.insufficient_permissions.len = *(size_t *)(_area + 12);
            break;
        case 3:
            _result.val.err.val.service_unavailable.ptr = *(char **)(_area + 8);
            _result.val.err.val.service_unavailable.len = *(size_t *)(_area + 12);
            break;
        case 4:
            _result.val.err.val.delivery_failed.ptr = *(char **)(_area + 8);
            _result.val.err.val.delivery_failed.len = *(size_t *)(_area + 12);
            break;
        case 5:
            _result.val.err.val.connection_lost.ptr = *(char **)(_area + 8);
            _result.val.err.val.connection_lost.len = *(size_t *)(_area + 12);
            break;
        case 6:
            _result.val.err.val.unsupported_message_format.ptr = *(char **)(_area + 8);
            _result.val.err.val.unsupported_message_format.len = *(size_t *)(_area + 12);
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

