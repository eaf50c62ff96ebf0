;; two_memories.wat — a JSON-ABI guest with two memories (multi-memory,
;; WebAssembly 3.0): memory 0 is a scratch memory, the one exported as
;; "memory" (memory 1) is where the ABI's buffers live. oxide_invoke
;; answers {"ok":N}, N read from memory 0, so both memories are used.
(module
  (memory $scratch 1)
  (memory $abi (export "memory") 1)
  (data (memory $abi) (i32.const 16) "{\"ok\":7}")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
    ;; memory 0 holds '7' at 0; copy it into the answer in memory 1
    (i32.store8 $scratch (i32.const 0) (i32.const 0x37))
    (i32.store8 $abi (i32.const 22) (i32.load8_u $scratch (i32.const 0)))
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 8))))
