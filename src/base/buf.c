/* buf and slice. */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"

void buf_reserve(buf *b, size_t extra)
{
	size_t need = mem_add(mem_add(b->len, extra), 1);
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = mem_mul(cap, 2);
	b->ptr = mem_realloc(b->ptr, cap);
	b->cap = cap;
}

void buf_append(buf *b, const void *data, size_t len)
{
	buf_reserve(b, len);
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void buf_puts(buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(buf *b, char c)
{
	buf_append(b, &c, 1);
}

void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	char probe[256];
	int n = vsnprintf(probe, sizeof probe, fmt, ap);
	if (n < 0) {
		va_end(again);
		return;
	}
	if ((size_t)n < sizeof probe) {
		buf_append(b, probe, (size_t)n);
	} else {
		buf_reserve(b, (size_t)n);
		vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
}

void buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_clear(buf *b)
{
	buf_truncate(b, 0);
}

void buf_truncate(buf *b, size_t len)
{
	if (len > b->len)
		return;
	b->len = len;
	if (b->ptr)
		b->ptr[len] = '\0';
}

const char *buf_cstr(const buf *b)
{
	return b->ptr ? b->ptr : "";
}

char *buf_detach(buf *b)
{
	char *p = b->ptr ? b->ptr : mem_zalloc(1);
	*b = BUF_INIT;
	return p;
}

void buf_dispose(buf *b)
{
	free(b->ptr);
	*b = BUF_INIT;
}

slice slice_cstr(const char *s)
{
	return (slice){ s, strlen(s) };
}

bool slice_eq(slice a, slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool slice_eq_cstr(slice a, const char *s)
{
	return slice_eq(a, slice_cstr(s));
}

bool slice_eq_nocase(slice a, const char *s)
{
	size_t n = strlen(s);
	return a.len == n && strncasecmp(a.ptr, s, n) == 0;
}

bool slice_starts_with(slice a, const char *prefix)
{
	size_t n = strlen(prefix);
	return a.len >= n && memcmp(a.ptr, prefix, n) == 0;
}

slice slice_trim(slice a)
{
	while (a.len && (a.ptr[0] == ' ' || a.ptr[0] == '\t')) {
		a.ptr++;
		a.len--;
	}
	while (a.len && (a.ptr[a.len - 1] == ' ' || a.ptr[a.len - 1] == '\t'))
		a.len--;
	return a;
}
