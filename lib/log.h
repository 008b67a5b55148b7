/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging: to stderr, or appended to the file named by CNET_LOG_FILE. Never to stdout, which
 * belongs to the CNI result. CNET_LOG_LEVEL = error|warn|info|debug (default warn).
 */
#ifndef CNET_LOG_H
#define CNET_LOG_H

enum cnet_log_level { CNET_LOG_ERROR, CNET_LOG_WARN, CNET_LOG_INFO, CNET_LOG_DEBUG };

/* Name shown in every line ("bridge", "host-local"); set once by main. */
void cnet_log_init(const char *prog);
void cnet_log(enum cnet_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define cnet_log_error(...) cnet_log(CNET_LOG_ERROR, __VA_ARGS__)
#define cnet_log_warn(...) cnet_log(CNET_LOG_WARN, __VA_ARGS__)
#define cnet_log_info(...) cnet_log(CNET_LOG_INFO, __VA_ARGS__)
#define cnet_log_debug(...) cnet_log(CNET_LOG_DEBUG, __VA_ARGS__)

#endif
