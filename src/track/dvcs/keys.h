/* Finding issue keys, as the connector links (connector.md, "Finding issue keys"): a letter, one
 * or more letters or digits, a hyphen and digits, standing alone (after the start, whitespace or
 * punctuation; before the end, whitespace or punctuation), matched case-insensitively and stored
 * upper-cased: branch feature/abc-12-login links to ABC-12. Smart commits (smart.h) use the
 * stricter, case-sensitive rule of their own. */
#ifndef WEFT_TRACK_DVCS_KEYS_H
#define WEFT_TRACK_DVCS_KEYS_H

#include <stddef.h>

#include "base/arena.h"
#include "base/array.h"

enum {
	DVCS_KEY_MAX = 64, /* longer candidates are not keys (a project key is at most 10) */
	DVCS_KEYS_PER_TEXT = 100, /* a message naming more links only its first 100 */
};

/* Appends to keys (an array of const char *, upper-cased, in a) each key of text[0..len) that
 * keys does not hold yet, in order of appearance. Reads any bytes, NULs included. */
void dvcs_keys_find(arena *a, const char *text, size_t len, array *keys);

#endif
