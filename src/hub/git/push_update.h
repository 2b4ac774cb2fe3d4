/* One ref update of a push (ref, old hash, new hash): the type that pushes, their events and the
 * pull requests they move share, and the rules of its fields. A leaf: it includes no other hub
 * module, so that the push record and the modules it calls need not include each other. */
#ifndef WEFT_HUB_GIT_PUSH_UPDATE_H
#define WEFT_HUB_GIT_PUSH_UPDATE_H

#include <stdbool.h>

enum {
	PUSH_REF_MAX = 1024, /* bytes of a ref name */
	PUSH_HASH_MAX = 64, /* hex digits: SHA-256; SHA-1 has 40 */
};

/* One ref update. A hash of zeros only: the ref did not exist before (old) or was deleted
 * (new). */
typedef struct push_update {
	const char *ref; /* "refs/heads/main" */
	const char *old_hash;
	const char *new_hash;
} push_update;

/* Parses one line of the hook's input, "OLD NEW REF" (the trailing newline optional), into *out,
 * whose strings point into line (which is modified). WEFT_EINVALID for anything else. */
int hub_push_update_parse(push_update *out, char *line);

/* Whether hash is all zeros (a ref created or deleted). */
bool hub_push_update_is_zero(const char *hash);

/* Whether u has a ref (refs/…, at most PUSH_REF_MAX bytes, no control characters) and two
 * hashes (40 or 64 lower-case hex digits). WEFT_EINVALID naming the ref otherwise. */
int hub_push_update_check(const push_update *u);

#endif
