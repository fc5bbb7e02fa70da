/* SPDX-License-Identifier: Apache-2.0 */
/*
 * opts.h -- command-line option parsing for the subcommands: options may
 * stand before or after positionals up to "--"; long options take "--x=V"
 * or "--x V", short ones "-x V" or "-xV". Errors are usage errors (exit 2).
 */
#ifndef SL_CLI_OPTS_H
#define SL_CLI_OPTS_H

#include "sl_common.h"

#include "common/err.h"

struct sl_opt_spec {
    const char *long_name; /* without "--" */
    char short_name;       /* 0 when none */
    bool has_arg;
    int id;
};

/* One parsed option or positional, in command-line order. */
struct sl_opt {
    int id;            /* spec id, or SL_OPT_POSITIONAL */
    const char *value; /* the argument (borrowed from argv), or NULL */
};

#define SL_OPT_POSITIONAL (-1)

struct sl_opts {
    struct sl_opt *items;
    size_t count;
    char **rest; /* after "--", borrowed from argv */
    size_t nrest;
};

/*
 * Parses argv[0..argc) (the words after the subcommand) for command cmd
 * ("run"). On success *out is filled (sl_opts_release). Unknown options,
 * missing arguments and arguments given to flags are SL_EUSAGE.
 */
sl_err sl_opts_parse(const char *cmd, int argc, char **argv, const struct sl_opt_spec *specs,
                     struct sl_opts *out, struct sl_error *err);

void sl_opts_release(struct sl_opts *o);

#endif /* SL_CLI_OPTS_H */
