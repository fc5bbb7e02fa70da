/* SPDX-License-Identifier: Apache-2.0 */
/*
 * toml_module.c -- the entry points of the slight-toml module (toml++ and
 * the bridge, loaded by toml_lazy.c when a slightfile is read). Everything
 * else in the module has hidden visibility.
 */
#include "sl_common.h"

#include "toml.h"
#include "sl_config.h"

#define SL_MODULE_EXPORT __attribute__((visibility("default")))

SL_MODULE_EXPORT const char *sl_toml_module_version(void);
SL_MODULE_EXPORT sl_err sl_toml_module_parse(const char *data, size_t len, const char *name,
                                             struct sl_toml_value **out, struct sl_error *err);

/* Must equal the loading binary's SL_VERSION: a module of another build is not used. */
const char *sl_toml_module_version(void)
{
    return SL_VERSION;
}

sl_err sl_toml_module_parse(const char *data, size_t len, const char *name,
                            struct sl_toml_value **out, struct sl_error *err)
{
    return sl_toml_parse(data, len, name, out, err);
}
