/* wasm_gen.c — the binary encoder and the module generators behind
   wasm_gen.h. Encodings follow the WebAssembly 2.0 binary format. */
#include "wasm_gen.h"

#include <stdlib.h>
#include <string.h>

void wbuf_free(wbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static void put(wbuf *b, const void *src, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void byte(wbuf *b, uint8_t v) { put(b, &v, 1); }

static void u32(wbuf *b, uint32_t v)
{
    do {
        uint8_t c = v & 0x7f;
        v >>= 7;
        byte(b, (uint8_t)(c | (v ? 0x80 : 0)));
    } while (v);
}

static void s64(wbuf *b, int64_t v)
{
    for (;;) {
        uint8_t c = v & 0x7f;
        v >>= 7; /* arithmetic shift: GCC and Clang define it */
        bool done = (v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40));
        byte(b, (uint8_t)(c | (done ? 0 : 0x80)));
        if (done)
            return;
    }
}

static void name(wbuf *b, const char *s)
{
    u32(b, (uint32_t)strlen(s));
    put(b, s, strlen(s));
}

/* Append section `id` with the contents of `body`, then free body. */
static void section(wbuf *b, uint8_t id, wbuf *body)
{
    byte(b, id);
    u32(b, (uint32_t)body->len);
    put(b, body->p, body->len);
    if (body->oom)
        b->oom = true;
    wbuf_free(body);
}

static void header(wbuf *b)
{
    static const uint8_t magic[8] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    put(b, magic, sizeof magic);
}

/* Opcodes used below. */
enum {
    BLOCK = 0x02, LOOP = 0x03, IF = 0x04, ELSE = 0x05, END = 0x0b, BR_IF = 0x0d,
    CALL = 0x10, SELECT = 0x1b, LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22,
    GLOBAL_GET = 0x23, GLOBAL_SET = 0x24, I32_LOAD = 0x28, I32_STORE = 0x36,
    I32_CONST = 0x41, I64_CONST = 0x42, F64_CONST = 0x44, I32_EQZ = 0x45,
    I32_LT_S = 0x48, I32_GT_U = 0x4b, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c,
    I32_AND = 0x71, I32_XOR = 0x73, I64_ADD = 0x7c, I64_SHL = 0x86, I64_OR = 0x84,
    F64_ADD = 0xa0, F64_MUL = 0xa2, I64_EXTEND_I32_U = 0xad, F64_CONVERT_I32_S = 0xb7,
    T_I32 = 0x7f, T_I64 = 0x7e, T_F64 = 0x7c, T_VOID = 0x40,
};

static uint32_t rnd(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static void op_idx(wbuf *b, uint8_t op, uint32_t idx)
{
    byte(b, op);
    u32(b, idx);
}

static void i32c(wbuf *b, int32_t v)
{
    byte(b, I32_CONST);
    s64(b, v);
}

/* One statement of function `f`: leaves the operand stack as it found it.
   Locals: 0-1 params (i32), 2-4 i32, 5 i64, 6 f64. */
static void statement(wbuf *b, uint32_t f, uint32_t *seed)
{
    uint32_t r = rnd(seed);
    uint32_t a = r % 5, bb = (r >> 3) % 5, l = 2 + (r >> 6) % 3;
    int32_t c = (int32_t)((r >> 9) % 2000) - 1000;
    uint32_t off = (r >> 12) % 1024;
    switch ((r >> 22) % 10) {
    case 0:
        op_idx(b, LOCAL_GET, a), i32c(b, c), byte(b, I32_ADD), op_idx(b, LOCAL_SET, l);
        break;
    case 1: /* store: address masked into the first page */
        op_idx(b, LOCAL_GET, a), i32c(b, 0xf000), byte(b, I32_AND), op_idx(b, LOCAL_GET, bb);
        byte(b, I32_STORE), u32(b, 2), u32(b, off);
        break;
    case 2:
        op_idx(b, LOCAL_GET, a), i32c(b, 0xf000), byte(b, I32_AND);
        byte(b, I32_LOAD), u32(b, 2), u32(b, off), op_idx(b, LOCAL_SET, l);
        break;
    case 3:
        byte(b, BLOCK), byte(b, T_VOID), op_idx(b, LOCAL_GET, a), byte(b, I32_EQZ);
        op_idx(b, BR_IF, 0), op_idx(b, LOCAL_GET, a), op_idx(b, LOCAL_GET, bb);
        byte(b, I32_MUL), op_idx(b, LOCAL_SET, l), byte(b, END);
        break;
    case 4: /* a bounded countdown loop */
        op_idx(b, LOCAL_GET, l), i32c(b, 0xff), byte(b, I32_AND), op_idx(b, LOCAL_SET, l);
        byte(b, LOOP), byte(b, T_VOID), op_idx(b, LOCAL_GET, l), i32c(b, 1), byte(b, I32_SUB);
        op_idx(b, LOCAL_TEE, l), i32c(b, 0), byte(b, I32_GT_U), op_idx(b, BR_IF, 0), byte(b, END);
        break;
    case 5:
        op_idx(b, LOCAL_GET, 5), op_idx(b, LOCAL_GET, a), byte(b, I64_EXTEND_I32_U);
        byte(b, I64_ADD), op_idx(b, LOCAL_SET, 5);
        break;
    case 6: {
        static const uint8_t one_and_half[8] = {0, 0, 0, 0, 0, 0, 0xf8, 0x3f}; /* 1.5 */
        op_idx(b, LOCAL_GET, 6), op_idx(b, LOCAL_GET, a), byte(b, F64_CONVERT_I32_S);
        byte(b, F64_MUL), byte(b, F64_CONST), put(b, one_and_half, 8), byte(b, F64_ADD);
        op_idx(b, LOCAL_SET, 6);
        break;
    }
    case 7: /* call an earlier function: no recursion */
        if (f > 0) {
            op_idx(b, LOCAL_GET, a), op_idx(b, LOCAL_GET, bb), op_idx(b, CALL, r % f);
            op_idx(b, LOCAL_SET, l);
            break;
        }
        /* fall through */
    case 8:
        op_idx(b, LOCAL_GET, a), byte(b, IF), byte(b, T_I32), i32c(b, c), byte(b, ELSE);
        op_idx(b, LOCAL_GET, bb), byte(b, END), op_idx(b, LOCAL_SET, l);
        break;
    default:
        op_idx(b, LOCAL_GET, a), op_idx(b, LOCAL_GET, bb), byte(b, I32_LT_S);
        op_idx(b, LOCAL_GET, a), op_idx(b, LOCAL_GET, bb), byte(b, SELECT);
        op_idx(b, LOCAL_SET, l);
        break;
    }
}

bool gen_module(wbuf *out, uint32_t nfuncs, uint32_t stmts, uint32_t seed)
{
    wbuf s = {0};
    if (!seed)
        seed = 1;
    header(out);
    /* types: 0 = (i32, i32) -> i32, 1 = (i32) -> i32 */
    u32(&s, 2);
    byte(&s, 0x60), u32(&s, 2), byte(&s, T_I32), byte(&s, T_I32), u32(&s, 1), byte(&s, T_I32);
    byte(&s, 0x60), u32(&s, 1), byte(&s, T_I32), u32(&s, 1), byte(&s, T_I32);
    section(out, 1, &s);
    u32(&s, nfuncs + 1);
    for (uint32_t f = 0; f < nfuncs; f++)
        u32(&s, 0);
    u32(&s, 1);
    section(out, 3, &s);
    u32(&s, 1), byte(&s, 0x00), u32(&s, 1); /* memory: min 1 page */
    section(out, 5, &s);
    u32(&s, 2);
    name(&s, "memory"), byte(&s, 0x02), u32(&s, 0);
    name(&s, "id"), byte(&s, 0x00), u32(&s, nfuncs);
    section(out, 7, &s);
    u32(&s, nfuncs + 1);
    wbuf body = {0};
    for (uint32_t f = 0; f < nfuncs; f++) {
        u32(&body, 3);
        u32(&body, 3), byte(&body, T_I32);
        u32(&body, 1), byte(&body, T_I64);
        u32(&body, 1), byte(&body, T_F64);
        for (uint32_t k = 0; k < stmts; k++)
            statement(&body, f, &seed);
        op_idx(&body, LOCAL_GET, 2), op_idx(&body, LOCAL_GET, 3), byte(&body, I32_XOR);
        op_idx(&body, LOCAL_GET, 4), byte(&body, I32_ADD), byte(&body, END);
        u32(&s, (uint32_t)body.len);
        put(&s, body.p, body.len);
        if (body.oom)
            s.oom = true;
        body.len = 0;
    }
    wbuf_free(&body);
    /* id: local.get 0 */
    u32(&s, 4), u32(&s, 0), op_idx(&s, LOCAL_GET, 0), byte(&s, END);
    section(out, 10, &s);
    return !out->oom;
}

bool gen_echo_guest(wbuf *out)
{
    wbuf s = {0};
    header(out);
    /* types: 0 alloc (i32)->i32, 1 free (i32,i32)->(), 2 invoke (i32 x4)->i64 */
    u32(&s, 3);
    byte(&s, 0x60), u32(&s, 1), byte(&s, T_I32), u32(&s, 1), byte(&s, T_I32);
    byte(&s, 0x60), u32(&s, 2), byte(&s, T_I32), byte(&s, T_I32), u32(&s, 0);
    byte(&s, 0x60), u32(&s, 4);
    for (int i = 0; i < 4; i++)
        byte(&s, T_I32);
    u32(&s, 1), byte(&s, T_I64);
    section(out, 1, &s);
    u32(&s, 3), u32(&s, 0), u32(&s, 1), u32(&s, 2);
    section(out, 3, &s);
    u32(&s, 1), byte(&s, 0x00), u32(&s, 3); /* 3 pages: ring of 128 KiB above 64 KiB */
    section(out, 5, &s);
    /* global 0: the ring allocator's next free byte */
    u32(&s, 1), byte(&s, T_I32), byte(&s, 1), i32c(&s, 65536), byte(&s, END);
    section(out, 6, &s);
    u32(&s, 4);
    name(&s, "memory"), byte(&s, 0x02), u32(&s, 0);
    name(&s, "alloc"), byte(&s, 0x00), u32(&s, 0);
    name(&s, "free"), byte(&s, 0x00), u32(&s, 1);
    name(&s, "oxide_invoke"), byte(&s, 0x00), u32(&s, 2);
    section(out, 7, &s);

    u32(&s, 3);
    wbuf f = {0};
    /* alloc(n): if next + n > 196608 then next = 65536; r = next;
       next = (next + n + 7) & ~7; return r */
    u32(&f, 0);
    op_idx(&f, GLOBAL_GET, 0), op_idx(&f, LOCAL_GET, 0), byte(&f, I32_ADD);
    i32c(&f, 196608), byte(&f, I32_GT_U), byte(&f, IF), byte(&f, T_VOID);
    i32c(&f, 65536), op_idx(&f, GLOBAL_SET, 0), byte(&f, END);
    op_idx(&f, GLOBAL_GET, 0);
    op_idx(&f, GLOBAL_GET, 0), op_idx(&f, LOCAL_GET, 0), byte(&f, I32_ADD), i32c(&f, 7);
    byte(&f, I32_ADD), i32c(&f, -8), byte(&f, I32_AND), op_idx(&f, GLOBAL_SET, 0);
    byte(&f, END);
    u32(&s, (uint32_t)f.len), put(&s, f.p, f.len);
    f.len = 0;
    /* free: nothing to do in a ring */
    u32(&f, 0), byte(&f, END);
    u32(&s, (uint32_t)f.len), put(&s, f.p, f.len);
    f.len = 0;
    /* oxide_invoke(mp, ml, ip, il): out = alloc(il); memory.copy(out, ip, il);
       return (u64)out << 32 | il */
    u32(&f, 1), u32(&f, 1), byte(&f, T_I32); /* local 4: out */
    op_idx(&f, LOCAL_GET, 3), op_idx(&f, CALL, 0), op_idx(&f, LOCAL_SET, 4);
    op_idx(&f, LOCAL_GET, 4), op_idx(&f, LOCAL_GET, 2), op_idx(&f, LOCAL_GET, 3);
    byte(&f, 0xfc), u32(&f, 10), byte(&f, 0), byte(&f, 0); /* memory.copy 0 0 */
    op_idx(&f, LOCAL_GET, 4), byte(&f, I64_EXTEND_I32_U), byte(&f, I64_CONST), s64(&f, 32);
    byte(&f, I64_SHL), op_idx(&f, LOCAL_GET, 3), byte(&f, I64_EXTEND_I32_U), byte(&f, I64_OR);
    byte(&f, END);
    u32(&s, (uint32_t)f.len), put(&s, f.p, f.len);
    if (f.oom)
        s.oom = true;
    wbuf_free(&f);
    section(out, 10, &s);
    return !out->oom;
}
