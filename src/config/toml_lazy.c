/* SPDX-License-Identifier: Apache-2.0 */
/*
 * toml_lazy.c -- sl_toml_parse for the slight binary: loads the slight-toml
 * module (toml++ and libstdc++) on first use, so that runs without a
 * slightfile do not pay for loading them. Where the module is looked for,
 * and the version check, are common/modload.c's.
 */
#include "sl_common.h"

#include "toml.h"

#include "common/modload.h"

#include <pthread.h>

typedef sl_err (*parse_fn)(const char *data, size_t len, const char *name,
                           struct sl_toml_value **out, struct sl_error *err);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static parse_fn module_parse;
static struct sl_error load_err = SL_ERROR_INIT;

static void load(void)
{
    void *h = NULL;
    if (sl_modload_open("toml", "sl_toml_module_version", &h, &load_err) != SL_OK)
        return;
    module_parse = (parse_fn)sl_modload_sym(h, "sl_toml_module_parse");
    if (module_parse == NULL)
        sl_error_set(&load_err, SL_EUNSUPPORTED, "the slight-toml module has no parser");
}

sl_err sl_toml_parse(const char *data, size_t len, const char *name, struct sl_toml_value **out,
                     struct sl_error *err)
{
    *out = NULL;
    pthread_once(&once, load);
    if (module_parse == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED, "%s: cannot read TOML: %s", name, load_err.msg);
    return module_parse(data, len, name, out, err);
}
