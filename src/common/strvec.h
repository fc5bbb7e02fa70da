/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strvec.h -- a growable vector of owned strings (each NUL-terminated, with
 * its length kept, so strings may contain NUL bytes).
 */
#ifndef SL_COMMON_STRVEC_H
#define SL_COMMON_STRVEC_H

#include "sl_common.h"

#include "err.h"

struct sl_strvec {
    struct sl_str *v; /* v[i].ptr is owned by the vector and NUL-terminated */
    size_t n, cap;
};

#define SL_STRVEC_INIT {NULL, 0, 0}

/* Appends a copy of (s, len). SL_ENOMEM on failure (the vector is unchanged). */
sl_err sl_strvec_push(struct sl_strvec *sv, const char *s, size_t len);
/* Appends a copy of the NUL-terminated s. */
sl_err sl_strvec_pushs(struct sl_strvec *sv, const char *s);
/* True when (s, len) is an element. */
bool sl_strvec_has(const struct sl_strvec *sv, const char *s, size_t len);
/* Frees every string and the array; the vector is empty and reusable. Accepts NULL. */
void sl_strvec_release(struct sl_strvec *sv);

#endif /* SL_COMMON_STRVEC_H */
