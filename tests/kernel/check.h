/* check.h — the tiny assertion kit of the kernel tests. Each test file is
   one executable; a failed CHECK prints where and why and the file exits 1. */
#ifndef OX_TESTS_KERNEL_CHECK_H
#define OX_TESTS_KERNEL_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oxide/kernel/error.h"

static int check_failures;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

#define CHECK_STR(a, b)                                                                    \
    do {                                                                                   \
        const char *a_ = (a), *b_ = (b);                                                   \
        if (!a_ || !b_ || strcmp(a_, b_)) {                                                \
            fprintf(stderr, "%s:%d: \"%s\" != \"%s\" (%s vs %s)\n", __FILE__, __LINE__,     \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)", #a, #b);                       \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                        \
    do {                                                                                   \
        const char *h_ = (hay);                                                            \
        if (!h_ || !strstr(h_, (needle))) {                                                \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
                    h_ ? h_ : "(null)", (needle));                                         \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

/* The call must succeed; on failure print its error and abort the file,
   since later steps depend on it. */
#define OK(call)                                                                           \
    do {                                                                                   \
        oxk_err *e_ = (call);                                                              \
        if (e_) {                                                                          \
            fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call,           \
                    oxk_err_message(e_));                                                  \
            oxk_err_free(e_);                                                              \
            exit(1);                                                                       \
        }                                                                                  \
    } while (0)

/* The call must fail with `code`; evaluates to the error (caller frees). */
static inline oxk_err *expect_err_(oxk_err *e, oxk_err_code code, const char *what,
                                   const char *file, int line)
{
    if (!e) {
        fprintf(stderr, "%s:%d: %s succeeded, expected an error\n", file, line, what);
        check_failures++;
    } else if (oxk_err_code_of(e) != code) {
        fprintf(stderr, "%s:%d: %s: wrong error code %d (%s)\n", file, line, what,
                (int)oxk_err_code_of(e), oxk_err_message(e));
        check_failures++;
    }
    return e;
}
#define EXPECT_ERR(call, code) expect_err_((call), (code), #call, __FILE__, __LINE__)

#define RUN(test)                                                                          \
    do {                                                                                   \
        int before_ = check_failures;                                                      \
        test();                                                                            \
        fprintf(stderr, "%s %s\n", check_failures == before_ ? "ok  " : "FAIL", #test);    \
    } while (0)

#define CHECK_DONE() (check_failures ? (fprintf(stderr, "%d check(s) failed\n", check_failures), 1) : 0)

#endif
