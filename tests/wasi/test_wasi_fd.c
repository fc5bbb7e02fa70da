/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_wasi_fd.c -- unit tests of the fd_* host functions on a fake instance:
 * data paths, errno of each error path, rights and EFAULT on bad pointers.
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
TestSuite(wasi_fd, .init = up, .fini = down);

#define CREATE (WASI_OFLAGS_CREAT | WASI_OFLAGS_TRUNC)

Test(wasi_fd, write_seek_read_tell)
{
    uint32_t fd;
    char got[64];
    uint32_t n;
    cr_assert_eq(wopen(&F, 3, "new.txt", CREATE, RIGHTS_RW, 0, true, &fd), 0);
    cr_assert_geq(fd, 4);
    cr_assert_eq(wwrite(&F, fd, "abcdef"), 0);
    cr_assert_eq(wload32(&F, G_OUT2), 6);
    cr_assert_eq(sl_wasi_fd_tell(&F.inst, fd, G_OUT), 0);
    cr_assert_eq(wload64(&F, G_OUT), 6);
    cr_assert_eq(sl_wasi_fd_seek(&F.inst, fd, 2, WASI_WHENCE_SET, G_OUT), 0);
    cr_assert_eq(wload64(&F, G_OUT), 2);
    cr_assert_eq(wread(&F, fd, got, sizeof(got), &n), 0);
    cr_assert_str_eq(got, "cdef");
    cr_assert_eq(sl_wasi_fd_seek(&F.inst, fd, (uint64_t)-1, WASI_WHENCE_END, G_OUT), 0);
    cr_assert_eq(wload64(&F, G_OUT), 5);
    cr_assert_eq(sl_wasi_fd_seek(&F.inst, fd, (uint64_t)-100, WASI_WHENCE_CUR, G_OUT), WASI_EINVAL);
    cr_assert_eq(sl_wasi_fd_seek(&F.inst, fd, 0, 3, G_OUT), WASI_EINVAL);
    cr_assert_eq(sl_wasi_fd_close(&F.inst, fd), 0);
    cr_assert_str_eq(host_read(&F, "sandbox/new.txt"), "abcdef");
}

Test(wasi_fd, preview0_whence_numbering)
{
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, RIGHTS_RW, 0, true, &fd), 0);
    /* preview 0: CUR=0, END=1, SET=2 */
    cr_assert_eq(sl_wasi0_fd_seek(&F.inst, fd, 0, WASI0_WHENCE_END, G_OUT), 0);
    cr_assert_eq(wload64(&F, G_OUT), 5);
    cr_assert_eq(sl_wasi0_fd_seek(&F.inst, fd, 1, WASI0_WHENCE_SET, G_OUT), 0);
    cr_assert_eq(wload64(&F, G_OUT), 1);
    cr_assert_eq(sl_wasi0_fd_seek(&F.inst, fd, 1, WASI0_WHENCE_CUR, G_OUT), 0);
    cr_assert_eq(wload64(&F, G_OUT), 2);
    cr_assert_eq(sl_wasi0_fd_seek(&F.inst, fd, 0, 3, G_OUT), WASI_EINVAL);
}

Test(wasi_fd, pread_pwrite_do_not_move_offset)
{
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, RIGHTS_RW, 0, true, &fd), 0);
    wput(&F, G_BUF, "XY");
    wiov(&F, G_IOV, G_BUF, 2);
    cr_assert_eq(sl_wasi_fd_pwrite(&F.inst, fd, G_IOV, 1, 3, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 2);
    wiov(&F, G_IOV, G_BUF + 100, 3);
    cr_assert_eq(sl_wasi_fd_pread(&F.inst, fd, G_IOV, 1, 2, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 3);
    cr_assert_eq(memcmp(F.m + G_BUF + 100, "lXY", 3), 0);
    cr_assert_eq(sl_wasi_fd_tell(&F.inst, fd, G_OUT), 0);
    cr_assert_eq(wload64(&F, G_OUT), 0);
    cr_assert_eq(sl_wasi_fd_pread(&F.inst, fd, G_IOV, 1, (uint64_t)1 << 63, G_OUT), WASI_EINVAL);
    cr_assert_str_eq(host_read(&F, "sandbox/file.txt"), "helXY");
}

Test(wasi_fd, multiple_iovecs_and_empty)
{
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "v.txt", CREATE, RIGHTS_RW, 0, true, &fd), 0);
    wput(&F, G_BUF, "abc");
    wput(&F, G_BUF + 10, "de");
    wiov(&F, G_IOV, G_BUF, 3);
    wiov(&F, G_IOV + 8, G_BUF + 10, 0);
    wiov(&F, G_IOV + 16, G_BUF + 10, 2);
    cr_assert_eq(sl_wasi_fd_write(&F.inst, fd, G_IOV, 3, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 5);
    cr_assert_eq(sl_wasi_fd_write(&F.inst, fd, G_IOV, 0, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 0);
    cr_assert_str_eq(host_read(&F, "sandbox/v.txt"), "abcde");
}

Test(wasi_fd, efault_on_bad_pointers)
{
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, RIGHTS_RW, 0, true, &fd), 0);
    wiov(&F, G_IOV, G_BUF, 4);
    /* iovec array out of bounds, buffer out of bounds, result out of bounds, wrap-around */
    cr_assert_eq(sl_wasi_fd_write(&F.inst, fd, G_SIZE - 4, 1, G_OUT), WASI_EFAULT);
    cr_assert_eq(sl_wasi_fd_write(&F.inst, fd, G_IOV, 0x20000000, G_OUT), WASI_EFAULT);
    wiov(&F, G_IOV, G_SIZE - 2, 4);
    cr_assert_eq(sl_wasi_fd_write(&F.inst, fd, G_IOV, 1, G_OUT), WASI_EFAULT);
    wiov(&F, G_IOV, 0xfffffff0u, 0x20);
    cr_assert_eq(sl_wasi_fd_read(&F.inst, fd, G_IOV, 1, G_OUT), WASI_EFAULT);
    wiov(&F, G_IOV, G_BUF, 4);
    cr_assert_eq(sl_wasi_fd_read(&F.inst, fd, G_IOV, 1, G_SIZE - 3), WASI_EFAULT);
    cr_assert_eq(sl_wasi_fd_fdstat_get(&F.inst, fd, G_SIZE - 8), WASI_EFAULT);
    cr_assert_eq(sl_wasi_fd_filestat_get(&F.inst, fd, G_SIZE - 63), WASI_EFAULT);
    cr_assert_eq(sl_wasi_fd_seek(&F.inst, fd, 0, WASI_WHENCE_SET, G_SIZE), WASI_EFAULT);
    cr_assert_eq(sl_wasi_fd_tell(&F.inst, fd, 0xffffffffu), WASI_EFAULT);
    cr_assert_eq(sl_wasi_fd_prestat_get(&F.inst, 3, G_SIZE - 7), WASI_EFAULT);
    cr_assert_eq(sl_wasi_fd_prestat_dir_name(&F.inst, 3, G_SIZE - 3, 8), WASI_EFAULT);
    /* Nothing was read into memory past a failed call. */
    cr_assert_str_eq(host_read(&F, "sandbox/file.txt"), "hello");
}

Test(wasi_fd, no_memory_is_efault)
{
    F.inst.memory = NULL;
    cr_assert_eq(sl_wasi_fd_write(&F.inst, 1, 0, 0, 0), WASI_EFAULT);
    cr_assert_eq(sl_wasi_args_sizes_get(&F.inst, 0, 4), WASI_EFAULT);
    cr_assert_eq(sl_wasi_clock_time_get(&F.inst, 0, 0, 0), WASI_EFAULT);
    cr_assert_eq(sl_wasi_random_get(&F.inst, 0, 1), WASI_EFAULT);
    F.inst.memory = &F.mem;
}

Test(wasi_fd, ebadf)
{
    char b[8];
    uint32_t n;
    cr_assert_eq(wwrite(&F, 99, "x"), WASI_EBADF);
    cr_assert_eq(wread(&F, 1000000, b, sizeof(b), &n), WASI_EBADF);
    cr_assert_eq(sl_wasi_fd_close(&F.inst, 42), WASI_EBADF);
    cr_assert_eq(sl_wasi_fd_fdstat_get(&F.inst, 0xffffffffu, G_OUT), WASI_EBADF);
    cr_assert_eq(sl_wasi_fd_prestat_get(&F.inst, 4, G_OUT), WASI_EBADF);
    cr_assert_eq(sl_wasi_fd_renumber(&F.inst, 3, 77), WASI_EBADF);
    struct sl_instance none = {0};
    none.memory = &F.mem;
    cr_assert_eq(sl_wasi_fd_write(&none, 1, G_IOV, 0, G_OUT), WASI_EBADF);
}

Test(wasi_fd, close_then_ebadf_and_slot_reuse)
{
    uint32_t a, b;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, RIGHTS_RW, 0, true, &a), 0);
    cr_assert_eq(sl_wasi_fd_close(&F.inst, a), 0);
    cr_assert_eq(sl_wasi_fd_close(&F.inst, a), WASI_EBADF);
    cr_assert_eq(wwrite(&F, a, "x"), WASI_EBADF);
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, RIGHTS_RW, 0, true, &b), 0);
    cr_assert_eq(a, b);
}

Test(wasi_fd, prestat)
{
    cr_assert_eq(sl_wasi_fd_prestat_get(&F.inst, 3, G_OUT), 0);
    cr_assert_eq(F.m[G_OUT], WASI_PREOPENTYPE_DIR);
    cr_assert_eq(wload32(&F, G_OUT + 4), 8);
    cr_assert_eq(sl_wasi_fd_prestat_dir_name(&F.inst, 3, G_BUF, 7), WASI_ENAMETOOLONG);
    cr_assert_eq(sl_wasi_fd_prestat_dir_name(&F.inst, 3, G_BUF, 8), 0);
    cr_assert_eq(memcmp(F.m + G_BUF, "/sandbox", 8), 0);
    cr_assert_eq(sl_wasi_fd_prestat_get(&F.inst, 1, G_OUT), WASI_EBADF);
}

Test(wasi_fd, fdstat_and_rights)
{
    cr_assert_eq(sl_wasi_fd_fdstat_get(&F.inst, 3, G_BUF), 0);
    struct wasi_fdstat st;
    memcpy(&st, F.m + G_BUF, sizeof(st));
    cr_assert_eq(st.fs_filetype, WASI_FILETYPE_DIRECTORY);
    cr_assert(st.fs_rights_base & WASI_RIGHT_PATH_OPEN);
    cr_assert_eq(st.fs_rights_inheriting, WASI_RIGHTS_ALL);

    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, WASI_RIGHT_FD_READ, 0, true, &fd), 0);
    cr_assert_eq(sl_wasi_fd_fdstat_get(&F.inst, fd, G_BUF), 0);
    memcpy(&st, F.m + G_BUF, sizeof(st));
    cr_assert_eq(st.fs_filetype, WASI_FILETYPE_REGULAR_FILE);
    cr_assert_eq(st.fs_rights_base, WASI_RIGHT_FD_READ);
    /* Missing rights: ENOTCAPABLE, and the file is untouched. */
    cr_assert_eq(wwrite(&F, fd, "zz"), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_fd_seek(&F.inst, fd, 1, WASI_WHENCE_SET, G_OUT), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_fd_tell(&F.inst, fd, G_OUT), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_fd_filestat_get(&F.inst, fd, G_BUF), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_fd_filestat_set_size(&F.inst, fd, 0), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_fd_datasync(&F.inst, fd), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_fd_allocate(&F.inst, fd, 0, 10), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_fd_readdir(&F.inst, fd, G_BUF, 100, 0, G_OUT), WASI_ENOTCAPABLE);
    cr_assert_str_eq(host_read(&F, "sandbox/file.txt"), "hello");
    /* Rights only shrink. */
    cr_assert_eq(sl_wasi_fd_fdstat_set_rights(&F.inst, fd, RIGHTS_RW, 0), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_fd_fdstat_set_rights(&F.inst, fd, 0, 0), 0);
    char b[8];
    uint32_t n;
    cr_assert_eq(wread(&F, fd, b, sizeof(b), &n), WASI_ENOTCAPABLE);
}

Test(wasi_fd, dropping_directory_rights)
{
    cr_assert_eq(sl_wasi_fd_fdstat_set_rights(&F.inst, 3, WASI_RIGHT_PATH_OPEN,
                                              WASI_RIGHT_FD_READ), 0);
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, WASI_RIGHT_FD_READ, 0, true, &fd), 0);
    /* Asking for more than the directory's inheriting rights. */
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, WASI_RIGHT_FD_WRITE, 0, true, &fd), WASI_ENOTCAPABLE);
    /* Creating needs PATH_CREATE_FILE, truncating PATH_FILESTAT_SET_SIZE. */
    cr_assert_eq(wopen(&F, 3, "n", WASI_OFLAGS_CREAT, WASI_RIGHT_FD_READ, 0, true, &fd),
                 WASI_ENOTCAPABLE);
    cr_assert_eq(wopen(&F, 3, "file.txt", WASI_OFLAGS_TRUNC, WASI_RIGHT_FD_READ, 0, true, &fd),
                 WASI_ENOTCAPABLE);
    cr_assert_not(host_exists(&F, "sandbox/n"));
    uint32_t len = wput(&F, G_PATH, "d");
    cr_assert_eq(sl_wasi_path_create_directory(&F.inst, 3, G_PATH, len), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_path_unlink_file(&F.inst, 3, G_PATH, len), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_fd_readdir(&F.inst, 3, G_BUF, 100, 0, G_OUT), WASI_ENOTCAPABLE);
    /* O_DSYNC needs FD_DATASYNC among the inheriting rights. */
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, WASI_RIGHT_FD_READ, WASI_FDFLAGS_DSYNC, true, &fd),
                 WASI_ENOTCAPABLE);
}

Test(wasi_fd, filestat_layouts)
{
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, RIGHTS_RW, 0, true, &fd), 0);
    cr_assert_eq(sl_wasi_fd_filestat_get(&F.inst, fd, G_BUF), 0);
    struct wasi_filestat st;
    memcpy(&st, F.m + G_BUF, sizeof(st));
    cr_assert_eq(st.filetype, WASI_FILETYPE_REGULAR_FILE);
    cr_assert_eq(st.nlink, 1);
    cr_assert_eq(st.size, 5);
    cr_assert_neq(st.ino, 0);
    memset(F.m + G_BUF, 0xaa, 128);
    cr_assert_eq(sl_wasi0_fd_filestat_get(&F.inst, fd, G_BUF), 0);
    struct wasi0_filestat s0;
    memcpy(&s0, F.m + G_BUF, sizeof(s0));
    cr_assert_eq(s0.filetype, WASI_FILETYPE_REGULAR_FILE);
    cr_assert_eq(s0.nlink, 1);
    cr_assert_eq(s0.size, 5);
    cr_assert_eq(s0.ino, st.ino);
    cr_assert_eq(F.m[G_BUF + 56], 0xaa); /* 56 bytes exactly */
}

Test(wasi_fd, set_size_times_allocate_advise_sync)
{
    uint32_t fd;
    uint64_t r = RIGHTS_RW | WASI_RIGHT_FD_FILESTAT_SET_SIZE | WASI_RIGHT_FD_FILESTAT_SET_TIMES
                 | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_SYNC
                 | WASI_RIGHT_FD_DATASYNC;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, r, 0, true, &fd), 0);
    cr_assert_eq(sl_wasi_fd_filestat_set_size(&F.inst, fd, 2), 0);
    cr_assert_str_eq(host_read(&F, "sandbox/file.txt"), "he");
    cr_assert_eq(sl_wasi_fd_filestat_set_size(&F.inst, fd, UINT64_MAX), WASI_EFBIG);
    uint64_t t = 1000000000ull * 1234567 + 89;
    cr_assert_eq(sl_wasi_fd_filestat_set_times(&F.inst, fd, t, t,
                                               WASI_FSTFLAGS_ATIM | WASI_FSTFLAGS_MTIM), 0);
    struct stat st;
    cr_assert_eq(stat(strcat(strcpy((char[PATH_MAX + 16]){0}, F.root), "/file.txt"), &st), 0);
    cr_assert_eq(st.st_mtim.tv_sec, 1234567);
    cr_assert_eq(st.st_mtim.tv_nsec, 89);
    cr_assert_eq(sl_wasi_fd_filestat_set_times(&F.inst, fd, 0, 0,
                                               WASI_FSTFLAGS_ATIM | WASI_FSTFLAGS_ATIM_NOW),
                 WASI_EINVAL);
    cr_assert_eq(sl_wasi_fd_filestat_set_times(&F.inst, fd, 0, 0, 0x10), WASI_EINVAL);
    cr_assert_eq(sl_wasi_fd_filestat_set_times(&F.inst, fd, 0, 0, WASI_FSTFLAGS_MTIM_NOW), 0);
    cr_assert_eq(sl_wasi_fd_allocate(&F.inst, fd, 0, 100), 0);
    cr_assert_eq(sl_wasi_fd_filestat_get(&F.inst, fd, G_BUF), 0);
    cr_assert_eq(wload64(&F, G_BUF + 32), 100);
    cr_assert_eq(sl_wasi_fd_advise(&F.inst, fd, 0, 0, WASI_ADVICE_SEQUENTIAL), 0);
    cr_assert_eq(sl_wasi_fd_advise(&F.inst, fd, 0, 0, 6), WASI_EINVAL);
    cr_assert_eq(sl_wasi_fd_sync(&F.inst, fd), 0);
    cr_assert_eq(sl_wasi_fd_datasync(&F.inst, fd), 0);
}

Test(wasi_fd, fdstat_set_flags_append)
{
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, RIGHTS_RW | WASI_RIGHT_FD_FDSTAT_SET_FLAGS, 0, true,
                       &fd), 0);
    cr_assert_eq(sl_wasi_fd_fdstat_set_flags(&F.inst, fd, WASI_FDFLAGS_APPEND), 0);
    cr_assert_eq(wwrite(&F, fd, "!"), 0);
    cr_assert_str_eq(host_read(&F, "sandbox/file.txt"), "hello!");
    cr_assert_eq(sl_wasi_fd_fdstat_get(&F.inst, fd, G_BUF), 0);
    cr_assert_eq(F.m[G_BUF + 2], WASI_FDFLAGS_APPEND);
    cr_assert_eq(sl_wasi_fd_fdstat_set_flags(&F.inst, fd, WASI_FDFLAGS_SYNC), WASI_ENOTSUP);
    cr_assert_eq(sl_wasi_fd_fdstat_set_flags(&F.inst, fd, 0x100), WASI_EINVAL);
}

Test(wasi_fd, renumber)
{
    uint32_t a, b;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, RIGHTS_RW, 0, true, &a), 0);
    cr_assert_eq(wopen(&F, 3, "dir/inner.txt", 0, RIGHTS_RW, 0, true, &b), 0);
    cr_assert_eq(sl_wasi_fd_renumber(&F.inst, b, a), 0);
    char got[16];
    uint32_t n;
    cr_assert_eq(wread(&F, a, got, sizeof(got), &n), 0);
    cr_assert_str_eq(got, "inner");
    cr_assert_eq(wread(&F, b, got, sizeof(got), &n), WASI_EBADF);
    cr_assert_eq(sl_wasi_fd_renumber(&F.inst, a, a), 0);
}

Test(wasi_fd, read_directory_is_eisdir)
{
    uint32_t fd;
    char b[8];
    uint32_t n;
    cr_assert_eq(wopen(&F, 3, "dir", WASI_OFLAGS_DIRECTORY,
                       WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR, 0, true, &fd), 0);
    cr_assert_eq(wread(&F, fd, b, sizeof(b), &n), WASI_ENOTCAPABLE); /* dirs never hold FD_READ */
    cr_assert_eq(wopen(&F, 3, "dir", 0, WASI_RIGHT_FD_WRITE, 0, true, &fd), WASI_EISDIR);
}

/* Collects "name/type" of every entry by walking cookies with a buffer of buf_len bytes. */
static void list_dir(uint32_t fd, uint32_t buf_len, char *out, size_t cap)
{
    uint64_t cookie = 0;
    out[0] = '\0';
    for (int guard = 0; guard < 1000; guard++) {
        memset(F.m + G_BUF, 0, buf_len);
        cr_assert_eq(sl_wasi_fd_readdir(&F.inst, fd, G_BUF, buf_len, cookie, G_OUT), 0);
        uint32_t used = wload32(&F, G_OUT), off = 0;
        bool progressed = false;
        while (off + sizeof(struct wasi_dirent) <= used) {
            struct wasi_dirent d;
            memcpy(&d, F.m + G_BUF + off, sizeof(d));
            off += sizeof(d);
            if (off + d.d_namlen > used)
                break; /* partial entry: read again from its cookie */
            char name[256] = {0};
            memcpy(name, F.m + G_BUF + off, d.d_namlen);
            off += d.d_namlen;
            if (strcmp(name, ".") && strcmp(name, "..")) {
                char item[300];
                snprintf(item, sizeof(item), "%s/%u ", name, d.d_type);
                strncat(out, item, cap - strlen(out) - 1);
            }
            cookie = d.d_next;
            progressed = true;
        }
        if (used < buf_len)
            return;
        cr_assert(progressed, "buffer of %u bytes cannot hold one entry", buf_len);
    }
    cr_assert_fail("readdir did not terminate");
}

static bool has(const char *list, const char *item)
{
    return strstr(list, item) != NULL;
}

Test(wasi_fd, readdir_cookies_and_partial_entries)
{
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, ".", WASI_OFLAGS_DIRECTORY, WASI_RIGHT_FD_READDIR, 0, true, &fd), 0);
    static char big[4096], small[4096];
    list_dir(fd, 4000, big, sizeof(big));
    list_dir(fd, 40, small, sizeof(small)); /* one entry at a time, cut mid-name */
    cr_assert_str_eq(big, small);
    cr_assert(has(big, "file.txt/4 "));
    cr_assert(has(big, "dir/3 "));
    cr_assert(has(big, "link_out/7 "));
    cr_assert(has(big, "empty/3 "));
    /* A buffer smaller than one header is filled completely. */
    cr_assert_eq(sl_wasi_fd_readdir(&F.inst, fd, G_BUF, 10, 0, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 10);
    /* Past the end: nothing. */
    cr_assert_eq(sl_wasi_fd_readdir(&F.inst, fd, G_BUF, 0, 0, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 0);
    cr_assert_eq(sl_wasi_fd_readdir(&F.inst, fd, G_SIZE - 10, 100, 0, G_OUT), WASI_EFAULT);
    uint32_t file;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, WASI_RIGHT_FD_READ, 0, true, &file), 0);
    cr_assert_eq(sl_wasi_fd_readdir(&F.inst, file, G_BUF, 100, 0, G_OUT), WASI_ENOTCAPABLE);
}

Test(wasi_fd, stdio_is_inherited)
{
    cr_assert_eq(sl_wasi_fd_fdstat_get(&F.inst, 1, G_BUF), 0);
    cr_assert(wload64(&F, G_BUF + 8) & WASI_RIGHT_FD_WRITE);
    cr_assert_eq(sl_wasi_fd_close(&F.inst, 1), 0);
    cr_assert_eq(sl_wasi_fd_fdstat_get(&F.inst, 1, G_BUF), WASI_EBADF);
    /* The host's stdout is still open. */
    struct stat st;
    cr_assert_eq(fstat(1, &st), 0);
}
