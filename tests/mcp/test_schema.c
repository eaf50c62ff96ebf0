/* test_schema.c — the MCP server's JSON Schema subset (src/mcp/schema.c):
   what each keyword accepts and refuses, the paths and words of its
   messages, and the schemas it will not compile. */
#include <stdio.h>
#include <string.h>

#include "schema.h"

static int failures;
#define CHECK(c, ...)                                                                  \
    do {                                                                               \
        if (!(c)) {                                                                    \
            failures++;                                                                \
            fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                            \
            fprintf(stderr, __VA_ARGS__);                                              \
            fputc('\n', stderr);                                                       \
        }                                                                              \
    } while (0)

/* "" when inst is valid against schema, else the message. */
static const char *run(const char *schema, const char *inst)
{
    static char why[512];
    json_t *sc = json_loads(schema, JSON_DECODE_ANY, NULL), *v = json_loads(inst, JSON_DECODE_ANY, NULL);
    CHECK(sc && v, "test input is not JSON: %s / %s", schema, inst);
    why[0] = 0;
    oxm_schema *s = sc ? oxm_schema_compile(sc, why, sizeof why) : NULL;
    CHECK(s, "schema refused: %s (%s)", schema, why);
    if (s && v && oxm_schema_validate(s, v, why, sizeof why))
        why[0] = 0;
    oxm_schema_free(s);
    json_decref(sc);
    json_decref(v);
    return why;
}

static void valid(const char *schema, const char *inst)
{
    const char *why = run(schema, inst);
    CHECK(!why[0], "%s should accept %s: %s", schema, inst, why);
}

static void invalid(const char *schema, const char *inst, const char *want)
{
    const char *why = run(schema, inst);
    CHECK(why[0] && strstr(why, want), "%s on %s: got '%s', want '%s'", schema, inst, why, want);
}

static void refused(const char *schema, const char *want)
{
    char why[512] = "";
    json_t *sc = json_loads(schema, JSON_DECODE_ANY, NULL);
    oxm_schema *s = oxm_schema_compile(sc, why, sizeof why);
    CHECK(!s && strstr(why, want), "%s: got '%s', want refusal '%s'", schema, why, want);
    oxm_schema_free(s);
    json_decref(sc);
}

int main(void)
{
    valid("{\"type\":\"object\"}", "{}");
    invalid("{\"type\":\"object\"}", "[]", "/: expected type object, got an array");
    valid("{\"type\":\"integer\"}", "3.0");
    invalid("{\"type\":\"integer\"}", "3.5", "expected type integer");
    valid("{\"type\":[\"string\",\"null\"]}", "null");
    invalid("{\"type\":[\"string\",\"null\"]}", "1", "not any of the allowed types");
    const char *obj = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b/c\":{\"type\":\"integer\"}},"
                      "\"required\":[\"a\"],\"additionalProperties\":false}";
    valid(obj, "{\"a\":\"x\",\"b/c\":2}");
    invalid(obj, "{}", "required property `a` is missing");
    invalid(obj, "{\"a\":\"x\",\"b/c\":\"y\"}", "/b~1c: expected type integer");
    invalid(obj, "{\"a\":\"x\",\"z\":1}", "/z: property is not allowed");
    valid("{\"additionalProperties\":{\"type\":\"number\"}}", "{\"x\":1,\"y\":2.5}");
    invalid("{\"additionalProperties\":{\"type\":\"number\"}}", "{\"x\":\"1\"}", "/x: expected type number");
    valid("{\"items\":{\"type\":\"string\"},\"minItems\":1,\"maxItems\":2}", "[\"a\"]");
    invalid("{\"items\":{\"type\":\"string\"}}", "[\"a\",2]", "/1: expected type string");
    invalid("{\"minItems\":1}", "[]", "fewer than 1");
    invalid("{\"maxItems\":1}", "[1,2]", "more than 1");
    valid("{\"enum\":[1,\"a\",null]}", "1.0");
    invalid("{\"enum\":[1,\"a\",null]}", "2", "not one of the allowed values");
    valid("{\"const\":{\"k\":[1]}}", "{\"k\":[1]}");
    invalid("{\"const\":5}", "6", "not the constant");
    valid("{\"minimum\":0,\"maximum\":10}", "10");
    invalid("{\"minimum\":0}", "-1", "less than the minimum 0");
    invalid("{\"exclusiveMaximum\":10}", "10", "not less than 10");
    invalid("{\"exclusiveMinimum\":0}", "0", "not more than 0");
    valid("{\"maxLength\":2}", "\"\\u00e9\\u00e9\""); /* code points, not bytes */
    invalid("{\"minLength\":3}", "\"ab\"", "shorter than 3");
    valid("{\"pattern\":\"^\\\\d{3}-\\\\w+$\"}", "\"123-ab_c\"");
    invalid("{\"pattern\":\"^\\\\d{3}$\"}", "\"12a\"", "does not match");
    valid("{\"pattern\":\"^.$\"}", "\"\\u00e9\""); /* one code point */
    valid("{\"pattern\":\"b\"}", "\"abc\""); /* not anchored, as in ECMAScript */
    valid("{\"pattern\":\"^(?:ab)+$\"}", "\"abab\"");
    valid("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "3");
    invalid("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "true", "none of `anyOf`");
    invalid("{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]}", "3", "2 of `oneOf`");
    invalid("{\"allOf\":[{\"minimum\":1},{\"maximum\":2}]}", "3", "more than the maximum 2");
    invalid("{\"not\":{\"type\":\"null\"}}", "null", "under `not`");
    invalid("false", "1", "no value is allowed");
    valid("{\"title\":\"t\",\"description\":\"d\",\"default\":1,\"format\":\"uri\",\"$schema\":\"x\"}", "\"any\"");

    refused("{\"$ref\":\"#/x\"}", "keyword `$ref` is not supported");
    refused("{\"properties\":{\"a\":{\"if\":{}}}}", "/properties/a/if");
    refused("{\"type\":\"thing\"}", "must be a type name");
    refused("{\"items\":[{}]}", "tuple validation");
    refused("{\"required\":[1]}", "array of strings");
    refused("{\"minLength\":-1}", "non-negative integer");
    refused("{\"pattern\":\"(?=a)\"}", "cannot enforce");
    refused("{\"pattern\":\"a+?\"}", "cannot enforce");
    refused("{\"pattern\":\"\\\\bword\"}", "cannot enforce");
    refused("{\"pattern\":\"(a)\\\\1\"}", "cannot enforce");
    refused("{\"pattern\":\"a++\"}", "nothing to repeat");
    refused("{\"pattern\":\"*a\"}", "nothing to repeat");
    refused("{\"pattern\":\"a{1000}\"}", "repeats too much");
    refused("{\"pattern\":\"((a{100}){100}){2}\"}", "repeats too much");
    refused("{\"pattern\":\"a{x}\"}", "not a repetition count");
    refused("{\"pattern\":\"(\"}", "not a valid regular expression");
    refused("3", "an object or a boolean");
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "ok", failures);
    return failures != 0;
}
