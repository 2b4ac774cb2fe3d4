/* Levelled logging to standard error, one line per event: human-readable text by default, JSON
 * objects with --log-format json. Each line carries the request id of the thread's current
 * request, when there is one. */
#ifndef WEFT_BASE_LOG_H
#define WEFT_BASE_LOG_H

#include <stdbool.h>

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;
typedef enum { LOG_TEXT, LOG_JSON } log_format;

/* A key and value added to a line; value NULL leaves the field out. */
typedef struct log_field {
	const char *key;
	const char *value;
} log_field;

/* Sets the threshold and the format; call before threads start. */
void log_setup(log_level min_level, log_format format);
/* Parses "debug|info|warn|error" and "text|json"; false for anything else. */
bool log_level_parse(const char *s, log_level *out);
bool log_format_parse(const char *s, log_format *out);
bool log_enabled(log_level level);

/* The request id that this thread's lines carry; NULL clears it. The string is not copied: it
 * must live until cleared. */
void log_set_request_id(const char *id);

/* One line with a message and extra fields. */
void log_fields(log_level level, const char *msg, const log_field *fields, int nfields);

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
