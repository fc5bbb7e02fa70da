/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aot_cc.c -- the optimized tier: the system C compiler builds the
 * translated module into entry/opt.so (temp name + rename, then a hash
 * manifest); loading checks the hash before dlopen.
 */
#include "sl_common.h"

#include "aot_int.h"
#include "aot_split.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/proc.h"
#include "sl_config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const opt_files[] = {"opt.so"};

extern char **environ;

/* The optimized tier's compiler flags, for the whole file and for the parts. */
#define CC_FLAGS                                                                             \
    "-O2", "-fPIC", "-fvisibility=hidden", "-fno-optimize-sibling-calls", "-frounding-math", \
        "-fsignaling-nans", "-w",                                                            \
        SL_BOUNDS_EXPLICIT ? "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0"                           \
                           : "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1",                          \
        "-DWASM_RT_MAX_CALL_STACK_DEPTH=10000"

/* The compiler failed: the message names the status and the first line it printed. */
static sl_err cc_failed(const struct aot_entry *e, int status, const char *diag,
                        struct sl_error *err)
{
    char st[128];
    sl_proc_status_text(status, st, sizeof(st));
    size_t n = strcspn(diag, "\n");
    return sl_error_set(err, SL_ECOMPILE, "%s: the C compiler failed (%s): %.*s", e->filename, st,
                        (int)n, diag);
}

/* Runs the compiler with argv to completion (diagnostics kept for the message). */
static sl_err run_cc(const struct aot_entry *e, const char *const *argv, struct sl_error *err)
{
    struct sl_buf diag = SL_BUF_INIT;
    int status = 0;
    sl_err rc = sl_proc_run(argv, &diag, &status, err);
    if (rc == SL_OK && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
        rc = cc_failed(e, status, sl_buf_cstr(&diag), err);
    sl_buf_release(&diag);
    return rc;
}

/* Below this size g.c is compiled whole; above it, in parts of about this size. */
#define SPLIT_PART_BYTES ((size_t)2 << 20)

/* How many parts to compile g.c in: min(2 * nproc, size / 2 MiB); below 2, whole. */
static unsigned split_count(size_t gc_len)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = SL_MIN(gc_len / SPLIT_PART_BYTES, 2 * (size_t)(ncpu > 0 ? ncpu : 1));
    return (unsigned)SL_MIN(n, (size_t)SL_AOT_SPLIT_MAX_PARTS);
}

/* One compiler run of a split build: g.partK.c to an object, stderr to a log file. */
struct cc_job {
    char src[4210], obj[4210], log[4210];
    pid_t pid;
};

static pid_t start_job(const struct aot_entry *e, struct cc_job *j)
{
    const char *argv[] = {SL_GUEST_CC, CC_FLAGS, "-I", e->dir, "-c", j->src, "-o", j->obj, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, j->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
}

/* Waits for job j; SL_OK when the compiler succeeded. */
static sl_err finish_job(const struct aot_entry *e, struct cc_job *j, struct sl_error *err)
{
    int status = 0;
    sl_err rc = SL_OK;
    while (waitpid(j->pid, &status, 0) < 0) {
        if (errno != EINTR) {
            rc = sl_error_set(err, SL_EIO, "waiting for '%s': %s", SL_GUEST_CC, strerror(errno));
            break;
        }
    }
    if (rc == SL_OK && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        struct sl_buf diag = SL_BUF_INIT;
        struct sl_error ignored = SL_ERROR_INIT;
        sl_fs_read_file(j->log, &diag, &ignored);
        rc = cc_failed(e, status, sl_buf_cstr(&diag), err);
        sl_buf_release(&diag);
    }
    unlink(j->log);
    return rc;
}

/*
 * Writes parts[] as entry/g.partK.PID.c, compiles them (at most nproc compilers at once) and
 * links the objects with the glue into tmp. The parts and objects are temporary files.
 */
static sl_err build_split(const struct aot_entry *e, const struct sl_buf *parts, unsigned nparts,
                          const char *glue, const char *tmp, struct sl_error *err)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned jobs = ncpu > 0 ? (unsigned)ncpu : 1, written = 0, started = 0, done = 0;
    struct cc_job *job = sl_calloc(nparts, sizeof(*job));
    if (job == NULL)
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", e->filename);
    sl_err rc = SL_OK;
    for (; rc == SL_OK && written < nparts; written++) {
        struct cc_job *j = &job[written];
        char name[64], base[4200];
        snprintf(name, sizeof(name), "g.part%u.%ld", written, (long)getpid());
        sl_aot_entry_path(e, name, base, sizeof(base));
        snprintf(j->src, sizeof(j->src), "%s.c", base);
        snprintf(j->obj, sizeof(j->obj), "%s.o", base);
        snprintf(j->log, sizeof(j->log), "%s.log", base);
        rc = sl_fs_write_atomic(j->src, parts[written].data, parts[written].len, 0600, err);
    }
    while (done < started || (rc == SL_OK && started < nparts)) {
        while (rc == SL_OK && started < nparts && started - done < jobs) {
            struct cc_job *j = &job[started];
            j->pid = start_job(e, j);
            if (j->pid < 0)
                rc = sl_error_set(err, SL_EIO, "cannot run '%s'", SL_GUEST_CC);
            else
                started++;
        }
        if (done < started) {
            sl_err jrc = finish_job(e, &job[done++], rc == SL_OK ? err : NULL);
            if (rc == SL_OK)
                rc = jrc;
        }
    }
    if (rc == SL_OK) {
        static const char *const head[] = {SL_GUEST_CC, CC_FLAGS, "-shared", "-I"};
        const char **argv = sl_calloc(SL_ARRAY_SIZE(head) + nparts + 8, sizeof(*argv));
        if (argv == NULL) {
            rc = sl_error_set(err, SL_ENOMEM, "%s: out of memory", e->filename);
        } else {
            size_t n = 0;
            for (size_t i = 0; i < SL_ARRAY_SIZE(head); i++)
                argv[n++] = head[i];
            argv[n++] = e->dir;
            argv[n++] = glue;
            for (unsigned i = 0; i < nparts; i++)
                argv[n++] = job[i].obj;
            argv[n++] = "-o";
            argv[n++] = tmp;
            argv[n++] = "-lm";
            rc = run_cc(e, argv, err);
            sl_free(argv);
        }
    }
    for (unsigned i = 0; i < written; i++) {
        unlink(job[i].src);
        unlink(job[i].obj);
    }
    sl_free(job);
    return rc;
}

static sl_err build_locked(const struct aot_entry *e, struct sl_error *err)
{
    char gc[4200], glue[4200], tmp[4300], final[4200];
    sl_aot_entry_path(e, "g.c", gc, sizeof(gc));
    sl_aot_entry_path(e, "glue.c", glue, sizeof(glue));
    sl_aot_entry_path(e, "opt.so", final, sizeof(final));
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", final, (long)getpid());
    /* A large module is split into translation units compiled in parallel (aot_split.h); a
     * layout the splitter does not know only costs the parallelism. */
    struct sl_buf text = SL_BUF_INIT;
    struct sl_buf parts[SL_AOT_SPLIT_MAX_PARTS];
    for (unsigned i = 0; i < SL_AOT_SPLIT_MAX_PARTS; i++)
        parts[i] = (struct sl_buf)SL_BUF_INIT;
    unsigned nparts = 0;
    sl_err rc = sl_fs_read_file(gc, &text, err);
    if (rc != SL_OK)
        return rc;
    unsigned want = split_count(text.len);
    struct sl_error serr = SL_ERROR_INIT;
    if (want > 1 && sl_aot_split(text.data, text.len, want, parts, &nparts, &serr) != SL_OK) {
        sl_log_debug("%s: compiling the translated C whole: %s", e->filename, serr.msg);
        nparts = 0;
    }
    sl_buf_release(&text);
    if (nparts > 1) {
        sl_log_info("compiling %s (optimized tier, %u parts)", e->filename, nparts);
        rc = build_split(e, parts, nparts, glue, tmp, err);
    } else {
        const char *argv[] = {SL_GUEST_CC, CC_FLAGS, "-shared", "-I",  e->dir, gc,
                              glue,        "-o",     tmp,       "-lm", NULL};
        sl_log_info("compiling %s (optimized tier)", e->filename);
        rc = run_cc(e, argv, err);
    }
    for (unsigned i = 0; i < nparts; i++)
        sl_buf_release(&parts[i]);
    if (rc == SL_OK && rename(tmp, final) != 0)
        rc = sl_error_set(err, SL_EIO, "cache: cannot rename '%s'", tmp);
    if (rc != SL_OK)
        unlink(tmp);
    else
        rc = sl_aot_write_sums(e, "opt.sum", opt_files, SL_ARRAY_SIZE(opt_files), err);
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
