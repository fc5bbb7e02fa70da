/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_poll.c -- poll_oneoff: clock subscriptions (relative or absolute, on
 * any WASI clock) and fd_read/fd_write readiness through ppoll. Regular files
 * and directories are always ready, as on POSIX. CPU-time clocks are waited
 * on as wall-clock durations. Sleeps are cut into slices so that an
 * instance past its deadline (inst->hdr.interrupted) gets EINTR promptly.
 */
#include "sl_common.h"

#include "wasi/wasi_fns.h"

#include "abi/guest_mem.h"
#include "common/mem.h"
#include "wasi/wasi_errno.h"
#include "wasi/wasi_int.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Longest single wait before looking at inst->hdr.interrupted again. */
#define POLL_SLICE_NS 100000000u

struct sub {
    uint64_t userdata;
    uint8_t type;
    uint16_t error;    /* set when the subscription fails on its own */
    bool ready;
    uint64_t deadline; /* clock: CLOCK_MONOTONIC ns */
    int pfd;           /* fd_*: index into the pollfd array, or -1 */
    int host;
    uint64_t nbytes;
    uint16_t flags;
};

static uint64_t mono_now(void)
{
    uint64_t t = 0;
    sl_wasi_clock_now(WASI_CLOCK_MONOTONIC, &t);
    return t;
}

static void parse_clock(struct sl_instance *inst, uint32_t at, bool p0, uint64_t start,
                        struct sub *s)
{
    uint32_t id = 0;
    uint64_t timeout = 0;
    uint16_t flags = 0;
    uint32_t flags_at = at + (p0 ? WASI0_SUB_CLOCK_FLAGS : WASI_SUB_CLOCK_FLAGS);
    const uint8_t *p = sl_guest_slice(inst, flags_at, 2);
    sl_guest_load_u32(inst, at + (p0 ? WASI0_SUB_CLOCK_ID : WASI_SUB_CLOCK_ID), &id);
    sl_guest_load_u64(inst, at + (p0 ? WASI0_SUB_CLOCK_TIMEOUT : WASI_SUB_CLOCK_TIMEOUT),
                      &timeout);
    if (p != NULL)
        memcpy(&flags, p, 2);
    if (flags & ~(uint16_t)WASI_SUBCLOCKFLAGS_ABSTIME) {
        s->error = WASI_EINVAL;
        return;
    }
    uint64_t remaining = timeout;
    if (flags & WASI_SUBCLOCKFLAGS_ABSTIME) {
        uint64_t now;
        uint16_t rc = sl_wasi_clock_now(id, &now);
        if (rc) {
            s->error = rc;
            return;
        }
        remaining = timeout > now ? timeout - now : 0;
    } else {
        int c;
        if (!sl_wasi_clockid_host(id, &c)) {
            s->error = WASI_EINVAL;
            return;
        }
    }
    s->deadline = remaining > UINT64_MAX - start ? UINT64_MAX : start + remaining;
}

/* Reads subscription i into s; fd ones get a pollfd. False for an unknown tag. */
static bool parse_sub(struct sl_instance *inst, uint32_t at, bool p0, uint64_t start,
                      struct sub *s, struct pollfd *pfds, nfds_t *npfd)
{
    const uint8_t *tag = sl_guest_slice(inst, at + WASI_SUB_TAG, 1);
    sl_guest_load_u64(inst, at + WASI_SUB_USERDATA, &s->userdata);
    s->type = tag ? *tag : 0xff;
    s->pfd = -1;
    s->deadline = UINT64_MAX;
    if (s->type == WASI_EVENTTYPE_CLOCK) {
        parse_clock(inst, at, p0, start, s);
        return true;
    }
    if (s->type != WASI_EVENTTYPE_FD_READ && s->type != WASI_EVENTTYPE_FD_WRITE)
        return false;
    uint32_t fd = 0;
    struct wasi_fd *e;
    sl_guest_load_u32(inst, at + WASI_SUB_FD, &fd);
    uint64_t need = WASI_RIGHT_POLL_FD_READWRITE
                    | (s->type == WASI_EVENTTYPE_FD_READ ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE);
    uint16_t r = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, 0, 0, &e);
    if (r == 0 && (e->rights_base & need) != need)
        r = WASI_ENOTCAPABLE;
    if (r) {
        s->error = r;
    } else if (e->filetype == WASI_FILETYPE_REGULAR_FILE
               || e->filetype == WASI_FILETYPE_DIRECTORY) {
        s->ready = true;
        if (s->type == WASI_EVENTTYPE_FD_READ) {
            struct stat st;
            off_t pos = lseek(e->host, 0, SEEK_CUR);
            if (fstat(e->host, &st) == 0 && pos >= 0 && st.st_size > pos)
                s->nbytes = (uint64_t)(st.st_size - pos);
        }
    } else {
        s->host = e->host;
        s->pfd = (int)*npfd;
        pfds[*npfd].fd = e->host;
        pfds[*npfd].events = s->type == WASI_EVENTTYPE_FD_READ ? POLLIN : POLLOUT;
        (*npfd)++;
    }
    return true;
}

/* Waits until an fd is ready, the first deadline passes, or (immediate) not at all. */
static uint32_t wait_ready(struct sl_instance *inst, struct pollfd *pfds, nfds_t npfd,
                           uint64_t first_deadline, bool immediate)
{
    for (;;) {
        uint64_t now = mono_now();
        uint64_t wait = 0;
        if (!immediate)
            wait = first_deadline == UINT64_MAX ? UINT64_MAX
                   : first_deadline > now       ? first_deadline - now
                                                : 0;
        uint64_t slice = wait < POLL_SLICE_NS ? wait : POLL_SLICE_NS;
        struct timespec ts = {(time_t)(slice / 1000000000u), (long)(slice % 1000000000u)};
        int n = ppoll(pfds, npfd, &ts, NULL);
        if (n < 0 && errno != EINTR)
            return sl_wasi_errno_from_host(errno);
        if (n > 0 || wait == 0)
            return WASI_ESUCCESS;
        if (inst->hdr.interrupted)
            return WASI_EINTR;
    }
}

/* Writes the events of every subscription that fired; returns their count in *nev. */
static uint32_t emit_events(struct sl_instance *inst, uint32_t out, struct sub *subs,
                            uint32_t nsubs, const struct pollfd *pfds, uint32_t *nev)
{
    uint64_t now = mono_now();
    *nev = 0;
    for (uint32_t i = 0; i < nsubs; i++) {
        struct sub *s = &subs[i];
        bool fire = s->error != 0 || s->ready;
        if (!fire && s->type == WASI_EVENTTYPE_CLOCK && now >= s->deadline)
            fire = true;
        if (!fire && s->pfd >= 0 && pfds[s->pfd].revents != 0) {
            short rev = pfds[s->pfd].revents;
            fire = true;
            if (rev & POLLNVAL)
                s->error = WASI_EBADF;
            if (rev & POLLHUP)
                s->flags |= WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP;
            int avail = 0;
            if (s->type == WASI_EVENTTYPE_FD_READ && ioctl(s->host, FIONREAD, &avail) == 0
                && avail > 0)
                s->nbytes = (uint64_t)avail;
        }
        if (!fire)
            continue;
        struct wasi_event ev = {0};
        ev.userdata = s->userdata;
        ev.error = s->error;
        ev.type = s->type;
        ev.nbytes = s->nbytes;
        ev.flags = s->flags;
        uint8_t *p = sl_guest_slice_w(inst, out + *nev * (uint32_t)sizeof(ev), sizeof(ev));
        if (p == NULL)
            return WASI_EFAULT;
        memcpy(p, &ev, sizeof(ev));
        (*nev)++;
    }
    return WASI_ESUCCESS;
}

static uint32_t poll_subs(struct sl_instance *inst, uint32_t in, uint32_t out, uint32_t nsubs,
                          uint32_t nevents_ptr, bool p0, struct sub *subs, struct pollfd *pfds)
{
    uint32_t size = p0 ? WASI0_SUBSCRIPTION_SIZE : WASI_SUBSCRIPTION_SIZE;
    uint64_t start = mono_now();
    uint64_t first_deadline = UINT64_MAX;
    nfds_t npfd = 0;
    bool immediate = false;
    for (uint32_t i = 0; i < nsubs; i++) {
        struct sub *s = &subs[i];
        if (!parse_sub(inst, in + i * size, p0, start, s, pfds, &npfd))
            return WASI_EINVAL;
        if (s->error == 0 && s->deadline < first_deadline)
            first_deadline = s->deadline;
        if (s->error || s->ready)
            immediate = true;
    }
    uint32_t rc = wait_ready(inst, pfds, npfd, first_deadline, immediate);
    if (rc)
        return rc;
    uint32_t nev;
    rc = emit_events(inst, out, subs, nsubs, pfds, &nev);
    if (rc)
        return rc;
    sl_guest_store_u32(inst, nevents_ptr, nev);
    return WASI_ESUCCESS;
}

static uint32_t poll_common(struct sl_instance *inst, uint32_t in, uint32_t out, uint32_t nsubs,
                            uint32_t nevents_ptr, bool p0)
{
    uint32_t size = p0 ? WASI0_SUBSCRIPTION_SIZE : WASI_SUBSCRIPTION_SIZE;
    uint64_t in_bytes = (uint64_t)nsubs * size;
    uint64_t out_bytes = (uint64_t)nsubs * sizeof(struct wasi_event);
    if (in_bytes > UINT32_MAX || out_bytes > UINT32_MAX
        || !sl_guest_in_bounds(inst->memory, in, (uint32_t)in_bytes)
        || !sl_guest_in_bounds(inst->memory, out, (uint32_t)out_bytes)
        || !sl_guest_in_bounds(inst->memory, nevents_ptr, 4))
        return WASI_EFAULT;
    if (nsubs == 0)
        return WASI_EINVAL;
    struct sub *subs = sl_calloc(nsubs, sizeof(*subs));
    struct pollfd *pfds = sl_calloc(nsubs, sizeof(*pfds));
    uint32_t rc = WASI_ENOMEM;
    if (subs != NULL && pfds != NULL)
        rc = poll_subs(inst, in, out, nsubs, nevents_ptr, p0, subs, pfds);
    sl_free(subs);
    sl_free(pfds);
    return rc;
}

uint32_t sl_wasi_poll_oneoff(struct sl_instance *inst, uint32_t in, uint32_t out, uint32_t nsubs,
                             uint32_t nevents_ptr)
{
    return poll_common(inst, in, out, nsubs, nevents_ptr, false);
}

uint32_t sl_wasi0_poll_oneoff(struct sl_instance *inst, uint32_t in, uint32_t out,
                              uint32_t nsubs, uint32_t nevents_ptr)
{
    return poll_common(inst, in, out, nsubs, nevents_ptr, true);
}
