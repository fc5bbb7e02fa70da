/* SPDX-License-Identifier: Apache-2.0 */
/*
 * slightfile.h -- the parsed and validated slightfile (spec 0.1 and 0.2 of
 * slight v0.5.1, plus our [limits] table): capabilities with their resource,
 * type, backend and configs, secret settings, limits. docs/SLIGHTFILE.md is
 * the user-facing reference. Config values are not resolved here.
 */
#ifndef SL_CONFIG_SLIGHTFILE_H
#define SL_CONFIG_SLIGHTFILE_H

#include "sl_common.h"

#include "common/err.h"

enum sl_slightfile_version {
    SL_SLIGHTFILE_V0_1 = 1, /* specversion = "0.1" */
    SL_SLIGHTFILE_V0_2 = 2, /* specversion = "0.2" */
};

/* One [capability.configs] entry (v0.2), in file order. */
struct sl_slightfile_config {
    char *key;
    char *value; /* as written; ${store.key} is not substituted here */
    uint32_t line;
};

struct sl_slightfile_capability {
    /*
     * The name the guest opens: the v0.2 name ("*" is the wildcard, then any
     * is true), or under v0.1 the resource string itself as written.
     */
    char *name;
    bool any;
    char *resource;        /* as written, e.g. "kv.redis" */
    const char *canonical; /* static: "keyvalue.redis" */
    const char *type;      /* static capability type: "keyvalue", "blob", "http", ... */
    const char *backend;   /* static: "redis"; "" for http and http-client */
    bool v1_form;          /* written as name = "<resource>" */
    bool has_configs;      /* a [capability.configs] table is present */
    struct sl_slightfile_config *configs;
    size_t n_configs;
    uint32_t line; /* line of the [[capability]] entry */
};

/* One [[secret_settings]] entry; value is the stored (encrypted) text. */
struct sl_slightfile_secret {
    char *name;
    char *value;
    uint32_t line;
};

struct sl_slightfile_limits {
    bool has_timeout;
    uint64_t timeout_ms;
    bool has_max_memory;
    uint64_t max_memory; /* bytes, 1 .. 4 GiB */
    bool has_max_request_body;
    uint64_t max_request_body; /* bytes */
};

struct sl_slightfile {
    char *path; /* as given to the loader (the name used in messages) */
    enum sl_slightfile_version version;
    const char *secret_store; /* static canonical "configs.envvars" etc., or NULL */
    uint32_t secret_store_line;
    struct sl_slightfile_capability *caps; /* file order */
    size_t n_caps;
    struct sl_slightfile_secret *secrets; /* file order */
    size_t n_secrets;
    struct sl_slightfile_limits limits;
};

/*
 * Reads, parses and validates the slightfile at path. On success *out is a
 * new slightfile owned by the caller (sl_slightfile_free). On failure *out is
 * NULL and *err holds one message naming the file and line, e.g.
 * "slightfile.toml:7: unknown resource \"keyvalue.redsi\"; did you mean
 * \"keyvalue.redis\"? known: ..."; the code is SL_ECONFIG (SL_EIO when the
 * file cannot be read, SL_ENOMEM). Unknown top-level keys are ignored and
 * logged at debug level (warning when they look like a misspelt known key).
 */
sl_err sl_slightfile_load(const char *path, struct sl_slightfile **out, struct sl_error *err);

/* As sl_slightfile_load for len bytes of text; name is used in messages and as path. */
sl_err sl_slightfile_parse(const char *name, const char *text, size_t len,
                           struct sl_slightfile **out, struct sl_error *err);

/* Frees everything the loader allocated. Accepts NULL. */
void sl_slightfile_free(struct sl_slightfile *sf);

/*
 * True when some capability of this type is declared ("keyvalue",
 * "messaging", "blob", "distributed_locking", "sql", "configs", "http",
 * "http-client"). sf may be NULL (no slightfile: false).
 */
bool sl_slightfile_declares(const struct sl_slightfile *sf, const char *capability_type);

/*
 * The capability that a guest's open(name) of this type resolves to, as
 * slight resolved it (SLIGHT-SPEC 2.6): the entry with exactly that name,
 * else the type's "*" entry, else (the rule that makes v0.1 work) the entry
 * named like the resource string of the type's last capability. NULL when
 * none matches. Messaging does not use the last rule; pass
 * allow_v1_fallback = false for it. Borrowed from sf.
 */
const struct sl_slightfile_capability *sl_slightfile_find(const struct sl_slightfile *sf,
                                                          const char *capability_type,
                                                          const char *name, bool allow_v1_fallback);

/* The value of a config key of a capability (first match), or NULL. Borrowed. */
const struct sl_slightfile_config *
sl_slightfile_config_get(const struct sl_slightfile_capability *cap, const char *key);

/* The first [[secret_settings]] entry with this name (as slight looked it up), or NULL. */
const struct sl_slightfile_secret *sl_slightfile_secret_get(const struct sl_slightfile *sf,
                                                            const char *name);

/*
 * The capability type that provides a wasm import module: "keyvalue" ->
 * "keyvalue", "blob-store" -> "blob", "distributed-locking" ->
 * "distributed_locking", "http-server" and "http-handler" -> "http",
 * "http-client" -> "http-client", also "messaging", "sql", "configs". NULL for
 * anything else (WASI and canonical_abi are not capabilities). Static string.
 */
const char *sl_slightfile_import_type(const char *import_module);

/*
 * Resource strings. Looks up a resource string (any accepted spelling,
 * e.g. "kv.redis") and returns its canonical form ("keyvalue.redis"), or NULL
 * when unknown. type and backend (may be NULL) receive static strings.
 * Strings that are known but cannot be a capability ("configs.local",
 * "keyvalue.dapr") return NULL here.
 */
const char *sl_slightfile_resource_lookup(const char *resource, const char **type,
                                          const char **backend);

/* Where a config value comes from (SLIGHT-SPEC 2.7). */
enum sl_slightfile_store {
    SL_SLIGHTFILE_STORE_LOCAL,       /* the value itself, taken literally */
    SL_SLIGHTFILE_STORE_ENVVARS,     /* ${envvars.KEY}: the slight process's environment */
    SL_SLIGHTFILE_STORE_USERSECRETS, /* ${usersecrets.KEY}: [[secret_settings]] */
    SL_SLIGHTFILE_STORE_AZAPP,       /* ${azapp.KEY}: Azure App Configuration */
};

/* A config value split into store and key; key points into the parsed value. */
struct sl_slightfile_ref {
    enum sl_slightfile_store store;
    struct sl_str key;
};

/*
 * Reads a config value as slight did: a value that is exactly "${...}" (no
 * newline inside) is a reference, split at its last dot into store and key,
 * e.g. "${envvars.REDIS_ADDRESS}"; any other value is literal (store LOCAL,
 * key the whole value), so "redis://${envvars.H}" stays as written. A
 * reference without a dot or with an empty side ("${X}", "${.X}") or with an
 * unknown store ("${foo.X}", "${azapp.a.b}" -> store "azapp.a") returns
 * SL_ECONFIG with a message quoting the value and the accepted form (slight
 * panicked). The slightfile loader applies this to every config at load.
 */
sl_err sl_slightfile_ref_parse(const char *value, struct sl_slightfile_ref *out,
                               struct sl_error *err);

/* "envvars", "usersecrets", "azapp", "local". */
const char *sl_slightfile_store_name(enum sl_slightfile_store store);

#endif /* SL_CONFIG_SLIGHTFILE_H */
