/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.c -- levelled logging to stderr. RUST_LOG is honoured in its simple
 * forms ("debug", "slight=trace", "warn,slight=debug"): the directive for
 * "slight" wins, else a bare level.
 */
#include "sl_common.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int current_level = SL_LOG_WARN;

static int parse_level(const char *s, size_t n)
{
    static const char *const names[] = {"error", "warn", "info", "debug", "trace"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(names); i++)
        if (strlen(names[i]) == n && strncasecmp(s, names[i], n) == 0)
            return (int)i;
    if (n == 3 && strncasecmp(s, "off", 3) == 0)
        return -1;
    return -2;
}

/* RUST_LOG: comma-separated directives; "slight=LEVEL" or "LEVEL". */
static int parse_rust_log(const char *v)
{
    int bare = -2, ours = -2;
    while (*v) {
        size_t n = strcspn(v, ",");
        const char *eq = memchr(v, '=', n);
        if (eq) {
            size_t tn = (size_t)(eq - v);
            if ((tn == 6 && strncmp(v, "slight", 6) == 0))
                ours = parse_level(eq + 1, n - tn - 1);
        } else {
            bare = parse_level(v, n);
        }
        v += n;
        if (*v == ',')
            v++;
    }
    return ours != -2 ? ours : bare;
}

void sl_log_init(void)
{
    const char *v = getenv("SLIGHT_LOG");
    int lvl = -2;
    if (v && *v) {
        lvl = parse_level(v, strlen(v));
        if (lvl == -2)
            fprintf(stderr, "slight: warning: SLIGHT_LOG=\"%s\" is not one of "
                            "error|warn|info|debug|trace; using warn\n", v);
    } else if ((v = getenv("RUST_LOG")) && *v) {
        lvl = parse_rust_log(v);
    }
    current_level = lvl == -2 ? SL_LOG_WARN : lvl;
}

bool sl_log_enabled(enum sl_log_level level)
{
    return (int)level <= current_level;
}

void sl_log(enum sl_log_level level, const char *fmt, ...)
{
    static const char *const tags[] = {"error", "warning", "info", "debug", "trace"};
    if (!sl_log_enabled(level))
        return;
    char line[2048];
    int n = snprintf(line, sizeof(line), "slight: %s: ", tags[level]);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", line);
}
