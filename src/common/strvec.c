/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strvec.c -- a growable vector of owned strings.
 */
#include "sl_common.h"

#include "strvec.h"

#include "mem.h"

#include <string.h>

sl_err sl_strvec_push(struct sl_strvec *sv, const char *s, size_t len)
{
    if (sv->n == sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 8;
        struct sl_str *v = sl_reallocarray(sv->v, cap, sizeof(*v));
        if (v == NULL)
            return SL_ENOMEM;
        sv->v = v;
        sv->cap = cap;
    }
    char *copy = sl_malloc(len + 1);
    if (copy == NULL)
        return SL_ENOMEM;
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    sv->v[sv->n++] = (struct sl_str){copy, len};
    return SL_OK;
}

sl_err sl_strvec_pushs(struct sl_strvec *sv, const char *s)
{
    return sl_strvec_push(sv, s, strlen(s));
}

bool sl_strvec_has(const struct sl_strvec *sv, const char *s, size_t len)
{
    for (size_t i = 0; i < sv->n; i++)
        if (sv->v[i].len == len && (len == 0 || memcmp(sv->v[i].ptr, s, len) == 0))
            return true;
    return false;
}

void sl_strvec_release(struct sl_strvec *sv)
{
    if (sv == NULL)
        return;
    for (size_t i = 0; i < sv->n; i++)
        sl_free((char *)sv->v[i].ptr);
    sl_free(sv->v);
    sv->v = NULL;
    sv->n = sv->cap = 0;
}
