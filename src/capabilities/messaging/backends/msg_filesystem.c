/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_filesystem.c -- messaging.filesystem: a broker in a directory, shared
 * by the processes of one machine. BASE_DIR/<capability>/<topic>/ holds a
 * lock file with the topic's sequence number and one directory per
 * subscription (<pid>.<token>); publish links one file per message, named
 * by its sequence number, into every live subscription of the topic, so
 * delivery is FIFO and whole. Names are encoded (no collisions, no escape);
 * subscriptions whose process died are removed. At-most-once.
 */
#include "sl_common.h"

#include "../msg_backend.h"

#include "common/clock.h"
#include "common/fs.h"
#include "common/hash.h"
#include "common/mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RESOURCE    "messaging.filesystem"
#define ENC_MAX     180 /* longer encodings become a prefix, '~' and a SHA-256 */
#define POLL_MS     10  /* wait between checks when inotify is unavailable */
#define DIR_MODE    0700
#define FILE_MODE   0600

struct fs_sub {
    struct fs_sub *next;
    char token[37];
    char *dir;       /* the subscription's directory */
    uint64_t next_seq; /* sequence number of the next message expected */
    pthread_mutex_t lock; /* one taker at a time */
};

struct fs_broker {
    struct sl_msg_broker base;
    char *dir; /* BASE_DIR/<encoded capability name> */
    pthread_mutex_t lock; /* subs */
    struct fs_sub *subs;
};

static const struct sl_config_key config_keys[] = {
    {.name = "BASE_DIR"},
    {.name = "RECEIVE_TIMEOUT"},
    {.name = NULL},
};

static unsigned long tmp_counter;

/*
 * Appends the file name of s: letters and digits as they are, every other
 * byte as _XX (so '_' itself is escaped and "a-b" and "a_b" differ, and no
 * '/', '.' or '*' survives); encodings longer than ENC_MAX end in '~' and
 * the SHA-256 of the name.
 */
static sl_err enc_name(struct sl_str s, struct sl_buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t start = out->len;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        char e[3] = {'_', hex[c >> 4], hex[c & 15]};
        sl_err rc = plain ? sl_buf_append(out, &s.ptr[i], 1) : sl_buf_append(out, e, 3);
        if (rc != SL_OK)
            return rc;
    }
    if (out->len - start <= ENC_MAX)
        return SL_OK;
    char digest[SL_SHA256_HEX_LEN + 1];
    sl_sha256_hex(s.ptr, s.len, digest);
    sl_buf_truncate(out, start + 100);
    return sl_buf_appendf(out, "~%s", digest);
}

static bool pid_alive(long pid)
{
    if (pid <= 0 || pid > INT32_MAX)
        return false;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* The pid in a name "<pid>.<rest>" or ".tmp.<pid>.<n>", or 0 when it has none. */
static long pid_of(const char *name)
{
    if (strncmp(name, ".tmp.", 5) == 0)
        name += 5;
    char *end;
    long pid = strtol(name, &end, 10);
    return end != name && *end == '.' ? pid : 0;
}

/* Removes a subscription directory and the messages in it. */
static void remove_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d != NULL) {
        int fd = dirfd(d);
        for (struct dirent *de; (de = readdir(d)) != NULL;)
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                unlinkat(fd, de->d_name, 0);
        closedir(d);
    }
    rmdir(path);
}

/*
 * Lists the live subscription directories of a topic directory into *live
 * (NUL-separated names; may be NULL) and removes the dead ones and the
 * leftover temp files of dead publishers. Called with the topic locked.
 */
static sl_err sweep_topic(const char *topic_dir, struct sl_buf *live, size_t *n_live)
{
    DIR *d = opendir(topic_dir);
    if (d == NULL)
        return errno == ENOENT ? SL_ENOTFOUND : SL_EIO;
    sl_err rc = SL_OK;
    struct sl_buf path = SL_BUF_INIT;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        const char *nm = de->d_name;
        long pid = pid_of(nm);
        if (pid == 0)
            continue; /* ".", "..", ".lock" */
        if (pid_alive(pid)) {
            if (nm[0] != '.' && live != NULL) {
                if (sl_buf_append(live, nm, strlen(nm) + 1) != SL_OK) {
                    rc = SL_ENOMEM;
                    break;
                }
                (*n_live)++;
            }
            continue;
        }
        sl_buf_reset(&path);
        if (sl_buf_appendf(&path, "%s/%s", topic_dir, nm) != SL_OK) {
            rc = SL_ENOMEM;
            break;
        }
        if (nm[0] == '.')
            unlink(path.data);
        else
            remove_dir(path.data);
    }
    closedir(d);
    sl_buf_release(&path);
    return rc;
}

/* Opens and locks the topic's lock file; returns the descriptor or -1 (errno set). */
static int lock_topic(const char *topic_dir, bool create)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof(path), "%s/.lock", topic_dir) >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), FILE_MODE);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX) != 0)
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
    return fd;
}

/* The sequence number stored in the lock file (0 when empty). */
static uint64_t read_seq(int fd)
{
    char buf[32] = {0};
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    return n > 0 ? strtoull(buf, NULL, 10) : 0;
}

static bool write_seq(int fd, uint64_t seq)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%020" PRIu64 "\n", seq);
    return pwrite(fd, buf, (size_t)n, 0) == n;
}

static sl_err topic_dir_of(const struct fs_broker *fb, struct sl_str topic, struct sl_buf *out)
{
    sl_err rc = sl_buf_appendf(out, "%s/", fb->dir);
    return rc == SL_OK ? enc_name(topic, out) : rc;
}

static sl_err fs_open(const struct sl_config *cfg, struct sl_str name,
                      struct sl_msg_broker **out, struct sl_error *err)
{
    *out = NULL;
    struct sl_buf dir = SL_BUF_INIT;
    struct fs_broker *fb = NULL;
    struct stat sb;
    DIR *d;
    sl_err rc = SL_ENOMEM;
    const char *conf = sl_config_get(cfg, "BASE_DIR");
    const char *tmp = getenv("TMPDIR");
    if (conf != NULL && conf[0] != '\0') {
        if (conf[0] != '/' && sl_buf_appendf(&dir, "%s/", cfg->dir ? cfg->dir : ".") != SL_OK)
            goto out;
        if (sl_buf_appends(&dir, conf) != SL_OK)
            goto out;
    } else if (sl_buf_appends(&dir, tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp") != SL_OK) {
        goto out;
    }
    while (dir.len > 1 && dir.data[dir.len - 1] == '/')
        sl_buf_truncate(&dir, dir.len - 1);
    if (sl_buf_appends(&dir, "/") != SL_OK || enc_name(name, &dir) != SL_OK)
        goto out;
    rc = sl_fs_mkdirs(dir.data, DIR_MODE, err);
    if (rc != SL_OK) {
        sl_error_prefix(err, RESOURCE);
        goto out;
    }
    if (lstat(dir.data, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        rc = sl_error_set(err, SL_EIO, RESOURCE ": '%s' is not a directory", dir.data);
        goto out;
    }
    fb = sl_calloc(1, sizeof(*fb));
    if (fb == NULL) {
        rc = SL_ENOMEM;
        goto out;
    }
    pthread_mutex_init(&fb->lock, NULL);
    fb->dir = sl_buf_detach(&dir);

    /* remove what subscribers that died left behind */
    d = opendir(fb->dir);
    if (d != NULL) {
        struct sl_buf td = SL_BUF_INIT;
        for (struct dirent *de; (de = readdir(d)) != NULL;) {
            if (de->d_name[0] == '.')
                continue;
            sl_buf_reset(&td);
            if (sl_buf_appendf(&td, "%s/%s", fb->dir, de->d_name) != SL_OK)
                break;
            int lfd = lock_topic(td.data, false);
            if (lfd < 0)
                continue;
            sweep_topic(td.data, NULL, NULL);
            close(lfd);
        }
        sl_buf_release(&td);
        closedir(d);
    }
    *out = &fb->base;
    rc = SL_OK;
out:
    sl_buf_release(&dir);
    if (rc == SL_ENOMEM)
        sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    return rc;
}

static void fs_close(struct sl_msg_broker *b)
{
    struct fs_broker *fb = (struct fs_broker *)b;
    if (fb == NULL)
        return;
    for (struct fs_sub *s = fb->subs, *sn; s != NULL; s = sn) {
        sn = s->next;
        remove_dir(s->dir);
        pthread_mutex_destroy(&s->lock);
        sl_free(s->dir);
        sl_free(s);
    }
    pthread_mutex_destroy(&fb->lock);
    sl_free(fb->dir);
    sl_free(fb);
}

static sl_err write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return SL_EIO;
        p += n;
        len -= (size_t)n;
    }
    return SL_OK;
}

static sl_err fs_publish(struct sl_msg_broker *b, struct sl_str topic, struct sl_str msg,
                         struct sl_error *err)
{
    struct fs_broker *fb = (struct fs_broker *)b;
    struct sl_buf td = SL_BUF_INIT, live = SL_BUF_INIT, path = SL_BUF_INIT, tmp = SL_BUF_INIT;
    size_t n_live = 0;
    int lfd = -1, fd;
    uint64_t seq;
    sl_err rc = topic_dir_of(fb, topic, &td);
    if (rc != SL_OK)
        goto out;
    lfd = lock_topic(td.data, false);
    if (lfd < 0) {
        /* no directory: nobody ever subscribed to the topic */
        rc = errno == ENOENT ? SL_OK
                             : sl_error_set(err, SL_EIO, RESOURCE ": cannot lock '%s/.lock': %s",
                                            td.data, strerror(errno));
        goto out;
    }
    rc = sweep_topic(td.data, &live, &n_live);
    if (rc == SL_ENOTFOUND) {
        rc = SL_OK;
        goto out;
    }
    if (rc != SL_OK || n_live == 0)
        goto out;
    seq = read_seq(lfd) + 1;
    rc = sl_buf_appendf(&tmp, "%s/.tmp.%ld.%lu", td.data, (long)getpid(),
                        __atomic_fetch_add(&tmp_counter, 1, __ATOMIC_RELAXED));
    if (rc != SL_OK)
        goto out;
    fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, FILE_MODE);
    if (fd < 0) {
        rc = sl_error_set(err, SL_EIO, RESOURCE ": cannot create '%s': %s", tmp.data,
                          strerror(errno));
        goto out;
    }
    rc = write_all(fd, msg.ptr, msg.len);
    if (close(fd) != 0)
        rc = SL_EIO;
    if (rc != SL_OK) {
        rc = sl_error_set(err, SL_EIO, RESOURCE ": cannot write '%s': %s", tmp.data,
                          strerror(errno));
        goto out_unlink;
    }
    /* the number first: a failure below must not make the next publish reuse it */
    if (!write_seq(lfd, seq)) {
        rc = sl_error_set(err, SL_EIO, RESOURCE ": cannot update '%s/.lock': %s", td.data,
                          strerror(errno));
        goto out_unlink;
    }
    for (const char *nm = live.data; nm < live.data + live.len; nm += strlen(nm) + 1) {
        sl_buf_reset(&path);
        rc = sl_buf_appendf(&path, "%s/%s/%020" PRIu64, td.data, nm, seq);
        if (rc != SL_OK)
            goto out_unlink;
        /* a subscription closed meanwhile (ENOENT) simply misses the message */
        if (link(tmp.data, path.data) != 0 && errno != ENOENT) {
            rc = sl_error_set(err, SL_EIO, RESOURCE ": cannot deliver to '%s': %s", path.data,
                              strerror(errno));
            goto out_unlink;
        }
    }
out_unlink:
    unlink(tmp.data);
out:
    if (lfd >= 0)
        close(lfd);
    if (rc == SL_ENOMEM)
        sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    sl_buf_release(&td);
    sl_buf_release(&live);
    sl_buf_release(&path);
    sl_buf_release(&tmp);
    return rc;
}

static sl_err fs_subscribe(struct sl_msg_broker *b, struct sl_str topic, struct sl_buf *token,
                           struct sl_error *err)
{
    struct fs_broker *fb = (struct fs_broker *)b;
    struct sl_buf td = SL_BUF_INIT, sd = SL_BUF_INIT;
    struct fs_sub *s = NULL;
    int lfd = -1;
    sl_err rc = topic_dir_of(fb, topic, &td);
    if (rc != SL_OK)
        goto out;
    if (mkdir(td.data, DIR_MODE) != 0 && errno != EEXIST) {
        rc = sl_error_set(err, SL_EIO, RESOURCE ": cannot create '%s': %s", td.data,
                          strerror(errno));
        goto out;
    }
    lfd = lock_topic(td.data, true);
    if (lfd < 0) {
        rc = sl_error_set(err, SL_EIO, RESOURCE ": cannot lock '%s/.lock': %s", td.data,
                          strerror(errno));
        goto out;
    }
    s = sl_calloc(1, sizeof(*s));
    if (s == NULL) {
        rc = SL_ENOMEM;
        goto out;
    }
    sl_msg_token_make(s->token);
    rc = sl_buf_appendf(&sd, "%s/%ld.%s", td.data, (long)getpid(), s->token);
    if (rc != SL_OK)
        goto out;
    if (mkdir(sd.data, DIR_MODE) != 0) {
        rc = sl_error_set(err, SL_EIO, RESOURCE ": cannot create '%s': %s", sd.data,
                          strerror(errno));
        goto out;
    }
    rc = sl_buf_appends(token, s->token);
    if (rc != SL_OK) {
        rmdir(sd.data);
        goto out;
    }
    s->next_seq = read_seq(lfd) + 1;
    s->dir = sl_buf_detach(&sd);
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_lock(&fb->lock);
    s->next = fb->subs;
    fb->subs = s;
    pthread_mutex_unlock(&fb->lock);
    s = NULL;
out:
    if (lfd >= 0)
        close(lfd);
    if (rc == SL_ENOMEM)
        sl_error_set(err, SL_ENOMEM, RESOURCE ": out of memory");
    sl_free(s);
    sl_buf_release(&td);
    sl_buf_release(&sd);
    return rc;
}

/*
 * Takes the oldest message of s into *out: the file named next_seq, else
 * (a publisher died between two subscriptions) the lowest number above it.
 * SL_ETIMEOUT when there is none. Called with s->lock held.
 */
static sl_err take(struct fs_sub *s, struct sl_buf *out, struct sl_error *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%020" PRIu64, s->dir, s->next_seq);
    uint64_t seq = s->next_seq;
    if (access(path, F_OK) != 0) {
        DIR *d = opendir(s->dir);
        if (d == NULL)
            return sl_error_set(err, SL_EIO, RESOURCE ": subscription directory '%s': %s", s->dir,
                                strerror(errno));
        bool found = false;
        for (struct dirent *de; (de = readdir(d)) != NULL;) {
            if (de->d_name[0] < '0' || de->d_name[0] > '9')
                continue;
            uint64_t v = strtoull(de->d_name, NULL, 10);
            if (v >= s->next_seq && (!found || v < seq)) {
                seq = v;
                found = true;
            }
        }
        closedir(d);
        if (!found)
            return SL_ETIMEOUT;
        snprintf(path, sizeof(path), "%s/%020" PRIu64, s->dir, seq);
    }
    sl_err rc = sl_fs_read_file(path, out, err);
    if (rc != SL_OK)
        return sl_error_prefix(err, RESOURCE);
    unlink(path);
    s->next_seq = seq + 1;
    return SL_OK;
}

static sl_err fs_receive(struct sl_msg_broker *b, struct sl_str token, uint64_t timeout_ms,
                         struct sl_buf *out, struct sl_error *err)
{
    struct fs_broker *fb = (struct fs_broker *)b;
    pthread_mutex_lock(&fb->lock);
    struct fs_sub *s = fb->subs;
    while (s != NULL && !(strlen(s->token) == token.len && memcmp(s->token, token.ptr, token.len) == 0))
        s = s->next;
    pthread_mutex_unlock(&fb->lock);
    if (s == NULL)
        return sl_error_set(err, SL_EINVAL, RESOURCE ": unknown subscription token '%.*s'",
                            (int)token.len, token.ptr);
    /* subscriptions live until the broker closes: s stays valid */
    int ifd = -1;
    if (timeout_ms > 0) {
        ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (ifd >= 0 && inotify_add_watch(ifd, s->dir, IN_CREATE | IN_MOVED_TO) < 0) {
            close(ifd);
            ifd = -1;
        }
    }
    uint64_t until = sl_clock_ms() + timeout_ms;
    sl_err rc;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        rc = take(s, out, err);
        pthread_mutex_unlock(&s->lock);
        uint64_t now = sl_clock_ms();
        if (rc != SL_ETIMEOUT || now >= until)
            break;
        int wait = (int)SL_MIN(until - now, ifd >= 0 ? 1000u : POLL_MS);
        if (ifd >= 0) {
            struct pollfd p = {.fd = ifd, .events = POLLIN};
            if (poll(&p, 1, wait) > 0) {
                char ev[4096];
                while (read(ifd, ev, sizeof(ev)) > 0)
                    ;
            }
        } else {
            struct timespec ts = {0, (long)wait * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    if (ifd >= 0)
        close(ifd);
    if (rc == SL_ETIMEOUT)
        return sl_error_set(err, SL_ETIMEOUT, RESOURCE ": no message within %" PRIu64 "ms",
                            timeout_ms);
    return rc;
}

const struct sl_msg_backend sl_msg_backend_filesystem = {
    .version = SL_MSG_BACKEND_V1,
    .name = "filesystem",
    .config_keys = config_keys,
    .max_payload = 0,
    .open = fs_open,
    .close = fs_close,
    .publish = fs_publish,
    .subscribe = fs_subscribe,
    .receive = fs_receive,
};
