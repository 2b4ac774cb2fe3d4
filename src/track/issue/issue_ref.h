/* Where an issue's id or key points: the issue and its project, by id and key. A leaf that the
 * issue module and the router's scope (track_perm.c) both resolve through, so that neither
 * includes the other for it. Domain only: no HTTP. */
#ifndef WEFT_TRACK_ISSUE_REF_H
#define WEFT_TRACK_ISSUE_REF_H

#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

typedef struct track_issue_ref {
	int64_t id, project_id;
	const char *key, *project_key; /* current keys, in a */
} track_issue_ref;

/* The issue id_or_key names: digits (fewer than 18) are its id, anything else a key in any case,
 * old keys of moved issues too. *old_key (NULL when not wanted) gets the key as asked, upper
 * case, when it is an old one, else NULL. WEFT_ENOTFOUND ("Issue does not exist or you do not
 * have permission to see it."); store errors. */
int track_issue_ref_find(db_conn *c, arena *a, const char *id_or_key, track_issue_ref *out,
                         const char **old_key);

#endif
