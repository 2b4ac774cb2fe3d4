/* Work logs on track issues (worklog.h): each adds to the issue's time spent and lowers its
 * remaining estimate. */
#include "track/issue/worklog.h"

#include <inttypes.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "track/issue/duration.h"
#include "track/issue/issue.h"
#include "db/rows.h"

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

/* The remaining estimate after time spent moved by spent_delta (seconds; negative when a log
 * shrank or went), as adj says; -1 when the issue stays without one. */
static int64_t remaining_after(int64_t remaining, int64_t spent_delta,
                               const track_estimate_adjust *adj)
{
	int64_t lower = spent_delta;
	track_adjust_mode mode = adj ? adj->mode : TRACK_ADJUST_AUTO;
	switch (mode) {
	case TRACK_ADJUST_LEAVE: return remaining;
	case TRACK_ADJUST_NEW: return adj->seconds;
	case TRACK_ADJUST_MANUAL: lower = adj->seconds; break;
	case TRACK_ADJUST_AUTO: break;
	}
	/* Without an estimate, only an explicit increase makes one. */
	if (remaining < 0 && (mode == TRACK_ADJUST_AUTO || lower >= 0))
		return -1;
	int64_t left = (remaining < 0 ? 0 : remaining) - lower;
	return left > 0 ? left : 0;
}

static int record_seconds(db_conn *c, arena *a, int64_t group, const char *field, int64_t from,
                          int64_t to)
{
	const char *f = from >= 0 ? arena_printf(a, "%" PRId64, from) : NULL;
	const char *t = to >= 0 ? arena_printf(a, "%" PRId64, to) : NULL;
	return track_changelog_item(c, group, field, f, f, t, t);
}

/* Moves time spent by spent_delta and the remaining estimate as adj says, recording both. */
static int adjust_issue(db_conn *c, arena *a, int64_t issue_id, int64_t spent_delta,
                        const track_estimate_adjust *adj, int64_t author_id)
{
	track_issue old = { 0 };
	int rc = track_issue_get(c, a, issue_id, &old);
	int64_t spent = old.time_spent + spent_delta;
	spent = spent > 0 ? spent : 0;
	int64_t remaining = remaining_after(old.remaining_estimate, spent_delta, adj);
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE issues SET time_spent = $2, remaining_estimate = $3,"
		             " updated_at = $4 WHERE id = $1",
		             db_int(issue_id), db_int(spent),
		             remaining >= 0 ? db_int(remaining) : db_null(),
		             db_int(clock_now_ms()));
	int64_t group = 0;
	bool estimate_moved = remaining != old.remaining_estimate;
	if (rc >= 0 && (spent != old.time_spent || estimate_moved))
		rc = track_changelog_begin(c, issue_id, author_id, &group);
	if (rc >= 0 && group && spent != old.time_spent)
		rc = record_seconds(c, a, group, "timespent", old.time_spent, spent);
	if (rc >= 0 && group && estimate_moved)
		rc = record_seconds(c, a, group, "timeestimate", old.remaining_estimate, remaining);
	return rc < 0 ? rc : 0;
}

static int check_log(int64_t seconds, const char *comment, const track_estimate_adjust *adj)
{
	if (seconds <= 0 || seconds > WORKLOG_SECONDS_MAX)
		return err_fail(WEFT_EINVALID, "Worklog must not be null and must be positive.");
	if (comment && strlen(comment) > WORKLOG_COMMENT_MAX)
		return err_fail(WEFT_ETOOLARGE, "The comment is too long.");
	if (adj && adj->mode != TRACK_ADJUST_AUTO && adj->mode != TRACK_ADJUST_LEAVE &&
	    (adj->seconds < 0 || adj->seconds > WORKLOG_SECONDS_MAX))
		return err_fail(WEFT_EINVALID, "The estimate adjustment is not valid.");
	return 0;
}

int track_worklog_add(db_conn *c, arena *a, int64_t issue_id, int64_t author_id, int64_t seconds,
                      int64_t started_at, const char *comment, const track_estimate_adjust *adj,
                      track_worklog *out)
{
	int rc = check_log(seconds, comment, adj);
	if (rc < 0)
		return rc;
	int64_t now = clock_now_ms();
	db_stmt *st;
	rc = db_query(&st, c,
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
		rc = adjust_issue(c, a, issue_id, seconds, adj, author_id);
	return rc;
}

int track_worklog_get(db_conn *c, arena *a, int64_t issue_id, int64_t id, track_worklog *out)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c, "SELECT " WORKLOG_COLUMNS " FROM worklogs WHERE id = $1 AND issue_id = $2",
	        db_int(id), db_int(issue_id));
	if (rc == 0)
		rc = db_step_one(st, "Cannot find worklog with id: '%lld'.", (long long)id);
	if (rc == 0)
		read_row(st, a, out);
	db_done(st);
	return rc;
}

int track_worklog_edit(db_conn *c, arena *a, int64_t issue_id, int64_t id, int64_t editor_id,
                       int64_t seconds, int64_t started_at, const char *comment,
                       const track_estimate_adjust *adj, track_worklog *out)
{
	track_worklog old;
	int rc = track_worklog_get(c, a, issue_id, id, &old);
	if (rc == 0 && adj && adj->mode == TRACK_ADJUST_MANUAL)
		rc = err_fail(WEFT_EINVALID, "adjustEstimate=manual is not allowed here.");
	int64_t secs = seconds ? seconds : old.seconds;
	if (rc == 0)
		rc = check_log(secs, comment, adj);
	if (rc == 0)
		rc = db_exec(
		        c,
		        "UPDATE worklogs SET seconds = $3, started_at = $4, comment = $5,"
		        " update_author_id = $6, updated_at = $7 WHERE id = $1 AND issue_id = $2",
		        db_int(id), db_int(issue_id), db_int(secs),
		        db_int(started_at ? started_at : old.started_at),
		        db_text(comment ? comment : old.comment), db_int(editor_id),
		        db_int(clock_now_ms()));
	if (rc >= 0)
		rc = adjust_issue(c, a, issue_id, secs - old.seconds, adj, editor_id);
	if (rc == 0)
		rc = track_worklog_get(c, a, issue_id, id, out);
	return rc;
}

int track_worklog_delete(db_conn *c, arena *a, int64_t issue_id, int64_t id, int64_t author_id,
                         const track_estimate_adjust *adj)
{
	track_worklog old;
	int rc = track_worklog_get(c, a, issue_id, id, &old);
	if (rc == 0)
		rc = check_log(old.seconds, NULL, adj);
	/* manual raises the estimate on a delete: lowering by a negative amount */
	track_estimate_adjust raise = adj ? *adj : (track_estimate_adjust){ TRACK_ADJUST_AUTO, 0 };
	if (raise.mode == TRACK_ADJUST_MANUAL)
		raise.seconds = -raise.seconds;
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM worklogs WHERE id = $1 AND issue_id = $2", db_int(id),
		             db_int(issue_id));
	if (rc >= 0)
		rc = adjust_issue(c, a, issue_id, -old.seconds, &raise, author_id);
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
		                       NULL, out);
	return rc;
}

int track_worklog_list(db_conn *c, arena *a, int64_t issue_id, int64_t start, int64_t max,
                       track_worklog **out, size_t *n, int64_t *total)
{
	db_stmt *st = NULL;
	int rc = db_rows_count(total, c, "SELECT COUNT(*) FROM worklogs WHERE issue_id = $1",
	                       issue_id);
	if (rc == 0)
		rc = db_query(&st, c,
		              "SELECT " WORKLOG_COLUMNS " FROM worklogs WHERE issue_id = $1"
		              " ORDER BY started_at, id LIMIT $2 OFFSET $3",
		              db_int(issue_id), db_int(max), db_int(start));
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_row);
}
