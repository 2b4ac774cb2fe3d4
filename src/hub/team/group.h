/* Groups of a team: named sets of members with a permission (read, write, admin) on the team's
 * repositories, and the default groups every team starts with. Domain only, no HTTP; writes run
 * in the caller's transaction; routes check permissions (hub_perm.c). */
#ifndef WEFT_HUB_TEAM_GROUP_H
#define WEFT_HUB_TEAM_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/account/account.h"
#include "hub/hub_perm.h"
#include "hub/workspace.h"

enum {
	HUB_GROUP_SLUG_MAX = 62,
	HUB_GROUP_NAME_MAX = 100, /* characters */
};

/* The default groups every new team gets (both "add new repositories automatically"). */
#define HUB_GROUP_ADMINS "administrators" /* slug; name "Administrators", admin permission */
#define HUB_GROUP_DEVELOPERS "developers" /* slug; name "Developers", write permission */

/* A group's slug from its name: lower case, each run of characters other than a-z and 0-9
 * becomes one '-', trimmed of '-' at both ends, cut at 62 bytes.
 * WEFT_EINVALID ("Group name: …") for a name that is empty, over 100 characters, or without a
 * letter or digit. */
int hub_group_slug(char out[HUB_GROUP_SLUG_MAX + 1], const char *name);

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

/* Gives a new team its groups Administrators (admin) and Developers (write), both auto_add, and
 * makes creator_id a member of the team and of Administrators. */
int hub_group_create_defaults(db_conn *c, int64_t workspace_id, int64_t creator_id);

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
 * (hub_invitation_create). WEFT_EINVALID ("Member: …") for something that is neither a username
 * nor an address, otherwise as hub_group_add_user or hub_invitation_create. */
int hub_group_add(db_conn *c, arena *a, const hub_workspace *ws, const char *slug,
                  const char *username_or_email, const hub_user *inviter, const char *base_url,
                  hub_member_add_result *out);

/* Removes a user (by username or {uuid}) from a group; they stay a team member.
 * WEFT_ENOTFOUND when not in it, WEFT_ECONFLICT when they are the last administrator. */
int hub_group_remove_user(db_conn *c, int64_t workspace_id, const char *slug, const char *username);

#endif
