/* SPDX-License-Identifier: Apache-2.0 */
/*
 * backend_module.c -- loads a backend module once and finds a backend
 * vtable in it, with the message a registry gives when it cannot.
 */
#include "sl_common.h"

#include "backend_module.h"

#include "common/modload.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t module_lock = PTHREAD_MUTEX_INITIALIZER;

const void *sl_backend_module_find(struct sl_backend_module *m, const char *sym,
                                   uint32_t version, const char **needs)
{
    pthread_mutex_lock(&module_lock);
    if (!m->tried) {
        struct sl_error err = SL_ERROR_INIT;
        m->tried = true;
        if (sl_modload_open(m->name, m->version_sym, &m->handle, &err) != SL_OK) {
            /* read after "needs": "the slight-redis module ..., which is not installed (...)" */
            const char *verb = strstr(err.msg, " is not ");
            if (verb != NULL)
                snprintf(m->missing, sizeof(m->missing), "%.*s, which%s", (int)(verb - err.msg),
                         err.msg, verb);
            else
                snprintf(m->missing, sizeof(m->missing), "%s", err.msg);
        }
    }
    pthread_mutex_unlock(&module_lock);
    const uint32_t *b = m->handle ? sl_modload_sym(m->handle, sym) : NULL;
    if (m->handle != NULL && (b == NULL || *b != version)) {
        *needs = "a module of this slight with this backend (reinstall slight)";
        return NULL;
    }
    *needs = b ? NULL : m->missing;
    return b;
}
