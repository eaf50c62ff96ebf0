/* wasi_tool.c — a kernel Wasm module that uses WASI: a reactor (no main)
   speaking the JSON guest ABI (alloc, free, oxide_invoke). Methods:
     read   input "PATH" (a JSON string without escapes): the file's text
     write  input "PATH": create the file with "x" in it
     env    input anything: {"argc": n, "greeting": $GREETING or null}
   A failing call answers {"error": "<what>: <strerror>"}, so the kernel test
   sees exactly what WASI refused. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>


__attribute__((export_name("alloc"))) void *guest_alloc(int32_t size)
{
    return malloc(size > 0 ? (size_t)size : 1);
}

__attribute__((export_name("free"))) void guest_free(void *p, int32_t size)
{
    (void)size;
    free(p);
}

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p)
            abort();
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

/* A JSON string literal of s[0..n). */
static void put_json_string(buf *b, const char *s, size_t n)
{
    puts_(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(b, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            puts_(b, esc);
        } else {
            put(b, (const char *)&c, 1);
        }
    }
    puts_(b, "\"");
}

static void error(buf *b, const char *what, const char *path)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s %s: %s", what, path, strerror(errno));
    puts_(b, "{\"error\":");
    put_json_string(b, msg, strlen(msg));
    puts_(b, "}");
}

static void do_read(buf *b, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        error(b, "open", path);
        return;
    }
    char data[4096];
    size_t n = fread(data, 1, sizeof data, f);
    fclose(f);
    puts_(b, "{\"content\":");
    put_json_string(b, data, n);
    puts_(b, "}");
}

static void do_write(buf *b, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        error(b, "create", path);
        return;
    }
    fputs("x", f);
    fclose(f);
    puts_(b, "{\"written\":true}");
}

static void do_env(buf *b)
{
    /* A reactor has no main, so argv comes straight from WASI. */
    __wasi_size_t argc = 0, size = 0;
    char num[32];
    snprintf(num, sizeof num, "%lu", __wasi_args_sizes_get(&argc, &size) ? 999ul
                                                                         : (unsigned long)argc);
    const char *g = getenv("GREETING");
    puts_(b, "{\"argc\":");
    puts_(b, num);
    puts_(b, ",\"greeting\":");
    if (g)
        put_json_string(b, g, strlen(g));
    else
        puts_(b, "null");
    puts_(b, "}");
}

__attribute__((export_name("oxide_invoke"))) int64_t guest_invoke(const char *m, int32_t mlen,
                                                                   const char *in, int32_t ilen)
{
    buf b = {0};
    char path[1024] = "";
    /* The input is a JSON string: strip the quotes (tests use no escapes). */
    if (ilen >= 2 && in[0] == '"' && in[ilen - 1] == '"' && (size_t)ilen - 2 < sizeof path) {
        memcpy(path, in + 1, (size_t)ilen - 2);
        path[ilen - 2] = 0;
    }
    if (mlen == 4 && !memcmp(m, "read", 4))
        do_read(&b, path);
    else if (mlen == 5 && !memcmp(m, "write", 5))
        do_write(&b, path);
    else if (mlen == 3 && !memcmp(m, "env", 3))
        do_env(&b);
    else
        puts_(&b, "{\"error\":\"unknown method\"}");
    return (int64_t)((uint64_t)(uintptr_t)b.p << 32 | (uint32_t)b.len);
}
