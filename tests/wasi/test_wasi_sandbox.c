/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_wasi_sandbox.c -- path-traversal unit tests: every escape trick must
 * fail with the right errno and leave TMP/secret.txt unread, unwritten,
 * unlinked and unstatted. Each test runs twice: with openat2(RESOLVE_BENEATH)
 * and with the component walk the host falls back to.
 */
#include "sl_common.h"

#include "wasi_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static struct wfix F;
static void up_o2(void) { wfix_init(&F, true); }
static void up_walk(void) { wfix_init(&F, false); }
static void down(void) { wfix_fini(&F); }
TestSuite(sandbox_openat2, .init = up_o2, .fini = down);
TestSuite(sandbox_walk, .init = up_walk, .fini = down);

#define BOTH_MODES(name)                                                                           \
    static void name##_body(void);                                                                 \
    Test(sandbox_openat2, name) { name##_body(); }                                                 \
    Test(sandbox_walk, name) { name##_body(); }                                                    \
    static void name##_body(void)

/* The secret is intact and has not been accessed through the sandbox. */
static void secret_intact(void)
{
    struct stat st;
    cr_assert_str_eq(host_read(&F, "secret.txt"), "SECRET");
    cr_assert_eq(lstat(F.secret, &st), 0);
    cr_assert_eq(st.st_nlink, 1);
}

static uint32_t open_rd(const char *p, bool follow)
{
    uint32_t fd;
    return wopen(&F, 3, p, 0, WASI_RIGHT_FD_READ, 0, follow, &fd);
}

static uint32_t stat_path(const char *p, bool follow)
{
    uint32_t len = wput(&F, G_PATH, p);
    return sl_wasi_path_filestat_get(&F.inst, 3, follow ? WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0,
                                     G_PATH, len, G_BUF);
}

BOTH_MODES(dotdot)
{
    cr_assert_eq(open_rd("../secret.txt", true), WASI_ENOTCAPABLE);
    cr_assert_eq(open_rd("dir/../../secret.txt", true), WASI_ENOTCAPABLE);
    cr_assert_eq(open_rd("dir/../../sandbox/file.txt", true), WASI_ENOTCAPABLE);
    cr_assert_eq(open_rd("..", true), WASI_ENOTCAPABLE);
    cr_assert_eq(stat_path("../secret.txt", false), WASI_ENOTCAPABLE);
    cr_assert_eq(stat_path("..", true), WASI_ENOTCAPABLE);
    /* Going down and up again inside is fine. */
    cr_assert_eq(open_rd("dir/../file.txt", true), 0);
    cr_assert_eq(open_rd("./dir/./inner.txt", true), 0);
    cr_assert_eq(stat_path("dir/..", true), 0);
    secret_intact();
}

BOTH_MODES(absolute)
{
    char abs[PATH_MAX + 32];
    snprintf(abs, sizeof(abs), "%s", F.secret);
    cr_assert_eq(open_rd(abs, true), WASI_ENOTCAPABLE);
    cr_assert_eq(open_rd("/etc/passwd", true), WASI_ENOTCAPABLE);
    cr_assert_eq(open_rd("/", true), WASI_ENOTCAPABLE);
    cr_assert_eq(stat_path(abs, true), WASI_ENOTCAPABLE);
    uint32_t len = wput(&F, G_PATH, "/tmp/x");
    cr_assert_eq(sl_wasi_path_create_directory(&F.inst, 3, G_PATH, len), WASI_ENOTCAPABLE);
    secret_intact();
}

BOTH_MODES(symlink_out_preexisting)
{
    cr_assert_eq(open_rd("link_out", true), WASI_ENOTCAPABLE);
    cr_assert_eq(open_rd("abs_out", true), WASI_ENOTCAPABLE);
    cr_assert_eq(open_rd("deep", true), WASI_ENOTCAPABLE);
    cr_assert_eq(stat_path("link_out", true), WASI_ENOTCAPABLE);
    cr_assert_eq(stat_path("abs_out", true), WASI_ENOTCAPABLE);
    /* Not following: the link itself is inside and may be looked at. */
    cr_assert_eq(stat_path("link_out", false), 0);
    cr_assert_eq(F.m[G_BUF + 16], WASI_FILETYPE_SYMBOLIC_LINK);
    cr_assert_eq(open_rd("link_out", false), WASI_ELOOP);
    /* Through an intermediate component. */
    cr_assert_eq(open_rd("link_out/x", true), WASI_ENOTCAPABLE);
    cr_assert_eq(stat_path("abs_out/", false), WASI_ENOTCAPABLE);
    /* Writing / truncating through the link. */
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "link_out", WASI_OFLAGS_TRUNC, WASI_RIGHT_FD_WRITE, 0, true, &fd),
                 WASI_ENOTCAPABLE);
    secret_intact();
}

BOTH_MODES(symlink_in_is_followed)
{
    uint32_t fd;
    char got[16];
    uint32_t n;
    cr_assert_eq(wopen(&F, 3, "link_in", 0, WASI_RIGHT_FD_READ, 0, true, &fd), 0);
    cr_assert_eq(wread(&F, fd, got, sizeof(got), &n), 0);
    cr_assert_str_eq(got, "hello");
    cr_assert_eq(wopen(&F, 3, "dirlink/inner.txt", 0, WASI_RIGHT_FD_READ, 0, false, &fd), 0);
    cr_assert_eq(wread(&F, fd, got, sizeof(got), &n), 0);
    cr_assert_str_eq(got, "inner");
    cr_assert_eq(stat_path("dirlink", true), 0);
    cr_assert_eq(F.m[G_BUF + 16], WASI_FILETYPE_DIRECTORY);
}

BOTH_MODES(symlink_out_created_by_guest)
{
    uint32_t t = wput(&F, G_PATH2, "../secret.txt");
    uint32_t n = wput(&F, G_PATH, "evil");
    cr_assert_eq(sl_wasi_path_symlink(&F.inst, G_PATH2, t, 3, G_PATH, n), 0);
    cr_assert_eq(open_rd("evil", true), WASI_ENOTCAPABLE);
    cr_assert_eq(stat_path("evil", true), WASI_ENOTCAPABLE);
    /* An absolute target is refused outright. */
    t = wput(&F, G_PATH2, F.secret);
    n = wput(&F, G_PATH, "evil2");
    cr_assert_eq(sl_wasi_path_symlink(&F.inst, G_PATH2, t, 3, G_PATH, n), WASI_ENOTCAPABLE);
    cr_assert_not(host_exists(&F, "sandbox/evil2"));
    /* A dangling link pointing out cannot be used to create a file outside. */
    t = wput(&F, G_PATH2, "../created.txt");
    n = wput(&F, G_PATH, "dang");
    cr_assert_eq(sl_wasi_path_symlink(&F.inst, G_PATH2, t, 3, G_PATH, n), 0);
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "dang", WASI_OFLAGS_CREAT, WASI_RIGHT_FD_WRITE, 0, true, &fd),
                 WASI_ENOTCAPABLE);
    cr_assert_not(host_exists(&F, "created.txt"));
    /* A guest link made into a directory above. */
    t = wput(&F, G_PATH2, "..");
    n = wput(&F, G_PATH, "dir/up");
    cr_assert_eq(sl_wasi_path_symlink(&F.inst, G_PATH2, t, 3, G_PATH, n), 0);
    cr_assert_eq(open_rd("dir/up/file.txt", true), 0);
    cr_assert_eq(open_rd("dir/up/../secret.txt", true), WASI_ENOTCAPABLE);
    secret_intact();
}

BOTH_MODES(hard_links)
{
    uint32_t o = wput(&F, G_PATH, "../secret.txt");
    uint32_t n = wput(&F, G_PATH2, "stolen");
    cr_assert_eq(sl_wasi_path_link(&F.inst, 3, 0, G_PATH, o, 3, G_PATH2, n), WASI_ENOTCAPABLE);
    o = wput(&F, G_PATH, "link_out");
    cr_assert_eq(sl_wasi_path_link(&F.inst, 3, WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, G_PATH, o, 3,
                                   G_PATH2, n), WASI_ENOTCAPABLE);
    o = wput(&F, G_PATH, "file.txt");
    n = wput(&F, G_PATH2, "../stolen");
    cr_assert_eq(sl_wasi_path_link(&F.inst, 3, 0, G_PATH, o, 3, G_PATH2, n), WASI_ENOTCAPABLE);
    cr_assert_not(host_exists(&F, "sandbox/stolen"));
    cr_assert_not(host_exists(&F, "stolen"));
    /* A link inside works, following or not. */
    n = wput(&F, G_PATH2, "copy");
    cr_assert_eq(sl_wasi_path_link(&F.inst, 3, 0, G_PATH, o, 3, G_PATH2, n), 0);
    o = wput(&F, G_PATH, "link_in");
    n = wput(&F, G_PATH2, "copy2");
    cr_assert_eq(sl_wasi_path_link(&F.inst, 3, WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, G_PATH, o, 3,
                                   G_PATH2, n), 0);
    cr_assert_str_eq(host_read(&F, "sandbox/copy2"), "hello");
    struct stat st;
    char p[PATH_MAX + 16];
    snprintf(p, sizeof(p), "%s/copy2", F.root);
    cr_assert_eq(lstat(p, &st), 0);
    cr_assert(S_ISREG(st.st_mode));
    cr_assert_eq(st.st_nlink, 3);
    secret_intact();
}

BOTH_MODES(symlink_loop)
{
    cr_assert_eq(open_rd("loop1", true), WASI_ELOOP);
    cr_assert_eq(open_rd("loop1/x", true), WASI_ELOOP);
    cr_assert_eq(stat_path("loop2", true), WASI_ELOOP);
    cr_assert_eq(stat_path("loop2", false), 0);
}

BOTH_MODES(name_operations_cannot_escape)
{
    uint32_t a = wput(&F, G_PATH, "../secret.txt");
    cr_assert_eq(sl_wasi_path_unlink_file(&F.inst, 3, G_PATH, a), WASI_ENOTCAPABLE);
    uint32_t b = wput(&F, G_PATH2, "moved");
    cr_assert_eq(sl_wasi_path_rename(&F.inst, 3, G_PATH, a, 3, G_PATH2, b), WASI_ENOTCAPABLE);
    a = wput(&F, G_PATH, "file.txt");
    b = wput(&F, G_PATH2, "../moved");
    cr_assert_eq(sl_wasi_path_rename(&F.inst, 3, G_PATH, a, 3, G_PATH2, b), WASI_ENOTCAPABLE);
    b = wput(&F, G_PATH2, "link_out/moved");
    cr_assert_eq(sl_wasi_path_rename(&F.inst, 3, G_PATH, a, 3, G_PATH2, b), WASI_ENOTCAPABLE);
    a = wput(&F, G_PATH, "../x");
    cr_assert_eq(sl_wasi_path_create_directory(&F.inst, 3, G_PATH, a), WASI_ENOTCAPABLE);
    a = wput(&F, G_PATH, "..");
    cr_assert_eq(sl_wasi_path_remove_directory(&F.inst, 3, G_PATH, a), WASI_ENOTCAPABLE);
    a = wput(&F, G_PATH, "abs_out/../x");
    cr_assert_eq(sl_wasi_path_create_directory(&F.inst, 3, G_PATH, a), WASI_ENOTCAPABLE);
    a = wput(&F, G_PATH, "../secret.txt");
    cr_assert_eq(sl_wasi_path_readlink(&F.inst, 3, G_PATH, a, G_BUF, 64, G_OUT),
                 WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_path_filestat_set_times(&F.inst, 3, 0, G_PATH, a, 0, 0,
                                                 WASI_FSTFLAGS_MTIM), WASI_ENOTCAPABLE);
    a = wput(&F, G_PATH, "link_out");
    cr_assert_eq(sl_wasi_path_filestat_set_times(&F.inst, 3, WASI_LOOKUPFLAGS_SYMLINK_FOLLOW,
                                                 G_PATH, a, 0, 0, WASI_FSTFLAGS_MTIM),
                 WASI_ENOTCAPABLE);
    /* Reading the text of a link pointing out is harmless and allowed. */
    cr_assert_eq(sl_wasi_path_readlink(&F.inst, 3, G_PATH, a, G_BUF, 64, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 13);
    cr_assert_eq(memcmp(F.m + G_BUF, "../secret.txt", 13), 0);
    /* Unlinking the link removes the link, not its target. */
    cr_assert_eq(sl_wasi_path_unlink_file(&F.inst, 3, G_PATH, a), 0);
    cr_assert_not(host_exists(&F, "sandbox/link_out"));
    struct stat st;
    cr_assert_eq(stat(F.secret, &st), 0);
    cr_assert_neq(st.st_mtim.tv_sec, 0);
    secret_intact();
}

BOTH_MODES(opened_subdirectory_is_a_sandbox_too)
{
    uint32_t d, fd;
    cr_assert_eq(wopen(&F, 3, "dir", WASI_OFLAGS_DIRECTORY,
                       WASI_RIGHT_PATH_OPEN | WASI_RIGHT_FD_READDIR, 0, true, &d), 0);
    /* Rights of a new directory fd come from what was asked (and inherited). */
    uint32_t len = wput(&F, G_PATH, "../file.txt");
    cr_assert_eq(sl_wasi_path_open(&F.inst, d, 0, G_PATH, len, 0, 0, 0, 0, G_OUT),
                 WASI_ENOTCAPABLE);
    cr_assert_eq(wopen(&F, d, "inner.txt", 0, 0, 0, true, &fd), 0);
}
