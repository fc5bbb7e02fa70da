/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aot_tcc.c -- the baseline tier: libtcc compiles the translated module in
 * memory in a fraction of a second. libtcc 0.9.27 keeps global state, so
 * every use is serialized. Needs tcc's runtime files (Debian package tcc).
 */
#include "sl_common.h"

#include "aot_int.h"
#include "common/buf.h"
#include "common/log.h"
#include "sl_config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#if SL_HAVE_LIBTCC
#include <libtcc.h>

#ifndef SL_TCC_LIB_PATH
#define SL_TCC_LIB_PATH "/usr/lib/x86_64-linux-gnu/tcc"
#endif

static pthread_mutex_t tcc_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_tcc_error(void *opaque, const char *msg)
{
    struct sl_buf *diag = opaque;
    if (diag->len == 0)
        sl_buf_appends(diag, msg);
}

sl_err sl_aot_tcc_load(const struct aot_entry *e, struct sl_aot_code *out, struct sl_error *err)
{
    char gc[4200], glue[4200];
    struct sl_buf diag = SL_BUF_INIT;
    sl_err rc = SL_OK;
    sl_aot_entry_path(e, "g.c", gc, sizeof(gc));
    sl_aot_entry_path(e, "glue.c", glue, sizeof(glue));
    pthread_mutex_lock(&tcc_lock);
    TCCState *s = tcc_new();
    if (s == NULL) {
        pthread_mutex_unlock(&tcc_lock);
        return sl_error_set(err, SL_ENOMEM, "libtcc: out of memory");
    }
    tcc_set_error_func(s, &diag, on_tcc_error);
    tcc_set_lib_path(s, SL_TCC_LIB_PATH);
    tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
    tcc_add_include_path(s, e->dir);
    tcc_define_symbol(s, "WASM_RT_MEMCHECK_SIGNAL_HANDLER", SL_BOUNDS_EXPLICIT ? "0" : "1");
    tcc_define_symbol(s, "WASM_RT_MAX_CALL_STACK_DEPTH", "10000");
    tcc_define_symbol(s, "NDEBUG", "1");
    sl_log_debug("compiling %s (baseline tier)", e->filename);
    if (tcc_add_file(s, gc) != 0 || tcc_add_file(s, glue) != 0
        || tcc_relocate(s, TCC_RELOCATE_AUTO) < 0) {
        rc = sl_error_set(err, SL_ECOMPILE, "%s: baseline compile failed: %s", e->filename,
                          diag.len ? diag.data : "libtcc error");
        tcc_delete(s);
        goto out;
    }
    sl_guest_describe_fn describe;
    describe = (sl_guest_describe_fn)tcc_get_symbol(s, SL_GUEST_DESCRIBE_SYMBOL);
    if (describe == NULL) {
        rc = sl_error_set(err, SL_ECOMPILE, "%s: baseline code has no %s", e->filename,
                          SL_GUEST_DESCRIBE_SYMBOL);
        tcc_delete(s);
        goto out;
    }
    out->desc = describe(sl_rt_api_table());
    out->tcc_state = s;
    out->tier = SL_TIER_BASELINE;
out:
    pthread_mutex_unlock(&tcc_lock);
    sl_buf_release(&diag);
    return rc;
}

void sl_aot_tcc_free(void *state)
{
    if (state == NULL)
        return;
    pthread_mutex_lock(&tcc_lock);
    tcc_delete(state);
    pthread_mutex_unlock(&tcc_lock);
}

#else /* !SL_HAVE_LIBTCC */

sl_err sl_aot_tcc_load(const struct aot_entry *e, struct sl_aot_code *out, struct sl_error *err)
{
    (void)out;
    return sl_error_set(err, SL_EUNSUPPORTED,
                        "%s: the baseline tier is not built in (needs libtcc)", e->filename);
}

void sl_aot_tcc_free(void *state)
{
    (void)state;
}

#endif /* SL_HAVE_LIBTCC */
