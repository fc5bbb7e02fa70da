/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mem.h -- the allocators every part of slight uses. They return NULL on
 * failure (callers handle it); array forms check multiplication overflow.
 * A test hook fails the Nth allocation (torture mode).
 */
#ifndef SL_COMMON_MEM_H
#define SL_COMMON_MEM_H

#include "sl_common.h"

void *sl_malloc(size_t size);
void *sl_calloc(size_t n, size_t size);
void *sl_realloc(void *p, size_t size);
/* realloc of n elements of size bytes; NULL when n * size overflows. */
void *sl_reallocarray(void *p, size_t n, size_t size);
void sl_free(void *p);
/* Copies of a NUL-terminated string or of len bytes (NUL-terminated); NULL on failure. */
char *sl_strdup(const char *s);
char *sl_strndup(const char *s, size_t len);

/* Test hook: the nth allocation from now (1-based) fails; 0 disables. */
void sl_mem_fail_after(unsigned long n);

#endif /* SL_COMMON_MEM_H */
