/*
 * interp_x86v3.c — the interpreter's dispatch loop built a second time, for
 * x86-64-v3 CPUs (AVX2, BMI1, BMI2, POPCNT; CMakeLists.txt gives the
 * flags): SIMD instructions get SSSE3/SSE4.1 forms (byte shuffles, lane
 * minima, 32-bit multiplies, widening), and scalar code BMI's. interp.c
 * decides at run time which build runs (use_x86v3), so one binary runs on
 * every x86-64 and takes the faster path where the CPU has it.
 *
 * Only run() is built here (OX_INTERP_VARIANT): everything else of the
 * interpreter exists once, in interp.c. Without OX_HAVE_X86V3 (another
 * CPU, another compiler, OX_SIMD_PORTABLE) this file is empty.
 */
#ifdef OX_HAVE_X86V3
#define OX_INTERP_VARIANT 1
#include "interp.c"
#else
typedef int ox_interp_x86v3_unused; /* ISO C wants a declaration in every file */
#endif
