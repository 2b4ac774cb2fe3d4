/* Remote links: an issue's links to things on the web (Jira's remote issue links), each a URL
 * with a title and, optionally, a summary, an icon, the relationship's phrase, the application it
 * belongs to and a global id that is unique on the issue (saving one with a known global id
 * updates it, as Jira does). Only http and https URLs; every text bounded. Adding, changing and
 * removing one is recorded in the issue's history (field "RemoteIssueLink"). Every function runs
 * in the caller's transaction. */
#ifndef WEFT_TRACK_REMOTE_H
#define WEFT_TRACK_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

enum {
	TRACK_REMOTE_URL_MAX = 2048,
	TRACK_REMOTE_TEXT_MAX = 255, /* title, relationship, global id, application, icon title */
	TRACK_REMOTE_SUMMARY_MAX = 4096,
	TRACK_REMOTE_LINKS_MAX = 200, /* remote links on one issue */
};

typedef struct track_remote_link {
	int64_t id;
	int64_t issue_id;
	const char *global_id; /* NULL when none */
	const char *relationship; /* "" when none; the others likewise */
	const char *application_type;
	const char *application_name;
	const char *url;
	const char *title;
	const char *summary;
	const char *icon_url;
	const char *icon_title;
} track_remote_link;

/* Checks a link's fields (url and title required; NULL others are ""): WEFT_EINVALID with the
 * field ("url", "title", "globalId", …) in *out_field. */
int track_remote_link_check(const track_remote_link *in, const char **out_field);

/* Adds in to issue_id, or, when in names a global id the issue has, updates that link (*created
 * false). Checks as track_remote_link_check; WEFT_ELIMIT past TRACK_REMOTE_LINKS_MAX links. */
int track_remote_link_save(db_conn *c, arena *a, int64_t issue_id, int64_t author_id,
                           const track_remote_link *in, track_remote_link *out, bool *created,
                           const char **out_field);
/* Replaces link id of issue_id with in (checked likewise); WEFT_ENOTFOUND. A global id another
 * link of the issue has is WEFT_EINVALID. */
int track_remote_link_update(db_conn *c, arena *a, int64_t issue_id, int64_t id, int64_t author_id,
                             const track_remote_link *in, const char **out_field);
/* The issue's links (only the one with global_id when it is not NULL), oldest first, in a. */
int track_remote_link_list(db_conn *c, arena *a, int64_t issue_id, const char *global_id,
                           track_remote_link **out, size_t *n);
/* One link of issue_id: WEFT_ENOTFOUND. */
int track_remote_link_get(db_conn *c, arena *a, int64_t issue_id, int64_t id,
                          track_remote_link *out);
/* Removes link id (or, with id 0, the one with global_id) of issue_id: WEFT_ENOTFOUND. */
int track_remote_link_delete(db_conn *c, arena *a, int64_t issue_id, int64_t author_id, int64_t id,
                             const char *global_id);

#endif
