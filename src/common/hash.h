/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hash.h -- SHA-256 (libsodium) for content-addressed caching.
 */
#ifndef SL_COMMON_HASH_H
#define SL_COMMON_HASH_H

#include "sl_common.h"

#define SL_SHA256_HEX_LEN 64

struct sl_sha256 {
    unsigned char state[128]; /* crypto_hash_sha256_state, opaque here */
};

void sl_sha256_init(struct sl_sha256 *h);
void sl_sha256_update(struct sl_sha256 *h, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL into hex (65 bytes). */
void sl_sha256_final_hex(struct sl_sha256 *h, char hex[SL_SHA256_HEX_LEN + 1]);
/* One-shot digest of data as hex. */
void sl_sha256_hex(const void *data, size_t len, char hex[SL_SHA256_HEX_LEN + 1]);

/* FNV-1a, 64 bits: a fast non-cryptographic hash for hash tables. */
static inline uint64_t sl_hash_fnv1a64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

#endif /* SL_COMMON_HASH_H */
