/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check.h -- tiny assertion helpers for the WASI guest programs: each CHECK
 * prints "ok"/"FAIL" with its text; main returns the failure count.
 */
#ifndef SL_TESTS_WASI_GUESTS_CHECK_H
#define SL_TESTS_WASI_GUESTS_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            printf("ok %s\n", #cond);                                                              \
        } else {                                                                                   \
            printf("FAIL %s (errno %d %s) at line %d\n", #cond, errno, strerror(errno), __LINE__); \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* A call that must fail with errno e. */
#define FAILS_WITH(call, e) CHECK((errno = 0, (call) < 0 && errno == (e)))

#endif /* SL_TESTS_WASI_GUESTS_CHECK_H */
