/* schema.c — the JSON Schema subset of schema.h: a compile pass that refuses
   what it cannot enforce, and a validator that names the failing path. */
#define _GNU_SOURCE /* REG_STARTEND, newlocale/uselocale */
#include <locale.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

typedef struct pattern {
    const json_t *node; /* the "pattern" string it was compiled from */
    regex_t re;
} pattern;

struct oxm_schema {
    json_t *root;
    pattern *pats;
    size_t npats, cappats;
    /* Patterns match code points, not bytes: regcomp/regexec run in a
       UTF-8 LC_CTYPE set for this thread only (uselocale), so the
       process's locale is never touched. */
    locale_t utf8;
};

/* A JSON pointer being built while walking, and the message buffer. */
typedef struct walk {
    char path[256];
    size_t len;
    char *why;
    size_t n;
} walk;

static size_t push(walk *w, const char *key)
{
    size_t old = w->len;
    if (w->len + 1 < sizeof w->path)
        w->path[w->len++] = '/';
    for (const char *p = key; *p && w->len + 2 < sizeof w->path; p++) {
        if (*p == '~' || *p == '/') { /* RFC 6901 escapes */
            w->path[w->len++] = '~';
            w->path[w->len++] = *p == '~' ? '0' : '1';
        } else {
            w->path[w->len++] = *p;
        }
    }
    w->path[w->len] = 0;
    return old;
}

static size_t push_index(walk *w, size_t i)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%zu", i);
    return push(w, buf);
}

static void pop(walk *w, size_t old)
{
    w->len = old;
    w->path[old] = 0;
}

static bool fail(walk *w, const char *fmt, ...)
{
    int k = snprintf(w->why, w->n, "%s: ", w->len ? w->path : "/");
    if (k >= 0 && (size_t)k < w->n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->why + k, w->n - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* ---- Patterns ---------------------------------------------------------- */

/* ECMAScript to POSIX ERE, for the part both have. NULL (with why) when
   the pattern uses what ERE lacks, or could make regcomp's automaton huge
   (repetition counts multiply its states): patterns are at most 512 bytes,
   a count at most 100, all counts multiplied at most 10,000. */
static char *translate(const char *src, walk *w)
{
    size_t n = strlen(src), cap = n * 12 + 1, o = 0;
    if (n > 512) {
        fail(w, "pattern is longer than 512 bytes");
        return NULL;
    }
    char *dst = malloc(cap);
    if (!dst) {
        fail(w, "out of memory");
        return NULL;
    }
    bool in_class = false;
    bool can_repeat = false; /* the last thing written was an atom or a group */
    unsigned long product = 1;
    const char *why = "uses a regular-expression feature Oxide cannot enforce (lookaround, lazy "
                      "quantifiers, backreferences, \\b, escapes like \\u)";
    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        const char *put = NULL;
        char one[3] = {c, 0, 0};
        char count[48];
        bool atom = true;
        if (c == '\\' && i + 1 < n) {
            char e = src[++i];
            static const struct { char e; const char *out, *in; } cls[] = {
                {'d', "[0-9]", "0-9"},
                {'w', "[A-Za-z0-9_]", "A-Za-z0-9_"},
                {'s', "[[:space:]]", "[:space:]"},
                {'D', "[^0-9]", NULL},
                {'W', "[^A-Za-z0-9_]", NULL},
                {'S', "[^[:space:]]", NULL},
            };
            for (size_t k = 0; k < sizeof cls / sizeof cls[0] && !put; k++)
                if (cls[k].e == e)
                    put = in_class ? cls[k].in : cls[k].out;
            if (!put && strchr("dwsDWS", e))
                goto refuse;
            if (!put) {
                if (e == 'n' || e == 't' || e == 'r' || e == 'f' || e == 'v') {
                    one[0] = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'f' ? '\f' : '\v';
                } else if (strchr("\\^$.|?*+()[]{}/-", e)) {
                    /* a literal: escaped outside a class, as itself inside */
                    if (in_class) {
                        if (e == ']' || e == '\\' || e == '^' || e == '-')
                            goto refuse; /* no POSIX spelling inside a class */
                        one[0] = e;
                    } else if (e == '/' || e == '-') {
                        one[0] = e;
                    } else {
                        one[0] = '\\';
                        one[1] = e;
                    }
                } else {
                    goto refuse; /* \b, \B, \1, \u, \x, \c, \p... */
                }
                put = one;
            }
        } else if (in_class) {
            if (c == ']')
                in_class = false;
            put = one;
            atom = !in_class;
        } else if (c == '[') {
            in_class = true;
            size_t j = i + 1;
            if (j < n && src[j] == '^')
                j++;
            if (j < n && src[j] == ']')
                goto refuse; /* ECMAScript's empty class [] */
            put = one;
            atom = false;
        } else if (c == '(' && i + 1 < n && src[i + 1] == '?') {
            if (i + 2 < n && src[i + 2] == ':') {
                put = "(";
                i += 2;
                atom = false;
            } else {
                goto refuse; /* lookaround, named groups */
            }
        } else if (c == '(' || c == '|' || c == '^' || c == '$') {
            put = one;
            atom = false;
        } else if (c == '*' || c == '+' || c == '?' || c == '{') {
            if (!can_repeat) {
                why = "has a quantifier with nothing to repeat";
                goto refuse;
            }
            if (i + 1 < n && src[i + 1] == '?')
                goto refuse; /* lazy quantifier */
            if (c == '{') {
                char *end;
                unsigned long lo = strtoul(src + i + 1, &end, 10), hi = lo;
                if (end == src + i + 1 || (*end != ',' && *end != '}')) {
                    why = "has a '{' that is not a repetition count (escape it as \\{)";
                    goto refuse;
                }
                if (*end == ',') {
                    const char *h = end + 1;
                    hi = *h == '}' ? lo : strtoul(h, &end, 10);
                    if (*h == '}')
                        end = (char *)h;
                    if (*end != '}' || hi < lo) {
                        why = "has a malformed repetition count";
                        goto refuse;
                    }
                }
                product *= hi ? hi : 1;
                if (hi > 100 || product > 10000) {
                    why = "repeats too much (counts up to 100, all counts multiplied up to 10,000)";
                    goto refuse;
                }
                size_t k = (size_t)(end - (src + i)) + 1;
                snprintf(count, sizeof count, "%.*s", (int)k, src + i);
                put = count;
                i += k - 1;
            } else {
                put = one;
            }
            atom = false;
        } else if (c == ')') {
            put = one;
        } else {
            put = one;
        }
        can_repeat = atom && !in_class;
        size_t k = strlen(put);
        if (o + k + 1 > cap)
            goto refuse;
        memcpy(dst + o, put, k);
        o += k;
    }
    dst[o] = 0;
    return dst;
refuse:
    free(dst);
    fail(w, "pattern \"%s\" %s", src, why);
    return NULL;
}

static bool add_pattern(oxm_schema *s, const json_t *node, walk *w)
{
    char *ere = translate(json_string_value(node), w);
    if (!ere)
        return false;
    if (s->npats == s->cappats) {
        size_t nc = s->cappats ? s->cappats * 2 : 4;
        pattern *np = realloc(s->pats, nc * sizeof *np);
        if (!np) {
            free(ere);
            return fail(w, "out of memory");
        }
        s->pats = np;
        s->cappats = nc;
    }
    locale_t old = uselocale(s->utf8);
    int rc = regcomp(&s->pats[s->npats].re, ere, REG_EXTENDED | REG_NOSUB);
    uselocale(old);
    free(ere);
    if (rc != 0)
        return fail(w, "pattern \"%s\" is not a valid regular expression", json_string_value(node));
    s->pats[s->npats++].node = node;
    return true;
}

static const regex_t *find_pattern(const oxm_schema *s, const json_t *node)
{
    for (size_t i = 0; i < s->npats; i++)
        if (s->pats[i].node == node)
            return &s->pats[i].re;
    return NULL;
}

/* ---- Compile: check every keyword ---------------------------------------- */

static const char *const TYPES[] = {"null", "boolean", "object", "array", "number", "integer", "string"};

static bool known_type(const json_t *v)
{
    if (!json_is_string(v))
        return false;
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (!strcmp(json_string_value(v), TYPES[i]))
            return true;
    return false;
}

static bool is_count(const json_t *v)
{
    return (json_is_integer(v) && json_integer_value(v) >= 0) ||
           (json_is_real(v) && json_real_value(v) >= 0 && floor(json_real_value(v)) == json_real_value(v));
}

static const char *const ANNOTATIONS[] = {
    "title", "description", "default", "examples", "format", "$schema", "$id", "$comment",
    "readOnly", "writeOnly", "deprecated", "contentMediaType", "contentEncoding", "$defs",
    "definitions",
};

static bool compile_node(oxm_schema *s, json_t *node, walk *w);

static bool compile_list(oxm_schema *s, const char *key, json_t *v, walk *w)
{
    if (!json_is_array(v) || !json_array_size(v))
        return fail(w, "`%s` must be a non-empty array of schemas", key);
    size_t i;
    json_t *sub;
    json_array_foreach(v, i, sub) {
        size_t old = push_index(w, i);
        if (!compile_node(s, sub, w))
            return false;
        pop(w, old);
    }
    return true;
}

static bool compile_keyword(oxm_schema *s, const char *key, json_t *v, walk *w)
{
    if (!strcmp(key, "type")) {
        if (known_type(v))
            return true;
        if (json_is_array(v) && json_array_size(v)) {
            size_t i;
            json_t *t;
            json_array_foreach(v, i, t) if (!known_type(t)) return fail(w, "unknown type in `type`");
            return true;
        }
        return fail(w, "`type` must be a type name or a non-empty array of them");
    }
    if (!strcmp(key, "properties")) {
        if (!json_is_object(v))
            return fail(w, "`properties` must be an object");
        const char *name;
        json_t *sub;
        json_object_foreach(v, name, sub) {
            size_t old = push(w, name);
            if (!compile_node(s, sub, w))
                return false;
            pop(w, old);
        }
        return true;
    }
    if (!strcmp(key, "additionalProperties") || !strcmp(key, "items") || !strcmp(key, "not")) {
        if (json_is_array(v))
            return fail(w, "`%s` as an array (tuple validation) is not supported", key);
        return compile_node(s, v, w);
    }
    if (!strcmp(key, "anyOf") || !strcmp(key, "allOf") || !strcmp(key, "oneOf"))
        return compile_list(s, key, v, w);
    if (!strcmp(key, "required")) {
        size_t i;
        json_t *r;
        if (!json_is_array(v))
            return fail(w, "`required` must be an array of strings");
        json_array_foreach(v, i, r) if (!json_is_string(r)) return fail(w, "`required` must be an array of strings");
        return true;
    }
    if (!strcmp(key, "enum"))
        return json_is_array(v) ? true : fail(w, "`enum` must be an array");
    if (!strcmp(key, "const"))
        return true;
    if (!strcmp(key, "minimum") || !strcmp(key, "maximum") || !strcmp(key, "exclusiveMinimum") ||
        !strcmp(key, "exclusiveMaximum"))
        return json_is_number(v) ? true : fail(w, "`%s` must be a number", key);
    if (!strcmp(key, "minLength") || !strcmp(key, "maxLength") || !strcmp(key, "minItems") ||
        !strcmp(key, "maxItems"))
        return is_count(v) ? true : fail(w, "`%s` must be a non-negative integer", key);
    if (!strcmp(key, "pattern"))
        return json_is_string(v) ? add_pattern(s, v, w) : fail(w, "`pattern` must be a string");
    for (size_t i = 0; i < sizeof ANNOTATIONS / sizeof ANNOTATIONS[0]; i++)
        if (!strcmp(key, ANNOTATIONS[i]))
            return true;
    return fail(w, "keyword `%s` is not supported (Oxide enforces type, properties, required, "
                   "additionalProperties, items, enum, const, minimum/maximum, minLength/maxLength, "
                   "pattern, minItems/maxItems, anyOf/allOf/oneOf/not)", key);
}

static bool compile_node(oxm_schema *s, json_t *node, walk *w)
{
    if (json_is_boolean(node))
        return true;
    if (!json_is_object(node))
        return fail(w, "a schema must be an object or a boolean");
    const char *key;
    json_t *v;
    json_object_foreach(node, key, v) {
        size_t old = push(w, key);
        if (!compile_keyword(s, key, v, w))
            return false;
        pop(w, old);
    }
    return true;
}

oxm_schema *oxm_schema_compile(json_t *schema, char *why, size_t n)
{
    oxm_schema *s = calloc(1, sizeof *s);
    walk w = {.why = why, .n = n};
    if (!s) {
        fail(&w, "out of memory");
        return NULL;
    }
    s->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!s->utf8) {
        fail(&w, "no C.UTF-8 locale for patterns");
        free(s);
        return NULL;
    }
    s->root = json_incref(schema);
    if (!compile_node(s, schema, &w)) {
        oxm_schema_free(s);
        return NULL;
    }
    return s;
}

void oxm_schema_free(oxm_schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->npats; i++)
        regfree(&s->pats[i].re);
    free(s->pats);
    json_decref(s->root);
    if (s->utf8)
        freelocale(s->utf8);
    free(s);
}

/* ---- Validate -------------------------------------------------------------- */

static const char *kind_of(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static bool is_integer(const json_t *v)
{
    return json_is_integer(v) ||
           (json_is_real(v) && isfinite(json_real_value(v)) && floor(json_real_value(v)) == json_real_value(v));
}

static bool has_type(const json_t *v, const char *t)
{
    if (!strcmp(t, "null")) return json_is_null(v);
    if (!strcmp(t, "boolean")) return json_is_boolean(v);
    if (!strcmp(t, "object")) return json_is_object(v);
    if (!strcmp(t, "array")) return json_is_array(v);
    if (!strcmp(t, "number")) return json_is_number(v);
    if (!strcmp(t, "integer")) return is_integer(v);
    return json_is_string(v);
}

/* JSON equality where 1 and 1.0 are the same number. */
static bool json_same(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    return json_equal(a, b);
}

static size_t code_points(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static bool check(const oxm_schema *s, const json_t *sc, const json_t *v, walk *w);

static bool check_keyword(const oxm_schema *s, const json_t *sc, const char *key, const json_t *k,
                          const json_t *v, walk *w)
{
    if (!strcmp(key, "type")) {
        if (json_is_string(k))
            return has_type(v, json_string_value(k)) ? true
                   : fail(w, "expected type %s, got %s", json_string_value(k), kind_of(v));
        size_t i;
        json_t *t;
        json_array_foreach(k, i, t) if (has_type(v, json_string_value(t))) return true;
        return fail(w, "%s is not any of the allowed types", kind_of(v));
    }
    if (!strcmp(key, "enum")) {
        size_t i;
        json_t *e;
        json_array_foreach(k, i, e) if (json_same(e, v)) return true;
        return fail(w, "value is not one of the allowed values");
    }
    if (!strcmp(key, "const"))
        return json_same(k, v) ? true : fail(w, "value is not the constant the schema requires");
    if (!strcmp(key, "anyOf") || !strcmp(key, "oneOf")) {
        size_t i, matched = 0;
        json_t *sub;
        char scratch[8];
        walk quiet = *w;
        quiet.why = scratch;
        quiet.n = sizeof scratch;
        json_array_foreach(k, i, sub) matched += check(s, sub, v, &quiet);
        if (!strcmp(key, "anyOf"))
            return matched ? true : fail(w, "value matches none of `anyOf`");
        return matched == 1 ? true : fail(w, "value matches %zu of `oneOf`, not exactly one", matched);
    }
    if (!strcmp(key, "allOf")) {
        size_t i;
        json_t *sub;
        json_array_foreach(k, i, sub) if (!check(s, sub, v, w)) return false;
        return true;
    }
    if (!strcmp(key, "not")) {
        char scratch[8];
        walk quiet = *w;
        quiet.why = scratch;
        quiet.n = sizeof scratch;
        return !check(s, k, v, &quiet) ? true : fail(w, "value matches the schema under `not`");
    }
    if (json_is_number(v) && json_is_number(k)) {
        double x = json_number_value(v), lim = json_number_value(k);
        if (!strcmp(key, "minimum") && !(x >= lim)) return fail(w, "%g is less than the minimum %g", x, lim);
        if (!strcmp(key, "maximum") && !(x <= lim)) return fail(w, "%g is more than the maximum %g", x, lim);
        if (!strcmp(key, "exclusiveMinimum") && !(x > lim)) return fail(w, "%g is not more than %g", x, lim);
        if (!strcmp(key, "exclusiveMaximum") && !(x < lim)) return fail(w, "%g is not less than %g", x, lim);
        return true;
    }
    if (json_is_string(v)) {
        const char *str = json_string_value(v);
        size_t len = json_string_length(v);
        if (!strcmp(key, "minLength") && code_points(str, len) < (size_t)json_number_value(k))
            return fail(w, "string is shorter than %g characters", json_number_value(k));
        if (!strcmp(key, "maxLength") && code_points(str, len) > (size_t)json_number_value(k))
            return fail(w, "string is longer than %g characters", json_number_value(k));
        if (!strcmp(key, "pattern")) {
            const regex_t *re = find_pattern(s, k);
            regmatch_t m = {.rm_so = 0, .rm_eo = (regoff_t)len};
            locale_t old = uselocale(s->utf8);
            int rc = re ? regexec(re, str, 1, &m, REG_STARTEND) : REG_NOMATCH;
            uselocale(old);
            if (rc != 0)
                return fail(w, "string does not match the pattern \"%s\"", json_string_value(k));
        }
        return true;
    }
    if (json_is_array(v)) {
        size_t n = json_array_size(v);
        if (!strcmp(key, "minItems") && n < (size_t)json_number_value(k))
            return fail(w, "array has fewer than %g items", json_number_value(k));
        if (!strcmp(key, "maxItems") && n > (size_t)json_number_value(k))
            return fail(w, "array has more than %g items", json_number_value(k));
        if (!strcmp(key, "items")) {
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item) {
                size_t old = push_index(w, i);
                if (!check(s, k, item, w))
                    return false;
                pop(w, old);
            }
        }
        return true;
    }
    if (json_is_object(v)) {
        if (!strcmp(key, "required")) {
            size_t i;
            json_t *r;
            json_array_foreach(k, i, r) if (!json_object_get(v, json_string_value(r)))
                return fail(w, "required property `%s` is missing", json_string_value(r));
        } else if (!strcmp(key, "properties")) {
            const char *name;
            json_t *sub;
            json_object_foreach((json_t *)k, name, sub) {
                const json_t *pv = json_object_get(v, name);
                if (!pv)
                    continue;
                size_t old = push(w, name);
                if (!check(s, sub, pv, w))
                    return false;
                pop(w, old);
            }
        } else if (!strcmp(key, "additionalProperties")) {
            const json_t *props = json_object_get(sc, "properties");
            const char *name;
            json_t *pv;
            json_object_foreach((json_t *)v, name, pv) {
                if (props && json_object_get(props, name))
                    continue;
                size_t old = push(w, name);
                if (json_is_false(k))
                    return fail(w, "property is not allowed");
                if (!check(s, k, pv, w))
                    return false;
                pop(w, old);
            }
        }
    }
    return true;
}

static bool check(const oxm_schema *s, const json_t *sc, const json_t *v, walk *w)
{
    if (json_is_true(sc))
        return true;
    if (json_is_false(sc))
        return fail(w, "no value is allowed here");
    const char *key;
    json_t *k;
    json_object_foreach((json_t *)sc, key, k) if (!check_keyword(s, sc, key, k, v, w)) return false;
    return true;
}

bool oxm_schema_validate(const oxm_schema *s, const json_t *inst, char *why, size_t n)
{
    walk w = {.why = why, .n = n};
    return check(s, s->root, inst, &w);
}
