/*
 * oxide/kernel/decisions.h — the explainable-AI decision log: an append-only table
 * `xai_decisions` in the registry's database (no update, no delete).
 *
 * Every entry is chained to the one before by its hash (see
 * oxk_decision_log_verify), so an edit made behind the log's back shows.
 *
 * Timestamps are RFC 3339 "+00:00" with nine fractional digits, so ordering
 * by the TEXT column is time order (the original's variable-width fractions
 * could misorder rows within a second); ties go to the later insert.
 *
 * Ownership: the log borrows the registry (free the log first). Decisions
 * returned by recent()/by_actor() are owned by the caller:
 * oxk_decisions_free(array, n).
 */
#ifndef OXIDE_DECISIONS_H
#define OXIDE_DECISIONS_H

#include "oxide/api.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oxide/kernel/error.h"
#include "oxide/kernel/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oxk_decision {
    char id[37];        /* UUID v4 */
    char timestamp[40]; /* RFC 3339 UTC */
    char *actor, *action, *rationale;
    json_t *inputs, *output; /* never NULL: JSON null by default */
    float confidence;        /* in [0, 1] */
} oxk_decision;

/* A fresh decision: new id, now, inputs/output null, confidence 1.0. The
   strings are copied. Release with oxk_decision_clear(). */
OX_API oxk_err *oxk_decision_init(oxk_decision *d, const char *actor, const char *action,
                          const char *rationale);
/* Replace inputs/output with a new reference to v (NULL means JSON null). */
OX_API void oxk_decision_set_inputs(oxk_decision *d, json_t *v);
OX_API void oxk_decision_set_output(oxk_decision *d, json_t *v);
/* Clamped to [0, 1]; NaN becomes 0. */
OX_API void oxk_decision_set_confidence(oxk_decision *d, float c);
OX_API void oxk_decision_clear(oxk_decision *d);
OX_API void oxk_decisions_free(oxk_decision *ds, size_t n);

typedef struct oxk_decision_log oxk_decision_log;

/* Creates the table and the index (actor, timestamp DESC) if missing. */
OX_API oxk_err *oxk_decision_log_open(oxk_registry *r, oxk_decision_log **out);
OX_API void oxk_decision_log_free(oxk_decision_log *log);
/* Append; the same id twice is a REGISTRY error. id_out[37] may be NULL. */
OX_API oxk_err *oxk_decision_log_append(oxk_decision_log *log, const oxk_decision *d, char *id_out);
/* Newest first; a negative limit means all. */
OX_API oxk_err *oxk_decision_log_recent(oxk_decision_log *log, int64_t limit, oxk_decision **out,
                                size_t *n);
OX_API oxk_err *oxk_decision_log_by_actor(oxk_decision_log *log, const char *actor, oxk_decision **out,
                                  size_t *n);
OX_API oxk_err *oxk_decision_log_count(oxk_decision_log *log, int64_t *out);

/* The log is a hash chain: each entry stores the SHA-256 of the entry before
   it and of its own fields, and the chain's head (entries, last hash) is
   kept beside it. verify walks the chain in the order entries were written:
   any entry changed, removed (also from the end), inserted or moved shows.
   An error means the database could not be read; a broken chain is
   ok = false with the first problem found. Rewriting the whole chain
   cannot be seen from inside the database: keep `head` somewhere else to
   compare. */
typedef struct oxk_log_verdict {
    bool ok;
    int64_t entries;   /* entries read (up to the problem, when there is one) */
    char head[65];     /* the last good hash */
    char problem[256]; /* "" when ok */
} oxk_log_verdict;
OX_API oxk_err *oxk_decision_log_verify(oxk_decision_log *log, oxk_log_verdict *out);

#ifdef __cplusplus
}
#endif
#endif
