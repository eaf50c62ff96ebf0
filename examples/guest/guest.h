/*
 * guest.h — support for Oxide guests written in freestanding C (wasm32, no
 * libc): memory functions, a real heap allocator, a small JSON tree, and the
 * JSON ABI entry point.
 *
 * The JSON ABI (what the kernel's executor expects):
 *   memory                                   exported linear memory
 *   alloc(size i32) -> i32                    a buffer the host writes into
 *   free(ptr i32, size i32)                   releases any buffer from alloc
 *   oxide_invoke(mptr, mlen, iptr, ilen) -> i64
 *       method bytes + compact JSON input in; returns (out_ptr << 32) | out_len
 *       of a buffer from alloc, which the host frees.
 * A guest defines guest_dispatch(); this library does the rest. A failure is
 * reported as the object {"error": "..."}, which the kernel turns into a
 * `<method>.err` event.
 */
#ifndef OX_GUEST_H
#define OX_GUEST_H

#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

void *g_malloc(size_t n); /* NULL when memory cannot grow */
void g_free(void *p);
void *g_realloc(void *p, size_t n);

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval jval;
struct jval {
    jtype t;
    int b;          /* J_BOOL */
    char *s;        /* J_STR: decoded UTF-8; J_NUM: the number's source text */
    size_t slen;
    jval **items;   /* J_ARR elements, J_OBJ values */
    char **keys;    /* J_OBJ keys (decoded) */
    size_t *klens;
    size_t n, cap;
};

/* Parse; NULL and *err set on failure (a static message). */
jval *j_parse(const char *text, size_t len, const char **err);
void j_free(jval *v);
jval *j_new(jtype t);
jval *j_str(const char *s, size_t len);
/* Append to an array / set a key of an object (takes ownership of v).
   Returns 0 on success, -1 when out of memory. */
int j_push(jval *arr, jval *v);
int j_set(jval *obj, const char *key, size_t klen, jval *v);
jval *j_get(const jval *obj, const char *key); /* NUL-terminated key */
/* Compact JSON text in a g_malloc'd buffer; *len set. NULL if out of memory. */
char *j_dump(const jval *v, size_t *len);

/* Implemented by the guest: return the result (owned by the caller) or NULL
   with *err set to a message. */
jval *guest_dispatch(const char *method, size_t mlen, jval *input, const char **err);

#endif
