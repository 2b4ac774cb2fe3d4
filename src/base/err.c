/* The thread-local error message behind err_set / err_msg. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char message[512];

static void set_message(const char *fmt, va_list ap)
{
	/* Formatted aside first: the arguments may include err_msg() itself. */
	char formatted[sizeof message];
	vsnprintf(formatted, sizeof formatted, fmt, ap);
	memcpy(message, formatted, sizeof message);
	/* One line: a message that ends up in a log line or a header must not break it. */
	for (char *p = message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

void err_set(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(fmt, ap);
	va_end(ap);
}

int err_fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(fmt, ap);
	va_end(ap);
	return code;
}

const char *err_msg(void)
{
	return message;
}

void err_clear(void)
{
	message[0] = '\0';
}

const char *err_name(int code)
{
	switch (code) {
	case WEFT_OK: return "ok";
	case WEFT_ENOTFOUND: return "not_found";
	case WEFT_EEXISTS: return "exists";
	case WEFT_EINVALID: return "invalid";
	case WEFT_EAUTH: return "auth";
	case WEFT_EPERM: return "permission";
	case WEFT_ECONFLICT: return "conflict";
	case WEFT_ETOOLARGE: return "too_large";
	case WEFT_ELIMIT: return "limit";
	default: return "error";
	}
}
