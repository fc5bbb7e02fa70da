/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_backend.h -- THE contract messaging backends implement (STYLE.md
 * §Backends). One const vtable per backend file, brokers embed struct
 * sl_msg_broker first, only the front end (msg.c) calls the methods.
 * Backends include this header, common/ and cloud/ or net/ only.
 */
#ifndef SL_CAPABILITIES_MESSAGING_MSG_BACKEND_H
#define SL_CAPABILITIES_MESSAGING_MSG_BACKEND_H

#include "sl_common.h"

#include "capabilities/cap_config.h"
#include "common/buf.h"
#include "common/err.h"

#include <stdio.h>
#include <sys/random.h>

#define SL_MSG_BACKEND_V1 1

/* Longest subscription token, NUL excluded (the front end rejects longer ones). */
#define SL_MSG_TOKEN_MAX 128

/*
 * Base "class": backends embed it as their first member. One broker serves
 * one messaging capability of the slightfile for the whole process: every
 * pub and sub handle of that capability, in every instance, shares it, so
 * the tokens it hands out are valid process-wide.
 */
struct sl_msg_broker {
    const struct sl_msg_backend *backend; /* set by the front end after open() */
};

/*
 * Error codes a method returns (msg_host.c maps them to messaging-error):
 *   SL_ENOTFOUND -> queue-or-topic-not-found  SL_ECONN -> connection-lost
 *   SL_EAUTH -> insufficient-permissions      SL_EINVALVALUE -> payload-too-large
 *   anything else (SL_ETIMEOUT included) -> unexpected-error
 * err->msg starts with the resource ("messaging.nats: ...") and never
 * contains a credential.
 */
struct sl_msg_backend {
    uint32_t version;                        /* SL_MSG_BACKEND_V1; fields are append-only */
    const char *name;                        /* "nats" => resource "messaging.nats" */
    const struct sl_config_key *config_keys; /* accepted slightfile keys, {NULL}-terminated;
                                                every backend lists RECEIVE_TIMEOUT */
    uint64_t max_payload; /* largest message in bytes; 0: no limit of the backend's own */

    /*
     * Required. Opens the broker of one capability: name is the capability
     * name of the slightfile ("*" possible; borrowed, not NUL-terminated),
     * cfg is borrowed for the call (copy what is kept). Must not fail
     * because a server is down: connect lazily. On success *out is owned by
     * the caller (release with close); on failure *out is NULL.
     */
    sl_err (*open)(const struct sl_config *cfg, struct sl_str name, struct sl_msg_broker **out,
                   struct sl_error *err);
    /* Required. Releases the broker and its subscriptions. Accepts NULL. */
    void (*close)(struct sl_msg_broker *b);

    /*
     * Required. Inputs are borrowed. topic is non-empty UTF-8 without NUL;
     * msg is any bytes (NUL and '\n' included), at most max_payload long.
     * Every subscription of exactly this topic that exists when publish
     * starts receives msg once, whole, after the messages published to the
     * topic before it.
     */
    sl_err (*publish)(struct sl_msg_broker *b, struct sl_str topic, struct sl_str msg,
                      struct sl_error *err);
    /*
     * Required. Starts a subscription to exactly this topic that receives
     * the messages published from now on (no history), and appends its
     * token (printable ASCII, at most SL_MSG_TOKEN_MAX bytes) to *token
     * (empty on entry). Subscriptions last until the broker closes.
     */
    sl_err (*subscribe)(struct sl_msg_broker *b, struct sl_str topic, struct sl_buf *token,
                        struct sl_error *err);
    /*
     * Required. Takes the oldest message of the subscription token names and
     * appends it to *msg (empty on entry), waiting at most timeout_ms (0: do
     * not wait) for one to arrive; none by then is SL_ETIMEOUT. An unknown
     * token is SL_EINVAL. Concurrent calls with one token each get a
     * different message. Must return within about timeout_ms: the front end
     * calls it in short slices to honour the instance's deadline.
     */
    sl_err (*receive)(struct sl_msg_broker *b, struct sl_str token, uint64_t timeout_ms,
                      struct sl_buf *msg, struct sl_error *err);

    /*
     * Optional (NULL: nothing to do). Called once per process before exit
     * and by tests, after every broker closed, to release what the backend
     * shares across brokers.
     */
    void (*shutdown)(void);
};

/* A new random token in UUID v4 form (as slight's), NUL-terminated. */
static inline void sl_msg_token_make(char out[37])
{
    uint8_t r[16] = {0};
    size_t got = 0;
    while (got < sizeof(r)) {
        ssize_t n = getrandom(r + got, sizeof(r) - got, 0);
        if (n <= 0)
            break; /* cannot happen after boot; the zeros that remain are still a token */
        got += (size_t)n;
    }
    r[6] = (uint8_t)((r[6] & 0x0f) | 0x40);
    r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0],
             r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
             r[14], r[15]);
}

extern const struct sl_msg_backend sl_msg_backend_memory;
extern const struct sl_msg_backend sl_msg_backend_filesystem;

#endif /* SL_CAPABILITIES_MESSAGING_MSG_BACKEND_H */
