/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c -- the witgen build tool. `witgen check FILE...` parses and resolves
 * WIT files silently; `witgen dump [--export] FILE` prints the canonical
 * listing. An error is one "file:line:col: message" line and exit status 1;
 * bad usage exits 2. `guest-c` and `host` write generated C. The
 * environment variable WITGEN_FAIL_ALLOC=N makes the Nth allocation fail (tests).
 */
#include "sl_common.h"

#include "wit.h"

#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fputs("usage: witgen check FILE...\n"
          "       witgen dump [--export] FILE\n"
          "       witgen guest-c [--export] FILE OUT.h OUT.c\n"
          "       witgen host [--export] FILE OUT.h OUT.c\n",
          stderr);
    return 2;
}

static int fail(const struct sl_error *err)
{
    fprintf(stderr, "%s\n", err->msg);
    return 1;
}

static int cmd_check(int argc, char **argv)
{
    if (argc < 1)
        return usage();
    for (int i = 0; i < argc; i++) {
        struct sl_wit_ctx ctx;
        struct sl_error err = SL_ERROR_INIT;
        struct sl_wit_iface *iface;
        sl_wit_ctx_init(&ctx);
        sl_err rc = sl_wit_load(&ctx, argv[i], &iface, &err);
        sl_wit_ctx_release(&ctx);
        if (rc != SL_OK)
            return fail(&err);
    }
    return 0;
}

static int cmd_dump(int argc, char **argv)
{
    bool export = false;
    if (argc >= 1 && strcmp(argv[0], "--export") == 0) {
        export = true;
        argc--;
        argv++;
    }
    if (argc != 1)
        return usage();
    struct sl_wit_ctx ctx;
    struct sl_error err = SL_ERROR_INIT;
    struct sl_wit_iface *iface;
    struct sl_buf out = SL_BUF_INIT;
    int status = 0;
    sl_wit_ctx_init(&ctx);
    sl_err rc = sl_wit_load(&ctx, argv[0], &iface, &err);
    if (rc != SL_OK) {
        status = fail(&err);
        goto out;
    }
    rc = sl_wit_dump(iface, export, &out);
    if (rc != SL_OK) {
        fprintf(stderr, "%s: %s\n", argv[0],
                rc == SL_EINVAL ? "listing too large" : "out of memory");
        status = 1;
        goto out;
    }
    if (fwrite(sl_buf_cstr(&out), 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
        fputs("witgen: cannot write the listing\n", stderr);
        status = 1;
    }
out:
    sl_buf_release(&out);
    sl_wit_ctx_release(&ctx);
    return status;
}

/* Writes len bytes of data to path atomically enough for a build step. */
static bool write_out(const char *path, const struct sl_buf *b)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "witgen: cannot write '%s'\n", path);
        return false;
    }
    bool ok = fwrite(b->data ? b->data : "", 1, b->len, f) == b->len;
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        fprintf(stderr, "witgen: cannot write '%s'\n", path);
    return ok;
}

/* witgen guest-c|host [--export] FILE OUT.h OUT.c */
static int cmd_gen(bool host, int argc, char **argv)
{
    bool export = false;
    if (argc >= 1 && strcmp(argv[0], "--export") == 0) {
        export = true;
        argc--;
        argv++;
    }
    if (argc != 3)
        return usage();
    struct sl_wit_ctx ctx;
    struct sl_error err = SL_ERROR_INIT;
    struct sl_wit_iface *iface;
    struct sl_buf h = SL_BUF_INIT, c = SL_BUF_INIT;
    int status = 0;
    sl_wit_ctx_init(&ctx);
    sl_err rc = sl_wit_load(&ctx, argv[0], &iface, &err);
    if (rc != SL_OK) {
        status = fail(&err);
        goto out;
    }
    rc = host ? sl_wit_gen_host(iface, export, &h, &c) : sl_wit_gen_guest_c(iface, export, &h, &c);
    if (rc != SL_OK) {
        fprintf(stderr, "%s: %s\n", argv[0], rc == SL_ENOMEM ? "out of memory"
                                              : rc == SL_EINVAL ? "output too large"
                                                                : sl_err_str(rc));
        status = 1;
        goto out;
    }
    if (!write_out(argv[1], &h) || !write_out(argv[2], &c))
        status = 1;
out:
    sl_buf_release(&h);
    sl_buf_release(&c);
    sl_wit_ctx_release(&ctx);
    return status;
}

int main(int argc, char **argv)
{
    /* torture-test hook: the Nth allocation fails */
    const char *fail_after = getenv("WITGEN_FAIL_ALLOC");
    if (fail_after != NULL)
        sl_mem_fail_after(strtoul(fail_after, NULL, 10));
    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(argv[1], "dump") == 0)
        return cmd_dump(argc - 2, argv + 2);
    if (strcmp(argv[1], "guest-c") == 0)
        return cmd_gen(false, argc - 2, argv + 2);
    if (strcmp(argv[1], "host") == 0)
        return cmd_gen(true, argc - 2, argv + 2);
    return usage();
}
