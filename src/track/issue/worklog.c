/* Work logs on track issues (worklog.h): each adds to the issue's time spent and lowers its
 * remaining estimate. */
#include "track/issue/worklog.h"

#include <inttypes.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "track/issue/duration.h"
#include "track/issue/issue.h"
#include "track/rows.h"

enum { WORKLOG_COMMENT_MAX = 32 * 1024 };
#define WORKLOG_SECONDS_MAX (10LL * 365 * 24 * 3600)

#define WORKLOG_COLUMNS                                                                    \
	"id, issue_id, COALESCE(author_id, 0), COALESCE(update_author_id, 0), started_at," \
	" seconds, comment, created_at, updated_at"

static void read_row(db_stmt *st, arena *a, void *item)
{
	track_worklog *out = item;
	*out = (track_worklog){
		.id = db_col_int(st, 0),
		.issue_id = db_col_int(st, 1),
		.author_id = db_col_int(st, 2),
		.update_author_id = db_col_int(st, 3),
		.started_at = db_col_int(st, 4),
		.seconds = db_col_int(st, 5),
		.comment = arena_strdup(a, db_col_text(st, 6)),
		.created_at = db_col_int(st, 7),
		.updated_at = db_col_int(st, 8),
	};
}

/* Adds to time spent, lowers the remaining estimate (not below 0), records the change. */
static int adjust_issue(db_conn *c, arena *a, int64_t issue_id, int64_t seconds, int64_t author_id)
{
	track_issue old = { 0 };
	int rc = track_issue_get(c, a, issue_id, &old);
	int64_t spent = old.time_spent + seconds;
	int64_t remaining = old.remaining_estimate < 0         ? -1
	                    : old.remaining_estimate > seconds ? old.remaining_estimate - seconds
	                                                       : 0;
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE issues SET time_spent = $2, remaining_estimate = $3,"
		             " updated_at = $4 WHERE id = $1",
		             db_int(issue_id), db_int(spent),
		             remaining >= 0 ? db_int(remaining) : db_null(),
		             db_int(clock_now_ms()));
	int64_t group = 0;
	if (rc >= 0)
		rc = track_changelog_begin(c, issue_id, author_id, &group);
	const char *from = arena_printf(a, "%" PRId64, old.time_spent);
	const char *to = arena_printf(a, "%" PRId64, spent);
	if (rc == 0)
		rc = track_changelog_item(c, group, "timespent", from, from, to, to);
	if (rc == 0 && remaining >= 0 && remaining != old.remaining_estimate) {
		const char *rf = arena_printf(a, "%" PRId64, old.remaining_estimate);
		const char *rt = arena_printf(a, "%" PRId64, remaining);
		rc = track_changelog_item(c, group, "timeestimate", rf, rf, rt, rt);
	}
	return rc;
}

int track_worklog_add(db_conn *c, arena *a, int64_t issue_id, int64_t author_id, int64_t seconds,
                      int64_t started_at, const char *comment, track_worklog *out)
{
	if (seconds <= 0 || seconds > WORKLOG_SECONDS_MAX)
		return err_fail(WEFT_EINVALID, "Worklog must not be null and must be positive.");
	if (comment && strlen(comment) > WORKLOG_COMMENT_MAX)
		return err_fail(WEFT_ETOOLARGE, "The comment is too long.");
	int64_t now = clock_now_ms();
	db_stmt *st;
	int rc =
	        db_query(&st, c,
	                 "INSERT INTO worklogs (issue_id, author_id, update_author_id, started_at,"
	                 " seconds, comment, created_at, updated_at) VALUES ($1, $2, $2, $3, $4,"
	                 " $5, $6, $6) RETURNING " WORKLOG_COLUMNS,
	                 db_int(issue_id), db_int(author_id), db_int(started_at ? started_at : now),
	                 db_int(seconds), db_text(comment ? comment : ""), db_int(now));
	if (rc == 0)
		rc = db_step_one(st, "The work log was not added.");
	if (rc == 0)
		read_row(st, a, out);
	db_done(st);
	if (rc == 0)
		rc = adjust_issue(c, a, issue_id, seconds, author_id);
	return rc;
}

int track_worklog_add_duration(db_conn *c, arena *a, int64_t issue_id, int64_t author_id,
                               const char *duration, int hours_per_day, int days_per_week,
                               int64_t started_at, const char *comment, track_worklog *out)
{
	int64_t seconds = 0;
	int rc = track_duration_parse(&seconds, duration ? duration : "", hours_per_day,
	                              days_per_week);
	if (rc == 0)
		rc = track_worklog_add(c, a, issue_id, author_id, seconds, started_at, comment,
		                       out);
	return rc;
}

int track_worklog_list(db_conn *c, arena *a, int64_t issue_id, int64_t start, int64_t max,
                       track_worklog **out, size_t *n, int64_t *total)
{
	db_stmt *st = NULL;
	int rc = track_rows_count(total, c, "SELECT COUNT(*) FROM worklogs WHERE issue_id = $1",
	                          issue_id);
	if (rc == 0)
		rc = db_query(&st, c,
		              "SELECT " WORKLOG_COLUMNS " FROM worklogs WHERE issue_id = $1"
		              " ORDER BY started_at, id LIMIT $2 OFFSET $3",
		              db_int(issue_id), db_int(max), db_int(start));
	return track_rows_read((void **)out, n, st, rc, a, sizeof **out, read_row);
}
