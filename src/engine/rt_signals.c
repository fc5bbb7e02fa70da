/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rt_signals.c -- per-thread runtime state, the signal handlers that turn a
 * guard-page fault or stack overflow in guest code into a trap, and the one
 * watchdog thread that signals a thread only when its deadline has passed
 * (setting a deadline costs no system call while the watchdog runs).
 * A fault outside guest code is not ours: the default action (a crash with
 * a core) follows.
 */
#include "sl_common.h"

#include "rt.h"
#include "rt_thread.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static __thread struct sl_rt_thread self_state;

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_errno;
static int deadline_signal;

static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cond = PTHREAD_COND_INITIALIZER;
static struct sl_rt_thread *wd_threads;
static bool wd_started, wd_idle;
static pthread_key_t exit_key;

struct sl_rt_thread *sl_rt_thread_self(void)
{
    return &self_state;
}

uint64_t sl_rt_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool in_guest_code(const struct sl_rt_thread *t)
{
    return t->target != NULL && t->inst != NULL && !t->inst->hdr.in_host && !t->in_rt;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    struct sl_rt_thread *t = &self_state;
    (void)uc;
    if (in_guest_code(t)) {
        uintptr_t a = (uintptr_t)si->si_addr;
        const wasm_rt_memory_t *mem = t->inst->memory;
        if (mem != NULL && mem->reserved > 0 && a >= (uintptr_t)mem->data
            && a - (uintptr_t)mem->data < mem->reserved)
            siglongjmp(*t->target, WASM_RT_TRAP_OOB);
        if (t->stack_lo != 0 && a + (1u << 20) >= t->stack_lo && a < t->stack_lo + (1u << 16))
            siglongjmp(*t->target, WASM_RT_TRAP_EXHAUSTION);
    }
    /* Not a guest fault: let the default action happen on return. */
    signal(sig, SIG_DFL);
}

static void on_deadline(int sig, siginfo_t *si, void *uc)
{
    struct sl_rt_thread *t = &self_state;
    (void)sig;
    (void)si;
    (void)uc;
    uint64_t d = atomic_load(&t->deadline);
    if (t->target == NULL || t->inst == NULL || d == 0 || sl_rt_now_ns() < d)
        return;
    if (t->inst->hdr.in_host || t->in_rt) {
        t->inst->hdr.interrupted = 1;
        return;
    }
    memcpy(t->message, "deadline exceeded", sizeof("deadline exceeded"));
    siglongjmp(*t->target, SL_TRAP_DEADLINE);
}

static void thread_exit(void *arg)
{
    struct sl_rt_thread *t = arg;
    pthread_mutex_lock(&wd_lock);
    for (struct sl_rt_thread **p = &wd_threads; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    pthread_mutex_unlock(&wd_lock);
}

static void install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sa.sa_sigaction = on_fault;
    if (sl_rt_guard_pages()
        && (sigaction(SIGSEGV, &sa, NULL) != 0 || sigaction(SIGBUS, &sa, NULL) != 0))
        install_errno = errno;
    deadline_signal = SIGRTMIN + 4;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART;
    sa.sa_sigaction = on_deadline;
    if (sigaction(deadline_signal, &sa, NULL) != 0)
        install_errno = errno;
    if (pthread_key_create(&exit_key, thread_exit) != 0)
        install_errno = ENOMEM;
}

extern char **environ;

/*
 * The main thread's stack without reading /proc/self/maps (which
 * pthread_getattr_np does for it: 7 system calls on every start): the
 * kernel puts the argument and environment strings at the top of the stack
 * mapping, and the stack may grow to RLIMIT_STACK below that top. False
 * when the limit is infinite (then the caller asks pthread_getattr_np).
 */
static bool main_stack_bounds(uintptr_t *lo, uintptr_t *hi)
{
    struct rlimit rl;
    if (getpid() != (pid_t)syscall(SYS_gettid) || getrlimit(RLIMIT_STACK, &rl) != 0
        || rl.rlim_cur == RLIM_INFINITY || environ == NULL)
        return false;
    uintptr_t top = (uintptr_t)&rl;
    for (char **e = environ; *e != NULL; e++)
        top = SL_MAX(top, (uintptr_t)*e + strlen(*e) + 1);
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    top = (top + page - 1) & ~(page - 1);
    if (rl.rlim_cur >= top)
        return false;
    *hi = top;
    *lo = top - (uintptr_t)rl.rlim_cur;
    return true;
}

/* The calling thread's stack [*lo, *hi); both 0 when unknown. */
static void stack_bounds(uintptr_t *lo, uintptr_t *hi)
{
    *lo = *hi = 0;
    if (main_stack_bounds(lo, hi))
        return;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void *addr;
        size_t size;
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
            *lo = (uintptr_t)addr;
            *hi = (uintptr_t)addr + size;
        }
        pthread_attr_destroy(&attr);
    }
}

sl_err sl_rt_thread_init(struct sl_error *err)
{
    struct sl_rt_thread *t = &self_state;
    if (t->registered)
        return SL_OK;
    pthread_once(&install_once, install);
    if (install_errno != 0)
        return sl_error_set(err, SL_EINTERNAL, "cannot install signal handlers: %s",
                            strerror(install_errno));
    if (sl_rt_guard_pages()) {
        /* Stack overflow faults need a stack to run the handler on. */
        size_t size = 64 * 1024;
        void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return sl_error_set(err, SL_ENOMEM, "cannot allocate a signal stack");
        stack_t ss = {.ss_sp = p, .ss_size = size, .ss_flags = 0};
        if (sigaltstack(&ss, NULL) != 0)
            return sl_error_set(err, SL_EINTERNAL, "sigaltstack: %s", strerror(errno));
    }
    stack_bounds(&t->stack_lo, &t->stack_hi);
    t->self = pthread_self();
    pthread_mutex_lock(&wd_lock);
    t->next = wd_threads;
    wd_threads = t;
    pthread_mutex_unlock(&wd_lock);
    pthread_setspecific(exit_key, t);
    t->registered = true;
    return SL_OK;
}

static void *watchdog(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&wd_lock);
    for (;;) {
        uint64_t now = sl_rt_now_ns(), next = 0;
        for (struct sl_rt_thread *t = wd_threads; t; t = t->next) {
            uint64_t d = atomic_load(&t->deadline);
            if (d == 0)
                continue;
            if (now >= d && t->signalled != d) {
                t->signalled = d;
                pthread_kill(t->self, deadline_signal);
            } else if (now < d && (next == 0 || d < next)) {
                next = d;
            }
        }
        if (next == 0) {
            wd_idle = true;
            pthread_cond_wait(&wd_cond, &wd_lock);
            wd_idle = false;
            continue;
        }
        /* Tick at most every 10 ms so new deadlines need no wake-up. */
        uint64_t wait = next - now;
        if (wait > 10000000)
            wait = 10000000;
        pthread_mutex_unlock(&wd_lock);
        struct timespec ts = {(time_t)(wait / 1000000000ull), (long)(wait % 1000000000ull)};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
        pthread_mutex_lock(&wd_lock);
    }
    return NULL;
}

sl_err sl_rt_set_deadline(uint64_t deadline_ns, struct sl_error *err)
{
    struct sl_rt_thread *t = &self_state;
    atomic_store(&t->deadline, deadline_ns);
    if (deadline_ns == 0)
        return SL_OK;
    pthread_mutex_lock(&wd_lock);
    if (!wd_started) {
        pthread_t th;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        /* The watchdog must not take deadline signals meant for guests. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        int rc = pthread_create(&th, &attr, watchdog, NULL);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        pthread_attr_destroy(&attr);
        if (rc != 0) {
            pthread_mutex_unlock(&wd_lock);
            return sl_error_set(err, SL_EINTERNAL, "cannot start the deadline watchdog: %s",
                                strerror(rc));
        }
        wd_started = true;
    } else if (wd_idle) {
        pthread_cond_signal(&wd_cond);
    }
    pthread_mutex_unlock(&wd_lock);
    return SL_OK;
}
