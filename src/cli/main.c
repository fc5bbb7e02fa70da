/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c -- the slight command: global options (-c, -V, -h) and dispatch
 * to the subcommands. -c may also follow the subcommand.
 */
#include "sl_common.h"

#include "cli.h"
#include "common/log.h"
#include "sl_config.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: slight [-c FILE] <command> [<args>]\n"
    "\n"
    "Runs WebAssembly applications with portable cloud capabilities.\n"
    "\n"
    "commands:\n"
    "  run       run a module (slight run --help)\n"
    "  compile   compile a module ahead of time (slight compile --help)\n"
    "  secret    store an encrypted secret in the slightfile (slight secret --help)\n"
    "  add       write the WIT files of an interface (slight add --help)\n"
    "  bindgen   write the guest bindings of a WIT file (slight bindgen --help)\n"
    "  new       create an application project (slight new --help)\n"
    "\n"
    "options:\n"
    "  -c, --config FILE   the slightfile (default: ./slightfile.toml when it exists)\n"
    "  -V, --version       print the version\n"
    "  -h, --help          print this help\n";

int sl_cli_status(sl_err code)
{
    return code == SL_EUSAGE ? SL_EXIT_USAGE : SL_EXIT_ERROR;
}

int sl_cli_fail(const struct sl_error *err)
{
    fprintf(stderr, "slight: error: %s\n", err->msg[0] ? err->msg : sl_err_str(err->code));
    if (err->code == SL_EUSAGE)
        fprintf(stderr, "see 'slight --help'\n");
    return sl_cli_status(err->code);
}

int main(int argc, char **argv)
{
    struct sl_cli_globals g = {0};
    sl_log_init();
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            printf("slight %s\n", SL_VERSION);
            return 0;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "slight: error: option '%s' needs a value\n", a);
                return SL_EXIT_USAGE;
            }
            g.config = argv[++i];
            continue;
        }
        if (strncmp(a, "--config=", 9) == 0) {
            g.config = a + 9;
            continue;
        }
        if (a[0] == '-') {
            fprintf(stderr, "slight: error: unknown option '%s'\n%s", a, usage);
            return SL_EXIT_USAGE;
        }
        break;
    }
    if (i >= argc) {
        fputs(usage, stderr);
        return SL_EXIT_USAGE;
    }
    const char *cmd = argv[i];
    if (strcmp(cmd, "run") == 0)
        return sl_cmd_run(&g, argc - i - 1, argv + i + 1);
    if (strcmp(cmd, "compile") == 0)
        return sl_cmd_compile(&g, argc - i - 1, argv + i + 1);
    if (strcmp(cmd, "secret") == 0)
        return sl_cmd_secret(&g, argc - i - 1, argv + i + 1);
    if (strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "add") == 0)
        return sl_cmd_add(&g, argc - i - 1, argv + i + 1);
    if (strcmp(cmd, "bindgen") == 0)
        return sl_cmd_bindgen(&g, argc - i - 1, argv + i + 1);
    if (strcmp(cmd, "new") == 0)
        return sl_cmd_new(&g, argc - i - 1, argv + i + 1);
    if (strcmp(cmd, "buildjs") == 0) {
        fprintf(stderr, "slight: error: 'slight buildjs' is not supported yet\n");
        return SL_EXIT_ERROR;
    }
    fprintf(stderr, "slight: error: unknown command '%s'\n%s", cmd, usage);
    return SL_EXIT_USAGE;
}
