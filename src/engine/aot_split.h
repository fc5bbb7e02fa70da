/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aot_split.h -- splits wasm2c 1.0.32's single C file into several
 * translation units that the optimized tier compiles in parallel.
 */
#ifndef SL_ENGINE_AOT_SPLIT_H
#define SL_ENGINE_AOT_SPLIT_H

#include "sl_common.h"

#include "common/buf.h"
#include "common/err.h"

/* Most parts one split produces; larger requests are capped to it. */
#define SL_AOT_SPLIT_MAX_PARTS 64

/*
 * Splits wasm2c 1.0.32 output text (g.c, which includes "g.h") into nparts C sources that
 * together define exactly what g.c defines. parts[i] are caller-initialized sl_buf (SL_BUF_INIT)
 * that this fills; on failure they are released and err says why (e.g. an unexpected layout:
 * then the caller compiles g.c whole). nparts >= 1; fewer parts may be produced for small
 * inputs (*nout says how many).
 *
 * Every part repeats wasm2c's prelude (includes, macros, static inline helpers). Part 0 keeps
 * the module data (func_types, segments, init functions), the exports and the instantiate/free
 * functions; the w2c_ function definitions are spread over the parts by size, in their original
 * order. A function or file-scope object used from another part becomes a hidden-visibility
 * external symbol (defined once, declared where used); everything else stays static. With one
 * part the output is g.c unchanged. The result links with glue.c like g.c does; at most
 * SL_AOT_SPLIT_MAX_PARTS parts.
 */
sl_err sl_aot_split(const char *gc, size_t len, unsigned nparts, struct sl_buf *parts,
                    unsigned *nout, struct sl_error *err);

#endif /* SL_ENGINE_AOT_SPLIT_H */
