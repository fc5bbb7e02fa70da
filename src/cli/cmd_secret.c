/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_secret.c -- `slight secret -k KEY -v VALUE`: encrypts VALUE and stores
 * it in the slightfile's [[secret_settings]] (src/config/secrets.h does the
 * work). Never prints the value, not even in an error message.
 */
#include "sl_common.h"

#include "cli.h"
#include "config/secrets.h"
#include "opts.h"

#include <stdio.h>
#include <string.h>

enum { OPT_KEY = 1, OPT_VALUE, OPT_CONFIG, OPT_HELP };

static const struct sl_opt_spec secret_specs[] = {
    {"key", 'k', true, OPT_KEY},
    {"value", 'v', true, OPT_VALUE},
    {"config", 'c', true, OPT_CONFIG},
    {"help", 'h', false, OPT_HELP},
    {NULL, 0, false, 0},
};

static const char secret_usage[] =
    "usage: slight secret -k KEY -v VALUE [-c FILE]\n"
    "\n"
    "Encrypts VALUE and stores it in the slightfile as the [[secret_settings]]\n"
    "entry KEY, which configs.usersecrets and ${usersecrets.KEY} read. An entry\n"
    "KEY is replaced, else one is added; under specversion \"0.1\" the file's\n"
    "secret_store becomes \"configs.usersecrets\". The rest of the file, comments\n"
    "included, is kept as written. A missing slightfile is created.\n"
    "The key is in $XDG_CONFIG_HOME/slight/key (~/.config/slight/key), made on\n"
    "first use.\n"
    "\n"
    "options:\n"
    "  -k, --key KEY       the secret's name\n"
    "  -v, --value VALUE   the secret\n"
    "  -c, --config FILE   the slightfile (default: ./slightfile.toml)\n"
    "  -h, --help          print this help\n";

static int usage_error(const char *msg)
{
    fprintf(stderr, "slight: error: %s\n%s", msg, secret_usage);
    return SL_EXIT_USAGE;
}

int sl_cmd_secret(struct sl_cli_globals *g, int argc, char **argv)
{
    struct sl_opts o;
    struct sl_error err = SL_ERROR_INIT;
    const char *key = NULL, *value = NULL;
    if (sl_opts_parse("secret", argc, argv, secret_specs, &o, &err) != SL_OK)
        return usage_error(err.msg);
    bool positional = o.nrest > 0;
    for (size_t i = 0; i < o.count; i++) {
        const struct sl_opt *op = &o.items[i];
        if (op->id == OPT_HELP) {
            fputs(secret_usage, stdout);
            sl_opts_release(&o);
            return SL_EXIT_OK;
        }
        if (op->id == OPT_KEY)
            key = op->value;
        else if (op->id == OPT_VALUE)
            value = op->value;
        else if (op->id == OPT_CONFIG)
            g->config = op->value;
        else
            positional = true;
    }
    sl_opts_release(&o);
    /* Not quoted: a stray word may well be the secret itself. */
    if (positional)
        return usage_error("'slight secret' takes no positional arguments");
    if (key == NULL)
        return usage_error("'slight secret' needs -k KEY");
    if (value == NULL)
        return usage_error("'slight secret' needs -v VALUE");
    if (key[0] == '\0')
        return usage_error("-k KEY must not be empty");
    const char *path = g->config ? g->config : "slightfile.toml";
    if (sl_secret_slightfile_set(path, key, value, strlen(value), &err) != SL_OK) {
        if (err.code == SL_EINVALKEY)
            sl_error_recode(&err, SL_EUSAGE);
        return sl_cli_fail(&err);
    }
    return SL_EXIT_OK;
}
