/* Teams: workspaces that users share. Their rules (team ID, name), creation with the default
 * groups and first members, renaming, deletion, the teams of a user and the repositories a page
 * lists. Members, groups, invitations and plans have their own modules (member.h, group.h,
 * invitation.h, plan.h). Domain only, no HTTP; writes run in the caller's transaction (a refusal
 * writes nothing or makes the caller roll back); routes check permissions (hub_perm.c). */
#ifndef WEFT_HUB_TEAM_H
#define WEFT_HUB_TEAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/account/account.h"
#include "hub/team/member.h"
#include "hub/workspace.h"

enum {
	TEAM_ID_MAX = 62,
	TEAM_NAME_MAX = 100, /* characters */
};

/* Team ID (the workspace slug): 1 to 62 of a-z, 0-9, '-' and '_', not a reserved name
 * (hub_account_is_reserved). 0 or WEFT_EINVALID with a message starting "Team ID:". */
int hub_team_check_id(const char *team_id);
/* Team name: 1 to 100 characters of text without control characters. "Team name:" messages. */
int hub_team_check_name(const char *name);

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

typedef struct hub_membership {
	hub_workspace ws;
	hub_member_role role;
} hub_membership;

/* The workspaces user_id belongs to (teams where they are a member or collaborator, and with
 * include_personal their own personal workspace first), teams by slug. The array and its
 * strings live in a; *out is NULL when *n is 0. */
int hub_team_list_for_user(db_conn *c, arena *a, int64_t user_id, bool include_personal,
                           hub_membership **out, size_t *n);

typedef struct hub_team_repository {
	int64_t id;
	const char *slug;
	const char *name;
	const char *description;
	bool is_private;
	int64_t updated_at;
} hub_team_repository;

/* The repositories of ws that viewer (NULL: anonymous) may read, by name. Array in a. */
int hub_team_visible_repositories(db_conn *c, arena *a, const hub_user *viewer,
                                  const hub_workspace *ws, hub_team_repository **out, size_t *n);

#endif
