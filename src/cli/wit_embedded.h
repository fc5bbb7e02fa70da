/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wit_embedded.h -- the WIT files of wit/ compiled into the slight binary
 * (one sl_embed array per file, see meson.build), looked up by file name for
 * `slight add` and friends, which work offline.
 */
#ifndef SL_CLI_WIT_EMBEDDED_H
#define SL_CLI_WIT_EMBEDDED_H

#include "sl_common.h"

/* The release whose interfaces wit/ holds. */
#define SL_WIT_RELEASE "0.5.1"

/* One embedded file: borrowed, static data. */
struct sl_wit_file {
    const char *name;          /* "keyvalue.wit" */
    const unsigned char *data; /* the bytes of the file (NUL-terminated, NUL not counted) */
    size_t len;
};

/* Number of embedded files. */
size_t sl_wit_count(void);

/* The i-th embedded file (i < sl_wit_count()), in name order. */
struct sl_wit_file sl_wit_get(size_t i);

/* Looks up a file by name ("keyvalue.wit"); false when there is none. */
bool sl_wit_find(const char *name, struct sl_wit_file *out);

#endif /* SL_CLI_WIT_EMBEDDED_H */
