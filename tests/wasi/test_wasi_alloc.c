/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_wasi_alloc.c -- sl_mem_fail_after(n) fails the nth allocation of creating
 * a context (six preopens, args, env, a listener) and of a path of calls, n = 1,
 * 2, ... until the path runs clean, in both resolution modes. Every failure must
 * be SL_ENOMEM or WASI_ENOMEM; no fd may leak (counted) nor memory (ASan build).
 */
#include "sl_common.h"

#include "wasi_fixture.h"

#include "common/mem.h"

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct wfix F;
static void up_o2(void) { wfix_init(&F, true); }
static void up_walk(void) { wfix_init(&F, false); }
static void down(void)
{
    sl_mem_fail_after(0);
    F.inst.wasi = F.ctx;
    wfix_fini(&F);
}
TestSuite(alloc_openat2, .init = up_o2, .fini = down);
TestSuite(alloc_walk, .init = up_walk, .fini = down);

/* fds of the context under test: 0-2 stdio, 3-8 preopens, 9 the listener. */
#define NPRE 6
#define LISTENER 9
static const char *const guest_names[NPRE] = {"/sandbox", "/dir", "/scratch", "/again", "d2", "."};
static const char *const host_subdirs[NPRE] = {"", "/dir", "/empty", "", "/dir", "/empty"};

/* A clean pass must be seen this many times in a row before the loop stops. */
#define CLEAN_RUNS 4
#define MAX_N 5000

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    cr_assert_not_null(d);
    int n = 0;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

/* A listener on 127.0.0.1 with one client already connected (in the backlog). */
static void listen_and_connect(int *lst, int *cl)
{
    struct sockaddr_in a = {0};
    socklen_t al = sizeof(a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *lst = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(*lst, 0);
    cr_assert_eq(bind(*lst, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(listen(*lst, 4), 0);
    cr_assert_eq(getsockname(*lst, (struct sockaddr *)&a, &al), 0);
    *cl = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(*cl, 0);
    cr_assert_eq(connect(*cl, (struct sockaddr *)&a, sizeof(a)), 0);
}

/* Removes what an interrupted path may have left in the "empty" directory. */
static void host_cleanup(void)
{
    static const char *const names[] = {"new.txt", "sym", "sym2", "hard"};
    char p[PATH_MAX * 2];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(p, sizeof(p), "%s/empty/%s", F.root, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s/empty/d", F.root);
    rmdir(p);
}

static unsigned long cur_n;

/* One call of the path: WASI_ENOMEM (the injected failure) ends the path, any other error fails. */
#define STEP(call)                                                                                 \
    do {                                                                                           \
        uint32_t rc_ = (call);                                                                     \
        if (rc_ == WASI_ENOMEM)                                                                    \
            return false;                                                                          \
        cr_assert_eq(rc_, 0, "%s: errno %u with allocation %lu failing", #call, rc_, cur_n);       \
    } while (0)

/* path_* call arguments: the path is copied to G_PATH (or G_PATH2). */
#define P(s)  G_PATH, wput(&F, G_PATH, s)
#define P2(s) G_PATH2, wput(&F, G_PATH2, s)

/* The calls under test; true when all of them succeeded. */
static bool run_path(int client)
{
    struct sl_instance *in = &F.inst;
    char got[128];

    /* args and environment as given */
    STEP(sl_wasi_args_sizes_get(in, G_OUT, G_OUT + 4));
    cr_assert_eq(wload32(&F, G_OUT), 4);
    STEP(sl_wasi_args_get(in, G_BUF, G_BUF + 64));
    cr_assert_str_eq((char *)F.m + wload32(&F, G_BUF + 12), "ccc");
    STEP(sl_wasi_environ_get(in, G_BUF, G_BUF + 64));
    cr_assert_str_eq((char *)F.m + wload32(&F, G_BUF + 8), "EMPTY=");

    /* every preopen under its name, then the listener */
    for (uint32_t i = 0; i < NPRE; i++) {
        STEP(sl_wasi_fd_prestat_get(in, 3 + i, G_OUT));
        uint32_t len = wload32(&F, G_OUT + 4);
        cr_assert_eq(len, strlen(guest_names[i]));
        STEP(sl_wasi_fd_prestat_dir_name(in, 3 + i, G_BUF, len));
        cr_assert_eq(memcmp(F.m + G_BUF, guest_names[i], len), 0);
    }
    cr_assert_eq(sl_wasi_fd_prestat_get(in, LISTENER, G_OUT), WASI_EBADF);
    STEP(sl_wasi_fd_fdstat_get(in, LISTENER, G_OUT));
    cr_assert_eq(F.m[G_OUT], WASI_FILETYPE_SOCKET_STREAM);

    /* open through a symlink (the walk follows it by hand), read with two iovecs */
    STEP(sl_wasi_path_open(in, 3, WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, P("dirlink/../dir/inner.txt"),
                           0, RIGHTS_RW | WASI_RIGHT_POLL_FD_READWRITE, 0, 0, G_OUT));
    uint32_t f1 = wload32(&F, G_OUT);
    wiov(&F, G_IOV, G_BUF, 2);
    wiov(&F, G_IOV + 8, G_BUF + 2, 60);
    STEP(sl_wasi_fd_read(in, f1, G_IOV, 2, G_OUT2));
    cr_assert_eq(wload32(&F, G_OUT2), 5);
    cr_assert_eq(memcmp(F.m + G_BUF, "inner", 5), 0);

    /* more descriptors than the table holds (16 slots after ctx_new): it must grow */
    uint32_t many[8];
    for (int i = 0; i < 8; i++) {
        STEP(sl_wasi_path_open(in, 4, 0, P("inner.txt"), 0, WASI_RIGHT_FD_READ, 0, 0, G_OUT));
        many[i] = wload32(&F, G_OUT);
    }
    for (int i = 0; i < 8; i++)
        STEP(sl_wasi_fd_close(in, many[i]));

    /* create, write, pwrite, pread, symlink, readlink, stat, set times and link through the
     * link, rename, unlink, mkdir, rmdir */
    STEP(sl_wasi_path_open(in, 5, 0, P("new.txt"), WASI_OFLAGS_CREAT | WASI_OFLAGS_TRUNC,
                           RIGHTS_RW, 0, 0, G_OUT));
    uint32_t f2 = wload32(&F, G_OUT);
    STEP(wwrite(&F, f2, "data"));
    wiov(&F, G_IOV, G_BUF, wput(&F, G_BUF, "DA"));
    STEP(sl_wasi_fd_pwrite(in, f2, G_IOV, 1, 0, G_OUT));
    wiov(&F, G_IOV, G_BUF, 1);
    wiov(&F, G_IOV + 8, G_BUF + 1, 8);
    STEP(sl_wasi_fd_pread(in, f2, G_IOV, 2, 0, G_OUT));
    cr_assert_eq(wload32(&F, G_OUT), 4);
    cr_assert_eq(memcmp(F.m + G_BUF, "DAta", 4), 0);
    STEP(sl_wasi_path_symlink(in, P("new.txt"), 5, P2("sym")));
    STEP(sl_wasi_path_readlink(in, 5, P("sym"), G_BUF, 64, G_OUT));
    cr_assert_eq(wload32(&F, G_OUT), 7);
    cr_assert_eq(memcmp(F.m + G_BUF, "new.txt", 7), 0);
    STEP(sl_wasi_path_filestat_get(in, 8, WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, P("sym"), G_BUF));
    cr_assert_eq(wload64(&F, G_BUF + 32), 4);
    STEP(sl_wasi_path_filestat_set_times(in, 5, WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, P("sym"), 0,
                                         5000000000ull, WASI_FSTFLAGS_MTIM));
    STEP(sl_wasi_path_link(in, 5, WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, P("sym"), 8, P2("hard")));
    STEP(sl_wasi_path_filestat_get(in, 8, 0, P("hard"), G_BUF));
    cr_assert_eq(wload64(&F, G_BUF + 24), 2);            /* nlink */
    cr_assert_eq(wload64(&F, G_BUF + 48), 5000000000ull); /* mtim */
    STEP(sl_wasi_path_unlink_file(in, 8, P("hard")));
    STEP(sl_wasi_path_rename(in, 5, P("sym"), 8, P2("sym2")));
    STEP(sl_wasi_path_unlink_file(in, 5, P("sym2")));
    STEP(sl_wasi_path_create_directory(in, 5, P("d")));
    STEP(sl_wasi_path_remove_directory(in, 8, P("d/../d")));

    /* a listing that needs several fd_readdir calls */
    STEP(sl_wasi_fd_readdir(in, 3, G_BUF, 40, 0, G_OUT));
    cr_assert_eq(wload32(&F, G_OUT), 40);
    uint64_t cookie = wload64(&F, G_BUF);
    STEP(sl_wasi_fd_readdir(in, 3, G_BUF, 1024, cookie, G_OUT));
    cr_assert_gt(wload32(&F, G_OUT), 0);

    /* poll: an expired clock and a readable file */
    memset(F.m + G_BUF, 0, 2 * WASI_SUBSCRIPTION_SIZE);
    F.m[G_BUF + WASI_SUB_TAG] = WASI_EVENTTYPE_CLOCK;
    F.m[G_BUF + WASI_SUBSCRIPTION_SIZE + WASI_SUB_TAG] = WASI_EVENTTYPE_FD_READ;
    memcpy(F.m + G_BUF + WASI_SUBSCRIPTION_SIZE + WASI_SUB_FD, &f1, 4);
    STEP(sl_wasi_poll_oneoff(in, G_BUF, G_BUF + 1024, 2, G_OUT));
    cr_assert_geq(wload32(&F, G_OUT), 1);
    /* the preview 0 variants that differ: 56-byte subscriptions, 56-byte filestat */
    memset(F.m + G_BUF, 0, WASI0_SUBSCRIPTION_SIZE);
    F.m[G_BUF + WASI_SUB_TAG] = WASI_EVENTTYPE_CLOCK;
    STEP(sl_wasi0_poll_oneoff(in, G_BUF, G_BUF + 1024, 1, G_OUT));
    cr_assert_eq(wload32(&F, G_OUT), 1);
    STEP(sl_wasi0_path_filestat_get(in, 3, WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, P("link_in"), G_BUF));
    cr_assert_eq(wload64(&F, G_BUF + 24), 5); /* size of file.txt */

    /* renumber closes the target; the socket: accept, send, receive, shutdown */
    STEP(sl_wasi_fd_renumber(in, f2, f1));
    STEP(sl_wasi_sock_accept(in, LISTENER, 0, G_OUT));
    uint32_t conn = wload32(&F, G_OUT);
    wiov(&F, G_IOV, G_BUF, wput(&F, G_BUF, "ping"));
    STEP(sl_wasi_sock_send(in, conn, G_IOV, 1, 0, G_OUT));
    cr_assert_eq(read(client, got, sizeof(got)), 4);
    cr_assert_eq(write(client, "pong", 4), 4);
    wiov(&F, G_IOV, G_BUF, 64);
    STEP(sl_wasi_sock_recv(in, conn, G_IOV, 1, 0, G_OUT, G_OUT + 4));
    cr_assert_eq(wload32(&F, G_OUT), 4);
    cr_assert_eq(memcmp(F.m + G_BUF, "pong", 4), 0);
    STEP(sl_wasi_sock_shutdown(in, conn, WASI_SDFLAGS_RD | WASI_SDFLAGS_WR));
    STEP(sl_wasi_fd_close(in, conn));
    STEP(sl_wasi_fd_close(in, f1));
    return true;
}

/* Result of one run with allocation n failing: true when nothing failed. */
static bool run_once(unsigned long n)
{
    static const char *const argv[] = {"app.wasm", "a", "bb", "ccc"};
    static const char *const env[] = {"A=1", "B=22", "EMPTY="};
    char hosts[NPRE][PATH_MAX + 16];
    struct sl_wasi_preopen po[NPRE];
    for (int i = 0; i < NPRE; i++) {
        snprintf(hosts[i], sizeof(hosts[i]), "%s%s", F.root, host_subdirs[i]);
        po[i].host_path = hosts[i];
        po[i].guest_path = guest_names[i];
    }
    int lst, client;
    host_cleanup();
    listen_and_connect(&lst, &client);
    struct sl_wasi_config cfg = {
        .argv = argv, .argc = 4, .env = env, .envc = 3,
        .preopens = po, .npreopens = NPRE,
        .stdin_fd = 0, .stdout_fd = 1, .stderr_fd = 2,
        .listen_fds = &lst, .nlisten = 1,
    };
    int fds_before = count_fds();
    struct sl_wasi_ctx *ctx = (struct sl_wasi_ctx *)&ctx; /* must be reset to NULL on failure */
    struct sl_error err = SL_ERROR_INIT;
    bool clean;

    cur_n = n;
    sl_mem_fail_after(n);
    sl_err rc = sl_wasi_ctx_new(&cfg, &ctx, &err);
    if (rc != SL_OK) {
        sl_mem_fail_after(0);
        cr_assert_eq(rc, SL_ENOMEM, "ctx_new with allocation %lu failing: %s", n, err.msg);
        cr_assert_eq(err.code, SL_ENOMEM);
        cr_assert_null(ctx);
        clean = false;
    } else {
        sl_wasi_ctx_set_openat2(ctx, F.ctx->use_openat2);
        F.inst.wasi = ctx;
        clean = run_path(client);
        sl_mem_fail_after(0);
        F.inst.wasi = F.ctx;
        sl_wasi_ctx_free(ctx);
    }
    cr_assert_eq(count_fds(), fds_before, "fd leak with allocation %lu failing", n);
    close(client);
    close(lst);
    return clean;
}

static void fail_each_allocation(void)
{
    unsigned long n = 1, failures = 0;
    int clean_in_a_row = 0;
    while (clean_in_a_row < CLEAN_RUNS) {
        cr_assert_lt(n, MAX_N, "the path still fails after %d allocations", MAX_N);
        if (run_once(n)) {
            clean_in_a_row++;
        } else {
            clean_in_a_row = 0;
            failures++;
        }
        n++;
    }
    /* ctx_new alone allocates at least 4 times; the path allocates in most calls. */
    cr_assert_gt(failures, 20, "only %lu allocations failed", failures);
    cr_assert(run_once(0), "the path fails without injected failures");
    cr_log_info("%lu allocations failed cleanly, path clean from allocation %lu on", failures,
                n - CLEAN_RUNS);
}

Test(alloc_openat2, every_allocation_fails_cleanly) { fail_each_allocation(); }
Test(alloc_walk, every_allocation_fails_cleanly) { fail_each_allocation(); }
