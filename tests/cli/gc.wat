;; gc.wat — GC values from the command line: `oxide invoke` prints a
;; struct, an array, an i31 and null, and reads `i31:N` and `null` for an
;; anyref parameter.
(module
  (type $point (struct (field i32) (field i32)))
  (type $bytes (array (mut i8)))
  (func (export "point") (param i32 i32) (result (ref $point))
    (struct.new $point (local.get 0) (local.get 1)))
  (func (export "bytes") (param i32) (result (ref $bytes))
    (array.new_default $bytes (local.get 0)))
  (func (export "echo") (param anyref) (result anyref) (local.get 0))
  (func (export "i31") (param anyref) (result i32)
    (i31.get_s (ref.cast i31ref (local.get 0)))))
