/* The one growable byte buffer (buf) and the one non-owning byte range (slice) of weft.
 * A buf's bytes are always followed by a NUL that is not counted in len, so buf.ptr can be used
 * as a C string when the content has no NUL of its own. */
#ifndef WEFT_BASE_BUF_H
#define WEFT_BASE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct buf {
	char *ptr; /* NULL until the first write; then NUL-terminated */
	size_t len; /* bytes in use, not counting the terminator */
	size_t cap; /* bytes allocated */
} buf;

typedef struct slice {
	const char *ptr;
	size_t len;
} slice;

#define BUF_INIT ((buf){ 0 })
#define SLICE(s) ((slice){ (s), sizeof(s) - 1 }) /* from a string literal */

/* Makes room for at least extra more bytes (plus the terminator). */
void buf_reserve(buf *b, size_t extra);
void buf_append(buf *b, const void *data, size_t len);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Empties the buffer and keeps its memory. */
void buf_clear(buf *b);
/* Shortens the content to len bytes (len <= b->len). */
void buf_truncate(buf *b, size_t len);
/* The content as a C string; "" for a buffer never written. Owned by b. */
const char *buf_cstr(const buf *b);
/* Hands the content to the caller (free() it) and resets b. Never NULL. */
char *buf_detach(buf *b);
/* Frees the content of a caller-owned buf and resets it (libgit2's _dispose). */
void buf_dispose(buf *b);
static inline slice buf_slice(const buf *b)
{
	return (slice){ b->ptr ? b->ptr : "", b->len };
}

slice slice_cstr(const char *s);
bool slice_eq(slice a, slice b);
bool slice_eq_cstr(slice a, const char *s);
bool slice_eq_nocase(slice a, const char *s);
bool slice_starts_with(slice a, const char *prefix);
/* Drops leading and trailing spaces and tabs. */
slice slice_trim(slice a);

#endif
