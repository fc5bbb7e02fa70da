/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_sock.c -- sock_accept, sock_recv, sock_send and sock_shutdown on the
 * listening sockets the host hands over (--tcplisten) and the connections
 * accepted from them. WASI preview 1 cannot create or connect sockets; no
 * file descriptors are passed over sockets.
 */
#include "sl_common.h"

#include "wasi/wasi_fns.h"

#include "abi/guest_mem.h"
#include "common/mem.h"
#include "wasi/wasi_errno.h"
#include "wasi/wasi_int.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

uint32_t sl_wasi_sock_accept(struct sl_instance *inst, uint32_t fd, uint32_t flags,
                             uint32_t fd_ptr)
{
    struct sl_wasi_ctx *ctx = sl_wasi_ctx_of(inst);
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(ctx, fd, WASI_RIGHT_SOCK_ACCEPT, 0, &e);
    if (rc)
        return rc;
    if (flags & ~(uint32_t)WASI_FDFLAGS_NONBLOCK)
        return WASI_EINVAL;
    if (!sl_guest_in_bounds(inst->memory, fd_ptr, 4))
        return WASI_EFAULT;
    int s;
    do {
        s = accept4(e->host, NULL, NULL,
                    SOCK_CLOEXEC | ((flags & WASI_FDFLAGS_NONBLOCK) ? SOCK_NONBLOCK : 0));
    } while (s < 0 && errno == EINTR);
    if (s < 0)
        return sl_wasi_errno_from_host(errno);
    struct wasi_fd ne = {0};
    ne.kind = WASI_FD_SOCKET;
    ne.host = s;
    ne.owned = true;
    ne.filetype = WASI_FILETYPE_SOCKET_STREAM;
    ne.fdflags = (uint16_t)flags;
    ne.rights_base = WASI_RIGHTS_SOCKET & e->rights_inheriting;
    ne.rights_inheriting = 0;
    uint32_t slot;
    rc = sl_wasi_fd_install(ctx, &ne, &slot);
    if (rc) {
        close(s);
        return rc;
    }
    sl_guest_store_u32(inst, fd_ptr, slot);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_sock_recv(struct sl_instance *inst, uint32_t fd, uint32_t ri_data,
                           uint32_t ri_data_len, uint32_t ri_flags, uint32_t ro_datalen_ptr,
                           uint32_t ro_flags_ptr)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_READ, 0, &e);
    if (rc)
        return rc;
    if (ri_flags & ~(uint32_t)(WASI_RIFLAGS_RECV_PEEK | WASI_RIFLAGS_RECV_WAITALL))
        return WASI_EINVAL;
    if (!sl_guest_in_bounds(inst->memory, ro_datalen_ptr, 4)
        || !sl_guest_in_bounds(inst->memory, ro_flags_ptr, 2))
        return WASI_EFAULT;
    struct iovec *v;
    int n;
    rc = sl_wasi_iovecs(inst, ri_data, ri_data_len, true, &v, &n);
    if (rc)
        return rc;
    struct msghdr mh = {0};
    mh.msg_iov = v;
    mh.msg_iovlen = (size_t)n;
    int fl = 0;
    if (ri_flags & WASI_RIFLAGS_RECV_PEEK)
        fl |= MSG_PEEK;
    if (ri_flags & WASI_RIFLAGS_RECV_WAITALL)
        fl |= MSG_WAITALL;
    ssize_t r;
    do {
        r = recvmsg(e->host, &mh, fl);
    } while (r < 0 && errno == EINTR);
    int saved = errno;
    sl_free(v);
    if (r < 0)
        return sl_wasi_errno_from_host(saved);
    sl_guest_store_u32(inst, ro_datalen_ptr, r > (ssize_t)UINT32_MAX ? UINT32_MAX : (uint32_t)r);
    sl_guest_store_u16(inst, ro_flags_ptr,
                       (mh.msg_flags & MSG_TRUNC) ? WASI_ROFLAGS_RECV_DATA_TRUNCATED : 0);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_sock_send(struct sl_instance *inst, uint32_t fd, uint32_t si_data,
                           uint32_t si_data_len, uint32_t si_flags, uint32_t so_datalen_ptr)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_FD_WRITE, 0, &e);
    if (rc)
        return rc;
    if (si_flags != 0) /* siflags has no flags defined */
        return WASI_EINVAL;
    if (!sl_guest_in_bounds(inst->memory, so_datalen_ptr, 4))
        return WASI_EFAULT;
    struct iovec *v;
    int n;
    rc = sl_wasi_iovecs(inst, si_data, si_data_len, false, &v, &n);
    if (rc)
        return rc;
    struct msghdr mh = {0};
    mh.msg_iov = v;
    mh.msg_iovlen = (size_t)n;
    ssize_t r;
    do {
        r = sendmsg(e->host, &mh, MSG_NOSIGNAL);
    } while (r < 0 && errno == EINTR);
    int saved = errno;
    sl_free(v);
    if (r < 0)
        return sl_wasi_errno_from_host(saved);
    sl_guest_store_u32(inst, so_datalen_ptr, r > (ssize_t)UINT32_MAX ? UINT32_MAX : (uint32_t)r);
    return WASI_ESUCCESS;
}

uint32_t sl_wasi_sock_shutdown(struct sl_instance *inst, uint32_t fd, uint32_t how)
{
    struct wasi_fd *e;
    uint16_t rc = sl_wasi_fd_get(sl_wasi_ctx_of(inst), fd, WASI_RIGHT_SOCK_SHUTDOWN, 0, &e);
    if (rc)
        return rc;
    int h;
    switch (how) {
    case WASI_SDFLAGS_RD: h = SHUT_RD; break;
    case WASI_SDFLAGS_WR: h = SHUT_WR; break;
    case WASI_SDFLAGS_RD | WASI_SDFLAGS_WR: h = SHUT_RDWR; break;
    default: return WASI_EINVAL;
    }
    if (shutdown(e->host, h) != 0)
        return sl_wasi_errno_from_host(errno);
    return WASI_ESUCCESS;
}
