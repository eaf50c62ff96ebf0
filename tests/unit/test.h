/*
 * test.h — the unit tests' tiny harness: CHECK records a failure with its
 * location and goes on, so one run reports every broken assertion; main
 * returns test_summary(), non-zero when anything failed.
 */
#ifndef OX_TEST_H
#define OX_TEST_H

#include <inttypes.h>
#include <stdio.h>

static int test_failures, test_checks;

#define CHECK(cond)                                                              \
    do {                                                                         \
        test_checks++;                                                           \
        if (!(cond)) {                                                           \
            test_failures++;                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

/* Equality of two integers, printing both on failure. */
#define CHECK_EQ(a, b)                                                           \
    do {                                                                         \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                         \
        test_checks++;                                                           \
        if (a_ != b_) {                                                          \
            test_failures++;                                                     \
            fprintf(stderr, "%s:%d: %s == %s failed: 0x%" PRIx64 " != 0x%" PRIx64 "\n", \
                    __FILE__, __LINE__, #a, #b, a_, b_);                         \
        }                                                                        \
    } while (0)

static inline int test_summary(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
    return test_failures ? 1 : 0;
}

#endif
