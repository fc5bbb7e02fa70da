/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h -- what the subcommands share: exit statuses, the global options
 * and error reporting.
 */
#ifndef SL_CLI_CLI_H
#define SL_CLI_CLI_H

#include "sl_common.h"

#include "common/err.h"

/* Documented exit statuses (docs/CLI.md); a guest's own exit code passes through. */
enum {
    SL_EXIT_OK = 0,
    SL_EXIT_ERROR = 1, /* runtime error, bad module or slightfile, unsupported feature */
    SL_EXIT_USAGE = 2, /* malformed command line */
    SL_EXIT_TRAP = 134, /* a guest trap, a passed deadline included (as wasmtime) */
};

struct sl_cli_globals {
    const char *config;      /* -c FILE, or NULL */
};

/* Prints "slight: error: MSG" to stderr and returns the exit status for err. */
int sl_cli_fail(const struct sl_error *err);

/* Exit status for an error code (usage errors 2, the rest 1). */
int sl_cli_status(sl_err code);

int sl_cmd_run(struct sl_cli_globals *g, int argc, char **argv);
int sl_cmd_compile(struct sl_cli_globals *g, int argc, char **argv);
int sl_cmd_secret(struct sl_cli_globals *g, int argc, char **argv);
int sl_cmd_add(struct sl_cli_globals *g, int argc, char **argv);
int sl_cmd_bindgen(struct sl_cli_globals *g, int argc, char **argv);
int sl_cmd_new(struct sl_cli_globals *g, int argc, char **argv);

/* Writes the WIT files of a known interface ("keyvalue") into dir, deleted and recreated. */
sl_err sl_cli_add_files(const char *interface, const char *dir, struct sl_error *err);
/* Writes the guest C bindings of the interface in the file wit into dir (<p>.h, <p>.c). */
sl_err sl_cli_bindgen_c(const char *wit, const char *dir, bool export, struct sl_error *err);

#endif /* SL_CLI_CLI_H */
