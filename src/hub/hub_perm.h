/* The permission model of hub, in one place: who may do what to a workspace or a repository.
 * A site administrator may do everything; a team's administrators (members of a group with admin
 * permission) administer the team and all its repositories; a user administers their own personal
 * workspace and its repositories; on a repository, a group's or a user's grant applies; a public
 * repository is readable by everyone, anonymous callers included. The highest grant wins. */
#ifndef WEFT_HUB_HUB_PERM_H
#define WEFT_HUB_HUB_PERM_H

#include <stdint.h>

#include "db/db.h"
#include "hub/account/account.h"

typedef enum {
	HUB_LEVEL_NONE = 0,
	HUB_LEVEL_READ = 1,
	HUB_LEVEL_WRITE = 2,
	HUB_LEVEL_ADMIN = 3,
} hub_level;

/* "read", "write", "admin" ↔ levels; parse gives HUB_LEVEL_NONE for anything else. */
const char *hub_level_name(hub_level level);
hub_level hub_level_parse(const char *name);

/* A workspace, found by slug or {uuid}. */
typedef struct hub_workspace {
	int64_t id;
	char uuid[37];
	const char *slug;
	const char *name;
	bool is_team;
	int64_t owner_id; /* the user of a personal workspace; 0 for a team */
} hub_workspace;

int hub_workspace_find(db_conn *c, arena *a, const char *slug_or_uuid, hub_workspace *out);

/* The caller's level on a workspace: admin for a site administrator, the owner of a personal
 * workspace, or a team administrator; read for any other team member; none otherwise. user NULL
 * means anonymous. */
int hub_perm_workspace(db_conn *c, const hub_user *user, const hub_workspace *ws, hub_level *out);

/* The caller's level on a repository of ws (the highest of: site admin, workspace admin, group
 * grants, direct grant, public read). */
int hub_perm_repository(db_conn *c, const hub_user *user, const hub_workspace *ws,
                        int64_t repository_id, bool is_private, hub_level *out);

/* The same rules as SQL conditions, for queries that filter a whole page of rows at once. user
 * is the parameter that holds the caller's id (e.g. "$1"); site administrators, who may do
 * everything, are the caller's to let through. The user administers the workspace whose id is
 * the SQL expression ws: its owner, or a member of one of its groups with admin. */
#define HUB_PERM_SQL_ADMINISTERS_WORKSPACE(ws, user)                                           \
	"(EXISTS (SELECT 1 FROM workspaces pw WHERE pw.id = " ws " AND pw.user_id = " user ")" \
	" OR EXISTS (SELECT 1 FROM group_members agm JOIN groups ag ON ag.id = agm.group_id"   \
	" WHERE agm.user_id = " user " AND ag.workspace_id = " ws " AND ag.permission = 'admin'))"

/* The user may read the repository row r (an alias): it is public, the user administers its
 * workspace, or holds a grant on it through a group or directly (hub_perm_repository). */
#define HUB_PERM_SQL_READS_REPOSITORY(r, user)                                           \
	"(" r ".is_private = 0 OR " HUB_PERM_SQL_ADMINISTERS_WORKSPACE(                  \
	        r ".workspace_id",                                                       \
	        user) " OR EXISTS (SELECT 1 FROM repository_group_permissions rgp JOIN " \
	              "group_members rgm"                                                \
	              " ON rgm.group_id = rgp.group_id WHERE rgp.repository_id = " r     \
	              ".id AND rgm.user_id = " user ")"                                  \
	              " OR EXISTS (SELECT 1 FROM repository_user_permissions rup WHERE " \
	              "rup.repository_id = " r ".id AND rup.user_id = " user "))"

/* Whether user administers the team (for the last-administrator rule and team settings). */
int hub_perm_is_team_admin(db_conn *c, int64_t user_id, int64_t workspace_id, bool *out);

#endif
