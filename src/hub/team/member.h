/* Team members: who belongs to a team, their role in a workspace, and the last-administrator rule
 * that every change of memberships obeys. Domain only, no HTTP; writes run in the caller's
 * transaction; routes check permissions (hub_perm.c). */
#ifndef WEFT_HUB_TEAM_MEMBER_H
#define WEFT_HUB_TEAM_MEMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/account/account.h"
#include "hub/workspace.h"

/* How a user stands in a workspace, in Bitbucket's words: "owner" (a team administrator, or the
 * user of a personal workspace), "member" (any other team member), "collaborator" (not a
 * member, but granted access to one of its repositories directly). */
typedef enum {
	HUB_MEMBER_ROLE_NONE = 0,
	HUB_MEMBER_ROLE_COLLABORATOR,
	HUB_MEMBER_ROLE_MEMBER,
	HUB_MEMBER_ROLE_OWNER,
} hub_member_role;

/* The role (hub_member_role's values) of user $1 in workspace `w`, as an SQL expression. */
#define HUB_MEMBER_ROLE_SQL                                                                 \
	"CASE WHEN w.user_id = $1 OR EXISTS (SELECT 1 FROM group_members ga JOIN groups g"  \
	" ON g.id = ga.group_id WHERE ga.user_id = $1 AND g.workspace_id = w.id"            \
	" AND g.permission = 'admin') THEN 3"                                               \
	" WHEN EXISTS (SELECT 1 FROM team_members tm WHERE tm.workspace_id = w.id"          \
	" AND tm.user_id = $1) THEN 2"                                                      \
	" WHEN EXISTS (SELECT 1 FROM repository_user_permissions p JOIN repositories r"     \
	" ON r.id = p.repository_id WHERE r.workspace_id = w.id AND p.user_id = $1) THEN 1" \
	" ELSE 0 END"

/* A user by username or {uuid}: a condition on users `u` with the name as $2. */
#define HUB_MEMBER_BY_NAME_SQL "(lower(u.username) = lower($2) OR '{' || u.uuid || '}' = $2)"

/* "owner", "collaborator", "member"; "none" for HUB_MEMBER_ROLE_NONE. */
const char *hub_member_role_name(hub_member_role role);

/* user's role in ws (HUB_MEMBER_ROLE_NONE when none; anonymous user_id 0 is none). */
int hub_member_role_of(db_conn *c, int64_t user_id, const hub_workspace *ws, hub_member_role *out);

typedef struct hub_member {
	hub_user user; /* its strings live in the arena given */
	hub_member_role role; /* owner (administrator) or member */
	int64_t joined_at; /* epoch ms */
} hub_member;

/* The members of team workspace_id by username (empty for a personal workspace). Array and
 * strings in a; *out is NULL when *n is 0. */
int hub_member_list(db_conn *c, arena *a, int64_t workspace_id, hub_member **out, size_t *n);

/* One member, by username or by {uuid}. WEFT_ENOTFOUND when that user is not a member. */
int hub_member_find(db_conn *c, arena *a, int64_t workspace_id, const char *username,
                    hub_member *out);

/* Adds user_id to the team (team_members only: read access). Nothing to do when they are a
 * member already. WEFT_ELIMIT naming the limit and the plan when the team is full,
 * WEFT_ECONFLICT for a personal workspace. */
int hub_member_add(db_conn *c, const hub_workspace *ws, int64_t user_id);

/* Removes user_id from the team and from all its groups. WEFT_ENOTFOUND when not a member,
 * WEFT_ECONFLICT when they are its last administrator. */
int hub_member_remove(db_conn *c, const hub_workspace *ws, int64_t user_id);

/* The users with a direct grant on a repository of ws who are not its members (nor, for a
 * personal workspace, its user), by id, in a; *out NULL when there is none. Store errors. */
int hub_member_collaborator_ids(db_conn *c, arena *a, const hub_workspace *ws, int64_t **out,
                                size_t *n);

/* *out = whether user_id is a member of team workspace_id. */
int hub_member_is(db_conn *c, int64_t workspace_id, int64_t user_id, bool *out);

/* Makes user_id a member of workspace_id and, with group_id, of that group, without the plan's
 * check (the caller made it): what joining by invitation and creating a team write. Nothing to
 * do for memberships that exist. *added (may be NULL) = whether the group membership is new. */
int hub_member_join(db_conn *c, int64_t workspace_id, int64_t group_id, int64_t user_id,
                    bool *added);

/* Refuses a change, before it is made, when the team has administrators and none would be left
 * without the admin memberships it takes away: those of group_id (0: any group) for user_id
 * (0: any user). Takes the team's lock (hub_workspace_lock). 0 or WEFT_ECONFLICT. */
int hub_member_keep_an_admin(db_conn *c, int64_t workspace_id, int64_t group_id, int64_t user_id);

#endif
