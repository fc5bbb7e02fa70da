/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_run.c -- `slight run MODULE [options] [-- ARGS]`: builds the WASI
 * context from the command line, loads the module, runs _start and turns
 * the outcome into the exit status (the guest's own code, 1, 2 or 134).
 * When the slightfile declares http: on-server-init instead, then serving
 * until no server is left or SIGINT/SIGTERM.
 */
#include "sl_common.h"

#include "cli.h"
#include "cli_engine.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/units.h"
#include "abi/abi_rt.h"
#include "capabilities/caps.h"
#include "capabilities/http/http.h"
#include "config/slightfile.h"
#include "engine/module.h"
#include "engine/rt.h"
#include "wasi/wasi.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
    OPT_LINK_ALL = 1,
    OPT_DIR,
    OPT_ENV,
    OPT_TCPLISTEN,
    OPT_TIER,
    OPT_TIMEOUT,
    OPT_MAX_MEMORY,
    OPT_CONFIG,
    OPT_HELP,
};

static const struct sl_opt_spec run_specs[] = {
    {"link-all-capabilities", 'l', false, OPT_LINK_ALL},
    {"dir", 0, true, OPT_DIR},
    {"env", 0, true, OPT_ENV},
    {"tcplisten", 0, true, OPT_TCPLISTEN},
    {"tier", 0, true, OPT_TIER},
    {"timeout", 0, true, OPT_TIMEOUT},
    {"max-memory", 0, true, OPT_MAX_MEMORY},
    {"config", 'c', true, OPT_CONFIG},
    {"help", 'h', false, OPT_HELP},
    {NULL, 0, false, 0},
};

static const char run_usage[] =
    "usage: slight [-c FILE] run MODULE [options] [-- ARGS...]\n"
    "\n"
    "Runs MODULE (a .wasm core module or a .slightc artifact): _start for a WASI\n"
    "command, or the HTTP server when the slightfile declares one.\n"
    "\n"
    "options:\n"
    "  -l, --link-all-capabilities  link every capability, even undeclared ones\n"
    "  --dir HOST[:GUEST]     preopen HOST as GUEST (default: the working directory as .)\n"
    "  --env KEY[=VALUE]      set a guest environment variable (KEY alone: the host's value)\n"
    "  --tcplisten HOST:PORT  give the guest a listening socket (for sock_accept)\n"
    "  --tier auto|baseline|optimized  which compiled code to run (default auto)\n"
    "  --timeout DURATION     deadline of the guest call, e.g. 30s, 500ms (default none)\n"
    "  --max-memory SIZE      guest memory limit, e.g. 256MiB (default: module maximum)\n"
    "  -c, --config FILE      the slightfile\n"
    "  -h, --help             print this help\n"
    "\n"
    "exit status: the guest's exit code; 1 on an error; 2 on a usage error; 134 on a trap.\n";

struct run_args {
    const char *module;
    bool link_all;
    struct sl_wasi_preopen *dirs;
    size_t ndirs;
    char **env;
    size_t nenv;
    int *listen_fds;
    size_t nlisten;
    uint64_t timeout_ms;
    bool timeout_set;
    uint64_t max_memory;
    struct sl_cli_engine engine;
};

static void run_args_release(struct run_args *r)
{
    for (size_t i = 0; i < r->nenv; i++)
        sl_free(r->env[i]);
    sl_free(r->env);
    for (size_t i = 0; i < r->ndirs; i++) {
        sl_free((char *)r->dirs[i].host_path);
        sl_free((char *)r->dirs[i].guest_path);
    }
    sl_free(r->dirs);
    for (size_t i = 0; i < r->nlisten; i++)
        close(r->listen_fds[i]);
    sl_free(r->listen_fds);
}

static sl_err add_dir(struct run_args *r, const char *v, struct sl_error *err)
{
    const char *colon = strchr(v, ':');
    struct sl_wasi_preopen *p = sl_reallocarray(r->dirs, r->ndirs + 1, sizeof(*p));
    if (p == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    r->dirs = p;
    char *host = colon ? sl_strndup(v, (size_t)(colon - v)) : sl_strdup(v);
    char *guest = sl_strdup(colon ? colon + 1 : v);
    if (host == NULL || guest == NULL || !host[0] || !guest[0]) {
        sl_free(host);
        sl_free(guest);
        return sl_error_set(err, SL_EUSAGE, "invalid --dir '%s': expected HOST[:GUEST]", v);
    }
    p[r->ndirs++] = (struct sl_wasi_preopen){host, guest};
    return SL_OK;
}

static sl_err add_env(struct run_args *r, const char *v, struct sl_error *err)
{
    char *kv;
    if (v[0] == '=' || v[0] == '\0')
        return sl_error_set(err, SL_EUSAGE, "invalid --env '%s': expected KEY[=VALUE]", v);
    if (strchr(v, '=') != NULL) {
        kv = sl_strdup(v);
    } else {
        const char *host = getenv(v);
        if (host == NULL) {
            sl_log_warn("--env %s: not set in the host environment; not passed", v);
            return SL_OK;
        }
        size_t n = strlen(v) + strlen(host) + 2;
        kv = sl_malloc(n);
        if (kv)
            snprintf(kv, n, "%s=%s", v, host);
    }
    char **p = sl_reallocarray(r->env, r->nenv + 1, sizeof(*p));
    if (kv == NULL || p == NULL) {
        sl_free(kv);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    r->env = p;
    p[r->nenv++] = kv;
    return SL_OK;
}

static sl_err add_listener(struct run_args *r, const char *v, struct sl_error *err)
{
    const char *colon = strrchr(v, ':');
    if (colon == NULL || colon == v || !colon[1])
        return sl_error_set(err, SL_EUSAGE, "invalid --tcplisten '%s': expected HOST:PORT", v);
    char host[256];
    snprintf(host, sizeof(host), "%.*s", (int)(colon - v), v);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    int g = getaddrinfo(host, colon + 1, &hints, &ai);
    if (g != 0)
        return sl_error_set(err, SL_EUSAGE, "invalid --tcplisten '%s': %s", v, gai_strerror(g));
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0
        || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return sl_error_set(err, SL_EIO, "cannot listen on '%s': %s", v, strerror(e));
    }
    freeaddrinfo(ai);
    int *p = sl_reallocarray(r->listen_fds, r->nlisten + 1, sizeof(*p));
    if (p == NULL) {
        close(fd);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    r->listen_fds = p;
    p[r->nlisten++] = fd;
    return SL_OK;
}

static sl_err parse_run(struct sl_cli_globals *g, int argc, char **argv, struct run_args *r,
                        struct sl_opts *o, bool *help, struct sl_error *err)
{
    sl_err rc = sl_opts_parse("run", argc, argv, run_specs, o, err);
    if (rc != SL_OK)
        return rc;
    for (size_t i = 0; i < o->count && rc == SL_OK; i++) {
        const struct sl_opt *op = &o->items[i];
        switch (op->id) {
        case SL_OPT_POSITIONAL:
            if (r->module != NULL)
                return sl_error_set(err, SL_EUSAGE,
                                    "unexpected argument '%s' (guest arguments go after '--')",
                                    op->value);
            r->module = op->value;
            break;
        case OPT_LINK_ALL:
            r->link_all = true;
            break;
        case OPT_DIR:
            rc = add_dir(r, op->value, err);
            break;
        case OPT_ENV:
            rc = add_env(r, op->value, err);
            break;
        case OPT_TCPLISTEN:
            rc = add_listener(r, op->value, err);
            break;
        case OPT_TIER:
            rc = sl_cli_engine_tier(&r->engine, op->value, err);
            break;
        case OPT_TIMEOUT:
            rc = sl_parse_duration(op->value, &r->timeout_ms, err);
            r->timeout_set = true;
            if (rc != SL_OK) {
                sl_error_prefix(err, "--timeout");
                rc = sl_error_recode(err, SL_EUSAGE);
            }
            break;
        case OPT_MAX_MEMORY:
            rc = sl_parse_size(op->value, &r->max_memory, err);
            if (rc != SL_OK) {
                sl_error_prefix(err, "--max-memory");
                rc = sl_error_recode(err, SL_EUSAGE);
            }
            break;
        case OPT_CONFIG:
            g->config = op->value;
            break;
        case OPT_HELP:
            *help = true;
            break;
        default:
            break;
        }
    }
    if (rc == SL_OK && !*help && r->module == NULL)
        rc = sl_error_set(err, SL_EUSAGE, "'slight run' needs a MODULE");
    return rc;
}

/* Pages for a byte limit (rounded down, at least one page, at most 4 GiB). */
static uint32_t limit_pages(uint64_t bytes)
{
    if (bytes == 0)
        return 0;
    uint64_t pages = bytes / 65536;
    if (pages == 0)
        pages = 1;
    return pages > 65536 ? 65536 : (uint32_t)pages;
}

/*
 * The HTTP path (SLIGHT-SPEC §1.5): on-server-init once in a main instance,
 * then serve until no server is left or SIGINT/SIGTERM (blocked by the
 * caller); the servers answer each request in a fresh instance.
 */
static int run_http(struct run_args *r, struct sl_module *mod, struct sl_caps *caps,
                    const struct sl_wasi_config *cfg, uint64_t max_body, struct sl_error *err)
{
    struct sl_http_rt *rt = NULL;
    struct sl_wasi_ctx *wasi = NULL;
    struct sl_instance inst;
    struct sl_abi_state abi;
    struct sl_rt_result res;
    const struct sl_guest_export *init = sl_module_export(mod, "on-server-init");
    bool init_err = false;
    char init_msg[1024];
    int status;
    memset(&inst, 0, sizeof(inst));
    sl_abi_state_init(&abi, caps);

    if (init == NULL || strcmp(init->sig, ":i") != 0) {
        sl_error_set(err, SL_EMODULE,
                     "%s: exports no 'on-server-init' function of type () -> i32 (an http app "
                     "needs one)",
                     r->module);
        return sl_cli_fail(err);
    }
    struct sl_http_opts opts = {
        .mod = mod,
        .caps = caps,
        .wasi = cfg,
        .memory_limit_pages = limit_pages(r->max_memory),
        .timeout_ms = r->timeout_ms,
        .max_body = max_body,
    };
    /* SLIGHT_HTTP_WORKERS=N: N guest threads; 0: guests on the event loops (docs/http.md). */
    const char *workers = getenv("SLIGHT_HTTP_WORKERS");
    if (workers != NULL && workers[0] != '\0') {
        char *end;
        unsigned long n = strtoul(workers, &end, 10);
        if (*end != '\0' || n > 1024) {
            sl_error_set(err, SL_EUSAGE, "SLIGHT_HTTP_WORKERS='%s': expected a number of threads "
                         "from 0 to 1024", workers);
            return sl_cli_fail(err);
        }
        opts.workers = (unsigned)n;
        opts.inline_guests = n == 0;
    }
    sl_err rc = sl_http_rt_new(&opts, &rt, err);
    if (rc == SL_OK)
        rc = sl_wasi_ctx_new(cfg, &wasi, err);
    if (rc != SL_OK) {
        status = sl_cli_fail(err);
        goto out;
    }
    caps->http = rt;
    inst.wasi = wasi;
    inst.capabilities = &abi;
    rc = sl_module_instantiate(mod, &inst, limit_pages(r->max_memory), &res, err);
    if (rc == SL_OK) {
        sl_http_rt_set_main(rt, &inst);
        sl_http_rt_init(rt, &inst, init, &res, &init_err, init_msg, sizeof(init_msg));
    }
    fflush(stdout);
    if (rc == SL_EEXIT || (rc == SL_OK && res.outcome == SL_RT_EXITED)) {
        status = (int)inst.exit_code;
    } else if (rc == SL_ETRAP || (rc == SL_OK && res.outcome == SL_RT_TRAPPED)) {
        if (rc == SL_OK)
            sl_error_set(err, SL_ETRAP, "%s: trap in 'on-server-init': %s", r->module,
                         res.message);
        sl_cli_fail(err);
        status = SL_EXIT_TRAP;
    } else if (rc != SL_OK) {
        status = sl_cli_fail(err);
    } else if (init_err) {
        fprintf(stderr, "Error: %s\n", init_msg);
        status = SL_EXIT_ERROR;
    } else {
        sl_http_rt_wait(rt);
        status = SL_EXIT_OK;
    }
out:
    /* Servers first: their threads use the module's snapshot. */
    sl_http_rt_free(rt);
    caps->http = NULL;
    if (inst.w2c)
        sl_module_release_instance(mod, &inst);
    sl_abi_state_release(&abi);
    sl_wasi_ctx_free(wasi);
    return status;
}

static int run_module(struct sl_cli_globals *g, struct run_args *r, struct sl_opts *o,
                      struct sl_error *err)
{
    struct sl_slightfile *sf = NULL;
    struct sl_module *mod = NULL;
    struct sl_wasi_ctx *wasi = NULL;
    struct sl_instance inst;
    struct sl_caps *caps = NULL;
    struct sl_abi_state abi;
    struct sl_rt_result res;
    const struct sl_guest_export *start;
    struct sl_wasi_preopen cwd = {".", "."};
    struct sl_wasi_config cfg;
    int status = SL_EXIT_ERROR;
    bool http = false;
    uint64_t max_body = 0;
    memset(&inst, 0, sizeof(inst));
    sl_abi_state_init(&abi, NULL);

    sl_err rc = sl_cli_load_slightfile(g->config, &sf, err);
    if (rc != SL_OK)
        return sl_cli_fail(err);
    if (sf != NULL) {
        /* The command line wins over the slightfile's [limits]. */
        if (!r->timeout_set && sf->limits.has_timeout)
            r->timeout_ms = sf->limits.timeout_ms;
        if (r->max_memory == 0 && sf->limits.has_max_memory)
            r->max_memory = sf->limits.max_memory;
        if (sl_slightfile_declares(sf, "http")) {
            http = true;
            /* Pooled request instances are reset by copying back their dirty
             * pages: ~3.5x the requests of an madvise reset (docs/http.md). */
            if (getenv("SLIGHT_WRITE_BARRIER") == NULL)
                r->engine.aot.write_barrier = true;
            if (sf->limits.has_max_request_body)
                max_body = sf->limits.max_request_body;
            /* Before any thread exists: only sl_http_rt_wait takes these. */
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGINT);
            sigaddset(&set, SIGTERM);
            pthread_sigmask(SIG_BLOCK, &set, NULL);
            signal(SIGPIPE, SIG_IGN);
        }
    }
    rc = sl_caps_new(sf, &caps, err);
    if (rc != SL_OK) {
        sl_slightfile_free(sf);
        return sl_cli_fail(err);
    }
    sl_abi_state_init(&abi, caps);
    struct sl_run_providers prov;
    sl_cli_providers_init(&prov, sf, r->link_all);
    rc = sl_module_load(r->module, &r->engine.aot, &prov.link, &mod, err);
    if (rc != SL_OK) {
        sl_caps_free(caps);
        sl_slightfile_free(sf);
        return sl_cli_fail(err);
    }

    const char **argv = sl_calloc(o->nrest + 1, sizeof(*argv));
    if (argv == NULL) {
        sl_error_set(err, SL_ENOMEM, "out of memory");
        goto fail;
    }
    argv[0] = r->module;
    for (size_t i = 0; i < o->nrest; i++)
        argv[i + 1] = o->rest[i];
    cfg = (struct sl_wasi_config){
        .argv = argv,
        .argc = o->nrest + 1,
        .env = (const char *const *)r->env,
        .envc = r->nenv,
        .preopens = r->ndirs ? r->dirs : &cwd,
        .npreopens = r->ndirs ? r->ndirs : 1,
        .stdin_fd = 0,
        .stdout_fd = 1,
        .stderr_fd = 2,
        .listen_fds = r->listen_fds,
        .nlisten = r->nlisten,
    };
    if (http) {
        status = run_http(r, mod, caps, &cfg, max_body, err);
        sl_free(argv);
        sl_module_free(mod);
        sl_caps_free(caps);
        sl_slightfile_free(sf);
        return status;
    }
    rc = sl_wasi_ctx_new(&cfg, &wasi, err);
    sl_free(argv);
    if (rc != SL_OK)
        goto fail;
    inst.wasi = wasi;
    inst.capabilities = &abi;

    start = sl_module_export(mod, "_start");
    if (start == NULL || strcmp(start->sig, ":") != 0) {
        sl_error_set(err, SL_EMODULE,
                     "%s: exports no '_start' function of type () -> () (a WASI command needs one)",
                     r->module);
        goto fail;
    }
    if (r->timeout_ms && sl_rt_set_deadline(sl_rt_now_ns() + r->timeout_ms * 1000000ull, err)
                             != SL_OK)
        goto fail;
    rc = sl_module_instantiate(mod, &inst, limit_pages(r->max_memory), &res, err);
    if (rc == SL_OK)
        sl_module_call(&inst, start, NULL, NULL, &res);
    sl_rt_set_deadline(0, NULL);
    fflush(stdout);
    if (rc == SL_EEXIT || (rc == SL_OK && res.outcome == SL_RT_EXITED)) {
        status = (int)inst.exit_code;
    } else if (rc == SL_ETRAP && res.trap == SL_TRAP_MEMORY_LIMIT) {
        /* The limit is configuration, not a guest bug: an error, not a trap. */
        status = sl_cli_fail(err);
    } else if (rc == SL_ETRAP || (rc == SL_OK && res.outcome == SL_RT_TRAPPED)) {
        if (rc == SL_OK)
            sl_error_set(err, SL_ETRAP, "%s: trap in '%s': %s", r->module,
                         inst.current_export, res.message);
        sl_cli_fail(err);
        status = SL_EXIT_TRAP;
    } else if (rc != SL_OK) {
        status = sl_cli_fail(err);
    } else {
        status = SL_EXIT_OK;
    }
    sl_module_release_instance(mod, &inst);
    sl_abi_state_release(&abi);
    sl_wasi_ctx_free(wasi);
    sl_module_free(mod);
    sl_caps_free(caps);
    sl_slightfile_free(sf);
    return status;
fail:
    status = sl_cli_fail(err);
    if (inst.w2c)
        sl_module_release_instance(mod, &inst);
    sl_abi_state_release(&abi);
    sl_wasi_ctx_free(wasi);
    sl_module_free(mod);
    sl_caps_free(caps);
    sl_slightfile_free(sf);
    return status;
}

int sl_cmd_run(struct sl_cli_globals *g, int argc, char **argv)
{
    struct run_args r;
    struct sl_opts o;
    struct sl_error err = SL_ERROR_INIT;
    bool help = false;
    memset(&r, 0, sizeof(r));
    sl_cli_engine_init(&r.engine);
    if (parse_run(g, argc, argv, &r, &o, &help, &err) != SL_OK) {
        run_args_release(&r);
        sl_opts_release(&o);
        fprintf(stderr, "slight: error: %s\n%s", err.msg, err.code == SL_EUSAGE ? run_usage : "");
        return sl_cli_status(err.code);
    }
    if (help) {
        fputs(run_usage, stdout);
        run_args_release(&r);
        sl_opts_release(&o);
        return 0;
    }
    int status = run_module(g, &r, &o, &err);
    run_args_release(&r);
    sl_opts_release(&o);
    return status;
}
