/* SPDX-License-Identifier: Apache-2.0 */
/*
 * buf.h -- a growable byte buffer, always NUL-terminated (git's strbuf).
 * A failed append releases nothing and returns SL_ENOMEM; the buffer stays valid.
 */
#ifndef SL_COMMON_BUF_H
#define SL_COMMON_BUF_H

#include "sl_common.h"

#include "err.h"

#include <stdarg.h>

struct sl_buf {
    char *data; /* NUL-terminated when non-NULL; owned by the buffer */
    size_t len;
    size_t cap;
};

#define SL_BUF_INIT {NULL, 0, 0}

/* Makes room for extra more bytes (plus the NUL). */
sl_err sl_buf_grow(struct sl_buf *b, size_t extra);
sl_err sl_buf_append(struct sl_buf *b, const void *data, size_t len);
sl_err sl_buf_appends(struct sl_buf *b, const char *s);
sl_err sl_buf_appendf(struct sl_buf *b, const char *fmt, ...) SL_PRINTF(2, 3);
sl_err sl_buf_vappendf(struct sl_buf *b, const char *fmt, va_list ap) SL_PRINTF(2, 0);
/* Empties the buffer, keeping its allocation. */
void sl_buf_reset(struct sl_buf *b);
/* Shortens the contents to len bytes (no-op when already shorter), keeping the allocation. */
void sl_buf_truncate(struct sl_buf *b, size_t len);
/* Frees the contents; the buffer is SL_BUF_INIT afterwards. */
void sl_buf_release(struct sl_buf *b);
/* Returns the contents (never NULL on success: "" for empty), ownership to the caller. */
char *sl_buf_detach(struct sl_buf *b);
/* The contents as a NUL-terminated string ("" when empty). Borrowed. */
const char *sl_buf_cstr(const struct sl_buf *b);

#endif /* SL_COMMON_BUF_H */
