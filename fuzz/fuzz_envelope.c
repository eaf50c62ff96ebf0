/*
 * fuzz_envelope.c — libFuzzer harness: bus messages from JSON
 * (ox_envelope_from_json). A parsed envelope must serialise again and that
 * text must parse back to an envelope with the same id, source and message
 * type (the round trip the bus's persistence and bridges rely on).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oxide/bus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ox_envelope *env = NULL;
    ox_kerr *e = ox_envelope_from_json((const char *)data, size, &env);
    if (e) {
        if (env || !ox_kerr_message(e)[0])
            __builtin_trap();
        ox_kerr_free(e);
        return 0;
    }
    char *text = NULL;
    e = ox_envelope_to_json(env, &text);
    if (e) {
        ox_kerr_free(e); /* e.g. out of memory; not a round-trip failure */
        ox_envelope_unref(env);
        return 0;
    }
    ox_envelope *again = NULL;
    e = ox_envelope_from_json(text, strlen(text), &again);
    if (e || !again)
        __builtin_trap(); /* what we wrote we must read */
    if (strcmp(ox_envelope_id(env), ox_envelope_id(again)) ||
        strcmp(ox_envelope_source(env), ox_envelope_source(again)) ||
        ox_envelope_message(env)->type != ox_envelope_message(again)->type)
        __builtin_trap();
    ox_envelope_unref(again);
    free(text);
    ox_envelope_unref(env);
    return 0;
}
