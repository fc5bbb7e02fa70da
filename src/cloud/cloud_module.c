/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cloud_module.c -- the version stamp of the slight-cloud module (libcurl,
 * cJSON: keyvalue.azblob, keyvalue.awsdynamodb and configs.azapp), which
 * kv_registry.c and cfg_registry.c check before using the backends the
 * module exports.
 */
#include "sl_common.h"

#include "sl_config.h"

#define SL_MODULE_EXPORT __attribute__((visibility("default")))

SL_MODULE_EXPORT const char *sl_cloud_module_version(void);

/* Must equal the loading binary's SL_VERSION: a module of another build is not used. */
const char *sl_cloud_module_version(void)
{
    return SL_VERSION;
}
