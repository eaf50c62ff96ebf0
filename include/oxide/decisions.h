/*
 * oxide/decisions.h — the explainable-AI decision log: an append-only table
 * `xai_decisions` in the registry's database (no update, no delete).
 *
 * Timestamps are RFC 3339 "+00:00" with nine fractional digits, so ordering
 * by the TEXT column is time order (the original's variable-width fractions
 * could misorder rows within a second); ties go to the later insert.
 *
 * Ownership: the log borrows the registry (free the log first). Decisions
 * returned by recent()/by_actor() are owned by the caller:
 * ox_decisions_free(array, n).
 */
#ifndef OXIDE_DECISIONS_H
#define OXIDE_DECISIONS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "oxide/kerror.h"
#include "oxide/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ox_decision {
    char id[37];        /* UUID v4 */
    char timestamp[40]; /* RFC 3339 UTC */
    char *actor, *action, *rationale;
    json_t *inputs, *output; /* never NULL: JSON null by default */
    float confidence;        /* in [0, 1] */
} ox_decision;

/* A fresh decision: new id, now, inputs/output null, confidence 1.0. The
   strings are copied. Release with ox_decision_clear(). */
ox_kerr *ox_decision_init(ox_decision *d, const char *actor, const char *action,
                          const char *rationale);
/* Replace inputs/output with a new reference to v (NULL means JSON null). */
void ox_decision_set_inputs(ox_decision *d, json_t *v);
void ox_decision_set_output(ox_decision *d, json_t *v);
/* Clamped to [0, 1]; NaN becomes 0. */
void ox_decision_set_confidence(ox_decision *d, float c);
void ox_decision_clear(ox_decision *d);
void ox_decisions_free(ox_decision *ds, size_t n);

typedef struct ox_decision_log ox_decision_log;

/* Creates the table and the index (actor, timestamp DESC) if missing. */
ox_kerr *ox_decision_log_open(ox_registry *r, ox_decision_log **out);
void ox_decision_log_free(ox_decision_log *log);
/* Append; the same id twice is a REGISTRY error. id_out[37] may be NULL. */
ox_kerr *ox_decision_log_append(ox_decision_log *log, const ox_decision *d, char *id_out);
/* Newest first; a negative limit means all. */
ox_kerr *ox_decision_log_recent(ox_decision_log *log, int64_t limit, ox_decision **out,
                                size_t *n);
ox_kerr *ox_decision_log_by_actor(ox_decision_log *log, const char *actor, ox_decision **out,
                                  size_t *n);
ox_kerr *ox_decision_log_count(ox_decision_log *log, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
