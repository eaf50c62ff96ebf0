/*
 * schema.h — the JSON Schema subset MCP tools use, checked once at start-up
 * and enforced on every call (internal to src/mcp/).
 *
 * Validation keywords: type (a name or a list), properties, required,
 * additionalProperties (true, false or a schema), items, enum, const,
 * minimum, maximum, exclusiveMinimum, exclusiveMaximum (numbers),
 * minLength, maxLength (in code points), pattern, minItems, maxItems,
 * anyOf, allOf, oneOf, not. Annotations are ignored (title, description,
 * default, examples, format, $schema, $id, $comment, readOnly...). Any
 * other keyword — $ref, if/then, patternProperties, dependentRequired... —
 * is refused when the schema is compiled, never ignored: a tool whose
 * schema Oxide cannot enforce does not start.
 *
 * Patterns are ECMAScript regular expressions in JSON Schema; they run as
 * POSIX extended ones, with \d \w \s \D \W \S translated. A pattern using
 * what POSIX lacks (lookaround, lazy quantifiers, backreferences, \b) is
 * refused when compiled.
 */
#ifndef OXM_SCHEMA_H
#define OXM_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct oxm_schema oxm_schema;

/* Compile schema (borrowed; the compiled form keeps a reference). NULL on
   refusal, with why in why[n] ("at /properties/x: unknown keyword `$ref`"). */
oxm_schema *oxm_schema_compile(json_t *schema, char *why, size_t n);
void oxm_schema_free(oxm_schema *s);

/* True if inst is valid; else false and why[n] names the first failure with
   its JSON pointer ("/text: expected a string, got a number"). */
bool oxm_schema_validate(const oxm_schema *s, const json_t *inst, char *why, size_t n);

#endif
