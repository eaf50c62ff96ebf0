/*
 * interp_simd.h — the interpreter's handlers for v128 (internal: included
 * once, inside interp.c's dispatch loop, where S, W, NEXT, LEN, EFFECTIVE
 * and TRAP are defined). One handler per line of opcodes_simd.h, made by
 * the macros below from the line's semantics (simd.h).
 *
 * A v128 operand takes the two cells from its slot on (runtime.h): &S(k)
 * is its address, read and written with memcpy, which compilers turn into
 * one unaligned 16-byte move.
 */

/* [dst, a, b] and [dst, a], lane by lane: the lanes in local arrays,
   which compilers turn into whole-vector instructions (a union of arrays
   passed by value they split into 8-byte halves). */
#define LANES_IN(IN, N, x_, k) \
    OXV_T_##IN x_[N]; \
    memcpy(x_, &S(k), 16)
#define LANES_OUT(OUT, N, r_) \
    memcpy(&S(0), r_, 16)
#define OX_X(name, txt, pfx, code, OUT, IN, N, expr) \
        vmcase(name) { \
            LANES_IN(IN, N, x_, 1); \
            LANES_IN(IN, N, y_, 2); \
            OXV_T_##OUT r_[N]; \
            for (int i_ = 0; i_ < (N); i_++) { \
                OXV_T_##IN a = x_[i_], b = y_[i_]; \
                r_[i_] = (OXV_T_##OUT)(expr); \
            } \
            LANES_OUT(OUT, N, r_); \
            NEXT(LEN(3)); \
        }
        OX_V128_LANE_BINOPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, OUT, IN, N, expr) \
        vmcase(name) { \
            LANES_IN(IN, N, x_, 1); \
            OXV_T_##OUT r_[N]; \
            for (int i_ = 0; i_ < (N); i_++) { \
                OXV_T_##IN a = x_[i_]; \
                r_[i_] = (OXV_T_##OUT)(expr); \
            } \
            LANES_OUT(OUT, N, r_); \
            NEXT(LEN(2)); \
        }
        OX_V128_LANE_UNOPS(OX_X)
#undef OX_X
        /* [dst, a, count] */
#define OX_X(name, txt, pfx, code, OUT, IN, N, expr) \
        vmcase(name) { \
            LANES_IN(IN, N, x_, 1); \
            OXV_T_##OUT r_[N]; \
            const uint32_t s = S(2).i32; \
            for (int i_ = 0; i_ < (N); i_++) { \
                OXV_T_##IN a = x_[i_]; \
                r_[i_] = (OXV_T_##OUT)(expr); \
            } \
            LANES_OUT(OUT, N, r_); \
            NEXT(LEN(3)); \
        }
        OX_V128_SHIFTS(OX_X)
#undef OX_X
#undef LANES_IN
#undef LANES_OUT
/* The helpers' results: a v128 written at the result's address, or an
   i32 (the tests). */
#define UN_V128(helper) helper(&S(0), &S(1))
#define UN_I32(helper) S(0).i32 = helper(&S(1))
#define OX_X(name, txt, pfx, code, helper) \
        vmcase(name) { \
            helper(&S(0), &S(1), &S(2)); \
            NEXT(LEN(3)); \
        }
        OX_V128_BINOPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, ta, tr, helper) \
        vmcase(name) { \
            UN_##tr(helper); \
            NEXT(LEN(2)); \
        }
        OX_V128_UNOPS(OX_X)
#undef OX_X
#undef UN_V128
#undef UN_I32
#define OX_X(name, txt, pfx, code, helper) \
        vmcase(name) { \
            helper(&S(0), &S(1), &S(2), &S(3)); \
            NEXT(LEN(4)); \
        }
        OX_V128_TERNOPS(OX_X)
#undef OX_X
        /* [dst, a, lane] and [dst, a, x, lane] */
#define OX_X(name, txt, pfx, code, t, FIELD, N, conv) \
        vmcase(name) { \
            OXV_T_##FIELD l_[N]; \
            memcpy(l_, &S(1), 16); \
            OXV_T_##FIELD v = l_[W(2)]; \
            S(0).F_##t = (CT_##t)(conv); \
            NEXT(LEN(3)); \
        }
        OX_V128_EXTRACT(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, t, FIELD, N) \
        vmcase(name) { \
            OXV_T_##FIELD l_[N]; \
            memcpy(l_, &S(1), 16); \
            l_[W(3)] = (OXV_T_##FIELD)S(2).F_##t; \
            memcpy(&S(0), l_, 16); \
            NEXT(LEN(4)); \
        }
        OX_V128_REPLACE(OX_X)
#undef OX_X
        /* Loads [dst, addr, offset], v128.store [addr, value, offset]. */
#define OX_X(name, txt, pfx, code, al, nbytes, helper) \
        vmcase(name) { \
            EFFECTIVE(ea, S(1).i32, W(2), nbytes); \
            helper(&S(0), mbase + ea); \
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
            OXV_T_##FIELD l_[N]; \
            memcpy(l_, &S(2), 16); \
            memcpy(&l_[W(4)], mbase + ea, sizeof(OXV_T_##FIELD)); \
            memcpy(&S(0), l_, 16); \
            NEXT(LEN(5)); \
        }
        OX_V128_LANE_LOADS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, al, FIELD, N) \
        vmcase(name) { \
            EFFECTIVE(ea, S(0).i32, W(2), sizeof(OXV_T_##FIELD)); \
            OXV_T_##FIELD l_[N]; \
            memcpy(l_, &S(1), 16); \
            memcpy(mbase + ea, &l_[W(3)], sizeof(OXV_T_##FIELD)); \
            NEXT(LEN(4)); \
        }
        OX_V128_LANE_STORES(OX_X)
#undef OX_X

        vmcase(I8X16_SHUFFLE) {
            oxv_shuffle(&S(0), &S(1), &S(2), (const uint8_t *)&W(3));
            NEXT(LEN(7));
        }
        vmcase(CONST_V128) {
            memcpy(&S(0), &W(1), 16);
            NEXT(LEN(5));
        }
        vmcase(SELECT_V128) {
            memmove(&S(0), S(3).i32 ? &S(1) : &S(2), 16); /* may be the same cells */
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
