/* SPDX-License-Identifier: Apache-2.0 */
/*
 * units.h -- parsing of human-written durations ("30s", "500ms") and sizes
 * ("64MiB", "1GB") for the command line and the slightfile's [limits] table.
 * Whole numbers only: "1.5s" is rejected; write "1500ms".
 */
#ifndef SL_COMMON_UNITS_H
#define SL_COMMON_UNITS_H

#include "sl_common.h"

#include "err.h"

/* The accepted forms, as the error messages spell them (for help texts). */
#define SL_DURATION_FORM "a number followed by ms, s, m or h (e.g. 30s, 500ms)"
#define SL_SIZE_FORM     "a number followed by B, KB, MB, GB, KiB, MiB or GiB (e.g. 64MiB, 512KB)"

/*
 * Parses a duration: decimal digits immediately followed by one unit, ms
 * (milliseconds), s, m (minutes) or h, case-sensitive, no spaces, no sign, no
 * fraction. "0s" is accepted (callers decide whether zero makes sense). On
 * success stores milliseconds in *out_ms. A bare number, a bad unit, an empty
 * string or a result that does not fit in 64 bits returns SL_EINVAL with a
 * message such as "invalid duration '30': expected a number followed by ms, s,
 * m or h (e.g. 30s, 500ms)"; *out_ms is then unchanged.
 */
sl_err sl_parse_duration(const char *s, uint64_t *out_ms, struct sl_error *err);

/*
 * Parses a size: decimal digits immediately followed by B, KB/MB/GB (powers
 * of ten) or KiB/MiB/GiB (powers of two), case-sensitive. On success stores
 * bytes in *out_bytes. Errors as for sl_parse_duration ("invalid size ...").
 */
sl_err sl_parse_size(const char *s, uint64_t *out_bytes, struct sl_error *err);

/*
 * Writes ms in the largest unit that divides it exactly ("90s", "2h",
 * "1500ms") into buf (always NUL-terminated). Round-trips through
 * sl_parse_duration.
 */
void sl_format_duration(uint64_t ms, char *buf, size_t bufsz);

/* Same for sizes: "64MiB", "1GB", "1000B" (binary units preferred). */
void sl_format_size(uint64_t bytes, char *buf, size_t bufsz);

#endif /* SL_COMMON_UNITS_H */
