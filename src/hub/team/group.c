/* Groups of a team and the default groups (group.h). */
#include "hub/team/group.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "db/rows.h"
#include "hub/account/email.h"
#include "hub/team/activity.h"
#include "hub/team/invitation.h"
#include "hub/team/member.h"

int hub_group_slug(char out[HUB_GROUP_SLUG_MAX + 1], const char *name)
{
	int rc = str_check_name("Group name", name, HUB_GROUP_NAME_MAX);
	if (rc < 0)
		return rc;
	size_t n = 0;
	bool gap = false;
	for (const char *p = name; *p && n < HUB_GROUP_SLUG_MAX; p++) {
		char ch = (char)tolower((unsigned char)*p);
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
			gap = true;
			continue;
		}
		if (gap && n > 0) {
			if (n + 2 > HUB_GROUP_SLUG_MAX)
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

#define GROUP_COLS "g.id, g.workspace_id, g.slug, g.name, g.permission, g.auto_add, g.created_at"

static void read_group(db_stmt *st, arena *a, void *item)
{
	hub_group *out = item;
	*out = (hub_group){ 0 };
	out->id = db_col_int(st, 0);
	out->workspace_id = db_col_int(st, 1);
	out->slug = arena_strdup(a, db_col_text(st, 2));
	out->name = arena_strdup(a, db_col_text(st, 3));
	out->permission = hub_level_parse(db_col_text(st, 4));
	out->auto_add = db_col_int(st, 5) != 0;
	out->created_at = db_col_int(st, 6);
}

static void read_user(db_stmt *st, arena *a, void *item)
{
	hub_account_read(st, a, 0, item);
}

static int group_members(db_conn *c, arena *a, hub_group *g)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " HUB_USER_COLS " FROM group_members gm JOIN users u"
	                  " ON u.id = gm.user_id" HUB_USER_EMAIL_JOIN
	                  " WHERE gm.group_id = $1 ORDER BY lower(u.username)",
	                  db_int(g->id));
	return db_rows_read((void **)&g->members, &g->nmembers, st, rc, a, sizeof(hub_user),
	                    read_user);
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
	if (rc == 0)
		read_group(st, a, out);
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
	hub_group *groups = NULL;
	size_t count = 0;
	int rc = db_query(&st, c,
	                  "SELECT " GROUP_COLS " FROM groups g WHERE g.workspace_id = $1"
	                  " ORDER BY lower(g.name), g.slug",
	                  db_int(workspace_id));
	rc = db_rows_read((void **)&groups, &count, st, rc, a, sizeof *groups, read_group);
	for (size_t i = 0; rc == 0 && i < count; i++)
		rc = group_members(c, a, &groups[i]);
	if (rc == 0) {
		*out = groups;
		*n = count;
	}
	return rc;
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
	char slug[HUB_GROUP_SLUG_MAX + 1];
	int64_t id = 0;
	int rc = hub_workspace_require_team(ws);
	if (rc == 0)
		rc = hub_group_slug(slug, g->name);
	if (rc == 0)
		rc = check_permission(g->permission);
	if (rc == 0)
		rc = insert_group(c, ws->id, slug, g->name, g->permission, g->auto_add, &id);
	return rc < 0 ? rc : hub_group_find(c, a, ws->id, slug, out);
}

int hub_group_create_defaults(db_conn *c, int64_t workspace_id, int64_t creator_id)
{
	int64_t admins = 0, developers = 0;
	int rc = insert_group(c, workspace_id, HUB_GROUP_ADMINS, "Administrators", HUB_LEVEL_ADMIN,
	                      true, &admins);
	if (rc == 0)
		rc = insert_group(c, workspace_id, HUB_GROUP_DEVELOPERS, "Developers",
		                  HUB_LEVEL_WRITE, true, &developers);
	if (rc == 0)
		rc = hub_member_join(c, workspace_id, admins, creator_id, NULL);
	return rc;
}

static int apply_change(db_conn *c, int64_t group_id, const hub_group_change *ch)
{
	int rc = 0;
	if (ch->name && (rc = str_check_name("Group name", ch->name, HUB_GROUP_NAME_MAX)) == 0)
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
		rc = hub_member_keep_an_admin(c, workspace_id, g.id, 0);
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
		rc = hub_member_keep_an_admin(c, workspace_id, g.id, 0);
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
	bool added = false;
	int rc = hub_member_add(c, ws, u->id);
	if (rc == 0)
		rc = hub_member_join(c, ws->id, g->id, u->id, &added);
	if (rc == 0 && !added)
		return err_fail(WEFT_EEXISTS, "Member: %s is in the group %s already.", u->username,
		                g->name);
	if (rc == 0) {
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
	int rc = hub_workspace_require_team(ws);
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
	int rc = hub_workspace_require_team(ws);
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
		rc = db_query_int(
		        &user_id, c,
		        "SELECT u.id FROM group_members gm JOIN users u ON u.id = gm.user_id"
		        " WHERE gm.group_id = $1 AND " HUB_MEMBER_BY_NAME_SQL,
		        db_int(g.id), db_text(username));
	if (rc == 0 && user_id == 0)
		rc = err_fail(WEFT_ENOTFOUND, "Member: %s is not in the group %s.", username,
		              g.name);
	if (rc == 0)
		rc = hub_member_keep_an_admin(c, workspace_id, g.id, user_id);
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2",
		             db_int(g.id), db_int(user_id));
	arena_free(a);
	return rc < 0 ? rc : 0;
}
