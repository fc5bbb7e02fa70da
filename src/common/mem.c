/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mem.c -- allocation wrappers with overflow checks and a fault-injection hook.
 * The only file that calls malloc/free directly.
 */
#include "sl_common.h"

#include "mem.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_ulong fail_countdown;

static bool should_fail(void)
{
    unsigned long n = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    if (SL_LIKELY(n == 0))
        return false;
    return atomic_fetch_sub(&fail_countdown, 1) == 1;
}

void sl_mem_fail_after(unsigned long n)
{
    atomic_store(&fail_countdown, n);
}

void *sl_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *sl_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *sl_realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(p, size ? size : 1);
}

void *sl_reallocarray(void *p, size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total))
        return NULL;
    return sl_realloc(p, total);
}

void sl_free(void *p)
{
    free(p);
}

char *sl_strndup(const char *s, size_t len)
{
    char *p = sl_malloc(len + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *sl_strdup(const char *s)
{
    return sl_strndup(s, strlen(s));
}
