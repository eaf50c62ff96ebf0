/* json.c — string and JSON processing: build a JSON document of records
   as text, then tokenize and parse it back, summing numbers, hashing keys
   and string values, and unescaping strings. Byte-at-a-time scanning,
   branches on characters, small string copies. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

const char bench_name[] = "json";

typedef struct {
    char *p;
} writer;

static void put_str(writer *w, const char *s)
{
    size_t n = strlen(s);
    memcpy(w->p, s, n);
    w->p += n;
}

static void put_int(writer *w, int64_t v)
{
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *w->p++ = '-';
    while (n)
        *w->p++ = tmp[--n];
}

/* One record: {"id":N,"name":"...","tags":["..",..],"score":-12.345,"ok":true} */
static void put_record(writer *w, uint32_t id, uint32_t *seed)
{
    static const char *names[] = {"alpha", "beta \\\"quoted\\\"", "gamma\\nline", "delta",
                                  "epsilon \\u00e9", "zeta", "eta", "theta\\t"};
    put_str(w, "{\"id\":");
    put_int(w, id);
    put_str(w, ",\"name\":\"");
    put_str(w, names[bench_rand(seed) & 7]);
    put_str(w, "\",\"tags\":[");
    uint32_t ntags = bench_rand(seed) % 4;
    for (uint32_t t = 0; t < ntags; t++) {
        if (t)
            *w->p++ = ',';
        *w->p++ = '"';
        put_str(w, names[bench_rand(seed) & 7]);
        *w->p++ = '"';
    }
    put_str(w, "],\"score\":");
    int32_t score = (int32_t)(bench_rand(seed) % 2000000) - 1000000;
    put_int(w, score / 1000);
    *w->p++ = '.';
    uint32_t frac = (uint32_t)(score < 0 ? -score : score) % 1000;
    *w->p++ = (char)('0' + frac / 100);
    *w->p++ = (char)('0' + frac / 10 % 10);
    *w->p++ = (char)('0' + frac % 10);
    put_str(w, bench_rand(seed) & 1 ? ",\"ok\":true}" : ",\"ok\":false}");
}

typedef struct {
    const char *p, *end;
    uint64_t hash;   /* of every key and string value, unescaped */
    int64_t numsum;  /* numbers as fixed point, thousandths */
    uint32_t strings, bools;
    int error;
    char scratch[256];
} parser;

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r'))
        ps->p++;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
           c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void parse_value(parser *ps);

/* A string after its opening quote: unescape into scratch, hash it. */
static void parse_string(parser *ps)
{
    uint32_t n = 0;
    while (ps->p < ps->end && *ps->p != '"') {
        char c = *ps->p++;
        if (c == '\\') {
            char e = *ps->p++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'u': {
                int v = 0;
                for (int k = 0; k < 4; k++)
                    v = v * 16 + hexval(*ps->p++);
                c = (char)(v & 0x7f); /* folding is enough for a checksum */
                break;
            }
            default: c = e; break;
            }
        }
        if (n < sizeof ps->scratch)
            ps->scratch[n++] = c;
    }
    ps->p++; /* closing quote */
    uint64_t h = 1469598103934665603ull;
    for (uint32_t k = 0; k < n; k++)
        h = (h ^ (uint8_t)ps->scratch[k]) * 1099511628211ull;
    ps->hash = bench_mix(ps->hash, h);
    ps->strings++;
}

static void parse_number(parser *ps)
{
    int neg = *ps->p == '-';
    if (neg)
        ps->p++;
    int64_t v = 0;
    while (*ps->p >= '0' && *ps->p <= '9')
        v = v * 10 + (*ps->p++ - '0');
    int64_t frac = 0;
    if (*ps->p == '.') {
        ps->p++;
        for (int k = 0; k < 3; k++)
            frac = frac * 10 + (*ps->p >= '0' && *ps->p <= '9' ? *ps->p++ - '0' : 0);
    }
    v = v * 1000 + frac;
    ps->numsum += neg ? -v : v;
}

static void parse_value(parser *ps)
{
    skip_ws(ps);
    if (ps->p >= ps->end) {
        ps->error = 1;
        return;
    }
    char c = *ps->p;
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        ps->p++;
        skip_ws(ps);
        if (*ps->p == close) {
            ps->p++;
            return;
        }
        for (;;) {
            if (close == '}') {
                skip_ws(ps);
                if (*ps->p++ != '"') {
                    ps->error = 1;
                    return;
                }
                parse_string(ps);
                skip_ws(ps);
                if (*ps->p++ != ':') {
                    ps->error = 1;
                    return;
                }
            }
            parse_value(ps);
            skip_ws(ps);
            if (*ps->p == ',') {
                ps->p++;
                continue;
            }
            if (*ps->p++ != close)
                ps->error = 1;
            return;
        }
    } else if (c == '"') {
        ps->p++;
        parse_string(ps);
    } else if (c == 't' && !memcmp(ps->p, "true", 4)) {
        ps->p += 4;
        ps->bools++;
    } else if (c == 'f' && !memcmp(ps->p, "false", 5)) {
        ps->p += 5;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        parse_number(ps);
    } else {
        ps->error = 1;
    }
}

uint64_t bench_run(void)
{
    const uint32_t records = 20000;
    const uint32_t rounds = BENCH_PICK(180, 18);
    char *doc = malloc(records * 200 + 16);
    if (!doc)
        return 0;
    uint32_t seed = 362436069u;
    uint64_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        writer w = {doc};
        *w.p++ = '[';
        for (uint32_t i = 0; i < records; i++) {
            if (i)
                put_str(&w, ",\n");
            put_record(&w, r * records + i, &seed);
        }
        *w.p++ = ']';
        parser ps = {.p = doc, .end = w.p};
        parse_value(&ps);
        h = bench_mix(h, ps.hash);
        h = bench_mix(h, (uint64_t)ps.numsum);
        h = bench_mix(h, ps.strings);
        h = bench_mix(h, ps.bools);
        h = bench_mix(h, (uint64_t)(w.p - doc) << 1 | (uint64_t)ps.error);
    }
    free(doc);
    return h;
}
