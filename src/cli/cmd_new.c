/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_new.c -- `slight new -n NAME@vX.Y.Z c`: creates ./NAME, a C application
 * (Makefile, main.c, slightfile.toml, README.md from sdk/c/templates, the
 * keyvalue WIT files in wit/ and their bindings in bindings/), built offline
 * with clang's wasm32-wasi target. `rust` and `js` are not supported yet.
 */
#include "sl_common.h"

#include "cli.h"
#include "common/buf.h"
#include "common/fs.h"
#include "opts.h"
#include "wit_embedded.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define SL_TPL_DECLARE(sym)                                                                        \
    extern const unsigned char sym[];                                                              \
    extern const size_t sym##_len;

SL_TPL_DECLARE(sl_tpl_c_makefile)
SL_TPL_DECLARE(sl_tpl_c_main_c)
SL_TPL_DECLARE(sl_tpl_c_slightfile)
SL_TPL_DECLARE(sl_tpl_c_readme)

struct tpl_file {
    const char *name;
    const unsigned char *data;
    const size_t *len;
};

static const struct tpl_file c_template[] = {
    {"Makefile", sl_tpl_c_makefile, &sl_tpl_c_makefile_len},
    {"main.c", sl_tpl_c_main_c, &sl_tpl_c_main_c_len},
    {"slightfile.toml", sl_tpl_c_slightfile, &sl_tpl_c_slightfile_len},
    {"README.md", sl_tpl_c_readme, &sl_tpl_c_readme_len},
};

enum { OPT_HELP = 1, OPT_CONFIG, OPT_NAME };

static const struct sl_opt_spec new_specs[] = {
    {"config", 'c', true, OPT_CONFIG},
    {"name-at-release", 'n', true, OPT_NAME},
    {"help", 'h', false, OPT_HELP},
    {NULL, 0, false, 0},
};

static const char new_usage[] =
    "usage: slight new -n NAME@vX.Y.Z c\n"
    "\n"
    "Creates the directory NAME holding a C application: Makefile, main.c (a\n"
    "keyvalue example), slightfile.toml, README.md, the keyvalue WIT files in\n"
    "wit/ and their C bindings in bindings/. `make -C NAME` builds NAME.wasm\n"
    "with clang --target=wasm32-wasi; nothing is downloaded.\n"
    "\n"
    "languages: c (rust and js are not supported yet)\n"
    "releases:  v" SL_WIT_RELEASE "\n"
    "\n"
    "options:\n"
    "  -n, --name-at-release NAME@vX.Y.Z   the project name and release\n"
    "  -h, --help                          print this help\n";

/* Copies the template text to out with {{project-name}} and {{release}} replaced. */
static sl_err substitute(const unsigned char *data, size_t len, const char *name,
                         struct sl_buf *out)
{
    static const char pn[] = "{{project-name}}", rel[] = "{{release}}";
    const char *s = (const char *)data, *end = s + len;
    sl_err rc = SL_OK;
    while (rc == SL_OK && s < end) {
        size_t left = (size_t)(end - s);
        if (left >= sizeof(pn) - 1 && memcmp(s, pn, sizeof(pn) - 1) == 0) {
            rc = sl_buf_appends(out, name);
            s += sizeof(pn) - 1;
        } else if (left >= sizeof(rel) - 1 && memcmp(s, rel, sizeof(rel) - 1) == 0) {
            rc = sl_buf_appends(out, SL_WIT_RELEASE);
            s += sizeof(rel) - 1;
        } else {
            rc = sl_buf_append(out, s++, 1);
        }
    }
    return rc;
}

static sl_err write_templates(const char *dir, const char *name, struct sl_error *err)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(c_template); i++) {
        const struct tpl_file *t = &c_template[i];
        struct sl_buf b = SL_BUF_INIT;
        char path[PATH_MAX];
        if (snprintf(path, sizeof(path), "%s/%s", dir, t->name) >= (int)sizeof(path))
            return sl_error_set(err, SL_EIO, "%s/%s: path too long", dir, t->name);
        sl_err rc = substitute(t->data, *t->len, name, &b);
        if (rc != SL_OK)
            rc = sl_error_set(err, rc, "out of memory");
        else
            rc = sl_fs_write_atomic(path, b.data ? b.data : "", b.len, 0644, err);
        sl_buf_release(&b);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

/* Creates the project directory and everything in it. */
static sl_err create_project(const char *name, struct sl_error *err)
{
    char wit_dir[PATH_MAX], wit[PATH_MAX], bindings[PATH_MAX];
    if (strlen(name) > PATH_MAX / 2)
        return sl_error_set(err, SL_EUSAGE, "the project name is too long");
    if (mkdir(name, 0777) != 0)
        return sl_error_set(err, SL_EIO, "cannot create directory %s: %s", name,
                            errno == EEXIST ? "it already exists" : strerror(errno));
    if (snprintf(wit_dir, sizeof(wit_dir), "%s/wit/keyvalue_%s", name, SL_WIT_RELEASE)
            >= (int)sizeof(wit_dir)
        || snprintf(wit, sizeof(wit), "%s/keyvalue.wit", wit_dir) >= (int)sizeof(wit)
        || snprintf(bindings, sizeof(bindings), "%s/bindings", name) >= (int)sizeof(bindings))
        return sl_error_set(err, SL_EUSAGE, "the project name is too long");
    sl_err rc = sl_fs_mkdirs(wit_dir, 0777, err);
    if (rc == SL_OK)
        rc = sl_cli_add_files("keyvalue", wit_dir, err);
    if (rc == SL_OK)
        rc = sl_fs_mkdirs(bindings, 0777, err);
    if (rc == SL_OK)
        rc = sl_cli_bindgen_c(wit, bindings, false, err);
    if (rc == SL_OK)
        rc = write_templates(name, name, err);
    return rc;
}

/* A project name: a directory and a make target, so [A-Za-z0-9_.-], not starting with . or -. */
static bool name_ok(const char *s, size_t len)
{
    if (len == 0 || s[0] == '.' || s[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || c == '_' || c == '-' || c == '.'))
            return false;
    }
    return true;
}

/* Checks NAME@vX.Y.Z; *name gets a copy of NAME in buf. Errors are SL_EUSAGE. */
static sl_err parse_name(const char *arg, char *buf, size_t cap, struct sl_error *err)
{
    const char *at = strchr(arg, '@');
    if (at == NULL)
        return sl_error_set(err, SL_EUSAGE, "'%s' is not NAME@vX.Y.Z (e.g. my-app@v%s)", arg,
                            SL_WIT_RELEASE);
    size_t len = (size_t)(at - arg);
    if (!name_ok(arg, len) || len >= cap)
        return sl_error_set(err, SL_EUSAGE,
                            "'%.*s' is not a valid project name (letters, digits, '_', '-', "
                            "'.'; not starting with '.' or '-')",
                            (int)len, arg);
    memcpy(buf, arg, len);
    buf[len] = '\0';
    if (strcmp(buf, "c") == 0 || strcmp(buf, "rust") == 0 || strcmp(buf, "js") == 0)
        return sl_error_set(err, SL_EUSAGE, "the project name cannot be 'c', 'rust' or 'js'");
    if (strcmp(at + 1, "v" SL_WIT_RELEASE) != 0)
        return sl_error_set(err, SL_EUSAGE, "release '%s' is not available; available: v%s",
                            at + 1, SL_WIT_RELEASE);
    return SL_OK;
}

static int usage_error(const char *msg)
{
    fprintf(stderr, "slight: error: %s\n%s", msg, new_usage);
    return SL_EXIT_USAGE;
}

int sl_cmd_new(struct sl_cli_globals *g, int argc, char **argv)
{
    struct sl_opts o;
    struct sl_error err = SL_ERROR_INIT;
    const char *arg = NULL, *lang = NULL;
    size_t npos = 0;
    char name[256];
    if (sl_opts_parse("new", argc, argv, new_specs, &o, &err) != SL_OK)
        return usage_error(err.msg);
    for (size_t i = 0; i < o.count; i++) {
        const struct sl_opt *op = &o.items[i];
        if (op->id == OPT_HELP) {
            fputs(new_usage, stdout);
            sl_opts_release(&o);
            return SL_EXIT_OK;
        }
        if (op->id == OPT_CONFIG)
            g->config = op->value;
        else if (op->id == OPT_NAME)
            arg = op->value;
        else if (npos++ == 0)
            lang = op->value;
    }
    npos += o.nrest;
    if (lang == NULL && o.nrest > 0)
        lang = o.rest[0];
    sl_opts_release(&o);
    if (arg == NULL)
        return usage_error("'slight new' needs -n NAME@vX.Y.Z");
    if (npos != 1)
        return usage_error("'slight new' takes one language: c, rust or js");
    if (strcmp(lang, "rust") == 0 || strcmp(lang, "js") == 0) {
        fprintf(stderr, "slight: error: 'slight new' for %s is not supported yet (only c)\n",
                lang);
        return SL_EXIT_ERROR;
    }
    if (strcmp(lang, "c") != 0)
        return usage_error("unknown language (languages: c, rust, js)");
    if (parse_name(arg, name, sizeof(name), &err) != SL_OK)
        return usage_error(err.msg);
    if (create_project(name, &err) != SL_OK) {
        fprintf(stderr, "slight: error: %s\n", err.msg);
        return sl_cli_status(err.code);
    }
    return SL_EXIT_OK;
}
