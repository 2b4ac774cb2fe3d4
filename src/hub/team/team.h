/* Teams: workspaces that users share, their members, groups, email invitations, plan limits and
 * the last-administrator rule. Domain only, no HTTP; writes run in the caller's transaction (a
 * refusal writes nothing or makes the caller roll back); routes check permissions (hub_perm.c). */
#ifndef WEFT_HUB_TEAM_H
#define WEFT_HUB_TEAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/account/account.h"
#include "hub/hub_perm.h"

enum {
	TEAM_ID_MAX = 62,
	TEAM_NAME_MAX = 100, /* characters */
	TEAM_GROUP_NAME_MAX = 100, /* characters */
	TEAM_INVITATION_LIFETIME_MS = 7LL * 24 * 60 * 60 * 1000,
};

/* The default groups every new team gets (both "add new repositories automatically"). */
#define TEAM_ADMINS_GROUP "administrators" /* slug; name "Administrators", admin permission */
#define TEAM_DEVELOPERS_GROUP "developers" /* slug; name "Developers", write permission */

/* ---- rules ---- */

/* Team ID (the workspace slug): 1 to 62 of a-z, 0-9, '-' and '_', not a reserved name
 * (hub_account_is_reserved). 0 or WEFT_EINVALID with a message starting "Team ID:". */
int hub_team_check_id(const char *team_id);
/* Team name: 1 to 100 characters of text without control characters. "Team name:" messages. */
int hub_team_check_name(const char *name);
/* A group's slug from its name: lower case, each run of characters other than a-z and 0-9
 * becomes one '-', trimmed of '-' at both ends, cut at 62 bytes.
 * WEFT_EINVALID ("Group name: …") for a name that is empty, over 100 characters, or without a
 * letter or digit. */
int hub_group_slug(char out[TEAM_ID_MAX + 1], const char *name);

/* ---- teams ---- */

typedef struct hub_team_new {
	const char *id; /* the team ID, as for hub_team_check_id */
	const char *name; /* NULL or "": the team ID */
	/* Usernames or email addresses to add to Developers (an address of no account gets an
	 * invitation, see hub_group_add); may be NULL when count is 0. */
	const char *const *members;
	size_t nmembers;
	const char *base_url; /* hub's public URL, for invitation links; needed with members */
} hub_team_new;

/* Creates a team workspace with its groups Administrators (admin) and Developers (write), both
 * auto_add; creator joins the team and Administrators, then each of n->members joins
 * Developers as by hub_group_add (naming the creator or someone twice is no error).
 * WEFT_EINVALID for a broken rule ("Team ID:", "Team name:", "Member:", "Email:"),
 * WEFT_EEXISTS ("Team ID: … is already taken.") when a user or team has that slug,
 * WEFT_ENOTFOUND ("Member: there is no user …"). On any error the caller rolls back (the
 * workspace may be written already). *out is filled from a. */
int hub_team_create(db_conn *c, arena *a, const hub_user *creator, const hub_team_new *n,
                    hub_workspace *out);

/* Renames a team (its name; the team ID and so every URL stays). WEFT_EINVALID ("Team name:"),
 * WEFT_ECONFLICT for a personal workspace. */
int hub_team_rename(db_conn *c, const hub_workspace *ws, const char *name);

/* Deletes a team with its groups, members and invitations. WEFT_ECONFLICT when it still holds
 * repositories, or for a personal workspace. */
int hub_team_delete(db_conn *c, const hub_workspace *ws);

/* How a user stands in a workspace, in Bitbucket's words: "owner" (a team administrator, or the
 * user of a personal workspace), "member" (any other team member), "collaborator" (not a
 * member, but granted access to one of its repositories directly). */
typedef enum {
	TEAM_ROLE_NONE = 0,
	TEAM_ROLE_COLLABORATOR,
	TEAM_ROLE_MEMBER,
	TEAM_ROLE_OWNER,
} hub_member_role;

/* "owner", "collaborator", "member"; "none" for TEAM_ROLE_NONE. */
const char *hub_member_role_name(hub_member_role role);

typedef struct hub_membership {
	hub_workspace ws;
	hub_member_role role;
} hub_membership;

/* The workspaces user_id belongs to (teams where they are a member or collaborator, and with
 * include_personal their own personal workspace first), teams by slug. The array and its
 * strings live in a; *out is NULL when *n is 0. */
int hub_team_list_for_user(db_conn *c, arena *a, int64_t user_id, bool include_personal,
                           hub_membership **out, size_t *n);

/* user's role in ws (TEAM_ROLE_NONE when none; anonymous user_id 0 is none). */
int hub_member_role_of(db_conn *c, int64_t user_id, const hub_workspace *ws, hub_member_role *out);

/* ---- members ---- */

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

/* ---- groups ---- */

typedef struct hub_group {
	int64_t id;
	int64_t workspace_id;
	const char *slug;
	const char *name;
	hub_level permission; /* read, write or admin */
	bool auto_add; /* "add new repositories automatically" */
	int64_t created_at;
	hub_user *members; /* by username; filled only by the calls that say so */
	size_t nmembers;
} hub_group;

typedef struct hub_group_new {
	const char *name;
	hub_level permission; /* HUB_LEVEL_NONE is refused ("Permission: …") */
	bool auto_add;
} hub_group_new;

/* Creates a group in team ws with a slug derived from its name (hub_group_slug).
 * WEFT_EINVALID ("Group name:", "Permission:"), WEFT_EEXISTS ("Group name: a group … exists")
 * when the team has that slug already, WEFT_ECONFLICT for a personal workspace. *out (no
 * members) in a. */
int hub_group_create(db_conn *c, arena *a, const hub_workspace *ws, const hub_group_new *g,
                     hub_group *out);

/* A group of workspace_id by slug, with its members. WEFT_ENOTFOUND. */
int hub_group_find(db_conn *c, arena *a, int64_t workspace_id, const char *slug, hub_group *out);

/* The groups of workspace_id by name, each with its members. Array and strings in a. */
int hub_group_list(db_conn *c, arena *a, int64_t workspace_id, hub_group **out, size_t *n);

/* What hub_group_update changes; NULL, HUB_LEVEL_NONE or -1 keeps the current value. */
typedef struct hub_group_change {
	const char *name; /* the slug stays: it is the group's address */
	hub_level permission;
	int auto_add; /* 0, 1, or -1 */
} hub_group_change;

/* Changes a group. WEFT_ENOTFOUND, WEFT_EINVALID ("Group name:"), WEFT_ECONFLICT when taking
 * admin away would leave the team without an administrator. *out (with members) in a; out may be
 * NULL. */
int hub_group_update(db_conn *c, arena *a, int64_t workspace_id, const char *slug,
                     const hub_group_change *ch, hub_group *out);

/* Deletes a group. WEFT_ENOTFOUND, WEFT_ECONFLICT when it holds the last administrators. */
int hub_group_delete(db_conn *c, int64_t workspace_id, const char *slug);

/* Adds an existing account (by username or {uuid}) to a group, and to the team.
 * WEFT_ENOTFOUND ("Member: there is no user …" or no such group), WEFT_EEXISTS when already in
 * the group, WEFT_ELIMIT when the team is full. *added (may be NULL) in a. */
int hub_group_add_user(db_conn *c, arena *a, const hub_workspace *ws, const char *slug,
                       const char *username, hub_user *added);

/* What hub_group_add did. */
typedef struct hub_member_add_result {
	bool invited; /* an invitation went out instead (the address has no account) */
	hub_user user; /* the account added, when !invited */
	int64_t invitation_id; /* when invited */
} hub_member_add_result;

/* Adds a member to a group by username or email (for forms): an address that is an account's
 * confirmed address adds that account; any other valid address gets an invitation to the group
 * (hub_invitation_create). WEFT_EINVALID ("Member: …") for something that is neither a username nor an
 * address, otherwise as hub_group_add_user or hub_invitation_create. */
int hub_group_add(db_conn *c, arena *a, const hub_workspace *ws, const char *slug,
                  const char *username_or_email, const hub_user *inviter, const char *base_url,
                  hub_member_add_result *out);

/* Removes a user (by username or {uuid}) from a group; they stay a team member.
 * WEFT_ENOTFOUND when not in it, WEFT_ECONFLICT when they are the last administrator. */
int hub_group_remove_user(db_conn *c, int64_t workspace_id, const char *slug, const char *username);

/* ---- invitations ---- */

typedef struct team_invitation {
	int64_t id;
	int64_t workspace_id;
	const char *workspace_slug;
	const char *workspace_name;
	const char *group_slug; /* NULL: the team only */
	const char *group_name;
	const char *email;
	const char *invited_by; /* username, or NULL */
	int64_t created_at, expires_at; /* epoch ms */
} team_invitation;

/* Invites email to team ws (and to group_id, or 0 for the team only): a single-use link
 * {base_url}/invitations/{token}, valid TEAM_INVITATION_LIFETIME_MS, mailed through the outbox.
 * A pending invitation of the same address to the same group is replaced. WEFT_EINVALID
 * ("Email: …"), WEFT_ELIMIT when members and pending invitations fill the plan. *id_out may be
 * NULL. */
int hub_invitation_create(db_conn *c, const hub_workspace *ws, int64_t group_id, const char *email,
                          const hub_user *inviter, const char *base_url, int64_t *id_out);

/* The pending (not accepted, revoked or expired) invitations of workspace_id, newest first. */
int hub_invitation_list(db_conn *c, arena *a, int64_t workspace_id, team_invitation **out,
                        size_t *n);

/* Revokes a pending invitation: its link stops working. WEFT_ENOTFOUND. */
int hub_invitation_revoke(db_conn *c, int64_t workspace_id, int64_t invitation_id);

/* Sends a pending invitation again with a new token and a new 7 days; the old link stops
 * working. WEFT_ENOTFOUND. */
int hub_invitation_resend(db_conn *c, int64_t workspace_id, int64_t invitation_id,
                          const char *base_url);

/* The pending invitation behind a link. WEFT_ENOTFOUND (one message for unknown, used, revoked
 * and expired). Strings in a. */
int hub_invitation_find(db_conn *c, arena *a, const char *token, team_invitation *out);

/* Whether user may accept the invitation behind a link, without accepting it: 0, or the
 * refusal hub_invitation_accept would give (WEFT_ENOTFOUND, WEFT_EPERM). *out in a (filled
 * for WEFT_EPERM too). */
int hub_invitation_check(db_conn *c, arena *a, const char *token, const hub_user *user,
                         team_invitation *out);

/* Accepts the invitation behind a link for user: they join the team (and its group). The link
 * is used up. WEFT_ENOTFOUND as hub_invitation_find; WEFT_EPERM when the invited address is
 * not one of user's confirmed addresses; WEFT_ELIMIT when the team is full. *out (may be NULL)
 * in a. */
int hub_invitation_accept(db_conn *c, arena *a, const char *token, const hub_user *user,
                          team_invitation *out);

/* Accepts every pending invitation to email (NULL: to any of user_id's confirmed addresses),
 * which must be a confirmed address of user_id; called once an address is confirmed. An
 * invitation to a team that is full stays pending. 0, or the store's error. */
int hub_invitation_accept_all_for(db_conn *c, int64_t user_id, const char *email);

/* ---- plan limits (plan.h defines and assigns plans) ---- */

/* 0 when one more private repository fits in workspace_id's plan; WEFT_ELIMIT ("Private
 * repositories: the plan \"P\" allows at most N private repositories, …") otherwise. No plan or
 * a NULL limit: unlimited. Takes the team's row lock (so that two creations cannot both take the
 * last place): call it in the write transaction that then creates the repository. */
int hub_plan_check_private_repo_limit(db_conn *c, int64_t workspace_id);

/* What counts against a plan: members plus pending invitations (each address once), and
 * private repositories. */
int hub_plan_usage(db_conn *c, int64_t workspace_id, int64_t *members,
                   int64_t *private_repositories);

/* 0 when adding more members (counting pending invitations as members) fits the plan;
 * WEFT_ELIMIT naming the limit and the plan otherwise. Takes the team's row lock, as above. */
int hub_plan_check_member_limit(db_conn *c, int64_t workspace_id, int64_t more);

/* ---- pages ---- */

typedef struct team_repository {
	int64_t id;
	const char *slug;
	const char *name;
	const char *description;
	bool is_private;
	int64_t updated_at;
} team_repository;

/* The repositories of ws that viewer (NULL: anonymous) may read, by name. Array in a. */
int hub_team_visible_repositories(db_conn *c, arena *a, const hub_user *viewer,
                                  const hub_workspace *ws, team_repository **out, size_t *n);

#endif
