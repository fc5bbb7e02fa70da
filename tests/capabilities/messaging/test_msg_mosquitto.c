/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_msg_mosquitto.c -- messaging.mosquitto cases beyond the conformance
 * suite.
 */
#include "sl_common.h"

#include <criterion/criterion.h>

Test(mosquitto, placeholder)
{
    cr_assert(true);
}
