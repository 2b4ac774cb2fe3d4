/* Comments on track issues (Markdown): add, list, get, edit (the author, or a project
 * administrator — the caller decides who may) and delete. A comment may be restricted to a
 * project role (Jira's visibility {"type": "role"}): only that role's holders and site
 * administrators read it (track_perm.h), and only they may restrict a comment to it. Each write
 * touches the issue's updated time; the full-text index follows through the migrations'
 * triggers. */
#ifndef WEFT_TRACK_COMMENT_H
#define WEFT_TRACK_COMMENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/track.h"

enum {
	TRACK_COMMENT_MAX = 32 * 1024,
	TRACK_COMMENT_KEEP_ROLE = -1, /* track_comment_edit: leave the visibility as it is */
};

typedef struct track_comment {
	int64_t id;
	int64_t issue_id;
	int64_t author_id;
	int64_t update_author_id;
	const char *body;
	unsigned role; /* the TRACK_ROLE_* it is restricted to; 0: everyone who may browse */
	int64_t created_at;
	int64_t updated_at;
} track_comment;

/* Adds author's comment, restricted to role (a TRACK_ROLE_* bit, or 0). WEFT_EINVALID for an
 * empty (blank) body or a role the author may not use ("You are currently not a member of the
 * project role: Administrators."), WEFT_ETOOLARGE over TRACK_COMMENT_MAX. */
int track_comment_add(db_conn *c, arena *a, int64_t issue_id, const track_user *author,
                      const char *body, unsigned role, track_comment *out);
/* The issue's comments that reader may see, oldest first, from start (at most max; total counts
 * all that reader may see). */
int track_comment_list(db_conn *c, arena *a, int64_t issue_id, const track_user *reader,
                       int64_t start, int64_t max, track_comment **out, size_t *n, int64_t *total);
/* A comment of issue_id that reader may see. WEFT_ENOTFOUND (also for a hidden one). */
int track_comment_get(db_conn *c, arena *a, int64_t issue_id, const track_user *reader, int64_t id,
                      track_comment *out);
/* Sets the body (and, unless role is TRACK_COMMENT_KEEP_ROLE, the restriction, with add's rule
 * for editor). WEFT_ENOTFOUND, and add's errors. */
int track_comment_edit(db_conn *c, int64_t issue_id, int64_t id, const track_user *editor,
                       const char *body, int role);
int track_comment_delete(db_conn *c, int64_t issue_id, int64_t id);

/* add's rule on role alone (0 always passes): WEFT_EINVALID with its message. */
int track_comment_role_check(db_conn *c, int64_t issue_id, const track_user *user, unsigned role);

/* The role a visibility names: {"type": "role", "value": "Administrators"} (the role's display
 * or stored name, any case). A group, an unknown role or another shape is WEFT_EINVALID with
 * Jira's message. NULL or JSON null gives 0. */
int track_comment_visibility_parse(const char *type, const char *value, unsigned *out);

#endif
