/* SPDX-License-Identifier: Apache-2.0 */
/*
 * slightfile_ref.c -- the "${store.key}" form of config values, split as
 * slight v0.5.1 split it (whole value only, last dot). Fetching the value
 * from its store is the configs capability's job, not this file's.
 */
#include "sl_common.h"

#include "slightfile.h"

#include "common/err.h"

#include <string.h>

static const char *const store_names[] = {
    [SL_SLIGHTFILE_STORE_LOCAL] = "local",
    [SL_SLIGHTFILE_STORE_ENVVARS] = "envvars",
    [SL_SLIGHTFILE_STORE_USERSECRETS] = "usersecrets",
    [SL_SLIGHTFILE_STORE_AZAPP] = "azapp",
};

const char *sl_slightfile_store_name(enum sl_slightfile_store store)
{
    if ((size_t)store >= SL_ARRAY_SIZE(store_names))
        return "unknown";
    return store_names[store];
}

sl_err sl_slightfile_ref_parse(const char *value, struct sl_slightfile_ref *out,
                               struct sl_error *err)
{
    size_t len = strlen(value);
    /* slight's ^\$\{(.+)\}$: at least one character inside, '.' never matches a newline. */
    if (len < 4 || strncmp(value, "${", 2) != 0 || value[len - 1] != '}'
        || memchr(value, '\n', len) != NULL) {
        out->store = SL_SLIGHTFILE_STORE_LOCAL;
        out->key = (struct sl_str){value, len};
        return SL_OK;
    }
    const char *inner = value + 2;
    size_t ilen = len - 3;
    const char *dot = NULL;
    for (size_t i = ilen; i > 0; i--) {
        if (inner[i - 1] == '.') {
            dot = inner + i - 1;
            break;
        }
    }
    if (dot == NULL || dot == inner || dot == inner + ilen - 1)
        return sl_error_set(err, SL_ECONFIG,
                            "invalid reference \"%.100s\": expected ${store.key} with store "
                            "envvars, usersecrets, azapp or local, e.g. ${envvars.REDIS_ADDRESS}",
                            value);
    size_t slen = (size_t)(dot - inner);
    for (size_t i = 0; i < SL_ARRAY_SIZE(store_names); i++) {
        if (strlen(store_names[i]) == slen && strncmp(store_names[i], inner, slen) == 0) {
            out->store = (enum sl_slightfile_store)i;
            out->key = (struct sl_str){dot + 1, ilen - slen - 1};
            return SL_OK;
        }
    }
    return sl_error_set(err, SL_ECONFIG,
                        "unknown config store \"%.*s\" in \"%.100s\"; known: envvars, usersecrets, "
                        "azapp, local",
                        (int)SL_MIN(slen, 64), inner, value);
}
