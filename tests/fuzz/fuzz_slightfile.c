/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_slightfile.c -- libFuzzer target for the slightfile loader (TOML
 * parser, validation, resource strings, ${store.key} syntax): any input
 * gives a slightfile or one message naming the file, never a crash or leak.
 */
#include "sl_common.h"

#include "config/slightfile.h"

#include "common/err.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_slightfile *sf = NULL;
    struct sl_error err = SL_ERROR_INIT;
    if (sl_slightfile_parse("fuzz.toml", (const char *)data, size, &sf, &err) == SL_OK) {
        /* exercise the lookups a run makes */
        for (size_t i = 0; i < sf->n_caps; i++) {
            sl_slightfile_find(sf, sf->caps[i].type, sf->caps[i].name, true);
            for (size_t j = 0; j < sf->caps[i].n_configs; j++) {
                struct sl_slightfile_ref ref;
                sl_slightfile_ref_parse(sf->caps[i].configs[j].value, &ref, NULL);
            }
        }
        sl_slightfile_find(sf, "keyvalue", "x", true);
        sl_slightfile_free(sf);
    } else if (sf != NULL || strncmp(err.msg, "fuzz.toml", 9) != 0) {
        __builtin_trap();
    }
    return 0;
}
