/* Guest for the per-instance pool benchmark (`slight bench instance`).
 * Built as a WASI reactor: _initialize fills a 1 MiB buffer, so the module's
 * initialized snapshot holds 1 MiB of non-zero memory.
 *
 * Exports:
 *   request(pages) -> checksum  the "request": first checks that the buffer
 *                               still holds its initialized contents (returns
 *                               0xBAD0000 | page if a previous request's
 *                               writes are visible: a failed reset), then
 *                               dirties `pages` pages of it and returns a
 *                               checksum of what it wrote.
 *   host_calls(n) -> sum         calls the host import slight_bench.nop(i)
 *                               n times (guest->host round trip).
 *
 * Import: slight_bench.nop : (i32) -> i32, expected to return its argument
 * plus one; provided by the bench driver only. */
#include <stdint.h>

#define SIZE (1u << 20)
#define PAGE 4096u

static uint8_t buf[SIZE];
static uint32_t requests;

__attribute__((import_module("slight_bench"), import_name("nop"))) uint32_t host_nop(uint32_t);

static uint8_t pattern(uint32_t i)
{
    return (uint8_t)(i * 2654435761u >> 24) | 1u;
}

/* Run by the reactor's _initialize (crt1-reactor.o). */
__attribute__((constructor)) static void initialize(void)
{
    for (uint32_t i = 0; i < SIZE; i++)
        buf[i] = pattern(i);
}

__attribute__((export_name("request"))) uint32_t request(uint32_t pages)
{
    if (requests != 0)
        return 0xBAD00000u | 0xFFFFu;
    for (uint32_t p = 0; p < SIZE / PAGE; p++)
        if (buf[p * PAGE] != pattern(p * PAGE) || buf[p * PAGE + PAGE - 1] != pattern(p * PAGE + PAGE - 1))
            return 0xBAD00000u | p;
    requests++;
    uint32_t sum = 0;
    for (uint32_t k = 0; k < pages && k < SIZE / PAGE; k++) {
        uint32_t p = (k * 37u) % (SIZE / PAGE);
        buf[p * PAGE] = 0;
        buf[p * PAGE + PAGE - 1] = 0;
        sum = sum * 31u + p;
    }
    return sum;
}

__attribute__((export_name("host_calls"))) uint32_t host_calls(uint32_t n)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += host_nop(i);
    return sum;
}
