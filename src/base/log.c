/* Log lines are built whole in a buffer and written with one write(2), so lines from different
 * threads never interleave. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"

static log_level threshold = LOG_INFO;
static log_format output_format = LOG_TEXT;
static _Thread_local const char *request_id;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_setup(log_level min_level, log_format format)
{
	threshold = min_level;
	output_format = format;
}

bool log_level_parse(const char *s, log_level *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (log_level)i;
			return true;
		}
	}
	return false;
}

bool log_format_parse(const char *s, log_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = LOG_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = LOG_JSON;
	else
		return false;
	return true;
}

bool log_enabled(log_level level)
{
	return level >= threshold;
}

void log_set_request_id(const char *id)
{
	request_id = id;
}

static void put_json_string(buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

/* Text values are quoted when they would otherwise be ambiguous; control bytes never pass. */
static void put_text_value(buf *b, const char *s)
{
	bool plain = *s != '\0';
	for (const char *p = s; *p; p++)
		if (*p == ' ' || *p == '"' || *p == '=' || (unsigned char)*p < 0x20)
			plain = false;
	if (plain)
		buf_puts(b, s);
	else
		put_json_string(b, s);
}

static void format_json(buf *b, const char *when, log_level level, const char *msg,
                        const log_field *fields, int n)
{
	buf_printf(b, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":", when, level_names[level]);
	put_json_string(b, msg);
	if (request_id) {
		buf_puts(b, ",\"request_id\":");
		put_json_string(b, request_id);
	}
	for (int i = 0; i < n; i++) {
		if (!fields[i].value)
			continue;
		buf_putc(b, ',');
		put_json_string(b, fields[i].key);
		buf_putc(b, ':');
		put_json_string(b, fields[i].value);
	}
	buf_puts(b, "}\n");
}

static void format_text(buf *b, const char *when, log_level level, const char *msg,
                        const log_field *fields, int n)
{
	buf_printf(b, "%s %-5s ", when, level_names[level]);
	for (const char *p = msg; *p; p++)
		buf_putc(b, (unsigned char)*p < 0x20 ? ' ' : *p);
	if (request_id)
		buf_printf(b, " request_id=%s", request_id);
	for (int i = 0; i < n; i++) {
		if (!fields[i].value)
			continue;
		buf_printf(b, " %s=", fields[i].key);
		put_text_value(b, fields[i].value);
	}
	buf_putc(b, '\n');
}

void log_fields(log_level level, const char *msg, const log_field *fields, int nfields)
{
	if (!log_enabled(level))
		return;
	char when[CLOCK_ISO_LEN];
	clock_format_iso8601(when, clock_now_ms());
	buf line = BUF_INIT;
	if (output_format == LOG_JSON)
		format_json(&line, when, level, msg, fields, nfields);
	else
		format_text(&line, when, level, msg, fields, nfields);
	ssize_t ignored = write(STDERR_FILENO, line.ptr, line.len);
	(void)ignored; /* nowhere to report a failure to write the log */
	buf_dispose(&line);
}

static void log_message(log_level level, const char *fmt, va_list ap)
{
	if (!log_enabled(level))
		return;
	buf msg = BUF_INIT;
	buf_vprintf(&msg, fmt, ap);
	log_fields(level, buf_cstr(&msg), NULL, 0);
	buf_dispose(&msg);
}

#define DEFINE_LOG_FN(name, level)           \
	void name(const char *fmt, ...)      \
	{                                    \
		va_list ap;                  \
		va_start(ap, fmt);           \
		log_message(level, fmt, ap); \
		va_end(ap);                  \
	}

DEFINE_LOG_FN(log_debug, LOG_DEBUG)
DEFINE_LOG_FN(log_info, LOG_INFO)
DEFINE_LOG_FN(log_warn, LOG_WARN)
DEFINE_LOG_FN(log_error, LOG_ERROR)
