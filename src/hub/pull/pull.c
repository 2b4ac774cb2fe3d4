/* Pull requests in the database: rows, participants, comments, activity, and what pushes do to
 * them. */
#include "hub/pull/pull.h"

#include <string.h>
#include <strings.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "hub/perm_sql.h"

/* ---- rules ---- */

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

int hub_pull_check_title(const char *title)
{
	size_t n = title ? strlen(title) : 0;
	if (n == 0)
		return err_fail(WEFT_EINVALID, "title: This field is required.");
	if (n > PULL_TITLE_MAX)
		return err_fail(WEFT_EINVALID, "title: at most %d characters.", PULL_TITLE_MAX);
	if (has_control(title))
		return err_fail(WEFT_EINVALID, "title: no control characters.");
	return 0;
}

int hub_pull_state_parse(const char *state)
{
	if (!state)
		return 0;
	if (strcasecmp(state, "OPEN") == 0)
		return PULL_STATE_OPEN;
	if (strcasecmp(state, "MERGED") == 0)
		return PULL_STATE_MERGED;
	if (strcasecmp(state, "DECLINED") == 0)
		return PULL_STATE_DECLINED;
	return 0;
}

bool hub_pull_strategy_valid(const char *strategy)
{
	return strategy &&
	       (strcmp(strategy, "merge_commit") == 0 || strcmp(strategy, "squash") == 0 ||
	        strcmp(strategy, "fast_forward") == 0);
}

static const char *dup_or_null(arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* ---- rows ---- */

#define PULL_SELECT                                                                          \
	"SELECT p.id, p.number, p.repository_id, p.title, p.description, p.state, p.reason," \
	" COALESCE(p.author_id, 0), COALESCE(p.closed_by_id, 0), p.source_branch,"           \
	" p.source_hash, p.destination_branch, p.destination_hash, p.merge_hash,"            \
	" p.close_source_branch, (SELECT COUNT(*) FROM pullrequest_comments cm"              \
	" WHERE cm.pullrequest_id = p.id AND cm.deleted = 0), p.created_at, p.updated_at"    \
	" FROM pullrequests p "

static void read_pull(db_stmt *st, arena *a, hub_pull *out)
{
	*out = (hub_pull){
		.row_id = db_col_int(st, 0),
		.id = db_col_int(st, 1),
		.repository_id = db_col_int(st, 2),
		.title = arena_strdup(a, db_col_text(st, 3)),
		.description = arena_strdup(a, db_col_text(st, 4)),
		.state = arena_strdup(a, db_col_text(st, 5)),
		.reason = arena_strdup(a, db_col_text(st, 6)),
		.author_id = db_col_int(st, 7),
		.closed_by_id = db_col_int(st, 8),
		.source_branch = arena_strdup(a, db_col_text(st, 9)),
		.source_hash = arena_strdup(a, db_col_text(st, 10)),
		.destination_branch = arena_strdup(a, db_col_text(st, 11)),
		.destination_hash = arena_strdup(a, db_col_text(st, 12)),
		.merge_hash = dup_or_null(a, db_col_text(st, 13)),
		.close_source_branch = db_col_int(st, 14) != 0,
		.comment_count = db_col_int(st, 15),
		.created_at = db_col_int(st, 16),
		.updated_at = db_col_int(st, 17),
	};
}

int hub_pull_get_row(db_conn *c, arena *a, int64_t row_id, hub_pull *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, PULL_SELECT "WHERE p.id = $1", db_int(row_id));
	if (rc == 0)
		rc = db_step_one(st, "There is no such pull request.");
	if (rc == 0)
		read_pull(st, a, out);
	db_done(st);
	return rc;
}

int hub_pull_get(db_conn *c, arena *a, int64_t repository_id, int64_t id, hub_pull *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, PULL_SELECT "WHERE p.repository_id = $1 AND p.number = $2",
	                  db_int(repository_id), db_int(id));
	if (rc == 0)
		rc = db_step_one(st, "There is no pull request #%lld.", (long long)id);
	if (rc == 0)
		read_pull(st, a, out);
	db_done(st);
	return rc;
}

static int add_event(db_conn *c, int64_t row_id, const char *kind, int64_t actor_id,
                     const char *state, const char *reason, const char *old_hash,
                     const char *new_hash)
{
	int rc = db_exec(c,
	                 "INSERT INTO pullrequest_activity (pullrequest_id, kind, actor_id, state,"
	                 " reason, old_hash, new_hash, created_at)"
	                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	                 db_int(row_id), db_text(kind), actor_id ? db_int(actor_id) : db_null(),
	                 db_text(state), db_text(reason), db_text(old_hash), db_text(new_hash),
	                 db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

static int touch(db_conn *c, int64_t row_id)
{
	int rc = db_exec(c, "UPDATE pullrequests SET updated_at = $2 WHERE id = $1", db_int(row_id),
	                 db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

/* Makes user_id a participant in role (a reviewer stays one) unless they are already. */
static int ensure_participant(db_conn *c, int64_t row_id, int64_t user_id, const char *role)
{
	int rc = db_exec(c,
	                 "INSERT INTO pullrequest_participants (pullrequest_id, user_id, role)"
	                 " VALUES ($1, $2, $3) ON CONFLICT (pullrequest_id, user_id) DO UPDATE"
	                 " SET role = CASE WHEN pullrequest_participants.role = 'REVIEWER'"
	                 " THEN 'REVIEWER' ELSE excluded.role END",
	                 db_int(row_id), db_int(user_id), db_text(role));
	return rc < 0 ? rc : 0;
}

/* Replaces the reviewers: those not listed become plain participants when they took part, and
 * leave otherwise. */
static int set_reviewers(db_conn *c, int64_t row_id, int64_t author_id, const int64_t *ids,
                         size_t n)
{
	if (n > PULL_REVIEWERS_MAX)
		return err_fail(WEFT_EINVALID, "reviewers: at most %d.", PULL_REVIEWERS_MAX);
	int rc = db_exec(c,
	                 "DELETE FROM pullrequest_participants WHERE pullrequest_id = $1"
	                 " AND role = 'REVIEWER' AND participated_on IS NULL",
	                 db_int(row_id));
	if (rc >= 0)
		rc = db_exec(c,
		             "UPDATE pullrequest_participants SET role = 'PARTICIPANT'"
		             " WHERE pullrequest_id = $1",
		             db_int(row_id));
	for (size_t i = 0; rc >= 0 && i < n; i++)
		if (ids[i] != author_id)
			rc = ensure_participant(c, row_id, ids[i], "REVIEWER");
	return rc < 0 ? rc : 0;
}

static int next_number(db_conn *c, int64_t repository_id, int64_t *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT COALESCE(MAX(number), 0) + 1 FROM pullrequests"
	                  " WHERE repository_id = $1",
	                  db_int(repository_id));
	if (rc == 0)
		rc = db_step_one(st, "no number");
	if (rc == 0)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc;
}

static int insert_pull(db_conn *c, int64_t repository_id, int64_t author_id, int64_t number,
                       const hub_pull_new *n, int64_t *row_id)
{
	int64_t now = clock_now_ms();
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "INSERT INTO pullrequests (repository_id, number, title, description,"
	                  " author_id, source_branch, source_hash, destination_branch,"
	                  " destination_hash, close_source_branch, created_at, updated_at)"
	                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
	                  " RETURNING id",
	                  db_int(repository_id), db_int(number), db_text(n->title),
	                  db_text(n->description ? n->description : ""), db_int(author_id),
	                  db_text(n->source_branch), db_text(n->source_hash),
	                  db_text(n->destination_branch), db_text(n->destination_hash),
	                  db_int(n->close_source_branch), db_int(now));
	if (rc == 0)
		rc = db_step_one(st, "the pull request was not inserted");
	if (rc == 0)
		*row_id = db_col_int(st, 0);
	db_done(st);
	if (rc == WEFT_EEXISTS && strcmp(db_conflict(), "pullrequests_open_pair_key") == 0)
		return err_fail(WEFT_EEXISTS,
		                "There is already an open pull request from %s to %s.",
		                n->source_branch, n->destination_branch);
	return rc;
}

static int check_text(const char *field, const char *s, size_t max)
{
	if (s && strlen(s) > max)
		return err_fail(WEFT_EINVALID, "%s: at most %zu bytes.", field, max);
	return 0;
}

int hub_pull_create(db_conn *c, arena *a, int64_t repository_id, int64_t author_id,
                    const hub_pull_new *n, hub_pull *out)
{
	int64_t number = 0, row_id = 0;
	int rc = hub_pull_check_title(n->title);
	if (rc == 0)
		rc = check_text("description", n->description, PULL_DESCRIPTION_MAX);
	if (rc == 0 && strcmp(n->source_branch, n->destination_branch) == 0)
		rc = err_fail(WEFT_EINVALID,
		              "The source and destination branches are the same branch (%s).",
		              n->source_branch);
	if (rc == 0)
		rc = next_number(c, repository_id, &number);
	if (rc == 0)
		rc = insert_pull(c, repository_id, author_id, number, n, &row_id);
	if (rc == 0)
		rc = set_reviewers(c, row_id, author_id, n->reviewers, n->nreviewers);
	if (rc == 0)
		rc = add_event(c, row_id, "update", author_id, "OPEN", NULL, NULL, NULL);
	if (rc == 0)
		rc = hub_pull_get_row(c, a, row_id, out);
	return rc;
}

/* ---- lists ---- */

/* $8 = 0, or the user $9 may read the pull request p's repository (hub_perm's rule). */
#define PULL_READABLE                                                                  \
	"($8 = 0 OR EXISTS (SELECT 1 FROM repositories r WHERE r.id = p.repository_id" \
	" AND " HUB_PERM_SQL_READS_REPOSITORY("r", "$9") "))"

int hub_pull_list(db_conn *c, arena *a, const hub_pull_filter *f, hub_pull **out, size_t *n)
{
	int states = f->states ? f->states : PULL_STATE_OPEN;
	db_stmt *st;
	size_t count = 0, cap = 0;
	hub_pull *rows = NULL;
	int rc = db_query(&st, c,
	                  PULL_SELECT
	                  "WHERE ($1 = 0 OR p.repository_id = $1) AND ($2 = 0 OR p.author_id = $2)"
	                  " AND ($3 = 0 OR (p.state = 'OPEN' AND EXISTS (SELECT 1 FROM"
	                  " pullrequest_participants pp WHERE pp.pullrequest_id = p.id AND"
	                  " pp.user_id = $3 AND pp.role = 'REVIEWER')))"
	                  " AND p.state IN ($4, $5, $6) AND " PULL_READABLE
	                  " ORDER BY p.updated_at DESC, p.id DESC LIMIT $7",
	                  db_int(f->repository_id), db_int(f->author_id), db_int(f->reviewer_id),
	                  db_text(states & PULL_STATE_OPEN ? "OPEN" : ""),
	                  db_text(states & PULL_STATE_MERGED ? "MERGED" : ""),
	                  db_text(states & PULL_STATE_DECLINED ? "DECLINED" : ""),
	                  db_int(PULL_LIST_MAX), db_int(f->check_reader && !f->reader_is_admin),
	                  db_int(f->reader_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		rows = array_room(a, rows, count, &cap, sizeof *rows);
		read_pull(st, a, &rows[count++]);
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = count;
	return 0;
}

static void read_participant(db_stmt *st, arena *a, hub_pull_participant *out)
{
	*out = (hub_pull_participant){ db_col_int(st, 0), arena_strdup(a, db_col_text(st, 1)),
		                       dup_or_null(a, db_col_text(st, 2)), db_col_int(st, 3) };
}

int hub_pull_participants(db_conn *c, arena *a, const hub_pull *p, hub_pull_participant **out,
                          size_t *n)
{
	db_stmt *st;
	size_t count = 0, cap = 0;
	hub_pull_participant *rows = NULL;
	int rc = db_query(&st, c,
	                  "SELECT user_id, role, state, COALESCE(participated_on, 0)"
	                  " FROM pullrequest_participants WHERE pullrequest_id = $1"
	                  " ORDER BY role DESC, COALESCE(participated_on, 0), user_id",
	                  db_int(p->row_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		rows = array_room(a, rows, count, &cap, sizeof *rows);
		read_participant(st, a, &rows[count++]);
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = count;
	return 0;
}

/* ---- changing ---- */

static int require_open(const hub_pull *p)
{
	if (strcmp(p->state, "OPEN") != 0)
		return err_fail(WEFT_EINVALID, "Pull request #%lld is %s, not open.",
		                (long long)p->id, p->state);
	return 0;
}

static int update_fields(db_conn *c, const hub_pull *p, const hub_pull_change *ch)
{
	int rc = db_exec(c,
	                 "UPDATE pullrequests SET title = COALESCE($2, title),"
	                 " description = COALESCE($3, description),"
	                 " destination_branch = COALESCE($4, destination_branch),"
	                 " destination_hash = COALESCE($5, destination_hash), updated_at = $6"
	                 " WHERE id = $1",
	                 db_int(p->row_id), db_text(ch->title), db_text(ch->description),
	                 db_text(ch->destination_branch), db_text(ch->destination_hash),
	                 db_int(clock_now_ms()));
	if (rc == WEFT_EEXISTS && strcmp(db_conflict(), "pullrequests_open_pair_key") == 0)
		return err_fail(WEFT_EEXISTS,
		                "There is already an open pull request from %s to %s.",
		                p->source_branch, ch->destination_branch);
	return rc < 0 ? rc : 0;
}

int hub_pull_update(db_conn *c, arena *a, hub_pull *p, int64_t actor_id, const hub_pull_change *ch)
{
	int rc = require_open(p);
	if (rc == 0 && ch->title)
		rc = hub_pull_check_title(ch->title);
	if (rc == 0)
		rc = check_text("description", ch->description, PULL_DESCRIPTION_MAX);
	if (rc == 0 && ch->destination_branch &&
	    strcmp(ch->destination_branch, p->source_branch) == 0)
		rc = err_fail(WEFT_EINVALID,
		              "The source and destination branches are the same branch (%s).",
		              p->source_branch);
	if (rc == 0)
		rc = update_fields(c, p, ch);
	if (rc == 0 && ch->set_reviewers)
		rc = set_reviewers(c, p->row_id, p->author_id, ch->reviewers, ch->nreviewers);
	if (rc == 0)
		rc = add_event(c, p->row_id, "update", actor_id, "OPEN", NULL, NULL, NULL);
	if (rc == 0)
		rc = hub_pull_get_row(c, a, p->row_id, p);
	return rc;
}

static int get_participant(db_conn *c, arena *a, int64_t row_id, int64_t user_id,
                           hub_pull_participant *out)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c,
	        "SELECT user_id, role, state, COALESCE(participated_on, 0)"
	        " FROM pullrequest_participants WHERE pullrequest_id = $1 AND user_id = $2",
	        db_int(row_id), db_int(user_id));
	if (rc == 0)
		rc = db_step_one(st, "not a participant");
	if (rc == 0)
		read_participant(st, a, out);
	db_done(st);
	return rc;
}

static const char *review_event(hub_pull_review_kind kind, bool on)
{
	if (kind == PULL_REVIEW_APPROVE)
		return on ? "approval" : "unapproval";
	return on ? "changes_requested" : "changes_request_removed";
}

int hub_pull_review(db_conn *c, arena *a, const hub_pull *p, int64_t actor_id,
                    hub_pull_review_kind kind, bool on, hub_pull_participant *out)
{
	const char *state = kind == PULL_REVIEW_APPROVE ? "approved" : "changes_requested";
	if (p->author_id == actor_id)
		return err_fail(WEFT_EINVALID, kind == PULL_REVIEW_APPROVE
		                                       ? "You cannot approve your own pull request."
		                                       : "You cannot request changes on your own "
		                                         "pull request.");
	int rc = require_open(p);
	if (rc == 0)
		rc = ensure_participant(c, p->row_id, actor_id, "PARTICIPANT");
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE pullrequest_participants SET state = CASE WHEN $3 = 1 THEN $4"
		             " WHEN state = $4 THEN NULL ELSE state END, participated_on = $5"
		             " WHERE pullrequest_id = $1 AND user_id = $2",
		             db_int(p->row_id), db_int(actor_id), db_int(on), db_text(state),
		             db_int(clock_now_ms()));
	if (rc >= 0)
		rc = add_event(c, p->row_id, review_event(kind, on), actor_id, NULL, NULL, NULL,
		               NULL);
	if (rc == 0)
		rc = touch(c, p->row_id);
	if (rc == 0)
		rc = get_participant(c, a, p->row_id, actor_id, out);
	return rc;
}

static int close_pull(db_conn *c, arena *a, hub_pull *p, int64_t actor_id, const char *state,
                      const char *reason)
{
	int rc = db_exec(c,
	                 "UPDATE pullrequests SET state = $2, reason = $3, closed_by_id = $4,"
	                 " updated_at = $5 WHERE id = $1",
	                 db_int(p->row_id), db_text(state), db_text(reason ? reason : ""),
	                 actor_id ? db_int(actor_id) : db_null(), db_int(clock_now_ms()));
	if (rc >= 0)
		rc = add_event(c, p->row_id, "update", actor_id, state, reason, NULL, NULL);
	if (rc == 0)
		rc = hub_pull_get_row(c, a, p->row_id, p);
	return rc;
}

int hub_pull_decline(db_conn *c, arena *a, hub_pull *p, int64_t actor_id, const char *reason)
{
	int rc = require_open(p);
	if (rc == 0)
		rc = check_text("reason", reason, PULL_REASON_MAX);
	if (rc == 0)
		rc = close_pull(c, a, p, actor_id, "DECLINED", reason);
	return rc;
}

int hub_pull_mark_merged(db_conn *c, arena *a, hub_pull *p, int64_t actor_id,
                         const char *merge_hash, const char *source_hash,
                         const char *destination_hash)
{
	int rc = require_open(p);
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE pullrequests SET merge_hash = $2, source_hash = $3,"
		             " destination_hash = $4 WHERE id = $1",
		             db_int(p->row_id), db_text(merge_hash), db_text(source_hash),
		             db_text(destination_hash));
	if (rc >= 0)
		rc = close_pull(c, a, p, actor_id, "MERGED", NULL);
	return rc;
}

/* ---- the conflict check's record ---- */

int hub_pull_merge_check_get(db_conn *c, arena *a, const hub_pull *p, const char *tips, bool *found,
                             const char **files)
{
	db_stmt *st;
	*found = false;
	int rc = db_query(
	        &st, c,
	        "SELECT merge_conflicts FROM pullrequests WHERE id = $1 AND merge_check = $2",
	        db_int(p->row_id), db_text(tips));
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW) {
		*found = true;
		*files = arena_strdup(a, db_col_text(st, 0) ? db_col_text(st, 0) : "");
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int hub_pull_merge_check_set(db_conn *c, const hub_pull *p, const char *tips, const char *files)
{
	int rc = db_exec(
	        c, "UPDATE pullrequests SET merge_check = $2, merge_conflicts = $3 WHERE id = $1",
	        db_int(p->row_id), db_text(tips), db_text(files));
	return rc < 0 ? rc : 0;
}

/* ---- comments ---- */

#define COMMENT_SELECT                                                                        \
	"SELECT id, pullrequest_id, COALESCE(user_id, 0), COALESCE(parent_id, 0), body,"      \
	" inline_path, COALESCE(inline_from, 0), COALESCE(inline_to, 0), line_text, deleted," \
	" created_at, updated_at FROM pullrequest_comments "

static void read_comment(db_stmt *st, arena *a, hub_pull_comment *out)
{
	*out = (hub_pull_comment){
		.id = db_col_int(st, 0),
		.pull_row_id = db_col_int(st, 1),
		.user_id = db_col_int(st, 2),
		.parent_id = db_col_int(st, 3),
		.body = arena_strdup(a, db_col_text(st, 4)),
		.inline_path = dup_or_null(a, db_col_text(st, 5)),
		.inline_from = db_col_int(st, 6),
		.inline_to = db_col_int(st, 7),
		.line_text = dup_or_null(a, db_col_text(st, 8)),
		.deleted = db_col_int(st, 9) != 0,
		.created_at = db_col_int(st, 10),
		.updated_at = db_col_int(st, 11),
	};
}

int hub_pull_comment_get(db_conn *c, arena *a, const hub_pull *p, int64_t id, hub_pull_comment *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, COMMENT_SELECT "WHERE pullrequest_id = $1 AND id = $2",
	                  db_int(p->row_id), db_int(id));
	if (rc == 0)
		rc = db_step_one(st, "There is no comment %lld on this pull request.",
		                 (long long)id);
	if (rc == 0)
		read_comment(st, a, out);
	db_done(st);
	return rc;
}

static int check_body(const char *body)
{
	if (!body || !*body)
		return err_fail(WEFT_EINVALID, "content.raw: a comment needs some text.");
	return check_text("content.raw", body, PULL_COMMENT_MAX);
}

/* A reply takes its parent's place in the diff. */
static int inherit_inline(db_conn *c, arena *a, const hub_pull *p, hub_pull_comment_new *n)
{
	if (!n->parent_id)
		return 0;
	hub_pull_comment parent;
	int rc = hub_pull_comment_get(c, a, p, n->parent_id, &parent);
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_EINVALID, "parent.id: no comment %lld on this pull request.",
		                (long long)n->parent_id);
	if (rc == 0 && parent.inline_path) {
		n->inline_path = parent.inline_path;
		n->inline_from = parent.inline_from;
		n->inline_to = parent.inline_to;
		n->line_text = parent.line_text;
	}
	return rc;
}

static int insert_comment(db_conn *c, const hub_pull *p, int64_t user_id,
                          const hub_pull_comment_new *n, int64_t *id)
{
	int64_t now = clock_now_ms();
	db_stmt *st;
	int rc = db_query(
	        &st, c,
	        "INSERT INTO pullrequest_comments (pullrequest_id, user_id, parent_id, body,"
	        " inline_path, inline_from, inline_to, line_text, created_at, updated_at)"
	        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
	        db_int(p->row_id), db_int(user_id), n->parent_id ? db_int(n->parent_id) : db_null(),
	        db_text(n->body), db_text(n->inline_path),
	        n->inline_from ? db_int(n->inline_from) : db_null(),
	        n->inline_to ? db_int(n->inline_to) : db_null(), db_text(n->line_text),
	        db_int(now));
	if (rc == 0)
		rc = db_step_one(st, "the comment was not inserted");
	if (rc == 0)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

int hub_pull_comment_add(db_conn *c, arena *a, const hub_pull *p, int64_t user_id,
                         const hub_pull_comment_new *n, hub_pull_comment *out)
{
	hub_pull_comment_new copy = *n;
	int64_t id = 0;
	int rc = check_body(n->body);
	if (rc == 0 && n->inline_path && (!*n->inline_path || has_control(n->inline_path)))
		rc = err_fail(WEFT_EINVALID, "inline.path: not a file path.");
	if (rc == 0 && n->inline_path && n->inline_from <= 0 && n->inline_to <= 0)
		rc = err_fail(WEFT_EINVALID, "inline: give the line as from (old side) or to (new "
		                             "side).");
	if (rc == 0)
		rc = inherit_inline(c, a, p, &copy);
	if (rc == 0)
		rc = insert_comment(c, p, user_id, &copy, &id);
	if (rc == 0 && user_id != p->author_id)
		rc = ensure_participant(c, p->row_id, user_id, "PARTICIPANT");
	if (rc == 0)
		rc = touch(c, p->row_id);
	if (rc == 0)
		rc = hub_pull_comment_get(c, a, p, id, out);
	return rc;
}

int hub_pull_comments(db_conn *c, arena *a, const hub_pull *p, hub_pull_comment **out, size_t *n)
{
	db_stmt *st;
	size_t count = 0, cap = 0;
	hub_pull_comment *rows = NULL;
	int rc = db_query(&st, c, COMMENT_SELECT "WHERE pullrequest_id = $1 ORDER BY id LIMIT $2",
	                  db_int(p->row_id), db_int(PULL_COMMENTS_MAX));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		rows = array_room(a, rows, count, &cap, sizeof *rows);
		read_comment(st, a, &rows[count++]);
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = count;
	return 0;
}

int hub_pull_comment_change(db_conn *c, arena *a, hub_pull_comment *cm, int64_t actor_id,
                            bool is_admin, const char *body)
{
	if (cm->user_id != actor_id && !is_admin)
		return err_fail(WEFT_EPERM, "Only its author or an administrator may change this "
		                            "comment.");
	if (cm->deleted)
		return err_fail(WEFT_EINVALID, "This comment was deleted.");
	int rc = body ? check_body(body) : 0;
	if (rc == 0)
		rc = db_exec(
		        c,
		        "UPDATE pullrequest_comments SET body = $2, deleted = $3, updated_at = $4"
		        " WHERE id = $1",
		        db_int(cm->id), db_text(body ? body : ""), db_int(body == NULL),
		        db_int(clock_now_ms()));
	if (rc < 0)
		return rc;
	db_stmt *st;
	rc = db_query(&st, c, COMMENT_SELECT "WHERE id = $1", db_int(cm->id));
	if (rc == 0)
		rc = db_step_one(st, "the comment vanished");
	if (rc == 0)
		read_comment(st, a, cm);
	db_done(st);
	return rc;
}

/* ---- activity ---- */

int hub_pull_events(db_conn *c, arena *a, const hub_pull *p, hub_pull_event **out, size_t *n)
{
	db_stmt *st;
	size_t count = 0, cap = 0;
	hub_pull_event *rows = NULL;
	int rc = db_query(&st, c,
	                  "SELECT id, kind, COALESCE(actor_id, 0), state, reason, old_hash,"
	                  " new_hash, created_at FROM pullrequest_activity"
	                  " WHERE pullrequest_id = $1 ORDER BY id LIMIT $2",
	                  db_int(p->row_id), db_int(PULL_COMMENTS_MAX));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		rows = array_room(a, rows, count, &cap, sizeof *rows);
		rows[count++] = (hub_pull_event){ db_col_int(st, 0),
			                          arena_strdup(a, db_col_text(st, 1)),
			                          db_col_int(st, 2),
			                          dup_or_null(a, db_col_text(st, 3)),
			                          dup_or_null(a, db_col_text(st, 4)),
			                          dup_or_null(a, db_col_text(st, 5)),
			                          dup_or_null(a, db_col_text(st, 6)),
			                          db_col_int(st, 7) };
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = count;
	return 0;
}

/* ---- pushes ---- */

int hub_pull_open_from(db_conn *c, arena *a, int64_t repository_id, const char *branch,
                       int64_t **ids, const char ***hashes, size_t *n)
{
	db_stmt *st;
	size_t count = 0, cap = 0;
	int rc = db_query(&st, c,
	                  "SELECT id, source_hash FROM pullrequests WHERE repository_id = $1"
	                  " AND source_branch = $2 AND state = 'OPEN' ORDER BY id",
	                  db_int(repository_id), db_text(branch));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		size_t hash_cap = cap;
		*ids = array_room(a, *ids, count, &cap, sizeof **ids);
		*hashes = array_room(a, *hashes, count, &hash_cap, sizeof **hashes);
		(*ids)[count] = db_col_int(st, 0);
		(*hashes)[count++] = arena_strdup(a, db_col_text(st, 1));
		rc = 0;
	}
	db_done(st);
	*n = count;
	return rc < 0 ? rc : 0;
}

static const char source_deleted[] = "The source branch was deleted.";

int hub_pull_source_moved(db_conn *c, int64_t row_id, int64_t actor_id, const char *old_hash,
                          const char *new_hash)
{
	bool deleted = hub_push_update_is_zero(new_hash);
	int rc = deleted ? db_exec(c,
	                           "UPDATE pullrequests SET state = 'DECLINED', reason = $2,"
	                           " closed_by_id = $3, updated_at = $4 WHERE id = $1",
	                           db_int(row_id), db_text(source_deleted),
	                           actor_id ? db_int(actor_id) : db_null(), db_int(clock_now_ms()))
	                 : db_exec(c,
	                           "UPDATE pullrequests SET source_hash = $2, updated_at = $3"
	                           " WHERE id = $1",
	                           db_int(row_id), db_text(new_hash), db_int(clock_now_ms()));
	if (rc >= 0)
		rc = deleted ? add_event(c, row_id, "update", actor_id, "DECLINED", source_deleted,
		                         NULL, NULL)
		             : add_event(c, row_id, "push", actor_id, NULL, NULL, old_hash,
		                         new_hash);
	return rc < 0 ? rc : 0;
}

/* ---- settings ---- */

int hub_pull_default_strategy(db_conn *c, arena *a, int64_t repository_id, const char **out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT merge_strategy FROM repository_pull_settings"
	                  " WHERE repository_id = $1",
	                  db_int(repository_id));
	if (rc == 0)
		rc = db_step(st);
	*out = rc == DB_ROW ? arena_strdup(a, db_col_text(st, 0)) : "merge_commit";
	db_done(st);
	return rc < 0 ? rc : 0;
}

int hub_pull_set_default_strategy(db_conn *c, int64_t repository_id, const char *strategy)
{
	if (!hub_pull_strategy_valid(strategy))
		return err_fail(WEFT_EINVALID,
		                "merge_strategy: one of merge_commit, squash, fast_forward.");
	int rc = db_exec(c,
	                 "INSERT INTO repository_pull_settings (repository_id, merge_strategy)"
	                 " VALUES ($1, $2) ON CONFLICT (repository_id)"
	                 " DO UPDATE SET merge_strategy = excluded.merge_strategy",
	                 db_int(repository_id), db_text(strategy));
	return rc < 0 ? rc : 0;
}
