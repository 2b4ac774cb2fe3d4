/* Issue keys in free text, by one forward scan: no regular expressions, no backtracking, so a
 * hostile commit message costs time linear in its length. */
#include "track/dvcs/keys.h"

#include <stdbool.h>
#include <string.h>

static bool is_alpha(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* A key may not touch a letter, a digit or the characters that join words into one token
 * (key0MES-123, MES-123k, 1ABC-123); anything else is whitespace or punctuation. Bytes of
 * multi-byte UTF-8 characters count as word characters: é-1 is no boundary. */
static bool is_word(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c >= 0x80;
}

static bool already_found(const array *keys, const char *key)
{
	const char *const *found = keys->items;
	for (size_t i = 0; i < keys->n; i++)
		if (strcmp(found[i], key) == 0)
			return true;
	return false;
}

/* The length of the key starting at text[i] (which follows a boundary), or 0: a letter, one or
 * more letters or digits, '-', one or more digits, then a boundary. The project part's letters
 * are all upper or all lower case: abc-12 in a branch name is a key, key0MES-123 is not. */
static size_t key_length(const char *text, size_t len, size_t i)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t j = i;
	bool upper = false, lower = false;
	if (!is_alpha(s[j]))
		return 0;
	for (; j < len && (is_alpha(s[j]) || is_digit(s[j])); j++) {
		upper |= s[j] >= 'A' && s[j] <= 'Z';
		lower |= s[j] >= 'a' && s[j] <= 'z';
	}
	if (j - i < 2 || j >= len || s[j] != '-' || (upper && lower))
		return 0;
	size_t digits = ++j;
	while (j < len && is_digit(s[j]))
		j++;
	if (j == digits || (j < len && is_word(s[j])))
		return 0;
	return j - i;
}

/* Skips the rest of a word, so that a scan never starts inside one. */
static size_t word_end(const char *text, size_t len, size_t i)
{
	while (i < len && is_word((unsigned char)text[i]))
		i++;
	return i;
}

void dvcs_keys_find(arena *a, const char *text, size_t len, array *keys)
{
	size_t i = 0, found = 0;
	while (i < len && found < DVCS_KEYS_PER_TEXT) {
		if (!is_word((unsigned char)text[i])) {
			i++;
			continue;
		}
		size_t n = key_length(text, len, i);
		if (n == 0 || n > DVCS_KEY_MAX) {
			i = word_end(text, len, i);
			continue;
		}
		char *key = arena_strndup(a, text + i, n);
		for (char *p = key; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		if (!already_found(keys, key)) {
			*ARRAY_PUSH(a, keys, const char *) = key;
			found++;
		}
		i += n;
	}
}
