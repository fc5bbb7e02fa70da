/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hash.c -- SHA-256 through libsodium.
 */
#include "sl_common.h"

#include "hash.h"

#include <sodium.h>

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(((struct sl_sha256 *)0)->state),
               "sl_sha256 state too small");

void sl_sha256_init(struct sl_sha256 *h)
{
    crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)h->state);
}

void sl_sha256_update(struct sl_sha256 *h, const void *data, size_t len)
{
    crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)h->state, data, len);
}

void sl_sha256_final_hex(struct sl_sha256 *h, char hex[SL_SHA256_HEX_LEN + 1])
{
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)h->state, out);
    sodium_bin2hex(hex, SL_SHA256_HEX_LEN + 1, out, sizeof(out));
}

void sl_sha256_hex(const void *data, size_t len, char hex[SL_SHA256_HEX_LEN + 1])
{
    struct sl_sha256 h;
    sl_sha256_init(&h);
    sl_sha256_update(&h, data, len);
    sl_sha256_final_hex(&h, hex);
}
