/* stdio.c — printf formatting and a stdin → stdout round trip. Built both
   natively and for wasm32-wasi; the test compares the two outputs. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    printf("ints: %d %u %x %o %lld\n", -42, 42u, 0xbeef, 8, -1234567890123LL);
    printf("floats: %.3f %e %g %.10g\n", 3.14159, 1e-7, 2.5e10, 1.0 / 3.0);
    printf("strings: [%s] [%10s] [%-6s] [%c]\n", "abc", "right", "left", 'z');
    fprintf(stderr, "this line goes to stderr\n");

    /* Echo stdin upper-cased, then count lines, words and bytes. */
    char line[1024];
    unsigned long lines = 0, words = 0, bytes = 0;
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strlen(line);
        bytes += n;
        lines += n && line[n - 1] == '\n';
        int in_word = 0;
        for (size_t i = 0; i < n; i++) {
            if (isspace((unsigned char)line[i])) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                words++;
            }
            line[i] = (char)toupper((unsigned char)line[i]);
        }
        fputs(line, stdout);
    }
    printf("lines=%lu words=%lu bytes=%lu\n", lines, words, bytes);
    return 0;
}
