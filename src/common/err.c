/* SPDX-License-Identifier: Apache-2.0 */
/*
 * err.c -- formatting of error details and the names of error codes.
 */
#include "sl_common.h"

#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sl_err sl_error_set(struct sl_error *err, sl_err code, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}

sl_err sl_error_prefix(struct sl_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return SL_OK;
    char prefix[sizeof(err->msg)];
    char old[sizeof(err->msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    size_t n = strlen(prefix);
    if (n > sizeof(err->msg) - 3)
        n = sizeof(err->msg) - 3;
    memcpy(err->msg, prefix, n);
    memcpy(err->msg + n, ": ", 2);
    size_t room = sizeof(err->msg) - n - 3;
    size_t m = strnlen(old, room);
    memcpy(err->msg + n + 2, old, m);
    err->msg[n + 2 + m] = '\0';
    return err->code;
}

sl_err sl_error_recode(struct sl_error *err, sl_err code)
{
    if (err != NULL)
        err->code = code;
    return code;
}

const char *sl_err_str(sl_err code)
{
    static const char *const names[] = {
        [SL_OK] = "ok",
        [SL_ENOMEM] = "out of memory",
        [SL_EINVAL] = "invalid argument",
        [SL_ENOTFOUND] = "not found",
        [SL_EINVALKEY] = "invalid key",
        [SL_EINVALVALUE] = "invalid value",
        [SL_ECONN] = "connection error",
        [SL_EAUTH] = "authentication error",
        [SL_ETIMEOUT] = "timeout",
        [SL_EIO] = "i/o error",
        [SL_EUNSUPPORTED] = "unsupported",
        [SL_ECONFIG] = "configuration error",
        [SL_EINTERNAL] = "internal error",
        [SL_EUSAGE] = "usage error",
        [SL_EMODULE] = "invalid module",
        [SL_ETRAP] = "trap",
        [SL_EEXIT] = "exit",
        [SL_ELINK] = "link error",
        [SL_ECOMPILE] = "compile error",
    };
    if ((size_t)code < SL_ARRAY_SIZE(names) && names[code] != NULL)
        return names[code];
    return "unknown error";
}

void sl_bug(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "slight: BUG: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
