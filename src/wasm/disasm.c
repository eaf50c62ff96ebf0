/*
 * disasm.c — the compiled code of a function as text (ox_module_print_code),
 * for whoever debugs the compiler: one line per internal op (code.h), plain
 * ops under their WebAssembly mnemonic, fused ops under their code.h name,
 * with their operands decoded.
 *
 *     12  i32.add             t3 <- l1, k0=0x1
 *     15  BR_ADD_I32_LT_S     l1 <- l1, k0=0x1, l2 ->4
 *
 * Operands: pN a parameter, lN a declared local, kN=V a pooled constant
 * (V its bits), tN an operand-stack slot (N its height), ->C a branch
 * target (a cell index), plain numbers immediates. A pair run by one
 * dispatch (ADD2, SA_*, A_*, ADD_COPY, SAL_*) is shown with the first
 * instruction's operands; the second follows on its own line, since a
 * branch may land on it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "code.h"
#include "runtime.h"

static void print_slot(FILE *out, const struct ox_code *code, uint32_t s)
{
    uint32_t exn = code->nlocals + code->nconsts, stack = exn + code->nexn;
    if (s < code->nparams)
        fprintf(out, "p%" PRIu32, s);
    else if (s < code->nlocals)
        fprintf(out, "l%" PRIu32, s);
    else if (s < exn)
        fprintf(out, "k%" PRIu32 "=0x%" PRIx64, s - code->nlocals,
                code->consts[s - code->nlocals]);
    else if (s < stack)
        fprintf(out, "x%" PRIu32, s - exn);
    else
        fprintf(out, "t%" PRIu32, s - stack);
}

/* The op of the instruction at cell `at`, or OXI_COUNT_. */
static unsigned op_at(const void *const *handlers, const ox_cell *cell)
{
    for (unsigned k = 0; k < OXI_COUNT_; k++)
        if (handlers[k] == cell->op)
            return k;
    return OXI_COUNT_;
}

static uint32_t word(const ox_cell *cells, uint32_t at, uint32_t k)
{
    return cells[at + 1 + k / 2].w[k % 2];
}

ox_error *ox_module_print_code(const ox_module *m, uint32_t funcidx, FILE *out)
{
    if (funcidx >= m->nfuncs)
        return ox_error_new(OX_ERR_NOTFOUND, "no function %" PRIu32 " (the module has %" PRIu32 ")",
                            funcidx, m->nfuncs);
    if (funcidx < m->nimport_funcs)
        return ox_error_new(OX_ERR_NOTFOUND, "function %" PRIu32 " is imported: it has no code",
                            funcidx);
    const struct ox_code *code = m->funcs[funcidx - m->nimport_funcs].code;
    const void *const *handlers = ox_interp_handlers();
    const char *fname = ox_module_func_name(m, funcidx);
    fprintf(out, "func %" PRIu32, funcidx);
    if (fname)
        fprintf(out, " $%s", fname);
    fprintf(out, ": %" PRIu32 " params, %" PRIu32 " locals, %" PRIu32 " constants, frame %" PRIu32
                 " slots, %" PRIu32 " cells\n",
            code->nparams, code->nlocals - code->nparams, code->nconsts, code->frame_size,
            code->ncells);
    const ox_cell *cells = code->cells;
    for (uint32_t at = 0; at < code->ncells;) {
        unsigned op = op_at(handlers, &cells[at]);
        if (op == OXI_COUNT_)
            return ox_error_new(OX_ERR_INVALID, "internal: cell %" PRIu32 " holds no known op", at);
        const char *k = ox_code_op_operands(op);
        uint32_t nw = (uint32_t)strlen(k);
        fprintf(out, nw ? "%6" PRIu32 "  %-23s " : "%6" PRIu32 "  %s", at, ox_code_op_name(op));
        for (uint32_t i = 0; i < nw; i++) {
            uint32_t w = word(cells, at, i);
            if (i > 0)
                fputs(k[i - 1] == 'd' ? " <- " : ", ", out);
            switch (k[i]) {
            case 'd': case 's': case 'b': print_slot(out, code, w); break;
            case 'o': fprintf(out, "->%" PRId64, (int64_t)at + (int32_t)w); break;
            default: fprintf(out, "%" PRIu32, w); break;
            }
        }
        if (op == OXI_BR_TABLE) { /* then n+1 offsets, the last the default */
            uint32_t n = word(cells, at, 1);
            fputs(" [", out);
            for (uint32_t i = 0; i <= n; i++)
                fprintf(out, "%s->%" PRId64, i ? " " : "", (int64_t)at + (int32_t)word(cells, at, 2 + i));
            fputs("]", out);
        }
        fputc('\n', out);
        at += ox_code_insn_cells(&cells[at], op);
    }
    /* where exceptions are caught (code.h ox_handler), inner ones first */
    for (uint32_t i = 0; i < code->nhandlers; i++) {
        const ox_handler *h = &code->handlers[i];
        fprintf(out, "  handler [%" PRIu32 ", %" PRIu32 ") depth %" PRIu32 ": ", h->start, h->end,
                h->depth);
        if (h->tag == OX_DELEGATE) {
            fprintf(out, "delegate to depth %" PRIu32 "\n", h->pad);
            continue;
        }
        if (h->tag == OX_CATCH_ALL)
            fputs("any", out);
        else
            fprintf(out, "tag %" PRIu32, h->tag);
        fprintf(out, " -> %" PRIu32 ", values at ", h->pad);
        print_slot(out, code, h->dst);
        if (h->exn != OX_NO_SLOT) {
            fputs(", exception at ", out);
            print_slot(out, code, h->exn);
        }
        fputc('\n', out);
    }
    return NULL;
}
