/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg.h -- the messaging front end: the registry of backends, one shared
 * broker per capability for the whole process, and the only callers of the
 * backends' methods (STYLE.md §Backends). Checks arguments, applies the
 * capability's RECEIVE_TIMEOUT, and answers "not built in" for backends
 * this build lacks.
 */
#ifndef SL_CAPABILITIES_MESSAGING_MSG_H
#define SL_CAPABILITIES_MESSAGING_MSG_H

#include "sl_common.h"

#include "capabilities/caps.h"
#include "msg_backend.h"

/* Start-up description of messaging.<backend> (caps.c), or NULL when unknown.
 * For start-up only (not thread-safe). */
const struct sl_cap_backend_info *sl_msg_backend_info(const char *backend);

/*
 * The backend registered as messaging.<name>, or NULL; when it is known but
 * not built in, *needs (may be NULL) receives the missing library.
 */
const struct sl_msg_backend *sl_msg_registry_find(const char *name, const char **needs);
/* Calls the shutdown method of every built-in backend (sl_msg_shutdown). */
void sl_msg_registry_shutdown(void);

/* A publisher or subscriber handle: a reference to its capability's broker. */
struct sl_msg_client;

/*
 * Opens a handle on the capability entry e (what the guest's pub::open or
 * sub::open resolved to). The first open of a capability opens its broker,
 * which then lives until sl_msg_shutdown. On success *out is owned by the
 * caller (sl_msg_client_close).
 */
sl_err sl_msg_client_open(const struct sl_cap_entry *e, struct sl_msg_client **out,
                          struct sl_error *err);
/* Releases a handle (its broker and subscriptions stay). Accepts NULL. */
void sl_msg_client_close(struct sl_msg_client *c);

/* Publishes msg to topic (both borrowed). */
sl_err sl_msg_publish(struct sl_msg_client *c, struct sl_str topic, struct sl_str msg,
                      struct sl_error *err);
/* Subscribes to topic; appends the token to *token (empty on entry). */
sl_err sl_msg_subscribe(struct sl_msg_client *c, struct sl_str topic, struct sl_buf *token,
                        struct sl_error *err);

/*
 * Receives the next message of the subscription token (issued by any
 * handle of the same capability) into *msg (empty on entry). Waits for one
 * at most RECEIVE_TIMEOUT (default: without limit), then fails with
 * SL_ETIMEOUT "receive timed out after <d>". stop (may be NULL) is asked
 * between short waits; when it returns true the wait ends with SL_ETIMEOUT
 * (the caller's deadline passed). An unknown token is SL_EINVAL.
 */
sl_err sl_msg_receive(struct sl_msg_client *c, struct sl_str token, bool (*stop)(void *arg),
                      void *arg, struct sl_buf *msg, struct sl_error *err);

/* Closes every broker and calls the backends' shutdown: at exit and in tests.
 * No handle may be in use. */
void sl_msg_shutdown(void);

#endif /* SL_CAPABILITIES_MESSAGING_MSG_H */
