/* SPDX-License-Identifier: Apache-2.0 */
/*
 * slightfile_read.c -- turns a parsed TOML document into struct
 * sl_slightfile, checking it as slight v0.5.1 did (spec versions, capability
 * forms, resource strings, namespaces) plus [limits]. Every message names the
 * file, the line, the key and what is allowed. Config values stay unresolved.
 */
#include "sl_common.h"

#include "slightfile_int.h"

#include "common/err.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/units.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct reader {
    const char *name; /* the file name used in messages */
    struct sl_slightfile *sf;
    struct sl_error *err;
};

static sl_err fail(struct reader *r, uint32_t line, const char *fmt, ...) SL_PRINTF(3, 4);

static sl_err fail(struct reader *r, uint32_t line, const char *fmt, ...)
{
    char msg[sizeof(r->err->msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (line)
        return sl_error_set(r->err, SL_ECONFIG, "%s:%u: %s", r->name, (unsigned)line, msg);
    return sl_error_set(r->err, SL_ECONFIG, "%s: %s", r->name, msg);
}

static sl_err no_memory(struct reader *r)
{
    return sl_error_set(r->err, SL_ENOMEM, "%s: out of memory", r->name);
}

/* "a string", "an integer", ... for "must be a string, not an integer". */
static const char *a_kind(enum sl_toml_kind k)
{
    switch (k) {
    case SL_TOML_TABLE:
        return "a table";
    case SL_TOML_ARRAY:
        return "an array";
    case SL_TOML_STRING:
        return "a string";
    case SL_TOML_INTEGER:
        return "an integer";
    case SL_TOML_FLOAT:
        return "a float";
    case SL_TOML_BOOL:
        return "a boolean";
    default:
        return "a date/time";
    }
}

/*
 * Copies a string value that must be a string; what names it in messages.
 * Embedded NULs are refused: they would silently cut the value short.
 */
static sl_err dup_string(struct reader *r, const struct sl_toml_value *v, const char *what,
                         char **out)
{
    if (v->kind != SL_TOML_STRING)
        return fail(r, v->line, "%s must be a string, not %s", what, a_kind(v->kind));
    if (strlen(v->u.str.ptr) != v->u.str.len)
        return fail(r, v->line, "%s must not contain a NUL character", what);
    *out = sl_strdup(v->u.str.ptr);
    return *out ? SL_OK : no_memory(r);
}

/* ---- top level: specversion, secret_store, secret_settings ----------- */

static const char *const top_keys[] = {"specversion", "secret_store", "secret_settings",
                                       "capability", "limits"};

static sl_err read_version(struct reader *r, const struct sl_toml_value *root)
{
    const struct sl_toml_value *v = sl_toml_get(root, "specversion");
    if (v == NULL)
        return fail(r, 0,
                    "missing specversion; a slightfile starts with specversion = \"0.2\" "
                    "(or \"0.1\")");
    if (v->kind != SL_TOML_STRING)
        return fail(r, v->line, "specversion must be a string, \"0.1\" or \"0.2\", not %s",
                    a_kind(v->kind));
    if (strcmp(v->u.str.ptr, "0.1") == 0 && v->u.str.len == 3)
        r->sf->version = SL_SLIGHTFILE_V0_1;
    else if (strcmp(v->u.str.ptr, "0.2") == 0 && v->u.str.len == 3)
        r->sf->version = SL_SLIGHTFILE_V0_2;
    else
        return fail(r, v->line, "unknown specversion \"%.64s\"; known: \"0.1\", \"0.2\"",
                    v->u.str.ptr);
    return SL_OK;
}

static sl_err read_secret_store(struct reader *r, const struct sl_toml_value *root)
{
    const struct sl_toml_value *v = sl_toml_get(root, "secret_store");
    if (v == NULL)
        return SL_OK;
    if (v->kind != SL_TOML_STRING)
        return fail(r, v->line, "secret_store must be a string, not %s", a_kind(v->kind));
    const char *store = sl_slightfile_secret_store_find(v->u.str.ptr);
    if (store == NULL) {
        char hint[300];
        sl_slightfile_secret_store_hint(v->u.str.ptr, hint, sizeof(hint));
        return fail(r, v->line, "unknown secret_store \"%.64s\"%s", v->u.str.ptr, hint);
    }
    if (r->sf->version == SL_SLIGHTFILE_V0_2)
        sl_log_warn("%s:%u: secret_store is ignored under specversion \"0.2\"; capabilities "
                    "take their settings from [capability.configs]",
                    r->name, (unsigned)v->line);
    r->sf->secret_store = store;
    r->sf->secret_store_line = v->line;
    return SL_OK;
}

static sl_err read_secret_settings(struct reader *r, const struct sl_toml_value *root)
{
    const struct sl_toml_value *v = sl_toml_get(root, "secret_settings");
    if (v == NULL)
        return SL_OK;
    if (v->kind != SL_TOML_ARRAY)
        return fail(r, v->line,
                    "secret_settings must be an array of tables ([[secret_settings]] with "
                    "name and value), not %s",
                    a_kind(v->kind));
    if (v->u.array.len == 0)
        return SL_OK;
    r->sf->secrets = sl_calloc(v->u.array.len, sizeof(*r->sf->secrets));
    if (r->sf->secrets == NULL)
        return no_memory(r);
    for (size_t i = 0; i < v->u.array.len; i++) {
        const struct sl_toml_value *e = &v->u.array.items[i];
        struct sl_slightfile_secret *s = &r->sf->secrets[i];
        r->sf->n_secrets = i + 1;
        s->line = e->line;
        if (e->kind != SL_TOML_TABLE)
            return fail(r, e->line,
                        "secret_settings entries must be tables with name and value, not %s",
                        a_kind(e->kind));
        const struct sl_toml_value *name = sl_toml_get(e, "name");
        const struct sl_toml_value *value = sl_toml_get(e, "value");
        if (name == NULL)
            return fail(r, e->line, "secret_settings entry has no name (a string)");
        sl_err rc = dup_string(r, name, "secret_settings name", &s->name);
        if (rc != SL_OK)
            return rc;
        if (value == NULL)
            return fail(r, e->line, "secret_settings entry \"%.64s\" has no value (a string)",
                        s->name);
        rc = dup_string(r, value, "secret_settings value", &s->value);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

/* ---- [[capability]] ---------------------------------------------------- */

/* Checks a resource string that is meant to name a capability; sets the static fields. */
static sl_err check_resource(struct reader *r, const struct sl_toml_value *v,
                             struct sl_slightfile_capability *cap)
{
    const char *s = v->u.str.ptr;
    const struct sl_slightfile_res *res = sl_slightfile_res_find(s);
    char known[400];
    if (res == NULL) {
        char hint[420];
        sl_slightfile_res_hint(s, hint, sizeof(hint));
        return fail(r, v->line, "unknown resource \"%.64s\"%s", s, hint);
    }
    switch (res->status) {
    case SL_SF_RES_SECRET_STORE_ONLY:
        sl_slightfile_res_list(res->type, known, sizeof(known));
        return fail(r, v->line,
                    "resource \"%s\" can only be a specversion \"0.1\" secret_store, not a "
                    "capability; known: %s",
                    s, known);
    case SL_SF_RES_UNSUPPORTED:
        sl_slightfile_res_list(res->type, known, sizeof(known));
        return fail(r, v->line,
                    "resource \"%s\" is not supported (slight v0.5.1 accepted it but had no "
                    "implementation); known: %s",
                    s, known);
    case SL_SF_RES_OK:
        break;
    }
    cap->canonical = res->canonical;
    cap->type = res->type;
    cap->backend = res->backend;
    return SL_OK;
}

/* True when v is a string naming a resource a capability can have. */
static bool is_resource(const struct sl_toml_value *v)
{
    if (v == NULL || v->kind != SL_TOML_STRING)
        return false;
    const struct sl_slightfile_res *res = sl_slightfile_res_find(v->u.str.ptr);
    return res != NULL && res->status == SL_SF_RES_OK;
}

static sl_err read_configs(struct reader *r, const struct sl_toml_value *v,
                           struct sl_slightfile_capability *cap)
{
    if (v->kind != SL_TOML_TABLE)
        return fail(r, v->line,
                    "capability \"%.64s\": configs must be a table of strings "
                    "([capability.configs]), not %s",
                    cap->name, a_kind(v->kind));
    cap->has_configs = true;
    if (v->u.table.len == 0)
        return SL_OK;
    cap->configs = sl_calloc(v->u.table.len, sizeof(*cap->configs));
    if (cap->configs == NULL)
        return no_memory(r);
    for (size_t i = 0; i < v->u.table.len; i++) {
        const struct sl_toml_entry *e = &v->u.table.items[i];
        struct sl_slightfile_config *c = &cap->configs[i];
        cap->n_configs = i + 1;
        c->line = e->value.line;
        if (e->value.kind == SL_TOML_INTEGER)
            return fail(r, e->value.line,
                        "capability \"%.64s\": config %.64s must be a string, not an integer "
                        "(write %.64s = \"%lld\")",
                        cap->name, e->key, e->key, (long long)e->value.u.integer);
        if (e->value.kind == SL_TOML_BOOL)
            return fail(r, e->value.line,
                        "capability \"%.64s\": config %.64s must be a string, not a boolean "
                        "(write %.64s = \"%s\")",
                        cap->name, e->key, e->key, e->value.u.boolean ? "true" : "false");
        if (e->value.kind != SL_TOML_STRING)
            return fail(r, e->value.line,
                        "capability \"%.64s\": config %.64s must be a string, not %s", cap->name,
                        e->key, a_kind(e->value.kind));
        if (strlen(e->key) != e->key_len)
            return fail(r, e->line,
                        "capability \"%.64s\": a config key contains a NUL "
                        "character",
                        cap->name);
        c->key = sl_strdup(e->key);
        if (c->key == NULL)
            return no_memory(r);
        char what[160];
        snprintf(what, sizeof(what), "capability \"%.64s\": config %.64s", cap->name, e->key);
        sl_err rc = dup_string(r, &e->value, what, &c->value);
        if (rc != SL_OK)
            return rc;
        /* A bad ${store.key} is a start-up error here, not a panic at first use. */
        struct sl_slightfile_ref ref;
        struct sl_error rerr = SL_ERROR_INIT;
        if (sl_slightfile_ref_parse(c->value, &ref, &rerr) != SL_OK)
            return fail(r, e->value.line, "%s: %s", what, rerr.msg);
    }
    return SL_OK;
}

static void warn_unknown_fields(struct reader *r, const struct sl_toml_value *e,
                                const struct sl_slightfile_capability *cap)
{
    static const char *const fields[] = {"name", "resource", "configs"};
    for (size_t i = 0; i < e->u.table.len; i++) {
        const struct sl_toml_entry *f = &e->u.table.items[i];
        bool known = false;
        for (size_t j = 0; j < SL_ARRAY_SIZE(fields); j++)
            known = known || strcmp(f->key, fields[j]) == 0;
        if (known)
            continue;
        const char *guess = sl_slightfile_suggest(f->key, fields, SL_ARRAY_SIZE(fields));
        sl_log_warn("%s:%u: capability \"%.64s\": unknown field \"%.64s\" is ignored%s%s%s; "
                    "known: name, resource, configs",
                    r->name, (unsigned)f->line, cap->name, f->key, guess ? " (did you mean \"" : "",
                    guess ? guess : "", guess ? "\"?)" : "");
    }
}

/* name = "<resource>": the v0.1 form. */
static sl_err read_v1_capability(struct reader *r, const struct sl_toml_value *e,
                                 struct sl_slightfile_capability *cap)
{
    const struct sl_toml_value *name = sl_toml_get(e, "name");
    if (r->sf->version == SL_SLIGHTFILE_V0_2)
        return fail(r, e->line,
                    "capability name = \"%.64s\" is the specversion \"0.1\" form, but "
                    "specversion is \"0.2\"; write resource = \"%.64s\" and name = \"<a name>\"",
                    name->u.str.ptr, name->u.str.ptr);
    cap->v1_form = true;
    sl_err rc = check_resource(r, name, cap);
    if (rc == SL_OK)
        rc = dup_string(r, name, "capability name", &cap->name);
    if (rc == SL_OK)
        rc = dup_string(r, name, "capability name", &cap->resource);
    if (rc != SL_OK)
        return rc;
    const struct sl_toml_entry *res = sl_toml_entry_get(e, "resource");
    if (res)
        sl_log_warn("%s:%u: capability \"%.64s\": resource is ignored in the specversion "
                    "\"0.1\" form, where the name is the resource",
                    r->name, (unsigned)res->line, cap->name);
    const struct sl_toml_entry *cfg = sl_toml_entry_get(e, "configs");
    if (cfg)
        sl_log_warn("%s:%u: capability \"%.64s\": configs is ignored under specversion \"0.1\", "
                    "where settings come from secret_store",
                    r->name, (unsigned)cfg->line, cap->name);
    return SL_OK;
}

/* resource = "<resource>", name = "<name>", optional configs: the v0.2 form. */
static sl_err read_v2_capability(struct reader *r, const struct sl_toml_value *e,
                                 struct sl_slightfile_capability *cap)
{
    const struct sl_toml_value *res = sl_toml_get(e, "resource");
    const struct sl_toml_value *name = sl_toml_get(e, "name");
    if (r->sf->version == SL_SLIGHTFILE_V0_1)
        return fail(r, e->line,
                    "capability with resource and name is the specversion \"0.2\" form, but "
                    "specversion is \"0.1\"; write name = \"<resource>\" or use specversion = "
                    "\"0.2\"");
    if (res->kind != SL_TOML_STRING)
        return fail(r, res->line, "capability resource must be a string, not %s",
                    a_kind(res->kind));
    sl_err rc = check_resource(r, res, cap);
    if (rc == SL_OK)
        rc = dup_string(r, res, "capability resource", &cap->resource);
    if (rc != SL_OK)
        return rc;
    if (name == NULL)
        return fail(r, e->line,
                    "capability \"%.64s\" has no name; write name = \"<a name>\" (or \"*\" for "
                    "any name)",
                    cap->resource);
    rc = dup_string(r, name, "capability name", &cap->name);
    if (rc != SL_OK)
        return rc;
    cap->any = strcmp(cap->name, "*") == 0;
    const struct sl_toml_value *cfg = sl_toml_get(e, "configs");
    return cfg ? read_configs(r, cfg, cap) : SL_OK;
}

/* The entry is in neither form: say what its specversion expects. */
static sl_err neither_form(struct reader *r, const struct sl_toml_value *e)
{
    const struct sl_toml_value *name = sl_toml_get(e, "name");
    if (r->sf->version == SL_SLIGHTFILE_V0_1) {
        if (name == NULL)
            return fail(r, e->line,
                        "capability has no name; under specversion \"0.1\" write "
                        "name = \"<resource>\", e.g. name = \"keyvalue.filesystem\"");
        if (name->kind != SL_TOML_STRING)
            return fail(r, name->line, "capability name must be a string, not %s",
                        a_kind(name->kind));
        struct sl_slightfile_capability scratch = {0};
        return check_resource(r, name, &scratch);
    }
    if (name != NULL && name->kind == SL_TOML_STRING)
        return fail(r, e->line,
                    "capability \"%.64s\" has no resource; under specversion \"0.2\" write "
                    "resource = \"<type>.<backend>\" and name = \"<a name>\"",
                    name->u.str.ptr);
    return fail(r, e->line,
                "capability has no resource; under specversion \"0.2\" write "
                "resource = \"<type>.<backend>\" and name = \"<a name>\"");
}

static sl_err read_capability(struct reader *r, const struct sl_toml_value *e,
                              struct sl_slightfile_capability *cap)
{
    cap->line = e->line;
    if (e->kind != SL_TOML_TABLE)
        return fail(r, e->line, "capability entries must be tables ([[capability]]), not %s",
                    a_kind(e->kind));
    const struct sl_toml_value *name = sl_toml_get(e, "name");
    const struct sl_toml_value *res = sl_toml_get(e, "resource");
    /*
     * slight tried the 0.1 form first, so under "0.2" an entry naming itself
     * after a resource was rejected even with a resource key; we read it as
     * 0.2 then (docs/SLIGHTFILE.md).
     */
    bool v1 = is_resource(name) && !(r->sf->version == SL_SLIGHTFILE_V0_2 && res != NULL);
    sl_err rc;
    if (v1)
        rc = read_v1_capability(r, e, cap);
    else if (res != NULL)
        rc = read_v2_capability(r, e, cap);
    else
        rc = neither_form(r, e);
    if (rc == SL_OK)
        warn_unknown_fields(r, e, cap);
    return rc;
}

/*
 * slight's validate_namespace: per capability type, a name may appear once,
 * and a "*" entry must be the only one of its type.
 */
static sl_err check_namespaces(struct reader *r)
{
    const struct sl_slightfile *sf = r->sf;
    for (size_t i = 0; i < sf->n_caps; i++) {
        const struct sl_slightfile_capability *c = &sf->caps[i];
        for (size_t j = 0; j < i; j++) {
            const struct sl_slightfile_capability *p = &sf->caps[j];
            if (strcmp(p->type, c->type) != 0)
                continue;
            if (strcmp(p->name, c->name) == 0)
                return fail(r, c->line,
                            "the %s capability name \"%.64s\" is already defined at line %u",
                            c->type, c->name, (unsigned)p->line);
            if (p->any || c->any)
                return fail(r, c->line,
                            "the %s capability \"%.64s\" conflicts with \"%.64s\" at line %u: a "
                            "\"*\" capability must be the only one of its type",
                            c->type, c->name, p->name, (unsigned)p->line);
        }
    }
    return SL_OK;
}

static sl_err read_capabilities(struct reader *r, const struct sl_toml_value *root)
{
    const struct sl_toml_value *v = sl_toml_get(root, "capability");
    if (v == NULL)
        return SL_OK;
    if (v->kind == SL_TOML_TABLE)
        return fail(r, v->line,
                    "capability must be an array of tables: write [[capability]], "
                    "not [capability]");
    if (v->kind != SL_TOML_ARRAY)
        return fail(r, v->line, "capability must be an array of tables ([[capability]]), not %s",
                    a_kind(v->kind));
    if (v->u.array.len == 0)
        return SL_OK;
    r->sf->caps = sl_calloc(v->u.array.len, sizeof(*r->sf->caps));
    if (r->sf->caps == NULL)
        return no_memory(r);
    for (size_t i = 0; i < v->u.array.len; i++) {
        r->sf->n_caps = i + 1;
        sl_err rc = read_capability(r, &v->u.array.items[i], &r->sf->caps[i]);
        if (rc != SL_OK)
            return rc;
    }
    return check_namespaces(r);
}

/* ---- [limits] ---------------------------------------------------------- */

#define MAX_MEMORY_LIMIT (UINT64_C(4) << 30) /* a wasm32 memory holds at most 4 GiB */

static sl_err read_limit(struct reader *r, const struct sl_toml_entry *e, bool is_duration,
                         uint64_t *out)
{
    const char *form = is_duration ? SL_DURATION_FORM : SL_SIZE_FORM;
    if (e->value.kind != SL_TOML_STRING)
        return fail(r, e->value.line, "limits.%s must be a string, not %s: expected %s", e->key,
                    a_kind(e->value.kind), form);
    if (strlen(e->value.u.str.ptr) != e->value.u.str.len)
        return fail(r, e->value.line, "limits.%s must not contain a NUL character", e->key);
    struct sl_error uerr = SL_ERROR_INIT;
    sl_err rc = is_duration ? sl_parse_duration(e->value.u.str.ptr, out, &uerr)
                            : sl_parse_size(e->value.u.str.ptr, out, &uerr);
    if (rc != SL_OK)
        return fail(r, e->value.line, "limits.%s: %s", e->key, uerr.msg);
    return SL_OK;
}

static sl_err read_limits(struct reader *r, const struct sl_toml_value *root)
{
    static const char *const keys[] = {"timeout", "max_memory", "max_request_body"};
    const struct sl_toml_value *v = sl_toml_get(root, "limits");
    struct sl_slightfile_limits *lim = &r->sf->limits;
    if (v == NULL)
        return SL_OK;
    if (v->kind != SL_TOML_TABLE)
        return fail(r, v->line, "limits must be a table ([limits]), not %s", a_kind(v->kind));
    for (size_t i = 0; i < v->u.table.len; i++) {
        const struct sl_toml_entry *e = &v->u.table.items[i];
        sl_err rc;
        if (strcmp(e->key, "timeout") == 0) {
            rc = read_limit(r, e, true, &lim->timeout_ms);
            if (rc == SL_OK && lim->timeout_ms == 0)
                rc = fail(r, e->value.line, "limits.timeout must be greater than 0");
            lim->has_timeout = rc == SL_OK;
        } else if (strcmp(e->key, "max_memory") == 0) {
            rc = read_limit(r, e, false, &lim->max_memory);
            if (rc == SL_OK && lim->max_memory == 0)
                rc = fail(r, e->value.line, "limits.max_memory must be greater than 0");
            if (rc == SL_OK && lim->max_memory > MAX_MEMORY_LIMIT)
                rc = fail(r, e->value.line,
                          "limits.max_memory '%.64s' is more than 4GiB, the most a wasm32 "
                          "memory can hold",
                          e->value.u.str.ptr);
            lim->has_max_memory = rc == SL_OK;
        } else if (strcmp(e->key, "max_request_body") == 0) {
            rc = read_limit(r, e, false, &lim->max_request_body);
            lim->has_max_request_body = rc == SL_OK;
        } else {
            const char *guess = sl_slightfile_suggest(e->key, keys, SL_ARRAY_SIZE(keys));
            rc = fail(r, e->line,
                      "unknown key \"%.64s\" in [limits]%s%s%s known: timeout, "
                      "max_memory, max_request_body",
                      e->key, guess ? "; did you mean \"" : ";", guess ? guess : "",
                      guess ? "\"?" : "");
        }
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

/* ---- the document ------------------------------------------------------ */

/* slight ignored unknown top-level keys; so do we, but say so at debug level. */
static void note_unknown_keys(struct reader *r, const struct sl_toml_value *root)
{
    for (size_t i = 0; i < root->u.table.len; i++) {
        const struct sl_toml_entry *e = &root->u.table.items[i];
        bool known = false;
        for (size_t j = 0; j < SL_ARRAY_SIZE(top_keys); j++)
            known = known || strcmp(e->key, top_keys[j]) == 0;
        if (known)
            continue;
        const char *guess = sl_slightfile_suggest(e->key, top_keys, SL_ARRAY_SIZE(top_keys));
        if (guess)
            sl_log_warn("%s:%u: unknown top-level key \"%.64s\" is ignored; did you mean "
                        "\"%s\"?",
                        r->name, (unsigned)e->line, e->key, guess);
        else
            sl_log_debug("%s:%u: unknown top-level key \"%.64s\" is ignored", r->name,
                         (unsigned)e->line, e->key);
    }
}

sl_err sl_slightfile_read_tree(const char *name, const struct sl_toml_value *root,
                               struct sl_slightfile *sf, struct sl_error *err)
{
    struct reader r = {.name = name, .sf = sf, .err = err};
    sl_err rc = read_version(&r, root);
    if (rc == SL_OK)
        rc = read_secret_store(&r, root);
    if (rc == SL_OK)
        rc = read_secret_settings(&r, root);
    if (rc == SL_OK)
        rc = read_capabilities(&r, root);
    if (rc == SL_OK)
        rc = read_limits(&r, root);
    if (rc == SL_OK)
        note_unknown_keys(&r, root);
    return rc;
}
