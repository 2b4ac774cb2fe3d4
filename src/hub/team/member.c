/* Team members, roles and the last-administrator rule (member.h). */
#include "hub/team/member.h"

#include "base/clock.h"
#include "base/err.h"
#include "db/rows.h"
#include "hub/team/plan.h"

const char *hub_member_role_name(hub_member_role role)
{
	switch (role) {
	case HUB_MEMBER_ROLE_OWNER: return "owner";
	case HUB_MEMBER_ROLE_MEMBER: return "member";
	case HUB_MEMBER_ROLE_COLLABORATOR: return "collaborator";
	default: return "none";
	}
}

int hub_member_role_of(db_conn *c, int64_t user_id, const hub_workspace *ws, hub_member_role *out)
{
	int64_t role = 0;
	int rc = user_id ? db_query_int(&role, c,
	                                "SELECT " HUB_MEMBER_ROLE_SQL " FROM workspaces w"
	                                " WHERE w.id = $2",
	                                db_int(user_id), db_int(ws->id))
	                 : 0;
	*out = (hub_member_role)role;
	return rc;
}

int hub_member_keep_an_admin(db_conn *c, int64_t workspace_id, int64_t group_id, int64_t user_id)
{
	int64_t now = 0, left = 0;
	const char *sql = "SELECT COUNT(DISTINCT gm.user_id) FROM group_members gm"
	                  " JOIN groups g ON g.id = gm.group_id"
	                  " WHERE g.workspace_id = $1 AND g.permission = 'admin'"
	                  " AND NOT ((gm.group_id = $2 OR $2 = 0) AND (gm.user_id = $3 OR $3 = 0))";
	int rc = hub_workspace_lock(c, workspace_id);
	if (rc == 0)
		rc = db_query_int(&now, c, sql, db_int(workspace_id), db_int(-1), db_int(-1));
	if (rc == 0)
		rc = db_query_int(&left, c, sql, db_int(workspace_id), db_int(group_id),
		                  db_int(user_id));
	if (rc == 0 && now > 0 && left == 0)
		rc = err_fail(WEFT_ECONFLICT, "A team needs at least one administrator: this would "
		                              "leave it without one. Make someone else an "
		                              "administrator first.");
	return rc;
}

int hub_member_is(db_conn *c, int64_t workspace_id, int64_t user_id, bool *out)
{
	int64_t found = 0;
	int rc = db_query_int(&found, c,
	                      "SELECT 1 FROM team_members WHERE workspace_id = $1 AND user_id = $2",
	                      db_int(workspace_id), db_int(user_id));
	*out = found != 0;
	return rc;
}

int hub_member_join(db_conn *c, int64_t workspace_id, int64_t group_id, int64_t user_id,
                    bool *added)
{
	int64_t now = clock_now_ms();
	int rc = db_exec(c,
	                 "INSERT INTO team_members (workspace_id, user_id, created_at)"
	                 " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	                 db_int(workspace_id), db_int(user_id), db_int(now));
	if (rc >= 0 && group_id)
		rc = db_exec(c,
		             "INSERT INTO group_members (group_id, user_id, created_at)"
		             " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
		             db_int(group_id), db_int(user_id), db_int(now));
	if (rc >= 0 && added)
		*added = group_id && rc > 0;
	return rc < 0 ? rc : 0;
}

int hub_member_add(db_conn *c, const hub_workspace *ws, int64_t user_id)
{
	bool member = false;
	int rc = hub_workspace_require_team(ws);
	if (rc == 0)
		rc = hub_member_is(c, ws->id, user_id, &member);
	if (rc < 0 || member)
		return rc;
	rc = hub_plan_check_member_limit(c, ws->id, 1);
	return rc < 0 ? rc : hub_member_join(c, ws->id, 0, user_id, NULL);
}

int hub_member_remove(db_conn *c, const hub_workspace *ws, int64_t user_id)
{
	bool member = false;
	int rc = hub_workspace_require_team(ws);
	if (rc == 0)
		rc = hub_member_is(c, ws->id, user_id, &member);
	if (rc == 0 && !member)
		rc = err_fail(WEFT_ENOTFOUND, "That user is not a member of %s.", ws->slug);
	if (rc == 0)
		rc = hub_member_keep_an_admin(c, ws->id, 0, user_id);
	if (rc == 0)
		rc = db_exec(c,
		             "DELETE FROM group_members WHERE user_id = $1 AND group_id IN"
		             " (SELECT id FROM groups WHERE workspace_id = $2)",
		             db_int(user_id), db_int(ws->id));
	if (rc >= 0)
		rc = db_exec(c, "DELETE FROM team_members WHERE workspace_id = $1 AND user_id = $2",
		             db_int(ws->id), db_int(user_id));
	return rc < 0 ? rc : 0;
}

/* A member's columns: the user, when they joined, whether they administer the team. */
#define MEMBER_SELECT                                                                     \
	"SELECT " HUB_USER_COLS ", tm.created_at, EXISTS (SELECT 1 FROM group_members ga" \
	" JOIN groups g ON g.id = ga.group_id WHERE ga.user_id = u.id"                    \
	" AND g.workspace_id = tm.workspace_id AND g.permission = 'admin')"               \
	" FROM team_members tm JOIN users u ON u.id = tm.user_id" HUB_USER_EMAIL_JOIN

static void read_member(db_stmt *st, arena *a, void *item)
{
	hub_member *out = item;
	hub_account_read(st, a, 0, &out->user);
	out->joined_at = db_col_int(st, HUB_USER_NCOLS);
	out->role =
	        db_col_int(st, HUB_USER_NCOLS + 1) ? HUB_MEMBER_ROLE_OWNER : HUB_MEMBER_ROLE_MEMBER;
}

int hub_member_list(db_conn *c, arena *a, int64_t workspace_id, hub_member **out, size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  MEMBER_SELECT " WHERE tm.workspace_id = $1 ORDER BY lower(u.username)",
	                  db_int(workspace_id));
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_member);
}

int hub_member_find(db_conn *c, arena *a, int64_t workspace_id, const char *username,
                    hub_member *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  MEMBER_SELECT " WHERE tm.workspace_id = $1 AND " HUB_MEMBER_BY_NAME_SQL,
	                  db_int(workspace_id), db_text(username));
	if (rc == 0)
		rc = db_step_one(st, "%s is not a member of this team.", username);
	if (rc == 0)
		read_member(st, a, out);
	db_done(st);
	return rc;
}

static void read_id(db_stmt *st, arena *a, void *item)
{
	(void)a;
	*(int64_t *)item = db_col_int(st, 0);
}

int hub_member_collaborator_ids(db_conn *c, arena *a, const hub_workspace *ws, int64_t **out,
                                size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT DISTINCT p.user_id FROM repository_user_permissions p"
	                  " JOIN repositories r ON r.id = p.repository_id"
	                  " WHERE r.workspace_id = $1 AND p.user_id <> $2 AND NOT EXISTS"
	                  " (SELECT 1 FROM team_members m WHERE m.workspace_id = $1"
	                  " AND m.user_id = p.user_id) ORDER BY p.user_id",
	                  db_int(ws->id), db_int(ws->owner_id));
	*out = NULL;
	*n = 0;
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_id);
}
