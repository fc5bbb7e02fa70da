/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cap_config.h -- what a backend is given at open: the declared config keys
 * it accepts, and the resolved config values of its slightfile entry
 * (${store.key} already substituted). Shared by every capability.
 */
#ifndef SL_CAPABILITIES_CAP_CONFIG_H
#define SL_CAPABILITIES_CAP_CONFIG_H

#include "sl_common.h"

/* One config key a backend accepts; arrays of these end with {NULL}. */
struct sl_config_key {
    const char *name;
    bool required; /* a missing required key is a start-up error */
    bool secret;   /* never logged or shown in messages */
};

struct sl_config_value {
    const char *key;
    const char *value; /* resolved */
};

/* The resolved configuration of one capability entry. Borrowed by backends. */
struct sl_config {
    const char *resource; /* canonical, e.g. "keyvalue.filesystem" */
    const char *name;     /* the capability name in the slightfile ("*" possible) */
    const char *dir;      /* directory of the slightfile, for relative paths ("." if none) */
    const struct sl_config_value *values;
    size_t nvalues;
    const char *slightfile; /* the slightfile's path as given, or NULL when there is none */
};

/* The value of key, or NULL when absent. cfg may be NULL. */
const char *sl_config_get(const struct sl_config *cfg, const char *key);

#endif /* SL_CAPABILITIES_CAP_CONFIG_H */
