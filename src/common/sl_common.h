/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sl_common.h -- the first include of every .c file in slight: feature-test
 * macros, standard headers, attribute macros and small helpers.
 *
 * Ownership rule for the whole code base: pointer arguments are borrowed for
 * the duration of the call; a callee copies whatever it keeps. Transfers are
 * named (_take, _detach) or documented at the declaration.
 */
#ifndef SL_COMMON_SL_COMMON_H
#define SL_COMMON_SL_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define SL_NODISCARD         __attribute__((warn_unused_result))
#define SL_UNUSED            __attribute__((unused))
#define SL_NORETURN          __attribute__((noreturn))
#define SL_LIKELY(x)         __builtin_expect(!!(x), 1)
#define SL_UNLIKELY(x)       __builtin_expect(!!(x), 0)

#define SL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SL_MIN(a, b)     ((a) < (b) ? (a) : (b))
#define SL_MAX(a, b)     ((a) > (b) ? (a) : (b))

/* Aborts with a message: for impossible states only, never for input. */
#define SL_BUG(...) sl_bug(__FILE__, __LINE__, __VA_ARGS__)
SL_NORETURN void sl_bug(const char *file, int line, const char *fmt, ...) SL_PRINTF(3, 4);

/* The value of a hexadecimal digit (either case), or -1 for any other byte. */
static inline int sl_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A borrowed, not necessarily NUL-terminated string. */
struct sl_str {
    const char *ptr;
    size_t len;
};

#define SL_STR_LIT(s) ((struct sl_str){(s), sizeof(s) - 1})

#endif /* SL_COMMON_SL_COMMON_H */
