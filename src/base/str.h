/* Small string helpers that the C library lacks or gets wrong for untrusted input. */
#ifndef WEFT_BASE_STR_H
#define WEFT_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
bool str_eq_nocase(const char *a, const char *b);

/* The value of the hexadecimal digit c (either case), or -1 when c is none. */
int str_hex_digit(char c);

/* Parses the whole of s as a decimal integer in [min, max]: no sign games, no spaces, no
 * trailing bytes. WEFT_EINVALID with a message naming what when it is not. */
int str_to_i64(int64_t *out, const char *s, int64_t min, int64_t max, const char *what);

/* True when every byte of s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
bool str_is_utf8(const char *s, size_t len);

/* The number of Unicode characters (not bytes) of the UTF-8 string s. */
size_t str_utf8_chars(const char *s);

/* A one-line text field (a display name, a label): valid UTF-8, at most max_chars characters, no
 * line breaks or control characters. 0 or WEFT_EINVALID with a message "FIELD: …". An empty s
 * passes: callers that need a value say so. */
int str_check_line(const char *field, const char *s, size_t max_chars);
/* A name: as str_check_line, but empty is refused too ("FIELD: enter a name."). */
int str_check_name(const char *field, const char *s, size_t max_chars);

#endif
