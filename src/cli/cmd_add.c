/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_add.c -- `slight add NAME@vX.Y.Z`: writes the WIT files of an interface
 * into ./NAME_X.Y.Z/ (deleted and recreated), as slight v0.5.1 did, but from
 * the copies embedded in the binary (wit_embedded.h), so it works offline.
 */
#include "sl_common.h"

#include "cli.h"
#include "common/fs.h"
#include "opts.h"
#include "wit_embedded.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum { OPT_HELP = 1, OPT_CONFIG };

static const struct sl_opt_spec add_specs[] = {
    {"config", 'c', true, OPT_CONFIG},
    {"help", 'h', false, OPT_HELP},
    {NULL, 0, false, 0},
};

static const char add_usage[] =
    "usage: slight add NAME@vX.Y.Z\n"
    "\n"
    "Writes the WIT files of interface NAME (and of the interfaces it uses) into\n"
    "./NAME_X.Y.Z/, which is deleted and recreated. The files come from this\n"
    "binary: no download.\n"
    "\n"
    "interfaces: blob-store (or blobstore), configs, distributed-locking,\n"
    "            http-client, http-server, keyvalue, messaging, sql\n"
    "releases:   v" SL_WIT_RELEASE "\n"
    "\n"
    "options:\n"
    "  -h, --help          print this help\n";

/* What each interface brings (SLIGHT-SPEC §1.7), file names without ".wit". */
struct add_interface {
    const char *name;
    const char *files[5]; /* NULL-terminated */
};

static const struct add_interface add_interfaces[] = {
    {"blob-store", {"blob-store", "blob-types", NULL}},
    {"blobstore", {"blob-store", "blob-types", NULL}},
    {"configs", {"configs", NULL}},
    {"distributed-locking", {"distributed-locking", NULL}},
    {"http-client", {"http-types", "http-client", NULL}},
    {"http-server", {"http-server", "http-server-export", "http-handler", "http-types", NULL}},
    {"keyvalue", {"keyvalue", NULL}},
    {"messaging", {"messaging", NULL}},
    {"sql", {"sql", NULL}},
};

/* The names above, for messages (kept in step with add_interfaces). */
#define ADD_INTERFACE_LIST                                                                         \
    "blob-store, blobstore, configs, distributed-locking, http-client, http-server, keyvalue, "    \
    "messaging, sql"

static const struct add_interface *find_interface(const char *name, size_t len)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(add_interfaces); i++) {
        const char *n = add_interfaces[i].name;
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return &add_interfaces[i];
    }
    return NULL;
}

/* A numeric semver identifier: digits, no leading zero unless it is "0". */
static bool semver_number(const char *s, size_t len)
{
    if (len == 0 || (len > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Dot-separated identifiers of [0-9A-Za-z-], none empty; numeric ones checked if numeric. */
static bool semver_idents(const char *s, size_t len, bool numeric_rule)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.') {
            char c = s[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                  || c == '-'))
                return false;
            continue;
        }
        size_t n = i - start;
        if (n == 0)
            return false;
        if (numeric_rule && strspn(s + start, "0123456789") >= n && !semver_number(s + start, n))
            return false;
        start = i + 1;
    }
    return true;
}

/*
 * A semantic version (semver.org 2.0.0): MAJOR.MINOR.PATCH, then optionally
 * -PRERELEASE and +BUILD. *core_len is the length of MAJOR.MINOR.PATCH.
 */
static bool semver_valid(const char *v, size_t *core_len)
{
    size_t len = strlen(v);
    size_t end = strcspn(v, "-+");
    size_t pos = 0;
    for (int part = 0; part < 3; part++) {
        size_t n = strcspn(v + pos, ".-+");
        if (pos + n > end || !semver_number(v + pos, n))
            return false;
        pos += n;
        if (part < 2) {
            if (v[pos] != '.')
                return false;
            pos++;
        }
    }
    if (pos != end)
        return false;
    *core_len = end;
    if (v[pos] == '-') {
        size_t n = strcspn(v + pos + 1, "+");
        if (!semver_idents(v + pos + 1, n, true))
            return false;
        pos += 1 + n;
    }
    if (v[pos] == '+') {
        if (!semver_idents(v + pos + 1, len - pos - 1, false))
            return false;
        pos = len;
    }
    return pos == len;
}

/* Set by remove_entry when a removal fails (nftw gives the callback no context). */
static char remove_failed_path[PATH_MAX];

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    if (remove(path) != 0) {
        snprintf(remove_failed_path, sizeof(remove_failed_path), "%s", path);
        return -1;
    }
    return 0;
}

/* Deletes directory dir and what it holds (symbolic links are removed, not followed). */
static sl_err remove_tree(const char *dir, struct sl_error *err)
{
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT)
            return SL_OK;
        return sl_error_set(err, SL_EIO, "%s: %s", dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return sl_error_set(err, SL_EIO, "%s: exists and is not a directory", dir);
    remove_failed_path[0] = '\0';
    if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
        int e = errno;
        return sl_error_set(err, SL_EIO, "cannot delete %s: %s",
                            remove_failed_path[0] ? remove_failed_path : dir, strerror(e));
    }
    return SL_OK;
}

static sl_err write_interface(const struct add_interface *itf, const char *dir,
                              struct sl_error *err)
{
    sl_err rc = remove_tree(dir, err);
    if (rc != SL_OK)
        return rc;
    if (mkdir(dir, 0777) != 0)
        return sl_error_set(err, SL_EIO, "cannot create %s: %s", dir, strerror(errno));
    for (size_t i = 0; itf->files[i] != NULL; i++) {
        char name[128], path[PATH_MAX];
        struct sl_wit_file f;
        snprintf(name, sizeof(name), "%s.wit", itf->files[i]);
        if (!sl_wit_find(name, &f))
            SL_BUG("%s is not embedded", name);
        if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
            return sl_error_set(err, SL_EIO, "%s/%s: path too long", dir, name);
        rc = sl_fs_write_atomic(path, f.data, f.len, 0644, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

sl_err sl_cli_add_files(const char *interface, const char *dir, struct sl_error *err)
{
    const struct add_interface *itf = find_interface(interface, strlen(interface));
    if (itf == NULL)
        SL_BUG("unknown interface %s", interface);
    return write_interface(itf, dir, err);
}

/* Checks "NAME@vX.Y.Z" and writes the files; usage errors are SL_EUSAGE. */
static sl_err add_interface(const char *arg, struct sl_error *err)
{
    const char *at = strchr(arg, '@');
    if (at == NULL)
        return sl_error_set(err, SL_EUSAGE,
                            "'%s' is not NAME@vX.Y.Z (e.g. keyvalue@v" SL_WIT_RELEASE
                            "); interfaces: " ADD_INTERFACE_LIST,
                            arg);
    size_t name_len = (size_t)(at - arg);
    if (name_len == 0)
        return sl_error_set(err, SL_EUSAGE,
                            "'%s': the interface name before '@' is empty; interfaces: "
                            ADD_INTERFACE_LIST,
                            arg);
    const struct add_interface *itf = find_interface(arg, name_len);
    if (itf == NULL)
        return sl_error_set(err, SL_EUSAGE, "unknown interface '%.*s'; interfaces: "
                            ADD_INTERFACE_LIST, (int)name_len, arg);
    const char *version = at + 1;
    size_t core_len = 0;
    if (version[0] != 'v' || !semver_valid(version + 1, &core_len))
        return sl_error_set(err, SL_EUSAGE,
                            "'%s': the version '%s' is not 'v' followed by a semantic version "
                            "X.Y.Z (e.g. v" SL_WIT_RELEASE ")",
                            arg, version);
    if (strcmp(version + 1, SL_WIT_RELEASE) != 0)
        return sl_error_set(err, SL_EUSAGE,
                            "interface '%.*s' is not available for release %s; available "
                            "releases: v" SL_WIT_RELEASE,
                            (int)name_len, arg, version);
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%.*s_%.*s", (int)name_len, arg, (int)core_len, version + 1);
    return write_interface(itf, dir, err);
}

int sl_cmd_add(struct sl_cli_globals *g, int argc, char **argv)
{
    struct sl_opts o;
    struct sl_error err = SL_ERROR_INIT;
    const char *arg = NULL;
    size_t npos = 0;
    if (sl_opts_parse("add", argc, argv, add_specs, &o, &err) != SL_OK) {
        fprintf(stderr, "slight: error: %s\n%s", err.msg, add_usage);
        return sl_cli_status(err.code);
    }
    for (size_t i = 0; i < o.count; i++) {
        const struct sl_opt *op = &o.items[i];
        if (op->id == OPT_HELP) {
            fputs(add_usage, stdout);
            sl_opts_release(&o);
            return 0;
        }
        if (op->id == OPT_CONFIG)
            g->config = op->value;
        else if (npos++ == 0)
            arg = op->value;
    }
    for (size_t i = 0; i < o.nrest; i++)
        if (npos++ == 0)
            arg = o.rest[i];
    sl_opts_release(&o);
    if (npos != 1) {
        fprintf(stderr, "slight: error: 'slight add' takes one NAME@vX.Y.Z (%zu given)\n%s", npos,
                add_usage);
        return SL_EXIT_USAGE;
    }
    if (add_interface(arg, &err) != SL_OK) {
        fprintf(stderr, "slight: error: %s\n", err.msg);
        if (err.code == SL_EUSAGE)
            fprintf(stderr, "see 'slight add --help'\n");
        return sl_cli_status(err.code);
    }
    return SL_EXIT_OK;
}
