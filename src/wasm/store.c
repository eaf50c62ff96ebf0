/*
 * store.c — stores.
 *
 * A store owns every runtime object made
 * in it (freed together, in reverse dependency order) and the interpreter's
 * stacks, and interns function types so that call_indirect can compare
 * signatures across modules with one integer comparison.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform.h"
#include "runtime.h"

ox_error *ox_ptrvec_push(ox_ptrvec *v, void *p)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        void **nv = realloc(v->v, cap * sizeof *nv);
        if (!nv)
            return ox_error_new(OX_ERR_NOMEM, "out of memory");
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = p;
    return NULL;
}

ox_error *ox_store_new(ox_engine *e, ox_store **out)
{
    *out = NULL;
    if (!e)
        return ox_error_new(OX_ERR_ARG, "ox_store_new: no engine");
    ox_store *s = calloc(1, sizeof *s);
    if (!s)
        return ox_error_new(OX_ERR_NOMEM, "out of memory creating a store");
    s->engine = e;
    s->gc.next_exns = 4096; /* exposed exceptions before the first collection (gc.c) */
    atomic_init(&s->interrupt,
                e->cfg.tier == OX_TIER_JIT && e->cfg.jit_osr_test ? OX_POLL_OSR_TEST : 0u);
    *out = s;
    return NULL;
}

void ox_store_interrupt(ox_store *s)
{
    atomic_fetch_or_explicit(&s->interrupt, OX_POLL_INTERRUPT, memory_order_relaxed);
}

static void set_bit(ox_store *s, unsigned bit, bool on)
{
    if (on)
        atomic_fetch_or_explicit(&s->interrupt, bit, memory_order_relaxed);
    else
        atomic_fetch_and_explicit(&s->interrupt, ~bit, memory_order_relaxed);
}

void ox_store_set_fuel(ox_store *s, uint64_t fuel)
{
    s->fuel = fuel;
    s->fuel_on = fuel != 0;
    set_bit(s, OX_POLL_FUEL, s->fuel_on);
}

uint64_t ox_store_fuel(const ox_store *s) { return s->fuel; }

/* The timeout takes effect at the next outermost call, which arms the
   engine's watchdog (watchdog.c) with its deadline. */
void ox_store_set_timeout(ox_store *s, uint64_t ms)
{
    s->timeout_ns = ms > UINT64_MAX / 1000000 ? UINT64_MAX : ms * 1000000;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void ox_store_call_begin(ox_store *s)
{
    if (s->calls_active++ > 0)
        return;
    if (s->engine->tier_event)
        s->engine->tier_event(s, NULL, OX_TIER_EV_START);
    /* An interrupt or a deadline aimed at an earlier call must not kill
       this one. */
    atomic_fetch_and_explicit(&s->interrupt, ~(OX_POLL_INTERRUPT | OX_POLL_EXPIRED | OX_POLL_CLOCK),
                              memory_order_relaxed);
    if (s->timeout_ns) {
        uint64_t t = now_ns();
        s->deadline_ns = t + s->timeout_ns < t ? UINT64_MAX : t + s->timeout_ns;
        s->armed = ox_watchdog_arm(s->engine->watchdog, s);
        if (!s->armed)
            set_bit(s, OX_POLL_CLOCK, true);
    }
}

void ox_store_call_end(ox_store *s)
{
    if (!s->calls_active || --s->calls_active > 0)
        return;
    if (s->armed) {
        ox_watchdog_disarm(s->engine->watchdog, s);
        s->armed = false;
    }
    if (s->engine->tier_event)
        s->engine->tier_event(s, NULL, OX_TIER_EV_END);
}

ox_trap ox_store_poll(ox_store *s, uint32_t cost, ox_func *fn)
{
    unsigned v = atomic_load_explicit(&s->interrupt, memory_order_relaxed);
    if (v & OX_POLL_SAMPLE) {
        atomic_fetch_and_explicit(&s->interrupt, ~OX_POLL_SAMPLE, memory_order_relaxed);
        if (fn && fn->code && s->engine->tier_event)
            s->engine->tier_event(s, fn, OX_TIER_EV_SAMPLE);
    }
    if (v & OX_POLL_TIERUP) {
        atomic_fetch_and_explicit(&s->interrupt, ~OX_POLL_TIERUP, memory_order_relaxed);
        if (s->engine->tier_event)
            s->engine->tier_event(s, NULL, OX_TIER_EV_TIERUP);
    }
    if (v & OX_POLL_INTERRUPT) {
        atomic_fetch_and_explicit(&s->interrupt, ~OX_POLL_INTERRUPT, memory_order_relaxed);
        return OX_TRAP_INTERRUPTED;
    }
    if (s->fuel_on) {
        if (s->fuel < cost) {
            s->fuel = 0;
            return OX_TRAP_FUEL_EXHAUSTED;
        }
        s->fuel -= cost;
    }
    if (v & OX_POLL_EXPIRED)
        return OX_TRAP_DEADLINE;
    /* Without the watchdog: reading the clock costs tens of nanoseconds,
       so look every 1024 checks, still well under a millisecond of guest
       work. */
    if ((v & OX_POLL_CLOCK) && (++s->poll_count & 1023) == 0 && now_ns() >= s->deadline_ns)
        return OX_TRAP_DEADLINE;
    return OX_TRAP_NONE;
}

ox_trap ox_store_should_stop(ox_store *s)
{
    unsigned v = atomic_load_explicit(&s->interrupt, memory_order_relaxed);
    if (v & OX_POLL_INTERRUPT)
        return OX_TRAP_INTERRUPTED;
    /* the clock too: a host function waiting in slices needs no watchdog */
    if (s->timeout_ns && s->calls_active && ((v & OX_POLL_EXPIRED) || now_ns() >= s->deadline_ns))
        return OX_TRAP_DEADLINE;
    return OX_TRAP_NONE;
}

/* A trap named after the function it happened in (the interpreter and
   instantiation both raise them; both stages sit above this one). */
ox_error *ox_trap_error(ox_trap kind, const ox_instance *inst, uint32_t funcidx)
{
    if (!inst)
        return ox_trap_error_named(kind, "host");
    if (funcidx == UINT32_MAX)
        return ox_trap_error_named(kind, "instantiation");
    const char *name = ox_module_func_name(inst->module, funcidx);
    char buf[32];
    if (!name) { /* "fac" from the name section, else "func[3]" */
        snprintf(buf, sizeof buf, "func[%u]", funcidx);
        name = buf;
    }
    return ox_trap_error_named(kind, name);
}
