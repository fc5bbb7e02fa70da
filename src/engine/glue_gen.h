/* SPDX-License-Identifier: Apache-2.0 */
/*
 * glue_gen.h -- writes the per-module glue C file: the import symbols
 * wasm2c's output calls (forwarded through host-filled slots), wasm_rt_*
 * forwarders, export invoke thunks and slight_guest_describe().
 */
#ifndef SL_ENGINE_GLUE_GEN_H
#define SL_ENGINE_GLUE_GEN_H

#include "sl_common.h"

#include "common/buf.h"
#include "common/err.h"
#include "wasm_reader.h"

/*
 * Appends the glue source for module m to out. w2c_header is the text of the
 * header wasm2c wrote for m (translated with -n SL_W2C_MODULE_NAME) and
 * header_name the name the glue includes it by. Fails (SL_ELINK) when an
 * import has a type the host cannot call (multiple results, v128, refs).
 */
sl_err sl_glue_generate(const struct sl_wasm_module *m, const char *w2c_header,
                        const char *header_name, struct sl_buf *out, struct sl_error *err);

/*
 * Writes into field (size bytes) the instance-struct field name of the
 * module's memory 0 ("w2c_memory") as the wasm2c header declares it; false
 * when the module defines no memory.
 */
bool sl_glue_memory_field(const char *w2c_header, char *field, size_t size);

#endif /* SL_ENGINE_GLUE_GEN_H */
