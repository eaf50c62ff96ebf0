/* vec.c — the vectors of the standard C API: {size, data}, owning their
   elements. One definition, instantiated for every element kind: plain
   data (bytes) is copied as it is; values and pointers to objects are
   copied and deleted through their kind's functions. */
#include <stdlib.h>

#include "capi.h"

void *oxc_must(void *p)
{
    if (!p)
        abort();
    return p;
}

static void *vec_alloc(size_t n, size_t size)
{
    return n ? oxc_must(calloc(n, size)) : NULL;
}

#define OXC_VEC_IMPL(X, ELEM, COPY_ELEM, DELETE_ELEM)                                              \
    void wasm_##X##_vec_new_empty(wasm_##X##_vec_t *out)                                           \
    {                                                                                              \
        out->size = 0;                                                                             \
        out->data = NULL;                                                                          \
    }                                                                                              \
    void wasm_##X##_vec_new_uninitialized(wasm_##X##_vec_t *out, size_t n)                         \
    {                                                                                              \
        out->data = vec_alloc(n, sizeof(ELEM));                                                    \
        out->size = n;                                                                             \
    }                                                                                              \
    void wasm_##X##_vec_new(wasm_##X##_vec_t *out, size_t n, ELEM const v[])                       \
    {                                                                                              \
        wasm_##X##_vec_new_uninitialized(out, n);                                                  \
        if (n)                                                                                     \
            memcpy(out->data, v, n * sizeof(ELEM));                                                \
    }                                                                                              \
    void wasm_##X##_vec_copy(wasm_##X##_vec_t *out, const wasm_##X##_vec_t *v)                     \
    {                                                                                              \
        wasm_##X##_vec_new_uninitialized(out, v->size);                                            \
        for (size_t i = 0; i < v->size; i++)                                                       \
            COPY_ELEM(&out->data[i], &v->data[i]);                                                 \
    }                                                                                              \
    void wasm_##X##_vec_delete(wasm_##X##_vec_t *v)                                                \
    {                                                                                              \
        if (!v)                                                                                    \
            return;                                                                                \
        for (size_t i = 0; i < v->size && v->data; i++)                                           \
            DELETE_ELEM(&v->data[i]);                                                              \
        free(v->data);                                                                             \
        v->size = 0;                                                                               \
        v->data = NULL;                                                                            \
    }

#define COPY_PLAIN(dst, src) (*(dst) = *(src))
#define DELETE_NOTHING(e) ((void)(e))
OXC_VEC_IMPL(byte, wasm_byte_t, COPY_PLAIN, DELETE_NOTHING)

#define COPY_VAL(dst, src) wasm_val_copy((dst), (src))
#define DELETE_VAL(e) wasm_val_delete(e)
OXC_VEC_IMPL(val, wasm_val_t, COPY_VAL, DELETE_VAL)

/* Vectors of pointers to X: elements copied with wasm_X_copy, deleted
   with wasm_X_delete (a NULL element is left alone). */
#define OXC_PTR_VEC_IMPL(X)                                                                        \
    static void copy_##X(wasm_##X##_t **dst, wasm_##X##_t *const *src)                             \
    {                                                                                              \
        *dst = *src ? wasm_##X##_copy(*src) : NULL;                                                \
    }                                                                                              \
    static void delete_##X(wasm_##X##_t **e)                                                       \
    {                                                                                              \
        if (*e)                                                                                    \
            wasm_##X##_delete(*e);                                                                 \
    }                                                                                              \
    OXC_VEC_IMPL(X, wasm_##X##_t *, copy_##X, delete_##X)

OXC_PTR_VEC_IMPL(valtype)
OXC_PTR_VEC_IMPL(functype)
OXC_PTR_VEC_IMPL(globaltype)
OXC_PTR_VEC_IMPL(tabletype)
OXC_PTR_VEC_IMPL(memorytype)
OXC_PTR_VEC_IMPL(externtype)
OXC_PTR_VEC_IMPL(importtype)
OXC_PTR_VEC_IMPL(exporttype)
OXC_PTR_VEC_IMPL(frame)
OXC_PTR_VEC_IMPL(extern)
