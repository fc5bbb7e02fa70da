/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dump.c -- the canonical listing of a resolved interface, one line per
 * item: uses, types with their layout, resources with their drop import, and
 * functions with their core-wasm signature as imported or exported. The
 * golden tests compare it with listings made from the reference ABI model.
 */
#include "sl_common.h"

#include "wit.h"

static const char *const core_names[] = {"i32", "i64", "f32", "f64"};

static sl_err flat_str(const struct sl_wit_flat *f, struct sl_buf *out)
{
    sl_err rc = sl_buf_appends(out, "(");
    for (size_t i = 0; rc == SL_OK && i < f->n; i++)
        rc = sl_buf_appendf(out, "%s%s", i ? ", " : "", core_names[f->v[i]]);
    if (rc == SL_OK && f->n >= SL_WIT_FLAT_CAP)
        rc = sl_buf_appends(out, ", ...");
    return rc == SL_OK ? sl_buf_appends(out, ")") : rc;
}

static const char *kind_name(enum sl_wit_kind k)
{
    switch (k) {
    case SL_WIT_RECORD:
        return "record";
    case SL_WIT_VARIANT:
        return "variant";
    case SL_WIT_ENUM:
        return "enum";
    case SL_WIT_FLAGS:
        return "flags";
    case SL_WIT_UNION:
        return "union";
    case SL_WIT_ALIAS:
        return "alias";
    default:
        return "?";
    }
}

static sl_err dump_type(struct sl_wit_type *t, struct sl_buf *out)
{
    uint64_t size, align;
    sl_wit_type_layout(t, &size, &align);
    sl_err rc = sl_buf_appendf(out, "type %s %s size=%llu align=%llu", t->name, kind_name(t->kind),
                               (unsigned long long)size, (unsigned long long)align);
    if (rc != SL_OK)
        return rc;
    switch (t->kind) {
    case SL_WIT_ALIAS:
        rc = sl_buf_appends(out, " = ");
        if (rc == SL_OK)
            rc = sl_wit_type_str(t->elem, out);
        break;
    case SL_WIT_RECORD: {
        rc = sl_buf_appends(out, " fields=");
        uint64_t off = 0;
        for (size_t i = 0; rc == SL_OK && i < t->nmembers; i++) {
            uint64_t fs, fa;
            sl_wit_type_layout(t->members[i].type, &fs, &fa);
            off = (off + fa - 1) & ~(fa - 1);
            rc = sl_buf_appendf(out, "%s%s@%llu:", i ? "," : "", t->members[i].name,
                                (unsigned long long)off);
            if (rc == SL_OK)
                rc = sl_wit_type_str(t->members[i].type, out);
            off += fs;
        }
        break;
    }
    case SL_WIT_VARIANT:
    case SL_WIT_UNION:
        rc = sl_buf_appendf(out,
                            " payload=%llu cases=", (unsigned long long)sl_wit_payload_offset(t));
        for (size_t i = 0; rc == SL_OK && i < t->nmembers; i++) {
            const struct sl_wit_member *m = &t->members[i];
            if (i > 0)
                rc = sl_buf_appends(out, ",");
            if (rc == SL_OK && m->name != NULL)
                rc = sl_buf_appends(out, m->name);
            if (rc == SL_OK && m->type != NULL && m->name != NULL) {
                rc = sl_buf_appends(out, "(");
                if (rc == SL_OK)
                    rc = sl_wit_type_str(m->type, out);
                if (rc == SL_OK)
                    rc = sl_buf_appends(out, ")");
            } else if (rc == SL_OK && m->type != NULL) {
                rc = sl_wit_type_str(m->type, out);
            }
        }
        break;
    case SL_WIT_ENUM:
    case SL_WIT_FLAGS:
        rc = sl_buf_appends(out, t->kind == SL_WIT_ENUM ? " cases=" : " flags=");
        for (size_t i = 0; rc == SL_OK && i < t->nmembers; i++)
            rc = sl_buf_appendf(out, "%s%s", i ? "," : "", t->members[i].name);
        break;
    default:
        break;
    }
    return rc == SL_OK ? sl_buf_appends(out, "\n") : rc;
}

static sl_err dump_func(const struct sl_wit_iface *iface, struct sl_wit_func *f, bool export,
                        struct sl_buf *out)
{
    struct sl_wit_sig sig;
    sl_wit_func_sig(f, export, &sig);
    const char *kind = f->resource == NULL ? "free" : f->is_static ? "static" : "method";
    sl_err rc =
        export ? sl_buf_appends(out, "export ") : sl_buf_appendf(out, "import %s ", iface->name);
    if (rc == SL_OK)
        rc = sl_wit_func_field(f, out);
    if (rc == SL_OK)
        rc = sl_buf_appendf(out, " %s ", kind);
    if (rc == SL_OK)
        rc = flat_str(&sig.params, out);
    if (rc == SL_OK)
        rc = sl_buf_appends(out, " -> ");
    if (rc == SL_OK)
        rc = flat_str(&sig.results, out);
    if (rc == SL_OK && sig.indirect_params)
        rc = sl_buf_appends(out, " params=indirect");
    if (rc == SL_OK && sig.retptr)
        rc = sl_buf_appendf(out, " retarea=%llu/%llu", (unsigned long long)sig.ret_size,
                            (unsigned long long)sig.ret_align);
    return rc == SL_OK ? sl_buf_appends(out, "\n") : rc;
}

sl_err sl_wit_dump(struct sl_wit_iface *iface, bool export, struct sl_buf *out)
{
    sl_err rc = sl_buf_appendf(out, "interface %s\n", iface->name);
    for (size_t i = 0; rc == SL_OK && i < iface->nitems; i++) {
        struct sl_wit_item *it = &iface->items[i];
        switch (it->kind) {
        case SL_WIT_ITEM_USE: {
            struct sl_wit_use *u = it->u.use;
            rc = sl_buf_appendf(out, "use %s", u->from);
            if (rc == SL_OK && u->all)
                rc = sl_buf_appends(out, " *");
            for (size_t j = 0; rc == SL_OK && j < u->nnames; j++) {
                rc = sl_buf_appendf(out, " %s", u->names[j].name);
                if (rc == SL_OK && u->names[j].local != u->names[j].name)
                    rc = sl_buf_appendf(out, " as %s", u->names[j].local);
            }
            if (rc == SL_OK)
                rc = sl_buf_appends(out, "\n");
            break;
        }
        case SL_WIT_ITEM_TYPE:
            rc = dump_type(it->u.type, out);
            break;
        case SL_WIT_ITEM_RESOURCE: {
            struct sl_wit_resource *r = it->u.resource;
            rc =
                sl_buf_appendf(out, "resource %s drop=canonical_abi.resource_drop_%s (i32) -> ()\n",
                               r->name, r->name);
            for (size_t j = 0; rc == SL_OK && j < r->nfuncs; j++)
                rc = dump_func(iface, &r->funcs[j], export, out);
            break;
        }
        case SL_WIT_ITEM_FUNC:
            rc = dump_func(iface, it->u.func, export, out);
            break;
        }
    }
    return rc;
}
