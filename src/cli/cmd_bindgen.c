/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_bindgen.c -- `slight bindgen c FILE.wit [-o DIR] [--export]`: writes the
 * guest C bindings <p>.h and <p>.c of a WIT interface (tools/witgen), the same
 * files wit-bindgen 0.2's C generator made. `slight new` uses it too.
 */
#include "sl_common.h"

#include "cli.h"
#include "common/fs.h"
#include "opts.h"
#include "tools/witgen/wit.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

enum { OPT_HELP = 1, OPT_CONFIG, OPT_OUT, OPT_EXPORT };

static const struct sl_opt_spec bindgen_specs[] = {
    {"config", 'c', true, OPT_CONFIG},
    {"output", 'o', true, OPT_OUT},
    {"export", 0, false, OPT_EXPORT},
    {"help", 'h', false, OPT_HELP},
    {NULL, 0, false, 0},
};

static const char bindgen_usage[] =
    "usage: slight bindgen c FILE.wit [-o DIR] [--export]\n"
    "\n"
    "Writes the guest bindings of the WIT interface in FILE.wit: DIR/<p>.h and\n"
    "DIR/<p>.c, p being the interface name with '-' as '_'. Interfaces it uses\n"
    "are read from FILE.wit's directory. Compile with -I DIR.\n"
    "\n"
    "languages: c (rust and js are not supported yet)\n"
    "\n"
    "options:\n"
    "  -o, --output DIR    where to write the files, created if needed (default: .)\n"
    "      --export        the guest implements the interface (http-handler)\n"
    "  -h, --help          print this help\n";

static sl_err write_file(const char *dir, const char *name, const char *ext,
                         const struct sl_buf *b, struct sl_error *err)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext) >= (int)sizeof(path))
        return sl_error_set(err, SL_EIO, "%s/%s%s: path too long", dir, name, ext);
    return sl_fs_write_atomic(path, b->data ? b->data : "", b->len, 0644, err);
}

sl_err sl_cli_bindgen_c(const char *wit, const char *dir, bool export, struct sl_error *err)
{
    struct sl_wit_ctx ctx;
    struct sl_wit_iface *iface;
    struct sl_buf h = SL_BUF_INIT, c = SL_BUF_INIT, name = SL_BUF_INIT;
    sl_wit_ctx_init(&ctx);
    sl_err rc = sl_wit_load(&ctx, wit, &iface, err);
    if (rc != SL_OK)
        goto out;
    rc = sl_wit_gen_guest_c(iface, export, &h, &c);
    if (rc == SL_OK)
        rc = sl_wit_c_ident(iface->name, &name);
    if (rc != SL_OK) {
        rc = sl_error_set(err, rc, "%s: %s", wit,
                          rc == SL_EINVAL ? "the bindings would be too large" : sl_err_str(rc));
        goto out;
    }
    rc = sl_fs_mkdirs(dir, 0755, err); /* -o DIR need not exist yet */
    if (rc == SL_OK)
        rc = write_file(dir, sl_buf_cstr(&name), ".h", &h, err);
    if (rc == SL_OK)
        rc = write_file(dir, sl_buf_cstr(&name), ".c", &c, err);
out:
    sl_buf_release(&h);
    sl_buf_release(&c);
    sl_buf_release(&name);
    sl_wit_ctx_release(&ctx);
    return rc;
}

static int usage_error(const char *msg)
{
    fprintf(stderr, "slight: error: %s\n%s", msg, bindgen_usage);
    return SL_EXIT_USAGE;
}

int sl_cmd_bindgen(struct sl_cli_globals *g, int argc, char **argv)
{
    struct sl_opts o;
    struct sl_error err = SL_ERROR_INIT;
    const char *pos[3] = {NULL, NULL, NULL}, *dir = ".";
    size_t npos = 0;
    bool export = false;
    if (sl_opts_parse("bindgen", argc, argv, bindgen_specs, &o, &err) != SL_OK)
        return usage_error(err.msg);
    for (size_t i = 0; i < o.count; i++) {
        const struct sl_opt *op = &o.items[i];
        if (op->id == OPT_HELP) {
            fputs(bindgen_usage, stdout);
            sl_opts_release(&o);
            return SL_EXIT_OK;
        }
        if (op->id == OPT_CONFIG)
            g->config = op->value;
        else if (op->id == OPT_OUT)
            dir = op->value;
        else if (op->id == OPT_EXPORT)
            export = true;
        else if (npos++ < 3)
            pos[npos - 1] = op->value;
    }
    for (size_t i = 0; i < o.nrest; i++)
        if (npos++ < 3)
            pos[npos - 1] = o.rest[i];
    sl_opts_release(&o);
    if (npos == 0)
        return usage_error("'slight bindgen' needs a language and a WIT file");
    if (strcmp(pos[0], "rust") == 0 || strcmp(pos[0], "js") == 0) {
        fprintf(stderr, "slight: error: bindgen for '%s' is not supported yet (only 'c')\n",
                pos[0]);
        return SL_EXIT_ERROR;
    }
    if (strcmp(pos[0], "c") != 0)
        return usage_error("unknown language (languages: c)");
    if (npos != 2)
        return usage_error("'slight bindgen c' takes one WIT file");
    if (sl_cli_bindgen_c(pos[1], dir, export, &err) != SL_OK) {
        fprintf(stderr, "slight: error: %s\n", err.msg);
        return SL_EXIT_ERROR;
    }
    return SL_EXIT_OK;
}
