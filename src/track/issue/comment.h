/* Comments on track issues (Markdown): add, list, get, edit (the author, or a project
 * administrator — the caller decides who may) and delete. Each touches the issue's updated time;
 * the full-text index follows through the migration's triggers. */
#ifndef WEFT_TRACK_COMMENT_H
#define WEFT_TRACK_COMMENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

enum { TRACK_COMMENT_MAX = 32 * 1024 };

typedef struct track_comment {
	int64_t id;
	int64_t issue_id;
	int64_t author_id;
	int64_t update_author_id;
	const char *body;
	int64_t created_at;
	int64_t updated_at;
} track_comment;

/* WEFT_EINVALID for an empty (blank) body, WEFT_ETOOLARGE over TRACK_COMMENT_MAX. */
int track_comment_add(db_conn *c, arena *a, int64_t issue_id, int64_t author_id, const char *body,
                      track_comment *out);
/* The issue's comments, oldest first, from start (at most max; total counts them all). */
int track_comment_list(db_conn *c, arena *a, int64_t issue_id, int64_t start, int64_t max,
                       track_comment **out, size_t *n, int64_t *total);
/* A comment of issue_id. WEFT_ENOTFOUND. */
int track_comment_get(db_conn *c, arena *a, int64_t issue_id, int64_t id, track_comment *out);
int track_comment_edit(db_conn *c, int64_t issue_id, int64_t id, int64_t editor_id,
                       const char *body);
int track_comment_delete(db_conn *c, int64_t issue_id, int64_t id);

#endif
