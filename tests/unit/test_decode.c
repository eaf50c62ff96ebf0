/*
 * test_decode.c — ox_decode and ox_validate_module on hand-built binaries
 * (each malformed or invalid case names the error it must produce) and on
 * modules wat2wasm built from tests/unit/wat/ (every decoded field).
 *
 * usage: test_decode ALL_SECTIONS.wasm
 */
#include "test.h"
#include "wasmfile.h"

/* The 8-byte preamble. */
#define H "0061736d 01000000 "
/* type 0: [] -> [] ; one function of it ; its code: empty body */
#define T0 "010401600000 "
#define F0 "03020100 "
#define C0 "0a040102000b "

typedef struct {
    const char *hex;
    ox_errcode code; /* OX_OK: must decode and validate */
    const char *msg; /* must occur in the error message */
} binary_case;

static const binary_case cases[] = {
    /* preamble */
    {"", OX_ERR_MALFORMED, "unexpected end"},
    {"0061736d", OX_ERR_MALFORMED, "unexpected end"},
    {"0061736d0100", OX_ERR_MALFORMED, "unexpected end"},
    {"0061736e01000000", OX_ERR_MALFORMED, "magic header not detected"},
    {"0061736d02000000", OX_ERR_MALFORMED, "unknown binary version"},
    {H, OX_OK, NULL},
    /* section framing */
    {H "0e0100", OX_ERR_MALFORMED, "malformed section id"},
    {H "01", OX_ERR_MALFORMED, "unexpected end"},
    {H "010702600000", OX_ERR_MALFORMED, "length out of bounds"},
    {H "0affffffff0f", OX_ERR_MALFORMED, "length out of bounds"},
    {H "010701600000600000", OX_ERR_MALFORMED, "section size mismatch"},
    /* contents running past the section's end */
    {H "01030160027f7f00", OX_ERR_MALFORMED, "section size mismatch"},
    {H "01030160037f7f7f00", OX_ERR_MALFORMED, "section size mismatch"},
    {H "0101 ff", OX_ERR_MALFORMED, "unexpected end"},
    {H T0 T0, OX_ERR_MALFORMED, "unexpected content after last section"},
    {H F0 T0, OX_ERR_MALFORMED, "unexpected content after last section"},
    {H "0c0100 0c0100", OX_ERR_MALFORMED, "unexpected content after last section"},
    /* custom sections may go anywhere, twice */
    {H "000100" T0 "000100" F0 "0003016100" C0, OX_OK, NULL},
    /* counts far beyond the bytes present fail at once */
    {H "0105ffffffff0f", OX_ERR_MALFORMED, "unexpected end"},
    {H "0205ffffffff0f", OX_ERR_MALFORMED, "unexpected end"},
    {H "0305ffffffff0f", OX_ERR_MALFORMED, "unexpected end"},
    {H "0b05ffffffff0f", OX_ERR_MALFORMED, "unexpected end"},
    {H "0905ffffffff0f", OX_ERR_MALFORMED, "unexpected end"},
    {H T0 "0a05ffffffff0f", OX_ERR_MALFORMED, "unexpected end"},
    /* LEB128 */
    {H "05080100828080808000", OX_ERR_MALFORMED, "integer representation too long"},
    {H "050701008280808070", OX_ERR_MALFORMED, "integer too large"},
    {H "060b017f00418080808080000b", OX_ERR_MALFORMED, "integer representation too long"},
    {H "060a017f004180808080700b", OX_ERR_MALFORMED, "integer too large"},
    {H "060a017f0041ffffffff070b", OX_OK, NULL}, /* INT32_MAX */
    {H "060a017f004180808080780b", OX_OK, NULL}, /* INT32_MIN */
    {H "060f017e0042ffffffffffffffffff010b", OX_ERR_MALFORMED, "integer too large"},
    {H "060f017e0042ffffffffffffffffff7f0b", OX_OK, NULL}, /* -1 in 10 bytes */
    /* limits flags: one byte since 3.0 (bit 1, a shared memory, is threads) */
    {H "0503010200", OX_ERR_MALFORMED, "malformed limits flags"},
    {H "05050181000000", OX_ERR_MALFORMED, "malformed limits flags"},
    {H "0502010800", OX_ERR_MALFORMED, "malformed limits flags"},
    {H "0403017008", OX_ERR_MALFORMED, "malformed limits flags"},
    /* 64-bit memories and tables: u64 limits, a memory of at most 2^48 pages */
    {H "050401050102", OX_OK, NULL},
    {H "0509010481808080808040", OX_ERR_INVALID, "memory size must be at most 2^48 pages"},
    {H "040e01700500ffffffffffffffffff01", OX_OK, NULL},
    {H "010501e07f0000", OX_ERR_MALFORMED, "integer representation too long"},
    /* types and kinds */
    {H "010401610000", OX_ERR_MALFORMED, "malformed composite type"},
    {H "0105016001400000", OX_ERR_MALFORMED, "malformed value type"},
    {H "0404017f0000", OX_ERR_MALFORMED, "malformed reference type"},
    {H "0606017f0241000b", OX_ERR_MALFORMED, "malformed mutability"},
    {H "020401000005", OX_ERR_MALFORMED, "malformed import kind"}, /* 4 is a tag (3.0) */
    {H "020501000080 00", OX_ERR_MALFORMED, "malformed import kind"},
    {H "070401000500", OX_ERR_MALFORMED, "malformed export kind"},
    {H "070401000400", OX_ERR_INVALID, "unknown tag 0"},
    {H "09020108", OX_ERR_MALFORMED, "malformed elements segment kind"},
    {H "0904010101 00", OX_ERR_MALFORMED, "malformed element kind"},
    {H "0b020103", OX_ERR_MALFORMED, "malformed data segment kind"},
    /* names */
    {H "000201ff", OX_ERR_MALFORMED, "malformed UTF-8 encoding"},
    {H "000302c080", OX_ERR_MALFORMED, "malformed UTF-8 encoding"},      /* overlong */
    {H "000403eda080", OX_ERR_MALFORMED, "malformed UTF-8 encoding"},    /* surrogate */
    {H "000504f4908080", OX_ERR_MALFORMED, "malformed UTF-8 encoding"},  /* > U+10FFFF */
    {H "000504f48fbfbf", OX_OK, NULL},                                    /* U+10FFFF */
    {H "00050ae282ac", OX_ERR_MALFORMED, "length out of bounds"},
    {H "07040105 6100", OX_ERR_MALFORMED, "length out of bounds"},
    /* code */
    {H T0 F0 "0a0c010a02ffffffff0f7f027e0b", OX_ERR_MALFORMED, "too many locals"},
    {H T0 F0 "0a0c010a0280808080087f027e0b", OX_OK, NULL}, /* 2^31 + 2 locals: fits */
    {H T0 F0 "0a060104 0101400b", OX_ERR_MALFORMED, "malformed value type"},
    {H T0 F0 "0a04010500 0b", OX_ERR_MALFORMED, "length out of bounds"},
    {H T0 "0303020000", OX_ERR_MALFORMED, "function and code section have inconsistent lengths"},
    {H "0a040102000b", OX_ERR_MALFORMED, "function and code section have inconsistent lengths"},
    {H T0 F0 "0a070202000b02000b", OX_ERR_MALFORMED, "inconsistent lengths"},
    /* data count */
    {H "0c01030b050201000100", OX_ERR_MALFORMED, "data count and data section have inconsistent lengths"},
    {H "0c0101", OX_ERR_MALFORMED, "data count and data section have inconsistent lengths"},
    {H "0c01020b050201000100", OX_OK, NULL},
    /* constant expressions */
    {H T0 F0 "0404017000000503010000 090701057001f3000b" C0, OX_ERR_MALFORMED, "illegal opcode"},
    {H T0 F0 "0404017000000503010000 090701057f01d2000b" C0, OX_ERR_MALFORMED,
     "malformed reference type"},
    {H "0605017f00010b", OX_ERR_INVALID, "constant expression required"},
    /* extended constant expressions (3.0): add, sub, mul; not div */
    {H "0609017f0041004100 6a0b", OX_OK, NULL},
    {H "0609017f0041014101 6d0b", OX_ERR_INVALID, "constant expression required"},
    {H "0607017f0041006a0b", OX_ERR_INVALID, "type mismatch"}, /* add of one operand */
    {H "0604017f0041", OX_ERR_MALFORMED, "unexpected end"},
    /* a v128 global, and one whose initialiser is not a v128 */
    {H "0616017b00fd0c000102030405060708090a0b0c0d0e0f0b", OX_OK, NULL},
    {H "0606017b0041000b", OX_ERR_INVALID, "type mismatch"},
    /* element segments in the two forms wat2wasm does not emit for
       all_sections.wat: flags 2 (table index, funcidx) and 5 (passive, exprs) */
    {H T0 F0 "040401700001 090f02020041000b0001000570 01d2000b" C0, OX_OK, NULL},

    /* ---- validation ---------------------------------------------------- */
    {H T0 "03020101" C0, OX_ERR_INVALID, "unknown type"},
    {H "020501000000 01", OX_ERR_INVALID, "unknown type"},
    {H "05050200000000", OX_OK, NULL}, /* two memories (multi-memory, 3.0) */
    {H "05050100818004", OX_ERR_INVALID, "memory size must be at most 65536 pages (4GiB)"},
    {H "05050100808004", OX_OK, NULL}, /* exactly 65536 pages */
    {H "050401010201", OX_ERR_INVALID, "size minimum must not be greater than maximum"},
    {H "04050170010100", OX_ERR_INVALID, "size minimum must not be greater than maximum"},
    {H "0606017f0042000b", OX_ERR_INVALID, "type mismatch"},
    {H "0604017f000b", OX_ERR_INVALID, "type mismatch"}, /* empty */
    {H "0608017f00410041000b", OX_ERR_INVALID, "type mismatch"}, /* two values */
    {H "060b027f0041000b7f0023000b", OX_OK, NULL},     /* an earlier global (3.0) */
    {H "060b027f0041000b7f0023010b", OX_ERR_INVALID, "unknown global"}, /* itself */
    {H "020601000003 7f01 0606017f0023000b", OX_ERR_INVALID, "constant expression required"},
    {H "020601000003 7f00 0606017f0023000b", OX_OK, NULL},
    {H "020601000003 7e00 0606017f0023000b", OX_ERR_INVALID, "type mismatch"},
    {H "0606017000d2050b", OX_ERR_INVALID, "unknown function"},
    {H "0606016f00d0700b", OX_ERR_INVALID, "type mismatch"}, /* ref.null func as externref */
    {H T0 F0 "070902016100000161 0000" C0, OX_ERR_INVALID, "duplicate export name"},
    {H T0 F0 "070902016100000162 0000" C0, OX_OK, NULL},
    {H T0 F0 "070802000000 01000000" C0, OX_OK, NULL}, /* "" and "\0" differ */
    {H "07050101610000", OX_ERR_INVALID, "unknown function"},
    {H "07050101610300", OX_ERR_INVALID, "unknown global"},
    {H "07050101610200", OX_ERR_INVALID, "unknown memory"},
    {H "07050101610100", OX_ERR_INVALID, "unknown table"},
    {H "01050160017f00" F0 "080100" C0, OX_ERR_INVALID, "start function"},
    {H "010501600001 7f" F0 "080100" C0, OX_ERR_INVALID, "start function"},
    {H T0 F0 "080101" C0, OX_ERR_INVALID, "unknown function"},
    {H T0 F0 "080100" C0, OX_OK, NULL},
    {H T0 F0 "09070100410 00b0100" C0, OX_ERR_INVALID, "unknown table"},
    {H T0 F0 "0404016f0001 0907010041000b0100" C0, OX_ERR_INVALID, "type mismatch"},
    {H T0 F0 "040401700001 0907010042000b0100" C0, OX_ERR_INVALID, "type mismatch"},
    {H T0 F0 "040401700001 0907010041000b0101" C0, OX_ERR_INVALID, "unknown function"},
    {H "0b0701 0041000b 0161", OX_ERR_INVALID, "unknown memory"},
    {H "0503010001 0b07010042000b0161", OX_ERR_INVALID, "type mismatch"},
    {H "0503010001 0b08010201 41000b0161", OX_ERR_INVALID, "unknown memory"},
    {H "0503010001 0b0401010161", OX_OK, NULL}, /* passive: no memory needed */
};

static void test_cases(ox_engine *e)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const binary_case *c = &cases[i];
        size_t len;
        uint8_t *b = hex_bytes(c->hex, &len);
        ox_module *m;
        ox_error *err = decode_validate(e, b, len, &m);
        free(b);
        ox_errcode got = err ? ox_error_code(err) : OX_OK;
        const char *msg = err ? ox_error_message(err) : "(none)";
        bool ok = got == c->code && (!c->msg || (err && strstr(msg, c->msg)));
        test_checks++;
        if (!ok) {
            test_failures++;
            fprintf(stderr, "case %zu [%s]: want code %d \"%s\", got code %d \"%s\"\n", i,
                    c->hex, c->code, c->msg ? c->msg : "", got, msg);
        }
        /* Errors name a byte offset inside the input (or its end). */
        if (err && got == OX_ERR_MALFORMED) {
            CHECK(ox_error_offset(err) >= 0);
            CHECK(ox_error_offset(err) <= (int64_t)len);
        }
        if (err)
            ox_error_free(err);
        ox_module_destroy(m);
    }
}

/* The name section: good names land in func_names, a malformed name
   section is ignored rather than rejecting the module. */
static void test_names(ox_engine *e)
{
    size_t len;
    ox_module *m;
    uint8_t *b = hex_bytes(H T0 F0 C0 "000b 046e616d65 0104 01000161", &len);
    ox_error *err = decode_validate(e, b, len, &m);
    free(b);
    CHECK(!err);
    if (m) {
        CHECK(m->func_names && m->func_names[0] && !strcmp(m->func_names[0], "a"));
        ox_module_destroy(m);
    }
    const char *bad[] = {
        H T0 F0 C0 "000b 046e616d65 0104 02000161",   /* count 2, one entry */
        H T0 F0 C0 "000b 046e616d65 0104 01050161",   /* index out of range */
        H T0 F0 C0 "000b 046e616d65 0109 01000161",   /* subsection too long */
        H T0 F0 C0 "000b 046e616d65 0104 010001ff",   /* bad UTF-8 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        b = hex_bytes(bad[i], &len);
        err = decode_validate(e, b, len, &m);
        free(b);
        CHECK(!err);
        if (err) {
            fprintf(stderr, "name case %zu: %s\n", i, ox_error_message(err));
            ox_error_free(err);
        }
        if (m) {
            CHECK(m->func_names == NULL);
            ox_module_destroy(m);
        }
    }
}

/* max_module_bytes bounds what decoding may allocate. */
static void test_budget(void)
{
    ox_engine small = {.cfg = {.max_module_bytes = 64}};
    size_t len;
    /* 40 exports: each costs an ox_export and a name copy, far over 64 bytes. */
    char hex[1024] = H "07a10128";
    for (int i = 0; i < 40; i++)
        strcat(hex, "0161 0000"); /* duplicate names are found later */
    uint8_t *b = hex_bytes(hex, &len);
    ox_module *m;
    ox_error *err = decode_validate(&small, b, len, &m);
    CHECK(err && ox_error_code(err) == OX_ERR_LIMIT);
    if (err)
        ox_error_free(err);
    ox_module_destroy(m);
    free(b);
}

static void test_all_sections(ox_engine *e, const char *path)
{
    size_t len;
    uint8_t *b = read_file(path, &len);
    CHECK(b != NULL);
    if (!b)
        return;
    ox_module *m;
    ox_error *err = decode_validate(e, b, len, &m);
    free(b);
    CHECK(!err);
    if (err) {
        fprintf(stderr, "%s: %s\n", path, ox_error_message(err));
        ox_error_free(err);
        return;
    }
    CHECK_EQ(m->nbytes, len);
    CHECK_EQ(m->ntypes, 2);
    CHECK_EQ(m->types[0].nparams, 2);
    CHECK_EQ(m->types[0].params[0], OX_I32);
    CHECK_EQ(m->types[0].params[1], OX_I64);
    CHECK_EQ(m->types[0].nresults, 1);
    CHECK_EQ(m->types[0].results[0], OX_F32);
    CHECK_EQ(m->types[1].nparams + m->types[1].nresults, 0);

    CHECK_EQ(m->nimports, 4);
    CHECK(!strcmp(m->imports[0].module.str, "env") && m->imports[0].module.len == 3);
    CHECK(!strcmp(m->imports[0].name.str, "f"));
    CHECK_EQ(m->imports[0].kind, OX_EXTERN_FUNC);
    CHECK_EQ(m->imports[0].u.typeidx, 1);
    CHECK_EQ(m->imports[1].kind, OX_EXTERN_GLOBAL);
    CHECK_EQ(m->imports[1].u.global.type, OX_I32);
    CHECK(!m->imports[1].u.global.mutable_);
    CHECK_EQ(m->imports[2].kind, OX_EXTERN_TABLE);
    CHECK_EQ(m->imports[2].u.table.elem, OX_FUNCREF);
    CHECK_EQ(m->imports[2].u.table.limits.min, 1);
    CHECK(m->imports[2].u.table.limits.has_max);
    CHECK_EQ(m->imports[2].u.table.limits.max, 10);
    CHECK_EQ(m->imports[3].kind, OX_EXTERN_MEMORY);
    CHECK_EQ(m->imports[3].u.memory.min, 1);
    CHECK_EQ(m->imports[3].u.memory.max, 2);
    CHECK_EQ(m->nimport_funcs, 1);
    CHECK_EQ(m->nimport_tables, 1);
    CHECK_EQ(m->nimport_mems, 1);
    CHECK_EQ(m->nimport_globals, 1);

    CHECK_EQ(m->nfuncs, 5);
    CHECK_EQ(m->functypes[0], 1);
    CHECK_EQ(m->functypes[1], 0);
    CHECK_EQ(m->functypes[4], 1);
    CHECK_EQ(m->funcs[0].typeidx, 0);
    /* $a's body: 2 local groups (2 x i32, 1 x f64), f32.const 1, end. */
    CHECK_EQ(m->funcs[0].body.len, 11);
    CHECK_EQ(m->bytes[m->funcs[0].body.off], 2);
    CHECK_EQ(m->bytes[m->funcs[0].body.off + m->funcs[0].body.len - 1], 0x0B);
    CHECK_EQ(m->funcs[1].body.len, 2);
    CHECK(m->funcs[0].code == NULL);

    CHECK_EQ(m->ntables, 2);
    CHECK_EQ(m->tables[0].elem, OX_FUNCREF);
    CHECK_EQ(m->tables[0].limits.max, 10);
    CHECK_EQ(m->tables[1].elem, OX_EXTERNREF);
    CHECK_EQ(m->tables[1].limits.min, 2);
    CHECK(!m->tables[1].limits.has_max);
    CHECK_EQ(m->nmems, 1);
    CHECK_EQ(m->mems[0].min, 1);

    CHECK_EQ(m->nglobals, 4);
    CHECK_EQ(m->globals[0].type, OX_I32);
    CHECK_EQ(m->globals[0].init.expr.len, 0);
    CHECK_EQ(m->globals[1].type, OX_I64);
    CHECK(m->globals[1].mutable_);
    /* i64.const -5 end = 42 7b 0b */
    CHECK_EQ(m->globals[1].init.expr.len, 3);
    CHECK(!memcmp(m->bytes + m->globals[1].init.expr.off, "\x42\x7b\x0b", 3));
    CHECK(!memcmp(m->bytes + m->globals[2].init.expr.off, "\x23\x00\x0b", 3));
    CHECK_EQ(m->globals[3].type, OX_FUNCREF);
    CHECK(!memcmp(m->bytes + m->globals[3].init.expr.off, "\xd2\x02\x0b", 3));

    CHECK_EQ(m->nexports, 4);
    CHECK(!strcmp(m->exports[0].name.str, "a"));
    CHECK_EQ(m->exports[0].kind, OX_EXTERN_FUNC);
    CHECK_EQ(m->exports[0].index, 1);
    CHECK_EQ(m->exports[1].kind, OX_EXTERN_MEMORY);
    CHECK_EQ(m->exports[2].kind, OX_EXTERN_GLOBAL);
    CHECK_EQ(m->exports[2].index, 1);
    CHECK_EQ(m->exports[3].name.len, 0);
    CHECK_EQ(m->exports[3].kind, OX_EXTERN_TABLE);
    CHECK(m->has_start);
    CHECK_EQ(m->start, 3);

    CHECK_EQ(m->nelems, 7);
    const ox_elemseg *s = m->elems;
    CHECK_EQ(s[0].mode, OX_SEG_ACTIVE);
    CHECK_EQ(s[0].table, 0);
    CHECK_EQ(s[0].type, OX_FUNCREF | OX_REF_NONNULL); /* (ref func): function indices (3.0) */
    CHECK(s[0].funcidx && !s[0].items);
    CHECK_EQ(s[0].count, 1);
    CHECK_EQ(s[0].funcidx[0], 1);
    CHECK(!memcmp(m->bytes + s[0].offset.expr.off, "\x41\x00\x0b", 3));
    CHECK_EQ(s[1].mode, OX_SEG_PASSIVE);
    CHECK_EQ(s[1].funcidx[0], 2);
    CHECK_EQ(s[2].mode, OX_SEG_ACTIVE);
    CHECK_EQ(s[2].table, 1);
    CHECK_EQ(s[2].type, OX_EXTERNREF);
    CHECK(s[2].items && !s[2].funcidx);
    CHECK(!memcmp(m->bytes + s[2].items[0].expr.off, "\xd0\x6f\x0b", 3));
    CHECK_EQ(s[3].mode, OX_SEG_DECLARATIVE);
    CHECK_EQ(s[3].funcidx[0], 4);
    CHECK_EQ(s[4].mode, OX_SEG_ACTIVE);
    CHECK_EQ(s[4].count, 2);
    CHECK(s[4].items != NULL);
    CHECK(!memcmp(m->bytes + s[4].items[0].expr.off, "\xd2\x01\x0b", 3));
    CHECK(!memcmp(m->bytes + s[4].items[1].expr.off, "\xd0\x70\x0b", 3));
    CHECK_EQ(s[6].mode, OX_SEG_DECLARATIVE);
    CHECK(s[6].items != NULL);

    CHECK(m->has_datacount);
    CHECK_EQ(m->datacount, 3);
    CHECK_EQ(m->ndatas, 3);
    CHECK_EQ(m->datas[0].mode, OX_SEG_ACTIVE);
    CHECK_EQ(m->datas[0].data.len, 2);
    CHECK(!memcmp(m->bytes + m->datas[0].data.off, "hi", 2));
    CHECK(!memcmp(m->bytes + m->datas[0].offset.expr.off, "\x41\x08\x0b", 3));
    CHECK_EQ(m->datas[1].mode, OX_SEG_PASSIVE);
    CHECK(!memcmp(m->bytes + m->datas[1].data.off, "passive", 7));
    CHECK_EQ(m->datas[2].memory, 0);
    CHECK_EQ(m->datas[2].data.len, 1);

    /* C.refs: $a (export, elems), $b (global init, elem), $d (declare);
       not the import nor $c (the start function is not a reference). */
    CHECK_EQ(m->func_declared[0], 0);
    CHECK_EQ(m->func_declared[1], 1);
    CHECK_EQ(m->func_declared[2], 1);
    CHECK_EQ(m->func_declared[3], 0);
    CHECK_EQ(m->func_declared[4], 1);

    CHECK(m->func_names != NULL);
    if (m->func_names) {
        CHECK(!strcmp(m->func_names[0], "imp"));
        CHECK(!strcmp(m->func_names[4], "d"));
    }
    ox_module_destroy(m);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s ALL_SECTIONS.wasm\n", argv[0]);
        return 2;
    }
    ox_engine e = {.cfg = {0}};
    test_cases(&e);
    test_names(&e);
    test_budget();
    test_all_sections(&e, argv[1]);
    return test_summary("decode");
}
