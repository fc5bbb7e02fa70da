/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aot_cc.c -- the optimized tier: the system C compiler builds the
 * translated module into entry/opt.so (temp name + rename, then a hash
 * manifest); loading checks the hash before dlopen.
 */
#include "sl_common.h"

#include "aot_int.h"
#include "common/log.h"
#include "common/proc.h"
#include "sl_config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const opt_files[] = {"opt.so"};

static sl_err build_locked(const struct aot_entry *e, struct sl_error *err)
{
    char gc[4200], glue[4200], tmp[4300], final[4200];
    sl_aot_entry_path(e, "g.c", gc, sizeof(gc));
    sl_aot_entry_path(e, "glue.c", glue, sizeof(glue));
    sl_aot_entry_path(e, "opt.so", final, sizeof(final));
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", final, (long)getpid());
    const char *argv[] = {SL_GUEST_CC,
                          "-O2",
                          "-shared",
                          "-fPIC",
                          "-fvisibility=hidden",
                          "-fno-optimize-sibling-calls",
                          "-frounding-math",
                          "-fsignaling-nans",
                          "-w",
                          SL_BOUNDS_EXPLICIT ? "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0"
                                             : "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1",
                          "-DWASM_RT_MAX_CALL_STACK_DEPTH=10000",
                          "-I",
                          e->dir,
                          gc,
                          glue,
                          "-o",
                          tmp,
                          "-lm",
                          NULL};
    struct sl_buf diag = SL_BUF_INIT;
    int status = 0;
    uint64_t t0 = 0;
    sl_log_info("compiling %s (optimized tier)", e->filename);
    sl_err rc = sl_proc_run(argv, &diag, &status, err);
    (void)t0;
    if (rc == SL_OK && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        char st[128];
        sl_proc_status_text(status, st, sizeof(st));
        size_t n = strcspn(sl_buf_cstr(&diag), "\n");
        rc = sl_error_set(err, SL_ECOMPILE, "%s: the C compiler failed (%s): %.*s", e->filename,
                          st, (int)n, sl_buf_cstr(&diag));
    }
    if (rc == SL_OK && rename(tmp, final) != 0)
        rc = sl_error_set(err, SL_EIO, "cache: cannot rename '%s'", tmp);
    if (rc != SL_OK)
        unlink(tmp);
    else
        rc = sl_aot_write_sums(e, "opt.sum", opt_files, SL_ARRAY_SIZE(opt_files), err);
    sl_buf_release(&diag);
    return rc;
}

sl_err sl_aot_cc_build(const struct aot_entry *e, bool wait, struct sl_error *err)
{
    if (sl_aot_check_sums(e, "opt.sum"))
        return SL_OK;
    int lock = sl_aot_lock(e, "opt.lock", wait);
    if (lock < 0 && !wait)
        return SL_OK; /* another process is building it */
    if (lock < 0)
        return sl_error_set(err, SL_EIO, "cache: cannot lock '%s'", e->dir);
    sl_err rc = SL_OK;
    if (!sl_aot_check_sums(e, "opt.sum"))
        rc = build_locked(e, err);
    sl_aot_unlock(lock);
    return rc;
}

sl_err sl_aot_cc_load(const struct aot_entry *e, struct sl_aot_code *out, struct sl_error *err)
{
    char path[4200];
    if (!sl_aot_check_sums(e, "opt.sum"))
        return sl_error_set(err, SL_ENOTFOUND, "no verified optimized code in the cache");
    sl_aot_entry_path(e, "opt.so", path, sizeof(path));
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        return sl_error_set(err, SL_ECOMPILE, "%s: cannot load compiled code: %s", e->filename,
                            dlerror());
    sl_guest_describe_fn describe = (sl_guest_describe_fn)dlsym(h, SL_GUEST_DESCRIBE_SYMBOL);
    if (describe == NULL) {
        dlclose(h);
        return sl_error_set(err, SL_ECOMPILE, "%s: compiled code has no %s", e->filename,
                            SL_GUEST_DESCRIBE_SYMBOL);
    }
    out->desc = describe(sl_rt_api_table());
    out->dl_handle = h;
    out->tier = SL_TIER_OPTIMIZED;
    return SL_OK;
}
