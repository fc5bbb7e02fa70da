/* SPDX-License-Identifier: Apache-2.0 */
/*
 * err.h -- the one error enum of slight and the caller-owned error detail.
 * Functions return sl_err; detail goes into an optional struct sl_error.
 */
#ifndef SL_COMMON_ERR_H
#define SL_COMMON_ERR_H

#include "sl_common.h"

/* Append-only: categories line up with the WIT error variants (docs/ERRORS.md). */
typedef enum sl_err {
    SL_OK = 0,
    SL_ENOMEM,
    SL_EINVAL,
    SL_ENOTFOUND,
    SL_EINVALKEY,
    SL_EINVALVALUE,
    SL_ECONN,
    SL_EAUTH,
    SL_ETIMEOUT,
    SL_EIO,
    SL_EUNSUPPORTED,
    SL_ECONFIG,
    SL_EINTERNAL,
    SL_EUSAGE,   /* malformed command line: exit status 2 */
    SL_EMODULE,  /* unreadable or invalid wasm module */
    SL_ETRAP,    /* a guest trapped */
    SL_EEXIT,    /* a guest called proc_exit; the code is in the context */
    SL_ELINK,    /* an import nobody provides */
    SL_ECOMPILE, /* wasm2c or the C compiler failed */
} sl_err;

/* Detail of a failure. Owned by the caller; the error path never allocates. */
struct sl_error {
    sl_err code;
    char msg[512];
};

#define SL_ERROR_INIT {SL_OK, {0}}

/*
 * Records code and a formatted message in *err (err may be NULL) and returns
 * code, so one line both records and returns.
 */
sl_err sl_error_set(struct sl_error *err, sl_err code, const char *fmt, ...) SL_PRINTF(3, 4);

/* Prefixes the message already in *err with a formatted context and ": ". */
sl_err sl_error_prefix(struct sl_error *err, const char *fmt, ...) SL_PRINTF(2, 3);

/* Changes the code of a recorded error, keeping its message; returns code. */
sl_err sl_error_recode(struct sl_error *err, sl_err code);

/* Name of an error code, e.g. "SL_ENOTFOUND" -> "not found". Never NULL. */
const char *sl_err_str(sl_err code);

#endif /* SL_COMMON_ERR_H */
