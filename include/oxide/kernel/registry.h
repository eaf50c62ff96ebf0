/*
 * oxide/kernel/registry.h — the state registry: a SQLite database with the tables
 * `modules` (one row per module: metadata, state, updated_at) and `config`
 * (key → JSON value), in the reference's schema and encodings so database
 * files interoperate: kind/state columns hold JSON strings with their quotes
 * (`"native"`), timestamps are RFC 3339 with "+00:00" (always nine
 * fractional digits here, so text order is time order), config values are
 * compact JSON text.
 *
 * Encryption: opened with a key, config values are stored as AES-256-GCM
 * ciphertext (key = SHA-256 of the key string, fresh random 12-byte nonce per
 * write, no associated data), written as padded URL-safe base64 of
 * nonce‖ciphertext‖tag. Module rows stay plaintext. Uses OpenSSL libcrypto.
 *
 * Thread-safety: one connection guarded by a mutex; any thread may call any
 * function at once. Ownership: the caller frees the registry with
 * oxk_registry_free(), records with oxk_module_record_clear() /
 * oxk_module_records_free(), and JSON values it receives with json_decref().
 */
#ifndef OXIDE_REGISTRY_H
#define OXIDE_REGISTRY_H

#include "oxide/api.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "oxide/kernel/error.h"
#include "oxide/kernel/modtypes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oxk_registry oxk_registry;

/* A private in-memory database. */
OX_API oxk_err *oxk_registry_open_memory(oxk_registry **out);
/* A database file, created if missing, in WAL mode. key may be NULL (no
   encryption); any other string, including "", turns encryption on. */
OX_API oxk_err *oxk_registry_open(const char *path, const char *key, oxk_registry **out);
OX_API void oxk_registry_free(oxk_registry *r);
OX_API bool oxk_registry_encrypted(const oxk_registry *r);

/* The key from the environment variable OXIDE_REGISTRY_KEY; an error with
   the reference's text when unset. Unlike the original, an empty value is
   also an error (as its documentation says). *out is borrowed from the
   environment. */
OX_API oxk_err *oxk_registry_key_from_env(const char **out);

/* A row of `modules`. Every string is owned by the record. */
typedef struct oxk_module_record {
    oxk_module_meta meta;
    oxk_module_state state;
    char *updated_at;
} oxk_module_record;

OX_API void oxk_module_record_clear(oxk_module_record *r);
OX_API void oxk_module_records_free(oxk_module_record *rs, size_t n);

/* Insert, or replace every column of the row with the same id. */
OX_API oxk_err *oxk_registry_upsert_module(oxk_registry *r, const oxk_module_meta *meta,
                                   oxk_module_state state);
/* Only state and updated_at; UNKNOWN_MODULE when there is no such row. */
OX_API oxk_err *oxk_registry_set_module_state(oxk_registry *r, const char *id, oxk_module_state state);
/* *found says whether the row exists; *out is filled only when it does. */
OX_API oxk_err *oxk_registry_get_module(oxk_registry *r, const char *id, bool *found,
                                oxk_module_record *out);
/* Every row ordered by id; free with oxk_module_records_free(*out, *n). */
OX_API oxk_err *oxk_registry_list_modules(oxk_registry *r, oxk_module_record **out, size_t *n);
/* New: remove a module's row (the original had no way to). *removed may be
   NULL. */
OX_API oxk_err *oxk_registry_delete_module(oxk_registry *r, const char *id, bool *removed);

/* Store any JSON value (encrypted when a key was given). */
OX_API oxk_err *oxk_registry_set_config(oxk_registry *r, const char *key, const json_t *value);
/* CONFIG_NOT_FOUND when absent; "config decrypt: …" (OTHER) when the
   ciphertext does not open; SERDE when the text is not JSON. */
OX_API oxk_err *oxk_registry_get_config(oxk_registry *r, const char *key, json_t **out);
/* The same, but an absent key gives *out = NULL and no error. */
OX_API oxk_err *oxk_registry_try_get_config(oxk_registry *r, const char *key, json_t **out);
/* *removed says whether a row was deleted (may be NULL). */
OX_API oxk_err *oxk_registry_delete_config(oxk_registry *r, const char *key, bool *removed);

#ifdef __cplusplus
}
#endif
#endif
