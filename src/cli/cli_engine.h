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
struct sl_run_providers {
    struct sl_host_fn_table tables[2];
    struct sl_link_providers link;
    bool link_all;
};

/* Fills p with WASI (and, later, capability glue); link_all declares every capability. */
void sl_cli_providers_init(struct sl_run_providers *p, bool link_all);

#endif /* SL_CLI_CLI_ENGINE_H */
