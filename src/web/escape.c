/* Escaping for HTML and URLs, and percent-decoding. */
#include "web/escape.h"

#include <string.h>

#include "base/str.h"
#include "base/err.h"
#include "base/mem.h"

void esc_html(buf *out, const char *s, size_t len)
{
	size_t start = 0;
	buf_reserve(out, len);
	for (size_t i = 0; i < len; i++) {
		const char *entity;
		switch (s[i]) {
		case '&': entity = "&amp;"; break;
		case '<': entity = "&lt;"; break;
		case '>': entity = "&gt;"; break;
		case '"': entity = "&quot;"; break;
		case '\'': entity = "&#39;"; break;
		case '`': entity = "&#96;"; break;
		case '=': entity = "&#61;"; break;
		default: continue;
		}
		buf_append(out, s + start, i - start);
		buf_puts(out, entity);
		start = i + 1;
	}
	buf_append(out, s + start, len - start);
}

static int is_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static void pct_encode(buf *out, const char *s, size_t len, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_unreserved(c) || (keep_slash && c == '/')) {
			buf_putc(out, (char)c);
		} else {
			char enc[3] = { '%', hex[c >> 4], hex[c & 15] };
			buf_append(out, enc, 3);
		}
	}
}

void esc_url_segment(buf *out, const char *s, size_t len)
{
	pct_encode(out, s, len, 0);
}

void esc_url_path(buf *out, const char *s, size_t len)
{
	pct_encode(out, s, len, 1);
}

void esc_url_query(buf *out, const char *s, size_t len)
{
	pct_encode(out, s, len, 0);
}

void esc_json(buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, (char)c);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			/* <, > and & too, so JSON inside a <script> block cannot close it. */
			char enc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			buf_append(out, enc, 6);
		} else {
			buf_putc(out, (char)c);
		}
	}
}

int esc_pct_decode(char **out, size_t *out_len, arena *a, const char *s, size_t len,
                   int plus_is_space)
{
	char *d = arena_alloc(a, mem_add(len, 1));
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi = i + 2 < len ? str_hex_digit(s[i + 1]) : -1;
			int lo = i + 2 < len ? str_hex_digit(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				/* The input is not quoted back: it may be a password, or
				 * broken UTF-8 that a JSON error body could not carry. */
				return err_fail(
				        WEFT_EINVALID,
				        "a '%%' at byte %zu is not followed by two hex digits",
				        i + 1);
			d[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (plus_is_space && s[i] == '+') {
			d[n++] = ' ';
		} else {
			d[n++] = s[i];
		}
	}
	d[n] = '\0';
	*out = d;
	*out_len = n;
	return 0;
}
