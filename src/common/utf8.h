/* SPDX-License-Identifier: Apache-2.0 */
/*
 * utf8.h -- well-formedness of UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF), for wasm names, WASI paths and decrypted secrets.
 */
#ifndef SL_COMMON_UTF8_H
#define SL_COMMON_UTF8_H

#include "sl_common.h"

/* Offset of the first byte of s[0..len) that starts an ill-formed sequence, or len. */
size_t sl_utf8_invalid_at(const uint8_t *s, size_t len);

/* True when s[0..len) is well-formed UTF-8. */
static inline bool sl_utf8_valid(const uint8_t *s, size_t len)
{
    return sl_utf8_invalid_at(s, len) == len;
}

#endif /* SL_COMMON_UTF8_H */
