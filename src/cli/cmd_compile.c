/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_compile.c -- `slight compile MODULE [-o OUT.slightc]`: fills the cache
 * with the optimized tier ahead of time, or writes a self-contained artifact.
 */
#include "sl_common.h"

#include "cli.h"
#include "cli_engine.h"
#include "common/buf.h"
#include "common/fs.h"
#include "engine/module.h"

#include <stdio.h>
#include <string.h>

enum { OPT_OUTPUT = 1, OPT_HELP, OPT_CONFIG };

static const struct sl_opt_spec compile_specs[] = {
    {"output", 'o', true, OPT_OUTPUT},
    {"config", 'c', true, OPT_CONFIG},
    {"help", 'h', false, OPT_HELP},
    {NULL, 0, false, 0},
};

static const char compile_usage[] =
    "usage: slight compile MODULE [-o OUT.slightc]\n"
    "\n"
    "Compiles MODULE with the optimized tier into the cache, so that a later\n"
    "'slight run' starts at once; with -o, writes a self-contained artifact that\n"
    "'slight run OUT.slightc' accepts.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   write an artifact instead of only filling the cache\n"
    "  -h, --help          print this help\n";

static int compile_file(const char *module, const char *output, struct sl_cli_engine *eng,
                        struct sl_error *err)
{
    struct sl_buf file = SL_BUF_INIT;
    struct sl_wasm_module info;
    memset(&info, 0, sizeof(info));
    sl_err rc = sl_fs_read_file(module, &file, err);
    if (rc != SL_OK) {
        sl_error_recode(err, SL_EMODULE);
        return sl_cli_fail(err);
    }
    const uint8_t *bytes = file.data ? (const uint8_t *)file.data : (const uint8_t *)"";
    rc = sl_wasm_read(bytes, file.len, module, &info, err);
    if (rc == SL_OK)
        rc = sl_wasm_check_features(&info, module, err);
    if (rc == SL_OK)
        rc = output ? sl_aot_write_artifact(bytes, file.len, module, &info, &eng->aot, output, err)
                    : sl_aot_compile(bytes, file.len, module, &info, &eng->aot, err);
    sl_wasm_module_release(&info);
    sl_buf_release(&file);
    return rc == SL_OK ? 0 : sl_cli_fail(err);
}

int sl_cmd_compile(struct sl_cli_globals *g, int argc, char **argv)
{
    struct sl_opts o;
    struct sl_error err = SL_ERROR_INIT;
    struct sl_cli_engine eng;
    const char *module = NULL, *output = NULL;
    sl_cli_engine_init(&eng);
    if (sl_opts_parse("compile", argc, argv, compile_specs, &o, &err) != SL_OK) {
        fprintf(stderr, "slight: error: %s\n%s", err.msg, compile_usage);
        return sl_cli_status(err.code);
    }
    for (size_t i = 0; i < o.count; i++) {
        const struct sl_opt *op = &o.items[i];
        if (op->id == OPT_HELP) {
            fputs(compile_usage, stdout);
            sl_opts_release(&o);
            return 0;
        }
        if (op->id == OPT_OUTPUT)
            output = op->value;
        else if (op->id == OPT_CONFIG)
            g->config = op->value;
        else if (module == NULL)
            module = op->value;
        else {
            fprintf(stderr, "slight: error: unexpected argument '%s'\n%s", op->value,
                    compile_usage);
            sl_opts_release(&o);
            return 2;
        }
    }
    sl_opts_release(&o);
    if (module == NULL) {
        fprintf(stderr, "slight: error: 'slight compile' needs a MODULE\n%s", compile_usage);
        return 2;
    }
    return compile_file(module, output, &eng, &err);
}
