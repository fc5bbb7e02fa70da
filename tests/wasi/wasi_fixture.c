/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_fixture.c -- builds the temporary tree and fake instance described in
 * wasi_fixture.h. Test-only; asserts with Criterion on setup failures.
 */
#include "sl_common.h"

#include "wasi_fixture.h"

#include "common/mem.h"

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void put_file(const char *dir, const char *name, const char *data)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *fp = fopen(p, "w");
    cr_assert_not_null(fp, "cannot create %s", p);
    fputs(data, fp);
    fclose(fp);
}

static void put_link(const char *dir, const char *name, const char *target)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    cr_assert_eq(symlink(target, p), 0, "symlink %s", p);
}

static void setup(struct wfix *f, bool openat2, const int *listen, size_t nlisten)
{
    memset(f, 0, sizeof(*f));
    f->listen_fd = -1;
    snprintf(f->tmp, sizeof(f->tmp), "%s/slwasi.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    cr_assert_not_null(mkdtemp(f->tmp));
    snprintf(f->root, sizeof(f->root), "%s/sandbox", f->tmp);
    snprintf(f->secret, sizeof(f->secret), "%s/secret.txt", f->tmp);
    cr_assert_eq(mkdir(f->root, 0755), 0);
    put_file(f->tmp, "secret.txt", "SECRET");
    put_file(f->root, "file.txt", "hello");
    char d[PATH_MAX + 16];
    snprintf(d, sizeof(d), "%s/dir", f->root);
    cr_assert_eq(mkdir(d, 0755), 0);
    put_file(d, "inner.txt", "inner");
    snprintf(d, sizeof(d), "%s/empty", f->root);
    cr_assert_eq(mkdir(d, 0755), 0);
    put_link(f->root, "link_in", "file.txt");
    put_link(f->root, "dirlink", "dir");
    put_link(f->root, "link_out", "../secret.txt");
    put_link(f->root, "abs_out", f->secret);
    put_link(f->root, "loop1", "loop2");
    put_link(f->root, "loop2", "loop1");
    put_link(f->root, "deep", "dir/../../secret.txt");

    f->m = calloc(1, G_SIZE);
    cr_assert_not_null(f->m);
    f->mem.data = f->m;
    f->mem.size = G_SIZE;
    f->mem.pages = 1;
    f->mem.max_pages = 1;
    f->inst.memory = &f->mem;

    static const char *const argv[] = {"app.wasm", "one", "two words"};
    static const char *const env[] = {"A=1", "EMPTY="};
    struct sl_wasi_preopen po = {f->root, "/sandbox"};
    struct sl_wasi_config cfg = {
        .argv = argv, .argc = 3, .env = env, .envc = 2,
        .preopens = &po, .npreopens = 1,
        .stdin_fd = 0, .stdout_fd = 1, .stderr_fd = 2,
        .listen_fds = listen, .nlisten = nlisten,
    };
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_wasi_ctx_new(&cfg, &f->ctx, &err), SL_OK, "%s", err.msg);
    sl_wasi_ctx_set_openat2(f->ctx, openat2);
    f->inst.wasi = f->ctx;
}

void wfix_init(struct wfix *f, bool openat2)
{
    setup(f, openat2, NULL, 0);
}

void wfix_init_listen(struct wfix *f)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(s, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(listen(s, 4), 0);
    setup(f, true, &s, 1);
    f->listen_fd = s;
}

void wfix_fini(struct wfix *f)
{
    sl_wasi_ctx_free(f->ctx);
    free(f->m);
    if (f->listen_fd >= 0)
        close(f->listen_fd);
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", f->tmp);
}

uint32_t wput(struct wfix *f, uint32_t at, const char *s)
{
    size_t n = strlen(s);
    cr_assert_leq(at + n, G_SIZE);
    memcpy(f->m + at, s, n);
    return (uint32_t)n;
}

uint32_t wload32(struct wfix *f, uint32_t at)
{
    uint32_t v;
    memcpy(&v, f->m + at, 4);
    return v;
}

uint64_t wload64(struct wfix *f, uint32_t at)
{
    uint64_t v;
    memcpy(&v, f->m + at, 8);
    return v;
}

void wiov(struct wfix *f, uint32_t at, uint32_t buf, uint32_t len)
{
    memcpy(f->m + at, &buf, 4);
    memcpy(f->m + at + 4, &len, 4);
}

uint32_t wopen(struct wfix *f, uint32_t dirfd, const char *path, uint32_t oflags, uint64_t base,
               uint32_t fdflags, bool follow, uint32_t *fd)
{
    uint32_t len = wput(f, G_PATH, path);
    uint32_t rc = sl_wasi_path_open(&f->inst, dirfd, follow ? WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0,
                                    G_PATH, len, oflags, base, 0, fdflags, G_OUT);
    if (rc == 0 && fd != NULL)
        *fd = wload32(f, G_OUT);
    return rc;
}

uint32_t wwrite(struct wfix *f, uint32_t fd, const char *data)
{
    uint32_t n = wput(f, G_BUF, data);
    wiov(f, G_IOV, G_BUF, n);
    return sl_wasi_fd_write(&f->inst, fd, G_IOV, 1, G_OUT2);
}

uint32_t wread(struct wfix *f, uint32_t fd, char *out, uint32_t cap, uint32_t *n)
{
    wiov(f, G_IOV, G_BUF, cap - 1);
    uint32_t rc = sl_wasi_fd_read(&f->inst, fd, G_IOV, 1, G_OUT2);
    if (rc == 0) {
        *n = wload32(f, G_OUT2);
        memcpy(out, f->m + G_BUF, *n);
        out[*n] = '\0';
    }
    return rc;
}

const char *host_read(struct wfix *f, const char *rel)
{
    static char buf[4096];
    char p[PATH_MAX * 2];
    snprintf(p, sizeof(p), "%s/%s", f->tmp, rel);
    buf[0] = '\0';
    int fd = open(p, O_RDONLY);
    if (fd < 0)
        return buf;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

bool host_exists(struct wfix *f, const char *rel)
{
    char p[PATH_MAX * 2];
    struct stat st;
    snprintf(p, sizeof(p), "%s/%s", f->tmp, rel);
    return lstat(p, &st) == 0;
}
