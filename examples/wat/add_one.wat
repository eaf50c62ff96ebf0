;; add_one.wat — the smallest tool: (i32) -> i32.
;;   oxide invoke examples/wat/add_one.wat add_one 41    prints 42
(module
  (func (export "add_one") (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.add))
