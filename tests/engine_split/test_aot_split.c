/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_aot_split.c -- splitting wasm2c output into translation units
 * (engine/aot_split.c): real modules split into 1, 2 and 4 parts run like the
 * whole file on wabt's reference runtime, link with slight's glue into a shared
 * object with the same dynamic symbols, bad layouts are refused, and the time
 * cc -O2 takes for a large module whole and split is logged.
 */
#include "sl_common.h"

#include "common/buf.h"
#include "common/fs.h"
#include "common/mem.h"
#include "engine/aot_split.h"
#include "engine/glue_gen.h"
#include "engine/wasm_reader.h"
#include "sl_config.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PATH_SIZE 512
#define MAX_ARGS  64

/* The flags of the optimized tier (aot_cc.c) minus -fvisibility=hidden: the split must hide
 * its cross-part symbols by itself. */
#define TIER_FLAGS                                                                              \
    "-O2", "-fPIC", "-fno-optimize-sibling-calls", "-frounding-math", "-fsignaling-nans", "-w", \
        "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1", "-DWASM_RT_MAX_CALL_STACK_DEPTH=10000"

/* ---------------------------------------------------------------- processes and files */

/* Starts argv (argv[0] looked up on PATH), stdout to out_path unless NULL; -1 on failure. */
static pid_t start(const char *const *argv, const char *out_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (out_path != NULL)
        posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
}

/* Waits for pid; its exit status, or -1 when it did not exit normally. */
static int finish(pid_t pid)
{
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

static int run(const char *const *argv, const char *out_path)
{
    return finish(start(argv, out_path));
}

static size_t count_args(const char *const *argv)
{
    size_t n = 0;
    while (argv[n] != NULL)
        n++;
    return n;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void join(char *buf, const char *dir, const char *name)
{
    int n = snprintf(buf, PATH_SIZE, "%s/%s", dir, name);
    cr_assert(n > 0 && n < PATH_SIZE, "path too long: %s/%s", dir, name);
}

static void read_file(const char *path, struct sl_buf *out)
{
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_fs_read_file(path, out, &err), SL_OK, "%s", err.msg);
}

static void write_file(const char *path, const char *data, size_t len)
{
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_fs_write_atomic(path, data, len, 0600, &err), SL_OK, "%s", err.msg);
}

static void make_tmpdir(char *dir)
{
    const char *base = getenv("TMPDIR");
    int n = snprintf(dir, PATH_SIZE, "%s/slsplit.XXXXXX", base && *base ? base : "/tmp");
    cr_assert(n > 0 && n < PATH_SIZE);
    cr_assert_not_null(mkdtemp(dir), "mkdtemp");
}

static void remove_tree(const char *dir)
{
    const char *argv[] = {"rm", "-rf", dir, NULL};
    run(argv, NULL);
}

static void sub_dir(char *out, const char *dir, const char *name)
{
    join(out, dir, name);
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_fs_mkdirs(out, 0700, &err), SL_OK, "%s", err.msg);
}

/* The built fixture NAME (a .wasm); skips the test when the toolchain did not build it. */
static void fixture(char *out, const char *name)
{
    join(out, SPLIT_FIXTURE_DIR, name);
    if (!sl_fs_exists(out))
        cr_skip_test("%s was not built (wat2wasm or a wasm32-wasi clang is missing)", name);
}

/* wasm2c -n g WASM -o DIR/g.c (and DIR/g.h). */
static void translate(const char *wasm, const char *dir, bool exceptions)
{
    char gc[PATH_SIZE];
    join(gc, dir, "g.c");
    const char *argv[MAX_ARGS] = {SL_WASM2C, "-n", "g"};
    size_t n = 3;
    if (exceptions)
        argv[n++] = "--enable-exceptions";
    argv[n++] = wasm;
    argv[n++] = "-o";
    argv[n++] = gc;
    cr_assert_eq(run(argv, NULL), 0, "wasm2c %s", wasm);
}

/* Splits DIR/g.c into DIR/g.partK.c; returns how many parts were written. */
static unsigned split_dir(const char *dir, unsigned nparts)
{
    char path[PATH_SIZE];
    struct sl_buf gc = SL_BUF_INIT;
    struct sl_buf parts[SL_AOT_SPLIT_MAX_PARTS];
    for (size_t i = 0; i < SL_ARRAY_SIZE(parts); i++)
        parts[i] = (struct sl_buf)SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    unsigned nout = 0;
    join(path, dir, "g.c");
    read_file(path, &gc);
    cr_assert_eq(sl_aot_split(gc.data, gc.len, nparts, parts, &nout, &err), SL_OK, "%s", err.msg);
    cr_assert(nout >= 1 && nout <= nparts, "%u parts for %u", nout, nparts);
    for (unsigned i = 0; i < nout; i++) {
        char name[64];
        snprintf(name, sizeof(name), "g.part%u.c", i);
        join(path, dir, name);
        write_file(path, parts[i].data, parts[i].len);
        sl_buf_release(&parts[i]);
    }
    sl_buf_release(&gc);
    return nout;
}

static void part_path(char *out, const char *dir, unsigned i, const char *ext)
{
    char name[64];
    snprintf(name, sizeof(name), "g.part%u.%s", i, ext);
    join(out, dir, name);
}

/*
 * Compiles DIR/g.partK.c to .o with flags (NULL-terminated), at most jobs at once; rt_dir, if
 * not NULL, is searched for wasm-rt.h before the system's (wabt's).
 */
static void compile_parts(const char *dir, const char *rt_dir, unsigned nparts,
                          const char *const *flags, unsigned jobs)
{
    pid_t pids[SL_AOT_SPLIT_MAX_PARTS];
    char src[SL_AOT_SPLIT_MAX_PARTS][PATH_SIZE], obj[SL_AOT_SPLIT_MAX_PARTS][PATH_SIZE];
    unsigned started = 0, done = 0;
    while (done < nparts) {
        while (started < nparts && started - done < jobs) {
            const char *argv[MAX_ARGS] = {SL_GUEST_CC};
            size_t n = 1;
            for (size_t i = 0; flags[i] != NULL; i++)
                argv[n++] = flags[i];
            part_path(src[started], dir, started, "c");
            part_path(obj[started], dir, started, "o");
            argv[n++] = "-I";
            argv[n++] = dir;
            if (rt_dir != NULL) {
                argv[n++] = "-I";
                argv[n++] = rt_dir;
            }
            argv[n++] = "-c";
            argv[n++] = src[started];
            argv[n++] = "-o";
            argv[n++] = obj[started];
            pids[started] = start(argv, NULL);
            cr_assert_gt(pids[started], 0, "cannot start %s", SL_GUEST_CC);
            started++;
        }
        cr_assert_eq(finish(pids[done]), 0, "cc %s failed", src[done]);
        done++;
    }
}

/* ---------------------------------------------------------------- running on wabt's runtime */

/* Builds sources (g.c or the parts' .o files) with DRIVER on wabt's runtime, runs it, and
 * returns what it printed. */
static void build_and_run(const char *dir, unsigned nparts, const char *driver, bool whole,
                          struct sl_buf *out)
{
    char exe[PATH_SIZE], txt[PATH_SIZE], gc[PATH_SIZE], drv[PATH_SIZE];
    char objs[SL_AOT_SPLIT_MAX_PARTS][PATH_SIZE];
    join(exe, dir, "run");
    join(txt, dir, "out.txt");
    join(gc, dir, "g.c");
    join(drv, SPLIT_SRC_DIR, driver);
    const char *argv[MAX_ARGS] = {SL_GUEST_CC, "-O2", "-w", "-I", dir, drv};
    size_t n = 6;
    if (whole) {
        argv[n++] = gc;
    } else {
        static const char *const flags[] = {"-O2", "-w", NULL};
        compile_parts(dir, NULL, nparts, flags, 2);
        for (unsigned i = 0; i < nparts; i++) {
            part_path(objs[i], dir, i, "o");
            argv[n++] = objs[i];
        }
    }
    argv[n++] = "-lwasm-rt-impl";
    argv[n++] = "-lm";
    argv[n++] = "-o";
    argv[n++] = exe;
    cr_assert_eq(run(argv, NULL), 0, "building %s in %s", driver, dir);
    const char *rargv[] = {exe, NULL};
    cr_assert_eq(run(rargv, txt), 0, "running %s", exe);
    read_file(txt, out);
}

/* Translates WASM; for 1, 2 and 4 parts the split build prints what the whole one prints. */
static void check_runs_like_whole(const char *wasm_name, const char *driver, bool exceptions,
                                  unsigned min_parts_for_4)
{
    char wasm[PATH_SIZE], tmp[PATH_SIZE], whole[PATH_SIZE], gh[PATH_SIZE];
    fixture(wasm, wasm_name);
    make_tmpdir(tmp);
    sub_dir(whole, tmp, "whole");
    translate(wasm, whole, exceptions);
    struct sl_buf expect = SL_BUF_INIT, got = SL_BUF_INIT, gc = SL_BUF_INIT, h = SL_BUF_INIT;
    build_and_run(whole, 1, driver, true, &expect);
    cr_assert_gt(expect.len, 0);
    join(gh, whole, "g.h");
    read_file(gh, &h);
    join(gh, whole, "g.c");
    read_file(gh, &gc);
    static const unsigned counts[] = {1, 2, 4};
    for (size_t c = 0; c < SL_ARRAY_SIZE(counts); c++) {
        char dir[PATH_SIZE], name[32];
        snprintf(name, sizeof(name), "split%u", counts[c]);
        sub_dir(dir, tmp, name);
        join(gh, dir, "g.h");
        write_file(gh, h.data, h.len);
        join(gh, dir, "g.c");
        write_file(gh, gc.data, gc.len);
        unsigned nout = split_dir(dir, counts[c]);
        if (counts[c] == 4)
            cr_assert_geq(nout, min_parts_for_4, "%s: only %u parts", wasm_name, nout);
        build_and_run(dir, nout, driver, false, &got);
        cr_assert_str_eq(got.data, expect.data, "%s in %u parts", wasm_name, nout);
        sl_buf_release(&got);
    }
    sl_buf_release(&expect);
    sl_buf_release(&gc);
    sl_buf_release(&h);
    remove_tree(tmp);
}

Test(split, one_part_is_the_input)
{
    char wasm[PATH_SIZE], tmp[PATH_SIZE], path[PATH_SIZE];
    fixture(wasm, "split_ops.wasm");
    make_tmpdir(tmp);
    translate(wasm, tmp, false);
    join(path, tmp, "g.c");
    struct sl_buf gc = SL_BUF_INIT, part = SL_BUF_INIT;
    read_file(path, &gc);
    struct sl_error err = SL_ERROR_INIT;
    unsigned nout = 0;
    cr_assert_eq(sl_aot_split(gc.data, gc.len, 1, &part, &nout, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(nout, 1);
    cr_assert_eq(part.len, gc.len);
    cr_assert(memcmp(part.data, gc.data, gc.len) == 0);
    sl_buf_release(&part);
    sl_buf_release(&gc);
    remove_tree(tmp);
}

Test(split, ops_runs_like_whole, .timeout = 300)
{
    check_runs_like_whole("split_ops.wasm", "ops_main.c", false, 4);
}

Test(split, exception_tags_are_shared, .timeout = 300)
{
    check_runs_like_whole("split_exc.wasm", "exc_main.c", true, 4);
}

/* ---------------------------------------------------------------- linking with slight's glue */

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names nm prints for so (dynamic symbols; defined or undefined ones). */
static void nm_names(const char *so, bool defined, const char *txt, struct sl_buf *out)
{
    const char *argv[] = {"nm", "-D", defined ? "--defined-only" : "--undefined-only", so, NULL};
    cr_assert_eq(run(argv, txt), 0, "nm %s", so);
    struct sl_buf raw = SL_BUF_INIT;
    read_file(txt, &raw);
    size_t n = 0, cap = 0;
    char **names = NULL;
    for (char *line = raw.data; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        char *name = strrchr(line, ' ');
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = sl_reallocarray(names, cap, sizeof(*names));
            cr_assert_not_null(names);
        }
        names[n++] = name != NULL ? name + 1 : line;
        line = nl != NULL ? nl + 1 : NULL;
    }
    if (n > 0)
        qsort(names, n, sizeof(*names), cmp_str_ptr);
    for (size_t i = 0; i < n; i++)
        sl_buf_appendf(out, "%s\n", names[i]);
    sl_free(names);
    sl_buf_release(&raw);
}

/* Writes DIR/glue.c for the module as the translate step does. */
static void write_glue(const char *wasm, const char *dir)
{
    char path[PATH_SIZE];
    struct sl_buf bytes = SL_BUF_INIT, header = SL_BUF_INIT, glue = SL_BUF_INIT;
    struct sl_wasm_module m;
    memset(&m, 0, sizeof(m));
    struct sl_error err = SL_ERROR_INIT;
    read_file(wasm, &bytes);
    cr_assert_eq(sl_wasm_read((const uint8_t *)bytes.data, bytes.len, wasm, &m, &err), SL_OK, "%s",
                 err.msg);
    join(path, dir, "g.h");
    read_file(path, &header);
    cr_assert_eq(sl_glue_generate(&m, header.data, "g.h", &glue, &err), SL_OK, "%s", err.msg);
    join(path, dir, "glue.c");
    write_file(path, glue.data, glue.len);
    sl_wasm_module_release(&m);
    sl_buf_release(&bytes);
    sl_buf_release(&header);
    sl_buf_release(&glue);
}

/* Links DIR/whole.o, or DIR/g.partK.o, with DIR/glue.c into DIR/NAME; no undefined symbols. */
static void link_so(const char *dir, const char *name, unsigned nparts, bool whole)
{
    char so[PATH_SIZE], glue[PATH_SIZE];
    char objs[SL_AOT_SPLIT_MAX_PARTS][PATH_SIZE];
    join(so, dir, name);
    join(glue, dir, "glue.c");
    const char *argv[MAX_ARGS] = {SL_GUEST_CC, TIER_FLAGS};
    size_t n = count_args(argv);
    argv[n++] = "-shared";
    argv[n++] = "-Wl,--no-undefined";
    argv[n++] = "-I";
    argv[n++] = dir;
    argv[n++] = "-I";
    argv[n++] = SPLIT_RT_DIR;
    argv[n++] = glue;
    if (whole) {
        join(objs[0], dir, "whole.o");
        argv[n++] = objs[0];
    } else {
        for (unsigned i = 0; i < nparts; i++) {
            part_path(objs[i], dir, i, "o");
            argv[n++] = objs[i];
        }
    }
    argv[n++] = "-o";
    argv[n++] = so;
    argv[n++] = "-lm";
    cr_assert_eq(run(argv, NULL), 0, "linking %s", so);
}

/* whole.so and split.so export and import the same dynamic symbols, none of them w2c_. */
static void check_same_symbols(const char *dir)
{
    char so1[PATH_SIZE], so2[PATH_SIZE], txt[PATH_SIZE];
    join(so1, dir, "whole.so");
    join(so2, dir, "split.so");
    join(txt, dir, "nm.txt");
    for (int defined = 0; defined < 2; defined++) {
        struct sl_buf a = SL_BUF_INIT, b = SL_BUF_INIT;
        nm_names(so1, defined, txt, &a);
        nm_names(so2, defined, txt, &b);
        cr_assert_str_eq(b.data, a.data, "%s dynamic symbols differ",
                         defined ? "defined" : "undefined");
        if (defined)
            cr_assert(strstr(a.data, "Z_gZ_") != NULL || strstr(a.data, "Z_g_") != NULL);
        cr_assert_null(strstr(b.data, "w2c_"), "a w2c_ symbol is visible:\n%s", b.data);
        cr_assert_null(strstr(b.data, "func_types"), "func_types is visible");
        sl_buf_release(&a);
        sl_buf_release(&b);
    }
}

/* Builds the module whole and in nparts parts with slight's glue; returns compile seconds. */
static void check_links_like_whole(const char *wasm_name, unsigned nparts, double *t_whole,
                                   double *t_split, unsigned *nout_p)
{
    char wasm[PATH_SIZE], tmp[PATH_SIZE], obj[PATH_SIZE], gc[PATH_SIZE];
    fixture(wasm, wasm_name);
    make_tmpdir(tmp);
    translate(wasm, tmp, false);
    write_glue(wasm, tmp);
    unsigned nout = split_dir(tmp, nparts);
    static const char *const flags[] = {TIER_FLAGS, NULL};

    /* The whole file, compiled the same way (-c), so the times compare. */
    join(gc, tmp, "g.c");
    join(obj, tmp, "whole.o");
    const char *argv[MAX_ARGS] = {SL_GUEST_CC, TIER_FLAGS};
    size_t n = count_args(argv);
    argv[n++] = "-I";
    argv[n++] = tmp;
    argv[n++] = "-I";
    argv[n++] = SPLIT_RT_DIR;
    argv[n++] = "-c";
    argv[n++] = gc;
    argv[n++] = "-o";
    argv[n++] = obj;
    double t0 = now_s();
    cr_assert_eq(run(argv, NULL), 0, "cc %s", gc);
    double t1 = now_s();
    compile_parts(tmp, SPLIT_RT_DIR, nout, flags, 2);
    double t2 = now_s();
    link_so(tmp, "whole.so", 1, true);
    link_so(tmp, "split.so", nout, false);
    check_same_symbols(tmp);
    if (t_whole != NULL)
        *t_whole = t1 - t0;
    if (t_split != NULL)
        *t_split = t2 - t1;
    if (nout_p != NULL)
        *nout_p = nout;
    remove_tree(tmp);
}

Test(split, wasi_guest_links_like_whole, .timeout = 300)
{
    for (unsigned n = 2; n <= 4; n += 2)
        check_links_like_whole("split_hello.wasm", n, NULL, NULL, NULL);
}

Test(split, wat_module_links_like_whole, .timeout = 300)
{
    check_links_like_whole("split_ops.wasm", 4, NULL, NULL, NULL);
}

/* The measurement asked of the split: cc -O2 on a multi-megabyte module, whole vs 4 parts
 * compiled two at a time. Logged, never asserted: the machine is shared. */
Test(split, large_module_compile_time, .timeout = 900)
{
    char wasm[PATH_SIZE];
    fixture(wasm, "split_large.wasm");
    double whole = 0, split = 0;
    unsigned nout = 0;
    check_links_like_whole("split_large.wasm", 4, &whole, &split, &nout);
    cr_assert_eq(nout, 4);
    cr_log_info("large module: cc -O2 whole %.1f s; %u parts, 2 at a time, %.1f s (%.2fx)", whole,
                nout, split, split > 0 ? whole / split : 0.0);
    fprintf(stderr, "large module: cc -O2 whole %.1f s; %u parts, 2 at a time, %.1f s (%.2fx)\n",
            whole, nout, split, split > 0 ? whole / split : 0.0);
}

Test(split, large_module_parts_are_balanced, .timeout = 300)
{
    char wasm[PATH_SIZE], tmp[PATH_SIZE], path[PATH_SIZE];
    fixture(wasm, "split_large.wasm");
    make_tmpdir(tmp);
    translate(wasm, tmp, false);
    join(path, tmp, "g.c");
    struct sl_buf gc = SL_BUF_INIT;
    read_file(path, &gc);
    struct sl_buf parts[8];
    for (size_t i = 0; i < SL_ARRAY_SIZE(parts); i++)
        parts[i] = (struct sl_buf)SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    unsigned nout = 0;
    cr_assert_eq(sl_aot_split(gc.data, gc.len, 8, parts, &nout, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(nout, 8);
    size_t total = 0, lo = SIZE_MAX, hi = 0;
    for (unsigned i = 0; i < nout; i++) {
        total += parts[i].len;
        lo = SL_MIN(lo, parts[i].len);
        hi = SL_MAX(hi, parts[i].len);
        sl_buf_release(&parts[i]);
    }
    cr_log_info("large module: g.c %zu bytes; 8 parts of %zu..%zu bytes", gc.len, lo, hi);
    cr_assert_lt(hi, lo * 3 / 2, "unbalanced parts: %zu..%zu bytes", lo, hi);
    cr_assert_gt(total, gc.len);
    sl_buf_release(&gc);
    remove_tree(tmp);
}

/* ---------------------------------------------------------------- refused layouts */

/* sl_aot_split must fail on text and leave both parts released. */
static void expect_refused(const char *what, const char *text, size_t len)
{
    struct sl_buf parts[2] = {SL_BUF_INIT, SL_BUF_INIT};
    struct sl_error err = SL_ERROR_INIT;
    unsigned nout = 0;
    sl_err rc = sl_aot_split(text, len, 2, parts, &nout, &err);
    cr_assert_neq(rc, SL_OK, "%s was accepted", what);
    cr_assert_neq(err.msg[0], '\0', "%s: no message", what);
    cr_assert_null(parts[0].data, "%s: part 0 not released", what);
    cr_assert_null(parts[1].data, "%s: part 1 not released", what);
    cr_log_info("%s: %s", what, err.msg);
}

/* Copies text with the first occurrence of from replaced by to. */
static void edited(struct sl_buf *out, const struct sl_buf *text, const char *from, const char *to)
{
    const char *at = strstr(text->data, from);
    cr_assert_not_null(at, "no '%s' in the fixture", from);
    sl_buf_reset(out);
    sl_buf_append(out, text->data, (size_t)(at - text->data));
    sl_buf_appends(out, to);
    sl_buf_appends(out, at + strlen(from));
}

Test(split, refuses_unexpected_layouts)
{
    static const char not_w2c[] = "int x;\nint main(void) { return x; }\n";
    expect_refused("plain C", not_w2c, sizeof(not_w2c) - 1);
    expect_refused("empty text", "", 0);

    char wasm[PATH_SIZE], tmp[PATH_SIZE], path[PATH_SIZE];
    fixture(wasm, "split_ops.wasm");
    make_tmpdir(tmp);
    translate(wasm, tmp, false);
    join(path, tmp, "g.c");
    struct sl_buf gc = SL_BUF_INIT, bad = SL_BUF_INIT;
    read_file(path, &gc);

    expect_refused("truncated in a function", gc.data, gc.len / 2 + gc.len / 4);
    const char *tail = strstr(gc.data, "/* export: ");
    cr_assert_not_null(tail);
    expect_refused("without its tail", gc.data, (size_t)(tail - gc.data));
    edited(&bad, &gc, "static bool s_module_initialized = false;\n", "");
    expect_refused("no s_module_initialized", bad.data, bad.len);
    edited(&bad, &gc, "#include \"g.h\"\n", "#include \"g.h\"\nstatic int counter;\n");
    expect_refused("a static object in the prelude", bad.data, bad.len);
    /* The first forward declaration goes: its definition then has no declaration. */
    const char *decl = strstr(gc.data, "\nstatic u32 w2c_");
    cr_assert_not_null(decl);
    const char *decl_end = strchr(decl + 1, '\n');
    sl_buf_reset(&bad);
    sl_buf_append(&bad, gc.data, (size_t)(decl - gc.data));
    sl_buf_appends(&bad, decl_end);
    expect_refused("a definition without declaration", bad.data, bad.len);
    edited(&bad, &gc, "  FUNC_PROLOGUE;\n", "FUNC_PROLOGUE;\n");
    expect_refused("an unindented body line", bad.data, bad.len);
    edited(&bad, &gc, "\nstatic void init_memories(",
           "\nint surprise;\nstatic void init_memories(");
    expect_refused("an unknown line among the module data", bad.data, bad.len);

    struct sl_buf parts[1] = {SL_BUF_INIT};
    struct sl_error err = SL_ERROR_INIT;
    unsigned nout = 0;
    cr_assert_eq(sl_aot_split(gc.data, gc.len, 0, parts, &nout, &err), SL_EINVAL);
    sl_buf_release(&bad);
    sl_buf_release(&gc);
    remove_tree(tmp);
}

/* Every allocation failure is reported as SL_ENOMEM with the parts released. */
Test(split, allocation_failures)
{
    char wasm[PATH_SIZE], tmp[PATH_SIZE], path[PATH_SIZE];
    fixture(wasm, "split_ops.wasm");
    make_tmpdir(tmp);
    translate(wasm, tmp, false);
    join(path, tmp, "g.c");
    struct sl_buf gc = SL_BUF_INIT;
    read_file(path, &gc);
    sl_err rc = SL_ENOMEM;
    unsigned long nth = 1;
    for (; rc != SL_OK && nth < 10000; nth++) {
        struct sl_buf parts[4] = {SL_BUF_INIT, SL_BUF_INIT, SL_BUF_INIT, SL_BUF_INIT};
        struct sl_error err = SL_ERROR_INIT;
        unsigned nout = 0;
        sl_mem_fail_after(nth);
        rc = sl_aot_split(gc.data, gc.len, 4, parts, &nout, &err);
        sl_mem_fail_after(0);
        if (rc != SL_OK) {
            cr_assert_eq(rc, SL_ENOMEM, "allocation %lu: %s", nth, err.msg);
            for (size_t i = 0; i < SL_ARRAY_SIZE(parts); i++)
                cr_assert_null(parts[i].data, "allocation %lu: part %zu kept", nth, i);
        } else {
            cr_assert_eq(nout, 4);
            for (size_t i = 0; i < SL_ARRAY_SIZE(parts); i++)
                sl_buf_release(&parts[i]);
        }
    }
    cr_assert_eq(rc, SL_OK, "still failing after %lu allocations", nth);
    cr_assert_gt(nth, 5, "too few allocations to exercise the failure paths");
    sl_buf_release(&gc);
    remove_tree(tmp);
}
