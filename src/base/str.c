/* String helpers. */
#include "base/str.h"

#include <string.h>
#include <strings.h>

#include "base/err.h"

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bool str_eq_nocase(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

int str_to_i64(int64_t *out, const char *s, int64_t min, int64_t max, const char *what)
{
	const char *p = s;
	bool negative = *p == '-';
	if (negative)
		p++;
	if (*p < '0' || *p > '9')
		return err_fail(WEFT_EINVALID, "%s must be a whole number, not '%.40s'", what, s);
	uint64_t v = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return err_fail(WEFT_EINVALID, "%s is out of range", what);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p)
		return err_fail(WEFT_EINVALID, "%s must be a whole number, not '%.40s'", what, s);
	if (v > (uint64_t)INT64_MAX + (negative ? 1u : 0u))
		return err_fail(WEFT_EINVALID, "%s is out of range", what);
	int64_t n = negative ? (int64_t)(0 - v) : (int64_t)v;
	if (n < min || n > max)
		return err_fail(WEFT_EINVALID, "%s must be between %lld and %lld", what,
		                (long long)min, (long long)max);
	*out = n;
	return 0;
}

static size_t utf8_sequence_length(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0; /* overlong or beyond Unicode */
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0; /* surrogate */
	return n;
}

bool str_is_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	while (len) {
		size_t n = utf8_sequence_length(p, len);
		if (!n)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

size_t str_utf8_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xC0) != 0x80;
	return n;
}

int str_check_line(const char *field, const char *s, size_t max_chars)
{
	if (!str_is_utf8(s, strlen(s)) || str_utf8_chars(s) > max_chars)
		return err_fail(WEFT_EINVALID, "%s: at most %zu characters of text.", field,
		                max_chars);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_fail(WEFT_EINVALID, "%s: no line breaks or control characters.",
			                field);
	return 0;
}

int str_check_name(const char *field, const char *s, size_t max_chars)
{
	if (!*s)
		return err_fail(WEFT_EINVALID, "%s: enter a name.", field);
	return str_check_line(field, s, max_chars);
}

int str_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
