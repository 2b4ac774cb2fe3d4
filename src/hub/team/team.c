/* Teams: rules, creation, renaming, deletion, a user's teams and a team's repositories
 * (team.h). */
#include "hub/team/team.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "base/token.h"
#include "db/rows.h"
#include "hub/hub_perm.h"
#include "hub/perm_sql.h"
#include "hub/team/activity.h"
#include "hub/team/group.h"

int hub_team_check_id(const char *team_id)
{
	size_t n = strlen(team_id);
	if (n == 0)
		return err_fail(WEFT_EINVALID, "Team ID: enter a team ID.");
	if (n > TEAM_ID_MAX)
		return err_fail(WEFT_EINVALID, "Team ID: at most %d characters.", TEAM_ID_MAX);
	for (const char *p = team_id; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9') && *p != '-' &&
		    *p != '_')
			return err_fail(WEFT_EINVALID, "Team ID: only lowercase letters, digits, - "
			                               "and _ (a-z, 0-9, -, _).");
	if (hub_account_is_reserved(team_id))
		return err_fail(WEFT_EINVALID, "Team ID: \"%s\" is reserved; choose another.",
		                team_id);
	return 0;
}

int hub_team_check_name(const char *name)
{
	return str_check_name("Team name", name, TEAM_NAME_MAX);
}

static void read_membership(db_stmt *st, arena *a, void *item)
{
	hub_membership *m = item;
	hub_workspace_read(st, a, 0, &m->ws);
	m->role = (hub_member_role)db_col_int(st, 6);
}

int hub_team_list_for_user(db_conn *c, arena *a, int64_t user_id, bool include_personal,
                           hub_membership **out, size_t *n)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c,
	        "SELECT " HUB_WORKSPACE_COLS ", " HUB_MEMBER_ROLE_SQL
	        " FROM workspaces w WHERE (w.user_id = $1 AND $2 = 1)"
	        " OR w.id IN (SELECT workspace_id FROM team_members WHERE user_id = $1)"
	        " OR w.id IN (SELECT r.workspace_id FROM repositories r"
	        " JOIN repository_user_permissions p ON p.repository_id = r.id WHERE p.user_id = $1"
	        " AND (r.workspace_id NOT IN (SELECT id FROM workspaces WHERE user_id = $1)))"
	        " ORDER BY w.kind = 'team', w.slug",
	        db_int(user_id), db_int(include_personal));
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_membership);
}

static int insert_workspace(db_conn *c, const hub_team_new *n, const char *name, int64_t *id)
{
	char uuid[TOKEN_UUID_LEN];
	token_uuid(uuid);
	int64_t now = clock_now_ms();
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "INSERT INTO workspaces (uuid, slug, name, kind, created_at, updated_at)"
	                  " VALUES ($1, $2, $3, 'team', $4, $4) RETURNING id",
	                  db_text(uuid), db_text(n->id), db_text(name), db_int(now));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	if (rc == WEFT_EEXISTS)
		rc = err_fail(WEFT_EEXISTS, "Team ID: %s is already taken.", n->id);
	return rc;
}

/* The form's members join Developers; naming the creator again, or someone twice, is no
 * error. */
static int add_initial_members(db_conn *c, arena *a, const hub_user *creator,
                               const hub_workspace *ws, const hub_team_new *n)
{
	for (size_t i = 0; i < n->nmembers; i++) {
		const char *login = n->members[i];
		if (str_eq_nocase(login, creator->username) ||
		    (creator->email && str_eq_nocase(login, creator->email)))
			continue;
		hub_member_add_result added;
		int rc = hub_group_add(c, a, ws, HUB_GROUP_DEVELOPERS, login, creator, n->base_url,
		                       &added);
		if (rc < 0 && rc != WEFT_EEXISTS)
			return rc;
	}
	return 0;
}

int hub_team_create(db_conn *c, arena *a, const hub_user *creator, const hub_team_new *n,
                    hub_workspace *out)
{
	const char *name = n->name && *n->name ? n->name : n->id;
	int64_t id = 0;
	int rc = hub_team_check_id(n->id);
	if (rc == 0)
		rc = hub_team_check_name(name);
	if (rc == 0)
		rc = insert_workspace(c, n, name, &id);
	if (rc == 0)
		rc = hub_group_create_defaults(c, id, creator->id);
	hub_workspace ws;
	if (rc == 0)
		rc = hub_workspace_find(c, a, n->id, &ws);
	if (rc == 0)
		rc = add_initial_members(c, a, creator, &ws, n);
	if (rc == 0)
		rc = hub_activity_record(
		        c, creator->id, ws.id,
		        arena_printf(a, "%s created the team %s", creator->username, ws.name));
	if (rc == 0)
		*out = ws;
	return rc;
}

int hub_team_rename(db_conn *c, const hub_workspace *ws, const char *name)
{
	int rc = hub_workspace_require_team(ws);
	if (rc == 0)
		rc = hub_team_check_name(name);
	if (rc == 0)
		rc = db_exec(c, "UPDATE workspaces SET name = $1, updated_at = $2 WHERE id = $3",
		             db_text(name), db_int(clock_now_ms()), db_int(ws->id));
	return rc < 0 ? rc : 0;
}

int hub_team_delete(db_conn *c, const hub_workspace *ws)
{
	int64_t repos = 0;
	int rc = hub_workspace_require_team(ws);
	if (rc == 0)
		rc = db_query_int(&repos, c,
		                  "SELECT COUNT(*) FROM repositories WHERE workspace_id = $1",
		                  db_int(ws->id));
	if (rc == 0 && repos > 0)
		return err_fail(WEFT_ECONFLICT,
		                "Team %s still holds %lld repositories: delete or transfer them "
		                "first.",
		                ws->slug, (long long)repos);
	static const char *const cleanup[] = {
		"DELETE FROM invitations WHERE workspace_id = $1",
		("DELETE FROM group_members WHERE group_id IN"
		 " (SELECT id FROM groups WHERE workspace_id = $1)"),
		"DELETE FROM groups WHERE workspace_id = $1",
		"DELETE FROM team_members WHERE workspace_id = $1",
		"DELETE FROM workspaces WHERE id = $1",
	};
	for (size_t i = 0; rc >= 0 && i < sizeof cleanup / sizeof cleanup[0]; i++)
		rc = db_exec(c, cleanup[i], db_int(ws->id));
	return rc < 0 ? rc : 0;
}

static void read_repository(db_stmt *st, arena *a, void *item)
{
	*(hub_team_repository *)item = (hub_team_repository){ db_col_int(st, 0),
		                                              arena_strdup(a, db_col_text(st, 1)),
		                                              arena_strdup(a, db_col_text(st, 2)),
		                                              arena_strdup(a, db_col_text(st, 3)),
		                                              db_col_int(st, 4) != 0,
		                                              db_col_int(st, 5) };
}

int hub_team_visible_repositories(db_conn *c, arena *a, const hub_user *viewer,
                                  const hub_workspace *ws, hub_team_repository **out, size_t *n)
{
	db_stmt *st = NULL;
	int64_t user_id;
	bool reads_all;
	*out = NULL;
	*n = 0;
	int rc = hub_perm_repository_filter(c, viewer, ws, &user_id, &reads_all);
	if (rc == 0)
		rc = db_query(
		        &st, c,
		        "SELECT r.id, r.slug, r.name, r.description, r.is_private, r.updated_at"
		        " FROM repositories r WHERE r.workspace_id = $1 AND ($3 = 1 "
		        "OR " HUB_PERM_SQL_READS_REPOSITORY("r", "$2") ") ORDER BY lower(r.name)",
		        db_int(ws->id), db_int(user_id), db_int(reads_all));
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_repository);
}
