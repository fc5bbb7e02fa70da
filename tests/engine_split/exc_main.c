/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exc_main.c -- runs the exc.wat fixture (module "g") on wabt's reference
 * runtime: an exception thrown in one function and caught in another.
 */
#include <stdio.h>

#include "g.h"

int main(void)
{
    Z_g_instance_t inst;
    wasm_rt_init();
    Z_g_init_module();
    Z_g_instantiate(&inst);
    printf("catch 5: %u\n", Z_gZ_catch(&inst, 5));
    printf("catch 42: %u\n", Z_gZ_catch(&inst, 42));
    Z_g_free(&inst);
    wasm_rt_free();
    return 0;
}
