/* Watchers and voters of issues (people.h): one table each, the same shape, so one set of
 * statements picked by kind. */
#include "track/issue/people.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "db/rows.h"
#include "track/account/account.h"

/* The statements of each kind: table names are constants of this file, never input. */
static const struct {
	const char *add, *remove, *list, *count, *of_issues;
} sql[] = {
	[TRACK_WATCHERS] = {
		"INSERT INTO issue_watchers (issue_id, user_id, created_at) VALUES ($1, $2, $3)"
		" ON CONFLICT DO NOTHING",
		"DELETE FROM issue_watchers WHERE issue_id = $1 AND user_id = $2",
		"SELECT " TRACK_USER_COLUMNS("u.") " FROM issue_watchers w JOIN users u ON u.id = w.user_id"
		" WHERE w.issue_id = $1 ORDER BY lower(u.display_name), u.id LIMIT $2",
		"SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id = $2 THEN 1 ELSE 0 END), 0)"
		" FROM issue_watchers WHERE issue_id = $1",
		"SELECT issue_id, user_id FROM issue_watchers WHERE issue_id IN (",
	},
	[TRACK_VOTERS] = {
		"INSERT INTO issue_voters (issue_id, user_id, created_at) VALUES ($1, $2, $3)"
		" ON CONFLICT DO NOTHING",
		"DELETE FROM issue_voters WHERE issue_id = $1 AND user_id = $2",
		"SELECT " TRACK_USER_COLUMNS("u.") " FROM issue_voters w JOIN users u ON u.id = w.user_id"
		" WHERE w.issue_id = $1 ORDER BY lower(u.display_name), u.id LIMIT $2",
		"SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id = $2 THEN 1 ELSE 0 END), 0)"
		" FROM issue_voters WHERE issue_id = $1",
		"SELECT issue_id, user_id FROM issue_voters WHERE issue_id IN (",
	},
};

int track_people_add(db_conn *c, track_people_kind kind, int64_t issue_id, int64_t user_id)
{
	int rc = db_exec(c, sql[kind].add, db_int(issue_id), db_int(user_id),
	                 db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

int track_people_remove(db_conn *c, track_people_kind kind, int64_t issue_id, int64_t user_id)
{
	int rc = db_exec(c, sql[kind].remove, db_int(issue_id), db_int(user_id));
	return rc < 0 ? rc : 0;
}

int track_people_list(db_conn *c, arena *a, track_people_kind kind, int64_t issue_id,
                      track_user **out, size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c, sql[kind].list, db_int(issue_id), db_int(TRACK_USER_LIST_MAX));
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, track_account_read_item);
}

int track_people_count(db_conn *c, track_people_kind kind, int64_t issue_id, int64_t user_id,
                       int64_t *count, bool *is_one)
{
	db_stmt *st;
	int rc = db_query(&st, c, sql[kind].count, db_int(issue_id), db_int(user_id));
	if (rc == 0)
		rc = db_step_one(st, "no count");
	if (rc == 0) {
		*count = db_col_int(st, 0);
		*is_one = db_col_int(st, 1) > 0;
	}
	db_done(st);
	return rc;
}

static void read_pair(db_stmt *st, arena *a, void *item)
{
	(void)a;
	track_people_pair *p = item;
	p->issue_id = db_col_int(st, 0);
	p->user_id = db_col_int(st, 1);
}

int track_people_of_issues(db_conn *c, arena *a, track_people_kind kind, const int64_t *issue_ids,
                           size_t n, track_people_pair **out, size_t *nout)
{
	const db_rows_ids q = { sql[kind].of_issues, ")", issue_ids, n };
	return db_rows_read_ids((void **)out, nout, c, a, &q, sizeof **out, read_pair);
}
