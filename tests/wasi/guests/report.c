/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.c -- prints what WASI calls return (values, errno, file types, sizes,
 * listings) without judging, in the empty preopen "."; through wasi-libc, then
 * as raw preview 1 calls. For the differential test against Node.js: each line
 * must be the same under both runtimes, except allow-listed ones.
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

/* Prints "label: ERRNO" for a raw preview 1 call. */
#define RAW(label, call) printf("%s: %d\n", label, (int)(call))

/* Preview 1 calls made directly (what wasi-libc does not expose, or checks itself). */
static void raw_calls(void)
{
    int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    int other = open("g", O_CREAT | O_RDWR, 0644);
    int ro = -1;
    if (fd < 0 || other < 0 || write(fd, "hello", 5) != 5) {
        printf("raw calls: setup failed\n");
        return;
    }
    __wasi_fdstat_t st;
    __wasi_filestat_t fs;
    __wasi_filesize_t pos;
    RAW("fdstat file", __wasi_fd_fdstat_get(fd, &st));
    printf("fdstat file type: %d\n", st.fs_filetype);
    printf("fdstat file flags: %d\n", st.fs_flags);
    RAW("set_flags append", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    RAW("fdstat after append", __wasi_fd_fdstat_get(fd, &st));
    printf("fdstat flags after append: %d\n", st.fs_flags);
    RAW("set_flags sync", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
    RAW("set_flags unknown bit", __wasi_fd_fdstat_set_flags(fd, 0x100));
    RAW("tell", __wasi_fd_tell(fd, &pos));
    printf("tell position: %llu\n", (unsigned long long)pos);
    RAW("advise normal", __wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_NORMAL));
    RAW("advise unknown", __wasi_fd_advise(fd, 0, 0, 9));
    RAW("allocate", __wasi_fd_allocate(fd, 0, 100));
    RAW("filestat", __wasi_fd_filestat_get(fd, &fs));
    printf("filestat size type: %llu %d\n", (unsigned long long)fs.size, fs.filetype);
    RAW("set_size 7", __wasi_fd_filestat_set_size(fd, 7));
    RAW("set_times", __wasi_fd_filestat_set_times(fd, 1000000000ull, 2000000000ull,
                                                   __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    RAW("set_times atim and atim_now",
        __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    RAW("filestat after set_times", __wasi_fd_filestat_get(fd, &fs));
    printf("filestat size mtim: %llu %llu\n", (unsigned long long)fs.size,
           (unsigned long long)fs.mtim);
    RAW("renumber to a free fd", __wasi_fd_renumber(fd, 40));
    RAW("renumber", __wasi_fd_renumber(other, fd));
    RAW("renumber to itself", __wasi_fd_renumber(fd, fd));
    RAW("fdstat of the renumbered fd", __wasi_fd_fdstat_get(other, &st));
    RAW("close", __wasi_fd_close(fd));

    char buf[8];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof(buf)};
    __wasi_size_t n = 0;
    __wasi_roflags_t rof;
    __wasi_fd_t nfd;
    __wasi_timestamp_t t;
    ro = open("f", O_RDONLY);
    RAW("sock_recv on a file", __wasi_sock_recv(ro, &iov, 1, 0, &n, &rof));
    RAW("sock_shutdown on a file", __wasi_sock_shutdown(ro, __WASI_SDFLAGS_WR));
    RAW("sock_accept on a file", __wasi_sock_accept(ro, 0, &nfd));
    RAW("sock_accept on a directory", __wasi_sock_accept(3, 0, &nfd));
    RAW("clock_time_get unknown", __wasi_clock_time_get(7, 0, &t));
    RAW("clock_res_get unknown", __wasi_clock_res_get(9, &t));
    RAW("sched_yield", __wasi_sched_yield());
    RAW("random_get 0 bytes", __wasi_random_get((uint8_t *)buf, 0));

    __wasi_subscription_t sub[2];
    __wasi_event_t ev[2];
    memset(sub, 0, sizeof(sub));
    sub[0].userdata = 1;
    sub[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    sub[0].u.u.fd_read.file_descriptor = ro;
    sub[1].userdata = 2;
    sub[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
    sub[1].u.u.fd_write.file_descriptor = 99;
    n = 0;
    RAW("poll file and bad fd", __wasi_poll_oneoff(sub, ev, 2, &n));
    for (__wasi_size_t i = 0; i < n && i < 2; i++)
        printf("poll event %u: userdata=%llu error=%d type=%d nbytes=%llu\n", (unsigned)i,
               (unsigned long long)ev[i].userdata, ev[i].error, ev[i].type,
               (unsigned long long)ev[i].fd_readwrite.nbytes);
    RAW("poll no subscriptions", __wasi_poll_oneoff(sub, ev, 0, &n));

    RAW("prestat_dir_name into 0 bytes", __wasi_fd_prestat_dir_name(3, (uint8_t *)buf, 0));
    RAW("readdir on a file", __wasi_fd_readdir(ro, (uint8_t *)buf, sizeof(buf), 0, &n));
    RAW("seek on a directory", __wasi_fd_seek(3, 0, __WASI_WHENCE_CUR, &pos));
    RAW("read from a directory", __wasi_fd_read(3, &iov, 1, &n));
    RAW("open . with creat", __wasi_path_open(3, 0, ".", __WASI_OFLAGS_CREAT,
                                               __WASI_RIGHTS_FD_READ, 0, 0, &nfd));
    RAW("open empty path", __wasi_path_open(3, 0, "", 0, __WASI_RIGHTS_FD_READ, 0, 0, &nfd));
    RAW("open unknown oflag", __wasi_path_open(3, 0, "f", 0x10, __WASI_RIGHTS_FD_READ, 0, 0, &nfd));
    RAW("open file/", __wasi_path_open(3, 0, "f/", 0, __WASI_RIGHTS_FD_READ, 0, 0, &nfd));
    RAW("create_directory nd/", __wasi_path_create_directory(3, "nd/"));
    RAW("remove_directory nd/", __wasi_path_remove_directory(3, "nd/"));
    RAW("unlink_file f/", __wasi_path_unlink_file(3, "f/"));
    RAW("rename f over .", __wasi_path_rename(3, "f", 3, "."));
    RAW("rename . to x", __wasi_path_rename(3, ".", 3, "x"));
    RAW("remove_directory .", __wasi_path_remove_directory(3, "."));
    RAW("symlink with an empty target", __wasi_path_symlink("", 3, "e"));
    RAW("link a directory", __wasi_path_link(3, 0, ".", 3, "dl"));
    close(ro);
    close(other);
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

    raw_calls();
    SHOW("unlink f", unlink("f"));
    SHOW("unlink g", unlink("g"));
    show_dir("list . after raw calls", ".");
    return 0;
}
