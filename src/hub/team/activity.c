/* Recording and reading recent activity. */
#include "hub/team/activity.h"

#include "base/clock.h"

int hub_activity_record(db_conn *c, int64_t actor_id, int64_t workspace_id, const char *summary)
{
	int rc = db_exec(c,
	                 "INSERT INTO activity (actor_id, workspace_id, summary, created_at)"
	                 " VALUES ($1, $2, $3, $4)",
	                 actor_id ? db_int(actor_id) : db_null(),
	                 workspace_id ? db_int(workspace_id) : db_null(), db_text(summary),
	                 db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

int hub_activity_for_user(db_conn *c, arena *a, int64_t user_id, int limit, activity_item **out,
                          size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT a.summary, w.slug, a.created_at FROM activity a"
	                  " LEFT JOIN workspaces w ON w.id = a.workspace_id"
	                  " WHERE a.actor_id = $1 OR a.workspace_id IN"
	                  " (SELECT workspace_id FROM team_members WHERE user_id = $1)"
	                  " ORDER BY a.created_at DESC, a.id DESC LIMIT $2",
	                  db_int(user_id), db_int(limit));
	activity_item *items = arena_array(a, (size_t)(limit > 0 ? limit : 1), sizeof *items);
	size_t count = 0;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW && count < (size_t)limit) {
		items[count++] =
		        (activity_item){ arena_strdup(a, db_col_text(st, 0)),
			                 db_col_null(st, 1) ? NULL
			                                    : arena_strdup(a, db_col_text(st, 1)),
			                 db_col_int(st, 2) };
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = count ? items : NULL;
	*n = count;
	return 0;
}
