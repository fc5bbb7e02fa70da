/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gen_host.c -- host glue (not written yet).
 */
#include "sl_common.h"

#include "wit.h"

sl_err sl_wit_gen_host(struct sl_wit_iface *iface, bool export, struct sl_buf *h,
                          struct sl_buf *c)
{
    (void)iface, (void)export, (void)h, (void)c;
    return SL_EUNSUPPORTED;
}
