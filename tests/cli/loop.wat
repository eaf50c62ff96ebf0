;; A counted loop for `oxide inspect --code`: the decrement, the compare and
;; the branch fuse into one BR_ADD.
(module
  (func $unused)
  (func $count (export "count") (param $n i32) (result i32)
    (loop $l
      (br_if $l (i32.ne (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
    (local.get $n)))
