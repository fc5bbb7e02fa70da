/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi.h -- WASI preview 1 (wasi_snapshot_preview1, and the legacy
 * wasi_unstable) for slight guests: per-instance context and the table of
 * host functions the engine links.
 */
#ifndef SL_WASI_WASI_H
#define SL_WASI_WASI_H

#include "sl_common.h"

#include "common/err.h"
#include "engine/host_fn.h"

/* A host directory exposed to the guest under guest_path. */
struct sl_wasi_preopen {
    const char *host_path;  /* borrowed */
    const char *guest_path; /* borrowed */
};

/* Everything a WASI context is made from. All pointers are borrowed for the call. */
struct sl_wasi_config {
    const char *const *argv; /* guest argv: argv[0] is the module path */
    size_t argc;
    const char *const *env;  /* "KEY=VALUE" strings */
    size_t envc;
    const struct sl_wasi_preopen *preopens; /* fds 3, 4, ... in this order */
    size_t npreopens;
    int stdin_fd, stdout_fd, stderr_fd;     /* host fds, inherited (not closed by the ctx) */
    const int *listen_fds;                  /* listening sockets for sock_accept (--tcplisten) */
    size_t nlisten;
};

struct sl_wasi_ctx;

/*
 * Creates a context from cfg (copies what it keeps; opens the preopened
 * directories). On success *out is owned by the caller (sl_wasi_ctx_free).
 * Fails with a message naming the directory that cannot be opened.
 */
sl_err sl_wasi_ctx_new(const struct sl_wasi_config *cfg, struct sl_wasi_ctx **out,
                       struct sl_error *err);

/* Closes every fd the context opened and frees it. Accepts NULL. */
void sl_wasi_ctx_free(struct sl_wasi_ctx *ctx);

/* The host functions of wasi_snapshot_preview1 and wasi_unstable. */
extern const struct sl_host_fn_table sl_wasi_host_fns;

#endif /* SL_WASI_WASI_H */
