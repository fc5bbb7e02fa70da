/* SPDX-License-Identifier: Apache-2.0 */
/*
 * redis_conn.h -- the Redis code shared by every Redis backend (keyvalue and
 * messaging now, locking later): REDIS_ADDRESS parsing, and one connection
 * pool per address shared by all stores of that address, thread-safe,
 * connecting lazily and reconnecting after the server comes back. Replies
 * are hiredis's (struct redisReply from <hiredis/hiredis.h>).
 */
#ifndef SL_NET_REDIS_CONN_H
#define SL_NET_REDIS_CONN_H

#include "sl_common.h"

#include "capabilities/cap_config.h"
#include "common/err.h"

struct redisReply;

/* The default of REDIS_TIMEOUT: connect and each command. */
#define SL_REDIS_DEFAULT_TIMEOUT_MS 5000

enum sl_redis_transport {
    SL_REDIS_TCP,
    SL_REDIS_UNIX,
};

/* A parsed REDIS_ADDRESS. Every string is owned by the struct. */
struct sl_redis_addr {
    enum sl_redis_transport transport;
    char *host;     /* TCP: name or address (IPv6 without brackets) */
    int port;       /* TCP: 6379 unless given */
    char *path;     /* UNIX: the socket's path */
    char *user;     /* NULL: AUTH with the password alone */
    char *password; /* NULL: no AUTH */
    int db;         /* SELECTed on connect when not 0 */
    char *where;    /* for messages: "host:port" or "unix:path", never a credential */
};

/*
 * Parses url, one of
 *   redis://[[user][:password]@]host[:port][/db][?db=N]   (IPv6 hosts in [])
 *   unix:[//][[user][:password]@]/path[?db=N]
 * with %XX escapes decoded in user and password. rediss:// (TLS) is rejected:
 * this build has no TLS. On success *out is filled (release with
 * sl_redis_addr_release); on failure it is zeroed and the result is
 * SL_ECONFIG with a message, prefixed with resource, that never contains the
 * password.
 */
sl_err sl_redis_addr_parse(const char *resource, const char *url, struct sl_redis_addr *out,
                           struct sl_error *err);
/* Frees the strings of a. Accepts a zeroed struct. */
void sl_redis_addr_release(struct sl_redis_addr *a);

/* Connections to one address; opaque. */
struct sl_redis_pool;

/*
 * The Redis keys of a backend's config: REDIS_ADDRESS (required; *url is
 * borrowed from cfg) and REDIS_TIMEOUT (a duration, not zero; default
 * SL_REDIS_DEFAULT_TIMEOUT_MS). A missing or bad key is SL_ECONFIG with a
 * message starting with resource ("keyvalue.redis: ...").
 */
sl_err sl_redis_config(const struct sl_config *cfg, const char *resource, const char **url,
                       uint64_t *timeout_ms, struct sl_error *err);

/*
 * The pool of url (a REDIS_ADDRESS) with this connect and command timeout,
 * created on first use and shared with every other caller asking for the
 * same url and timeout. Does not connect. On success *out holds a reference
 * (drop it with sl_redis_pool_put); on failure *out is NULL (bad url:
 * SL_ECONFIG, as sl_redis_addr_parse). Thread-safe.
 */
sl_err sl_redis_pool_get(const char *resource, const char *url, uint64_t timeout_ms,
                         struct sl_redis_pool **out, struct sl_error *err);
/* Drops a reference from sl_redis_pool_get. Accepts NULL. Pools stay until shutdown. */
void sl_redis_pool_put(struct sl_redis_pool *pool);
/* The address for messages ("127.0.0.1:6379"), without credentials. Borrowed from pool. */
const char *sl_redis_pool_where(const struct sl_redis_pool *pool);

enum sl_redis_flags {
    SL_REDIS_ONCE = 0,
    /*
     * The command may run twice: when it fails on a pooled connection that
     * turns out to be dead (the server restarted while it sat idle), it is
     * sent once more on a new connection. Not used for timeouts.
     */
    SL_REDIS_IDEMPOTENT = 1,
};

/*
 * Runs one command (argv[i] of argvlen[i] bytes, borrowed) on a connection
 * of the pool, connecting first if none is idle (with AUTH and SELECT as the
 * address says). On SL_OK *reply is the reply, owned by the caller (free it
 * with sl_redis_reply_free), and never an error reply. Failures, with
 * messages prefixed with resource and never containing a credential:
 *   SL_ECONN     cannot connect, or the connection broke (it is dropped, as
 *                are the pool's idle ones; the next call connects again)
 *   SL_ETIMEOUT  no connection or reply within the timeout (connection dropped)
 *   SL_EAUTH     AUTH refused, or the server wants a password
 *   SL_ECONFIG   SELECT refused (no such database)
 *   SL_EIO       the server answered with an error
 *   SL_ENOMEM
 * Thread-safe: each connection serves one call at a time.
 */
sl_err sl_redis_command(struct sl_redis_pool *pool, const char *resource, enum sl_redis_flags flags,
                        int argc, const char **argv, const size_t *argvlen,
                        struct redisReply **reply, struct sl_error *err);
/* Frees a reply from sl_redis_command. Accepts NULL. */
void sl_redis_reply_free(struct redisReply *reply);

/*
 * Closes every connection and frees every pool. For process exit and tests,
 * when no pool reference is held any more (pools still referenced are kept).
 */
void sl_redis_pools_shutdown(void);

#endif /* SL_NET_REDIS_CONN_H */
