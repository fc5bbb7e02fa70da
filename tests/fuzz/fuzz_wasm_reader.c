/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_wasm_reader.c -- libFuzzer target for the wasm module reader: any input must give
 * either a module or one SL_EMODULE message, never a crash, a leak or unbounded memory.
 */
#include "sl_common.h"

#include "engine/wasm_reader.h"

#include "common/err.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_wasm_module m;
    struct sl_error err = SL_ERROR_INIT;
    if (sl_wasm_read(data, size, "fuzz.wasm", &m, &err) == SL_OK) {
        sl_wasm_check_features(&m, "fuzz.wasm", &err);
        for (uint32_t fi = 0; fi < m.nfunc_imports + m.nfuncs; fi++) {
            char sig[32];
            const struct sl_wasm_functype *t = sl_wasm_func_type(&m, fi);
            if (t != NULL)
                sl_wasm_sig_string(t, sig, sizeof(sig));
        }
        if (m.nexports > 0)
            sl_wasm_find_export(&m, m.exports[0].name, m.exports[0].kind);
    } else if (strncmp(err.msg, "fuzz.wasm: ", 11) != 0) {
        __builtin_trap();
    }
    sl_wasm_module_release(&m);
    return 0;
}
