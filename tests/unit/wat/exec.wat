;; Inputs for test_exec.c: host calls, re-entry, interruption, limits.
(module
  (import "host" "add3" (func $add3 (param i32 i64 f64) (result f64)))
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (import "host" "fail" (func $fail (param i32)))
  (import "host" "interrupt" (func $interrupt))
  (import "host" "grow" (func $grow))
  (memory (export "memory") 1)

  ;; wasm -> host with mixed types
  (func (export "call_add3") (param i32 i64 f64) (result f64)
    (call $add3 (local.get 0) (local.get 1) (local.get 2)))

  ;; n > 0: wasm -> host -> wasm ("down", n-1) ...; returns the depth reached
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $reenter (i32.sub (local.get 0) (i32.const 1)))))))

  ;; the host fails in a way chosen by the argument
  (func (export "call_fail") (param i32) (call $fail (local.get 0)))

  ;; asks the host to interrupt the store, then spins forever
  (func (export "spin")
    (call $interrupt)
    (loop $l (br $l)))

  ;; plain recursion: exhausts the frame stack
  (func $rec (export "rec") (param i32) (result i32)
    (i32.add (call $rec (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))

  ;; a frame with many locals: exhausts the value-stack slots sooner
  (func $fat (export "fat") (param i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (call $fat (local.get 0)))

  ;; the host grows memory during the call: the load after it must see the
  ;; new size (the interpreter caches it)
  (func (export "grow_then_load") (result i32)
    (call $grow)
    (i32.store (i32.const 70000) (i32.const 42))
    (i32.load (i32.const 70000)))

  ;; multi-value through a call and a block
  (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
  (func (export "swap_sub") (param i32 i32) (result i32)
    (local.get 0) (local.get 1)
    (block (param i32 i32) (result i32 i32) (call $swap))
    (i32.sub))

  ;; local.tee/set while a copy of the old value is still on the stack
  (func (export "tee_hazard") (param i32) (result i32)
    (local.get 0)                               ;; old value, pending
    (local.set 0 (i32.add (local.get 0) (i32.const 10)))
    (local.get 0)
    (i32.sub))                                  ;; old - new = -10

  ;; fused indexed access: the i32.add of the address wraps at 2^32 before
  ;; the offset is added (0xfffffffc + 8 = 4), and the offset does not wrap
  (func (export "wrap_store_load") (result i32)
    (i32.store (i32.add (i32.const 0xfffffffc) (i32.const 8)) (i32.const 77))
    (i32.load (i32.add (i32.const 0xfffffff0) (i32.const 0x14))))
  (func (export "ix_oob") (param i32)
    (drop (i32.load offset=0xfffffff0 (i32.add (local.get 0) (i32.const 0x20)))))

  ;; a bit test and comparisons fused into branches, both senses
  (func (export "classify") (param i32) (result i32)
    (if (i32.and (local.get 0) (i32.const 1))
      (then (return (i32.const 1))))
    (br_if 0 (i32.const 2) (i32.lt_u (local.get 0) (i32.const 10)))
    (drop)
    (if (result i32) (i64.ge_s (i64.extend_i32_s (local.get 0)) (i64.const 100))
      (then (i32.const 3))
      (else (i32.const 4))))

  ;; an add fused with the compare-and-branch testing its sum (BR_ADD_*):
  ;; sum on the left and on the right (mirrored), signed and unsigned,
  ;; i32 and i64 wrap-around, the `if` sense, the sum compared with itself,
  ;; and the sum kept in its local. 12*100000 + 2*10000 + 1000 + 4*100 +
  ;; 8*10 + 4 = 1221484 for n = 10.
  (func (export "step_loops") (param $n i32) (result i64)
    (local $i i32) (local $k i64) (local $acc i64)
    (loop $a
      (local.set $acc (i64.add (local.get $acc) (i64.const 1)))
      (br_if $a (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 3)))
                          (local.get $n))))
    (local.set $acc (i64.add (local.get $acc)
                             (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 100000))))
    (local.set $i (i32.const 5))
    (loop $b
      (local.set $acc (i64.add (local.get $acc) (i64.const 10)))
      (br_if $b (i32.lt_s (i32.const -3)
                          (local.tee $i (i32.add (local.get $i) (i32.const -1))))))
    (local.set $k (i64.const -2))
    (loop $c
      (local.set $acc (i64.add (local.get $acc) (i64.const 100)))
      (br_if $c (i64.ne (local.tee $k (i64.add (local.get $k) (i64.const 1)))
                        (i64.const 2))))
    (if (i32.eq (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $i))
      (then (local.set $acc (i64.add (local.get $acc) (i64.const 1000)))))
    (local.set $i (i32.const 0xfffffff0))
    (loop $e
      (local.set $acc (i64.add (local.get $acc) (i64.const 10000)))
      (br_if $e (i32.gt_u (local.tee $i (i32.add (local.get $i) (i32.const 8)))
                          (i32.const 0x100))))
    (local.get $acc))

  ;; chained binops (CH_*_L/_R): the intermediate as left and as right
  ;; operand of non-commutative ops, i32/i64/f64, and a right operand that
  ;; is an earlier stack temporary. For (7, 5, 1.5): 16, 86, 975, 32, 31, 98
  ;; weighted by 1, 1e3, 1e6, 1e9, 1e11, 1e13.
  (func (export "chains") (param $x i32) (param $y i64) (param $z f64) (result i64)
    (i64.add
      (i64.add
        (i64.add (i64.extend_i32_u (i32.shl (i32.sub (local.get $x) (i32.const 3)) (i32.const 2)))
                 (i64.mul (i64.extend_i32_u
                            (i32.sub (i32.const 100) (i32.rotl (local.get $x) (i32.const 1))))
                          (i64.const 1000)))
        (i64.add (i64.mul (i64.sub (i64.const 1000) (i64.mul (local.get $y) (local.get $y)))
                          (i64.const 1000000))
                 (i64.mul (i64.shl (i64.xor (local.get $y) (i64.const 1)) (i64.const 3))
                          (i64.const 1000000000))))
      (i64.add
        (i64.mul (i64.trunc_f64_s (f64.mul (f64.sub (f64.const 10) (f64.mul (local.get $z) (local.get $z)))
                                          (f64.const 4)))
                 (i64.const 100000000000))
        (i64.mul (i64.extend_i32_u (i32.add (i32.mul (local.get $x) (local.get $x))
                                            (i32.mul (local.get $x) (local.get $x))))
                 (i64.const 10000000000000)))))

  ;; f32 chains round to f32 after each step: (z + 1) - z is 0 for z = 2^24
  ;; (1 in double precision), 1 for z = 3; plus 1000 * trunc(10 - z * 0.5).
  (func (export "chains32") (param $z f32) (result i64)
    (i64.add
      (i64.trunc_f32_s (f32.sub (f32.add (local.get $z) (f32.const 1)) (local.get $z)))
      (i64.mul (i64.trunc_f32_s (f32.sub (f32.const 10) (f32.mul (local.get $z) (f32.const 0.5))))
               (i64.const 1000))))

  ;; a plain load as a binop operand (LM_*_L/_R): the loaded value left and
  ;; right of a subtraction, i32/f64/load8_u; 999 + 4000e4 + 15e8 + 199e10
  ;; for p = 64. lm_oob: the fused form keeps the load's bounds check.
  (func (export "load_ops") (param $p i32) (result i64)
    (i32.store (i32.const 64) (i32.const 1000))
    (f64.store (i32.const 72) (f64.const 2.5))
    (i32.store8 (i32.const 80) (i32.const 200))
    (i64.add
      (i64.add
        (i64.extend_i32_u (i32.sub (i32.load (local.get $p)) (i32.const 1)))
        (i64.mul (i64.extend_i32_u (i32.sub (i32.const 5000) (i32.load (local.get $p))))
                 (i64.const 10000)))
      (i64.add
        (i64.mul (i64.trunc_f64_s (f64.mul (f64.sub (f64.const 10) (f64.load offset=8 (local.get $p)))
                                           (f64.const 2)))
                 (i64.const 100000000))
        (i64.mul (i64.extend_i32_u (i32.sub (i32.load8_u offset=16 (local.get $p)) (i32.const 1)))
                 (i64.const 10000000000)))))
  (func (export "lm_oob") (param i32) (result i32)
    (i32.add (i32.load offset=0xfffffff0 (local.get 0)) (i32.const 1)))

  ;; the same with indexed addresses (LMX_*): p + k wraps at 2^32, so
  ;; (32, 32) and (0xfffffff0, 0x50) both address 64.
  (func (export "load_ops_ix") (param $p i32) (param $k i32) (result i64)
    (i32.store (i32.const 64) (i32.const 1000))
    (f64.store (i32.const 72) (f64.const 2.5))
    (i32.store8 (i32.const 80) (i32.const 200))
    (i64.add
      (i64.add
        (i64.extend_i32_u (i32.sub (i32.load (i32.add (local.get $p) (local.get $k))) (i32.const 1)))
        (i64.mul (i64.extend_i32_u
                   (i32.sub (i32.const 5000) (i32.load (i32.add (local.get $p) (local.get $k)))))
                 (i64.const 10000)))
      (i64.add
        (i64.mul (i64.trunc_f64_s
                   (f64.mul (f64.sub (f64.const 10)
                                     (f64.load offset=8 (i32.add (local.get $p) (local.get $k))))
                            (f64.const 2)))
                 (i64.const 100000000))
        (i64.mul (i64.extend_i32_u
                   (i32.sub (i32.load8_u offset=16 (i32.add (local.get $p) (local.get $k)))
                            (i32.const 1)))
                 (i64.const 10000000000)))))
  (func (export "lmx_oob") (param i32) (result i32)
    (i32.add (i32.load offset=0xfffffff0 (i32.add (local.get 0) (local.get 0))) (i32.const 1)))

  ;; array indexing base + (i << k) (CH_I32_SHL_I32_ADD_L/_R) fused into
  ;; scaled loads and stores (*_SX): both operand orders, the shift count
  ;; taken mod 32, the sum wrapping at 2^32. (1024, 3) and (0xffffff00,
  ;; 0x143) -> 0x1122ab44 + 0x5566778899 + 0xab.
  (func (export "scaled") (param $base i32) (param $i i32) (result i64)
    (i32.store (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))
               (i32.const 0x11223344))
    (i64.store offset=8 (i32.add (i32.shl (local.get $i) (i32.const 3)) (local.get $base))
               (i64.const 0x5566778899))
    (i32.store8 offset=1 (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 34)))
                (i32.const 0xab))
    (i64.add
      (i64.add
        (i64.extend_i32_u (i32.load (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))))
        (i64.load offset=8 (i32.add (i32.shl (local.get $i) (i32.const 3)) (local.get $base))))
      (i64.extend_i32_u
        (i32.load8_u offset=1 (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))))))
  (func (export "sx_oob") (param i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.shl (local.get 0) (i32.const 2)))))

  ;; a binop stored (SM_*): non-commutative i32/f64 values and an i64 xor;
  ;; 42 + 5 * 1000 + 0x100000032 = 4294972388 for (64, 50, 3.0).
  (func (export "op_stores") (param $p i32) (param $x i32) (param $y f64) (result i64)
    (i32.store offset=4 (local.get $p) (i32.sub (local.get $x) (i32.const 8)))
    (f64.store offset=8 (local.get $p) (f64.sub (local.get $y) (f64.const 0.5)))
    (i64.store offset=16 (local.get $p)
      (i64.xor (i64.extend_i32_u (local.get $x)) (i64.const 0x100000000)))
    (i64.add
      (i64.add (i64.extend_i32_u (i32.load offset=4 (local.get $p)))
               (i64.mul (i64.trunc_f64_s (f64.mul (f64.load offset=8 (local.get $p)) (f64.const 2)))
                        (i64.const 1000)))
      (i64.load offset=16 (local.get $p))))
  (func (export "sm_oob") (param i32)
    (i32.store offset=0xfffffff0 (local.get 0) (i32.add (local.get 0) (i32.const 1))))

  ;; a load-operand binop stored (LMS_*, read-modify-write): i32 left and
  ;; right, i64, f64 right, a byte load stored as an i32. p = 64:
  ;; 901 + 0x100000005 + 15e6 + 10e9. rmw_oob traps on the store.
  (func (export "rmw") (param $p i32) (result i64)
    (i32.store (local.get $p) (i32.const 100))
    (i64.store offset=8 (local.get $p) (i64.const 0x100000000))
    (f64.store offset=16 (local.get $p) (f64.const 2.5))
    (i32.store8 offset=24 (local.get $p) (i32.const 7))
    (i32.store (local.get $p) (i32.sub (i32.load (local.get $p)) (i32.const 1)))
    (i32.store (local.get $p) (i32.sub (i32.const 1000) (i32.load (local.get $p))))
    (i64.store offset=8 (local.get $p) (i64.add (i64.load offset=8 (local.get $p)) (i64.const 5)))
    (f64.store offset=16 (local.get $p)
               (f64.sub (f64.const 10) (f64.load offset=16 (local.get $p))))
    (i32.store offset=28 (local.get $p)
               (i32.add (i32.load8_u offset=24 (local.get $p)) (i32.const 3)))
    (i64.add
      (i64.add (i64.extend_i32_u (i32.load (local.get $p))) (i64.load offset=8 (local.get $p)))
      (i64.add (i64.mul (i64.trunc_f64_s (f64.mul (f64.load offset=16 (local.get $p)) (f64.const 2)))
                        (i64.const 1000000))
               (i64.mul (i64.load32_u offset=28 (local.get $p)) (i64.const 1000000000)))))
  (func (export "rmw_oob") (param $p i32)
    (i32.store offset=0xfffffff0 (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1))))

  ;; two adjacent i32.adds paired into ADD2, the second reading the first's
  ;; result: a = 3 + 4, b = a + a, a * b = 98
  (func (export "add_pairs") (param $a i32) (param $b i32) (result i32)
    (local.set $a (i32.add (local.get $a) (local.get $b)))
    (local.set $b (i32.add (local.get $a) (local.get $a)))
    (i32.mul (local.get $a) (local.get $b)))

  ;; an add or sub whose result is copied on (ADD_COPY, SUB_COPY), and a
  ;; copy followed by another copy (COPY2, not paired). (10, 3): a = b =
  ;; 13, c = 9 (9 - 0), e = 9, f = 13 -> 1313090913.
  (func (export "add_copy") (param $a i32) (param $c i32) (result i64)
    (local $b i32) (local $d i32) (local $e i32) (local $f i32)
    (local.set $b (local.tee $a (i32.add (local.get $a) (local.get $c))))
    (local.set $c (i32.mul (local.get $c) (i32.const 3)))
    (local.set $d (local.tee $c (i32.sub (local.get $c) (local.get $c))))
    (local.set $d (i32.add (local.get $d) (i32.const 9)))
    (local.set $e (local.tee $c (i32.sub (local.get $d) (local.get $c))))
    (local.set $f (local.get $a))
    (i64.add
      (i64.add (i64.mul (i64.extend_i32_u (local.get $a)) (i64.const 100000000))
               (i64.mul (i64.extend_i32_u (local.get $b)) (i64.const 1000000)))
      (i64.add (i64.add (i64.mul (i64.extend_i32_u (local.get $c)) (i64.const 10000))
                        (i64.mul (i64.extend_i32_u (local.get $e)) (i64.const 100)))
               (i64.extend_i32_u (local.get $f)))))

  ;; a load stored unchanged (MOVE1/2/4/8, plain and indexed): widths 4, 1
  ;; (sign-extending load, byte store), 8 indexed, 4 via i64.load32_u, and
  ;; an overlapping 2-byte move; the four i64 words at p xor'd. The oob
  ;; forms trap on the source and on the destination.
  (func (export "moves") (param $p i32) (result i64)
    (i64.store (local.get $p) (i64.const 0x1122334455667788))
    (i32.store offset=8 (local.get $p) (i32.load offset=4 (local.get $p)))
    (i32.store8 offset=12 (local.get $p) (i32.load8_s (local.get $p)))
    (i64.store offset=16 (local.get $p) (i64.load (i32.add (local.get $p) (i32.const 0))))
    (i64.store32 offset=24 (local.get $p) (i64.load32_u offset=2 (local.get $p)))
    (i32.store16 offset=1 (local.get $p) (i32.load16_u (local.get $p)))
    (i64.xor (i64.xor (i64.load (local.get $p)) (i64.load offset=8 (local.get $p)))
             (i64.xor (i64.load offset=16 (local.get $p)) (i64.load offset=24 (local.get $p)))))
  (func (export "move_oob_src") (param i32)
    (i32.store (local.get 0) (i32.load offset=0xfffffff0 (local.get 0))))
  (func (export "move_oob_dst") (param i32)
    (i32.store offset=0xfffffff0 (local.get 0) (i32.load (local.get 0))))

  ;; i64.eqz fused into branches (BR_I64_Z/NZ), both senses, on all 64 bits:
  ;; 2^32 → 1, 5 → 1, 0 → 3
  (func (export "eqz64") (param i64) (result i32)
    (block (br_if 0 (i64.eqz (local.get 0))) (return (i32.const 1)))
    (if (result i32) (i64.eqz (i64.sub (local.get 0) (i64.const 0x100000000)))
      (then (i32.const 2))
      (else (i32.const 3))))

  ;; i32.wrap_i64 costs nothing: the i32 reads the low half of the i64's
  ;; slot. A wrapped computed value set to a local, a wrapped local stored,
  ;; a wrapped local still on the stack when the local is overwritten, and
  ;; zero-extension after a wrap. 0x100000005 -> 100 + 12 + 1000 + 10000.
  (func (export "wrap_ops") (param $x i64) (result i32)
    (local $y i64) (local $hi i32) (local $r i32)
    (local.set $y (local.get $x))
    (local.set $hi (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32))))
    (i32.store (i32.const 0) (i32.wrap_i64 (local.get $x)))
    (i32.wrap_i64 (local.get $x))
    (local.set $x (i64.const 7))
    (local.set $r (i32.add (i32.wrap_i64 (local.get $x))))
    (if (i32.eq (i32.load (i32.const 0)) (i32.const 5))
      (then (local.set $r (i32.add (local.get $r) (i32.const 1000)))))
    (if (i64.eq (i64.extend_i32_u (i32.wrap_i64 (local.get $y)))
                (i64.and (local.get $y) (i64.const 0xffffffff)))
      (then (local.set $r (i32.add (local.get $r) (i32.const 10000)))))
    (i32.add (local.get $r) (i32.mul (local.get $hi) (i32.const 100))))
  (func (export "wrap_ret") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))

  ;; x - k for a constant k runs as x + (-k): a branch on the difference
  ;; itself (BR_ADD against zero, both senses), the negation of INT32_MIN,
  ;; an i64 step-and-test loop, a tee'd difference tested.
  ;; (3, 10) -> 4 + 1000 + 80000 + 4000000 + 30000000.
  (func (export "sub_consts") (param $n i32) (param $m i64) (result i64)
    (local $c i64) (local $k i32)
    (local.set $k (i32.const 5))
    (loop $a
      (local.set $c (i64.add (local.get $c) (i64.const 1)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $a (i32.sub (local.get $k) (i32.const 9))))
    (if (i32.sub (local.get $k) (i32.const 9))
      (then (local.set $c (i64.add (local.get $c) (i64.const 100)))))
    (if (i32.sub (local.get $k) (i32.const 8))
      (then (local.set $c (i64.add (local.get $c) (i64.const 1000)))))
    (local.set $c (i64.add (local.get $c)
      (i64.mul (i64.extend_i32_u (i32.shr_u (i32.sub (local.get $n) (i32.const 0x80000000))
                                            (i32.const 28)))
               (i64.const 10000))))
    (loop $b
      (local.set $c (i64.add (local.get $c) (i64.const 1000000)))
      (br_if $b (i64.ge_s (local.tee $m (i64.sub (local.get $m) (i64.const 3))) (i64.const 0))))
    ;; the tested difference tee'd (`while (k -= 1)`): 3 iterations
    (local.set $k (i32.const 3))
    (loop $d
      (local.set $c (i64.add (local.get $c) (i64.const 10000000)))
      (br_if $d (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
    (local.get $c))
  ;; an address computed as p - 4 (indexed load): wraps below zero and traps
  (func (export "sub_addr") (param $p i32) (result i32)
    (i32.store (i32.const 16) (i32.const 77))
    (i32.load (i32.sub (local.get $p) (i32.const 4))))

  ;; a load whose value decides a branch (LB_*): each fused load type,
  ;; br_if and if senses, plain and indexed addresses, the value tee'd.
  ;; Bits 1+4+16+64+128+512, plus the two tee'd values shifted.
  (func (export "load_tests") (param $p i32) (result i32)
    (local $r i32) (local $t i32) (local $u i32)
    (i32.store (local.get $p) (i32.const 0x00008000))
    (i32.store offset=4 (local.get $p) (i32.const 0x100))
    (block (br_if 0 (i32.load8_u (local.get $p)))
           (local.set $r (i32.or (local.get $r) (i32.const 1))))
    (block (br_if 0 (i32.load8_s offset=1 (local.get $p)))
           (local.set $r (i32.or (local.get $r) (i32.const 2))))
    (block (br_if 0 (i32.load16_u offset=2 (local.get $p)))
           (local.set $r (i32.or (local.get $r) (i32.const 4))))
    (block (br_if 0 (i32.load offset=4 (local.get $p)))
           (local.set $r (i32.or (local.get $r) (i32.const 8))))
    (if (i32.load8_u offset=1 (local.get $p))
      (then (local.set $r (i32.or (local.get $r) (i32.const 16)))))
    (if (i32.load16_u offset=2 (local.get $p))
      (then (local.set $r (i32.or (local.get $r) (i32.const 32)))))
    (if (i32.load (i32.add (local.get $p) (i32.const 4)))
      (then (local.set $r (i32.or (local.get $r) (i32.const 64)))))
    (block (br_if 0 (i32.load8_u (i32.add (local.get $p) (i32.const 2))))
           (local.set $r (i32.or (local.get $r) (i32.const 128))))
    ;; the tested value also kept in a local (tee): + 512 + 0x80 << 16 + 0x100 << 12
    (block (br_if 0 (local.tee $t (i32.load8_u offset=1 (local.get $p))))
           (local.set $r (i32.or (local.get $r) (i32.const 256))))
    (if (local.tee $u (i32.load (i32.add (local.get $p) (i32.const 4))))
      (then (local.set $r (i32.or (local.get $r) (i32.const 512)))))
    (i32.add (local.get $r)
             (i32.add (i32.shl (local.get $t) (i32.const 16)) (i32.shl (local.get $u) (i32.const 12)))))
  (func (export "lb_oob") (param i32) (result i32)
    (block (br_if 0 (i32.load8_u offset=0xfffffff0 (local.get 0)))) (i32.const 1))

  ;; a load compared by a branch (LC_*): a scan loop on a tee'd load
  ;; (`while (a[i] < v)`), the loaded value as right operand (mirrored,
  ;; unsigned), a byte load, and the load compared with its own copy.
  ;; a[k] = 10k: v = 35 -> 504040, v = -5 -> 500000.
  (func (export "load_cmp") (param $p i32) (param $v i32) (result i32)
    (local $i i32) (local $t i32) (local $r i32)
    (loop $fill
      (i32.store (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))
                 (i32.mul (local.get $i) (i32.const 10)))
      (br_if $fill (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 10))))
    (local.set $i (i32.const 0))
    (local.set $t (local.get $p))
    (block $out
      (loop $scan
        (br_if $out (i32.ge_s (local.tee $r (i32.load (local.get $t))) (local.get $v)))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (if (i32.gt_u (local.get $v) (i32.load offset=8 (local.get $p)))
      (then (local.set $i (i32.add (local.get $i) (i32.const 100)))))
    (if (i32.ne (i32.load8_u offset=4 (local.get $p)) (i32.const 10))
      (then (local.set $i (i32.add (local.get $i) (i32.const 200)))))
    (if (i32.eq (local.tee $t (i32.load offset=12 (local.get $p))) (local.get $t))
      (then (local.set $i (i32.add (local.get $i) (i32.const 400)))))
    (i32.add (i32.mul (local.get $i) (i32.const 1000)) (local.get $r)))
  (func (export "lc_oob") (param i32) (result i32)
    (block (br_if 0 (i32.lt_u (i32.load offset=0xfffffff0 (local.get 0)) (i32.const 5))))
    (i32.const 1))

  ;; pairs run by one dispatch (SA_*, A_*): a store then a pointer step,
  ;; for each paired store type, plain and indexed; an add then an
  ;; add-compare-branch (two induction variables). p = 512, n = 4:
  ;; s = 4000, q = 546, each store type's last value 3 -> 333334546.
  (func (export "pairs") (param $p i32) (param $n i32) (result i64)
    (local $q i32) (local $i i32) (local $j i64) (local $s i64) (local $f f64)
    (local.set $q (local.get $p))
    (loop $st
      (i32.store (local.get $q) (local.get $i))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (i32.store8 offset=64 (local.get $q) (local.get $i))
      (local.set $q (i32.add (local.get $q) (i32.const 0)))
      (i32.store16 offset=128 (local.get $q) (local.get $i))
      (local.set $q (i32.add (local.get $q) (i32.const 0)))
      (i64.store offset=192 (local.get $q) (i64.extend_i32_u (local.get $i)))
      (local.set $q (i32.add (local.get $q) (i32.const 0)))
      (local.set $f (f64.convert_i32_u (local.get $i)))
      (f64.store offset=256 (i32.add (local.get $q) (local.get $q)) (local.get $f))
      (local.set $q (i32.add (local.get $q) (i32.const 0)))
      (local.set $j (i64.add (local.get $j) (i64.const 1)))
      (local.set $s (i64.add (local.get $s) (i64.const 1000)))
      (br_if $st (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $two
      (local.set $q (i32.add (local.get $q) (i32.const 3)))
      (br_if $two (i64.lt_u (local.tee $j (i64.add (local.get $j) (i64.const 1))) (i64.const 10))))
    ;; s + q, then what iteration 3 stored with each type, weighted
    (i64.add
      (i64.add (i64.add (local.get $s) (i64.extend_i32_u (local.get $q)))
               (i64.add (i64.mul (i64.load32_u offset=12 (local.get $p)) (i64.const 10000))
                        (i64.mul (i64.load8_u offset=80 (local.get $p)) (i64.const 100000))))
      (i64.add (i64.add (i64.mul (i64.load16_u offset=144 (local.get $p)) (i64.const 1000000))
                        (i64.mul (i64.load offset=208 (local.get $p)) (i64.const 10000000)))
               (i64.mul (i64.trunc_f64_u (f64.load offset=800 (local.get $p)))
                        (i64.const 100000000)))))

  ;; float compares fused into branches, both senses, NaN included (every
  ;; ordered compare is false): (0.5, 1) -> 49, (nan, nan) -> 28, (2, -1) -> 42
  (func (export "fbranch") (param $a f32) (param $b f64) (result i32)
    (local $r i32)
    (if (f32.lt (local.get $a) (f32.const 1))
      (then (local.set $r (i32.or (local.get $r) (i32.const 1)))))
    (if (f32.ge (local.get $a) (f32.const 1))
      (then (local.set $r (i32.or (local.get $r) (i32.const 2)))))
    (if (f32.ne (local.get $a) (local.get $a))
      (then (local.set $r (i32.or (local.get $r) (i32.const 4)))))
    (block (br_if 0 (f64.gt (local.get $b) (f64.const 0)))
           (local.set $r (i32.or (local.get $r) (i32.const 8))))
    (block (br_if 0 (f64.le (local.get $b) (f64.const 0)))
           (local.set $r (i32.or (local.get $r) (i32.const 16))))
    (if (f64.eq (local.get $b) (local.get $b))
      (then (local.set $r (i32.or (local.get $r) (i32.const 32)))))
    (local.get $r))

  ;; fill loops run with the pointer and counter in registers (SAL_*):
  ;; byte stores with an i64 counter (the sieve's shape), i32 stores with
  ;; the step on the left, i64 stores with a signed counter; the pointers
  ;; and counters written back. fill_oob traps mid-loop, after the stores
  ;; in bounds; fill_forever only ends by fuel or interruption.
  (func (export "fill") (param $p i32) (param $n i32) (result i64)
    (local $q i32) (local $j i64) (local $lim i64) (local $i i32) (local $k i32) (local $r i64)
    (local.set $q (local.get $p))
    (local.set $lim (i64.extend_i32_u (local.get $n)))
    (loop $a
      (i32.store8 (local.get $q) (i32.const 7))
      (local.set $q (i32.add (local.get $q) (i32.const 3)))
      (br_if $a (i64.le_u (local.tee $j (i64.add (local.get $j) (i64.const 1))) (local.get $lim))))
    (local.set $r (i64.add (i64.extend_i32_u (i32.sub (local.get $q) (local.get $p)))
                           (i64.mul (local.get $j) (i64.const 100))))
    (local.set $r (i64.add (local.get $r)
                           (i64.mul (i64.extend_i32_u (i32.load8_u offset=12 (local.get $p)))
                                    (i64.const 1000))))
    (local.set $q (i32.add (local.get $p) (i32.const 64)))
    (loop $b
      (i32.store (local.get $q) (local.get $n))
      (local.set $q (i32.add (i32.const 4) (local.get $q)))
      (br_if $b (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 6))))
    (local.set $r (i64.add (local.get $r)
                           (i64.mul (i64.extend_i32_u (i32.add (local.get $q) (local.get $i)))
                                    (i64.const 10000))))
    (local.set $r (i64.add (local.get $r)
                           (i64.mul (i64.load32_u offset=84 (local.get $p)) (i64.const 100000000))))
    (local.set $q (i32.add (local.get $p) (i32.const 128)))
    (local.set $k (i32.const -3))
    (loop $c
      (i64.store offset=8 (local.get $q) (local.get $j))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (br_if $c (i32.lt_s (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 0))))
    (i64.add (local.get $r)
             (i64.mul (i64.add (i64.extend_i32_u (i32.add (local.get $q) (local.get $k)))
                               (i64.load offset=152 (local.get $p)))
                      (i64.const 10000000000))))
  (func (export "fill_oob") (param $p i32)
    (local $j i32)
    (loop $a
      (i32.store (local.get $p) (i32.const 0x55))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $a (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 100)))))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "mem_bytes") (result i32) (i32.mul (memory.size) (i32.const 65536)))
  (func (export "fill_forever") (param $p i32)
    (local $j i64)
    (loop $a
      (i32.store8 (local.get $p) (i32.const 1))
      (local.set $p (i32.add (local.get $p) (i32.const 0)))
      (br_if $a (i64.ne (local.tee $j (i64.add (local.get $j) (i64.const 0))) (i64.const 1)))))

  ;; division traps name the function
  (func $divider (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
)
