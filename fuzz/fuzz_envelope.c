/*
 * fuzz_envelope.c — libFuzzer harness: bus messages from JSON
 * (oxk_envelope_from_json). A parsed envelope must serialise again and that
 * text must parse back to an envelope with the same id, source and message
 * type (the round trip the bus's persistence and bridges rely on).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oxide/kernel/bus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oxk_envelope *env = NULL;
    oxk_err *e = oxk_envelope_from_json((const char *)data, size, &env);
    if (e) {
        if (env || !oxk_err_message(e)[0])
            __builtin_trap();
        oxk_err_free(e);
        return 0;
    }
    char *text = NULL;
    e = oxk_envelope_to_json(env, &text);
    if (e) {
        oxk_err_free(e); /* e.g. out of memory; not a round-trip failure */
        oxk_envelope_unref(env);
        return 0;
    }
    oxk_envelope *again = NULL;
    e = oxk_envelope_from_json(text, strlen(text), &again);
    if (e || !again)
        __builtin_trap(); /* what we wrote we must read */
    if (strcmp(oxk_envelope_id(env), oxk_envelope_id(again)) ||
        strcmp(oxk_envelope_source(env), oxk_envelope_source(again)) ||
        oxk_envelope_message(env)->type != oxk_envelope_message(again)->type)
        __builtin_trap();
    oxk_envelope_unref(again);
    free(text);
    oxk_envelope_unref(env);
    return 0;
}
