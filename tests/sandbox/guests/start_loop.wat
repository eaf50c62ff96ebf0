;; start_loop.wat — a WASI-style command (no imports) whose _start never
;; returns, and one export that grows memory until refused; for the limit
;; options of `oxide run`.
(module
  (memory (export "memory") 1)
  (func (export "_start") (loop $forever (br $forever)))
  (func (export "membomb") (result i32)
    (block $full
      (loop $l
        (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $l)))
    (memory.size)))
