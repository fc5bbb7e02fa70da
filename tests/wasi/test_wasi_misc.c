/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_wasi_misc.c -- unit tests of args/environ, clocks, random_get,
 * poll_oneoff, the process functions, sockets, context creation and the
 * host function table (names and signatures of both modules).
 */
#include "sl_common.h"

#include "wasi_fixture.h"

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

static struct wfix F;
static void up(void) { wfix_init(&F, true); }
static void down(void) { wfix_fini(&F); }
TestSuite(wasi_misc, .init = up, .fini = down);

Test(wasi_misc, args_and_environ)
{
    cr_assert_eq(sl_wasi_args_sizes_get(&F.inst, G_OUT, G_OUT + 4), 0);
    cr_assert_eq(wload32(&F, G_OUT), 3);
    cr_assert_eq(wload32(&F, G_OUT + 4), sizeof("app.wasm") + sizeof("one") + sizeof("two words"));
    cr_assert_eq(sl_wasi_args_get(&F.inst, G_BUF, G_BUF + 64), 0);
    cr_assert_eq(wload32(&F, G_BUF), G_BUF + 64);
    cr_assert_str_eq((char *)F.m + wload32(&F, G_BUF + 4), "one");
    cr_assert_str_eq((char *)F.m + wload32(&F, G_BUF + 8), "two words");
    cr_assert_eq(sl_wasi_environ_sizes_get(&F.inst, G_OUT, G_OUT + 4), 0);
    cr_assert_eq(wload32(&F, G_OUT), 2);
    cr_assert_eq(wload32(&F, G_OUT + 4), 11);
    cr_assert_eq(sl_wasi_environ_get(&F.inst, G_BUF, G_BUF + 64), 0);
    cr_assert_str_eq((char *)F.m + wload32(&F, G_BUF), "A=1");
    cr_assert_str_eq((char *)F.m + wload32(&F, G_BUF + 4), "EMPTY=");
    cr_assert_eq(sl_wasi_args_get(&F.inst, G_SIZE - 8, G_BUF), WASI_EFAULT);
    cr_assert_eq(sl_wasi_args_get(&F.inst, G_BUF, G_SIZE - 10), WASI_EFAULT);
    cr_assert_eq(sl_wasi_environ_get(&F.inst, G_BUF, G_SIZE - 4), WASI_EFAULT);
    cr_assert_eq(sl_wasi_environ_sizes_get(&F.inst, G_SIZE - 2, G_OUT), WASI_EFAULT);
}

Test(wasi_misc, clocks)
{
    for (uint32_t id = 0; id < 4; id++) {
        cr_assert_eq(sl_wasi_clock_res_get(&F.inst, id, G_OUT), 0);
        cr_assert_gt(wload64(&F, G_OUT), 0);
        cr_assert_eq(sl_wasi_clock_time_get(&F.inst, id, 1, G_OUT), 0);
    }
    cr_assert_eq(sl_wasi_clock_time_get(&F.inst, WASI_CLOCK_MONOTONIC, 0, G_OUT), 0);
    uint64_t a = wload64(&F, G_OUT);
    cr_assert_eq(sl_wasi_clock_time_get(&F.inst, WASI_CLOCK_MONOTONIC, 0, G_OUT), 0);
    cr_assert_geq(wload64(&F, G_OUT), a);
    cr_assert_eq(sl_wasi_clock_time_get(&F.inst, WASI_CLOCK_REALTIME, 0, G_OUT), 0);
    cr_assert_gt(wload64(&F, G_OUT), 1600000000ull * 1000000000ull);
    cr_assert_eq(sl_wasi_clock_time_get(&F.inst, 4, 0, G_OUT), WASI_EINVAL);
    cr_assert_eq(sl_wasi_clock_res_get(&F.inst, 99, G_OUT), WASI_EINVAL);
    cr_assert_eq(sl_wasi_clock_time_get(&F.inst, 0, 0, G_SIZE - 4), WASI_EFAULT);
    cr_assert_eq(sl_wasi_clock_res_get(&F.inst, 0, G_SIZE), WASI_EFAULT);
}

Test(wasi_misc, random)
{
    cr_assert_eq(sl_wasi_random_get(&F.inst, G_BUF, 256), 0);
    int nonzero = 0;
    for (int i = 0; i < 256; i++)
        nonzero += F.m[G_BUF + i] != 0;
    cr_assert_gt(nonzero, 200);
    cr_assert_eq(sl_wasi_random_get(&F.inst, G_BUF, 0), 0);
    cr_assert_eq(sl_wasi_random_get(&F.inst, G_SIZE - 10, 11), WASI_EFAULT);
}

Test(wasi_misc, process)
{
    cr_assert_eq(sl_wasi_proc_raise(&F.inst, 2), WASI_ENOTSUP);
    cr_assert_eq(sl_wasi_sched_yield(&F.inst), 0);
}

static void sub_clock(uint32_t at, uint64_t userdata, uint32_t id, uint64_t timeout,
                      uint16_t flags, bool p0)
{
    memset(F.m + at, 0, p0 ? WASI0_SUBSCRIPTION_SIZE : WASI_SUBSCRIPTION_SIZE);
    memcpy(F.m + at, &userdata, 8);
    F.m[at + 8] = WASI_EVENTTYPE_CLOCK;
    memcpy(F.m + at + (p0 ? WASI0_SUB_CLOCK_ID : WASI_SUB_CLOCK_ID), &id, 4);
    memcpy(F.m + at + (p0 ? WASI0_SUB_CLOCK_TIMEOUT : WASI_SUB_CLOCK_TIMEOUT), &timeout, 8);
    memcpy(F.m + at + (p0 ? WASI0_SUB_CLOCK_FLAGS : WASI_SUB_CLOCK_FLAGS), &flags, 2);
}

static void sub_fd(uint32_t at, uint64_t userdata, uint8_t type, uint32_t fd)
{
    memset(F.m + at, 0, WASI_SUBSCRIPTION_SIZE);
    memcpy(F.m + at, &userdata, 8);
    F.m[at + 8] = type;
    memcpy(F.m + at + WASI_SUB_FD, &fd, 4);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

Test(wasi_misc, poll_clock)
{
    sub_clock(G_BUF, 7, WASI_CLOCK_MONOTONIC, 20000000, 0, false);
    uint64_t t0 = now_ns();
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 1, G_OUT), 0);
    cr_assert_geq(now_ns() - t0, 20000000);
    cr_assert_eq(wload32(&F, G_OUT), 1);
    struct wasi_event ev;
    memcpy(&ev, F.m + G_BUF + 1024, sizeof(ev));
    cr_assert_eq(ev.userdata, 7);
    cr_assert_eq(ev.type, WASI_EVENTTYPE_CLOCK);
    cr_assert_eq(ev.error, 0);
    /* Absolute time in the past: immediate. Two clocks: only the expired one fires. */
    sub_clock(G_BUF, 1, WASI_CLOCK_REALTIME, 1, WASI_SUBCLOCKFLAGS_ABSTIME, false);
    sub_clock(G_BUF + 48, 2, WASI_CLOCK_MONOTONIC, 10000000000ull, 0, false);
    t0 = now_ns();
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 2, G_OUT), 0);
    cr_assert_lt(now_ns() - t0, 1000000000ull);
    cr_assert_eq(wload32(&F, G_OUT), 1);
    cr_assert_eq(wload64(&F, G_BUF + 1024), 1);
    /* Bad clock id: an event carrying EINVAL. */
    sub_clock(G_BUF, 3, 17, 0, 0, false);
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 1, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 1);
    memcpy(&ev, F.m + G_BUF + 1024, sizeof(ev));
    cr_assert_eq(ev.error, WASI_EINVAL);
}

Test(wasi_misc, poll_preview0_layout)
{
    sub_clock(G_BUF, 9, WASI_CLOCK_MONOTONIC, 1000000, 0, true);
    cr_assert_eq(sl_wasi0_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 1, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 1);
    cr_assert_eq(wload64(&F, G_BUF + 1024), 9);
    cr_assert_eq(F.m[G_BUF + 1024 + 8], 0);
}

Test(wasi_misc, poll_errors)
{
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 0, G_OUT), WASI_EINVAL);
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_SIZE - 40, G_BUF, 1, G_OUT), WASI_EFAULT);
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_SIZE - 16, 1, G_OUT), WASI_EFAULT);
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 0x10000000, G_OUT),
                 WASI_EFAULT);
    sub_fd(G_BUF, 1, 9, 0);
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 1, G_OUT), WASI_EINVAL);
    sub_fd(G_BUF, 5, WASI_EVENTTYPE_FD_READ, 77);
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 1, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 1);
    struct wasi_event ev;
    memcpy(&ev, F.m + G_BUF + 1024, sizeof(ev));
    cr_assert_eq(ev.userdata, 5);
    cr_assert_eq(ev.error, WASI_EBADF);
    cr_assert_eq(ev.type, WASI_EVENTTYPE_FD_READ);
}

Test(wasi_misc, poll_fds)
{
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, WASI_RIGHT_FD_READ | WASI_RIGHT_POLL_FD_READWRITE, 0,
                       true, &fd), 0);
    sub_fd(G_BUF, 1, WASI_EVENTTYPE_FD_READ, fd);
    sub_fd(G_BUF + 48, 2, WASI_EVENTTYPE_FD_WRITE, fd); /* no FD_WRITE right */
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 2, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 2);
    struct wasi_event ev[2];
    memcpy(ev, F.m + G_BUF + 1024, sizeof(ev));
    cr_assert_eq(ev[0].error, 0);
    cr_assert_eq(ev[0].nbytes, 5);
    cr_assert_eq(ev[1].error, WASI_ENOTCAPABLE);

    /* A pipe as stdin: nothing to read until written, then nbytes; hangup after close. */
    int p[2];
    cr_assert_eq(pipe(p), 0);
    struct sl_wasi_config cfg = {.stdin_fd = p[0], .stdout_fd = p[1], .stderr_fd = -1};
    struct sl_wasi_ctx *ctx;
    cr_assert_eq(sl_wasi_ctx_new(&cfg, &ctx, NULL), SL_OK);
    F.inst.wasi = ctx;
    sub_fd(G_BUF, 1, WASI_EVENTTYPE_FD_READ, 0);
    sub_clock(G_BUF + 48, 2, WASI_CLOCK_MONOTONIC, 30000000, 0, false);
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 2, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 1);
    cr_assert_eq(wload64(&F, G_BUF + 1024), 2);
    cr_assert_eq(write(p[1], "abc", 3), 3);
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 2, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 1);
    memcpy(ev, F.m + G_BUF + 1024, sizeof(ev[0]));
    cr_assert_eq(ev[0].userdata, 1);
    cr_assert_eq(ev[0].nbytes, 3);
    sub_fd(G_BUF + 48, 3, WASI_EVENTTYPE_FD_WRITE, 1);
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 2, G_OUT), 0);
    cr_assert_eq(wload32(&F, G_OUT), 2);
    close(p[1]);
    char b[8];
    cr_assert_eq(read(p[0], b, sizeof(b)), 3);
    cr_assert_eq(sl_wasi_poll_oneoff(&F.inst, G_BUF, G_BUF + 1024, 1, G_OUT), 0);
    memcpy(ev, F.m + G_BUF + 1024, sizeof(ev[0]));
    cr_assert(ev[0].flags & WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP);
    F.inst.wasi = F.ctx;
    sl_wasi_ctx_free(ctx);
    close(p[0]);
}

Test(wasi_misc, ctx_new_errors)
{
    struct sl_wasi_preopen po = {"/nonexistent/slight-dir", "."};
    struct sl_wasi_config cfg = {.preopens = &po, .npreopens = 1, .stdin_fd = -1,
                                 .stdout_fd = -1, .stderr_fd = -1};
    struct sl_wasi_ctx *ctx = (struct sl_wasi_ctx *)1;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_neq(sl_wasi_ctx_new(&cfg, &ctx, &err), SL_OK);
    cr_assert_null(ctx);
    cr_assert(strstr(err.msg, "/nonexistent/slight-dir") != NULL, "%s", err.msg);
    sl_wasi_ctx_free(NULL);
    /* No stdio: fds 0-2 are EBADF, the preopen scan starts at 3. */
    cfg.npreopens = 0;
    cr_assert_eq(sl_wasi_ctx_new(&cfg, &ctx, &err), SL_OK);
    F.inst.wasi = ctx;
    cr_assert_eq(wwrite(&F, 1, "x"), WASI_EBADF);
    cr_assert_eq(sl_wasi_fd_prestat_get(&F.inst, 3, G_OUT), WASI_EBADF);
    F.inst.wasi = F.ctx;
    sl_wasi_ctx_free(ctx);
}

Test(wasi_misc, contexts_are_independent)
{
    struct sl_wasi_ctx *other;
    struct sl_wasi_preopen po = {F.root, "."};
    struct sl_wasi_config cfg = {.preopens = &po, .npreopens = 1, .stdin_fd = -1,
                                 .stdout_fd = -1, .stderr_fd = -1};
    cr_assert_eq(sl_wasi_ctx_new(&cfg, &other, NULL), SL_OK);
    uint32_t fd;
    cr_assert_eq(wopen(&F, 3, "file.txt", 0, WASI_RIGHT_FD_READ, 0, true, &fd), 0);
    F.inst.wasi = other;
    cr_assert_eq(sl_wasi_fd_close(&F.inst, fd), WASI_EBADF);
    cr_assert_eq(sl_wasi_fd_prestat_dir_name(&F.inst, 3, G_BUF, 1), 0);
    cr_assert_eq(F.m[G_BUF], '.');
    F.inst.wasi = F.ctx;
    cr_assert_eq(sl_wasi_fd_close(&F.inst, fd), 0);
    sl_wasi_ctx_free(other);
}

static struct wfix L;
static void up_l(void) { wfix_init_listen(&L); }
static void down_l(void) { wfix_fini(&L); }
TestSuite(wasi_sock, .init = up_l, .fini = down_l);

Test(wasi_sock, accept_recv_send_shutdown)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    cr_assert_eq(getsockname(L.listen_fd, (struct sockaddr *)&a, &al), 0);
    /* The listener is fd 4 (after the preopen); it is not a preopen. */
    cr_assert_eq(sl_wasi_fd_prestat_get(&L.inst, 4, G_OUT), WASI_EBADF);
    cr_assert_eq(sl_wasi_fd_fdstat_get(&L.inst, 4, G_BUF), 0);
    cr_assert_eq(L.m[G_BUF], WASI_FILETYPE_SOCKET_STREAM);
    /* A nonblocking listener with nobody connecting. */
    cr_assert_eq(sl_wasi_fd_fdstat_set_flags(&L.inst, 4, WASI_FDFLAGS_NONBLOCK), 0);
    cr_assert_eq(sl_wasi_sock_accept(&L.inst, 4, 0, G_OUT), WASI_EAGAIN);
    cr_assert_eq(sl_wasi_fd_fdstat_set_flags(&L.inst, 4, 0), 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(sl_wasi_sock_accept(&L.inst, 4, 2, G_OUT), WASI_EINVAL);
    cr_assert_eq(sl_wasi_sock_accept(&L.inst, 4, 0, G_SIZE), WASI_EFAULT);
    cr_assert_eq(sl_wasi_sock_accept(&L.inst, 4, WASI_FDFLAGS_NONBLOCK, G_OUT), 0);
    uint32_t s = wload32(&L, G_OUT);
    cr_assert_eq(s, 5);
    cr_assert_eq(sl_wasi_fd_fdstat_get(&L.inst, s, G_BUF), 0);
    cr_assert_eq(L.m[G_BUF + 2], WASI_FDFLAGS_NONBLOCK);
    cr_assert_eq(sl_wasi_fd_fdstat_set_flags(&L.inst, s, 0), 0);
    cr_assert_eq(write(c, "ping", 4), 4);
    wiov(&L, G_IOV, G_BUF, 16);
    cr_assert_eq(sl_wasi_sock_recv(&L.inst, s, G_IOV, 1, WASI_RIFLAGS_RECV_WAITALL & 0, G_OUT,
                                   G_OUT2), 0);
    cr_assert_eq(wload32(&L, G_OUT), 4);
    cr_assert_eq(memcmp(L.m + G_BUF, "ping", 4), 0);
    cr_assert_eq(sl_wasi_sock_recv(&L.inst, s, G_IOV, 1, 4, G_OUT, G_OUT2), WASI_EINVAL);
    wput(&L, G_BUF, "pong");
    wiov(&L, G_IOV, G_BUF, 4);
    cr_assert_eq(sl_wasi_sock_send(&L.inst, s, G_IOV, 1, 0, G_OUT), 0);
    cr_assert_eq(wload32(&L, G_OUT), 4);
    cr_assert_eq(sl_wasi_sock_send(&L.inst, s, G_IOV, 1, 1, G_OUT), WASI_EINVAL);
    char b[8] = {0};
    cr_assert_eq(read(c, b, 4), 4);
    cr_assert_str_eq(b, "pong");
    cr_assert_eq(sl_wasi_sock_shutdown(&L.inst, s, 0), WASI_EINVAL);
    cr_assert_eq(sl_wasi_sock_shutdown(&L.inst, s, WASI_SDFLAGS_WR), 0);
    cr_assert_eq(read(c, b, 4), 0);
    /* Socket calls on things that are not sockets / lack the rights. */
    cr_assert_eq(sl_wasi_sock_accept(&L.inst, 3, 0, G_OUT), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_sock_accept(&L.inst, s, 0, G_OUT), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_sock_shutdown(&L.inst, 4, WASI_SDFLAGS_RD), WASI_ENOTCAPABLE);
    cr_assert_eq(sl_wasi_sock_send(&L.inst, 99, G_IOV, 1, 0, G_OUT), WASI_EBADF);
    /* fd_read / fd_write work on the connection too. */
    cr_assert_eq(write(c, "xy", 2), 2);
    char got[8];
    uint32_t n;
    cr_assert_eq(wread(&L, s, got, sizeof(got), &n), 0);
    cr_assert_str_eq(got, "xy");
    cr_assert_eq(sl_wasi_fd_close(&L.inst, s), 0);
    close(c);
}

/* Every function of both modules, with the signature of the witx. */
static const struct {
    const char *name, *sig;
} expected[] = {
    {"args_get", "ii:i"}, {"args_sizes_get", "ii:i"}, {"environ_get", "ii:i"},
    {"environ_sizes_get", "ii:i"}, {"clock_res_get", "ii:i"}, {"clock_time_get", "iIi:i"},
    {"fd_advise", "iIIi:i"}, {"fd_allocate", "iII:i"}, {"fd_close", "i:i"},
    {"fd_datasync", "i:i"}, {"fd_fdstat_get", "ii:i"}, {"fd_fdstat_set_flags", "ii:i"},
    {"fd_fdstat_set_rights", "iII:i"}, {"fd_filestat_get", "ii:i"},
    {"fd_filestat_set_size", "iI:i"}, {"fd_filestat_set_times", "iIIi:i"},
    {"fd_pread", "iiiIi:i"}, {"fd_prestat_get", "ii:i"}, {"fd_prestat_dir_name", "iii:i"},
    {"fd_pwrite", "iiiIi:i"}, {"fd_read", "iiii:i"}, {"fd_readdir", "iiiIi:i"},
    {"fd_renumber", "ii:i"}, {"fd_seek", "iIii:i"}, {"fd_sync", "i:i"}, {"fd_tell", "ii:i"},
    {"fd_write", "iiii:i"}, {"path_create_directory", "iii:i"},
    {"path_filestat_get", "iiiii:i"}, {"path_filestat_set_times", "iiiiIIi:i"},
    {"path_link", "iiiiiii:i"}, {"path_open", "iiiiiIIii:i"}, {"path_readlink", "iiiiii:i"},
    {"path_remove_directory", "iii:i"}, {"path_rename", "iiiiii:i"},
    {"path_symlink", "iiiii:i"}, {"path_unlink_file", "iii:i"}, {"poll_oneoff", "iiii:i"},
    {"proc_exit", "i:"}, {"proc_raise", "i:i"}, {"sched_yield", ":i"}, {"random_get", "ii:i"},
    {"sock_accept", "iii:i"}, {"sock_recv", "iiiiii:i"}, {"sock_send", "iiiii:i"},
    {"sock_shutdown", "ii:i"},
};

static const struct sl_host_fn *find(const char *mod, const char *name)
{
    const struct sl_host_fn *found = NULL;
    for (size_t i = 0; i < sl_wasi_host_fns.count; i++) {
        const struct sl_host_fn *f = &sl_wasi_host_fns.fns[i];
        if (strcmp(f->module, mod) == 0 && strcmp(f->name, name) == 0) {
            cr_assert_null(found, "%s.%s listed twice", mod, name);
            found = f;
        }
    }
    return found;
}

Test(wasi_table, both_modules_complete_with_exact_signatures)
{
    cr_assert_eq(SL_ARRAY_SIZE(expected), 46);
    cr_assert_eq(sl_wasi_host_fns.count, 2 * SL_ARRAY_SIZE(expected));
    for (size_t i = 0; i < SL_ARRAY_SIZE(expected); i++) {
        const char *mods[] = {"wasi_snapshot_preview1", "wasi_unstable"};
        for (int m = 0; m < 2; m++) {
            const struct sl_host_fn *f = find(mods[m], expected[i].name);
            cr_assert_not_null(f, "%s.%s missing", mods[m], expected[i].name);
            cr_assert_str_eq(f->sig, expected[i].sig, "%s", expected[i].name);
            cr_assert_not_null(f->fn);
        }
    }
    /* Preview 0 differs where its layouts differ. */
    const char *differ[] = {"fd_seek", "fd_filestat_get", "path_filestat_get", "poll_oneoff"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(differ); i++)
        cr_assert_neq(find("wasi_unstable", differ[i])->fn,
                      find("wasi_snapshot_preview1", differ[i])->fn, "%s", differ[i]);
    cr_assert_eq(find("wasi_unstable", "fd_write")->fn,
                 find("wasi_snapshot_preview1", "fd_write")->fn);
}
