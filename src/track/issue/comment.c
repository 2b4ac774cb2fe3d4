/* Comments on track issues (comment.h). */
#include "track/issue/comment.h"

#include "track/issue/notify_queue.h"

#include <string.h>

#include <strings.h>

#include "base/clock.h"
#include "base/err.h"
#include "track/issue/issue.h"
#include "db/rows.h"
#include "track/issue/people.h"
#include "track/track_perm.h"

/* The columns read_row reads, each name after prefix p ("c." or ""). */
#define COMMENT_FIELDS(p)                                                                          \
	p "id, " p "issue_id, COALESCE(" p "author_id, 0), COALESCE(" p "update_author_id, 0), " p \
	  "body, " p "created_at, " p "updated_at, " p "visibility_value"
#define COMMENT_COLUMNS COMMENT_FIELDS("c.")

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
		.role = track_role_parse(db_col_text(st, 7)),
	};
}

int track_comment_visibility_parse(const char *type, const char *value, unsigned *out)
{
	*out = 0;
	if (!type)
		return 0;
	if (strcmp(type, "group") == 0) /* track has no groups */
		return err_fail(WEFT_EINVALID, "Group: %s does not exist.", value ? value : "");
	if (strcmp(type, "role") != 0)
		return err_fail(WEFT_EINVALID, "Visibility type '%s' is not valid: use role.",
		                type);
	*out = track_role_parse(value);
	if (*out == 0)
		return err_fail(WEFT_EINVALID, "Project role: %s does not exist.",
		                value ? value : "");
	return 0;
}

/* Only a reader of such comments may restrict one to role. */
int track_comment_role_check(db_conn *c, int64_t issue_id, const track_user *user, unsigned role)
{
	if (role == 0)
		return 0;
	db_stmt *st;
	int64_t project_id = 0;
	unsigned roles = 0;
	int rc = db_query(&st, c, "SELECT project_id FROM issues WHERE id = $1", db_int(issue_id));
	if (rc == 0)
		rc = db_step_one(st, "%s", TRACK_ISSUE_HIDDEN);
	if (rc == 0)
		project_id = db_col_int(st, 0);
	db_done(st);
	if (rc == 0)
		rc = track_perm_roles(c, user, project_id, &roles);
	bool admin = user && user->is_active && user->is_admin;
	if (rc == 0 && !track_perm_comment_visible(admin, roles, role))
		rc = err_fail(WEFT_EINVALID,
		              "You are currently not a member of the project role: %s.",
		              track_role_title(role));
	return rc;
}

static db_arg role_arg(unsigned role)
{
	return role ? db_text(track_role_name(role)) : db_null();
}

static db_arg role_type_arg(unsigned role)
{
	return role ? db_text("role") : db_null();
}

int track_comment_add(db_conn *c, arena *a, int64_t issue_id, const track_user *author,
                      const char *body, unsigned role, track_comment *out)
{
	int rc = body_check(body);
	if (rc == 0)
		rc = track_comment_role_check(c, issue_id, author, role);
	db_stmt *st = NULL;
	if (rc == 0)
		rc = db_query(
		        &st, c,
		        "INSERT INTO comments (issue_id, author_id, update_author_id, body,"
		        " visibility_type, visibility_value, created_at, updated_at)"
		        " VALUES ($1, $2, $2, $3, $5, $6, $4, $4) RETURNING " COMMENT_FIELDS(""),
		        db_int(issue_id), db_int(author ? author->id : 0), db_text(body),
		        db_int(clock_now_ms()), role_type_arg(role), role_arg(role));
	if (rc == 0)
		rc = db_step_one(st, "The comment was not added.");
	if (rc == 0)
		read_row(st, a, out);
	db_done(st);
	if (rc == 0)
		rc = track_issue_touch(c, issue_id);
	if (rc == 0 && author) /* commenters watch the issue */
		rc = track_people_add(c, TRACK_WATCHERS, issue_id, author->id);
	if (rc == 0)
		rc = track_notify_comment(c, out->id);
	return rc;
}

/* The comments of issue $1 that the reader ($2, $3) may see. */
static const char *visible_sql(arena *a, const char *what, const char *rest)
{
	return arena_printf(a,
	                    "SELECT %s FROM comments c JOIN issues ci ON ci.id = c.issue_id"
	                    " WHERE c.issue_id = $1 AND %s%s",
	                    what, track_perm_comment_sql(a, "c", "ci.project_id", 2, 3), rest);
}

int track_comment_list(db_conn *c, arena *a, int64_t issue_id, const track_user *reader,
                       int64_t start, int64_t max, track_comment **out, size_t *n, int64_t *total)
{
	db_arg user, admin;
	track_perm_comment_args(reader, &user, &admin);
	db_stmt *st = NULL;
	int rc = db_query(&st, c, visible_sql(a, "COUNT(*)", ""), db_int(issue_id), user, admin);
	if (rc == 0)
		rc = db_step_one(st, "no count");
	if (rc == 0)
		*total = db_col_int(st, 0);
	db_done(st);
	st = NULL;
	if (rc == 0)
		rc = db_query(&st, c,
		              visible_sql(a, COMMENT_COLUMNS,
		                          " ORDER BY c.created_at, c.id LIMIT $4 OFFSET $5"),
		              db_int(issue_id), user, admin, db_int(max), db_int(start));
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_row);
}

int track_comment_get(db_conn *c, arena *a, int64_t issue_id, const track_user *reader, int64_t id,
                      track_comment *out)
{
	db_arg user, admin;
	track_perm_comment_args(reader, &user, &admin);
	db_stmt *st;
	int rc = db_query(&st, c, visible_sql(a, COMMENT_COLUMNS, " AND c.id = $4"),
	                  db_int(issue_id), user, admin, db_int(id));
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

int track_comment_edit(db_conn *c, int64_t issue_id, int64_t id, const track_user *editor,
                       const char *body, int role)
{
	int rc = body_check(body);
	bool keep = role == TRACK_COMMENT_KEEP_ROLE;
	if (rc == 0 && !keep)
		rc = track_comment_role_check(c, issue_id, editor, (unsigned)role);
	if (rc == 0)
		rc = db_exec(
		        c,
		        "UPDATE comments SET body = $3, update_author_id = $4, updated_at = $5,"
		        " visibility_type = CASE WHEN $6 = 1 THEN visibility_type ELSE $7 END,"
		        " visibility_value = CASE WHEN $6 = 1 THEN visibility_value ELSE $8 END"
		        " WHERE id = $1 AND issue_id = $2",
		        db_int(id), db_int(issue_id), db_text(body),
		        db_int(editor ? editor->id : 0), db_int(clock_now_ms()), db_int(keep),
		        role_type_arg(keep ? 0 : (unsigned)role),
		        role_arg(keep ? 0 : (unsigned)role));
	return touched(c, rc, issue_id, id);
}

int track_comment_delete(db_conn *c, int64_t issue_id, int64_t id)
{
	int rc = db_exec(c, "DELETE FROM comments WHERE id = $1 AND issue_id = $2", db_int(id),
	                 db_int(issue_id));
	return touched(c, rc, issue_id, id);
}
