/*
 * test_jit_loops.c — loops with a fast copy (src/jit/jit_loop.c): counted
 * loops whose accesses are all proven in bounds before they start run
 * without faults or polls. The same calls, in the same order, on an
 * interpreting engine and on one that compiles every function give the
 * same results and the same traps, and leave the same bytes in memory:
 * in bounds (the fast copy), partly out of bounds (the usual copy traps
 * at the same iteration, after the same stores), with trip counts that
 * wrap or never end, loads whose value goes unused, addresses that
 * count down, signed bounds, early exits and a memory grown inside the
 * loop, and block copies (src/jit/jit_idiom.c: plain and, as a C library
 * copies to a misaligned destination, spliced from aligned words) into
 * blocks disjoint, adjacent and overlapping. That the fast copy runs at
 * all is seen through an interrupt: it
 * polls before the loop, not at each back-edge.
 * In a build without LLVM there is nothing to compare.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "oxide/wasm.h"
#include "test.h"

static const char *const wat =
    "(module\n"
    "  (import \"env\" \"tick\" (func $tick))\n"
    "  (memory (export \"mem\") 1 4)\n"
    "  (func $nop)\n"
    /* do { s += p[i]; } while (++i != n): from i = 0 */
    "  (func (export \"sum8\") (param $p i32) (param $n i32) (result i32) (local $i i32) (local $s i32)\n"
    "    (loop $l\n"
    "      (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))\n"
    "      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))\n"
    "    (local.get $s))\n"
    /* a word per iteration, counting n down to zero; the count goes to 8 */
    "  (func (export \"fill32\") (param $p i32) (param $n i32) (param $v i32)\n"
    "    (loop $l\n"
    "      (i32.store offset=4 (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2)))\n"
    "        (i32.add (local.get $v) (local.get $n)))\n"
    "      (i32.store (i32.const 8) (local.get $n))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))\n"
    /* a backward byte copy (memmove's overlapping case) */
    "  (func (export \"copy_back\") (param $d i32) (param $s i32) (param $n i32)\n"
    "    (loop $l\n"
    "      (local.set $n (i32.sub (local.get $n) (i32.const 1)))\n"
    "      (i32.store8 (i32.add (local.get $d) (local.get $n))\n"
    "        (i32.load8_u (i32.add (local.get $s) (local.get $n))))\n"
    "      (br_if $l (local.get $n))))\n"
    /* signed bounds: for (i = a; i < b; i += 3) */
    "  (func (export \"lt_s\") (param $a i32) (param $b i32) (result i32) (local $s i32)\n"
    "    (loop $l\n"
    "      (local.set $s (i32.xor (i32.mul (local.get $s) (i32.const 31))\n"
    "        (i32.load16_u offset=40000 (i32.mul (local.get $a) (i32.const 2)))))\n"
    "      (br_if $l (i32.lt_s (local.tee $a (i32.add (local.get $a) (i32.const 3))) (local.get $b))))\n"
    "    (local.get $s))\n"
    /* unsigned, inclusive, counting down by 2: while (i >= lo) */
    "  (func (export \"ge_u\") (param $i i32) (param $lo i32) (result i64) (local $s i64)\n"
    "    (loop $l\n"
    "      (local.set $s (i64.add (local.get $s) (i64.load (i32.mul (local.get $i) (i32.const 8)))))\n"
    "      (br_if $l (i32.ge_u (local.tee $i (i32.sub (local.get $i) (i32.const 2))) (local.get $lo))))\n"
    "    (local.get $s))\n"
    /* x <= n, the bound on the left: n >= i */
    "  (func (export \"le_u\") (param $i i32) (param $n i32) (result f64) (local $s f64)\n"
    "    (loop $l\n"
    "      (local.set $s (f64.add (local.get $s) (f64.load (local.get $i))))\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 8)))\n"
    "      (br_if $l (i32.ge_u (local.get $n) (local.get $i))))\n"
    "    (local.get $s))\n"
    /* a pointer that steps by 4 towards an end it may never meet */
    "  (func (export \"ne4\") (param $p i32) (param $end i32) (result i32) (local $s i32)\n"
    "    (loop $l\n"
    "      (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))\n"
    "      (br_if $l (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 4))) (local.get $end))))\n"
    "    (local.get $s))\n"
    /* loads whose values go unused, and a store of the iteration at 12 */
    "  (func (export \"dead\") (param $p i32) (param $n i32) (local $i i32)\n"
    "    (loop $l\n"
    "      (drop (i32.load offset=1 (i32.add (local.get $p) (i32.mul (local.get $i) (i32.const 4)))))\n"
    "      (drop (i64.mul (i64.load16_s (local.get $p)) (i64.const 0)))\n"
    "      (i32.store (i32.const 12) (local.get $i))\n"
    "      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))\n"
    /* find: an early exit, the back-edge inside a block (clang's shape) */
    "  (func (export \"find\") (param $p i32) (param $n i32) (param $c i32) (result i32) (local $i i32)\n"
    "    (block $out\n"
    "      (loop $l\n"
    "        (block $b\n"
    "          (br_if $out (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $i))) (local.get $c)))\n"
    "          (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))\n"
    "      (return (i32.const -1)))\n"
    "    (local.get $i))\n"
    /* a return from inside the loop */
    "  (func (export \"find_ret\") (param $p i32) (param $n i32) (param $c i32) (result i32)\n"
    "    (loop $l\n"
    "      (if (i32.eq (i32.load8_u (local.get $p)) (local.get $c)) (then (return (local.get $p))))\n"
    "      (local.set $p (i32.add (local.get $p) (i32.const 1)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))\n"
    "    (i32.const -1))\n"
    /* a br_if out with a value, a store before it, words counted by 2 */
    "  (func (export \"find_val\") (param $p i32) (param $end i32) (param $c i32) (result i32)\n"
    "    (block $out (result i32)\n"
    "      (loop $l\n"
    "        (i32.store8 offset=1 (local.get $p) (i32.const 0))\n"
    "        (drop (br_if $out (local.get $p) (i32.eq (i32.load16_u (local.get $p)) (local.get $c))))\n"
    "        (local.set $p (i32.add (local.get $p) (i32.const 2)))\n"
    "        (br_if $l (i32.lt_u (local.get $p) (local.get $end))))\n"
    "      (i32.const -1)))\n"
    /* 2^31 short iterations: the fast copy runs them a budget at a time */
    "  (func (export \"long\") (param $n i32) (result i32) (local $i i32) (local $s i32)\n"
    "    (i32.store8 (i32.const 16) (i32.const 1))\n"
    "    (loop $l\n"
    "      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (local.get $i)))\n"
    "      (i32.store (i32.const 20) (local.get $i))\n"
    "      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))\n"
    "    (i32.add (local.get $i) (local.get $s)))\n"
    /* the memory grows inside the loop: it only gets larger */
    "  (func (export \"grow\") (param $p i32) (param $n i32) (result i32) (local $s i32)\n"
    "    (loop $l\n"
    "      (local.set $s (i32.add (local.get $s) (memory.grow (i32.const 0))))\n"
    "      (i32.store8 (local.get $p) (local.get $n))\n"
    "      (local.set $p (i32.add (local.get $p) (i32.const 1)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))\n"
    "    (local.get $s))\n"
    "  (func (export \"grow1\") (result i32) (memory.grow (i32.const 1)))\n"
    /* results out of the loop, a nested if, vectors */
    "  (func (export \"vsum\") (param $p i32) (param $n i32) (result i32) (local $v v128)\n"
    "    (loop $l (result i32)\n"
    "      (local.set $v (i32x4.add (local.get $v) (v128.load (local.get $p))))\n"
    "      (if (i32.gt_u (i32x4.extract_lane 0 (local.get $v)) (i32.const 1000))\n"
    "        (then (local.set $v (v128.const i32x4 0 0 0 0))))\n"
    "      (local.set $p (i32.add (local.get $p) (i32.const 16)))\n"
    "      (i32x4.extract_lane 3 (local.get $v))\n"
    "      (br_if $l (i32.gt_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0)))))\n"
    /* a host call per iteration, then a call (whose entry polls) */
    "  (func (export \"ticks\") (param $n i32) (local $i i32)\n"
    "    (loop $l\n"
    "      (call $tick)\n"
    "      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))\n"
    "    (call $nop))\n"
    "  (func (export \"copy_fwd\") (param $d i32) (param $s i32) (param $n i32)\n"
    "    (loop $l\n"
    "      (i32.store8 (local.get $d) (i32.load8_u (local.get $s)))\n"
    "      (local.set $d (i32.add (local.get $d) (i32.const 1)))\n"
    "      (local.set $s (i32.add (local.get $s) (i32.const 1)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))\n"
    "  (func (export \"copy_w\") (param $d i32) (param $s i32) (param $n i32) (result i32)\n"
    "    (loop $l\n"
    "      (i64.store32 offset=2 (local.get $d) (i64.load32_s offset=2 (local.get $s)))\n"
    "      (local.set $d (i32.add (local.get $d) (i32.const 4)))\n"
    "      (local.set $s (i32.add (local.get $s) (i32.const 4)))\n"
    "      (br_if $l (i32.gt_u (local.tee $n (i32.sub (local.get $n) (i32.const 4))) (i32.const 3))))\n"
    "    (i32.add (local.get $d) (i32.mul (local.get $s) (i32.const 3))))\n"
  "  (func (export \"copy4\") (param $d i32) (param $s i32) (param $n i32)\n"
    "    (loop $l\n"
    "      (i32.store offset=0 (local.get $d) (i32.load offset=0 (local.get $s)))\n"
    "      (i32.store offset=4 (local.get $d) (i32.load offset=4 (local.get $s)))\n"
    "      (i32.store offset=8 (local.get $d) (i32.load offset=8 (local.get $s)))\n"
    "      (i32.store offset=12 (local.get $d) (i32.load offset=12 (local.get $s)))\n"
    "      (local.set $d (i32.add (local.get $d) (i32.const 16)))\n"
    "      (local.set $s (i32.add (local.get $s) (i32.const 16)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))\n"
  "  (func (export \"copy4r\") (param $d i32) (param $s i32) (param $n i32)\n"
    "    (loop $l\n"
    "      (i32.store offset=12 (local.get $d) (i32.load offset=12 (local.get $s)))\n"
    "      (i32.store offset=8 (local.get $d) (i32.load offset=8 (local.get $s)))\n"
    "      (i32.store offset=4 (local.get $d) (i32.load offset=4 (local.get $s)))\n"
    "      (i32.store offset=0 (local.get $d) (i32.load offset=0 (local.get $s)))\n"
    "      (local.set $d (i32.add (local.get $d) (i32.const 16)))\n"
    "      (local.set $s (i32.add (local.get $s) (i32.const 16)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))\n"
  "  (func (export \"back4\") (param $d i32) (param $s i32) (param $n i32)\n"
    "    (loop $l\n"
    "      (i32.store offset=12 (local.get $d) (i32.load offset=12 (local.get $s)))\n"
    "      (i32.store offset=8 (local.get $d) (i32.load offset=8 (local.get $s)))\n"
    "      (i32.store offset=4 (local.get $d) (i32.load offset=4 (local.get $s)))\n"
    "      (i32.store offset=0 (local.get $d) (i32.load offset=0 (local.get $s)))\n"
    "      (local.set $d (i32.sub (local.get $d) (i32.const 16)))\n"
    "      (local.set $s (i32.sub (local.get $s) (i32.const 16)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))\n"
  "  (func (export \"copyt\") (param $d i32) (param $s i32) (param $n i32) (result i32) (local $t i32) (local $u i32)\n"
    "    (loop $l\n"
    "      (i32.store16 (local.tee $u (i32.add (local.get $d) (local.get $n)))\n"
    "        (i32.load16_u (local.tee $t (i32.add (local.get $s) (local.get $n)))))\n"
    "      (i32.store16 offset=2 (local.get $u) (i32.load16_s offset=2 (local.get $t)))\n"
    "      (br_if $l (i32.ge_s (local.tee $n (i32.sub (local.get $n) (i32.const 4))) (i32.const 0))))\n"
    "    (i32.add (i32.mul (local.get $t) (i32.const 1000)) (i32.add (local.get $u) (local.get $n))))\n"
  "  (func (export \"reverse\") (param $d i32) (param $s i32) (param $n i32) (local $i i32)\n"
    "    (loop $l\n"
    "      (local.set $n (i32.sub (local.get $n) (i32.const 1)))\n"
    "      (i32.store8 (i32.add (local.get $d) (local.get $i)) (i32.load8_u (i32.add (local.get $s) (local.get $n))))\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
    "      (br_if $l (local.get $n))))\n"
  "  (func (export \"rows\") (param $p i32) (param $w i32) (param $r i32) (result i32)\n"
    "    (local $i i32) (local $s i32)\n"
    "    (loop $row\n"
    "      (local.set $i (i32.const 0))\n"
    "      (loop $l\n"
    "        (i32.store8 (i32.add (local.get $p) (local.get $i))\n"
    "          (i32.add (local.get $r) (i32.load8_u offset=1 (i32.add (local.get $p) (local.get $i)))))\n"
    "        (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))\n"
    "        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $w))))\n"
    "      (local.set $p (i32.add (local.get $p) (local.get $w)))\n"
    "      (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))\n"
    "    (local.get $s))\n"
  "  (func (export \"copy_exit\") (param $d i32) (param $s i32) (param $n i32) (result i32) (local $x i32)\n"
    "    (loop $l\n"
    "      (i32.store8 (local.get $d) (i32.load8_u (local.get $s)))\n"
    "      (local.set $d (i32.add (local.get $d) (i32.const 1)))\n"
    "      (local.set $s (i32.add (local.get $s) (i32.const 1)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))\n"
    "      (i32.store8 (local.get $d) (i32.const 77)))\n"
    "    (i32.add (local.get $x) (local.get $d)))\n"
  "  (func (export \"copy_result\") (param $d i32) (param $s i32) (param $n i32) (result i32)\n"
    "    (loop $l (result i32)\n"
    "      (i32.store8 (local.get $d) (i32.load8_u (local.get $s)))\n"
    "      (local.set $d (i32.add (local.get $d) (i32.const 1)))\n"
    "      (local.set $s (i32.add (local.get $s) (i32.const 1)))\n"
    "      (i32.add (local.get $s) (local.get $d))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))\n"
  "  (func (export \"divs\") (param $n i32) (param $d i32) (result i32) (local $s i32)\n"
    "    (loop $l\n"
    "      (local.set $s (i32.add (local.get $s) (i32.div_u (i32.load8_u (local.get $n)) (local.get $d))))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))\n"
    "    (local.get $s))\n"
  "  (func (export \"unroll\") (param $p i32) (param $n i32) (result i32) (local $s i32)\n"
    "    (loop $l\n"
    "      (local.set $s (i32.add (local.get $s) (i32.add (i32.load8_u (local.get $p))\n"
    "        (i32.sub (i32.mul (i32.load16_u offset=1 (i32.add (local.get $p) (i32.const 3))) (i32.const 0))\n"
    "                 (i32.load8_s (i32.sub (local.get $p) (i32.const 2)))))))\n"
    "      (local.set $p (i32.add (local.get $p) (i32.const 1)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))\n"
    "    (local.get $s))\n"
  "  (func (export \"spin\") (param $n i32) (param $r i32) (local $i i32) (local $s i32)\n"
    "    (i32.store8 (i32.const 16) (i32.const 1))\n"
    "    (loop $outer\n"
    "      (local.set $i (i32.const 0))\n"
    "      (loop $l\n"
    "        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (local.get $i))))\n"
    "        (i32.store (i32.const 20) (local.get $i))\n"
    "        (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))\n"
    "      (i32.store (i32.const 24) (local.get $s))\n"
    "      (br_if $outer (local.tee $r (i32.sub (local.get $r) (i32.const 1))))))\n"
  /* n -= 32 while n > 15: counted when it ends at 0..15, wraps else */
  "  (func (export \"down32\") (param $p i32) (param $n i32) (result i32) (local $s i32)\n"
    "    (loop $l\n"
    "      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 3)) (i32.load offset=4 (i32.add (local.get $p) (local.get $n)))))\n"
    "      (br_if $l (i32.gt_u (local.tee $n (i32.sub (local.get $n) (i32.const 32))) (i32.const 15))))\n"
    "    (i32.add (local.get $s) (local.get $n)))\n"
  /* i += 64 while i < L, L near 2^32: wraps unless it ends below 2^32 */
  "  (func (export \"up64\") (param $i i32) (param $l i32) (result i32) (local $s i32)\n"
    "    (loop $l\n"
    "      (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $i) (i32.const 64064)))))\n"
    "      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 64))) (local.get $l))))\n"
    "    (i32.add (local.get $s) (local.get $i)))\n"
  /* musl's memcpy for a source 3 bytes past its destination's
     alignment: aligned words spliced, the last carried in $w */
  "  (func (export \"shift3\") (param $d i32) (param $s i32) (param $n i32) (result i32) (local $w i32) (local $x i32)\n"
    "    (local.set $w (i32.load (local.get $s)))\n"
    "    (loop $l\n"
    "      (i32.store (local.get $d) (i32.or (i32.shr_u (local.get $w) (i32.const 24))\n"
    "        (i32.shl (local.tee $x (i32.load offset=4 (local.get $s))) (i32.const 8))))\n"
    "      (i32.store offset=4 (local.get $d) (i32.or (i32.shr_u (local.get $x) (i32.const 24))\n"
    "        (i32.shl (local.tee $w (i32.load offset=8 (local.get $s))) (i32.const 8))))\n"
    "      (i32.store offset=8 (local.get $d) (i32.or (i32.shr_u (local.get $w) (i32.const 24))\n"
    "        (i32.shl (local.tee $x (i32.load offset=12 (local.get $s))) (i32.const 8))))\n"
    "      (i32.store offset=12 (local.get $d) (i32.or (i32.shr_u (local.get $x) (i32.const 24))\n"
    "        (i32.shl (local.tee $w (i32.load offset=16 (local.get $s))) (i32.const 8))))\n"
    "      (local.set $s (i32.add (local.get $s) (i32.const 16)))\n"
    "      (local.set $d (i32.add (local.get $d) (i32.const 16)))\n"
    "      (br_if $l (i32.gt_u (local.tee $n (i32.sub (local.get $n) (i32.const 16))) (i32.const 19))))\n"
    "    (i32.add (i32.add (local.get $w) (i32.mul (local.get $x) (i32.const 3)))\n"
    "      (i32.add (i32.mul (local.get $d) (i32.const 5)) (i32.add (i32.mul (local.get $s) (i32.const 7)) (local.get $n)))))\n"
  /* one word an iteration, two bytes over, the shift first (clang's order) */
  "  (func (export \"shift2\") (param $d i32) (param $s i32) (param $n i32) (result i32) (local $w i32) (local $x i32)\n"
    "    (local.set $w (i32.const 0x11223344))\n"
    "    (loop $l\n"
    "      (i32.store offset=2 (local.get $d) (i32.or (i32.shl (local.tee $x (i32.load offset=6 (local.get $s))) (i32.const 16))\n"
    "        (i32.shr_u (local.get $w) (i32.const 16))))\n"
    "      (local.set $w (local.get $x))\n"
    "      (local.set $s (i32.add (local.get $s) (i32.const 4)))\n"
    "      (local.set $d (i32.add (local.get $d) (i32.const 4)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))\n"
    "    (i32.add (local.get $w) (i32.mul (local.get $d) (i32.const 3))))\n"
  /* two words, one byte over, the indices from one counter */
  "  (func (export \"shift1\") (param $d i32) (param $s i32) (param $n i32) (result i32) (local $i i32) (local $w i32) (local $x i32)\n"
    "    (loop $l\n"
    "      (i32.store (i32.add (local.get $d) (local.get $i)) (i32.or (i32.shr_u (local.get $w) (i32.const 8))\n"
    "        (i32.shl (local.tee $x (i32.load (i32.add (local.get $s) (local.get $i)))) (i32.const 24))))\n"
    "      (i32.store offset=4 (i32.add (local.get $d) (local.get $i)) (i32.or (i32.shr_u (local.get $x) (i32.const 8))\n"
    "        (i32.shl (local.tee $w (i32.load offset=4 (i32.add (local.get $s) (local.get $i)))) (i32.const 24))))\n"
    "      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 8))) (local.get $n))))\n"
    "    (i32.xor (local.get $w) (local.get $x)))\n"
  /* not a splice (shifts of 8 and 16), and a splice whose carried word
     is not the last one: loops as they are */
  "  (func (export \"shift_bad\") (param $d i32) (param $s i32) (param $n i32) (result i32) (local $w i32)\n"
    "    (loop $l\n"
    "      (i32.store (local.get $d) (i32.or (i32.shl (i32.load offset=4 (local.get $s)) (i32.const 8))\n"
    "        (i32.shr_u (local.get $w) (i32.const 16))))\n"
    "      (local.set $w (i32.load offset=4 (local.get $s)))\n"
    "      (local.set $s (i32.add (local.get $s) (i32.const 4)))\n"
    "      (local.set $d (i32.add (local.get $d) (i32.const 4)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))\n"
    "    (local.get $w))\n"
  "  (func (export \"shift_first\") (param $d i32) (param $s i32) (param $n i32) (result i32) (local $w i32) (local $x i32)\n"
    "    (loop $l\n"
    "      (i32.store (local.get $d) (i32.or (i32.shr_u (local.get $w) (i32.const 16))\n"
    "        (i32.shl (local.tee $x (i32.load offset=4 (local.get $s))) (i32.const 16))))\n"
    "      (i32.store offset=4 (local.get $d) (i32.or (i32.shr_u (local.get $x) (i32.const 16))\n"
    "        (i32.shl (local.tee $w (i32.load offset=8 (local.get $s))) (i32.const 16))))\n"
    "      (local.set $w (local.get $x))\n"
    "      (local.set $s (i32.add (local.get $s) (i32.const 8)))\n"
    "      (local.set $d (i32.add (local.get $d) (i32.const 8)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))\n"
    "    (local.get $w))\n"
  "  (func (export \"seed\") (param $n i32) (local $i i32)\n"
    "    (loop $l\n"
    "      (i32.store8 (local.get $i) (i32.mul (local.get $i) (i32.const 7)))\n"
    "      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))))\n";

typedef struct run {
    ox_engine *e;
    ox_store *s;
    ox_module *m;
    ox_instance *inst;
    uint32_t ticks, interrupt_at;
} run;

static ox_error *tick(ox_caller *c, void *user, const ox_val *args, ox_val *res)
{
    (void)args;
    (void)res;
    run *r = user;
    if (++r->ticks == r->interrupt_at)
        ox_store_interrupt(ox_caller_store(c));
    return NULL;
}

/* tier, or (osr) every loop taken over by compiled code at its first
   back-edge in the interpreter: an OSR entry's fast copies */
static bool open_run(run *r, ox_tier tier, bool osr)
{
    memset(r, 0, sizeof *r);
    ox_config cfg = {.tier = tier, .jit_osr_test = osr};
    if (ox_engine_new(&cfg, &r->e) || ox_store_new(r->e, &r->s))
        return false;
    ox_error *err = ox_module_new(r->e, (const uint8_t *)wat, strlen(wat), &r->m);
    if (err) {
        fprintf(stderr, "%s\n", ox_error_message(err));
        ox_error_free(err);
        return false;
    }
    ox_functype ft = {0};
    ox_extern imp = {.kind = OX_EXTERN_FUNC};
    if (ox_func_new_host(r->s, &ft, tick, r, NULL, &imp.of.func))
        return false;
    return !ox_instance_new(r->s, r->m, &imp, 1, &r->inst);
}

static void close_run(run *r)
{
    ox_store_free(r->s);
    ox_module_free(r->m);
    ox_engine_free(r->e);
}

/* name(args) on run r: its message ("" when it returned) and result. */
static void outcome(run *r, const char *name, const ox_val *a, size_t n, size_t nr, ox_val *res,
                    char *msg, size_t len)
{
    ox_extern f;
    ox_error *err = ox_instance_export(r->inst, name, &f)
                        ? ox_func_call(f.of.func, a, n, res, nr)
                        : ox_error_new(OX_ERR_NOTFOUND, "no export %s", name);
    snprintf(msg, len, "%s", err ? ox_error_message(err) : "");
    ox_error_free(err);
}

#define I32(x) ox_val_i32((int32_t)(x))

/* The other thread of the interrupt check. */
typedef struct watcher {
    ox_store *s;
    volatile uint8_t *mark;
    bool seen;
} watcher;

static void *watch(void *p)
{
    watcher *w = p;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        if (*w->mark) {
            w->seen = true;
            ox_store_interrupt(w->s);
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (t.tv_sec - t0.tv_sec < 10);
    return NULL;
}

typedef struct call {
    const char *name;
    size_t n, nr;
    ox_val a[3];
} call;

static bool same_val(const ox_val *x, const ox_val *y)
{
    return x->type == y->type && memcmp(&x->of, &y->of, sizeof x->of) == 0;
}

int main(void)
{
    if (!ox_jit_available())
        return test_summary("jit_loops (no LLVM in this build)");
    run t[3];
    bool opened = open_run(&t[0], OX_TIER_INTERP, false) && open_run(&t[1], OX_TIER_JIT, false) &&
                  open_run(&t[2], OX_TIER_JIT, true);
    CHECK(opened);
    if (!opened)
        return test_summary("jit_loops");
    const uint32_t top = 65536;
    const call calls[] = {
        {"seed", 1, 0, {I32(top)}},
        {"sum8", 2, 1, {I32(0), I32(top)}},               /* all of memory */
        {"sum8", 2, 1, {I32(100), I32(top - 100)}},       /* to its last byte */
        {"sum8", 2, 1, {I32(101), I32(top - 100)}},       /* one past: traps at the end */
        {"sum8", 2, 1, {I32(0), I32(0)}},                 /* n = 0: 2^32 trips, traps */
        {"sum8", 2, 1, {I32(-5), I32(10)}},               /* wraps through 2^32: traps */
        {"fill32", 3, 0, {I32(1000), I32(500), I32(7)}},
        {"fill32", 3, 0, {I32(top - 2000), I32(600), I32(9)}}, /* stores, then a trap */
        {"copy_back", 3, 0, {I32(2001), I32(2000), I32(3000)}},
        {"copy_back", 3, 0, {I32(top - 100), I32(0), I32(200)}}, /* the first store traps */
        {"copy_back", 3, 0, {I32(10), I32(top - 100), I32(200)}}, /* the first load traps */
        {"seed", 1, 0, {I32(top)}},
        {"copy_back", 3, 0, {I32(2000), I32(2001), I32(3000)}}, /* backward, below: repeats */
        {"copy_back", 3, 0, {I32(100), I32(3000), I32(500)}}, /* backward, disjoint below */
        {"seed", 1, 0, {I32(top)}},
        {"copy_fwd", 3, 0, {I32(1000), I32(1001), I32(500)}}, /* forward, below: memmove */
        {"copy_fwd", 3, 0, {I32(1001), I32(1000), I32(500)}}, /* forward, above: repeats */
        {"copy_fwd", 3, 0, {I32(5000), I32(1000), I32(500)}}, /* disjoint */
        {"copy_fwd", 3, 0, {I32(1500), I32(1000), I32(500)}}, /* ends where the source starts */
        {"copy_fwd", 3, 0, {I32(1499), I32(1000), I32(500)}}, /* one byte over it */
        {"copy_fwd", 3, 0, {I32(top - 100), I32(0), I32(200)}}, /* 100 stores, then a trap */
        {"seed", 1, 0, {I32(top)}},
        {"copy_w", 3, 1, {I32(4000), I32(4002), I32(400)}}, /* words, forward, below */
        {"copy_w", 3, 1, {I32(4002), I32(4000), I32(400)}}, /* words, forward, above: repeats */
        {"copy_w", 3, 1, {I32(8000), I32(4000), I32(401)}}, /* disjoint, n not a multiple */
        {"seed", 1, 0, {I32(top)}}, /* distinct bytes again: a repeated pattern hides mistakes */
        {"copy4", 3, 0, {I32(3000), I32(3004), I32(60)}},
        {"copy4", 3, 0, {I32(3004), I32(3000), I32(60)}},
        {"copy4", 3, 0, {I32(3000), I32(3016), I32(60)}},
        {"copy4", 3, 0, {I32(3016), I32(3000), I32(60)}},
        {"copy4", 3, 0, {I32(3000), I32(3020), I32(60)}},
        {"copy4", 3, 0, {I32(9000), I32(3000), I32(60)}},
        {"copy4", 3, 0, {I32(3000), I32(3000), I32(60)}},
        {"seed", 1, 0, {I32(top)}},
        {"copy4r", 3, 0, {I32(3000), I32(3004), I32(60)}},
        {"copy4r", 3, 0, {I32(3004), I32(3000), I32(60)}},
        {"copy4r", 3, 0, {I32(3000), I32(3016), I32(60)}},
        {"copy4r", 3, 0, {I32(3016), I32(3000), I32(60)}},
        {"copy4r", 3, 0, {I32(3000), I32(3020), I32(60)}},
        {"copy4r", 3, 0, {I32(9000), I32(3000), I32(60)}},
        {"copy4r", 3, 0, {I32(3000), I32(3000), I32(60)}},
        {"seed", 1, 0, {I32(top)}},
        {"back4", 3, 0, {I32(5000), I32(5004), I32(60)}},
        {"back4", 3, 0, {I32(5004), I32(5000), I32(60)}},
        {"back4", 3, 0, {I32(5000), I32(5016), I32(60)}},
        {"back4", 3, 0, {I32(5016), I32(5000), I32(60)}},
        {"back4", 3, 0, {I32(5000), I32(5020), I32(60)}},
        {"back4", 3, 0, {I32(11000), I32(5000), I32(60)}},
        {"back4", 3, 0, {I32(5000), I32(5000), I32(60)}},
        {"copy4", 3, 0, {I32(top - 500), I32(1000), I32(60)}}, /* past the end: traps */
        {"back4", 3, 0, {I32(400), I32(8000), I32(60)}},       /* below 0: traps */
        {"seed", 1, 0, {I32(top)}},
        {"reverse", 3, 0, {I32(9000), I32(1000), I32(500)}}, /* not a copy: reversed */
        {"copy_exit", 3, 1, {I32(9000), I32(1000), I32(500)}}, /* code after the back-edge */
        {"copy_result", 3, 1, {I32(9000), I32(1000), I32(500)}}, /* a result left by the body */
        {"copyt", 3, 1, {I32(6000), I32(7000), I32(400)}},  /* backward, disjoint */
        {"copyt", 3, 1, {I32(6002), I32(6000), I32(400)}},  /* overlapping, pairs against the stride */
        {"copyt", 3, 1, {I32(6000), I32(6002), I32(400)}},  /* the same, below */
        {"copyt", 3, 1, {I32(top - 300), I32(100), I32(400)}}, /* traps at the first store */
        {"rows", 3, 1, {I32(100), I32(300), I32(50)}},   /* an inner loop, entered again and again */
        {"rows", 3, 1, {I32(top - 3000), I32(300), I32(10)}}, /* the last row's last load traps */
        {"lt_s", 2, 1, {I32(-9000), I32(12000)}},
        {"lt_s", 2, 1, {I32(-20001), I32(100)}},          /* starts below the memory */
        {"lt_s", 2, 1, {I32(5), I32(-7)}},                /* one trip */
        {"lt_s", 2, 1, {I32(0x7FFFFFF0), I32(0x7FFFFFFF)}}, /* wraps: runs on, traps */
        {"ge_u", 2, 1, {I32(8000), I32(3)}},
        {"ge_u", 2, 1, {I32(8000), I32(0)}},              /* i >= 0 always: traps */
        {"ge_u", 2, 1, {I32(9000), I32(100)}},            /* starts out of bounds */
        {"le_u", 2, 1, {I32(16), I32(800)}},
        {"le_u", 2, 1, {I32(16), I32(-1)}},               /* i <= 2^32 - 1 always: traps */
        {"le_u", 2, 1, {I32(top - 64), I32(top - 8)}},    /* ends on the last word */
        {"le_u", 2, 1, {I32(top - 64), I32(top)}},        /* one word too far */
        {"ne4", 2, 1, {I32(0), I32(4000)}},
        {"ne4", 2, 1, {I32(0), I32(4001)}},               /* never meets its end: traps */
        {"ne4", 2, 1, {I32(4000), I32(0)}},               /* wraps around to 0: traps */
        {"dead", 2, 0, {I32(0), I32(1000)}},
        {"dead", 2, 0, {I32(top - 4000), I32(2000)}},     /* an unused load traps */
        {"dead", 2, 0, {I32(top - 404), I32(100)}},       /* in bounds to the last */
        {"dead", 2, 0, {I32(top - 400), I32(100)}},       /* only the last load traps */
        {"unroll", 2, 1, {I32(2), I32(top - 7)}},         /* p - 2 .. p + 5: all of memory */
        {"unroll", 2, 1, {I32(2), I32(top - 6)}},         /* an unused load's end is one past */
        {"unroll", 2, 1, {I32(1), I32(100)}},             /* p - 2 wraps below 0 at once */
        {"find", 3, 1, {I32(0), I32(top), I32(49)}},
        {"find", 3, 1, {I32(0), I32(top), I32(1000)}},    /* not there */
        {"find", 3, 1, {I32(top - 10), I32(20), I32(1000)}}, /* runs off the end */
        {"find", 3, 1, {I32(top - 10), I32(20), I32((top - 4) * 7 & 255)}}, /* found first */
        {"find_ret", 3, 1, {I32(0), I32(top), I32(49)}},
        {"find_ret", 3, 1, {I32(7), I32(top - 7), I32(1000)}}, /* to the last byte, not there */
        {"find_ret", 3, 1, {I32(8), I32(top - 7), I32(1000)}}, /* one past: traps */
        {"find_val", 3, 1, {I32(100), I32(5000), I32(3 * 7 & 255)}},
        {"find_val", 3, 1, {I32(100), I32(5000), I32(1 << 16)}}, /* not there: a store at each */
        {"find_val", 3, 1, {I32(top - 100), I32(top + 2), I32(1 << 16)}}, /* the last store traps */
        {"long", 1, 1, {I32(5000000)}},                  /* runs of the fast copy */
        {"seed", 1, 0, {I32(top)}},
        {"grow", 2, 1, {I32(100), I32(50)}},
        {"grow", 2, 1, {I32(top - 20), I32(50)}},         /* traps at the page's end */
        {"grow1", 0, 1, {{0}}},
        {"grow", 2, 1, {I32(top - 20), I32(50)}},         /* now in bounds */
        {"sum8", 2, 1, {I32(top - 10), I32(top)}},        /* across the new page */
        {"seed", 1, 0, {I32(top)}},
        {"down32", 2, 1, {I32(100), I32(4000)}},            /* ends at 0 */
        {"down32", 2, 1, {I32(100), I32(4015)}},            /* ends at 15 */
        {"down32", 2, 1, {I32(100), I32(4016)}},            /* ends at -16: wraps, traps */
        {"down32", 2, 1, {I32(100), I32(4031)}},            /* ends at -1: wraps, traps */
        {"down32", 2, 1, {I32(100), I32(10)}},              /* one iteration */
        {"up64", 2, 1, {I32(-64000), I32(-64)}},            /* ends at 2^32 - 64 */
        {"up64", 2, 1, {I32(-64000 - 63), I32(-63)}},       /* ends at 2^32 - 63 */
        {"up64", 2, 1, {I32(-64000 + 10), I32(-50)}},       /* would end at 2^32 + 10: wraps */
        {"up64", 2, 1, {I32(-64000), I32(-1)}},             /* ends at 2^32: wraps to 0 */
        /* shift3 copies 16 T bytes (T = 62 for n = 1000) from s + 7 to d
           (its loads cover s + 4 .. s + 996) */
        {"shift3", 3, 1, {I32(20001), I32(30000), I32(1000)}},  /* disjoint: spliced, then memmove */
        {"shift3", 3, 1, {I32(30002), I32(30000), I32(1000)}},  /* overlapping, above: as it is */
        {"shift3", 3, 1, {I32(29990), I32(30000), I32(1000)}},  /* overlapping, below */
        {"shift3", 3, 1, {I32(30000 - 988), I32(30000), I32(1000)}}, /* the stores end where the loads start */
        {"shift3", 3, 1, {I32(30000 - 987), I32(30000), I32(1000)}}, /* one byte over */
        {"shift3", 3, 1, {I32(30000 + 996), I32(30000), I32(1000)}}, /* starts where the loads end */
        {"shift3", 3, 1, {I32(30000 + 995), I32(30000), I32(1000)}}, /* one byte before */
        {"shift3", 3, 1, {I32(1000), I32(5000), I32(20)}},      /* one iteration */
        {"shift3", 3, 1, {I32(1001), I32(5003), I32(5)}},       /* one iteration, n under 20 */
        {"shift3", 3, 1, {I32(1000), I32(top - 600), I32(1000)}}, /* a load traps */
        {"shift3", 3, 1, {I32(top - 600), I32(1000), I32(1000)}}, /* a store traps */
        {"seed", 1, 0, {I32(top)}},
        {"shift2", 3, 1, {I32(40000), I32(10001), I32(900)}},
        {"shift2", 3, 1, {I32(10003), I32(10001), I32(900)}},   /* overlapping */
        {"shift2", 3, 1, {I32(10001), I32(10001), I32(900)}},   /* in place */
        {"shift2", 3, 1, {I32(top - 2000), I32(100), I32(900)}}, /* a store traps */
        {"shift1", 3, 1, {I32(50000), I32(2000), I32(4000)}},
        {"shift1", 3, 1, {I32(2003), I32(2000), I32(4000)}},    /* overlapping */
        {"shift1", 3, 1, {I32(50000), I32(2000), I32(1)}},      /* one iteration */
        {"shift_bad", 3, 1, {I32(50000), I32(2000), I32(500)}},
        {"shift_first", 3, 1, {I32(50000), I32(2000), I32(500)}},
        {"vsum", 2, 1, {I32(64), I32(100)}},
        {"vsum", 2, 1, {I32(2 * top - 1600), I32(101)}},  /* the last vector traps */
    };
    for (size_t c = 0; c < sizeof calls / sizeof calls[0]; c++) {
        char msg[3][200];
        ox_val res[3];
        memset(res, 0, sizeof res);
        for (int k = 0; k < 3; k++)
            outcome(&t[k], calls[c].name, calls[c].a, calls[c].n, calls[c].nr, &res[k], msg[k],
                    sizeof msg[k]);
        for (int k = 1; k < 3; k++) {
            bool same = strcmp(msg[0], msg[k]) == 0 && (msg[0][0] || !calls[c].nr || same_val(&res[0], &res[k]));
            if (!same)
                fprintf(stderr, "call %zu %s: interpreter '%s' %lld, compiled%s '%s' %lld\n", c, calls[c].name,
                        msg[0], (long long)res[0].of.i64, k == 2 ? " (OSR)" : "", msg[k], (long long)res[k].of.i64);
            CHECK(same);
            ox_memory *mem[2] = {ox_instance_memory(t[0].inst), ox_instance_memory(t[k].inst)};
            CHECK(ox_memory_size(mem[0]) == ox_memory_size(mem[1]));
            bool bytes = ox_memory_size(mem[0]) == ox_memory_size(mem[1]) &&
                         memcmp(ox_memory_data(mem[0]), ox_memory_data(mem[1]), ox_memory_size(mem[0])) == 0;
            if (!bytes)
                fprintf(stderr, "call %zu %s: the memories differ%s\n", c, calls[c].name, k == 2 ? " (OSR)" : "");
            CHECK(bytes);
        }
    }
    /* the traps above are the ones meant (the memory has 2 pages now) */
    char msg[200];
    ox_val r;
    ox_val a[2] = {I32(2 * top - 50), I32(51)};
    outcome(&t[1], "sum8", a, 2, 1, &r, msg, sizeof msg);
    CHECK(strstr(msg, "out of bounds") != NULL);

    /* A loop with a call keeps its polls: it stops at the back-edge after
       the interrupt, in both tiers. */
    for (int k = 0; k < 2; k++) {
        t[k].ticks = 0;
        t[k].interrupt_at = 1;
        ox_val n = I32(1000);
        outcome(&t[k], "ticks", &n, 1, 0, NULL, msg, sizeof msg);
        CHECK(strstr(msg, "interrupt") != NULL);
        CHECK(t[k].ticks == 1);
    }
    /* The fast copy polls once, before the loop: interrupted by another
       thread while it runs, it runs to its end and the outer loop's
       back-edge stops it, where the usual copy stops at its next
       back-edge, after any iteration. So the last iteration stored is the
       last one (or the first: the interrupt came just before the check).
       The other thread interrupts as soon as the function has started;
       if it is late the call ends normally and the check still holds. */
    {
        uint8_t *mem = ox_memory_data(ox_instance_memory(t[1].inst));
        watcher w = {.s = t[1].s, .mark = mem + 16};
        mem[16] = 0;
        pthread_t th;
        CHECK(pthread_create(&th, NULL, watch, &w) == 0);
        ox_val a2[2] = {I32(100000), I32(1000)};
        outcome(&t[1], "spin", a2, 2, 0, NULL, msg, sizeof msg);
        pthread_join(th, NULL);
        CHECK(w.seen);
        CHECK(!msg[0] || strstr(msg, "interrupt") != NULL);
        uint32_t last;
        memcpy(&last, mem + 20, 4);
        if (last != 100000 - 1 && last != 0)
            fprintf(stderr, "spin: interrupted after iteration %u of 100000 (%s)\n", last, msg);
        CHECK(last == 100000 - 1 || last == 0);
    }
    /* A loop longer than the budget runs in the fast copy a run at a time
       and polls between runs: interrupted, it stops where a run ends, so
       two interrupted calls stop at multiples of the run's length (the
       usual copy would stop at any iteration). */
    {
        uint32_t stop[2] = {0, 0};
        uint8_t *mem = ox_memory_data(ox_instance_memory(t[1].inst));
        for (int k = 0; k < 2; k++) {
            watcher w = {.s = t[1].s, .mark = mem + 16};
            mem[16] = 0;
            pthread_t th;
            CHECK(pthread_create(&th, NULL, watch, &w) == 0);
            ox_val n = I32(INT32_MAX);
            outcome(&t[1], "long", &n, 1, 1, &r, msg, sizeof msg);
            pthread_join(th, NULL);
            CHECK(w.seen);
            CHECK(strstr(msg, "interrupt") != NULL);
            memcpy(&stop[k], mem + 20, 4);
            stop[k]++;
        }
        uint32_t x = stop[0], y = stop[1];
        while (y) {
            uint32_t t2 = x % y;
            x = y;
            y = t2;
        }
        if (x < 4096)
            fprintf(stderr, "long: interrupted after %u and %u iterations\n", stop[0], stop[1]);
        CHECK(x >= 4096);
    }
    /* Fuel metered: a loop that cannot trap charges its back-edges' fuel
       before a fast copy, or runs the usual copy when that is too much;
       one that can trap (a division) always runs the usual copy. The same
       fuel is left in all three engines, and the same trap comes. */
    const struct {
        const char *name;
        uint64_t fuel;
        size_t n;
        ox_val a[3];
        bool traps;
    } metered[] = {
        {"sum8", 100000, 2, {I32(0), I32(top)}, true},       /* not enough: the usual copy */
        {"sum8", 10000000, 2, {I32(0), I32(top)}, false},    /* enough: charged up front */
        {"sum8", 10000000, 2, {I32(2 * top - 10), I32(20)}, true}, /* out of bounds */
        {"divs", 10000000, 2, {I32(100), I32(7)}, false},    /* may trap: the usual copy */
        {"divs", 10000000, 2, {I32(100), I32(0)}, true},     /* does */
        {"find", 10000000, 3, {I32(0), I32(top), I32(49)}, false}, /* ends early: the usual copy */
        {"find_ret", 10000000, 3, {I32(0), I32(top), I32(1000)}, false},
        {"long", 100000000, 1, {I32(5000000)}, false},       /* a run at a time, charged for each */
        {"long", 30000000, 1, {I32(5000000)}, true},         /* runs out in a later run */
    };
    for (size_t c = 0; c < sizeof metered / sizeof metered[0]; c++) {
        uint64_t left[3];
        char m[3][200];
        for (int k = 0; k < 3; k++) {
            ox_store_set_fuel(t[k].s, metered[c].fuel);
            outcome(&t[k], metered[c].name, metered[c].a, metered[c].n, 1, &r, m[k], sizeof m[k]);
            left[k] = ox_store_fuel(t[k].s);
        }
        CHECK((m[0][0] != 0) == metered[c].traps);
        CHECK(strcmp(m[0], m[1]) == 0 && strcmp(m[0], m[2]) == 0);
        if (left[0] != left[1] || left[0] != left[2])
            fprintf(stderr, "metered %zu %s: fuel left %llu, compiled %llu, OSR %llu\n", c, metered[c].name,
                    (unsigned long long)left[0], (unsigned long long)left[1], (unsigned long long)left[2]);
        CHECK(left[0] == left[1] && left[0] == left[2]);
    }
    /* and the fast copy runs with fuel metered: the interrupt check again */
    {
        ox_store_set_fuel(t[1].s, UINT64_C(1) << 40);
        uint8_t *mem = ox_memory_data(ox_instance_memory(t[1].inst));
        watcher w = {.s = t[1].s, .mark = mem + 16};
        mem[16] = 0;
        pthread_t th;
        CHECK(pthread_create(&th, NULL, watch, &w) == 0);
        ox_val a2[2] = {I32(100000), I32(1000)};
        outcome(&t[1], "spin", a2, 2, 0, NULL, msg, sizeof msg);
        pthread_join(th, NULL);
        CHECK(w.seen);
        uint32_t last;
        memcpy(&last, mem + 20, 4);
        if (last != 100000 - 1 && last != 0)
            fprintf(stderr, "spin, metered: interrupted after iteration %u of 100000 (%s)\n", last, msg);
        CHECK(last == 100000 - 1 || last == 0);
    }
    close_run(&t[0]);
    close_run(&t[1]);
    close_run(&t[2]);
    return test_summary("jit_loops");
}
