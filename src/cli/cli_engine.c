/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_engine.c -- engine settings from the command line and environment,
 * and the providers of host functions for the link step.
 */
#include "sl_common.h"

#include "cli_engine.h"
#include "config/slightfile.h"
#include "common/fs.h"
#include "wasi/wasi.h"
#include "capabilities/caps.h"

#include <stdlib.h>
#include <string.h>

void sl_cli_engine_init(struct sl_cli_engine *e)
{
    memset(e, 0, sizeof(*e));
    e->aot.tier = SL_TIER_AUTO;
    /* SLIGHT_NO_BACKGROUND_COMPILE=1 keeps auto mode from spawning the optimized compile. */
    const char *nb = getenv("SLIGHT_NO_BACKGROUND_COMPILE");
    e->aot.no_background = nb != NULL && strcmp(nb, "1") == 0;
    /* SLIGHT_WRITE_BARRIER=1 compiles the dirty-page write barrier in (to measure its cost). */
    const char *wb = getenv("SLIGHT_WRITE_BARRIER");
    e->aot.write_barrier = wb != NULL && strcmp(wb, "1") == 0;
}

sl_err sl_cli_engine_tier(struct sl_cli_engine *e, const char *value, struct sl_error *err)
{
    if (strcmp(value, "auto") == 0)
        e->aot.tier = SL_TIER_AUTO;
    else if (strcmp(value, "baseline") == 0)
        e->aot.tier = SL_TIER_BASELINE;
    else if (strcmp(value, "optimized") == 0)
        e->aot.tier = SL_TIER_OPTIMIZED;
    else
        return sl_error_set(err, SL_EUSAGE,
                            "invalid --tier '%s': expected auto, baseline or optimized", value);
    return SL_OK;
}

static bool declares(void *opaque, const char *import_module)
{
    const struct sl_run_providers *p = opaque;
    if (p->link_all)
        return true;
    const char *type = sl_slightfile_import_type(import_module);
    return p->slightfile != NULL && type != NULL && sl_slightfile_declares(p->slightfile, type);
}

sl_err sl_cli_load_slightfile(const char *path, struct sl_slightfile **out,
                              struct sl_error *err)
{
    *out = NULL;
    if (path == NULL) {
        if (!sl_fs_exists("slightfile.toml"))
            return SL_OK;
        path = "slightfile.toml";
    }
    return sl_slightfile_load(path, out, err);
}

void sl_cli_providers_init(struct sl_run_providers *p, const struct sl_slightfile *sf,
                           bool link_all)
{
    memset(p, 0, sizeof(*p));
    p->slightfile = sf;
    p->tables[0] = sl_wasi_host_fns;
    p->link.tables = p->tables;
    p->link.ntables = 1 + sl_caps_host_tables(p->tables + 1, SL_ARRAY_SIZE(p->tables) - 1);
    p->link.declares = declares;
    p->link.opaque = p;
    p->link_all = link_all;
}
