/* SPDX-License-Identifier: Apache-2.0 */
/*
 * files.c -- files and directories through wasi-libc: path_open (all oflags),
 * fd_read/write/seek/tell/pread/pwrite, filestat, set_size, set_times,
 * readdir, rename, link, symlink/readlink, unlink, mkdir/rmdir, and the errno
 * of each error path. Runs in the preopened directory ".", which is empty.
 */
#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

int main(void)
{
    char buf[64] = {0};
    struct stat st;

    int fd = open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello world", 11) == 11);
    CHECK(lseek(fd, 0, SEEK_CUR) == 11);
    CHECK(lseek(fd, 6, SEEK_SET) == 6);
    CHECK(read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "world", 5) == 0);
    CHECK(pwrite(fd, "W", 1, 6) == 1);
    CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode));
    CHECK(ftruncate(fd, 5) == 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 5);
    CHECK(fsync(fd) == 0);
    CHECK(fdatasync(fd) == 0);
    CHECK(posix_fallocate(fd, 0, 100) == 0);
    CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0);
    CHECK(close(fd) == 0);
    FAILS_WITH(close(fd), EBADF);
    FAILS_WITH(write(fd, "x", 1), EBADF);

    FAILS_WITH(open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    FAILS_WITH(open("missing.txt", O_RDONLY), ENOENT);
    FAILS_WITH(open("a.txt/x", O_RDONLY), ENOTDIR);
    FAILS_WITH(open("a.txt", O_RDONLY | O_DIRECTORY), ENOTDIR);
    fd = open("a.txt", O_WRONLY | O_TRUNC);
    CHECK(fd >= 0 && close(fd) == 0);
    CHECK(stat("a.txt", &st) == 0 && st.st_size == 0);
    fd = open("a.txt", O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && write(fd, "ab", 2) == 2 && lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "cd", 2) == 2 && close(fd) == 0);
    fd = open("a.txt", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 4 && memcmp(buf, "abcd", 4) == 0);
    /* No write right: ENOTCAPABLE, which some wasi-libc versions report as EBADF. */
    CHECK((errno = 0, write(fd, "x", 1) < 0 && (errno == EBADF || errno == ENOTCAPABLE)));
    close(fd);

    struct timespec ts[2] = {{1000, 0}, {2000, 5}};
    CHECK(utimensat(AT_FDCWD, "a.txt", ts, 0) == 0);
    CHECK(stat("a.txt", &st) == 0 && st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 5);

    CHECK(mkdir("d", 0755) == 0);
    FAILS_WITH(mkdir("d", 0755), EEXIST);
    FAILS_WITH(mkdir("nope/d", 0755), ENOENT);
    CHECK(stat("d", &st) == 0 && S_ISDIR(st.st_mode));
    FAILS_WITH(open("d", O_WRONLY), EISDIR);
    FAILS_WITH(unlink("d"), EISDIR);
    CHECK(rename("a.txt", "d/b.txt") == 0);
    FAILS_WITH(stat("a.txt", &st), ENOENT);
    FAILS_WITH(rmdir("d"), ENOTEMPTY);
    FAILS_WITH(rmdir("d/b.txt"), ENOTDIR);
    CHECK(link("d/b.txt", "hard.txt") == 0);
    CHECK(stat("hard.txt", &st) == 0 && st.st_nlink == 2);
    CHECK(symlink("d/b.txt", "sym") == 0);
    FAILS_WITH(symlink("x", "sym"), EEXIST);
    ssize_t n = readlink("sym", buf, sizeof(buf));
    CHECK(n == 7 && memcmp(buf, "d/b.txt", 7) == 0);
    FAILS_WITH(readlink("hard.txt", buf, sizeof(buf)), EINVAL);
    CHECK(lstat("sym", &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(stat("sym", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 4);
    CHECK(count_entries(".") == 3);
    CHECK(count_entries("d") == 1);
    FAILS_WITH(rename("d", "d/sub"), EINVAL);
    CHECK(unlink("sym") == 0 && unlink("hard.txt") == 0 && unlink("d/b.txt") == 0);
    FAILS_WITH(unlink("d/b.txt"), ENOENT);
    CHECK(rmdir("d") == 0);
    CHECK(count_entries(".") == 0);

    /* Many files: readdir over several fd_readdir calls with cookies. */
    for (int i = 0; i < 300; i++) {
        char name[32];
        snprintf(name, sizeof(name), "file-with-a-long-name-%03d", i);
        int f = open(name, O_CREAT | O_WRONLY, 0644);
        if (f < 0 || close(f) != 0)
            failures++;
    }
    CHECK(count_entries(".") == 300);
    for (int i = 0; i < 300; i++) {
        char name[32];
        snprintf(name, sizeof(name), "file-with-a-long-name-%03d", i);
        if (unlink(name) != 0)
            failures++;
    }
    CHECK(count_entries(".") == 0);
    printf("failures=%d\n", failures);
    return failures;
}
