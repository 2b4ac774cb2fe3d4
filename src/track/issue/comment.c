/* Comments on track issues (comment.h). */
#include "track/issue/comment.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "track/issue/issue.h"
#include "track/rows.h"

#define COMMENT_COLUMNS                                                                          \
	"id, issue_id, COALESCE(author_id, 0), COALESCE(update_author_id, 0), body, created_at," \
	" updated_at"

static int body_check(const char *body)
{
	size_t n = body ? strlen(body) : 0;
	if (n == 0 || strspn(body, " \t\r\n") == n)
		return err_fail(WEFT_EINVALID, "Comment body can not be empty!");
	if (n > TRACK_COMMENT_MAX)
		return err_fail(WEFT_ETOOLARGE, "The comment is too long.");
	return 0;
}

static void read_row(db_stmt *st, arena *a, void *item)
{
	track_comment *out = item;
	*out = (track_comment){
		.id = db_col_int(st, 0),
		.issue_id = db_col_int(st, 1),
		.author_id = db_col_int(st, 2),
		.update_author_id = db_col_int(st, 3),
		.body = arena_strdup(a, db_col_text(st, 4)),
		.created_at = db_col_int(st, 5),
		.updated_at = db_col_int(st, 6),
	};
}

int track_comment_add(db_conn *c, arena *a, int64_t issue_id, int64_t author_id, const char *body,
                      track_comment *out)
{
	int rc = body_check(body);
	db_stmt *st = NULL;
	if (rc == 0)
		rc = db_query(&st, c,
		              "INSERT INTO comments (issue_id, author_id, update_author_id, body,"
		              " created_at, updated_at) VALUES ($1, $2, $2, $3, $4, $4)"
		              " RETURNING " COMMENT_COLUMNS,
		              db_int(issue_id), db_int(author_id), db_text(body),
		              db_int(clock_now_ms()));
	if (rc == 0)
		rc = db_step_one(st, "The comment was not added.");
	if (rc == 0)
		read_row(st, a, out);
	db_done(st);
	if (rc == 0)
		rc = track_issue_touch(c, issue_id);
	return rc;
}

int track_comment_list(db_conn *c, arena *a, int64_t issue_id, int64_t start, int64_t max,
                       track_comment **out, size_t *n, int64_t *total)
{
	db_stmt *st = NULL;
	int rc = track_rows_count(total, c, "SELECT COUNT(*) FROM comments WHERE issue_id = $1",
	                          issue_id);
	if (rc == 0)
		rc = db_query(&st, c,
		              "SELECT " COMMENT_COLUMNS " FROM comments WHERE issue_id = $1"
		              " ORDER BY created_at, id LIMIT $2 OFFSET $3",
		              db_int(issue_id), db_int(max), db_int(start));
	return track_rows_read((void **)out, n, st, rc, a, sizeof **out, read_row);
}

int track_comment_get(db_conn *c, arena *a, int64_t issue_id, int64_t id, track_comment *out)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c, "SELECT " COMMENT_COLUMNS " FROM comments WHERE id = $1 AND issue_id = $2",
	        db_int(id), db_int(issue_id));
	if (rc == 0)
		rc = db_step_one(st, "Can not find a comment for the id: %lld.", (long long)id);
	if (rc == 0)
		read_row(st, a, out);
	db_done(st);
	return rc;
}

/* After an UPDATE or DELETE of comment id that changed rc rows (or failed): no row is
 * WEFT_ENOTFOUND, a changed one touches the issue. */
static int touched(db_conn *c, int rc, int64_t issue_id, int64_t id)
{
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "Can not find a comment for the id: %lld.",
		                (long long)id);
	return rc > 0 ? track_issue_touch(c, issue_id) : rc;
}

int track_comment_edit(db_conn *c, int64_t issue_id, int64_t id, int64_t editor_id,
                       const char *body)
{
	int rc = body_check(body);
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE comments SET body = $3, update_author_id = $4, updated_at = $5"
		             " WHERE id = $1 AND issue_id = $2",
		             db_int(id), db_int(issue_id), db_text(body), db_int(editor_id),
		             db_int(clock_now_ms()));
	return touched(c, rc, issue_id, id);
}

int track_comment_delete(db_conn *c, int64_t issue_id, int64_t id)
{
	int rc = db_exec(c, "DELETE FROM comments WHERE id = $1 AND issue_id = $2", db_int(id),
	                 db_int(issue_id));
	return touched(c, rc, issue_id, id);
}
