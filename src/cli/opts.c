/* SPDX-License-Identifier: Apache-2.0 */
/*
 * opts.c -- the option parser shared by every subcommand.
 */
#include "sl_common.h"

#include "opts.h"
#include "common/mem.h"

#include <string.h>

static sl_err push(struct sl_opts *o, int id, const char *value, struct sl_error *err)
{
    struct sl_opt *p = sl_reallocarray(o->items, o->count + 1, sizeof(*p));
    if (p == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    o->items = p;
    p[o->count++] = (struct sl_opt){id, value};
    return SL_OK;
}

sl_err sl_opts_parse(const char *cmd, int argc, char **argv, const struct sl_opt_spec *specs,
                     struct sl_opts *out, struct sl_error *err)
{
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const struct sl_opt_spec *s = NULL;
        const char *value = NULL;
        if (strcmp(a, "--") == 0) {
            out->rest = argv + i + 1;
            out->nrest = (size_t)(argc - i - 1);
            return SL_OK;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (push(out, SL_OPT_POSITIONAL, a, err) != SL_OK)
                goto fail;
            continue;
        }
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t n = eq ? (size_t)(eq - name) : strlen(name);
            for (const struct sl_opt_spec *sp = specs; sp->long_name || sp->short_name; sp++)
                if (sp->long_name && strlen(sp->long_name) == n
                    && strncmp(sp->long_name, name, n) == 0)
                    s = sp;
            if (s == NULL) {
                sl_error_set(err, SL_EUSAGE, "unknown option '--%.*s' for 'slight %s'", (int)n,
                             name, cmd);
                goto fail;
            }
            if (eq && !s->has_arg) {
                sl_error_set(err, SL_EUSAGE, "option '--%s' takes no value", s->long_name);
                goto fail;
            }
            value = eq ? eq + 1 : NULL;
        } else {
            for (const struct sl_opt_spec *sp = specs; sp->long_name || sp->short_name; sp++)
                if (sp->short_name == a[1])
                    s = sp;
            if (s == NULL) {
                sl_error_set(err, SL_EUSAGE, "unknown option '-%c' for 'slight %s'", a[1], cmd);
                goto fail;
            }
            if (a[2] != '\0') {
                if (!s->has_arg) {
                    sl_error_set(err, SL_EUSAGE, "option '-%c' takes no value", a[1]);
                    goto fail;
                }
                value = a + 2;
            }
        }
        if (s->has_arg && value == NULL) {
            if (i + 1 >= argc) {
                if (s->long_name)
                    sl_error_set(err, SL_EUSAGE, "option '--%s' needs a value", s->long_name);
                else
                    sl_error_set(err, SL_EUSAGE, "option '-%c' needs a value", s->short_name);
                goto fail;
            }
            value = argv[++i];
        }
        if (push(out, s->id, value, err) != SL_OK)
            goto fail;
    }
    return SL_OK;
fail:
    sl_opts_release(out);
    return err ? err->code : SL_EUSAGE;
}

void sl_opts_release(struct sl_opts *o)
{
    sl_free(o->items);
    memset(o, 0, sizeof(*o));
}
