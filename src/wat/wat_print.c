/*
 * wat_print.c — a module in the text format (ox_module_print_wat, `oxide
 * inspect --wat`).
 *
 * Printed from the decoded module plus the bytes of its code, one field a
 * line, instructions flat and indented by block depth, every index a
 * number, every type use an explicit (type N): read back with
 * ox_wat_to_wasm, a module the text reader made gives the same bytes (the
 * round-trip test checks it on the spec suite). Function names come from
 * the name section; other custom sections are not printed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../wasm/opcodes.h"
#include "../wasm/reader.h"
#include "wat.h"

typedef struct printer {
    const ox_module *m;
    FILE *out;
    const char **names; /* printable function names (NULL: none), nfuncs */
} printer;

static void str(FILE *out, const uint8_t *s, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = s[i];
        if (ch >= 0x20 && ch < 0x7F && ch != '"' && ch != '\\')
            fputc(ch, out);
        else
            fprintf(out, "\\%02x", ch);
    }
    fputc('"', out);
}

/* $name, quoted when it has characters an id cannot. */
static void id(FILE *out, const char *name)
{
    size_t n = strlen(name);
    bool plain = n > 0;
    for (size_t i = 0; i < n && plain; i++)
        plain = wat_is_idchar((unsigned char)name[i]);
    fputc('$', out);
    if (plain)
        fputs(name, out);
    else
        str(out, (const uint8_t *)name, n);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Function names that can be ids: non-empty, valid UTF-8, unique (a name
   given twice is printed for neither function). */
static const char **func_names(const ox_module *m)
{
    if (!m->func_names || !m->nfuncs)
        return NULL;
    const char **names = calloc(m->nfuncs, sizeof *names);
    const char **sorted = calloc(m->nfuncs, sizeof *sorted);
    if (!names || !sorted) {
        free(names);
        free(sorted);
        return NULL;
    }
    size_t n = 0;
    for (uint32_t i = 0; i < m->nfuncs; i++) {
        const char *s = m->func_names[i];
        if (s && *s && ox_utf8_valid((const uint8_t *)s, strlen(s)))
            names[i] = sorted[n++] = s;
    }
    qsort(sorted, n, sizeof *sorted, cmp_names);
    for (uint32_t i = 0; i < m->nfuncs; i++) {
        if (!names[i])
            continue;
        const char **hit = bsearch(&names[i], sorted, n, sizeof *sorted, cmp_names);
        bool dup = (hit > sorted && !strcmp(hit[-1], names[i])) ||
                   (hit + 1 < sorted + n && !strcmp(hit[1], names[i]));
        if (dup)
            names[i] = NULL;
    }
    free(sorted);
    return names;
}

static void vt(FILE *out, ox_valtype t)
{
    char buf[48];
    fprintf(out, " %s", ox_valtype_str(t, buf, sizeof buf));
}

static void valtypes(FILE *out, const char *kw, const ox_valtype *t, uint32_t n)
{
    if (!n)
        return;
    fprintf(out, " (%s", kw);
    for (uint32_t i = 0; i < n; i++)
        vt(out, t[i]);
    fputc(')', out);
}

/* A type definition: (sub final? x? comptype) or the composite type. */
static void deftype(FILE *out, const ox_module *m, uint32_t i)
{
    const ox_deftype *d = &m->deftypes[i];
    if (d->sub_form) {
        fprintf(out, " (sub%s", d->final ? " final" : "");
        if (d->super != UINT32_MAX)
            fprintf(out, " %" PRIu32, d->super);
    }
    if (d->kind == OX_COMP_FUNC) {
        fputs(" (func", out);
        valtypes(out, "param", m->types[i].params, m->types[i].nparams);
        valtypes(out, "result", m->types[i].results, m->types[i].nresults);
    } else {
        fputs(d->kind == OX_COMP_STRUCT ? " (struct" : " (array", out);
        for (uint32_t k = 0; k < d->nfields; k++) {
            const ox_field *f = &d->fields[k];
            if (d->kind == OX_COMP_STRUCT)
                fputs(" (field", out);
            if (f->mutable_)
                fputs(" (mut", out);
            if (f->packed)
                fputs(f->packed == OX_PACKED_I8 ? " i8" : " i16", out);
            else
                vt(out, f->type);
            if (f->mutable_)
                fputc(')', out);
            if (d->kind == OX_COMP_STRUCT)
                fputc(')', out);
        }
    }
    fputc(')', out);
    if (d->sub_form)
        fputc(')', out);
}

static void limits(FILE *out, ox_limits l)
{
    if (l.is64)
        fputs(" i64", out);
    fprintf(out, " %" PRIu64, l.min);
    if (l.has_max)
        fprintf(out, " %" PRIu64, l.max);
}

/* ---- Instructions ----------------------------------------------------------- */

static void float_text(FILE *out, uint64_t bits, bool f32)
{
    unsigned mant = f32 ? 23 : 52;
    uint64_t sign = bits >> (f32 ? 31 : 63) & 1;
    uint64_t exp = bits >> mant & (f32 ? 0xFF : 0x7FF), frac = bits & ((UINT64_C(1) << mant) - 1);
    if (exp == (f32 ? 0xFFu : 0x7FFu)) {
        fprintf(out, "%s", sign ? "-" : "");
        if (frac)
            fprintf(out, "nan:0x%" PRIx64, frac);
        else
            fprintf(out, "inf");
        return;
    }
    double d;
    if (f32) {
        float f;
        uint32_t u = (uint32_t)bits;
        memcpy(&f, &u, 4);
        d = f;
    } else {
        memcpy(&d, &bits, 8);
    }
    fprintf(out, "%a", d); /* exact, and read back exactly */
}

static ox_error *memarg(FILE *out, ox_reader *r, const ox_opinfo *oi)
{
    uint32_t align, mem;
    uint64_t offset;
    TRY(ox_rd_u32(r, &align));
    if (align & 0x40) { /* a memory index follows (multi-memory) */
        align &= ~0x40u;
        TRY(ox_rd_u32(r, &mem));
        fprintf(out, " %" PRIu32, mem);
    }
    TRY(ox_rd_uleb(r, 64, &offset));
    if (offset)
        fprintf(out, " offset=%" PRIu64, offset);
    if (align != oi->align && align < 32)
        fprintf(out, " align=%" PRIu32, (uint32_t)1 << align);
    return NULL;
}

static ox_error *immediates(printer *p, ox_reader *r, const ox_opinfo *oi)
{
    FILE *out = p->out;
    uint32_t a, b;
    int64_t s;
    uint8_t byte;
    const uint8_t *raw = NULL;
    switch ((enum ox_imm)oi->imm) {
    case OX_IMM_NONE:
        return NULL;
    case OX_IMM_MEM: /* memory 0 prints as nothing */
        TRY(ox_rd_u32(r, &a));
        if (a)
            fprintf(out, " %" PRIu32, a);
        return NULL;
    case OX_IMM_MEM_MEM:
        TRY(ox_rd_u32(r, &a));
        TRY(ox_rd_u32(r, &b));
        if (a || b)
            fprintf(out, " %" PRIu32 " %" PRIu32, a, b);
        return NULL;
    case OX_IMM_BLOCK:
    case OX_IMM_TRY_TABLE:
        if (r->pos < r->end && r->base[r->pos] == 0x40) {
            r->pos++;
        } else if (r->pos < r->end && (ox_is_valtype(r->base[r->pos]) ||
                                       r->base[r->pos] == OX_REF_NULL_PREFIX ||
                                       r->base[r->pos] == OX_REF_PREFIX)) {
            ox_valtype t;
            TRY(ox_rd_valtype(r, &t));
            fputs(" (result", out);
            vt(out, t);
            fputc(')', out);
        } else {
            TRY(ox_rd_sleb(r, 33, &s));
            fprintf(out, " (type %" PRId64 ")", s);
        }
        if (oi->imm == OX_IMM_TRY_TABLE) { /* vec(catch clause) */
            static const char *const kinds[] = {"catch", "catch_ref", "catch_all",
                                                "catch_all_ref"};
            TRY(ox_rd_u32(r, &a));
            for (uint32_t i = 0; i < a; i++) {
                TRY(ox_rd_u8(r, &byte));
                if (byte > 3)
                    return ox_error_new(OX_ERR_MALFORMED, "malformed catch clause");
                fprintf(out, " (%s", kinds[byte]);
                if (byte < 2) {
                    TRY(ox_rd_u32(r, &b));
                    fprintf(out, " %" PRIu32, b);
                }
                TRY(ox_rd_u32(r, &b));
                fprintf(out, " %" PRIu32 ")", b);
            }
        }
        return NULL;
    case OX_IMM_TAG:
        TRY(ox_rd_u32(r, &a));
        fprintf(out, " %" PRIu32, a);
        return NULL;
    case OX_IMM_BR_TABLE:
        TRY(ox_rd_u32(r, &a));
        for (uint64_t i = 0; i <= a; i++) {
            TRY(ox_rd_u32(r, &b));
            fprintf(out, " %" PRIu32, b);
        }
        return NULL;
    case OX_IMM_CALL_INDIRECT:
        TRY(ox_rd_u32(r, &a));
        TRY(ox_rd_u32(r, &b));
        fprintf(out, " %" PRIu32 " (type %" PRIu32 ")", b, a);
        return NULL;
    case OX_IMM_SELECT_T:
        TRY(ox_rd_u32(r, &a));
        fprintf(out, " (result");
        for (uint32_t i = 0; i < a; i++) {
            ox_valtype t;
            TRY(ox_rd_valtype(r, &t));
            vt(out, t);
        }
        fputc(')', out);
        return NULL;
    case OX_IMM_MEMARG:
        return memarg(out, r, oi);
    case OX_IMM_I32:
        TRY(ox_rd_sleb(r, 32, &s));
        fprintf(out, " %" PRId64, s);
        return NULL;
    case OX_IMM_I64:
        TRY(ox_rd_sleb(r, 64, &s));
        fprintf(out, " %" PRId64, s);
        return NULL;
    case OX_IMM_F32:
    case OX_IMM_F64: {
        unsigned n = oi->imm == OX_IMM_F32 ? 4 : 8;
        TRY(ox_rd_bytes(r, n, &raw));
        uint64_t bits = 0;
        for (unsigned i = 0; i < n; i++)
            bits |= (uint64_t)raw[i] << (8 * i);
        fputc(' ', out);
        float_text(out, bits, n == 4);
        return NULL;
    }
    case OX_IMM_V128:
        TRY(ox_rd_bytes(r, 16, &raw));
        fprintf(out, " i32x4");
        for (int i = 0; i < 4; i++)
            fprintf(out, " 0x%08" PRIx32, (uint32_t)raw[4 * i] | (uint32_t)raw[4 * i + 1] << 8 |
                                              (uint32_t)raw[4 * i + 2] << 16 |
                                              (uint32_t)raw[4 * i + 3] << 24);
        return NULL;
    case OX_IMM_LANE:
    case OX_IMM_MEMARG_LANE:
        if (oi->imm == OX_IMM_MEMARG_LANE)
            TRY(memarg(out, r, oi));
        TRY(ox_rd_u8(r, &byte));
        fprintf(out, " %u", byte);
        return NULL;
    case OX_IMM_SHUFFLE:
        TRY(ox_rd_bytes(r, 16, &raw));
        for (int i = 0; i < 16; i++)
            fprintf(out, " %u", raw[i]);
        return NULL;
    case OX_IMM_REFTYPE: { /* a heap type: its name, or a type index */
        ox_heaptype h;
        TRY(ox_rd_heaptype(r, &h));
        if (ox_heap_is_concrete(h))
            fprintf(out, " %" PRIu32, ox_ref_typeidx(h));
        else
            fprintf(out, " %s", ox_heap_name(h));
        return NULL;
    }
    case OX_IMM_TYPE:
        TRY(ox_rd_u32(r, &a));
        fprintf(out, " %" PRIu32, a);
        return NULL;
    case OX_IMM_TYPE_FIELD:
    case OX_IMM_TYPE_N:
    case OX_IMM_TYPE_DATA:
    case OX_IMM_TYPE_ELEM:
    case OX_IMM_TYPE_TYPE:
        TRY(ox_rd_u32(r, &a));
        TRY(ox_rd_u32(r, &b));
        fprintf(out, " %" PRIu32 " %" PRIu32, a, b);
        return NULL;
    case OX_IMM_HEAP: { /* ref.test/ref.cast: the nullable forms are the odd opcodes */
        ox_heaptype h;
        char buf[48];
        TRY(ox_rd_heaptype(r, &h));
        fprintf(out, " %s", ox_valtype_str(ox_ref_make(h, oi->code & 1), buf, sizeof buf));
        return NULL;
    }
    case OX_IMM_BR_ON_CAST: {
        ox_heaptype h1, h2;
        char b1[48], b2[48];
        TRY(ox_rd_u8(r, &byte));
        TRY(ox_rd_u32(r, &a));
        TRY(ox_rd_heaptype(r, &h1));
        TRY(ox_rd_heaptype(r, &h2));
        if (byte > 3)
            return ox_error_new(OX_ERR_MALFORMED, "malformed br_on_cast flags");
        fprintf(out, " %" PRIu32 " %s %s", a,
                ox_valtype_str(ox_ref_make(h1, byte & 1), b1, sizeof b1),
                ox_valtype_str(ox_ref_make(h2, byte & 2), b2, sizeof b2));
        return NULL;
    }
    case OX_IMM_DATA_MEM: /* binary: data memory; text: memory? data */
        TRY(ox_rd_u32(r, &a));
        TRY(ox_rd_u32(r, &b));
        if (b)
            fprintf(out, " %" PRIu32, b);
        fprintf(out, " %" PRIu32, a);
        return NULL;
    case OX_IMM_ELEM_TABLE: /* binary: elem table; text: table elem */
        TRY(ox_rd_u32(r, &a));
        TRY(ox_rd_u32(r, &b));
        fprintf(out, " %" PRIu32 " %" PRIu32, b, a);
        return NULL;
    case OX_IMM_TABLE_TABLE:
        TRY(ox_rd_u32(r, &a));
        TRY(ox_rd_u32(r, &b));
        fprintf(out, " %" PRIu32 " %" PRIu32, a, b);
        return NULL;
    default: /* one index: label, func, local, global, table, data, elem */
        TRY(ox_rd_u32(r, &a));
        fprintf(out, " %" PRIu32, a);
        return NULL;
    }
}

/* Instructions from r up to the `end` closing depth 0 (consumed). With
   `lines`, one per line indented from `indent`; else on one line. */
static ox_error *instrs(printer *p, ox_reader *r, int indent, bool lines)
{
    int depth = 0;
    bool first = true;
    for (;;) {
        uint8_t b;
        TRY(ox_rd_u8(r, &b));
        uint32_t code = b;
        uint8_t prefix = 0;
        if (ox_is_prefix(b)) {
            prefix = b;
            TRY(ox_rd_u32(r, &code));
        }
        if (!prefix && b == 0x0B && depth == 0)
            return NULL;
        const ox_opinfo *oi = ox_opinfo_get(prefix, code);
        if (!oi)
            return ox_err_at(OX_ERR_MALFORMED, (int64_t)r->pos, "illegal opcode");
        /* end, else, catch, catch_all and delegate close a block or a part */
        if (!prefix && (b == 0x0B || b == 0x05 || b == 0x07 || b == 0x19 || b == 0x18))
            depth--;
        if (lines)
            fprintf(p->out, "\n%*s", 2 * (indent + depth), "");
        else if (!first)
            fputc(' ', p->out);
        first = false;
        fputs(oi->name, p->out);
        TRY(immediates(p, r, oi));
        /* block, loop, if, else, try, catch, catch_all, try_table open one */
        if (!prefix && (b == 0x02 || b == 0x03 || b == 0x04 || b == 0x05 || b == 0x06 ||
                        b == 0x07 || b == 0x19 || b == 0x1F))
            depth++;
    }
}

/* A constant expression, on one line. */
static ox_error *expr(printer *p, ox_span e)
{
    ox_reader r = ox_reader_make(p->m->bytes, e.off, (size_t)e.off + e.len, OX_EOF_SECTION);
    return instrs(p, &r, 0, false);
}

static ox_error *func(printer *p, uint32_t i)
{
    const ox_module *m = p->m;
    const ox_funcdef *fd = &m->funcs[i - m->nimport_funcs];
    ox_reader r = ox_reader_make(m->bytes, fd->body.off, (size_t)fd->body.off + fd->body.len,
                                 OX_EOF_SECTION);
    uint32_t nruns;
    TRY(ox_rd_u32(&r, &nruns));
    for (uint32_t k = 0; k < nruns; k++) {
        uint32_t n;
        ox_valtype t;
        TRY(ox_rd_u32(&r, &n));
        TRY(ox_rd_valtype(&r, &t));
        if (!k)
            fprintf(p->out, "\n    (local");
        for (uint32_t j = 0; j < n; j++)
            vt(p->out, t);
        if (k + 1 == nruns)
            fputc(')', p->out);
    }
    return instrs(p, &r, 2, true);
}

/* ---- Fields ------------------------------------------------------------------ */

static void func_head(printer *p, uint32_t i)
{
    if (p->names && p->names[i]) {
        fputc(' ', p->out);
        id(p->out, p->names[i]);
    }
    fprintf(p->out, " (;%" PRIu32 ";) (type %" PRIu32 ")", i, p->m->functypes[i]);
}

static void imports(printer *p)
{
    const ox_module *m = p->m;
    uint32_t n[5] = {0};
    for (uint32_t i = 0; i < m->nimports; i++) {
        const ox_import *im = &m->imports[i];
        fprintf(p->out, "  (import ");
        str(p->out, (const uint8_t *)im->module.str, im->module.len);
        fputc(' ', p->out);
        str(p->out, (const uint8_t *)im->name.str, im->name.len);
        uint32_t idx = n[im->kind]++;
        switch (im->kind) {
        case OX_EXTERN_FUNC:
            fprintf(p->out, " (func");
            func_head(p, idx);
            break;
        case OX_EXTERN_TABLE:
            fprintf(p->out, " (table (;%" PRIu32 ";)", idx);
            limits(p->out, im->u.table.limits);
            vt(p->out, im->u.table.elem);
            break;
        case OX_EXTERN_MEMORY:
            fprintf(p->out, " (memory (;%" PRIu32 ";)", idx);
            limits(p->out, im->u.memory);
            break;
        case OX_EXTERN_GLOBAL:
            fprintf(p->out, " (global (;%" PRIu32 ";)%s", idx, im->u.global.mutable_ ? " (mut" : "");
            vt(p->out, im->u.global.type);
            if (im->u.global.mutable_)
                fputc(')', p->out);
            break;
        case OX_EXTERN_TAG:
            fprintf(p->out, " (tag (;%" PRIu32 ";) (type %" PRIu32 ")", idx, im->u.typeidx);
            break;
        }
        fprintf(p->out, "))\n");
    }
}

static ox_error *elems(printer *p)
{
    const ox_module *m = p->m;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const ox_elemseg *es = &m->elems[i];
        fprintf(p->out, "  (elem (;%" PRIu32 ";)", i);
        if (es->mode == OX_SEG_DECLARATIVE)
            fprintf(p->out, " declare");
        if (es->mode == OX_SEG_ACTIVE) {
            fprintf(p->out, " (table %" PRIu32 ") (offset ", es->table);
            TRY(expr(p, es->offset.expr));
            fputc(')', p->out);
        }
        if (!es->exprs) {
            fprintf(p->out, " func");
            for (uint32_t k = 0; k < es->count; k++)
                fprintf(p->out, " %" PRIu32, es->funcidx[k]);
        } else {
            vt(p->out, es->type);
            for (uint32_t k = 0; k < es->count; k++) {
                fprintf(p->out, " (item ");
                TRY(expr(p, es->items[k].expr));
                fputc(')', p->out);
            }
        }
        fprintf(p->out, ")\n");
    }
    return NULL;
}

static ox_error *datas(printer *p)
{
    const ox_module *m = p->m;
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const ox_dataseg *ds = &m->datas[i];
        fprintf(p->out, "  (data (;%" PRIu32 ";)", i);
        if (ds->mode == OX_SEG_ACTIVE) {
            fprintf(p->out, " (memory %" PRIu32 ") (offset ", ds->memory);
            TRY(expr(p, ds->offset.expr));
            fputc(')', p->out);
        }
        fputc(' ', p->out);
        str(p->out, m->bytes + ds->data.off, ds->data.len);
        fprintf(p->out, ")\n");
    }
    return NULL;
}

static ox_error *print(printer *p)
{
    const ox_module *m = p->m;
    FILE *out = p->out;
    fprintf(out, "(module\n");
    for (uint32_t i = 0; i < m->ntypes; i++) {
        const ox_deftype *d = &m->deftypes[i];
        bool rec = d->rec_form;
        for (uint32_t k = 0; i == d->rec && k < d->empty_before; k++)
            fputs("  (rec)\n", out);
        if (rec && i == d->rec)
            fputs("  (rec\n", out);
        fprintf(out, "%s  (type (;%" PRIu32 ";)", rec ? "  " : "", i);
        deftype(out, m, i);
        fprintf(out, ")\n");
        if (rec && i + 1 == d->rec + d->nrec)
            fputs("  )\n", out);
    }
    for (uint32_t k = 0; k < m->empty_recs_end; k++)
        fputs("  (rec)\n", out);
    imports(p);
    for (uint32_t i = m->nimport_funcs; i < m->nfuncs; i++) {
        fprintf(out, "  (func");
        func_head(p, i);
        TRY(func(p, i));
        fprintf(out, ")\n");
    }
    for (uint32_t i = m->nimport_tables; i < m->ntables; i++) {
        fprintf(out, "  (table (;%" PRIu32 ";)", i);
        limits(out, m->tables[i].limits);
        vt(out, m->tables[i].elem);
        if (m->tables[i].has_init) {
            fputc(' ', out);
            TRY(expr(p, m->tables[i].init.expr));
        }
        fprintf(out, ")\n");
    }
    for (uint32_t i = m->nimport_mems; i < m->nmems; i++) {
        fprintf(out, "  (memory (;%" PRIu32 ";)", i);
        limits(out, m->mems[i]);
        fprintf(out, ")\n");
    }
    for (uint32_t i = m->nimport_tags; i < m->ntags; i++)
        fprintf(out, "  (tag (;%" PRIu32 ";) (type %" PRIu32 "))\n", i, m->tagtypes[i]);
    for (uint32_t i = m->nimport_globals; i < m->nglobals; i++) {
        const ox_globaldef *g = &m->globals[i];
        fprintf(out, "  (global (;%" PRIu32 ";)%s", i, g->mutable_ ? " (mut" : "");
        vt(out, g->type);
        fputs(g->mutable_ ? ") " : " ", out);
        TRY(expr(p, g->init.expr));
        fprintf(out, ")\n");
    }
    static const char *kinds[] = {"func", "table", "memory", "global", "tag"};
    for (uint32_t i = 0; i < m->nexports; i++) {
        const ox_export *ex = &m->exports[i];
        fprintf(out, "  (export ");
        str(out, (const uint8_t *)ex->name.str, ex->name.len);
        fprintf(out, " (%s %" PRIu32 "))\n", kinds[ex->kind], ex->index);
    }
    if (m->has_start)
        fprintf(out, "  (start %" PRIu32 ")\n", m->start);
    TRY(elems(p));
    TRY(datas(p));
    fprintf(out, ")\n");
    return NULL;
}

ox_error *ox_module_print_wat(const ox_module *m, FILE *out)
{
    if (!m || !out)
        return ox_error_new(OX_ERR_ARG, "ox_module_print_wat: no module or no stream");
    printer p = {m, out, func_names(m)};
    ox_error *err = print(&p);
    free(p.names);
    if (!err && ferror(out))
        err = ox_error_new(OX_ERR_IO, "writing the text failed");
    return err;
}
