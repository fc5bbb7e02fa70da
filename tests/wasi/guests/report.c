/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.c -- prints what a series of WASI calls return (results, errno,
 * file types, sizes, directory listings) without judging them, in the empty
 * preopened directory ".". For the differential test against Node.js: every
 * line must be the same under both runtimes, except allow-listed ones.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

/* Prints "label: value errno" for a call returning < 0 on error. */
#define SHOW(label, call)                                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long long r_ = (long long)(call);                                                          \
        printf("%s: %lld errno=%d\n", label, r_ < 0 ? -1LL : r_, r_ < 0 ? errno : 0);           \
    } while (0)

static const char *type_name(mode_t m)
{
    if (S_ISREG(m))
        return "file";
    if (S_ISDIR(m))
        return "dir";
    if (S_ISLNK(m))
        return "symlink";
    if (S_ISCHR(m))
        return "chardev";
    if (S_ISBLK(m))
        return "blockdev";
    if (S_ISSOCK(m))
        return "socket";
    return "other";
}

static void show_stat(const char *label, const char *path, bool follow)
{
    struct stat st;
    errno = 0;
    int r = follow ? stat(path, &st) : lstat(path, &st);
    if (r != 0)
        printf("%s: errno=%d\n", label, errno);
    else
        printf("%s: %s size=%lld nlink=%llu\n", label, type_name(st.st_mode),
               S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size,
               (unsigned long long)st.st_nlink);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir other than "." and "..", sorted, with their d_type; then how many of
 * "." and ".." were listed, on a line of its own. */
static void show_dir(const char *label, const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        printf("%s: errno=%d\n", label, errno);
        return;
    }
    char *names[64];
    int n = 0, dots = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            dots++;
            continue;
        }
        char buf[300];
        snprintf(buf, sizeof(buf), "%s/%d", e->d_name, e->d_type);
        names[n++] = strdup(buf);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
    printf("%s:", label);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n%s dots: %d\n", label, dots);
}

int main(void)
{
    char buf[64];

    /* preopens as the guest sees them */
    for (int fd = 3; fd < 16; fd++) {
        __wasi_prestat_t ps;
        __wasi_errno_t e = __wasi_fd_prestat_get(fd, &ps);
        if (e != 0) {
            printf("prestat %d: errno=%d\n", fd, e);
            break;
        }
        char name[64] = {0};
        e = __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, ps.u.dir.pr_name_len);
        printf("prestat %d: %d %s\n", fd, e, name);
    }
    __wasi_fdstat_t fs;
    for (int fd = 3; fd < 5; fd++) {
        __wasi_errno_t e = __wasi_fd_fdstat_get(fd, &fs);
        printf("fdstat %d: %d type=%d\n", fd, e, e ? -1 : fs.fs_filetype);
    }

    /* a file: write, seek, read, stat, grow, shrink */
    int fd = open("f", O_CREAT | O_RDWR | O_EXCL, 0644);
    printf("open f: %s\n", fd >= 0 ? "ok" : "failed");
    SHOW("write", write(fd, "hello", 5));
    SHOW("seek end", lseek(fd, 0, SEEK_END));
    SHOW("seek set 1", lseek(fd, 1, SEEK_SET));
    SHOW("read", read(fd, buf, sizeof(buf)));
    SHOW("read at eof", read(fd, buf, sizeof(buf)));
    SHOW("seek cur -2", lseek(fd, -2, SEEK_CUR));
    SHOW("seek negative", lseek(fd, -100, SEEK_SET));
    SHOW("pwrite past end", pwrite(fd, "x", 1, 9));
    show_stat("stat f", "f", true);
    SHOW("pread hole", pread(fd, buf, 10, 0));
    printf("hole bytes: %d %d %d\n", buf[4], buf[5], buf[9]);
    SHOW("ftruncate 3", ftruncate(fd, 3));
    show_stat("stat f", "f", true);
    SHOW("close", close(fd));
    SHOW("close again", close(fd));
    SHOW("read closed", read(fd, buf, 1));

    /* directories, links and their errors */
    SHOW("mkdir d", mkdir("d", 0755));
    SHOW("mkdir d again", mkdir("d", 0755));
    SHOW("mkdir missing/x", mkdir("missing/x", 0755));
    SHOW("mkdir f/x", mkdir("f/x", 0755));
    SHOW("rename f d/g", rename("f", "d/g"));
    SHOW("rename d d/sub", rename("d", "d/sub"));
    SHOW("rename missing", rename("missing", "x"));
    SHOW("rmdir d", rmdir("d"));
    SHOW("rmdir d/g", rmdir("d/g"));
    SHOW("unlink d", unlink("d"));
    SHOW("link d/g h", link("d/g", "h"));
    SHOW("link to existing", link("d/g", "h"));
    show_stat("stat h", "h", true);
    SHOW("symlink s", symlink("d/g", "s"));
    SHOW("symlink dangling", symlink("nowhere", "dangling"));
    SHOW("symlink loop a", symlink("loop_b", "loop_a"));
    SHOW("symlink loop b", symlink("loop_a", "loop_b"));
    show_stat("stat s", "s", true);
    show_stat("lstat s", "s", false);
    show_stat("stat dangling", "dangling", true);
    show_stat("stat loop_a", "loop_a", true);
    show_stat("stat d", "d", true);
    show_stat("stat d/g/", "d/g/", true);
    show_stat("stat ../x", "../x", true);
    show_stat("stat d/../../x", "d/../../x", true);
    show_stat("stat d/..", "d/..", true);
    SHOW("readlink s", readlink("s", buf, sizeof(buf)));
    memset(buf, 0, sizeof(buf));
    SHOW("readlink short", readlink("s", buf, 2));
    printf("readlink short text: %s\n", buf);
    SHOW("readlink h", readlink("h", buf, sizeof(buf)));
    SHOW("readlink missing", readlink("missing", buf, sizeof(buf)));
    SHOW("open missing", open("missing", O_RDONLY));
    SHOW("open d wronly", open("d", O_WRONLY));
    SHOW("open h directory", open("h", O_RDONLY | O_DIRECTORY));
    SHOW("open h/x", open("h/x", O_RDONLY));
    SHOW("open h excl", open("h", O_CREAT | O_EXCL | O_WRONLY, 0644));
    SHOW("open loop_a", open("loop_a", O_RDONLY));
    SHOW("open ../x", open("../x", O_RDONLY));
    SHOW("open s/x", open("s/x", O_RDONLY));
    fd = open("dangling", O_CREAT | O_WRONLY, 0644);
    printf("create through dangling: %s\n", fd >= 0 ? "ok" : "failed");
    if (fd >= 0)
        close(fd);
    show_stat("stat nowhere", "nowhere", false);
    show_dir("list .", ".");
    show_dir("list d", "d");
    show_dir("list h", "h");

    /* times in whole seconds */
    struct timespec ts[2] = {{100, 0}, {200, 0}};
    SHOW("utimensat h", utimensat(AT_FDCWD, "h", ts, 0));
    struct stat st;
    if (stat("h", &st) == 0)
        printf("times h: %lld %lld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec);

    /* clean up, then the directory is empty again */
    SHOW("unlink h", unlink("h"));
    SHOW("unlink s", unlink("s"));
    SHOW("unlink dangling", unlink("dangling"));
    SHOW("unlink nowhere", unlink("nowhere"));
    SHOW("unlink loop_a", unlink("loop_a"));
    SHOW("unlink loop_b", unlink("loop_b"));
    SHOW("unlink d/g", unlink("d/g"));
    SHOW("unlink d/g again", unlink("d/g"));
    SHOW("rmdir d", rmdir("d"));
    show_dir("list . at the end", ".");
    return 0;
}
