/*
 * table.c — tables of references (funcref: ox_func*, externref: void*).
 */
#include <stdlib.h>
#include <string.h>

#include "runtime.h"


ox_error *ox_table_new(ox_store *s, ox_valtype elem, ox_limits limits, ox_val init,
                       ox_table **out)
{
    *out = NULL;
    if (!ox_is_reftype(elem))
        return ox_error_new(OX_ERR_ARG, "table element type must be a reference type");
    const char *why = ox_typereg_check(&s->typereg, elem, &init);
    if (why)
        return ox_error_new(OX_ERR_ARG, "table of type 0x%x: %s", (unsigned)elem, why);
    if (init.type != elem)
        return ox_error_new(OX_ERR_ARG, "table initial value has type %s, expected %s",
                            ox_valtype_name(init.type), ox_valtype_name(elem));
    if (limits.has_max && limits.max < limits.min)
        return ox_error_new(OX_ERR_ARG, "table limits %llu..%llu are not valid",
                            (unsigned long long)limits.min, (unsigned long long)limits.max);
    /* Below UINT32_MAX: the interpreter narrows a 64-bit index above
       2^32 - 1 to UINT32_MAX (INDEX64), which must be out of bounds. */
    uint64_t max = limits.has_max ? limits.max : UINT32_MAX - 1;
    if (max > UINT32_MAX - 1)
        max = UINT32_MAX - 1;
    if (max > s->engine->cfg.max_table_elems)
        max = s->engine->cfg.max_table_elems;
    if (limits.min > max)
        return ox_error_new(OX_ERR_LIMIT, "table of %llu elements exceeds the limit of %llu",
                            (unsigned long long)limits.min, (unsigned long long)max);
    ox_table *t = calloc(1, sizeof *t);
    if (!t)
        return ox_error_new(OX_ERR_NOMEM, "out of memory");
    uint32_t min = (uint32_t)limits.min; /* at most max */
    t->elems = calloc(min ? min : 1, sizeof *t->elems);
    if (!t->elems) {
        free(t);
        return ox_error_new(OX_ERR_NOMEM, "out of memory for a table of %u elements", min);
    }
    void *ref = ox_val_to_slot(&init).ref;
    for (uint32_t i = 0; i < min; i++)
        t->elems[i] = ref;
    t->size = min;
    t->cap = min ? min : 1;
    t->elem = elem;
    t->limits = limits;
    t->max_elems = (uint32_t)max;
    ox_error *err = ox_ptrvec_push(&s->tables, t);
    if (err) {
        free(t->elems);
        free(t);
        return err;
    }
    *out = t;
    return NULL;
}

int64_t ox_table_grow_raw(ox_table *t, uint32_t delta, void *init)
{
    uint32_t old = t->size;
    if ((uint64_t)old + delta > t->max_elems)
        return -1;
    uint32_t size = old + delta;
    if (size > t->cap) {
        uint64_t cap = (uint64_t)t->cap * 2;
        if (cap < size)
            cap = size;
        if (cap > t->max_elems)
            cap = t->max_elems;
        void **ne = realloc(t->elems, (size_t)cap * sizeof *ne);
        if (!ne)
            return -1;
        t->elems = ne;
        t->cap = (uint32_t)cap;
    }
    for (uint32_t i = old; i < size; i++)
        t->elems[i] = init;
    t->size = size;
    return old;
}

uint32_t ox_table_size(const ox_table *t) { return t->size; }
ox_valtype ox_table_elem_type(const ox_table *t) { return t->elem; }
ox_limits ox_table_limits(const ox_table *t) { return t->limits; }

ox_error *ox_table_get(const ox_table *t, uint32_t i, ox_val *out)
{
    if (i >= t->size)
        return ox_error_new(OX_ERR_ARG, "table index %u out of bounds (size %u)", i, t->size);
    ox_slot s;
    s.ref = t->elems[i];
    *out = ox_slot_to_val(s, t->elem);
    return NULL;
}

ox_error *ox_table_set(ox_table *t, uint32_t i, ox_val v)
{
    if (v.type != t->elem)
        return ox_error_new(OX_ERR_ARG, "value of type %s stored in a %s table",
                            ox_valtype_name(v.type), ox_valtype_name(t->elem));
    if (!ox_ref_nullable(t->elem) && !v.of.anyref)
        return ox_error_new(OX_ERR_ARG, "null stored in a table of a non-nullable type");
    if (i >= t->size)
        return ox_error_new(OX_ERR_ARG, "table index %u out of bounds (size %u)", i, t->size);
    t->elems[i] = ox_val_to_slot(&v).ref;
    return NULL;
}

ox_error *ox_table_grow(ox_table *t, uint32_t delta, ox_val init, uint32_t *old_size)
{
    if (init.type != t->elem)
        return ox_error_new(OX_ERR_ARG, "value of type %s used to grow a %s table",
                            ox_valtype_name(init.type), ox_valtype_name(t->elem));
    int64_t old = ox_table_grow_raw(t, delta, ox_val_to_slot(&init).ref);
    if (old < 0)
        return ox_error_new(OX_ERR_LIMIT, "cannot grow table of %u elements by %u", t->size,
                            delta);
    if (old_size)
        *old_size = (uint32_t)old;
    return NULL;
}
