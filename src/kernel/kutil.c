/* kutil.c — UUIDs, timestamps and JSON conventions shared by the kernel. */
#define _GNU_SOURCE
#include "kutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>

void oxk_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        *out++ = digits[bytes[i] >> 4];
        *out++ = digits[bytes[i] & 15];
    }
    *out = 0;
}

/* OpenSSL's DRBG (per thread, seeded from the OS): a fraction of a
   microsecond, where libuuid reseeded random() on every UUID, a cost paid
   several times per bus message. */
void oxk_uuid_v4(char out[OXK_UUID_LEN + 1])
{
    unsigned char u[16];
    if (RAND_bytes(u, sizeof u) != 1) { /* no entropy to be had: the OS's, directly */
        FILE *f = fopen("/dev/urandom", "rb");
        if (!f || fread(u, 1, sizeof u, f) != sizeof u)
            abort(); /* an id that may repeat is worse than no process */
        fclose(f);
    }
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    /* 8-4-4-4-12 digits */
    oxk_hex(u, 4, out);
    out[8] = '-';
    oxk_hex(u + 4, 2, out + 9);
    out[13] = '-';
    oxk_hex(u + 6, 2, out + 14);
    out[18] = '-';
    oxk_hex(u + 8, 2, out + 19);
    out[23] = '-';
    oxk_hex(u + 10, 6, out + 24);
}

bool oxk_uuid_valid(const char *s)
{
    if (!s || strlen(s) != OXK_UUID_LEN)
        return false;
    for (int i = 0; i < OXK_UUID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

void oxk_time_now(char out[OXK_TIME_LEN + 1], bool zulu)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    /* Build in a roomy buffer (the compiler cannot prove the year has four
       digits), then copy the fixed-width result. */
    char buf[96];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, sizeof buf - n, ".%09ld%s", (long)(ts.tv_nsec % 1000000000L),
             zulu ? "Z" : "+00:00");
    buf[OXK_TIME_LEN] = 0;
    memcpy(out, buf, OXK_TIME_LEN + 1);
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

bool oxk_time_valid(const char *s)
{
    /* YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM) */
    if (!s || strlen(s) < 20)
        return false;
    if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2) || s[13] != ':' ||
        !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return false;
    int mon = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
    int hh = (s[11] - '0') * 10 + (s[12] - '0'), mi = (s[14] - '0') * 10 + (s[15] - '0');
    int ss = (s[17] - '0') * 10 + (s[18] - '0');
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mi > 59 || ss > 60)
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == 0)
        return true;
    if ((*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
        p[6] == 0)
        return true;
    return false;
}

char *oxk_json_dump(const json_t *v)
{
    /* JSON_ENCODE_ANY: scalars are valid payloads too (e.g. config value 8).
       JSON_COMPACT: the same bytes the original's serde_json::to_vec gives.
       JSON_PRESERVE_ORDER: keys stay in insertion order, so output is
       deterministic and matches what the producer wrote. */
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
}

oxk_err *oxk_json_parse(const char *text, size_t len, json_t **out)
{
    json_error_t err;
    *out = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!*out)
        return oxk_err_new(OXK_ERR_SERDE, "%s at line %d column %d", err.text, err.line,
                           err.column);
    return NULL;
}

char *oxk_strdup0(const char *s) { return s ? strdup(s) : NULL; }

int oxk_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno;
    size_t cap = 0;
    int rc = 0;
    for (;;) {
        if (*len + 1 >= cap) {
            size_t nc = cap ? cap * 2 : 65536;
            if (cap > max + 1) {
                rc = EFBIG;
                break;
            }
            uint8_t *nb = realloc(*buf, nc);
            if (!nb) {
                rc = ENOMEM;
                break;
            }
            *buf = nb;
            cap = nc;
        }
        size_t got = fread(*buf + *len, 1, cap - *len - 1, f);
        *len += got;
        if (got == 0) {
            if (ferror(f))
                rc = errno ? errno : EIO;
            break;
        }
    }
    fclose(f);
    if (!rc && *len > max)
        rc = EFBIG;
    if (rc) {
        free(*buf);
        *buf = NULL;
        *len = 0;
    }
    return rc;
}

bool ox_utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) {
            n = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}
