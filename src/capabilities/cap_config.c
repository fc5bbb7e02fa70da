/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cap_config.c -- lookups in a capability's resolved configuration.
 */
#include "sl_common.h"

#include "cap_config.h"

#include <string.h>

const char *sl_config_get(const struct sl_config *cfg, const char *key)
{
    if (cfg == NULL)
        return NULL;
    for (size_t i = 0; i < cfg->nvalues; i++)
        if (strcmp(cfg->values[i].key, key) == 0)
            return cfg->values[i].value;
    return NULL;
}
