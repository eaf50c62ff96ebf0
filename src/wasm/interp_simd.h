/*
 * interp_simd.h — the interpreter's handlers for v128 (internal: included
 * once, inside interp.c's dispatch loop, where S, W, NEXT, LEN, EFFECTIVE
 * and TRAP are defined). One handler per line of opcodes_simd.h, made by
 * the macros below from the line's semantics (simd.h).
 *
 * A v128 operand takes the two cells from its slot on (runtime.h): it is
 * read and written with memcpy, which compilers turn into one unaligned
 * 16-byte move.
 */

#define VGET(k) oxv_get(&S(k))
#define VPUT(k, v) memcpy(&S(k), &(v), 16)
/* An operand and a result of any type, by the table's type name. */
#define RD_I32(k) S(k).i32
#define RD_I64(k) S(k).i64
#define RD_F32(k) S(k).f32
#define RD_F64(k) S(k).f64
#define RD_V128(k) VGET(k)
#define WR_I32(k, v) S(k).i32 = (v)
#define WR_V128(k, v) do { ox_v128 t_ = (v); VPUT(k, t_); } while (0)

/* [dst, a, b] and [dst, a], lane by lane. */
#define OX_X(name, txt, pfx, code, OUT, IN, N, expr) \
        vmcase(name) { \
            ox_v128 x_ = VGET(1), y_ = VGET(2), r_; \
            OXV_MAP2(r_, OUT, IN, N, x_, y_, expr); \
            VPUT(0, r_); \
            NEXT(LEN(3)); \
        }
        OX_V128_LANE_BINOPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, OUT, IN, N, expr) \
        vmcase(name) { \
            ox_v128 x_ = VGET(1), r_; \
            OXV_MAP1(r_, OUT, IN, N, x_, expr); \
            VPUT(0, r_); \
            NEXT(LEN(2)); \
        }
        OX_V128_LANE_UNOPS(OX_X)
#undef OX_X
        /* [dst, a, count] */
#define OX_X(name, txt, pfx, code, OUT, IN, N, expr) \
        vmcase(name) { \
            ox_v128 x_ = VGET(1), r_; \
            uint32_t s = S(2).i32; \
            OXV_MAP1(r_, OUT, IN, N, x_, expr); \
            VPUT(0, r_); \
            NEXT(LEN(3)); \
        }
        OX_V128_SHIFTS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, helper) \
        vmcase(name) { \
            WR_V128(0, helper(VGET(1), VGET(2))); \
            NEXT(LEN(3)); \
        }
        OX_V128_BINOPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, ta, tr, helper) \
        vmcase(name) { \
            WR_##tr(0, helper(RD_##ta(1))); \
            NEXT(LEN(2)); \
        }
        OX_V128_UNOPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, helper) \
        vmcase(name) { \
            WR_V128(0, helper(VGET(1), VGET(2), VGET(3))); \
            NEXT(LEN(4)); \
        }
        OX_V128_TERNOPS(OX_X)
#undef OX_X
        /* [dst, a, lane] and [dst, a, x, lane] */
#define OX_X(name, txt, pfx, code, t, FIELD, N, conv) \
        vmcase(name) { \
            ox_v128 x_ = VGET(1); \
            OXV_T_##FIELD v = x_.FIELD[W(2)]; \
            S(0).F_##t = (CT_##t)(conv); \
            NEXT(LEN(3)); \
        }
        OX_V128_EXTRACT(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, t, FIELD, N) \
        vmcase(name) { \
            ox_v128 r_ = VGET(1); \
            r_.FIELD[W(3)] = (OXV_T_##FIELD)S(2).F_##t; \
            VPUT(0, r_); \
            NEXT(LEN(4)); \
        }
        OX_V128_REPLACE(OX_X)
#undef OX_X
        /* Loads [dst, addr, offset], v128.store [addr, value, offset]. */
#define OX_X(name, txt, pfx, code, al, nbytes, helper) \
        vmcase(name) { \
            EFFECTIVE(ea, S(1).i32, W(2), nbytes); \
            WR_V128(0, helper(mbase + ea)); \
            NEXT(LEN(3)); \
        }
        OX_V128_LOAD_OPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, al) \
        vmcase(name) { \
            EFFECTIVE(ea, S(0).i32, W(2), 16); \
            memcpy(mbase + ea, &S(1), 16); \
            NEXT(LEN(3)); \
        }
        OX_V128_STORE_OPS(OX_X)
#undef OX_X
        /* One lane: loads [dst, addr, v, offset, lane], stores [addr, v,
           offset, lane]. */
#define OX_X(name, txt, pfx, code, al, FIELD, N) \
        vmcase(name) { \
            EFFECTIVE(ea, S(1).i32, W(3), sizeof(OXV_T_##FIELD)); \
            ox_v128 r_ = VGET(2); \
            memcpy(&r_.FIELD[W(4)], mbase + ea, sizeof(OXV_T_##FIELD)); \
            VPUT(0, r_); \
            NEXT(LEN(5)); \
        }
        OX_V128_LANE_LOADS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, al, FIELD, N) \
        vmcase(name) { \
            EFFECTIVE(ea, S(0).i32, W(2), sizeof(OXV_T_##FIELD)); \
            ox_v128 x_ = VGET(1); \
            memcpy(mbase + ea, &x_.FIELD[W(3)], sizeof(OXV_T_##FIELD)); \
            NEXT(LEN(4)); \
        }
        OX_V128_LANE_STORES(OX_X)
#undef OX_X

        vmcase(I8X16_SHUFFLE) {
            WR_V128(0, oxv_shuffle(VGET(1), VGET(2), (const uint8_t *)&W(3)));
            NEXT(LEN(7));
        }
        vmcase(CONST_V128) {
            memcpy(&S(0), &W(1), 16);
            NEXT(LEN(5));
        }
        vmcase(SELECT_V128) {
            WR_V128(0, S(3).i32 ? VGET(1) : VGET(2));
            NEXT(LEN(4));
        }
        vmcase(GLOBAL_GET_V128) {
            memcpy(&S(0), inst->globals[W(1)]->val, 16);
            NEXT(LEN(2));
        }
        vmcase(GLOBAL_SET_V128) {
            memcpy(inst->globals[W(1)]->val, &S(0), 16);
            NEXT(LEN(2));
        }

#undef VGET
#undef VPUT
#undef RD_I32
#undef RD_I64
#undef RD_F32
#undef RD_F64
#undef RD_V128
#undef WR_I32
#undef WR_V128
