/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_types.h -- the WASI preview 1 constants and memory layouts (and the
 * few preview 0 layouts that differ), as the guest sees them. Layout structs
 * describe guest memory; they are filled on the host and copied with the
 * guest_mem helpers, never overlaid on guest memory.
 */
#ifndef SL_WASI_WASI_TYPES_H
#define SL_WASI_WASI_TYPES_H

#include "sl_common.h"

/* errno (witx "errno", u16). */
#define WASI_ESUCCESS        0
#define WASI_E2BIG           1
#define WASI_EACCES          2
#define WASI_EADDRINUSE      3
#define WASI_EADDRNOTAVAIL   4
#define WASI_EAFNOSUPPORT    5
#define WASI_EAGAIN          6
#define WASI_EALREADY        7
#define WASI_EBADF           8
#define WASI_EBADMSG         9
#define WASI_EBUSY           10
#define WASI_ECANCELED       11
#define WASI_ECHILD          12
#define WASI_ECONNABORTED    13
#define WASI_ECONNREFUSED    14
#define WASI_ECONNRESET      15
#define WASI_EDEADLK         16
#define WASI_EDESTADDRREQ    17
#define WASI_EDOM            18
#define WASI_EDQUOT          19
#define WASI_EEXIST          20
#define WASI_EFAULT          21
#define WASI_EFBIG           22
#define WASI_EHOSTUNREACH    23
#define WASI_EIDRM           24
#define WASI_EILSEQ          25
#define WASI_EINPROGRESS     26
#define WASI_EINTR           27
#define WASI_EINVAL          28
#define WASI_EIO             29
#define WASI_EISCONN         30
#define WASI_EISDIR          31
#define WASI_ELOOP           32
#define WASI_EMFILE          33
#define WASI_EMLINK          34
#define WASI_EMSGSIZE        35
#define WASI_EMULTIHOP       36
#define WASI_ENAMETOOLONG    37
#define WASI_ENETDOWN        38
#define WASI_ENETRESET       39
#define WASI_ENETUNREACH     40
#define WASI_ENFILE          41
#define WASI_ENOBUFS         42
#define WASI_ENODEV          43
#define WASI_ENOENT          44
#define WASI_ENOEXEC         45
#define WASI_ENOLCK          46
#define WASI_ENOLINK         47
#define WASI_ENOMEM          48
#define WASI_ENOMSG          49
#define WASI_ENOPROTOOPT     50
#define WASI_ENOSPC          51
#define WASI_ENOSYS          52
#define WASI_ENOTCONN        53
#define WASI_ENOTDIR         54
#define WASI_ENOTEMPTY       55
#define WASI_ENOTRECOVERABLE 56
#define WASI_ENOTSOCK        57
#define WASI_ENOTSUP         58
#define WASI_ENOTTY          59
#define WASI_ENXIO           60
#define WASI_EOVERFLOW       61
#define WASI_EOWNERDEAD      62
#define WASI_EPERM           63
#define WASI_EPIPE           64
#define WASI_EPROTO          65
#define WASI_EPROTONOSUPPORT 66
#define WASI_EPROTOTYPE      67
#define WASI_ERANGE          68
#define WASI_EROFS           69
#define WASI_ESPIPE          70
#define WASI_ESRCH           71
#define WASI_ESTALE          72
#define WASI_ETIMEDOUT       73
#define WASI_ETXTBSY         74
#define WASI_EXDEV           75
#define WASI_ENOTCAPABLE     76

/* rights (u64); identical bit numbers in preview 0 (which lacks SOCK_ACCEPT). */
#define WASI_RIGHT_FD_DATASYNC             (UINT64_C(1) << 0)
#define WASI_RIGHT_FD_READ                 (UINT64_C(1) << 1)
#define WASI_RIGHT_FD_SEEK                 (UINT64_C(1) << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS     (UINT64_C(1) << 3)
#define WASI_RIGHT_FD_SYNC                 (UINT64_C(1) << 4)
#define WASI_RIGHT_FD_TELL                 (UINT64_C(1) << 5)
#define WASI_RIGHT_FD_WRITE                (UINT64_C(1) << 6)
#define WASI_RIGHT_FD_ADVISE               (UINT64_C(1) << 7)
#define WASI_RIGHT_FD_ALLOCATE             (UINT64_C(1) << 8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY   (UINT64_C(1) << 9)
#define WASI_RIGHT_PATH_CREATE_FILE        (UINT64_C(1) << 10)
#define WASI_RIGHT_PATH_LINK_SOURCE        (UINT64_C(1) << 11)
#define WASI_RIGHT_PATH_LINK_TARGET        (UINT64_C(1) << 12)
#define WASI_RIGHT_PATH_OPEN               (UINT64_C(1) << 13)
#define WASI_RIGHT_FD_READDIR              (UINT64_C(1) << 14)
#define WASI_RIGHT_PATH_READLINK           (UINT64_C(1) << 15)
#define WASI_RIGHT_PATH_RENAME_SOURCE      (UINT64_C(1) << 16)
#define WASI_RIGHT_PATH_RENAME_TARGET      (UINT64_C(1) << 17)
#define WASI_RIGHT_PATH_FILESTAT_GET       (UINT64_C(1) << 18)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE  (UINT64_C(1) << 19)
#define WASI_RIGHT_PATH_FILESTAT_SET_TIMES (UINT64_C(1) << 20)
#define WASI_RIGHT_FD_FILESTAT_GET         (UINT64_C(1) << 21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE    (UINT64_C(1) << 22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES   (UINT64_C(1) << 23)
#define WASI_RIGHT_PATH_SYMLINK            (UINT64_C(1) << 24)
#define WASI_RIGHT_PATH_REMOVE_DIRECTORY   (UINT64_C(1) << 25)
#define WASI_RIGHT_PATH_UNLINK_FILE        (UINT64_C(1) << 26)
#define WASI_RIGHT_POLL_FD_READWRITE       (UINT64_C(1) << 27)
#define WASI_RIGHT_SOCK_SHUTDOWN           (UINT64_C(1) << 28)
#define WASI_RIGHT_SOCK_ACCEPT             (UINT64_C(1) << 29)
#define WASI_RIGHTS_ALL                    ((UINT64_C(1) << 30) - 1)

/* The most a descriptor of each kind can hold (what the kind can do at all). */
#define WASI_RIGHTS_REGULAR_FILE                                                                   \
    (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK                             \
     | WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL                    \
     | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_ALLOCATE                         \
     | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_SIZE                                \
     | WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_POLL_FD_READWRITE)
#define WASI_RIGHTS_DIRECTORY                                                                      \
    (WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_ADVISE                    \
     | WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE                              \
     | WASI_RIGHT_PATH_LINK_SOURCE | WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_OPEN            \
     | WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_READLINK | WASI_RIGHT_PATH_RENAME_SOURCE            \
     | WASI_RIGHT_PATH_RENAME_TARGET | WASI_RIGHT_PATH_FILESTAT_GET                                \
     | WASI_RIGHT_PATH_FILESTAT_SET_SIZE | WASI_RIGHT_PATH_FILESTAT_SET_TIMES                      \
     | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_PATH_SYMLINK     \
     | WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE                              \
     | WASI_RIGHT_POLL_FD_READWRITE)
/* Terminals, pipes and other streams: no seek/tell (wasi-libc's isatty() relies on it). */
#define WASI_RIGHTS_STREAM                                                                         \
    (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FDSTAT_SET_FLAGS                     \
     | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE | WASI_RIGHT_FD_DATASYNC          \
     | WASI_RIGHT_FD_SYNC)
#define WASI_RIGHTS_SOCKET                                                                         \
    (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FDSTAT_SET_FLAGS                     \
     | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE | WASI_RIGHT_SOCK_SHUTDOWN)
#define WASI_RIGHTS_LISTENER                                                                       \
    (WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE   \
     | WASI_RIGHT_SOCK_ACCEPT)

/* filetype (u8). */
#define WASI_FILETYPE_UNKNOWN          0
#define WASI_FILETYPE_BLOCK_DEVICE     1
#define WASI_FILETYPE_CHARACTER_DEVICE 2
#define WASI_FILETYPE_DIRECTORY        3
#define WASI_FILETYPE_REGULAR_FILE     4
#define WASI_FILETYPE_SOCKET_DGRAM     5
#define WASI_FILETYPE_SOCKET_STREAM    6
#define WASI_FILETYPE_SYMBOLIC_LINK    7

/* clockid (u32). */
#define WASI_CLOCK_REALTIME           0
#define WASI_CLOCK_MONOTONIC          1
#define WASI_CLOCK_PROCESS_CPUTIME_ID 2
#define WASI_CLOCK_THREAD_CPUTIME_ID  3

/* whence (u8): preview 1 and preview 0 number them differently. */
#define WASI_WHENCE_SET  0
#define WASI_WHENCE_CUR  1
#define WASI_WHENCE_END  2
#define WASI0_WHENCE_CUR 0
#define WASI0_WHENCE_END 1
#define WASI0_WHENCE_SET 2

/* advice (u8). */
#define WASI_ADVICE_NORMAL     0
#define WASI_ADVICE_SEQUENTIAL 1
#define WASI_ADVICE_RANDOM     2
#define WASI_ADVICE_WILLNEED   3
#define WASI_ADVICE_DONTNEED   4
#define WASI_ADVICE_NOREUSE    5

/* fdflags (u16). */
#define WASI_FDFLAGS_APPEND   0x0001
#define WASI_FDFLAGS_DSYNC    0x0002
#define WASI_FDFLAGS_NONBLOCK 0x0004
#define WASI_FDFLAGS_RSYNC    0x0008
#define WASI_FDFLAGS_SYNC     0x0010
#define WASI_FDFLAGS_ALL      0x001f

/* fstflags (u16). */
#define WASI_FSTFLAGS_ATIM     0x0001
#define WASI_FSTFLAGS_ATIM_NOW 0x0002
#define WASI_FSTFLAGS_MTIM     0x0004
#define WASI_FSTFLAGS_MTIM_NOW 0x0008
#define WASI_FSTFLAGS_ALL      0x000f

/* lookupflags (u32). */
#define WASI_LOOKUPFLAGS_SYMLINK_FOLLOW 0x00000001

/* oflags (u16). */
#define WASI_OFLAGS_CREAT     0x0001
#define WASI_OFLAGS_DIRECTORY 0x0002
#define WASI_OFLAGS_EXCL      0x0004
#define WASI_OFLAGS_TRUNC     0x0008
#define WASI_OFLAGS_ALL       0x000f

/* eventtype (u8), eventrwflags (u16), subclockflags (u16). */
#define WASI_EVENTTYPE_CLOCK                0
#define WASI_EVENTTYPE_FD_READ              1
#define WASI_EVENTTYPE_FD_WRITE             2
#define WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP 0x0001
#define WASI_SUBCLOCKFLAGS_ABSTIME          0x0001

/* riflags, roflags (u16), sdflags (u8). */
#define WASI_RIFLAGS_RECV_PEEK              0x0001
#define WASI_RIFLAGS_RECV_WAITALL           0x0002
#define WASI_ROFLAGS_RECV_DATA_TRUNCATED    0x0001
#define WASI_SDFLAGS_RD                     0x01
#define WASI_SDFLAGS_WR                     0x02

/* preopentype (u8). */
#define WASI_PREOPENTYPE_DIR 0

/*
 * Layouts. Every field is naturally aligned, so the x86-64/aarch64 host layout
 * equals the wasm32 one; the asserts prove it.
 */
struct wasi_iovec {
    uint32_t buf;
    uint32_t buf_len;
};
_Static_assert(sizeof(struct wasi_iovec) == 8, "iovec");
_Static_assert(offsetof(struct wasi_iovec, buf_len) == 4, "iovec");

struct wasi_fdstat {
    uint8_t fs_filetype;
    uint8_t pad0;
    uint16_t fs_flags;
    uint32_t pad1;
    uint64_t fs_rights_base;
    uint64_t fs_rights_inheriting;
};
_Static_assert(sizeof(struct wasi_fdstat) == 24, "fdstat");
_Static_assert(offsetof(struct wasi_fdstat, fs_flags) == 2, "fdstat");
_Static_assert(offsetof(struct wasi_fdstat, fs_rights_base) == 8, "fdstat");
_Static_assert(offsetof(struct wasi_fdstat, fs_rights_inheriting) == 16, "fdstat");

/* Preview 1 filestat: 64-bit link count. */
struct wasi_filestat {
    uint64_t dev;
    uint64_t ino;
    uint8_t filetype;
    uint8_t pad[7];
    uint64_t nlink;
    uint64_t size;
    uint64_t atim;
    uint64_t mtim;
    uint64_t ctim;
};
_Static_assert(sizeof(struct wasi_filestat) == 64, "filestat");
_Static_assert(offsetof(struct wasi_filestat, filetype) == 16, "filestat");
_Static_assert(offsetof(struct wasi_filestat, nlink) == 24, "filestat");
_Static_assert(offsetof(struct wasi_filestat, size) == 32, "filestat");
_Static_assert(offsetof(struct wasi_filestat, atim) == 40, "filestat");
_Static_assert(offsetof(struct wasi_filestat, mtim) == 48, "filestat");
_Static_assert(offsetof(struct wasi_filestat, ctim) == 56, "filestat");

/* Preview 0 filestat: 32-bit link count right after the filetype. */
struct wasi0_filestat {
    uint64_t dev;
    uint64_t ino;
    uint8_t filetype;
    uint8_t pad[3];
    uint32_t nlink;
    uint64_t size;
    uint64_t atim;
    uint64_t mtim;
    uint64_t ctim;
};
_Static_assert(sizeof(struct wasi0_filestat) == 56, "filestat0");
_Static_assert(offsetof(struct wasi0_filestat, nlink) == 20, "filestat0");
_Static_assert(offsetof(struct wasi0_filestat, size) == 24, "filestat0");
_Static_assert(offsetof(struct wasi0_filestat, ctim) == 48, "filestat0");

struct wasi_prestat {
    uint8_t tag;
    uint8_t pad[3];
    uint32_t pr_name_len;
};
_Static_assert(sizeof(struct wasi_prestat) == 8, "prestat");
_Static_assert(offsetof(struct wasi_prestat, pr_name_len) == 4, "prestat");

/* The header of one fd_readdir entry; the name (d_namlen bytes, no NUL) follows. */
struct wasi_dirent {
    uint64_t d_next;
    uint64_t d_ino;
    uint32_t d_namlen;
    uint8_t d_type;
    uint8_t pad[3];
};
_Static_assert(sizeof(struct wasi_dirent) == 24, "dirent");
_Static_assert(offsetof(struct wasi_dirent, d_ino) == 8, "dirent");
_Static_assert(offsetof(struct wasi_dirent, d_namlen) == 16, "dirent");
_Static_assert(offsetof(struct wasi_dirent, d_type) == 20, "dirent");

/* poll_oneoff output (same in preview 0). */
struct wasi_event {
    uint64_t userdata;
    uint16_t error;
    uint8_t type;
    uint8_t pad0[5];
    uint64_t nbytes;
    uint16_t flags;
    uint8_t pad1[6];
};
_Static_assert(sizeof(struct wasi_event) == 32, "event");
_Static_assert(offsetof(struct wasi_event, error) == 8, "event");
_Static_assert(offsetof(struct wasi_event, type) == 10, "event");
_Static_assert(offsetof(struct wasi_event, nbytes) == 16, "event");
_Static_assert(offsetof(struct wasi_event, flags) == 24, "event");

/*
 * poll_oneoff input. Preview 1: 48 bytes, the union at 16 (clock: id@16,
 * timeout@24, precision@32, flags@40; fd_readwrite: fd@16). Preview 0: 56
 * bytes, the clock variant starts with a u64 "identifier" (clock: id@24,
 * timeout@32, precision@40, flags@48; fd_readwrite: fd@16). Read field by
 * field with these offsets.
 */
#define WASI_SUBSCRIPTION_SIZE      48
#define WASI0_SUBSCRIPTION_SIZE     56
#define WASI_SUB_USERDATA           0
#define WASI_SUB_TAG                8
#define WASI_SUB_FD                 16
#define WASI_SUB_CLOCK_ID           16
#define WASI_SUB_CLOCK_TIMEOUT      24
#define WASI_SUB_CLOCK_PRECISION    32
#define WASI_SUB_CLOCK_FLAGS        40
#define WASI0_SUB_CLOCK_ID          24
#define WASI0_SUB_CLOCK_TIMEOUT     32
#define WASI0_SUB_CLOCK_PRECISION   40
#define WASI0_SUB_CLOCK_FLAGS       48

#endif /* SL_WASI_WASI_TYPES_H */
