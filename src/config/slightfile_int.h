/* SPDX-License-Identifier: Apache-2.0 */
/*
 * slightfile_int.h -- shared only among the slightfile*.c files: the
 * resource-string table, "did you mean" suggestions, and the tree reader.
 */
#ifndef SL_CONFIG_SLIGHTFILE_INT_H
#define SL_CONFIG_SLIGHTFILE_INT_H

#include "sl_common.h"

#include "slightfile.h"
#include "toml.h"

#include "common/err.h"

enum sl_slightfile_res_status {
    SL_SF_RES_OK,                /* a capability resource */
    SL_SF_RES_SECRET_STORE_ONLY, /* configs.local: only a v0.1 secret_store */
    SL_SF_RES_UNSUPPORTED,       /* keyvalue.dapr: slight parsed it, nothing runs it */
};

struct sl_slightfile_res {
    const char *name;      /* an accepted spelling, e.g. "kv.redis" */
    const char *canonical; /* "keyvalue.redis" */
    const char *prefix;    /* the type as written in canonical strings: "blobstore" */
    const char *type;      /* the capability type: "blob" */
    const char *backend;   /* "redis"; "" for http, http-client */
    enum sl_slightfile_res_status status;
};

/* The table entry for an accepted spelling, or NULL. */
const struct sl_slightfile_res *sl_slightfile_res_find(const char *s);

/*
 * Appends to buf (NUL-terminated, bufsz bytes) what an "unknown resource"
 * message says after the resource: '; did you mean "x"? known: a, b, c'.
 * The known list is the resources of the type s names, else all of them.
 */
void sl_slightfile_res_hint(const char *s, char *buf, size_t bufsz);

/* The canonical resources of one type, comma-separated, into buf. */
void sl_slightfile_res_list(const char *type, char *buf, size_t bufsz);

/* The accepted secret_store value (canonical), or NULL. */
const char *sl_slightfile_secret_store_find(const char *s);

/* "; did you mean ...? known: ..." for secret_store values. */
void sl_slightfile_secret_store_hint(const char *s, char *buf, size_t bufsz);

/*
 * Of n candidates, the one closest to s by edit distance (insertions,
 * deletions, substitutions and swaps of neighbours), when close enough to be
 * a plausible misspelling; else NULL.
 */
const char *sl_slightfile_suggest(const char *s, const char *const *candidates, size_t n);

/* Builds *sf (zeroed by the caller) from a parsed document; name is used in messages. */
sl_err sl_slightfile_read_tree(const char *name, const struct sl_toml_value *root,
                               struct sl_slightfile *sf, struct sl_error *err);

#endif /* SL_CONFIG_SLIGHTFILE_INT_H */
