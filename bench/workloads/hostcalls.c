/* hostcalls.c — many small host calls: clock_gettime (WASI
   clock_time_get) in a loop, and zero-length writes to stdout (WASI
   fd_write with one empty buffer). Measures the guest->host call path and
   the runtime's WASI layer, not computation. The checksum counts calls
   and checks the monotonic clock never goes backwards, so it is the same
   on every runtime whatever the times read. */
#include <time.h>
#include <unistd.h>

#include "harness.h"

const char bench_name[] = "hostcalls";

uint64_t bench_run(void)
{
    const uint32_t clock_calls = BENCH_PICK(15000000, 1500000);
    const uint32_t write_calls = BENCH_PICK(1250000, 125000);
    uint64_t backwards = 0, ok_clock = 0, ok_write = 0;
    struct timespec prev = {0, 0}, now;
    for (uint32_t i = 0; i < clock_calls; i++) {
        if (clock_gettime(CLOCK_MONOTONIC, &now) == 0)
            ok_clock++;
        if (now.tv_sec < prev.tv_sec || (now.tv_sec == prev.tv_sec && now.tv_nsec < prev.tv_nsec))
            backwards++;
        prev = now;
    }
    static const char byte = 0;
    for (uint32_t i = 0; i < write_calls; i++)
        if (write(1, &byte, 0) == 0)
            ok_write++;
    uint64_t h = bench_mix(0, ok_clock);
    h = bench_mix(h, ok_write);
    return bench_mix(h, backwards);
}
