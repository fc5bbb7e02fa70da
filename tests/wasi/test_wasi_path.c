/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_wasi_path.c -- unit tests of the path_* functions inside the sandbox:
 * success paths and the errno of each error path (ENOENT, ENOTDIR, EISDIR,
 * EEXIST, ENOTEMPTY, EINVAL, EILSEQ, ENAMETOOLONG, EFAULT).
 */
#include "sl_common.h"

#include "wasi_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static struct wfix F;
static void up(void) { wfix_init(&F, true); }
static void down(void) { wfix_fini(&F); }
TestSuite(wasi_path, .init = up, .fini = down);

static uint32_t mkdir_(const char *p)
{
    uint32_t len = wput(&F, G_PATH, p);
    return sl_wasi_path_create_directory(&F.inst, 3, G_PATH, len);
}

static uint32_t rmdir_(const char *p)
{
    uint32_t len = wput(&F, G_PATH, p);
    return sl_wasi_path_remove_directory(&F.inst, 3, G_PATH, len);
}

static uint32_t unlink_(const char *p)
{
    uint32_t len = wput(&F, G_PATH, p);
    return sl_wasi_path_unlink_file(&F.inst, 3, G_PATH, len);
}

static uint32_t rename_(const char *a, const char *b)
{
    uint32_t la = wput(&F, G_PATH, a), lb = wput(&F, G_PATH2, b);
    return sl_wasi_path_rename(&F.inst, 3, G_PATH, la, 3, G_PATH2, lb);
}

static uint32_t symlink_(const char *target, const char *p)
{
    uint32_t lt = wput(&F, G_PATH2, target), lp = wput(&F, G_PATH, p);
    return sl_wasi_path_symlink(&F.inst, G_PATH2, lt, 3, G_PATH, lp);
}

Test(wasi_path, create_and_remove_directory)
{
    cr_assert_eq(mkdir_("new"), 0);
    cr_assert(host_exists(&F, "sandbox/new"));
    cr_assert_eq(mkdir_("new"), WASI_EEXIST);
    cr_assert_eq(mkdir_("file.txt"), WASI_EEXIST);
    cr_assert_eq(mkdir_("new/"), WASI_EEXIST);
    cr_assert_eq(mkdir_("missing/sub"), WASI_ENOENT);
    cr_assert_eq(mkdir_("file.txt/sub"), WASI_ENOTDIR);
    cr_assert_eq(mkdir_("."), WASI_EEXIST);
    cr_assert_eq(mkdir_("dir/.."), WASI_EEXIST);
    cr_assert_eq(mkdir_(""), WASI_ENOENT);
    cr_assert_eq(rmdir_("dir"), WASI_ENOTEMPTY);
    cr_assert_eq(rmdir_("file.txt"), WASI_ENOTDIR);
    cr_assert_eq(rmdir_("nope"), WASI_ENOENT);
    cr_assert_eq(rmdir_("dirlink"), WASI_ENOTDIR);
    cr_assert_eq(rmdir_("new/"), 0);
    cr_assert_not(host_exists(&F, "sandbox/new"));
    cr_assert_eq(rmdir_("empty"), 0);
}

Test(wasi_path, unlink_file)
{
    cr_assert_eq(unlink_("dir"), WASI_EISDIR);
    cr_assert_eq(unlink_("dir/"), WASI_EISDIR);
    cr_assert_eq(unlink_("file.txt/"), WASI_ENOTDIR);
    cr_assert_eq(unlink_("nope"), WASI_ENOENT);
    cr_assert_eq(unlink_("nope/x"), WASI_ENOENT);
    cr_assert_eq(unlink_("dirlink"), 0); /* removes the link only */
    cr_assert(host_exists(&F, "sandbox/dir/inner.txt"));
    cr_assert_eq(unlink_("dir/inner.txt"), 0);
    cr_assert_not(host_exists(&F, "sandbox/dir/inner.txt"));
}

Test(wasi_path, open_errors)
{
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "nope", 0, WASI_RIGHT_FD_READ, 0, true, &fd), WASI_ENOENT);
    cr_assert_eq(wopen(&F, 3, "file.txt", WASI_OFLAGS_DIRECTORY, WASI_RIGHT_FD_READ, 0, true, &fd),
                 WASI_ENOTDIR);
    cr_assert_eq(wopen(&F, 3, "file.txt/x", 0, WASI_RIGHT_FD_READ, 0, true, &fd), WASI_ENOTDIR);
    cr_assert_eq(wopen(&F, 3, "file.txt",
                       WASI_OFLAGS_CREAT | WASI_OFLAGS_EXCL, WASI_RIGHT_FD_WRITE, 0, true, &fd),
                 WASI_EEXIST);
    cr_assert_eq(wopen(&F, 3, "dir", WASI_OFLAGS_CREAT, WASI_RIGHT_FD_WRITE, 0, true, &fd),
                 WASI_EISDIR);
    cr_assert_eq(wopen(&F, 3, "file.txt", 0x10, WASI_RIGHT_FD_READ, 0, true, &fd), WASI_EINVAL);
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, WASI_RIGHT_FD_READ, 0x20, true, &fd), WASI_EINVAL);
    uint32_t len = wput(&F, G_PATH, "file.txt");
    cr_assert_eq(sl_wasi_path_open(&F.inst, 3, 2, G_PATH, len, 0, 0, 0, 0, G_OUT), WASI_EINVAL);
    /* Path ops on something that is not a directory. */
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, WASI_RIGHT_FD_READ, 0, true, &fd), 0);
    cr_assert_eq(wopen(&F, fd, "x", 0, WASI_RIGHT_FD_READ, 0, true, NULL), WASI_ENOTDIR);
    cr_assert_eq(wopen(&F, 99, "x", 0, WASI_RIGHT_FD_READ, 0, true, NULL), WASI_EBADF);
    /* Bad path pointers and contents. */
    cr_assert_eq(sl_wasi_path_open(&F.inst, 3, 0, G_SIZE - 2, 8, 0, 0, 0, 0, G_OUT), WASI_EFAULT);
    cr_assert_eq(sl_wasi_path_open(&F.inst, 3, 0, G_PATH, len, 0, 0, 0, 0, G_SIZE), WASI_EFAULT);
    memcpy(F.m + G_PATH, "fi\0e", 4);
    cr_assert_eq(sl_wasi_path_open(&F.inst, 3, 0, G_PATH, 4, 0, 0, 0, 0, G_OUT), WASI_EINVAL);
    memcpy(F.m + G_PATH, "fi\xff\xfe", 4);
    cr_assert_eq(sl_wasi_path_open(&F.inst, 3, 0, G_PATH, 4, 0, 0, 0, 0, G_OUT), WASI_EILSEQ);
    memset(F.m + G_BUF, 'a', 5000);
    cr_assert_eq(sl_wasi_path_open(&F.inst, 3, 0, G_BUF, 5000, 0, 0, 0, 0, G_OUT),
                 WASI_ENAMETOOLONG);
}

Test(wasi_path, open_create_exclusive_truncate)
{
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "c.txt", WASI_OFLAGS_CREAT | WASI_OFLAGS_EXCL,
                       WASI_RIGHT_FD_WRITE, 0, true, &fd), 0);
    cr_assert_eq(wwrite(&F, fd, "12345"), 0);
    cr_assert_eq(wopen(&F, 3, "c.txt", WASI_OFLAGS_TRUNC, WASI_RIGHT_FD_WRITE, 0, true, &fd), 0);
    cr_assert_str_eq(host_read(&F, "sandbox/c.txt"), "");
    cr_assert_eq(wopen(&F, 3, "c.txt", 0, WASI_RIGHT_FD_WRITE, WASI_FDFLAGS_APPEND, true, &fd), 0);
    cr_assert_eq(wwrite(&F, fd, "ab"), 0);
    cr_assert_eq(wwrite(&F, fd, "cd"), 0);
    cr_assert_str_eq(host_read(&F, "sandbox/c.txt"), "abcd");
    cr_assert_eq(sl_wasi_fd_fdstat_get(&F.inst, fd, G_BUF), 0);
    cr_assert_eq(F.m[G_BUF + 2], WASI_FDFLAGS_APPEND);
    /* No access rights at all: still openable (for stat). */
    cr_assert_eq(wopen(&F, 3, "c.txt", 0, WASI_RIGHT_FD_FILESTAT_GET, 0, true, &fd), 0);
    cr_assert_eq(sl_wasi_fd_filestat_get(&F.inst, fd, G_BUF), 0);
    cr_assert_eq(wload64(&F, G_BUF + 32), 4);
}

Test(wasi_path, filestat_follow_and_not)
{
    uint32_t len = wput(&F, G_PATH, "link_in");
    cr_assert_eq(sl_wasi_path_filestat_get(&F.inst, 3, WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, G_PATH,
                                           len, G_BUF), 0);
    cr_assert_eq(F.m[G_BUF + 16], WASI_FILETYPE_REGULAR_FILE);
    cr_assert_eq(wload64(&F, G_BUF + 32), 5);
    cr_assert_eq(sl_wasi_path_filestat_get(&F.inst, 3, 0, G_PATH, len, G_BUF), 0);
    cr_assert_eq(F.m[G_BUF + 16], WASI_FILETYPE_SYMBOLIC_LINK);
    cr_assert_eq(sl_wasi0_path_filestat_get(&F.inst, 3, 0, G_PATH, len, G_BUF), 0);
    cr_assert_eq(F.m[G_BUF + 16], WASI_FILETYPE_SYMBOLIC_LINK);
    cr_assert_eq(wload32(&F, G_BUF + 20), 1);
    cr_assert_eq(wload64(&F, G_BUF + 24), 8); /* strlen("file.txt") */
    cr_assert_eq(sl_wasi_path_filestat_get(&F.inst, 3, 2, G_PATH, len, G_BUF), WASI_EINVAL);
    len = wput(&F, G_PATH, "nope");
    cr_assert_eq(sl_wasi_path_filestat_get(&F.inst, 3, 0, G_PATH, len, G_BUF), WASI_ENOENT);
    len = wput(&F, G_PATH, "file.txt/");
    cr_assert_eq(sl_wasi_path_filestat_get(&F.inst, 3, 0, G_PATH, len, G_BUF), WASI_ENOTDIR);
    len = wput(&F, G_PATH, "file.txt");
    cr_assert_eq(sl_wasi_path_filestat_get(&F.inst, 3, 0, G_PATH, len, G_SIZE - 8), WASI_EFAULT);
}

Test(wasi_path, filestat_set_times)
{
    uint32_t len = wput(&F, G_PATH, "link_in");
    uint64_t t = 1000000000ull * 42;
    cr_assert_eq(sl_wasi_path_filestat_set_times(&F.inst, 3, WASI_LOOKUPFLAGS_SYMLINK_FOLLOW,
                                                 G_PATH, len, t, t,
                                                 WASI_FSTFLAGS_ATIM | WASI_FSTFLAGS_MTIM), 0);
    struct stat st;
    char p[PATH_MAX + 16];
    snprintf(p, sizeof(p), "%s/file.txt", F.root);
    cr_assert_eq(stat(p, &st), 0);
    cr_assert_eq(st.st_mtim.tv_sec, 42);
    cr_assert_eq(sl_wasi_path_filestat_set_times(&F.inst, 3, 0, G_PATH, len, t * 2, t * 2,
                                                 WASI_FSTFLAGS_MTIM), 0);
    snprintf(p, sizeof(p), "%s/link_in", F.root);
    cr_assert_eq(lstat(p, &st), 0);
    cr_assert_eq(st.st_mtim.tv_sec, 84);
    cr_assert_eq(sl_wasi_path_filestat_set_times(&F.inst, 3, 0, G_PATH, len, 0, 0,
                                                 WASI_FSTFLAGS_MTIM | WASI_FSTFLAGS_MTIM_NOW),
                 WASI_EINVAL);
}

Test(wasi_path, rename)
{
    cr_assert_eq(rename_("file.txt", "renamed.txt"), 0);
    cr_assert_str_eq(host_read(&F, "sandbox/renamed.txt"), "hello");
    cr_assert_eq(rename_("file.txt", "x"), WASI_ENOENT);
    cr_assert_eq(rename_("renamed.txt", "dir"), WASI_EISDIR);
    cr_assert_eq(rename_("empty", "renamed.txt"), WASI_ENOTDIR);
    cr_assert_eq(rename_("renamed.txt/", "y"), WASI_ENOTDIR);
    cr_assert_eq(rename_("empty", "dir"), WASI_ENOTEMPTY);
    cr_assert_eq(rename_("dir", "dir/sub"), WASI_EINVAL);
    cr_assert_eq(rename_("empty/", "dir/moved/"), 0);
    cr_assert(host_exists(&F, "sandbox/dir/moved"));
}

Test(wasi_path, symlink_readlink)
{
    cr_assert_eq(symlink_("dir/inner.txt", "l"), 0);
    cr_assert_eq(symlink_("x", "l"), WASI_EEXIST);
    cr_assert_eq(symlink_("x", "nope/l"), WASI_ENOENT);
    cr_assert_eq(symlink_("", "l2"), WASI_ENOENT);
    cr_assert_eq(symlink_("x", "l3/"), WASI_ENOENT);
    uint32_t len = wput(&F, G_PATH, "l");
    cr_assert_eq(sl_wasi_path_readlink(&F.inst, 3, G_PATH, len, G_BUF, 64, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 13);
    cr_assert_eq(memcmp(F.m + G_BUF, "dir/inner.txt", 13), 0);
    /* A short buffer gets a truncated target. */
    cr_assert_eq(sl_wasi_path_readlink(&F.inst, 3, G_PATH, len, G_BUF + 100, 3, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 3);
    cr_assert_eq(memcmp(F.m + G_BUF + 100, "dir", 3), 0);
    cr_assert_eq(sl_wasi_path_readlink(&F.inst, 3, G_PATH, len, G_SIZE - 2, 64, G_OUT),
                 WASI_EFAULT);
    len = wput(&F, G_PATH, "file.txt");
    cr_assert_eq(sl_wasi_path_readlink(&F.inst, 3, G_PATH, len, G_BUF, 64, G_OUT), WASI_EINVAL);
    len = wput(&F, G_PATH, "nope");
    cr_assert_eq(sl_wasi_path_readlink(&F.inst, 3, G_PATH, len, G_BUF, 64, G_OUT), WASI_ENOENT);
    uint32_t fd;
    char got[16];
    uint32_t n;
    cr_assert_eq(wopen(&F, 3, "l", 0, WASI_RIGHT_FD_READ, 0, true, &fd), 0);
    cr_assert_eq(wread(&F, fd, got, sizeof(got), &n), 0);
    cr_assert_str_eq(got, "inner");
}

Test(wasi_path, link)
{
    uint32_t o = wput(&F, G_PATH, "file.txt"), n = wput(&F, G_PATH2, "dir/inner.txt");
    cr_assert_eq(sl_wasi_path_link(&F.inst, 3, 0, G_PATH, o, 3, G_PATH2, n), WASI_EEXIST);
    n = wput(&F, G_PATH2, "nope/x");
    cr_assert_eq(sl_wasi_path_link(&F.inst, 3, 0, G_PATH, o, 3, G_PATH2, n), WASI_ENOENT);
    o = wput(&F, G_PATH, "dir");
    n = wput(&F, G_PATH2, "dir2");
    cr_assert_eq(sl_wasi_path_link(&F.inst, 3, 0, G_PATH, o, 3, G_PATH2, n), WASI_EPERM);
    cr_assert_eq(sl_wasi_path_link(&F.inst, 3, 4, G_PATH, o, 3, G_PATH2, n), WASI_EINVAL);
}
