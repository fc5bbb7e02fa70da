/* SPDX-License-Identifier: Apache-2.0 */
/*
 * w2c_names.c -- wasm2c 1.0.32 name mangling: "Z_" followed by the name
 * where every byte other than [A-Za-z0-9_] (and 'Z' itself) becomes Z + two
 * upper-case hex digits.
 */
#include "sl_common.h"

#include "w2c_names.h"

sl_err sl_w2c_mangle(struct sl_buf *out, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    if (sl_buf_append(out, "Z_", 2) != SL_OK)
        return SL_ENOMEM;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        unsigned char c = *p;
        bool plain = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                      || c == '_')
                     && c != 'Z';
        char esc[3] = {'Z', hex[c >> 4], hex[c & 15]};
        sl_err rc = plain ? sl_buf_append(out, (const char *)p, 1) : sl_buf_append(out, esc, 3);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

sl_err sl_w2c_import_symbol(struct sl_buf *out, const char *module, const char *name)
{
    sl_err rc = sl_w2c_mangle(out, module);
    return rc != SL_OK ? rc : sl_w2c_mangle(out, name);
}

sl_err sl_w2c_export_symbol(struct sl_buf *out, const char *name)
{
    return sl_w2c_import_symbol(out, SL_W2C_MODULE_NAME, name);
}
