/* SPDX-License-Identifier: MIT */
/* Logging with levels and UTC timestamps to stderr. */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

#define LOG_PRINTF __attribute__((format(printf, 1, 2)))
void log_error(const char *fmt, ...) LOG_PRINTF;
void log_warn(const char *fmt, ...) LOG_PRINTF;
void log_info(const char *fmt, ...) LOG_PRINTF;
void log_debug(const char *fmt, ...) LOG_PRINTF;

#endif
