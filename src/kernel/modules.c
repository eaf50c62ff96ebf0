/* modules.c — the module manager: registration, enforced lifecycle,
   events, registry sync; hooks run with no lock held. */
#include "oxide/modules.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* One module. Reference counted so a hook can keep running on an entry
   that was unloaded meanwhile (unload refuses busy states, but init has no
   state of its own). */
typedef struct entry {
    int refs; /* guarded by the manager's mutex */
    ox_module_meta meta;
    ox_module_vtable vt;
    void *self;
    ox_module_state state;
} entry;

struct ox_modules {
    pthread_mutex_t mu; /* guards the array, states and refs — never held in a hook */
    ox_bus *bus;
    ox_registry *reg;
    ox_decision_log *log; /* borrowed; set before registrations, read-only after */
    entry **v;
    size_t n, cap;
};

ox_kerr *ox_modules_new(ox_bus *bus, ox_registry *reg, ox_modules **out)
{
    *out = NULL;
    if (!bus)
        return ox_kerr_new(OX_KERR_MODULE, "module manager needs a bus");
    ox_modules *m = calloc(1, sizeof *m);
    if (!m)
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
    pthread_mutex_init(&m->mu, NULL);
    m->bus = bus;
    m->reg = reg;
    *out = m;
    return NULL;
}

void ox_modules_set_decision_log(ox_modules *m, ox_decision_log *log)
{
    pthread_mutex_lock(&m->mu);
    m->log = log;
    pthread_mutex_unlock(&m->mu);
}

ox_decision_log *ox_modules_decision_log(ox_modules *m)
{
    pthread_mutex_lock(&m->mu);
    ox_decision_log *log = m->log;
    pthread_mutex_unlock(&m->mu);
    return log;
}

static void entry_unref(ox_modules *m, entry *e)
{
    pthread_mutex_lock(&m->mu);
    bool last = --e->refs == 0;
    pthread_mutex_unlock(&m->mu);
    if (!last)
        return;
    if (e->vt.destroy)
        e->vt.destroy(e->self);
    ox_module_meta_clear(&e->meta);
    free(e);
}

/* Caller holds m->mu. */
static size_t find(ox_modules *m, const char *id)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->v[i]->meta.id, id))
            return i;
    return (size_t)-1;
}

/* Look up and take a reference, or UNKNOWN_MODULE. */
static ox_kerr *get(ox_modules *m, const char *id, entry **out)
{
    if (!id)
        return ox_kerr_new(OX_KERR_UNKNOWN_MODULE, "(null)");
    pthread_mutex_lock(&m->mu);
    size_t i = find(m, id);
    if (i != (size_t)-1) {
        *out = m->v[i];
        m->v[i]->refs++;
    }
    pthread_mutex_unlock(&m->mu);
    return i == (size_t)-1 ? ox_kerr_new(OX_KERR_UNKNOWN_MODULE, "%s", id) : NULL;
}

static bool allowed(ox_module_state from, ox_module_state to)
{
    switch (to) {
    case OX_STATE_STARTING:
        return from == OX_STATE_LOADED || from == OX_STATE_STOPPED || from == OX_STATE_FAILED;
    case OX_STATE_RUNNING: return from == OX_STATE_STARTING;
    case OX_STATE_STOPPING: return from == OX_STATE_RUNNING;
    case OX_STATE_STOPPED: return from == OX_STATE_STOPPING;
    case OX_STATE_FAILED: return from == OX_STATE_STARTING || from == OX_STATE_STOPPING;
    case OX_STATE_LOADED: return false;
    }
    return false;
}

/* Move e to `to` if the lifecycle allows it, then mirror it in the
   registry (outside the manager lock). If the registry write fails:
   entering starting/stopping is undone, so the module is not left busy
   with no hook running; after a hook ran, the new state stands (it is the
   truth) and the error says the registry is stale. */
static ox_kerr *transition(ox_modules *m, entry *e, ox_module_state to)
{
    pthread_mutex_lock(&m->mu);
    ox_module_state from = e->state;
    bool ok = allowed(from, to);
    if (ok)
        e->state = to;
    pthread_mutex_unlock(&m->mu);
    if (!ok)
        return ox_kerr_new(OX_KERR_TRANSITION,
                           "invalid state transition for module `%s`: %s -> %s", e->meta.id,
                           ox_module_state_name(from), ox_module_state_name(to));
    ox_kerr *err = m->reg ? ox_registry_set_module_state(m->reg, e->meta.id, to) : NULL;
    if (!err)
        return NULL;
    ox_kerr *out;
    if (to == OX_STATE_STARTING || to == OX_STATE_STOPPING) {
        pthread_mutex_lock(&m->mu);
        e->state = from;
        pthread_mutex_unlock(&m->mu);
        out = ox_kerr_new(OX_KERR_REGISTRY, "module `%s` stays %s: cannot record %s: %s",
                          e->meta.id, ox_module_state_name(from), ox_module_state_name(to),
                          ox_kerr_message(err));
    } else {
        out = ox_kerr_new(OX_KERR_REGISTRY, "module `%s` is %s but the registry is stale: %s",
                          e->meta.id, ox_module_state_name(to), ox_kerr_message(err));
    }
    ox_kerr_free(err);
    return out;
}

static ox_kerr *add(ox_modules *m, const ox_module_meta *meta, const ox_module_vtable *vt,
                    void *self)
{
    if (!vt || !vt->start || !vt->stop)
        return ox_kerr_new(OX_KERR_MODULE, "module `%s` needs start and stop hooks",
                           meta && meta->id ? meta->id : "?");
    entry *e = calloc(1, sizeof *e);
    if (!e)
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
    ox_kerr *err = ox_module_meta_copy(meta, &e->meta);
    if (err) {
        free(e);
        return err;
    }
    e->refs = 1;
    e->vt = *vt;
    e->self = self;
    e->state = OX_STATE_LOADED;
    pthread_mutex_lock(&m->mu);
    if (find(m, meta->id) != (size_t)-1) {
        err = ox_kerr_new(OX_KERR_DUPLICATE_MODULE, "%s", meta->id);
    } else if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 8;
        entry **nv = realloc(m->v, nc * sizeof *nv);
        if (!nv)
            err = ox_kerr_new(OX_KERR_OTHER, "out of memory");
        else
            m->v = nv, m->cap = nc;
    }
    if (!err)
        m->v[m->n++] = e;
    pthread_mutex_unlock(&m->mu);
    if (err) {
        ox_module_meta_clear(&e->meta);
        free(e);
        return err;
    }
    if (m->reg && (err = ox_registry_upsert_module(m->reg, &e->meta, OX_STATE_LOADED))) {
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

ox_kerr *ox_modules_register(ox_modules *m, const ox_module_meta *meta,
                             const ox_module_vtable *vt, void *self)
{
    if (!meta)
        return ox_kerr_new(OX_KERR_MODULE, "module metadata is NULL");
    return add(m, meta, vt, self);
}

ox_kerr *ox_modules_init(ox_modules *m, const char *id)
{
    entry *e;
    ox_kerr *err = get(m, id, &e);
    if (err)
        return err;
    if (e->vt.init)
        err = e->vt.init(e->self, m->bus);
    entry_unref(m, e);
    return err;
}

static void emit(ox_modules *m, ox_msg_type type, const char *id)
{
    ox_message ev = {.type = type, .module_id = id};
    /* Publishing never blocks and only fails when out of memory; the state
       change has happened either way. */
    ox_kerr_free(ox_bus_emit_event(m->bus, "kernel", &ev, NULL));
}

ox_kerr *ox_modules_start(ox_modules *m, const char *id)
{
    entry *e;
    ox_kerr *err = get(m, id, &e);
    if (err)
        return err;
    if ((err = transition(m, e, OX_STATE_STARTING))) {
        entry_unref(m, e); /* nothing changed */
        return err;
    }
    ox_kerr *hook = e->vt.start(e->self);
    if (hook) {
        ox_kerr_free(transition(m, e, OX_STATE_FAILED));
        err = hook;
    } else if (!(err = transition(m, e, OX_STATE_RUNNING))) {
        emit(m, OX_EV_MODULE_STARTED, e->meta.id);
    }
    entry_unref(m, e);
    return err;
}

ox_kerr *ox_modules_stop(ox_modules *m, const char *id)
{
    entry *e;
    ox_kerr *err = get(m, id, &e);
    if (err)
        return err;
    if ((err = transition(m, e, OX_STATE_STOPPING))) {
        entry_unref(m, e);
        return err;
    }
    ox_kerr *hook = e->vt.stop(e->self);
    if (hook) {
        ox_kerr_free(transition(m, e, OX_STATE_FAILED));
        err = hook;
    } else if (!(err = transition(m, e, OX_STATE_STOPPED))) {
        emit(m, OX_EV_MODULE_STOPPED, e->meta.id);
    }
    entry_unref(m, e);
    return err;
}

ox_kerr *ox_modules_unload(ox_modules *m, const char *id)
{
    ox_module_state st;
    if (!ox_modules_state(m, id, &st))
        return ox_kerr_new(OX_KERR_UNKNOWN_MODULE, "%s", id ? id : "(null)");
    if (st == OX_STATE_RUNNING) {
        /* Stop first; a module whose stop fails ends up failed, which may
           be unloaded. */
        ox_kerr_free(ox_modules_stop(m, id));
    }
    pthread_mutex_lock(&m->mu);
    size_t i = find(m, id);
    entry *e = NULL;
    ox_kerr *err = NULL;
    if (i == (size_t)-1) {
        err = ox_kerr_new(OX_KERR_UNKNOWN_MODULE, "%s", id);
    } else if (m->v[i]->state == OX_STATE_STARTING || m->v[i]->state == OX_STATE_STOPPING ||
               m->v[i]->state == OX_STATE_RUNNING) {
        err = ox_kerr_new(OX_KERR_TRANSITION, "invalid state transition for module `%s`: %s -> "
                                              "unloaded",
                          id, ox_module_state_name(m->v[i]->state));
    } else {
        e = m->v[i];
        memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof *m->v);
        m->n--;
    }
    pthread_mutex_unlock(&m->mu);
    if (err)
        return err;
    if (m->reg)
        err = ox_registry_delete_module(m->reg, id, NULL);
    entry_unref(m, e);
    return err;
}

bool ox_modules_state(ox_modules *m, const char *id, ox_module_state *out)
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

void ox_module_infos_free(ox_module_info *infos, size_t n)
{
    for (size_t i = 0; infos && i < n; i++)
        ox_module_meta_clear(&infos[i].meta);
    free(infos);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const ox_module_info *)a)->meta.id, ((const ox_module_info *)b)->meta.id);
}

ox_kerr *ox_modules_list(ox_modules *m, ox_module_info **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    pthread_mutex_lock(&m->mu);
    ox_module_info *v = calloc(m->n ? m->n : 1, sizeof *v);
    ox_kerr *err = v ? NULL : ox_kerr_new(OX_KERR_OTHER, "out of memory");
    size_t k = 0;
    for (; !err && k < m->n; k++) {
        v[k].state = m->v[k]->state;
        err = ox_module_meta_copy(&m->v[k]->meta, &v[k].meta);
    }
    pthread_mutex_unlock(&m->mu);
    if (err) {
        ox_module_infos_free(v, k);
        return err;
    }
    qsort(v, k, sizeof *v, by_id);
    *out = v;
    *n = k;
    return NULL;
}

void ox_modules_free(ox_modules *m)
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
        if (e->state == OX_STATE_RUNNING)
            ox_kerr_free(e->vt.stop(e->self)); /* shutting down: nothing to report to */
        entry_unref(m, e); /* our extra reference */
        entry_unref(m, e); /* the manager's */
    }
    free(m->v);
    pthread_mutex_destroy(&m->mu);
    free(m);
}
