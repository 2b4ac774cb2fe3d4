/* Error codes and the thread-local error message (STYLE.md §3).
 * A function that can fail returns 0 or one of the negative codes below and, for every code but
 * success, leaves a one-line message for the caller through err_msg(). */
#ifndef WEFT_BASE_ERR_H
#define WEFT_BASE_ERR_H

enum {
	WEFT_OK = 0,
	WEFT_ERROR = -1, /* anything not listed below: I/O, a library failure, a bug */
	WEFT_ENOTFOUND = -2, /* the thing asked for does not exist (or may not be seen) */
	WEFT_EEXISTS = -3, /* creating something whose unique name is taken */
	WEFT_EINVALID = -4, /* input that breaks a rule: syntax, range, format */
	WEFT_EAUTH = -5, /* no credentials, or wrong ones */
	WEFT_EPERM = -6, /* authenticated but not allowed */
	WEFT_ECONFLICT = -7, /* the current state forbids the change */
	WEFT_ETOOLARGE = -8, /* input over a size limit */
	WEFT_ELIMIT = -9, /* a quota or rate limit was reached */
};

/* Sets this thread's error message (printf-style, truncated to one line of at most 511 bytes). */
void err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sets the message and returns code, so that a failure reads `return err_fail(WEFT_EINVALID, …)`. */
int err_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* This thread's last message; "" when none was set. The pointer stays valid until the next err_set. */
const char *err_msg(void);

/* Forgets this thread's message. */
void err_clear(void);

/* A stable lower-case name for a code ("not_found", "invalid", …), for logs and tests. */
const char *err_name(int code);

#endif
