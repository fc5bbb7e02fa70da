/* SPDX-License-Identifier: Apache-2.0 */
/*
 * w2c_names.h -- every dependency on the C names wasm2c 1.0.32 generates
 * (Z_<mod>Z_<name> with Z-escapes; newer wabt uses w2c_). Kept here and
 * nowhere else.
 */
#ifndef SL_ENGINE_W2C_NAMES_H
#define SL_ENGINE_W2C_NAMES_H

#include "sl_common.h"

#include "common/buf.h"

/* The -n name every module is translated with: its symbols start with Z_g. */
#define SL_W2C_MODULE_NAME "g"

/* Appends wasm2c's mangling of name ("Z_" + escaped bytes) to out. */
sl_err sl_w2c_mangle(struct sl_buf *out, const char *name);

/* Appends the C symbol of an import function: mangle(module) mangle(name). */
sl_err sl_w2c_import_symbol(struct sl_buf *out, const char *module, const char *name);

/* Appends the C symbol of an exported function of our module. */
sl_err sl_w2c_export_symbol(struct sl_buf *out, const char *name);

#endif /* SL_ENGINE_W2C_NAMES_H */
