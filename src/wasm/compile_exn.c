/*
 * compile_exn.c — exception handling in the function compiler: try_table,
 * throw, throw_ref, and the legacy try/catch/catch_all/delegate/rethrow
 * that C++ toolchains still emit.
 *
 * Nothing here costs the normal path a cycle. Each place that catches
 * gets handler records (code.h ox_handler): the cells it covers, the tag,
 * where the values go and where execution goes on. The interpreter reads
 * them only when something is thrown (interp.c do_throw, exn.c).
 *
 * try_table: one landing pad per clause, after the block, each a `br` to
 * the clause's label. Legacy try: the catch bodies are the pads, each
 * clause a record over the try's body. A legacy catch keeps its exception
 * for `rethrow` in a slot of its own between the pool and the stack (one
 * per try nesting level, compile_pool.c counts them), written only when a
 * rethrow names the clause. `delegate l` is a record that sends the
 * search on to the frames at and outside label l.
 */
#include <string.h>

#include "compile_stack.h"

static bool check_tag(cc *c, uint32_t x)
{
    return x < c->m->ntags || oxc_unknown(c, "tag", x);
}

static const ox_functype *tag_type(cc *c, uint32_t x)
{
    return &c->m->types[c->m->tagtypes[x]];
}

static bool add_handler(cc *c, ox_handler h)
{
    if (!oxc_grow(c, (void **)&c->handlers, &c->caphandlers, c->nhandlers + 1,
                  sizeof(ox_handler)))
        return false;
    c->handlers[c->nhandlers++] = h;
    return true;
}

/* ---- try_table ------------------------------------------------------------ */

/* The values a catch clause hands its label: the tag's params for catch
   and catch_ref, then an exnref for the _ref kinds. */
static uint32_t catch_arity(cc *c, const oxc_catch *k)
{
    uint32_t n = k->kind < 2 ? tag_type(c, k->tag)->nparams : 0;
    return n + (k->kind & 1);
}
static ox_valtype catch_type(cc *c, const oxc_catch *k, uint32_t i)
{
    const ox_functype *t = k->kind < 2 ? tag_type(c, k->tag) : NULL;
    return t && i < t->nparams ? t->params[i] : OX_EXNREF | OX_REF_NONNULL; /* (ref exn) */
}

/* At the end of a try_table with catch clauses (its results checked): the
   normal path jumps over one landing pad per clause. The interpreter
   writes a caught exception's values into the stack slots from the
   try_table's height on (dead by then) and enters the pad, which branches
   to the clause's label as a `br` with those values would (copies, a
   return, a loop's back-edge). The handler covers the body's cells. */
static bool emit_catch_pads(cc *c, ctl *f)
{
    uint32_t end = c->ncode, nvs = c->nvs;
    bool unreachable = f->unreachable;
    if (live(c) && !oxc_target(c, f, EMIT(c, OXI_BR, 0), 0))
        return false;
    f->unreachable = false;
    for (uint32_t i = 0; i < f->ncatch; i++) {
        const oxc_catch *k = &c->catches[f->catch_first + i];
        c->nvs = f->height;
        oxf_label(c);
        uint32_t pad = c->ncode, dst = slot_of(c, f->height);
        uint32_t n = catch_arity(c, k);
        for (uint32_t j = 0; j < n; j++)
            if (!push(c, catch_type(c, k, j)))
                return false;
        uint32_t exn = k->kind & 1 ? c->own[c->nvs - 1] : OX_NO_SLOT;
        if (!add_handler(c, (ox_handler){f->try_start, end, k->kind < 2 ? k->tag : OX_CATCH_ALL,
                                         pad, dst, exn, k->kind & 1, c->ncs - 1}))
            return false;
        if (!oxc_emit_branch(c, &c->cs[k->frame]))
            return false;
    }
    c->nvs = nvs;
    f->unreachable = unreachable;
    c->ncatches = f->catch_first; /* the clauses of the try_tables inside are gone too */
    return true;
}

/* try_table blocktype vec(catch) instr* end: a block whose clauses name
   labels outside it, checked against what each clause passes. */
bool oxc_op_try_table(cc *c)
{
    ctl bt;
    memset(&bt, 0, sizeof bt);
    uint32_t n;
    if (!oxc_read_blocktype(c, &bt) || !oxc_rd_u32(c, &n))
        return false;
    uint32_t first = c->ncatches;
    for (uint32_t i = 0; i < n; i++) {
        oxc_catch k = {0, 0, 0};
        uint32_t l;
        if (!oxc_rd_byte(c, &k.kind))
            return false;
        if (k.kind > 3)
            return oxc_malformed(c, "malformed catch clause");
        if (k.kind < 2 && (!oxc_rd_u32(c, &k.tag) || !check_tag(c, k.tag)))
            return false;
        if (!oxc_rd_u32(c, &l))
            return false;
        if (l >= c->ncs)
            return oxc_unknown(c, "label", l);
        k.frame = c->ncs - 1 - l;
        const ctl *g = &c->cs[k.frame];
        uint32_t arity = catch_arity(c, &k);
        bool ok = oxc_label_arity(c, g) == arity;
        for (uint32_t j = 0; ok && j < arity; j++)
            ok = ox_vt_sub(c->m, catch_type(c, &k, j), oxc_label_type(c, g, j));
        if (!ok)
            return oxc_invalid(c, "type mismatch");
        if (!oxc_grow(c, (void **)&c->catches, &c->capcatches, c->ncatches + 1, sizeof k))
            return false;
        c->catches[c->ncatches++] = k;
    }
    if (!oxc_enter_block(c, CTL_BLOCK, bt))
        return false;
    ctl *f = top_ctl(c);
    f->catch_first = first;
    f->ncatch = n;
    oxf_label(c); /* nothing fuses into the body from before it */
    f->try_start = c->ncode;
    return true;
}

/* ---- throw, throw_ref ----------------------------------------------------- */

/* throw x: the tag's values go where a call's args would. */
bool oxc_op_throw(cc *c, uint32_t x)
{
    if (!check_tag(c, x))
        return false;
    const ox_functype *t = tag_type(c, x);
    for (uint32_t k = t->nparams; k-- > 0;)
        if (!pop_expect(c, t->params[k]))
            return false;
    uint32_t base = slot_of(c, c->nvs);
    for (uint32_t k = 0; live(c) && k < t->nparams; k++)
        if (!oxc_materialize(c, c->nvs + k))
            return false;
    if (!emitted(c, EMIT(c, OXI_THROW, x, base)) || !oxc_stackmap(c, c->nvs + t->nparams))
        return false; /* a collection may run at a throw: its values are roots */
    oxc_set_unreachable(c);
    return true;
}

bool oxc_op_throw_ref(cc *c)
{
    if (!pop_expect(c, OX_EXNREF) || !emitted(c, EMIT(c, OXI_THROW_REF, loc_of(c, c->nvs))) ||
        !oxc_stackmap(c, c->nvs + 1))
        return false;
    oxc_set_unreachable(c);
    return true;
}

/* ---- legacy try ----------------------------------------------------------- */

/* try blocktype: a block whose body the catch clauses after it cover. */
bool oxc_op_try(cc *c)
{
    ctl bt;
    memset(&bt, 0, sizeof bt);
    if (!oxc_read_blocktype(c, &bt) || !oxc_enter_block(c, CTL_TRY, bt))
        return false;
    ctl *f = top_ctl(c);
    /* The scan counted the nesting; it reads the same bytes, so this holds
       for any body that got this far. */
    if (c->ntry >= c->nexn)
        return oxc_fail(c, OX_ERR_UNSUPPORTED, "legacy try nesting miscounted (an engine bug)");
    f->exn_slot = c->exn_base + c->ntry++;
    f->handler = OX_NO_SLOT;
    oxf_label(c);
    f->try_start = c->ncode;
    return true;
}

/* catch x / catch_all: the clause before it ends like an if's then-arm
   (its results checked, a jump to the end); the new clause's body starts
   with the tag's values on the frame's empty stack, where the handler
   record has the interpreter write them. */
bool oxc_op_catch(cc *c, uint32_t tag)
{
    ctl *f = top_ctl(c);
    if (f->kind != CTL_TRY && f->kind != CTL_CATCH)
        return oxc_malformed(c, "END opcode expected");
    if (tag != OX_CATCH_ALL && !check_tag(c, tag))
        return false;
    if (!oxc_materialize_frame(c) || !oxc_check_results(c, f))
        return false;
    if (live(c) && !oxc_target(c, f, EMIT(c, OXI_BR, 0), 0))
        return false;
    if (f->kind == CTL_TRY)
        f->do_end = c->ncode;
    oxf_label(c);
    f->kind = tag == OX_CATCH_ALL ? CTL_CATCH_ALL : CTL_CATCH;
    f->unreachable = false;
    oxc_reset_inits(c, f);
    f->handler = OX_NO_SLOT;
    if (!f->dead) {
        f->handler = c->nhandlers;
        if (!add_handler(c, (ox_handler){f->try_start, f->do_end, tag, c->ncode,
                                         slot_of(c, f->height), f->exn_slot, 0, c->ncs - 1}))
            return false;
    }
    if (tag == OX_CATCH_ALL)
        return true;
    const ox_functype *t = tag_type(c, tag);
    for (uint32_t k = 0; k < t->nparams; k++)
        if (!push(c, t->params[k]))
            return false;
    return true;
}

/* delegate l: the try ends, and what its body throws is searched for as
   if thrown inside the frame l names (counted from outside the try): by
   that frame's own handlers and those around it. */
bool oxc_op_delegate(cc *c, uint32_t l)
{
    ctl *f = top_ctl(c);
    if (f->kind != CTL_TRY)
        return oxc_malformed(c, "END opcode expected");
    if (l >= c->ncs - 1)
        return oxc_unknown(c, "label", l);
    if (!f->dead && !add_handler(c, (ox_handler){f->try_start, c->ncode, OX_DELEGATE,
                                                 c->ncs - 2 - l, 0, OX_NO_SLOT, 0, c->ncs - 1}))
        return false;
    return true;
}

/* rethrow l: throw again the exception the catch clause l names caught.
   The clause's handler record is told to keep it. */
bool oxc_op_rethrow(cc *c, uint32_t l)
{
    ctl *f;
    if (!oxc_get_label(c, l, &f))
        return false;
    if (f->kind != CTL_CATCH && f->kind != CTL_CATCH_ALL)
        return oxc_invalid(c, "invalid rethrow label");
    if (live(c)) {
        c->handlers[f->handler].keep = 1;
        if (!emitted(c, EMIT(c, OXI_RETHROW, f->exn_slot)) || !oxc_stackmap(c, c->nvs))
            return false;
    }
    oxc_set_unreachable(c);
    return true;
}

/* The end of frame f (its results checked): a try_table's landing pads,
   a legacy try's nesting level freed. */
bool oxc_exn_end(cc *c, ctl *f)
{
    if (f->kind == CTL_TRY || f->kind == CTL_CATCH || f->kind == CTL_CATCH_ALL)
        c->ntry--;
    return !f->ncatch || f->dead || emit_catch_pads(c, f);
}
