/* SPDX-License-Identifier: Apache-2.0 */
/*
 * link.c -- import resolution and the link check with its messages.
 */
#include "sl_common.h"

#include "link.h"

#include <stdio.h>
#include <string.h>

static const char *const capability_modules[] = {
    "keyvalue",  "configs",     "messaging",   "distributed-locking",
    "sql",       "blob-store",  "http-server", "http-client",
};

/* Resource of canonical_abi.resource_drop_<res> -> its capability's module. */
static const struct {
    const char *resource;
    const char *module;
} resources[] = {
    {"keyvalue", "keyvalue"},   {"configs", "configs"},
    {"distributed-locking", "distributed-locking"},
    {"pub", "messaging"},       {"sub", "messaging"},
    {"sql", "sql"},             {"statement", "sql"},
    {"container", "blob-store"}, {"read-stream", "blob-store"},
    {"write-stream", "blob-store"}, {"router", "http-server"},
    {"server", "http-server"},
};

bool sl_link_is_capability_module(const char *module)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(capability_modules); i++)
        if (strcmp(module, capability_modules[i]) == 0)
            return true;
    return false;
}

static bool is_wasi_module(const char *module)
{
    return strcmp(module, "wasi_snapshot_preview1") == 0 || strcmp(module, "wasi_unstable") == 0;
}

const struct sl_host_fn *sl_link_find(const struct sl_link_providers *p, const char *module,
                                      const char *name)
{
    for (size_t t = 0; t < p->ntables; t++)
        for (size_t i = 0; i < p->tables[t].count; i++) {
            const struct sl_host_fn *f = &p->tables[t].fns[i];
            if (strcmp(f->module, module) == 0 && strcmp(f->name, name) == 0)
                return f;
        }
    return NULL;
}

/* "(i32 i32) -> i32" from "ii:i". */
static void describe_sig(const char *sig, char *buf, size_t size)
{
    static const char *const names[] = {"i32", "i64", "f32", "f64"};
    size_t n = 0;
    buf[n++] = '(';
    bool first = true, results = false;
    for (const char *s = sig; *s && n + 8 < size; s++) {
        if (*s == ':') {
            n += (size_t)snprintf(buf + n, size - n, ") -> (");
            first = true;
            results = true;
            continue;
        }
        const char *t = *s == 'i' ? names[0] : *s == 'I' ? names[1] : *s == 'f' ? names[2]
                                                                                 : names[3];
        n += (size_t)snprintf(buf + n, size - n, "%s%s", first ? "" : " ", t);
        first = false;
    }
    if (n + 2 < size) {
        buf[n++] = ')';
        buf[n] = '\0';
    }
    (void)results;
}

/* The capability module an import belongs to, or NULL. */
static const char *capability_of(const struct sl_wasm_import *imp)
{
    if (sl_link_is_capability_module(imp->module))
        return imp->module;
    if (strcmp(imp->module, "canonical_abi") != 0)
        return NULL;
    const char *res = NULL;
    if (strncmp(imp->name, "resource_drop_", 14) == 0)
        res = imp->name + 14;
    else if (strncmp(imp->name, "resource_clone_", 15) == 0)
        res = imp->name + 15;
    for (size_t i = 0; res && i < SL_ARRAY_SIZE(resources); i++)
        if (strcmp(res, resources[i].resource) == 0)
            return resources[i].module;
    return NULL;
}

static const char *kind_name(enum sl_wasm_kind k)
{
    switch (k) {
    case SL_WASM_KIND_TABLE:
        return "a table";
    case SL_WASM_KIND_MEMORY:
        return "a memory";
    case SL_WASM_KIND_GLOBAL:
        return "a global";
    case SL_WASM_KIND_TAG:
        return "a tag";
    default:
        return "a function";
    }
}

sl_err sl_link_check(const struct sl_wasm_module *m, const char *filename,
                     const struct sl_link_providers *p, struct sl_error *err)
{
    for (uint32_t i = 0; i < m->nimports; i++) {
        const struct sl_wasm_import *imp = &m->imports[i];
        const char *cap = capability_of(imp);
        if (imp->kind != SL_WASM_KIND_FUNC)
            return sl_error_set(err, SL_ELINK,
                                "%s: imports %s '%s' '%s', but slight provides only functions "
                                "(export the %s from the module instead)",
                                filename, kind_name(imp->kind), imp->module, imp->name,
                                kind_name(imp->kind) + 2);
        if (cap != NULL && (p->declares == NULL || !p->declares(p->opaque, cap)))
            return sl_error_set(err, SL_ELINK,
                                "%s: imports %s, but the slightfile declares no %s capability",
                                filename, imp->name, cap);
        const struct sl_host_fn *f = sl_link_find(p, imp->module, imp->name);
        if (f == NULL) {
            if (cap != NULL)
                return sl_error_set(err, SL_EUNSUPPORTED,
                                    "%s: imports %s '%s', which this version of slight does not "
                                    "implement yet",
                                    filename, imp->module, imp->name);
            if (is_wasi_module(imp->module))
                return sl_error_set(err, SL_ELINK,
                                    "%s: imports '%s' '%s', which is not a WASI function",
                                    filename, imp->module, imp->name);
            return sl_error_set(err, SL_ELINK,
                                "%s: imports '%s' '%s', which neither WASI nor any slight "
                                "capability provides",
                                filename, imp->module, imp->name);
        }
        char sig[128];
        const struct sl_wasm_functype *t =
            imp->type_index < m->ntypes ? &m->types[imp->type_index] : NULL;
        if (t == NULL || !sl_wasm_sig_string(t, sig, sizeof(sig)) || strcmp(sig, f->sig) != 0) {
            char want[256], have[256] = "(unrepresentable)";
            describe_sig(f->sig, want, sizeof(want));
            if (t != NULL && sl_wasm_sig_string(t, sig, sizeof(sig)))
                describe_sig(sig, have, sizeof(have));
            return sl_error_set(err, SL_ELINK,
                                "%s: imports '%s' '%s' with type %s, but the host function has "
                                "type %s",
                                filename, imp->module, imp->name, have, want);
        }
    }
    return SL_OK;
}
