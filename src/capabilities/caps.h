/* SPDX-License-Identifier: Apache-2.0 */
/*
 * caps.h -- the capabilities of one run, built once at start-up from the
 * slightfile: every capability entry with its backend checked and its config
 * resolved (${store.key} substituted, required keys present), and the host
 * function tables of the capabilities implemented. Shared read-only by all
 * instances and threads; per-instance state lives in struct sl_abi_state.
 */
#ifndef SL_CAPABILITIES_CAPS_H
#define SL_CAPABILITIES_CAPS_H

#include "sl_common.h"

#include "cap_config.h"
#include "common/err.h"
#include "config/slightfile.h"
#include "engine/host_fn.h"

struct sl_http_rt;

/* What the capability layer knows of one backend, for start-up checks. */
struct sl_cap_backend_info {
    const char *resource;                    /* "keyvalue.filesystem" */
    const struct sl_config_key *config_keys; /* {NULL}-terminated; NULL = none */
    const char *missing;                     /* not NULL: not built in, needs this library */
};

/* One capability entry of the slightfile, ready for open. */
struct sl_cap_entry {
    const struct sl_slightfile_capability *cap; /* borrowed from the slightfile */
    struct sl_config config;                    /* resolved values (owned) */
};

struct sl_caps {
    const struct sl_slightfile *sf; /* borrowed; NULL when there is no slightfile */
    const char *sf_name;            /* for messages: the slightfile's path or "slightfile.toml" */
    struct sl_cap_entry *entries;   /* one per slightfile capability, same order */
    size_t n;
    char *dir; /* the slightfile's directory */
    struct sl_http_rt *http; /* the HTTP server runtime when run serves http (borrowed), else NULL */
};

/*
 * Builds the capabilities of sf (may be NULL): checks each backend (known,
 * built in, implemented), resolves its config keys and fails on a missing
 * required key, an unresolvable ${store.key} or a backend that is not built
 * in, with one message naming the file, line, capability and key. Unknown
 * keys are warnings. On success *out is owned by the caller (sl_caps_free).
 */
sl_err sl_caps_new(const struct sl_slightfile *sf, struct sl_caps **out, struct sl_error *err);
/*
 * Frees the capabilities and shuts down the backends' process-wide state
 * (message brokers, memory stores): at the end of a run, after every
 * instance is gone. Accepts NULL.
 */
void sl_caps_free(struct sl_caps *caps);

/*
 * The entry a guest's open(name) of this capability type resolves to
 * (SLIGHT-SPEC §2.6: exact name, then "*", then the v0.1 fallback unless
 * messaging), or NULL with a message in err for the guest:
 * "no keyvalue capability named 'x' in slightfile.toml".
 */
const struct sl_cap_entry *sl_caps_find(const struct sl_caps *caps, const char *type,
                                        struct sl_str name, struct sl_error *err);

/*
 * Appends the host function tables of the capabilities this build
 * implements (every one of them: the link check decides what a module may
 * import from the slightfile) to tables (room for max); returns the count.
 */
size_t sl_caps_host_tables(struct sl_host_fn_table *tables, size_t max);

/* The backend description of a canonical resource, or NULL when unknown here. */
const struct sl_cap_backend_info *sl_caps_backend_info(const char *resource);

#endif /* SL_CAPABILITIES_CAPS_H */
