/*
 * fuzz_mcp_schema.c — libFuzzer harness: the MCP server's JSON Schema subset
 * (src/mcp/schema.c). The input is a schema, a NUL byte, and an instance:
 * the schema is compiled (refused with a message, or accepted) and the
 * instance validated against it. Crashes, leaks, hangs and sanitizer
 * reports are bugs; so is a refusal or a failure without a message.
 */
#include <stdint.h>
#include <string.h>

#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t slen = nul ? (size_t)(nul - data) : size;
    json_t *schema = json_loadb((const char *)data, slen, JSON_DECODE_ANY, NULL);
    json_t *inst = nul ? json_loadb((const char *)nul + 1, size - slen - 1, JSON_DECODE_ANY, NULL) : NULL;
    if (schema) {
        char why[256] = "";
        oxm_schema *s = oxm_schema_compile(schema, why, sizeof why);
        if (!s && !why[0])
            __builtin_trap();
        if (s && inst) {
            why[0] = 0;
            if (!oxm_schema_validate(s, inst, why, sizeof why) && !why[0])
                __builtin_trap();
        }
        oxm_schema_free(s);
    }
    json_decref(schema);
    json_decref(inst);
    return 0;
}
