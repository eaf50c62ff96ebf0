/* harness.c — the command driver: run the workload, print its checksum.
   The runner compares this line across native code and every runtime. */
#include <inttypes.h>
#include <stdio.h>

#include "harness.h"

int main(void)
{
    uint64_t sum = bench_run();
    printf("%s checksum %016" PRIx64 "\n", bench_name, sum);
    return 0;
}
