/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ops_main.c -- runs the ops.wat fixture (translated by wasm2c as module "g")
 * on wabt's reference runtime and prints what every export returns, so the
 * split and the unsplit builds can be compared line by line.
 */
#include <stdio.h>
#include <string.h>

#include "g.h"

int main(void)
{
    Z_g_instance_t inst;
    wasm_rt_init();
    Z_g_init_module();
    Z_g_instantiate(&inst);
    printf("start counter %u\n", *Z_gZ_counter(&inst));
    for (u32 i = 0; i < 3; i++)
        printf("apply %u: %u\n", i, Z_gZ_apply(&inst, i, 20, 6));
    printf("fib 20: %u\n", Z_gZ_fib(&inst, 20));
    printf("pair_diff: %u\n", Z_gZ_pair_diff(&inst, 50, 8));
    printf("init_late: %u\n", Z_gZ_init_late(&inst));
    printf("copy_greet: %u\n", Z_gZ_copy_greet(&inst, 1024));
    printf("greet: %.15s\n", (const char *)Z_gZ_memory(&inst)->data + 1024);
    printf("via_ref: %u\n", Z_gZ_via_ref(&inst, 12));
    printf("via_global: %u\n", Z_gZ_via_global(&inst, 30, 12));
    printf("checksum: %u\n", Z_gZ_checksum(&inst, 64, 14));
    printf("end counter %u\n", *Z_gZ_counter(&inst));
    Z_g_free(&inst);
    wasm_rt_free();
    return 0;
}
