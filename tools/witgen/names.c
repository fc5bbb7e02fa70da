/* SPDX-License-Identifier: Apache-2.0 */
/*
 * names.c -- the C spelling of WIT names as wit-bindgen 0.2's C generator
 * made them (SLIGHT-SPEC §6.11): identifiers with '-' as '_', and the name
 * part of a type ("list_u8", "expected_unit_keyvalue_error"). Both the guest
 * bindings and the host glue build their type names from here.
 */
#include "sl_common.h"

#include "wit.h"

#include <ctype.h>
#include <string.h>

sl_err sl_wit_c_ident(const char *name, struct sl_buf *out)
{
    for (const char *s = name; *s; s++) {
        char c = *s == '-' ? '_' : *s;
        sl_err rc = sl_buf_append(out, &c, 1);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

static const char *const c_keywords[] = {
    "auto",     "bool",    "break",  "case",     "char",   "const",    "continue", "default",
    "do",       "double",  "else",   "enum",     "extern", "false",    "float",    "for",
    "goto",     "if",      "inline", "int",      "long",   "register", "restrict", "return",
    "short",    "signed",  "sizeof", "static",   "struct", "switch",   "true",     "typedef",
    "union",    "unsigned", "void",  "volatile", "while",
};

bool sl_wit_c_is_keyword(const char *s)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(c_keywords); i++)
        if (strcmp(s, c_keywords[i]) == 0)
            return true;
    return false;
}

sl_err sl_wit_c_upper(const char *name, struct sl_buf *out)
{
    for (const char *s = name; *s; s++) {
        char c = *s == '-' ? '_' : (char)toupper((unsigned char)*s);
        sl_err rc = sl_buf_append(out, &c, 1);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

static const char *const prim_parts[] = {
    [SL_WIT_UNIT] = "unit", [SL_WIT_BOOL] = "bool",       [SL_WIT_U8] = "u8",
    [SL_WIT_U16] = "u16",   [SL_WIT_U32] = "u32",         [SL_WIT_U64] = "u64",
    [SL_WIT_S8] = "s8",     [SL_WIT_S16] = "s16",         [SL_WIT_S32] = "s32",
    [SL_WIT_S64] = "s64",   [SL_WIT_FLOAT32] = "float32", [SL_WIT_FLOAT64] = "float64",
    [SL_WIT_CHAR] = "char32", [SL_WIT_STRING] = "string",
};

sl_err sl_wit_c_type_part(const struct sl_wit_type *t, struct sl_buf *out)
{
    if (out->len > SL_WIT_MAX_TEXT)
        return SL_EINVAL;
    if (t == NULL)
        return sl_buf_appends(out, "unit");
    if (t->kind == SL_WIT_REF)
        return sl_wit_c_type_part(t->target, out);
    if (t->kind <= SL_WIT_STRING)
        return sl_buf_appends(out, prim_parts[t->kind]);
    if (t->name != NULL) /* named types, aliases and resources go by their name */
        return sl_wit_c_ident(t->name, out);
    sl_err rc = SL_OK;
    switch (t->kind) {
    case SL_WIT_LIST:
    case SL_WIT_OPTION:
        rc = sl_buf_appends(out, t->kind == SL_WIT_LIST ? "list_" : "option_");
        return rc == SL_OK ? sl_wit_c_type_part(t->elem, out) : rc;
    case SL_WIT_EXPECTED:
        rc = sl_buf_appends(out, "expected_");
        if (rc == SL_OK)
            rc = sl_wit_c_type_part(t->elem, out);
        if (rc == SL_OK)
            rc = sl_buf_appends(out, "_");
        return rc == SL_OK ? sl_wit_c_type_part(t->err, out) : rc;
    case SL_WIT_TUPLE:
    case SL_WIT_UNION:
        rc = sl_buf_appendf(out, "%s%zu", t->kind == SL_WIT_TUPLE ? "tuple" : "union",
                            t->nmembers);
        for (size_t i = 0; rc == SL_OK && i < t->nmembers; i++) {
            rc = sl_buf_appends(out, "_");
            if (rc == SL_OK)
                rc = sl_wit_c_type_part(t->members[i].type, out);
        }
        return rc;
    default:
        return sl_buf_appends(out, "anon");
    }
}
