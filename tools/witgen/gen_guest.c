/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gen_guest.c -- guest C bindings (not written yet).
 */
#include "sl_common.h"

#include "wit.h"

sl_err sl_wit_gen_guest_c(struct sl_wit_iface *iface, bool export, struct sl_buf *h,
                          struct sl_buf *c)
{
    (void)iface, (void)export, (void)h, (void)c;
    return SL_EUNSUPPORTED;
}
