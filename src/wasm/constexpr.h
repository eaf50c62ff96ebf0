/*
 * constexpr.h — constant expressions: decode, validate, evaluate
 * (internal; constexpr.c).
 */
#ifndef OX_CONSTEXPR_H
#define OX_CONSTEXPR_H

#include "opcodes.h"
#include "reader.h"
#include "runtime.h"

/* Decode one expression at the reader, up to and including its `end`:
   OX_ERR_MALFORMED for bad encodings, OX_ERR_INVALID "constant expression
   required" at the first instruction that is not constant. */
ox_error *ox_constexpr_read(ox_reader *r, ox_constexpr *ce);
/* Validate it in the context of module validation as producing one
   `want`; global.get may read the immutable globals below `nglobals`
   (3.0: a global's initializer those before it, other expressions any);
   marks ref.func targets as declared. */
ox_error *ox_constexpr_check(ox_module *m, const ox_constexpr *ce, uint32_t nglobals, ox_valtype want);
/* An expression's instructions one by one, from its bytes (valid
   encodings: ox_constexpr_read has read them once), each with its
   immediate (array.new_fixed: the type, the count in the high half). */
typedef struct ox_cwalk {
    ox_reader r;
    size_t end;
} ox_cwalk;
ox_cwalk ox_cwalk_of(const ox_module *m, const ox_constexpr *ce);
bool ox_cwalk_next(ox_cwalk *w, const ox_opinfo **oi, uint64_t *imm, uint32_t *at);
/* The instructions of GC that may appear, which the longer form reads. */
bool ox_constexpr_is_gc(uint16_t op);

/* constexpr_eval.c: its value in a (being instantiated) instance; the
   expression is valid. _into writes any value's cells (a v128 takes
   both), the other returns a scalar's or reference's one. An allocation
   that fails (the GC heap's limit) sets inst->eval_trap. */
void ox_constexpr_eval_into(ox_instance *inst, const ox_constexpr *ce, ox_slot out[2]);
ox_slot ox_constexpr_eval(ox_instance *inst, const ox_constexpr *ce);

#endif
