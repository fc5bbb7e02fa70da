/* SPDX-License-Identifier: Apache-2.0 */
/*
 * buf.c -- growable byte buffer.
 */
#include "sl_common.h"

#include "buf.h"
#include "mem.h"

#include <stdio.h>
#include <string.h>

sl_err sl_buf_grow(struct sl_buf *b, size_t extra)
{
    size_t need;
    if (__builtin_add_overflow(b->len, extra, &need) || need == SIZE_MAX)
        return SL_ENOMEM;
    need += 1;
    if (need <= b->cap)
        return SL_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    char *p = sl_realloc(b->data, cap);
    if (p == NULL)
        return SL_ENOMEM;
    if (b->data == NULL)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
    return SL_OK;
}

sl_err sl_buf_append(struct sl_buf *b, const void *data, size_t len)
{
    if (sl_buf_grow(b, len) != SL_OK)
        return SL_ENOMEM;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return SL_OK;
}

sl_err sl_buf_appends(struct sl_buf *b, const char *s)
{
    return sl_buf_append(b, s, strlen(s));
}

sl_err sl_buf_vappendf(struct sl_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return SL_EINVAL;
    if (sl_buf_grow(b, (size_t)n) != SL_OK)
        return SL_ENOMEM;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return SL_OK;
}

sl_err sl_buf_appendf(struct sl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sl_err rc = sl_buf_vappendf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void sl_buf_reset(struct sl_buf *b)
{
    sl_buf_truncate(b, 0);
}

void sl_buf_truncate(struct sl_buf *b, size_t len)
{
    if (b->data == NULL || len >= b->len)
        return;
    b->len = len;
    b->data[len] = '\0';
}

void sl_buf_release(struct sl_buf *b)
{
    sl_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *sl_buf_detach(struct sl_buf *b)
{
    if (b->data == NULL && sl_buf_grow(b, 0) != SL_OK)
        return NULL;
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

const char *sl_buf_cstr(const struct sl_buf *b)
{
    return b->data ? b->data : "";
}
