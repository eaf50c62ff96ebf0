/*
 * decode.c — the WebAssembly binary format → struct ox_module.
 *
 * Decodes every section (spec chapter 5, "Binary Format") except function
 * bodies, of which only the span is recorded: the function compiler decodes
 * and validates them. The one thing checked inside bodies here is the local
 * declarations' total ("too many locals"), so that the compiler may rely on
 * the count fitting in a uint32_t.
 *
 * Error texts follow the spec reference interpreter's wording (the strings
 * the testsuite's assert_malformed commands expect), sometimes followed by
 * detail in parentheses, and carry the byte offset of the offence.
 *
 * Two things the decoder reports that are not "malformed": constant
 * expressions are decoded here (constexpr.c) and an instruction that is
 * legal but not constant is OX_ERR_INVALID "constant expression required"
 * at once; and max_module_bytes overruns are OX_ERR_LIMIT.
 *
 * Memory: nothing is allocated from a declared count before the count is
 * checked against the bytes that remain (every vector entry takes at least
 * one byte), so the memory spent is proportional to the input size; on top
 * of that engine->cfg.max_module_bytes, when nonzero, caps the total.
 */
#include <stdlib.h>
#include <string.h>

#include "constexpr.h"

/* Section ids (5.5.2). */
enum {
    SEC_CUSTOM = 0, SEC_TYPE, SEC_IMPORT, SEC_FUNCTION, SEC_TABLE, SEC_MEMORY, SEC_GLOBAL,
    SEC_EXPORT, SEC_START, SEC_ELEMENT, SEC_CODE, SEC_DATA, SEC_DATACOUNT, SEC_TAG, SEC_COUNT
};

/* Where each section id may appear: custom sections anywhere, the others in
   this order at most once (5.5.2); the data count section sits between the
   element and code sections, the tag section (exception handling, 3.0)
   between the memory and global sections. */
static int section_rank(uint8_t id)
{
    static const int rank[SEC_COUNT] = {
        [SEC_TYPE] = 1, [SEC_IMPORT] = 2, [SEC_FUNCTION] = 3, [SEC_TABLE] = 4,
        [SEC_MEMORY] = 5, [SEC_TAG] = 6, [SEC_GLOBAL] = 7, [SEC_EXPORT] = 8, [SEC_START] = 9,
        [SEC_ELEMENT] = 10, [SEC_DATACOUNT] = 11, [SEC_CODE] = 12, [SEC_DATA] = 13,
    };
    return rank[id];
}

typedef struct dec {
    ox_module *m;
    ox_reader r;        /* the section being decoded */
    uint64_t budget;    /* bytes we may still allocate; UINT64_MAX = unlimited */
    /* Definitions (not imports) until finish() merges them. */
    uint32_t ndef_funcs, ndef_tables, ndef_mems, ndef_globals, ndef_tags;
    uint32_t *def_functypes;
    uint32_t *def_tags;
    ox_tabledef *def_tables;
    ox_limits *def_mems;
    ox_globaldef *def_globals;
    bool has_funcsec, has_codesec;
    uint32_t ncodes;
    size_t sec_end;     /* end of the section being decoded */
    bool has_names;
    ox_span names;      /* payload of the "name" custom section, parsed last */
} dec;

static ox_error *malformed(size_t at, const char *msg)
{
    return ox_err_at(OX_ERR_MALFORMED, (int64_t)at, "%s", msg);
}

/* calloc(n, size) charged to the decoding budget. */
static ox_error *dalloc(dec *d, size_t n, size_t size, void *out)
{
    void **p = out;
    *p = NULL;
    if (n == 0)
        return NULL;
    if (size && n > SIZE_MAX / size)
        return ox_err_at(OX_ERR_LIMIT, (int64_t)d->r.pos, "module too large to decode");
    size_t bytes = n * size;
    if (bytes > d->budget)
        return ox_err_at(OX_ERR_LIMIT, (int64_t)d->r.pos,
                         "decoding the module needs more memory than max_module_bytes allows");
    if (d->budget != UINT64_MAX)
        d->budget -= bytes;
    *p = calloc(n, size);
    if (!*p)
        return ox_err_at(OX_ERR_NOMEM, (int64_t)d->r.pos, "out of memory decoding the module");
    return NULL;
}

/* A vector length: every entry takes at least `minsize` bytes, so a count
   the remaining bytes cannot hold fails now, before anything is allocated.
   Callers pass 1 even where entries are longer, so that a short section
   fails at the same byte, with the same message, as reading it would
   (e.g. "malformed import kind" rather than "unexpected end"); memory
   stays linear in the input either way. */
static ox_error *read_count(dec *d, size_t minsize, uint32_t *n)
{
    TRY(ox_rd_u32(&d->r, n));
    if ((uint64_t)*n * minsize > ox_rd_left(&d->r))
        return ox_rd_eof(&d->r);
    return NULL;
}

static ox_error *read_u32(dec *d, uint32_t *v) { return ox_rd_u32(&d->r, v); }

/* A name (5.2.4): length, UTF-8 bytes; copied NUL-terminated. */
static ox_error *read_name(dec *d, ox_name *out)
{
    uint32_t len;
    TRY(read_u32(d, &len));
    if (len > ox_rd_left(&d->r))
        return malformed(d->r.pos, "length out of bounds");
    const uint8_t *s = d->r.base + d->r.pos;
    if (!ox_utf8_valid(s, len))
        return malformed(d->r.pos, "malformed UTF-8 encoding");
    TRY(dalloc(d, (size_t)len + 1, 1, &out->str));
    memcpy(out->str, s, len);
    out->len = len;
    d->r.pos += len;
    return NULL;
}

static ox_error *type_byte(dec *d, uint8_t *b) { return ox_rd_typebyte(&d->r, b); }

static ox_error *read_valtype(dec *d, ox_valtype *t) { return ox_rd_valtype(&d->r, t); }

static ox_error *read_reftype(dec *d, ox_valtype *t) { return ox_rd_reftype(&d->r, t); }

/* limits (5.3.7): a flags byte (bit 0: a maximum follows; bit 2: 64-bit
   addresses, memory64/table64, whose bounds are u64), the minimum and
   maximum. Any other bit, or the flags written as a longer LEB128, is
   malformed in 3.0; bit 1 would be a shared memory (threads, beyond 3.0). */
static ox_error *read_limits(dec *d, ox_limits *l, bool memory)
{
    size_t at = d->r.pos;
    uint8_t flags;
    TRY(ox_rd_u8(&d->r, &flags));
    if (memory && flags < 8 && (flags & 2))
        return malformed(at, "malformed limits flags (a shared memory: the threads proposal "
                             "is not supported)");
    if (flags & ~5u)
        return malformed(at, "malformed limits flags");
    l->has_max = flags & 1;
    l->is64 = flags & 4;
    l->max = 0;
    unsigned bits = l->is64 ? 64 : 32;
    TRY(ox_rd_uleb(&d->r, bits, &l->min));
    if (l->has_max)
        TRY(ox_rd_uleb(&d->r, bits, &l->max));
    return NULL;
}

static ox_error *read_globaltype(dec *d, ox_valtype *t, bool *mutable_)
{
    TRY(read_valtype(d, t));
    uint8_t mut;
    TRY(ox_rd_u8(&d->r, &mut));
    if (mut > 1)
        return malformed(d->r.pos - 1, "malformed mutability");
    *mutable_ = mut == 1;
    return NULL;
}

/* ---- Sections ---------------------------------------------------------- */

/* The most types a module may define (as the JS API and wasmtime allow);
   also what keeps every index encodable in a value type (wasm.h). */
#define MAX_TYPES 1000000u

/* A field type: a storage type (a value type, or i8/i16 packed) and its
   mutability. */
static ox_error *read_field(dec *d, ox_field *f)
{
    uint8_t b = d->r.pos < d->r.end ? d->r.base[d->r.pos] : 0;
    f->packed = 0;
    if (b == OX_PACKED_I8 || b == OX_PACKED_I16) {
        d->r.pos++;
        f->packed = b;
        f->type = OX_I32;
    } else {
        TRY(read_valtype(d, &f->type));
    }
    uint8_t mut;
    TRY(ox_rd_u8(&d->r, &mut));
    if (mut > 1)
        return malformed(d->r.pos - 1, "malformed mutability");
    f->mutable_ = mut == 1;
    return NULL;
}

/* One subtype (GC): 0x50 (open) or 0x4F (final) with its supertypes,
   or a bare composite type (final, no supertype); then func (0x60),
   struct (0x5F) or array (0x5E). Value types go to typestore, fields to
   fieldstore, both bounded by the section's size. */
static ox_error *read_subtype(dec *d, uint32_t i, size_t *used, size_t cap, size_t *fused,
                              size_t fcap)
{
    ox_module *m = d->m;
    ox_deftype *dt = &m->deftypes[i];
    ox_functype *ft = &m->types[i];
    uint8_t form;
    TRY(type_byte(d, &form));
    dt->final = true;
    dt->super = UINT32_MAX;
    if (form == 0x50 || form == 0x4F) {
        uint32_t n;
        dt->final = form == 0x4F;
        dt->sub_form = true;
        TRY(read_count(d, 1, &n));
        for (uint32_t k = 0; k < n; k++) /* more than one: OX_MANY_SUPERS, invalid */
            TRY(read_u32(d, &dt->super));
        if (n > 1)
            dt->super = OX_MANY_SUPERS;
        TRY(type_byte(d, &form));
    }
    switch (form) {
    case 0x60:
        dt->kind = OX_COMP_FUNC;
        for (int pass = 0; pass < 2; pass++) {
            uint32_t n;
            TRY(read_count(d, 1, &n));
            if (n > cap - *used)
                return malformed(d->r.pos, "section size mismatch (type section too short)");
            ox_valtype *vt = m->typestore + *used;
            for (uint32_t k = 0; k < n; k++)
                TRY(read_valtype(d, &vt[k]));
            *used += n;
            if (pass == 0)
                ft->nparams = n, ft->params = vt;
            else
                ft->nresults = n, ft->results = vt;
        }
        return NULL;
    case 0x5F:
    case 0x5E: {
        uint32_t n = 1;
        dt->kind = form == 0x5F ? OX_COMP_STRUCT : OX_COMP_ARRAY;
        if (form == 0x5F)
            TRY(read_count(d, 2, &n));
        if (n > fcap - *fused)
            return malformed(d->r.pos, "section size mismatch (type section too short)");
        dt->fields = m->fieldstore + *fused;
        dt->nfields = n;
        for (uint32_t k = 0; k < n; k++)
            TRY(read_field(d, &dt->fields[k]));
        *fused += n;
        return NULL;
    }
    default:
        return malformed(d->r.pos - 1, "malformed composite type");
    }
}

/* vec(rectype): each a recursive group (0x4E vec(subtype)) or one
   subtype alone. The section's count is of groups; the types are counted
   as they come, at most one per two bytes of the section. */
static ox_error *sec_type(dec *d)
{
    ox_module *m = d->m;
    uint32_t ngroups;
    TRY(read_count(d, 1, &ngroups));
    /* Each value type, field and type takes at least a byte of this section
       (a type two): its size bounds the stores. (Reading may run past the
       section's end, which is then a size mismatch; the checks keep that
       from overrunning the stores.) */
    size_t cap = d->r.pos < d->sec_end ? d->sec_end - d->r.pos : 0;
    size_t tcap = cap / 2 + 1;
    if (tcap > MAX_TYPES)
        tcap = MAX_TYPES;
    TRY(dalloc(d, tcap, sizeof *m->types, &m->types));
    TRY(dalloc(d, tcap, sizeof *m->deftypes, &m->deftypes));
    TRY(dalloc(d, cap + 1, sizeof *m->typestore, &m->typestore)); /* never NULL */
    TRY(dalloc(d, cap / 2 + 1, sizeof *m->fieldstore, &m->fieldstore));
    size_t used = 0, fused = 0;
    uint32_t n = 0, empty = 0;
    for (uint32_t g = 0; g < ngroups; g++) {
        uint32_t size = 1;
        bool rec = d->r.pos < d->r.end && d->r.base[d->r.pos] == 0x4E;
        if (rec) {
            d->r.pos++;
            TRY(read_count(d, 1, &size));
        }
        if (size > tcap - n)
            return n + size > MAX_TYPES
                       ? ox_err_at(OX_ERR_LIMIT, (int64_t)d->r.pos,
                                   "more than %u types", MAX_TYPES)
                       : malformed(d->r.pos, "section size mismatch (type section too short)");
        if (!size) { /* kept for the printer only */
            empty++;
            continue;
        }
        m->deftypes[n].empty_before = empty;
        empty = 0;
        for (uint32_t k = 0; k < size; k++) {
            m->deftypes[n + k].rec = n;
            m->deftypes[n + k].nrec = size;
            m->deftypes[n + k].rec_form = rec;
            TRY(read_subtype(d, n + k, &used, cap, &fused, cap / 2 + 1));
        }
        n += size;
        m->ntypes = n;
    }
    m->empty_recs_end = empty;
    return NULL;
}

/* A tag type (exception handling): attribute 0x00 (an exception), then
   the index of its function type. */
static ox_error *read_tagtype(dec *d, uint32_t *typeidx)
{
    uint8_t attr;
    TRY(ox_rd_u8(&d->r, &attr));
    if (attr != 0)
        return malformed(d->r.pos - 1, "malformed tag attribute");
    return read_u32(d, typeidx);
}

static ox_error *sec_import(dec *d)
{
    ox_module *m = d->m;
    TRY(read_count(d, 1, &m->nimports));
    TRY(dalloc(d, m->nimports, sizeof *m->imports, &m->imports));
    for (uint32_t i = 0; i < m->nimports; i++) {
        ox_import *im = &m->imports[i];
        TRY(read_name(d, &im->module));
        TRY(read_name(d, &im->name));
        uint8_t kind;
        TRY(ox_rd_u8(&d->r, &kind));
        switch (kind) {
        case OX_EXTERN_FUNC:
            TRY(read_u32(d, &im->u.typeidx));
            m->nimport_funcs++;
            break;
        case OX_EXTERN_TABLE:
            TRY(read_reftype(d, &im->u.table.elem));
            TRY(read_limits(d, &im->u.table.limits, false));
            m->nimport_tables++;
            break;
        case OX_EXTERN_MEMORY:
            TRY(read_limits(d, &im->u.memory, true));
            m->nimport_mems++;
            break;
        case OX_EXTERN_GLOBAL:
            TRY(read_globaltype(d, &im->u.global.type, &im->u.global.mutable_));
            m->nimport_globals++;
            break;
        case OX_EXTERN_TAG:
            TRY(read_tagtype(d, &im->u.typeidx));
            m->nimport_tags++;
            break;
        default:
            return malformed(d->r.pos - 1, "malformed import kind");
        }
        im->kind = (ox_extern_kind)kind;
    }
    return NULL;
}

static ox_error *sec_function(dec *d)
{
    d->has_funcsec = true;
    TRY(read_count(d, 1, &d->ndef_funcs));
    TRY(dalloc(d, d->ndef_funcs, sizeof *d->def_functypes, &d->def_functypes));
    for (uint32_t i = 0; i < d->ndef_funcs; i++)
        TRY(read_u32(d, &d->def_functypes[i]));
    return NULL;
}

static ox_error *sec_table(dec *d)
{
    TRY(read_count(d, 1, &d->ndef_tables));
    TRY(dalloc(d, d->ndef_tables, sizeof *d->def_tables, &d->def_tables));
    for (uint32_t i = 0; i < d->ndef_tables; i++) {
        ox_tabledef *t = &d->def_tables[i];
        /* 3.0: 0x40 0x00 before a table whose elements start as the value
           of an expression that follows it */
        bool init = d->r.pos < d->r.end && d->r.base[d->r.pos] == 0x40;
        if (init) {
            uint8_t zero;
            d->r.pos++;
            TRY(ox_rd_u8(&d->r, &zero));
            if (zero != 0)
                return malformed(d->r.pos - 1, "malformed table");
        }
        TRY(read_reftype(d, &t->elem));
        TRY(read_limits(d, &t->limits, false));
        t->has_init = init;
        if (init)
            TRY(ox_constexpr_read(&d->r, &t->init));
    }
    return NULL;
}

static ox_error *sec_memory(dec *d)
{
    TRY(read_count(d, 1, &d->ndef_mems));
    TRY(dalloc(d, d->ndef_mems, sizeof *d->def_mems, &d->def_mems));
    for (uint32_t i = 0; i < d->ndef_mems; i++)
        TRY(read_limits(d, &d->def_mems[i], true));
    return NULL;
}

static ox_error *sec_tag(dec *d)
{
    TRY(read_count(d, 1, &d->ndef_tags));
    TRY(dalloc(d, d->ndef_tags, sizeof *d->def_tags, &d->def_tags));
    for (uint32_t i = 0; i < d->ndef_tags; i++)
        TRY(read_tagtype(d, &d->def_tags[i]));
    return NULL;
}

static ox_error *sec_global(dec *d)
{
    TRY(read_count(d, 1, &d->ndef_globals));
    TRY(dalloc(d, d->ndef_globals, sizeof *d->def_globals, &d->def_globals));
    for (uint32_t i = 0; i < d->ndef_globals; i++) {
        ox_globaldef *g = &d->def_globals[i];
        TRY(read_globaltype(d, &g->type, &g->mutable_));
        TRY(ox_constexpr_read(&d->r, &g->init));
    }
    return NULL;
}

static ox_error *sec_export(dec *d)
{
    ox_module *m = d->m;
    TRY(read_count(d, 1, &m->nexports));
    TRY(dalloc(d, m->nexports, sizeof *m->exports, &m->exports));
    for (uint32_t i = 0; i < m->nexports; i++) {
        ox_export *ex = &m->exports[i];
        TRY(read_name(d, &ex->name));
        uint8_t kind;
        TRY(ox_rd_u8(&d->r, &kind));
        if (kind > OX_EXTERN_TAG)
            return malformed(d->r.pos - 1, "malformed export kind");
        ex->kind = (ox_extern_kind)kind;
        TRY(read_u32(d, &ex->index));
    }
    return NULL;
}

static ox_error *sec_start(dec *d)
{
    d->m->has_start = true;
    return read_u32(d, &d->m->start);
}

/* The element kind of the legacy encodings: only 0x00, funcref (5.5.12). */
static ox_error *read_elemkind(dec *d)
{
    uint8_t k;
    TRY(ox_rd_u8(&d->r, &k));
    if (k != 0x00)
        return malformed(d->r.pos - 1, "malformed element kind");
    return NULL;
}

/* One element segment; flags 0-7 (5.5.12): bit 0 passive/declarative, bit 1
   explicit table index (active) or declarative (otherwise), bit 2
   expressions instead of function indices. */
static ox_error *read_elemseg(dec *d, ox_elemseg *s)
{
    size_t at = d->r.pos;
    uint32_t flags;
    TRY(read_u32(d, &flags));
    if (flags > 7)
        return malformed(at, "malformed elements segment kind");
    bool passive_or_decl = flags & 1, bit1 = flags & 2, exprs = flags & 4;
    /* function indices are (ref func) (3.0), expressions funcref unless
       the segment says */
    s->type = exprs ? OX_FUNCREF : OX_FUNCREF | OX_REF_NONNULL;
    s->table = 0;
    if (!passive_or_decl) {
        s->mode = OX_SEG_ACTIVE;
        if (bit1)
            TRY(read_u32(d, &s->table));
        TRY(ox_constexpr_read(&d->r, &s->offset));
    } else {
        s->mode = bit1 ? OX_SEG_DECLARATIVE : OX_SEG_PASSIVE;
    }
    /* Flags 0 and 4 imply funcref; the others spell the type out. */
    if (flags != 0 && flags != 4) {
        if (exprs)
            TRY(read_reftype(d, &s->type));
        else
            TRY(read_elemkind(d));
    }
    TRY(read_count(d, 1, &s->count));
    s->exprs = exprs;
    if (exprs) {
        TRY(dalloc(d, s->count, sizeof *s->items, &s->items));
        for (uint32_t i = 0; i < s->count; i++)
            TRY(ox_constexpr_read(&d->r, &s->items[i]));
    } else {
        TRY(dalloc(d, s->count, sizeof *s->funcidx, &s->funcidx));
        for (uint32_t i = 0; i < s->count; i++)
            TRY(read_u32(d, &s->funcidx[i]));
    }
    return NULL;
}

static ox_error *sec_element(dec *d)
{
    ox_module *m = d->m;
    TRY(read_count(d, 1, &m->nelems));
    TRY(dalloc(d, m->nelems, sizeof *m->elems, &m->elems));
    for (uint32_t i = 0; i < m->nelems; i++)
        TRY(read_elemseg(d, &m->elems[i]));
    return NULL;
}

static ox_error *sec_datacount(dec *d)
{
    d->m->has_datacount = true;
    return read_u32(d, &d->m->datacount);
}

/* A code entry (5.5.13): size, then the locals and the expression. The
   locals are checked here ("too many locals": their total must fit in 32
   bits, and the types must be value types); the expression is the
   compiler's. */
static ox_error *read_code(dec *d, ox_funcdef *f)
{
    uint32_t size;
    TRY(read_u32(d, &size));
    if (size > ox_rd_left(&d->r))
        return malformed(d->r.pos, "length out of bounds");
    f->body.off = (uint32_t)d->r.pos;
    f->body.len = size;
    ox_reader outer = d->r;
    d->r.end = d->r.pos + size;
    uint32_t ngroups;
    TRY(read_count(d, 1, &ngroups));
    uint64_t total = 0;
    for (uint32_t i = 0; i < ngroups; i++) {
        size_t at = d->r.pos;
        uint32_t n;
        ox_valtype t;
        TRY(read_u32(d, &n));
        total += n;
        if (total > UINT32_MAX)
            return malformed(at, "too many locals");
        TRY(read_valtype(d, &t));
    }
    d->r = outer;
    d->r.pos = f->body.off + (size_t)size;
    return NULL;
}

static ox_error *sec_code(dec *d)
{
    d->has_codesec = true;
    size_t at = d->r.pos;
    TRY(read_count(d, 1, &d->ncodes));
    if (d->ncodes != d->ndef_funcs)
        return ox_err_at(OX_ERR_MALFORMED, (int64_t)at,
                         "function and code section have inconsistent lengths (%u functions, "
                         "%u bodies)", d->ndef_funcs, d->ncodes);
    TRY(dalloc(d, d->ncodes, sizeof *d->m->funcs, &d->m->funcs));
    for (uint32_t i = 0; i < d->ncodes; i++) {
        d->m->funcs[i].typeidx = d->def_functypes[i];
        TRY(read_code(d, &d->m->funcs[i]));
    }
    return NULL;
}

static ox_error *read_dataseg(dec *d, ox_dataseg *s)
{
    size_t at = d->r.pos;
    uint32_t flags;
    TRY(read_u32(d, &flags));
    if (flags > 2)
        return malformed(at, "malformed data segment kind");
    s->memory = 0;
    s->mode = flags == 1 ? OX_SEG_PASSIVE : OX_SEG_ACTIVE;
    if (flags == 2)
        TRY(read_u32(d, &s->memory));
    if (flags != 1)
        TRY(ox_constexpr_read(&d->r, &s->offset));
    uint32_t len;
    TRY(read_u32(d, &len));
    if (len > ox_rd_left(&d->r))
        return ox_rd_eof(&d->r);
    s->data.off = (uint32_t)d->r.pos;
    s->data.len = len;
    d->r.pos += len;
    return NULL;
}

static ox_error *sec_data(dec *d)
{
    ox_module *m = d->m;
    size_t at = d->r.pos;
    TRY(read_count(d, 1, &m->ndatas));
    if (m->has_datacount && m->datacount != m->ndatas)
        return ox_err_at(OX_ERR_MALFORMED, (int64_t)at,
                         "data count and data section have inconsistent lengths (%u, %u)",
                         m->datacount, m->ndatas);
    TRY(dalloc(d, m->ndatas, sizeof *m->datas, &m->datas));
    for (uint32_t i = 0; i < m->ndatas; i++)
        TRY(read_dataseg(d, &m->datas[i]));
    return NULL;
}

/* A custom section: its name must decode; its contents are skipped, except
   that the payload of "name" is kept for parse_names(). */
static ox_error *sec_custom(dec *d)
{
    uint32_t len;
    TRY(read_u32(d, &len));
    if (len > ox_rd_left(&d->r))
        return malformed(d->r.pos, "length out of bounds");
    const uint8_t *s = d->r.base + d->r.pos;
    if (!ox_utf8_valid(s, len))
        return malformed(d->r.pos, "malformed UTF-8 encoding");
    d->r.pos += len;
    if (d->r.pos > d->sec_end) /* the reference reads a negative-length payload */
        return ox_err_at(OX_ERR_MALFORMED, (int64_t)d->sec_end, "%s (custom section name)",
                         OX_EOF_SECTION);
    if (len == 4 && !memcmp(s, "name", 4) && !d->has_names) {
        d->has_names = true;
        d->names.off = (uint32_t)d->r.pos;
        d->names.len = (uint32_t)(d->sec_end - d->r.pos);
    }
    d->r.pos = d->sec_end;
    return NULL;
}

static void free_func_names(ox_module *m, uint32_t n)
{
    if (!m->func_names)
        return;
    for (uint32_t i = 0; i < n; i++)
        free(m->func_names[i]);
    free(m->func_names);
    m->func_names = NULL;
}

/* The function names subsection (id 1) of the name section (appendix
   7.4.1). Errors here are swallowed by the caller: a bad name section
   must not reject the module. */
static ox_error *parse_func_names(dec *d)
{
    ox_module *m = d->m;
    d->r = ox_reader_make(m->bytes, d->names.off, (size_t)d->names.off + d->names.len,
                          OX_EOF_SECTION);
    while (ox_rd_left(&d->r) > 0) {
        uint8_t id;
        uint32_t size;
        TRY(ox_rd_u8(&d->r, &id));
        TRY(read_u32(d, &size));
        if (size > ox_rd_left(&d->r))
            return malformed(d->r.pos, "length out of bounds");
        size_t next = d->r.pos + size;
        if (id == 1 && m->nfuncs > 0 && !m->func_names) {
            size_t end = d->r.end;
            d->r.end = next;
            uint32_t n;
            TRY(read_count(d, 1, &n));
            TRY(dalloc(d, m->nfuncs, sizeof *m->func_names, &m->func_names));
            for (uint32_t i = 0; i < n; i++) {
                uint32_t idx;
                ox_name name;
                TRY(read_u32(d, &idx));
                TRY(read_name(d, &name));
                if (idx >= m->nfuncs || m->func_names[idx]) {
                    free(name.str);
                    return malformed(d->r.pos, "bad function index in the name section");
                }
                m->func_names[idx] = name.str;
            }
            d->r.end = end;
        }
        d->r.pos = next;
    }
    return NULL;
}

/* Merges imports and definitions into the module's index spaces and checks
   the cross-section counts. */
static ox_error *finish(dec *d)
{
    ox_module *m = d->m;
    size_t at = m->nbytes;
    if (d->ndef_funcs != 0 && !d->has_codesec)
        return ox_err_at(OX_ERR_MALFORMED, (int64_t)at,
                         "function and code section have inconsistent lengths (%u functions, "
                         "no code section)", d->ndef_funcs);
    if (m->has_datacount && m->datacount != m->ndatas)
        return ox_err_at(OX_ERR_MALFORMED, (int64_t)at,
                         "data count and data section have inconsistent lengths (%u, %u)",
                         m->datacount, m->ndatas);
    /* Each count is below the file size, so the sums cannot overflow 32 bits
       for any file we could have read; check anyway. */
    uint64_t nf = (uint64_t)m->nimport_funcs + d->ndef_funcs;
    uint64_t nt = (uint64_t)m->nimport_tables + d->ndef_tables;
    uint64_t nm = (uint64_t)m->nimport_mems + d->ndef_mems;
    uint64_t ng = (uint64_t)m->nimport_globals + d->ndef_globals;
    uint64_t ntg = (uint64_t)m->nimport_tags + d->ndef_tags;
    if (nf > UINT32_MAX || nt > UINT32_MAX || nm > UINT32_MAX || ng > UINT32_MAX ||
        ntg > UINT32_MAX)
        return malformed(at, "too many definitions");
    m->ntags = (uint32_t)ntg;
    TRY(dalloc(d, m->ntags, sizeof *m->tagtypes, &m->tagtypes));
    m->nfuncs = (uint32_t)nf;
    m->ntables = (uint32_t)nt;
    m->nmems = (uint32_t)nm;
    m->nglobals = (uint32_t)ng;
    TRY(dalloc(d, m->nfuncs, sizeof *m->functypes, &m->functypes));
    TRY(dalloc(d, m->ntables, sizeof *m->tables, &m->tables));
    TRY(dalloc(d, m->nmems, sizeof *m->mems, &m->mems));
    TRY(dalloc(d, m->nglobals, sizeof *m->globals, &m->globals));
    TRY(dalloc(d, m->nfuncs, sizeof *m->func_declared, &m->func_declared));
    uint32_t fi = 0, ti = 0, mi = 0, gi = 0, tgi = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const ox_import *im = &m->imports[i];
        switch (im->kind) {
        case OX_EXTERN_FUNC: m->functypes[fi++] = im->u.typeidx; break;
        case OX_EXTERN_TABLE:
            m->tables[ti].elem = im->u.table.elem;
            m->tables[ti++].limits = im->u.table.limits;
            break;
        case OX_EXTERN_MEMORY: m->mems[mi++] = im->u.memory; break;
        case OX_EXTERN_GLOBAL:
            m->globals[gi].type = im->u.global.type;
            m->globals[gi++].mutable_ = im->u.global.mutable_;
            break;
        case OX_EXTERN_TAG: m->tagtypes[tgi++] = im->u.typeidx; break;
        }
    }
    if (d->ndef_funcs)
        memcpy(m->functypes + fi, d->def_functypes, d->ndef_funcs * sizeof *m->functypes);
    if (d->ndef_tables)
        memcpy(m->tables + ti, d->def_tables, d->ndef_tables * sizeof *m->tables);
    if (d->ndef_mems)
        memcpy(m->mems + mi, d->def_mems, d->ndef_mems * sizeof *m->mems);
    if (d->ndef_globals)
        memcpy(m->globals + gi, d->def_globals, d->ndef_globals * sizeof *m->globals);
    if (d->ndef_tags)
        memcpy(m->tagtypes + tgi, d->def_tags, d->ndef_tags * sizeof *m->tagtypes);
    if (d->has_names) {
        ox_error *err = parse_func_names(d);
        if (err) {
            /* A malformed name section is ignored (appendix 7.4). */
            ox_error_free(err);
            free_func_names(m, m->nfuncs);
        }
    }
    return NULL;
}

static ox_error *decode_module(dec *d)
{
    ox_module *m = d->m;
    d->r = ox_reader_make(m->bytes, 0, m->nbytes, OX_EOF_FILE);
    const uint8_t *p;
    if (m->nbytes < 4)
        return malformed(m->nbytes, OX_EOF_FILE);
    TRY(ox_rd_bytes(&d->r, 4, &p));
    if (memcmp(p, "\0asm", 4))
        return malformed(0, "magic header not detected");
    TRY(ox_rd_bytes(&d->r, 4, &p));
    if (memcmp(p, "\1\0\0\0", 4))
        return malformed(4, "unknown binary version");
    int last_rank = 0;
    while (d->r.pos < m->nbytes) {
        size_t at = d->r.pos;
        uint8_t id;
        uint32_t size;
        TRY(ox_rd_u8(&d->r, &id));
        if (id >= SEC_COUNT)
            return ox_err_at(OX_ERR_MALFORMED, (int64_t)at, "malformed section id %u", id);
        TRY(ox_rd_u32(&d->r, &size));
        if (size > ox_rd_left(&d->r))
            return malformed(d->r.pos, "length out of bounds");
        if (id != SEC_CUSTOM) {
            int rank = section_rank(id);
            if (rank <= last_rank)
                return ox_err_at(OX_ERR_MALFORMED, (int64_t)at,
                                 "unexpected content after last section (section %u is a "
                                 "duplicate or out of order)", id);
            last_rank = rank;
        }
        ox_reader top = d->r;
        size_t end = d->r.pos + size;
        /* Like the reference interpreter, read up to the end of the file,
           not of the section, and compare with the section's end after:
           a count or LEB128 that runs over the end then fails as itself
           ("integer representation too long", "length out of bounds")
           where the testsuite expects, and the overrun as "section size
           mismatch". */
        d->r = ox_reader_make(m->bytes, d->r.pos, m->nbytes, OX_EOF_SECTION);
        d->sec_end = end;
        switch (id) {
        case SEC_CUSTOM: TRY(sec_custom(d)); break;
        case SEC_TYPE: TRY(sec_type(d)); break;
        case SEC_IMPORT: TRY(sec_import(d)); break;
        case SEC_FUNCTION: TRY(sec_function(d)); break;
        case SEC_TABLE: TRY(sec_table(d)); break;
        case SEC_MEMORY: TRY(sec_memory(d)); break;
        case SEC_GLOBAL: TRY(sec_global(d)); break;
        case SEC_EXPORT: TRY(sec_export(d)); break;
        case SEC_START: TRY(sec_start(d)); break;
        case SEC_ELEMENT: TRY(sec_element(d)); break;
        case SEC_CODE: TRY(sec_code(d)); break;
        case SEC_DATA: TRY(sec_data(d)); break;
        case SEC_DATACOUNT: TRY(sec_datacount(d)); break;
        case SEC_TAG: TRY(sec_tag(d)); break;
        }
        if (d->r.pos != end)
            return ox_err_at(OX_ERR_MALFORMED, (int64_t)d->r.pos,
                             "section size mismatch (section %u ends at byte 0x%zx, its "
                             "contents at 0x%zx)", id, end, d->r.pos);
        d->r = top;
        d->r.pos = end;
    }
    return finish(d);
}

ox_error *ox_decode(ox_engine *e, uint8_t *bytes, size_t len, ox_module **out)
{
    *out = NULL;
    if (len > UINT32_MAX) {
        /* Spans are 32-bit offsets; no valid module comes close. */
        free(bytes);
        return ox_err_at(OX_ERR_LIMIT, -1, "module of %zu bytes is too large", len);
    }
    ox_module *m = calloc(1, sizeof *m);
    if (!m) {
        free(bytes);
        return ox_error_new(OX_ERR_NOMEM, "out of memory decoding the module");
    }
    m->engine = e;
    m->bytes = bytes;
    m->nbytes = len;
    dec d;
    memset(&d, 0, sizeof d);
    d.m = m;
    d.budget = (e && e->cfg.max_module_bytes) ? e->cfg.max_module_bytes : UINT64_MAX;
    ox_error *err = decode_module(&d);
    free(d.def_functypes);
    free(d.def_tables);
    free(d.def_mems);
    free(d.def_globals);
    free(d.def_tags);
    if (err) {
        /* funcs[] beyond the bodies read are zeroed, so destroy is safe. */
        ox_module_destroy(m);
        return err;
    }
    *out = m; /* refcount stays 0: ox_module_new() sets it */
    return NULL;
}

static void free_name(ox_name *n) { free(n->str); }

void ox_module_destroy(ox_module *m)
{
    if (!m)
        return;
    /* Reference counting is the caller's (api.c, instance.c): by the time
       this runs the last reference is gone, or there never was one. */
    free(m->bytes);
    free(m->types);
    free(m->deftypes);
    free(m->typestore);
    free(m->fieldstore);
    for (uint32_t i = 0; i < m->nimports && m->imports; i++) {
        free_name(&m->imports[i].module);
        free_name(&m->imports[i].name);
    }
    free(m->imports);
    free(m->functypes);
    free(m->funcs);
    free(m->tables);
    free(m->mems);
    free(m->globals);
    free(m->tagtypes);
    for (uint32_t i = 0; i < m->nexports && m->exports; i++)
        free_name(&m->exports[i].name);
    free(m->exports);
    for (uint32_t i = 0; i < m->nelems && m->elems; i++) {
        free(m->elems[i].items);
        free(m->elems[i].funcidx);
    }
    free(m->elems);
    free(m->datas);
    free(m->func_declared);
    free_func_names(m, m->nfuncs);
    free(m);
}
