/* Recording and reading recent activity. */
#include "hub/team/activity.h"

#include "base/clock.h"
#include "hub/perm_sql.h"

int hub_activity_record_repository(db_conn *c, int64_t actor_id, int64_t workspace_id,
                                   int64_t repository_id, const char *summary)
{
	int rc = db_exec(c,
	                 "INSERT INTO activity (actor_id, workspace_id, repository_id, summary,"
	                 " created_at) VALUES ($1, $2, $3, $4, $5)",
	                 actor_id ? db_int(actor_id) : db_null(),
	                 workspace_id ? db_int(workspace_id) : db_null(),
	                 repository_id ? db_int(repository_id) : db_null(), db_text(summary),
	                 db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

int hub_activity_record(db_conn *c, int64_t actor_id, int64_t workspace_id, const char *summary)
{
	return hub_activity_record_repository(c, actor_id, workspace_id, 0, summary);
}

/* Whether the user $1 (a site administrator when $2 is 1) sees item a about repository r: its
 * actor, a site administrator, and whoever may read the repository now (hub_perm's rule);
 * once the repository is gone, its team's administrators. Items about no repository: all. */
#define READS_REPOSITORY "(r.id IS NOT NULL AND " HUB_PERM_SQL_READS_REPOSITORY("r", "$1") ")"
#define ADMINISTERED_GONE \
	"(r.id IS NULL AND " HUB_PERM_SQL_ADMINISTERS_WORKSPACE("a.workspace_id", "$1") ")"
#define ITEM_VISIBLE                                                                 \
	"(a.repository_id IS NULL OR a.actor_id = $1 OR $2 = 1 OR " READS_REPOSITORY \
	" OR " ADMINISTERED_GONE ")"

/* One statement for the page, filtered as it is read, so that LIMIT counts only what the user
 * may see. */
int hub_activity_for_user(db_conn *c, arena *a, int64_t user_id, bool is_admin, int limit,
                          activity_item **out, size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT a.summary, w.slug, a.created_at FROM activity a"
	                  " LEFT JOIN workspaces w ON w.id = a.workspace_id"
	                  " LEFT JOIN repositories r ON r.id = a.repository_id"
	                  " WHERE (a.actor_id = $1 OR a.workspace_id IN"
	                  " (SELECT workspace_id FROM team_members WHERE user_id = $1))"
	                  " AND " ITEM_VISIBLE " ORDER BY a.created_at DESC, a.id DESC LIMIT $3",
	                  db_int(user_id), db_int(is_admin), db_int(limit));
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
