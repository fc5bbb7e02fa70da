/* SPDX-License-Identifier: Apache-2.0 */
/*
 * proc.h -- running a helper program (wasm2c, cc) and collecting its
 * diagnostics. No shell is involved.
 */
#ifndef SL_COMMON_PROC_H
#define SL_COMMON_PROC_H

#include "sl_common.h"

#include "buf.h"
#include "err.h"

/*
 * Runs argv[0] (a path) with argv, stdin from /dev/null, stdout to
 * /dev/null, and stderr appended to *diag (may be NULL: discarded).
 * *status gets the wait status. Returns SL_EIO (with message) only when the
 * program cannot be started or waited for; a non-zero exit is not an error
 * here (look at *status).
 */
sl_err sl_proc_run(const char *const *argv, struct sl_buf *diag, int *status,
                   struct sl_error *err);

/* Describes a wait status: "exit status 3", "killed by signal 11". */
void sl_proc_status_text(int status, char *buf, size_t size);

#endif /* SL_COMMON_PROC_H */
