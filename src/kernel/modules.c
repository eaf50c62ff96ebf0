/* modules.c — the module manager: registration, enforced lifecycle,
   events, registry sync; hooks run with no lock held. */
#include "oxide/kernel/modules.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* One module. Reference counted so a hook can keep running on an entry
   that was unloaded meanwhile (unload refuses busy states, but init has no
   state of its own). */
typedef struct entry {
    int refs; /* guarded by the manager's mutex */
    oxk_module_meta meta;
    oxk_module_vtable vt;
    void *self;
    oxk_module_state state;
} entry;

struct oxk_modules {
    pthread_mutex_t mu; /* guards the array, states and refs — never held in a hook */
    oxk_bus *bus;
    oxk_registry *reg;
    oxk_decision_log *log; /* borrowed; set before registrations, read-only after */
    entry **v;
    size_t n, cap;
};

oxk_err *oxk_modules_new(oxk_bus *bus, oxk_registry *reg, oxk_modules **out)
{
    *out = NULL;
    if (!bus)
        return oxk_err_new(OXK_ERR_MODULE, "module manager needs a bus");
    oxk_modules *m = calloc(1, sizeof *m);
    if (!m)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    pthread_mutex_init(&m->mu, NULL);
    m->bus = bus;
    m->reg = reg;
    *out = m;
    return NULL;
}

void oxk_modules_set_decision_log(oxk_modules *m, oxk_decision_log *log)
{
    pthread_mutex_lock(&m->mu);
    m->log = log;
    pthread_mutex_unlock(&m->mu);
}

oxk_decision_log *oxk_modules_decision_log(oxk_modules *m)
{
    pthread_mutex_lock(&m->mu);
    oxk_decision_log *log = m->log;
    pthread_mutex_unlock(&m->mu);
    return log;
}

static void entry_unref(oxk_modules *m, entry *e)
{
    pthread_mutex_lock(&m->mu);
    bool last = --e->refs == 0;
    pthread_mutex_unlock(&m->mu);
    if (!last)
        return;
    if (e->vt.destroy)
        e->vt.destroy(e->self);
    oxk_module_meta_clear(&e->meta);
    free(e);
}

/* Caller holds m->mu. */
static size_t find(oxk_modules *m, const char *id)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->v[i]->meta.id, id))
            return i;
    return (size_t)-1;
}

/* Look up and take a reference, or UNKNOWN_MODULE. */
static oxk_err *get(oxk_modules *m, const char *id, entry **out)
{
    if (!id)
        return oxk_err_new(OXK_ERR_UNKNOWN_MODULE, "(null)");
    pthread_mutex_lock(&m->mu);
    size_t i = find(m, id);
    if (i != (size_t)-1) {
        *out = m->v[i];
        m->v[i]->refs++;
    }
    pthread_mutex_unlock(&m->mu);
    return i == (size_t)-1 ? oxk_err_new(OXK_ERR_UNKNOWN_MODULE, "%s", id) : NULL;
}

static bool allowed(oxk_module_state from, oxk_module_state to)
{
    switch (to) {
    case OXK_STATE_STARTING:
        return from == OXK_STATE_LOADED || from == OXK_STATE_STOPPED || from == OXK_STATE_FAILED;
    case OXK_STATE_RUNNING: return from == OXK_STATE_STARTING;
    case OXK_STATE_STOPPING: return from == OXK_STATE_RUNNING;
    case OXK_STATE_STOPPED: return from == OXK_STATE_STOPPING;
    case OXK_STATE_FAILED: return from == OXK_STATE_STARTING || from == OXK_STATE_STOPPING;
    case OXK_STATE_LOADED: return false;
    }
    return false;
}

/* Move e to `to` if the lifecycle allows it, then mirror it in the
   registry (outside the manager lock). If the registry write fails:
   entering starting/stopping is undone, so the module is not left busy
   with no hook running; after a hook ran, the new state stands (it is the
   truth) and the error says the registry is stale. */
static oxk_err *transition(oxk_modules *m, entry *e, oxk_module_state to)
{
    pthread_mutex_lock(&m->mu);
    oxk_module_state from = e->state;
    bool ok = allowed(from, to);
    if (ok)
        e->state = to;
    pthread_mutex_unlock(&m->mu);
    if (!ok)
        return oxk_err_new(OXK_ERR_TRANSITION,
                           "invalid state transition for module `%s`: %s -> %s", e->meta.id,
                           oxk_module_state_name(from), oxk_module_state_name(to));
    oxk_err *err = m->reg ? oxk_registry_set_module_state(m->reg, e->meta.id, to) : NULL;
    if (!err)
        return NULL;
    oxk_err *out;
    if (to == OXK_STATE_STARTING || to == OXK_STATE_STOPPING) {
        pthread_mutex_lock(&m->mu);
        e->state = from;
        pthread_mutex_unlock(&m->mu);
        out = oxk_err_new(OXK_ERR_REGISTRY, "module `%s` stays %s: cannot record %s: %s",
                          e->meta.id, oxk_module_state_name(from), oxk_module_state_name(to),
                          oxk_err_message(err));
    } else {
        out = oxk_err_new(OXK_ERR_REGISTRY, "module `%s` is %s but the registry is stale: %s",
                          e->meta.id, oxk_module_state_name(to), oxk_err_message(err));
    }
    oxk_err_free(err);
    return out;
}

static oxk_err *add(oxk_modules *m, const oxk_module_meta *meta, const oxk_module_vtable *vt,
                    void *self)
{
    if (!vt || !vt->start || !vt->stop)
        return oxk_err_new(OXK_ERR_MODULE, "module `%s` needs start and stop hooks",
                           meta && meta->id ? meta->id : "?");
    entry *e = calloc(1, sizeof *e);
    if (!e)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    oxk_err *err = oxk_module_meta_copy(meta, &e->meta);
    if (err) {
        free(e);
        return err;
    }
    e->refs = 1;
    e->vt = *vt;
    e->self = self;
    e->state = OXK_STATE_LOADED;
    pthread_mutex_lock(&m->mu);
    if (find(m, meta->id) != (size_t)-1) {
        err = oxk_err_new(OXK_ERR_DUPLICATE_MODULE, "%s", meta->id);
    } else if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 8;
        entry **nv = realloc(m->v, nc * sizeof *nv);
        if (!nv)
            err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
        else
            m->v = nv, m->cap = nc;
    }
    if (!err)
        m->v[m->n++] = e;
    pthread_mutex_unlock(&m->mu);
    if (err) {
        oxk_module_meta_clear(&e->meta);
        free(e);
        return err;
    }
    if (m->reg && (err = oxk_registry_upsert_module(m->reg, &e->meta, OXK_STATE_LOADED))) {
        /* Keep manager and registry consistent: undo the registration. The
           caller keeps `self`, so the destroy hook must not run. */
        pthread_mutex_lock(&m->mu);
        size_t i = find(m, meta->id);
        if (i != (size_t)-1 && m->v[i] == e)
            m->v[i] = m->v[--m->n];
        pthread_mutex_unlock(&m->mu);
        e->vt.destroy = NULL;
        entry_unref(m, e);
        return err;
    }
    return NULL;
}

oxk_err *oxk_modules_register(oxk_modules *m, const oxk_module_meta *meta,
                             const oxk_module_vtable *vt, void *self)
{
    if (!meta)
        return oxk_err_new(OXK_ERR_MODULE, "module metadata is NULL");
    return add(m, meta, vt, self);
}

oxk_err *oxk_modules_init(oxk_modules *m, const char *id)
{
    entry *e;
    oxk_err *err = get(m, id, &e);
    if (err)
        return err;
    if (e->vt.init)
        err = e->vt.init(e->self, m->bus);
    entry_unref(m, e);
    return err;
}

static void emit(oxk_modules *m, oxk_msg_type type, const char *id)
{
    oxk_message ev = {.type = type, .module_id = id};
    /* Publishing never blocks and only fails when out of memory; the state
       change has happened either way. */
    oxk_err_free(oxk_bus_emit_event(m->bus, "kernel", &ev, NULL));
}

oxk_err *oxk_modules_start(oxk_modules *m, const char *id)
{
    entry *e;
    oxk_err *err = get(m, id, &e);
    if (err)
        return err;
    if ((err = transition(m, e, OXK_STATE_STARTING))) {
        entry_unref(m, e); /* nothing changed */
        return err;
    }
    oxk_err *hook = e->vt.start(e->self);
    if (hook) {
        oxk_err_free(transition(m, e, OXK_STATE_FAILED));
        err = hook;
    } else if (!(err = transition(m, e, OXK_STATE_RUNNING))) {
        emit(m, OXK_EV_MODULE_STARTED, e->meta.id);
    }
    entry_unref(m, e);
    return err;
}

oxk_err *oxk_modules_stop(oxk_modules *m, const char *id)
{
    entry *e;
    oxk_err *err = get(m, id, &e);
    if (err)
        return err;
    if ((err = transition(m, e, OXK_STATE_STOPPING))) {
        entry_unref(m, e);
        return err;
    }
    oxk_err *hook = e->vt.stop(e->self);
    if (hook) {
        oxk_err_free(transition(m, e, OXK_STATE_FAILED));
        err = hook;
    } else if (!(err = transition(m, e, OXK_STATE_STOPPED))) {
        emit(m, OXK_EV_MODULE_STOPPED, e->meta.id);
    }
    entry_unref(m, e);
    return err;
}

bool oxk_modules_cancel(oxk_modules *m, const char *id, const char *command_id)
{
    entry *e;
    oxk_err *err = get(m, id, &e);
    if (err) {
        oxk_err_free(err);
        return false;
    }
    bool ok = e->vt.cancel && command_id && e->vt.cancel(e->self, command_id);
    entry_unref(m, e);
    return ok;
}

bool oxk_modules_fuel_spent(oxk_modules *m, const char *id, const char *command_id, uint64_t *out)
{
    entry *e;
    oxk_err *err = get(m, id, &e);
    if (err) {
        oxk_err_free(err);
        return false;
    }
    bool ok = e->vt.fuel_spent && command_id && e->vt.fuel_spent(e->self, command_id, out);
    entry_unref(m, e);
    return ok;
}

oxk_err *oxk_modules_unload(oxk_modules *m, const char *id)
{
    oxk_module_state st;
    if (!oxk_modules_state(m, id, &st))
        return oxk_err_new(OXK_ERR_UNKNOWN_MODULE, "%s", id ? id : "(null)");
    if (st == OXK_STATE_RUNNING) {
        /* Stop first; a module whose stop fails ends up failed, which may
           be unloaded. */
        oxk_err_free(oxk_modules_stop(m, id));
    }
    pthread_mutex_lock(&m->mu);
    size_t i = find(m, id);
    entry *e = NULL;
    oxk_err *err = NULL;
    if (i == (size_t)-1) {
        err = oxk_err_new(OXK_ERR_UNKNOWN_MODULE, "%s", id);
    } else if (m->v[i]->state == OXK_STATE_STARTING || m->v[i]->state == OXK_STATE_STOPPING ||
               m->v[i]->state == OXK_STATE_RUNNING) {
        err = oxk_err_new(OXK_ERR_TRANSITION, "invalid state transition for module `%s`: %s -> "
                                              "unloaded",
                          id, oxk_module_state_name(m->v[i]->state));
    } else {
        e = m->v[i];
        memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof *m->v);
        m->n--;
    }
    pthread_mutex_unlock(&m->mu);
    if (err)
        return err;
    if (m->reg)
        err = oxk_registry_delete_module(m->reg, id, NULL);
    entry_unref(m, e);
    return err;
}

bool oxk_modules_state(oxk_modules *m, const char *id, oxk_module_state *out)
{
    if (!id)
        return false;
    pthread_mutex_lock(&m->mu);
    size_t i = find(m, id);
    if (i != (size_t)-1)
        *out = m->v[i]->state;
    pthread_mutex_unlock(&m->mu);
    return i != (size_t)-1;
}

void oxk_module_infos_free(oxk_module_info *infos, size_t n)
{
    for (size_t i = 0; infos && i < n; i++)
        oxk_module_meta_clear(&infos[i].meta);
    free(infos);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const oxk_module_info *)a)->meta.id, ((const oxk_module_info *)b)->meta.id);
}

oxk_err *oxk_modules_list(oxk_modules *m, oxk_module_info **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    pthread_mutex_lock(&m->mu);
    oxk_module_info *v = calloc(m->n ? m->n : 1, sizeof *v);
    oxk_err *err = v ? NULL : oxk_err_new(OXK_ERR_OTHER, "out of memory");
    size_t k = 0;
    for (; !err && k < m->n; k++) {
        v[k].state = m->v[k]->state;
        err = oxk_module_meta_copy(&m->v[k]->meta, &v[k].meta);
    }
    pthread_mutex_unlock(&m->mu);
    if (err) {
        oxk_module_infos_free(v, k);
        return err;
    }
    qsort(v, k, sizeof *v, by_id);
    *out = v;
    *n = k;
    return NULL;
}

void oxk_modules_free(oxk_modules *m)
{
    if (!m)
        return;
    /* Stop what runs, then drop every entry. Take the list piecemeal: a
       stop hook may call back into the manager. */
    for (;;) {
        pthread_mutex_lock(&m->mu);
        entry *e = m->n ? m->v[--m->n] : NULL;
        if (e)
            e->refs++;
        pthread_mutex_unlock(&m->mu);
        if (!e)
            break;
        if (e->state == OXK_STATE_RUNNING)
            oxk_err_free(e->vt.stop(e->self)); /* shutting down: nothing to report to */
        entry_unref(m, e); /* our extra reference */
        entry_unref(m, e); /* the manager's */
    }
    free(m->v);
    pthread_mutex_destroy(&m->mu);
    free(m);
}
