/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_io_load.c -- finds the HTTP I/O layer: the slight-http module,
 * loaded the first time a slightfile declaring http is run, through the
 * loader every module uses (common/modload.h: fixed places only, never a
 * path the environment or a slightfile chooses).
 */
#include "sl_common.h"

#include "http_io.h"

#include "common/modload.h"

#include <pthread.h>
#include <stdio.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct sl_http_io *module_io;
static struct sl_error load_err = SL_ERROR_INIT;

static void load(void)
{
    void *h = NULL;
    if (sl_modload_open("http", "sl_http_io_module_version", &h, &load_err) != SL_OK)
        return;
    const struct sl_http_io *io = sl_modload_sym(h, "sl_http_io_module");
    if (io == NULL || io->version < SL_HTTP_IO_V1)
        sl_error_set(&load_err, SL_EUNSUPPORTED,
                     "the slight-http module has no HTTP I/O layer of version %d "
                     "(reinstall slight)",
                     SL_HTTP_IO_V1);
    else
        module_io = io;
}

const struct sl_http_io *sl_http_io_get(struct sl_error *err)
{
    pthread_once(&once, load);
    if (module_io == NULL && err != NULL)
        *err = load_err;
    return module_io;
}
