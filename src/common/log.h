/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.h -- levelled logging to stderr. The level comes from SLIGHT_LOG
 * (error|warn|info|debug|trace), else RUST_LOG as slight read it; default warn.
 */
#ifndef SL_COMMON_LOG_H
#define SL_COMMON_LOG_H

#include "sl_common.h"

enum sl_log_level {
    SL_LOG_ERROR = 0,
    SL_LOG_WARN,
    SL_LOG_INFO,
    SL_LOG_DEBUG,
    SL_LOG_TRACE,
};

/* Reads the environment once. Safe to call more than once. */
void sl_log_init(void);
/* True when messages of this level are shown. */
bool sl_log_enabled(enum sl_log_level level);
void sl_log(enum sl_log_level level, const char *fmt, ...) SL_PRINTF(2, 3);

#define sl_log_error(...) sl_log(SL_LOG_ERROR, __VA_ARGS__)
#define sl_log_warn(...)  sl_log(SL_LOG_WARN, __VA_ARGS__)
#define sl_log_info(...)  sl_log(SL_LOG_INFO, __VA_ARGS__)
#define sl_log_debug(...) sl_log(SL_LOG_DEBUG, __VA_ARGS__)
#define sl_log_trace(...) sl_log(SL_LOG_TRACE, __VA_ARGS__)

#endif /* SL_COMMON_LOG_H */
