/* Logging: human lines for operators on stderr, and JSON lines for the access log. */
#ifndef XF_LOG_H
#define XF_LOG_H

#include <stdio.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
/* Where the access log goes (NULL = off). Not owned. Returns the previous file, which no
 * thread writes to once this returns (so it may be closed: log reopening on SIGHUP). */
FILE *log_set_access(FILE *f);
FILE *log_access_file(void);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write one complete line to the access log atomically. Lines are buffered (a write per
 * request cost a system call under one lock): log_access_flush writes them out, and `serve`
 * calls it every 100 ms, so a line reaches the file within about 0.1 s. */
void log_access_line(const char *line, size_t len);
void log_access_flush(void);

#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
