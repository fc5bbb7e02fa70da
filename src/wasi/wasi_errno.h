/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_errno.h -- translation of a host errno value into the WASI errno the
 * guest sees. The table lives in wasi_errno.c.
 */
#ifndef SL_WASI_WASI_ERRNO_H
#define SL_WASI_WASI_ERRNO_H

#include "sl_common.h"

/*
 * The WASI errno for host errno e. Every Linux errno that has a WASI
 * counterpart of the same meaning maps to it (EWOULDBLOCK = EAGAIN,
 * EOPNOTSUPP = ENOTSUP and EDEADLOCK = EDEADLK on Linux); the few without
 * one map as follows:
 *
 *   host                         WASI        why
 *   ---------------------------  ----------  ------------------------------------
 *   0                            ESUCCESS
 *   ENOTBLK, ENOSTR, ETIME,      EIO         no WASI code; an I/O-level failure
 *   EREMOTEIO, EUCLEAN, others
 *   ENOKEY, EKEYEXPIRED, ...     EACCES      access-related kernel errors
 *   ESHUTDOWN                    EPIPE       writing to a shut-down socket
 *   EHOSTDOWN                    EHOSTUNREACH
 *   ETOOMANYREFS, EUSERS         ENOMEM
 *   ENOSR, ENOANO, ENONET        ENOSYS
 *
 * EXDEV is passed through as EXDEV here; path resolution turns the EXDEV of
 * openat2(RESOLVE_BENEATH) ("would escape") into ENOTCAPABLE itself.
 */
uint16_t sl_wasi_errno_from_host(int e);

#endif /* SL_WASI_WASI_ERRNO_H */
