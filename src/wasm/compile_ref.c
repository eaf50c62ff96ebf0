/*
 * compile_ref.c — typed function references in the function compiler:
 * ref.as_non_null, br_on_null, br_on_non_null, call_ref, return_call_ref.
 *
 * A reference's nullability is a property of its type only: the value is
 * the same pointer (null is 0), so narrowing (ref null t) to (ref t) costs
 * a check (REF_AS_NON_NULL, BR_NULL) and no copy, the value staying in
 * whatever slot it lives in. call_ref needs no signature check at run
 * time: the reference's type says the callee's.
 */
#include "compile_stack.h"

/* Pop a reference (or the polymorphic stack's unknown); its non-null
   form in *nonnull ((ref bot) for the unknown). */
static bool pop_ref(cc *c, ox_valtype *t, ox_valtype *nonnull)
{
    if (!pop(c, t))
        return false;
    if (*t == T_UNKNOWN) {
        *nonnull = ox_ref_make(OX_HT_BOT, false);
        return true;
    }
    if (!ox_is_reftype(*t))
        return oxc_invalid(c, "type mismatch");
    *nonnull = ox_ref_make(ox_ref_heap(*t), false);
    return true;
}

/* ref.as_non_null: a check; the value keeps its slot. */
bool oxc_op_ref_as_non_null(cc *c)
{
    ox_valtype t = T_UNKNOWN, nn = T_UNKNOWN;
    if (!pop_ref(c, &t, &nn))
        return false;
    uint32_t at = loc_of(c, c->nvs);
    if (!emitted(c, EMIT(c, OXI_REF_AS_NON_NULL, at)))
        return false;
    return push_at(c, nn, at);
}

/* A conditional branch to frame f on the reference in slot `ref`: taken
   when it is null (BR_NULL) or not (BR_NONNULL), with the label's values
   on top of the stack. As br_if: one instruction when the values are in
   their label's slots already, else a skip around a branch's copies. */
static bool branch_on(cc *c, ctl *f, uint32_t ref, bool on_null)
{
    uint32_t w[2] = {ref, 0};
    enum ox_iop yes = on_null ? OXI_BR_NULL : OXI_BR_NONNULL, no = on_null ? OXI_BR_NONNULL : OXI_BR_NULL;
    return oxc_branch_when(c, f, yes, w, no, w, 2, 1);
}

/* br_on_null l: [t* (ref null ht)] -> [t* (ref ht)], to l with t* when
   null. */
bool oxc_op_br_on_null(cc *c, uint32_t l)
{
    ctl *f;
    ox_valtype t = T_UNKNOWN, nn = T_UNKNOWN;
    if (!oxc_get_label(c, l, &f) || !pop_ref(c, &t, &nn))
        return false;
    if (!live(c)) /* the polymorphic stack: the label's types, typed */
        return oxc_pop_label(c, f) && oxc_push_label(c, f) && push(c, nn);
    uint32_t h = c->nvs, ref = loc_of(c, h);
    if (!oxc_pop_label(c, f))
        return false;
    c->nvs = h; /* the label's values stay where they are */
    oxc_retype_label(c, f);
    if (!branch_on(c, f, ref, true))
        return false;
    return push_at(c, nn, ref);
}

/* br_on_non_null l: [t* (ref null ht)] -> [t*], to l with t* (ref ht) when
   not null; l's last value is that reference. */
bool oxc_op_br_on_non_null(cc *c, uint32_t l)
{
    ctl *f;
    ox_valtype t = T_UNKNOWN, nn = T_UNKNOWN;
    if (!oxc_get_label(c, l, &f) || !pop_ref(c, &t, &nn))
        return false;
    uint32_t n = oxc_label_arity(c, f);
    if (n == 0 || !ox_vt_sub(c->m, nn, oxc_label_type(c, f, n - 1)))
        return oxc_invalid(c, "type mismatch");
    uint32_t h = c->nvs, ref = loc_of(c, h);
    for (uint32_t k = n - 1; k-- > 0;)
        if (!pop_expect(c, oxc_label_type(c, f, k)))
            return false;
    if (!live(c)) {
        for (uint32_t k = 0; k + 1 < n; k++)
            if (!push(c, oxc_label_type(c, f, k)))
                return false;
        return true;
    }
    c->nvs = h;
    if (!push_at(c, nn, ref))
        return false;
    oxc_retype_label(c, f);
    if (!branch_on(c, f, ref, false))
        return false;
    c->nvs--; /* falling through: it was null, and is dropped */
    return true;
}

/* call_ref $t / return_call_ref $t: the callee is the reference on top,
   of type (ref null $t). */
bool oxc_op_call_ref(cc *c, uint32_t x, bool tail)
{
    if (x >= c->m->ntypes)
        return oxc_unknown(c, "type", x);
    if (c->m->deftypes[x].kind != OX_COMP_FUNC)
        return oxc_invalid(c, "type mismatch");
    if (!pop_expect(c, ox_ref_concrete(x, true)))
        return false;
    uint32_t ref = loc_of(c, c->nvs);
    const ox_functype *t = &c->m->types[x];
    return tail ? oxc_tail_call(c, t, OXI_RETURN_CALL_REF, 0, 0, OXC_CALL_REF, ref)
                : oxc_call(c, t, OXI_CALL_REF, 0, 0, OXC_CALL_REF, ref);
}
