/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_engine.h -- engine settings and host-function providers shared by
 * the subcommands that load modules (run, compile).
 */
#ifndef SL_CLI_CLI_ENGINE_H
#define SL_CLI_CLI_ENGINE_H

#include "sl_common.h"

#include "common/err.h"
#include "engine/aot.h"
#include "engine/link.h"
#include "opts.h"

struct sl_cli_engine {
    struct sl_aot_opts aot;
};

void sl_cli_engine_init(struct sl_cli_engine *e);

/* Parses a --tier value (auto|baseline|optimized); SL_EUSAGE otherwise. */
sl_err sl_cli_engine_tier(struct sl_cli_engine *e, const char *value, struct sl_error *err);

/* The host functions a module may import and the capabilities declared. */
struct sl_slightfile;

struct sl_run_providers {
    struct sl_host_fn_table tables[16];
    struct sl_link_providers link;
    bool link_all;
    const struct sl_slightfile *slightfile; /* borrowed, may be NULL */
};

/*
 * Fills p with WASI and the capabilities' host glue. A capability import is
 * declared when sf (may be NULL) declares its type, or by link_all (-l).
 */
void sl_cli_providers_init(struct sl_run_providers *p, const struct sl_slightfile *sf,
                           bool link_all);

/*
 * Loads the slightfile: path when given (-c), else ./slightfile.toml when it
 * exists, else none (*out NULL, SL_OK). An unreadable or invalid file is an
 * error.
 */
sl_err sl_cli_load_slightfile(const char *path, struct sl_slightfile **out,
                              struct sl_error *err);

#endif /* SL_CLI_CLI_ENGINE_H */
