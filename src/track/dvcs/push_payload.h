/* The commits a repo:push webhook payload names (bitbucket-api.md A.11: push.changes[].commits,
 * at most five per change, newest first), read as hostile input for the provisional rows the
 * panel shows before the sync (provisional.h). Only what validates is taken; the rest is left to
 * the sync, which reads the mirror anyway. */
#ifndef WEFT_TRACK_DVCS_PUSH_PAYLOAD_H
#define WEFT_TRACK_DVCS_PUSH_PAYLOAD_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "track/dvcs/mirror.h"

enum {
	DVCS_PUSH_CHANGES_MAX = 32, /* changes read from one payload; later ones are left */
	DVCS_PUSH_CHANGE_COMMITS_MAX = 5, /* commits read per change: what hub and Bitbucket send */
	DVCS_PUSH_MESSAGE_MAX = 64 * 1024, /* a commit with a longer message waits for the sync */
	DVCS_PUSH_AUTHOR_MAX = 1024, /* the author's "Name <email>", in bytes */
};

/* v as a string of at most max bytes without NULs, or NULL (another type, longer, a NUL inside):
 * how the connector reads a text member of a host's JSON. */
const char *dvcs_json_text(const json_t *v, size_t max);

/* The commits of payload's branch changes that are still open (a change with "new" a branch,
 * not "closed"; tags are left: the sync reads branches only), in payload order, each hash once,
 * at most DVCS_PUSH_CHANGES_MAX × DVCS_PUSH_CHANGE_COMMITS_MAX of them, copied into a. A commit
 * is taken only when all of these hold, else it is left out: "hash" is 40 hexadecimal digits
 * (lower-cased), "date" a timestamp track_jira_parse_time reads, "message" a string without NULs
 * of at most DVCS_PUSH_MESSAGE_MAX bytes, "author"."raw" a string of at most
 * DVCS_PUSH_AUTHOR_MAX bytes ("Name <email>", or a name alone), "parents" an array (two or more
 * make a merge). file_count is DVCS_FILES_UNKNOWN: only the mirror knows it. *commits is NULL
 * when n is 0. Never fails: a payload without push.changes has no commits. */
void dvcs_push_commits(arena *a, const json_t *payload, dvcs_commit **commits, size_t *n);

#endif
