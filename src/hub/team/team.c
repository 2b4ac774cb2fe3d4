/* Teams: creation with the default groups, members, groups, invitations, plan limits and the
 * last-administrator rule (team.h). */
#include "hub/team/team.h"

#include "hub/team/activity.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/str.h"
#include "base/token.h"
#include "hub/account/email.h"
#include "hub/team/plan.h"
#include "mail/mail.h"

/* ---- small helpers ---- */

/* A growable array in an arena. */
typedef struct vec {
	void *items;
	size_t n, cap;
} vec;

/* Appends one zeroed element of size bytes and returns it. */
static void *push(arena *a, vec *v, size_t size)
{
	if (v->n == v->cap) {
		size_t grown = v->cap ? v->cap * 2 : 8;
		v->items = arena_grow(a, v->items, v->cap * size, grown * size);
		v->cap = grown;
	}
	return (char *)v->items + v->n++ * size;
}

/* The first column of a one-row query as an integer; 0 when there is no row. */
static int scalar_args(db_conn *c, int64_t *out, const char *sql, const db_arg *args)
{
	db_stmt *st;
	int rc = db_query_args(&st, c, sql, args);
	if (rc == 0)
		rc = db_step(st);
	*out = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc < 0 ? rc : 0;
}
#define scalar(c, out, sql, ...) scalar_args(c, out, sql, (const db_arg[]){ __VA_ARGS__, DB_END })

/* Free text of 1 to max characters without control characters; field names it. */
static int check_text(const char *field, const char *value, size_t max)
{
	if (!*value)
		return err_fail(WEFT_EINVALID, "%s: enter a name.", field);
	return str_check_line(field, value, max);
}

static int require_team(const hub_workspace *ws)
{
	if (!ws->is_team)
		return err_fail(WEFT_ECONFLICT, "%s is a personal workspace, not a team.",
		                ws->slug);
	return 0;
}

/* The columns of a user with their primary email, read by read_user from column col. */
#define USER_COLS                                                                          \
	"u.id, u.uuid, u.username, u.display_name, e.address, e.confirmed_at IS NOT NULL," \
	" u.is_admin, u.is_active, u.created_at"
#define USER_EMAIL_JOIN " LEFT JOIN emails e ON e.user_id = u.id AND e.is_primary = 1"

static void read_user(db_stmt *st, arena *a, int col, hub_user *out)
{
	out->id = db_col_int(st, col);
	snprintf(out->uuid, sizeof out->uuid, "%s", db_col_text(st, col + 1));
	out->username = arena_strdup(a, db_col_text(st, col + 2));
	out->display_name = arena_strdup(a, db_col_text(st, col + 3));
	out->email = db_col_null(st, col + 4) ? NULL : arena_strdup(a, db_col_text(st, col + 4));
	out->email_confirmed = db_col_int(st, col + 5) != 0;
	out->is_admin = db_col_int(st, col + 6) != 0;
	out->is_active = db_col_int(st, col + 7) != 0;
	out->created_at = db_col_int(st, col + 8);
}

/* ---- rules ---- */

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
	return check_text("Team name", name, TEAM_NAME_MAX);
}

int hub_group_slug(char out[TEAM_ID_MAX + 1], const char *name)
{
	int rc = check_text("Group name", name, TEAM_GROUP_NAME_MAX);
	if (rc < 0)
		return rc;
	size_t n = 0;
	bool gap = false;
	for (const char *p = name; *p && n < TEAM_ID_MAX; p++) {
		char ch = (char)tolower((unsigned char)*p);
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
			gap = true;
			continue;
		}
		if (gap && n > 0) {
			if (n + 2 > TEAM_ID_MAX)
				break;
			out[n++] = '-';
		}
		gap = false;
		out[n++] = ch;
	}
	out[n] = '\0';
	if (n == 0)
		return err_fail(WEFT_EINVALID, "Group name: use at least one letter or digit.");
	return 0;
}

const char *hub_member_role_name(hub_member_role role)
{
	switch (role) {
	case TEAM_ROLE_OWNER: return "owner";
	case TEAM_ROLE_MEMBER: return "member";
	case TEAM_ROLE_COLLABORATOR: return "collaborator";
	default: return "none";
	}
}

/* ---- limits ---- */

/* Serializes the changes of one team: a plan's limit and the last-administrator rule count rows
 * that a concurrent change could alter, and PostgreSQL runs writes READ COMMITTED. A no-op
 * UPDATE takes the workspace's row lock on both engines. */
static int lock_team(db_conn *c, int64_t workspace_id)
{
	int rc = db_exec(c, "UPDATE workspaces SET updated_at = updated_at WHERE id = $1",
	                 db_int(workspace_id));
	return rc < 0 ? rc : 0;
}

int hub_plan_usage(db_conn *c, int64_t workspace_id, int64_t *members,
                   int64_t *private_repositories)
{
	int rc = scalar(c, members,
	                "SELECT (SELECT COUNT(*) FROM team_members WHERE workspace_id = $1)"
	                " + (SELECT COUNT(DISTINCT lower(email)) FROM invitations"
	                " WHERE workspace_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL"
	                " AND expires_at > $2)",
	                db_int(workspace_id), db_int(clock_now_ms()));
	if (rc == 0)
		rc = scalar(c, private_repositories,
		            "SELECT COUNT(*) FROM repositories WHERE workspace_id = $1"
		            " AND is_private = 1",
		            db_int(workspace_id));
	return rc;
}

/* The workspace's plan, or found = false when it has none. */
static int plan_if_any(db_conn *c, arena *a, int64_t workspace_id, hub_plan *out, bool *found)
{
	int rc = hub_plan_of(c, a, workspace_id, out);
	*found = rc == 0;
	return rc == WEFT_ENOTFOUND ? 0 : rc;
}

int hub_plan_check_private_repo_limit(db_conn *c, int64_t workspace_id)
{
	arena *a = arena_new();
	hub_plan plan;
	bool found;
	int64_t members = 0, repos = 0;
	int rc = lock_team(c, workspace_id);
	if (rc == 0)
		rc = plan_if_any(c, a, workspace_id, &plan, &found);
	if (rc == 0 && found && plan.max_private_repositories != PLAN_UNLIMITED)
		rc = hub_plan_usage(c, workspace_id, &members, &repos);
	if (rc == 0 && found && plan.max_private_repositories != PLAN_UNLIMITED &&
	    repos + 1 > plan.max_private_repositories)
		rc = err_fail(WEFT_ELIMIT,
		              "Private repositories: the plan \"%s\" allows at most %lld private "
		              "repositories, and this team has %lld.",
		              plan.name, (long long)plan.max_private_repositories,
		              (long long)repos);
	arena_free(a);
	return rc;
}

int hub_plan_check_member_limit(db_conn *c, int64_t workspace_id, int64_t more)
{
	arena *a = arena_new();
	hub_plan plan;
	bool found;
	int64_t members = 0, repos = 0;
	int rc = lock_team(c, workspace_id);
	if (rc == 0)
		rc = plan_if_any(c, a, workspace_id, &plan, &found);
	if (rc == 0 && found && plan.max_members != PLAN_UNLIMITED)
		rc = hub_plan_usage(c, workspace_id, &members, &repos);
	if (rc == 0 && found && plan.max_members != PLAN_UNLIMITED &&
	    members + more > plan.max_members)
		rc = err_fail(WEFT_ELIMIT,
		              "Members: the plan \"%s\" allows at most %lld members, and this team "
		              "has %lld (pending invitations count).",
		              plan.name, (long long)plan.max_members, (long long)members);
	arena_free(a);
	return rc;
}

/* ---- the last-administrator rule ---- */

/* Refuses a change, before it is made, when the team has administrators and none would be left
 * without the admin memberships it takes away: those of group_id (0: any group) for user_id
 * (0: any user). */
static int keeps_an_admin(db_conn *c, int64_t workspace_id, int64_t group_id, int64_t user_id)
{
	int64_t now = 0, left = 0;
	const char *sql = "SELECT COUNT(DISTINCT gm.user_id) FROM group_members gm"
	                  " JOIN groups g ON g.id = gm.group_id"
	                  " WHERE g.workspace_id = $1 AND g.permission = 'admin'"
	                  " AND NOT ((gm.group_id = $2 OR $2 = 0) AND (gm.user_id = $3 OR $3 = 0))";
	int rc = lock_team(c, workspace_id);
	if (rc == 0)
		rc = scalar(c, &now, sql, db_int(workspace_id), db_int(-1), db_int(-1));
	if (rc == 0)
		rc = scalar(c, &left, sql, db_int(workspace_id), db_int(group_id), db_int(user_id));
	if (rc == 0 && now > 0 && left == 0)
		rc = err_fail(WEFT_ECONFLICT, "A team needs at least one administrator: this would "
		                              "leave it without one. Make someone else an "
		                              "administrator first.");
	return rc;
}

/* ---- members ---- */

static int is_member(db_conn *c, int64_t workspace_id, int64_t user_id, bool *out)
{
	int64_t found = 0;
	int rc = scalar(c, &found,
	                "SELECT 1 FROM team_members WHERE workspace_id = $1 AND user_id = $2",
	                db_int(workspace_id), db_int(user_id));
	*out = found != 0;
	return rc;
}

static int insert_member(db_conn *c, int64_t workspace_id, int64_t user_id)
{
	int rc = db_exec(c,
	                 "INSERT INTO team_members (workspace_id, user_id, created_at)"
	                 " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	                 db_int(workspace_id), db_int(user_id), db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

int hub_member_add(db_conn *c, const hub_workspace *ws, int64_t user_id)
{
	bool member = false;
	int rc = require_team(ws);
	if (rc == 0)
		rc = is_member(c, ws->id, user_id, &member);
	if (rc < 0 || member)
		return rc;
	rc = hub_plan_check_member_limit(c, ws->id, 1);
	return rc < 0 ? rc : insert_member(c, ws->id, user_id);
}

int hub_member_remove(db_conn *c, const hub_workspace *ws, int64_t user_id)
{
	bool member = false;
	int rc = require_team(ws);
	if (rc == 0)
		rc = is_member(c, ws->id, user_id, &member);
	if (rc == 0 && !member)
		rc = err_fail(WEFT_ENOTFOUND, "That user is not a member of %s.", ws->slug);
	if (rc == 0)
		rc = keeps_an_admin(c, ws->id, 0, user_id);
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

/* Whether user_id is an administrator of workspace_id, as SQL: $1 user, w the workspace. */
#define IS_ADMIN_SQL                                                                 \
	"EXISTS (SELECT 1 FROM group_members ga JOIN groups g ON g.id = ga.group_id" \
	" WHERE ga.user_id = $1 AND g.workspace_id = w.id AND g.permission = 'admin')"
/* The role of user $1 in workspace w (hub_member_role's values). */
#define ROLE_SQL                                                                            \
	"CASE WHEN w.user_id = $1 OR " IS_ADMIN_SQL " THEN 3"                               \
	" WHEN EXISTS (SELECT 1 FROM team_members tm WHERE tm.workspace_id = w.id"          \
	" AND tm.user_id = $1) THEN 2"                                                      \
	" WHEN EXISTS (SELECT 1 FROM repository_user_permissions p JOIN repositories r"     \
	" ON r.id = p.repository_id WHERE r.workspace_id = w.id AND p.user_id = $1) THEN 1" \
	" ELSE 0 END"

int hub_member_role_of(db_conn *c, int64_t user_id, const hub_workspace *ws, hub_member_role *out)
{
	int64_t role = 0;
	int rc = user_id ? scalar(c, &role, "SELECT " ROLE_SQL " FROM workspaces w WHERE w.id = $2",
	                          db_int(user_id), db_int(ws->id))
	                 : 0;
	*out = (hub_member_role)role;
	return rc;
}

static void read_workspace(db_stmt *st, arena *a, hub_workspace *out)
{
	out->id = db_col_int(st, 0);
	snprintf(out->uuid, sizeof out->uuid, "%s", db_col_text(st, 1));
	out->slug = arena_strdup(a, db_col_text(st, 2));
	out->name = arena_strdup(a, db_col_text(st, 3));
	out->is_team = db_col_int(st, 4) != 0;
	out->owner_id = db_col_int(st, 5);
}

int hub_team_list_for_user(db_conn *c, arena *a, int64_t user_id, bool include_personal,
                           hub_membership **out, size_t *n)
{
	db_stmt *st;
	vec v = { 0 };
	int rc = db_query(
	        &st, c,
	        "SELECT w.id, w.uuid, w.slug, w.name, w.kind = 'team', COALESCE(w.user_id, "
	        "0), " ROLE_SQL " FROM workspaces w WHERE (w.user_id = $1 AND $2 = 1)"
	        " OR w.id IN (SELECT workspace_id FROM team_members WHERE user_id = $1)"
	        " OR w.id IN (SELECT r.workspace_id FROM repositories r"
	        " JOIN repository_user_permissions p ON p.repository_id = r.id WHERE p.user_id = $1"
	        " AND (r.workspace_id NOT IN (SELECT id FROM workspaces WHERE user_id = $1)))"
	        " ORDER BY w.kind = 'team', w.slug",
	        db_int(user_id), db_int(include_personal));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		hub_membership *m = push(a, &v, sizeof *m);
		read_workspace(st, a, &m->ws);
		m->role = (hub_member_role)db_col_int(st, 6);
		rc = 0;
	}
	db_done(st);
	*out = v.items;
	*n = v.n;
	return rc < 0 ? rc : 0;
}

static void read_member(db_stmt *st, arena *a, hub_member *out)
{
	read_user(st, a, 0, &out->user);
	out->joined_at = db_col_int(st, 9);
	out->role = db_col_int(st, 10) ? TEAM_ROLE_OWNER : TEAM_ROLE_MEMBER;
}

int hub_member_list(db_conn *c, arena *a, int64_t workspace_id, hub_member **out, size_t *n)
{
	db_stmt *st;
	vec v = { 0 };
	/* IS_ADMIN_SQL compares with $1: here the member's own id, through u.id. */
	int rc = db_query(&st, c,
	                  "SELECT " USER_COLS ", tm.created_at, EXISTS (SELECT 1 FROM group_members"
	                  " ga JOIN groups g ON g.id = ga.group_id WHERE ga.user_id = u.id"
	                  " AND g.workspace_id = tm.workspace_id AND g.permission = 'admin')"
	                  " FROM team_members tm JOIN users u ON u.id = tm.user_id" USER_EMAIL_JOIN
	                  " WHERE tm.workspace_id = $1 ORDER BY lower(u.username)",
	                  db_int(workspace_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		read_member(st, a, push(a, &v, sizeof(hub_member)));
		rc = 0;
	}
	db_done(st);
	*out = v.items;
	*n = v.n;
	return rc < 0 ? rc : 0;
}

/* A user by username or {uuid}: the condition on u, with $2. */
#define USER_BY_NAME_SQL "(lower(u.username) = lower($2) OR '{' || u.uuid || '}' = $2)"

int hub_member_find(db_conn *c, arena *a, int64_t workspace_id, const char *username,
                    hub_member *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " USER_COLS ", tm.created_at, EXISTS (SELECT 1 FROM group_members"
	                  " ga JOIN groups g ON g.id = ga.group_id WHERE ga.user_id = u.id"
	                  " AND g.workspace_id = tm.workspace_id AND g.permission = 'admin')"
	                  " FROM team_members tm JOIN users u ON u.id = tm.user_id" USER_EMAIL_JOIN
	                  " WHERE tm.workspace_id = $1 AND " USER_BY_NAME_SQL,
	                  db_int(workspace_id), db_text(username));
	if (rc == 0)
		rc = db_step_one(st, "%s is not a member of this team.", username);
	if (rc == 0) {
		read_member(st, a, out);
	}
	db_done(st);
	return rc;
}

/* ---- groups ---- */

#define GROUP_COLS "g.id, g.workspace_id, g.slug, g.name, g.permission, g.auto_add, g.created_at"

static void read_group(db_stmt *st, arena *a, hub_group *out)
{
	*out = (hub_group){ 0 };
	out->id = db_col_int(st, 0);
	out->workspace_id = db_col_int(st, 1);
	out->slug = arena_strdup(a, db_col_text(st, 2));
	out->name = arena_strdup(a, db_col_text(st, 3));
	out->permission = hub_level_parse(db_col_text(st, 4));
	out->auto_add = db_col_int(st, 5) != 0;
	out->created_at = db_col_int(st, 6);
}

static int group_members(db_conn *c, arena *a, hub_group *g)
{
	db_stmt *st;
	vec v = { 0 };
	int rc = db_query(&st, c,
	                  "SELECT " USER_COLS " FROM group_members gm JOIN users u"
	                  " ON u.id = gm.user_id" USER_EMAIL_JOIN
	                  " WHERE gm.group_id = $1 ORDER BY lower(u.username)",
	                  db_int(g->id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		read_user(st, a, 0, push(a, &v, sizeof(hub_user)));
		rc = 0;
	}
	db_done(st);
	g->members = v.items;
	g->nmembers = v.n;
	return rc < 0 ? rc : 0;
}

/* A group by slug without its members. */
static int find_group(db_conn *c, arena *a, int64_t workspace_id, const char *slug, hub_group *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " GROUP_COLS " FROM groups g WHERE g.workspace_id = $1"
	                  " AND g.slug = lower($2)",
	                  db_int(workspace_id), db_text(slug));
	if (rc == 0)
		rc = db_step_one(st, "There is no group %s in this team.", slug);
	if (rc == 0) {
		read_group(st, a, out);
	}
	db_done(st);
	return rc;
}

int hub_group_find(db_conn *c, arena *a, int64_t workspace_id, const char *slug, hub_group *out)
{
	int rc = find_group(c, a, workspace_id, slug, out);
	return rc < 0 ? rc : group_members(c, a, out);
}

int hub_group_list(db_conn *c, arena *a, int64_t workspace_id, hub_group **out, size_t *n)
{
	db_stmt *st;
	vec v = { 0 };
	int rc = db_query(&st, c,
	                  "SELECT " GROUP_COLS " FROM groups g WHERE g.workspace_id = $1"
	                  " ORDER BY lower(g.name), g.slug",
	                  db_int(workspace_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		read_group(st, a, push(a, &v, sizeof(hub_group)));
		rc = 0;
	}
	db_done(st);
	hub_group *groups = v.items;
	for (size_t i = 0; rc == 0 && i < v.n; i++)
		rc = group_members(c, a, &groups[i]);
	*out = groups;
	*n = v.n;
	return rc < 0 ? rc : 0;
}

static int insert_group(db_conn *c, int64_t workspace_id, const char *slug, const char *name,
                        hub_level permission, bool auto_add, int64_t *id)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "INSERT INTO groups (workspace_id, slug, name, permission, auto_add,"
	                  " created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	                  db_int(workspace_id), db_text(slug), db_text(name),
	                  db_text(hub_level_name(permission)), db_int(auto_add),
	                  db_int(clock_now_ms()));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	if (rc == WEFT_EEXISTS)
		rc = err_fail(WEFT_EEXISTS, "Group name: the team has a group \"%s\" already.",
		              slug);
	return rc;
}

static int check_permission(hub_level permission)
{
	if (permission < HUB_LEVEL_READ || permission > HUB_LEVEL_ADMIN)
		return err_fail(WEFT_EINVALID, "Permission: choose read, write or admin.");
	return 0;
}

int hub_group_create(db_conn *c, arena *a, const hub_workspace *ws, const hub_group_new *g,
                     hub_group *out)
{
	char slug[TEAM_ID_MAX + 1];
	int64_t id = 0;
	int rc = require_team(ws);
	if (rc == 0)
		rc = hub_group_slug(slug, g->name);
	if (rc == 0)
		rc = check_permission(g->permission);
	if (rc == 0)
		rc = insert_group(c, ws->id, slug, g->name, g->permission, g->auto_add, &id);
	return rc < 0 ? rc : hub_group_find(c, a, ws->id, slug, out);
}

static int apply_change(db_conn *c, int64_t group_id, const hub_group_change *ch)
{
	int rc = 0;
	if (ch->name && (rc = check_text("Group name", ch->name, TEAM_GROUP_NAME_MAX)) == 0)
		rc = db_exec(c, "UPDATE groups SET name = $1 WHERE id = $2", db_text(ch->name),
		             db_int(group_id));
	if (rc >= 0 && ch->permission != HUB_LEVEL_NONE &&
	    (rc = check_permission(ch->permission)) == 0)
		rc = db_exec(c, "UPDATE groups SET permission = $1 WHERE id = $2",
		             db_text(hub_level_name(ch->permission)), db_int(group_id));
	if (rc >= 0 && ch->auto_add >= 0)
		rc = db_exec(c, "UPDATE groups SET auto_add = $1 WHERE id = $2",
		             db_int(ch->auto_add != 0), db_int(group_id));
	return rc < 0 ? rc : 0;
}

int hub_group_update(db_conn *c, arena *a, int64_t workspace_id, const char *slug,
                     const hub_group_change *ch, hub_group *out)
{
	hub_group g;
	int rc = find_group(c, a, workspace_id, slug, &g);
	if (rc == 0 && g.permission == HUB_LEVEL_ADMIN && ch->permission != HUB_LEVEL_NONE &&
	    ch->permission != HUB_LEVEL_ADMIN)
		rc = keeps_an_admin(c, workspace_id, g.id, 0);
	if (rc == 0)
		rc = apply_change(c, g.id, ch);
	if (rc == 0 && out)
		rc = hub_group_find(c, a, workspace_id, g.slug, out);
	return rc;
}

int hub_group_delete(db_conn *c, int64_t workspace_id, const char *slug)
{
	arena *a = arena_new();
	hub_group g;
	int rc = find_group(c, a, workspace_id, slug, &g);
	if (rc == 0)
		rc = keeps_an_admin(c, workspace_id, g.id, 0);
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM group_members WHERE group_id = $1", db_int(g.id));
	if (rc >= 0)
		rc = db_exec(c, "DELETE FROM invitations WHERE group_id = $1", db_int(g.id));
	if (rc >= 0)
		rc = db_exec(c, "DELETE FROM groups WHERE id = $1", db_int(g.id));
	arena_free(a);
	return rc < 0 ? rc : 0;
}

/* Adds a user to a group of ws, and to the team first (the plan's limit applies). */
static int add_to_group(db_conn *c, const hub_workspace *ws, const hub_group *g, const hub_user *u)
{
	int rc = hub_member_add(c, ws, u->id);
	if (rc == 0)
		rc = db_exec(c,
		             "INSERT INTO group_members (group_id, user_id, created_at)"
		             " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
		             db_int(g->id), db_int(u->id), db_int(clock_now_ms()));
	if (rc == 0)
		return err_fail(WEFT_EEXISTS, "Member: %s is in the group %s already.", u->username,
		                g->name);
	if (rc > 0) {
		char summary[256];
		snprintf(summary, sizeof summary, "%s joined %s in %s", u->username, g->name,
		         ws->name);
		rc = hub_activity_record(c, u->id, ws->id, summary);
	}
	return rc < 0 ? rc : 0;
}

int hub_group_add_user(db_conn *c, arena *a, const hub_workspace *ws, const char *slug,
                       const char *username, hub_user *added)
{
	hub_group g;
	hub_user u;
	int rc = require_team(ws);
	if (rc == 0)
		rc = find_group(c, a, ws->id, slug, &g);
	if (rc == 0 && (rc = hub_account_find_name(c, a, username, &u)) == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_ENOTFOUND, "Member: there is no user \"%s\".", username);
	if (rc == 0)
		rc = add_to_group(c, ws, &g, &u);
	if (rc == 0 && added)
		*added = u;
	return rc;
}

/* Adds by email: the account that has it confirmed, or an invitation. */
static int add_by_email(db_conn *c, arena *a, const hub_workspace *ws, const hub_group *g,
                        const char *email, const hub_user *inviter, const char *base_url,
                        hub_member_add_result *out)
{
	int64_t user_id = 0;
	int rc = hub_account_check_email(email);
	if (rc == 0)
		rc = hub_email_confirmed_owner(c, email, &user_id);
	if (rc == 0 && user_id == 0) {
		out->invited = true;
		return hub_invitation_create(c, ws, g->id, email, inviter, base_url,
		                             &out->invitation_id);
	}
	if (rc == 0)
		rc = hub_account_find_id(c, a, user_id, &out->user);
	return rc < 0 ? rc : add_to_group(c, ws, g, &out->user);
}

int hub_group_add(db_conn *c, arena *a, const hub_workspace *ws, const char *slug,
                  const char *username_or_email, const hub_user *inviter, const char *base_url,
                  hub_member_add_result *out)
{
	hub_group g;
	*out = (hub_member_add_result){ 0 };
	int rc = require_team(ws);
	if (rc == 0)
		rc = find_group(c, a, ws->id, slug, &g);
	if (rc < 0)
		return rc;
	if (!*username_or_email)
		return err_fail(WEFT_EINVALID, "Member: enter a username or an email address.");
	if (strchr(username_or_email, '@'))
		return add_by_email(c, a, ws, &g, username_or_email, inviter, base_url, out);
	if (hub_account_check_username(username_or_email) < 0)
		return err_fail(WEFT_EINVALID,
		                "Member: \"%.100s\" is neither a username nor an "
		                "email address.",
		                username_or_email);
	return hub_group_add_user(c, a, ws, slug, username_or_email, &out->user);
}

int hub_group_remove_user(db_conn *c, int64_t workspace_id, const char *slug, const char *username)
{
	arena *a = arena_new();
	hub_group g;
	int64_t user_id = 0;
	int rc = find_group(c, a, workspace_id, slug, &g);
	if (rc == 0)
		rc = scalar(c, &user_id,
		            "SELECT u.id FROM group_members gm JOIN users u ON u.id = gm.user_id"
		            " WHERE gm.group_id = $1 AND " USER_BY_NAME_SQL,
		            db_int(g.id), db_text(username));
	if (rc == 0 && user_id == 0)
		rc = err_fail(WEFT_ENOTFOUND, "Member: %s is not in the group %s.", username,
		              g.name);
	if (rc == 0)
		rc = keeps_an_admin(c, workspace_id, g.id, user_id);
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2",
		             db_int(g.id), db_int(user_id));
	arena_free(a);
	return rc < 0 ? rc : 0;
}

/* ---- teams ---- */

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

/* The two default groups, and the creator in the team and Administrators. */
static int default_groups(db_conn *c, int64_t workspace_id, int64_t creator_id)
{
	int64_t admins = 0, developers = 0;
	int rc = insert_group(c, workspace_id, TEAM_ADMINS_GROUP, "Administrators", HUB_LEVEL_ADMIN,
	                      true, &admins);
	if (rc == 0)
		rc = insert_group(c, workspace_id, TEAM_DEVELOPERS_GROUP, "Developers",
		                  HUB_LEVEL_WRITE, true, &developers);
	if (rc == 0)
		rc = insert_member(c, workspace_id, creator_id);
	if (rc == 0)
		rc = db_exec(c,
		             "INSERT INTO group_members (group_id, user_id, created_at)"
		             " VALUES ($1, $2, $3)",
		             db_int(admins), db_int(creator_id), db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
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
		int rc = hub_group_add(c, a, ws, TEAM_DEVELOPERS_GROUP, login, creator, n->base_url,
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
		rc = default_groups(c, id, creator->id);
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
	int rc = require_team(ws);
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
	int rc = require_team(ws);
	if (rc == 0)
		rc = scalar(c, &repos, "SELECT COUNT(*) FROM repositories WHERE workspace_id = $1",
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

/* ---- invitations ---- */

#define INVITATION_SELECT                                                                     \
	"SELECT i.id, i.workspace_id, w.slug, w.name, g.slug, g.name, i.email, u.username,"   \
	" i.created_at, i.expires_at, COALESCE(i.group_id, 0) FROM invitations i"             \
	" JOIN workspaces w ON w.id = i.workspace_id LEFT JOIN groups g ON g.id = i.group_id" \
	" LEFT JOIN users u ON u.id = i.invited_by "
/* Pending: neither accepted nor revoked nor expired, at time $1. */
#define PENDING_SQL " i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $1 "

static const char *text_or_null(db_stmt *st, arena *a, int col)
{
	return db_col_null(st, col) ? NULL : arena_strdup(a, db_col_text(st, col));
}

static void read_invitation(db_stmt *st, arena *a, team_invitation *out)
{
	out->id = db_col_int(st, 0);
	out->workspace_id = db_col_int(st, 1);
	out->workspace_slug = arena_strdup(a, db_col_text(st, 2));
	out->workspace_name = arena_strdup(a, db_col_text(st, 3));
	out->group_slug = text_or_null(st, a, 4);
	out->group_name = text_or_null(st, a, 5);
	out->email = arena_strdup(a, db_col_text(st, 6));
	out->invited_by = text_or_null(st, a, 7);
	out->created_at = db_col_int(st, 8);
	out->expires_at = db_col_int(st, 9);
}

static int queue_invitation_mail(db_conn *c, const team_invitation *inv, const char *base_url,
                                 const char *token)
{
	buf body = BUF_INIT;
	buf_printf(&body, "Hello,\n\n%s invites you to join the team %s (%s) on weft hub",
	           inv->invited_by ? inv->invited_by : "An administrator", inv->workspace_name,
	           inv->workspace_slug);
	if (inv->group_name)
		buf_printf(&body, ", in its group %s", inv->group_name);
	buf_printf(&body,
	           ".\n\nOpen this link to accept:\n\n%s/invitations/%s\n\n"
	           "The link works once, for 7 days, and only for %s: sign up with this address,\n"
	           "or sign in to an account where it is a confirmed address.\n",
	           base_url, token, inv->email);
	char subject[MAIL_SUBJECT_MAX + 1];
	snprintf(subject, sizeof subject, "You are invited to join %.180s on weft hub",
	         inv->workspace_name);
	int rc = mail_queue(c, inv->email, subject, buf_cstr(&body), NULL);
	buf_dispose(&body);
	return rc;
}

/* A pending invitation by id, of workspace_id. */
static int find_pending(db_conn *c, arena *a, int64_t workspace_id, int64_t id,
                        team_invitation *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  INVITATION_SELECT "WHERE" PENDING_SQL
	                                    "AND i.id = $2 AND i.workspace_id = $3",
	                  db_int(clock_now_ms()), db_int(id), db_int(workspace_id));
	if (rc == 0)
		rc = db_step_one(st, "There is no pending invitation %lld.", (long long)id);
	if (rc == 0) {
		read_invitation(st, a, out);
	}
	db_done(st);
	return rc;
}

/* Gives invitation id a new token valid from now and mails it. */
static int issue_token(db_conn *c, int64_t workspace_id, int64_t id, const char *base_url)
{
	char token[65], digest[65];
	token_hex(token, 32);
	password_token_digest(digest, token, 64);
	int64_t now = clock_now_ms();
	int rc = db_exec(c, "UPDATE invitations SET token_hash = $1, expires_at = $2 WHERE id = $3",
	                 db_text(digest), db_int(now + TEAM_INVITATION_LIFETIME_MS), db_int(id));
	arena *a = arena_new();
	team_invitation inv;
	if (rc >= 0)
		rc = find_pending(c, a, workspace_id, id, &inv);
	if (rc == 0)
		rc = queue_invitation_mail(c, &inv, base_url, token);
	arena_free(a);
	return rc < 0 ? rc : 0;
}

static int insert_invitation(db_conn *c, int64_t workspace_id, int64_t group_id, const char *email,
                             const hub_user *inviter, int64_t *id)
{
	char placeholder[65], digest[65];
	token_hex(placeholder, 32); /* replaced by issue_token before anyone sees it */
	password_token_digest(digest, placeholder, 64);
	int64_t now = clock_now_ms();
	db_stmt *st;
	int rc =
	        db_query(&st, c,
	                 "INSERT INTO invitations (workspace_id, group_id, email, token_hash,"
	                 " invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	                 " RETURNING id",
	                 db_int(workspace_id), group_id ? db_int(group_id) : db_null(),
	                 db_text(email), db_text(digest), inviter ? db_int(inviter->id) : db_null(),
	                 db_int(now), db_int(now + TEAM_INVITATION_LIFETIME_MS));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	return rc;
}

/* Whether email has a pending invitation to the team (it counts once against the plan). */
static int has_pending(db_conn *c, int64_t workspace_id, const char *email, bool *out)
{
	int64_t found = 0;
	int rc = scalar(c, &found,
	                "SELECT 1 FROM invitations i WHERE" PENDING_SQL
	                "AND i.workspace_id = $2 AND lower(i.email) = lower($3)",
	                db_int(clock_now_ms()), db_int(workspace_id), db_text(email));
	*out = found != 0;
	return rc;
}

int hub_invitation_create(db_conn *c, const hub_workspace *ws, int64_t group_id, const char *email,
                          const hub_user *inviter, const char *base_url, int64_t *id_out)
{
	bool pending = false;
	int64_t id = 0, now = clock_now_ms();
	int rc = require_team(ws);
	if (rc == 0)
		rc = hub_account_check_email(email);
	if (rc == 0)
		rc = has_pending(c, ws->id, email, &pending);
	if (rc == 0)
		rc = hub_plan_check_member_limit(c, ws->id, pending ? 0 : 1);
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE invitations SET revoked_at = $1 WHERE workspace_id = $2"
		             " AND COALESCE(group_id, 0) = $3 AND lower(email) = lower($4)"
		             " AND accepted_at IS NULL AND revoked_at IS NULL",
		             db_int(now), db_int(ws->id), db_int(group_id), db_text(email));
	if (rc >= 0)
		rc = insert_invitation(c, ws->id, group_id, email, inviter, &id);
	if (rc == 0)
		rc = issue_token(c, ws->id, id, base_url);
	if (rc == 0 && id_out)
		*id_out = id;
	return rc;
}

int hub_invitation_list(db_conn *c, arena *a, int64_t workspace_id, team_invitation **out,
                        size_t *n)
{
	db_stmt *st;
	vec v = { 0 };
	int rc = db_query(&st, c,
	                  INVITATION_SELECT "WHERE" PENDING_SQL
	                                    "AND i.workspace_id = $2 ORDER BY i.id DESC",
	                  db_int(clock_now_ms()), db_int(workspace_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		read_invitation(st, a, push(a, &v, sizeof(team_invitation)));
		rc = 0;
	}
	db_done(st);
	*out = v.items;
	*n = v.n;
	return rc < 0 ? rc : 0;
}

int hub_invitation_revoke(db_conn *c, int64_t workspace_id, int64_t invitation_id)
{
	int rc =
	        db_exec(c,
	                "UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND workspace_id = $3"
	                " AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
	                db_int(clock_now_ms()), db_int(invitation_id), db_int(workspace_id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "There is no pending invitation %lld.",
		                (long long)invitation_id);
	return rc < 0 ? rc : 0;
}

int hub_invitation_resend(db_conn *c, int64_t workspace_id, int64_t invitation_id,
                          const char *base_url)
{
	arena *a = arena_new();
	team_invitation inv;
	int rc = find_pending(c, a, workspace_id, invitation_id, &inv);
	if (rc == 0)
		rc = issue_token(c, workspace_id, invitation_id, base_url);
	arena_free(a);
	return rc;
}

/* The pending invitation behind token, with its group's id. */
static int find_by_token(db_conn *c, arena *a, const char *token, team_invitation *out,
                         int64_t *group_id)
{
	char digest[65];
	password_token_digest(digest, token, strlen(token));
	db_stmt *st;
	int rc = db_query(&st, c, INVITATION_SELECT "WHERE" PENDING_SQL "AND i.token_hash = $2",
	                  db_int(clock_now_ms()), db_text(digest));
	if (rc == 0)
		rc = db_step_one(st, "This invitation link is invalid, used, revoked or expired.");
	if (rc == 0) {
		read_invitation(st, a, out);
		*group_id = db_col_int(st, 10);
	}
	db_done(st);
	return rc;
}

int hub_invitation_find(db_conn *c, arena *a, const char *token, team_invitation *out)
{
	int64_t group_id;
	return find_by_token(c, a, token, out, &group_id);
}

/* Joins user_id to the team and group of one pending invitation and uses it up. The plan's
 * limit is checked before anything is written: the invitation already counts as a member. */
static int accept_one(db_conn *c, int64_t invitation_id, int64_t workspace_id, int64_t group_id,
                      int64_t user_id)
{
	bool member = false;
	int64_t now = clock_now_ms();
	int rc = is_member(c, workspace_id, user_id, &member);
	if (rc == 0 && !member)
		rc = hub_plan_check_member_limit(c, workspace_id, 0);
	if (rc == 0)
		rc = db_exec(
		        c,
		        "UPDATE invitations SET accepted_at = $1, accepted_by = $2 WHERE id = $3",
		        db_int(now), db_int(user_id), db_int(invitation_id));
	if (rc >= 0)
		rc = insert_member(c, workspace_id, user_id);
	if (rc == 0 && group_id)
		rc = db_exec(c,
		             "INSERT INTO group_members (group_id, user_id, created_at)"
		             " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
		             db_int(group_id), db_int(user_id), db_int(now));
	return rc < 0 ? rc : 0;
}

/* Whether email is a confirmed address of user_id; unconfirmed when it is theirs but not
 * confirmed yet. */
static int address_state(db_conn *c, int64_t user_id, const char *email, bool *confirmed,
                         bool *unconfirmed)
{
	int64_t state = 0;
	int rc = scalar(c, &state,
	                "SELECT CASE WHEN confirmed_at IS NULL THEN 1 ELSE 2 END FROM emails"
	                " WHERE user_id = $1 AND lower(address) = lower($2)",
	                db_int(user_id), db_text(email));
	*confirmed = state == 2;
	*unconfirmed = state == 1;
	return rc;
}

/* The invitation behind token, and whether user may accept it. */
static int check_acceptance(db_conn *c, arena *a, const char *token, const hub_user *user,
                            team_invitation *inv, int64_t *group_id)
{
	bool confirmed = false, unconfirmed = false;
	int rc = find_by_token(c, a, token, inv, group_id);
	if (rc == 0)
		rc = address_state(c, user->id, inv->email, &confirmed, &unconfirmed);
	if (rc < 0)
		return rc;
	if (unconfirmed)
		return err_fail(WEFT_EPERM,
		                "This invitation is for %s: confirm that address first (follow the "
		                "link in the mail we sent), and you will join the team.",
		                inv->email);
	if (!confirmed)
		return err_fail(
		        WEFT_EPERM,
		        "This invitation is for %s, which is not a confirmed address of your "
		        "account %s. Sign in with the account that has it, or sign up with it.",
		        inv->email, user->username);
	return 0;
}

int hub_invitation_check(db_conn *c, arena *a, const char *token, const hub_user *user,
                         team_invitation *out)
{
	int64_t group_id = 0;
	return check_acceptance(c, a, token, user, out, &group_id);
}

int hub_invitation_accept(db_conn *c, arena *a, const char *token, const hub_user *user,
                          team_invitation *out)
{
	team_invitation inv;
	int64_t group_id = 0;
	int rc = check_acceptance(c, a, token, user, &inv, &group_id);
	if (rc == 0)
		rc = accept_one(c, inv.id, inv.workspace_id, group_id, user->id);
	if (rc == 0 && out)
		*out = inv;
	return rc;
}

typedef struct pending_row {
	int64_t id, workspace_id, group_id;
} pending_row;

static int pending_for(db_conn *c, arena *a, int64_t user_id, const char *email, vec *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT i.id, i.workspace_id, COALESCE(i.group_id, 0) FROM invitations i"
	                  " JOIN emails e ON lower(e.address) = lower(i.email)"
	                  " WHERE" PENDING_SQL "AND e.user_id = $2 AND e.confirmed_at IS NOT NULL"
	                  " AND ($3 = '' OR lower(i.email) = lower($3)) ORDER BY i.id",
	                  db_int(clock_now_ms()), db_int(user_id), db_text(email ? email : ""));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		pending_row *p = push(a, out, sizeof *p);
		*p = (pending_row){ db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2) };
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int hub_invitation_accept_all_for(db_conn *c, int64_t user_id, const char *email)
{
	arena *a = arena_new();
	vec v = { 0 };
	int rc = pending_for(c, a, user_id, email, &v);
	const pending_row *rows = v.items;
	for (size_t i = 0; rc == 0 && i < v.n; i++) {
		rc = accept_one(c, rows[i].id, rows[i].workspace_id, rows[i].group_id, user_id);
		if (rc == WEFT_ELIMIT)
			rc = 0; /* a full team: the invitation waits (nothing was written) */
	}
	arena_free(a);
	return rc;
}

/* ---- pages ---- */

int hub_team_visible_repositories(db_conn *c, arena *a, const hub_user *viewer,
                                  const hub_workspace *ws, team_repository **out, size_t *n)
{
	db_stmt *st;
	vec all = { 0 }, visible = { 0 };
	int rc = db_query(&st, c,
	                  "SELECT id, slug, name, description, is_private, updated_at"
	                  " FROM repositories WHERE workspace_id = $1 ORDER BY lower(name)",
	                  db_int(ws->id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		team_repository *r = push(a, &all, sizeof *r);
		*r = (team_repository){ db_col_int(st, 0),
			                arena_strdup(a, db_col_text(st, 1)),
			                arena_strdup(a, db_col_text(st, 2)),
			                arena_strdup(a, db_col_text(st, 3)),
			                db_col_int(st, 4) != 0,
			                db_col_int(st, 5) };
		rc = 0;
	}
	db_done(st);
	const team_repository *rows = all.items;
	for (size_t i = 0; rc == 0 && i < all.n; i++) {
		hub_level level = HUB_LEVEL_NONE;
		rc = hub_perm_repository(c, viewer, ws, rows[i].id, rows[i].is_private, &level);
		if (rc == 0 && level >= HUB_LEVEL_READ)
			*(team_repository *)push(a, &visible, sizeof *rows) = rows[i];
	}
	*out = visible.items;
	*n = visible.n;
	return rc < 0 ? rc : 0;
}
