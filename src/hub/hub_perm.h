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
#include "hub/level.h"
#include "hub/workspace.h"

/* The caller's level on a workspace: admin for a site administrator, the owner of a personal
 * workspace, or a team administrator; read for any other team member; none otherwise. user NULL
 * means anonymous. */
int hub_perm_workspace(db_conn *c, const hub_user *user, const hub_workspace *ws, hub_level *out);

/* The caller's level on a repository of ws (the highest of: site admin, workspace admin, group
 * grants, direct grant, public read). */
int hub_perm_repository(db_conn *c, const hub_user *user, const hub_workspace *ws,
                        int64_t repository_id, bool is_private, hub_level *out);

/* How a query reads only the repositories of ws that user (NULL: anonymous) may read, for a whole
 * page at once instead of hub_perm_repository per row: bind *user_id as the user of
 * HUB_PERM_SQL_READS_REPOSITORY (perm_sql.h; 0 for an anonymous or deactivated caller, who holds
 * nothing) and pass every row when *reads_all (the caller administers ws, site administrators
 * included). The same answers as hub_perm_repository >= read, in at most two queries. */
int hub_perm_repository_filter(db_conn *c, const hub_user *user, const hub_workspace *ws,
                               int64_t *user_id, bool *reads_all);

/* A scope a credential can hold (Bitbucket's name), with what the pages say about it. Tables of
 * them end with a NULL name. */
typedef struct hub_scope_info {
	const char *name;
	const char *description;
} hub_scope_info;

/* Parses space-separated names of table into their canonical form in a: each name once, in
 * table's order. WEFT_EINVALID ("Permissions: …") for a name not in table, or none at all. */
int hub_scopes_parse(arena *a, const hub_scope_info *table, const char *text, const char **out);

/* Whether the space-separated list holds word itself (no implications). */
bool hub_scopes_has(const char *list, const char *word);

/* Whether a space-separated list of scopes grants needed, itself or through B.1's implications
 * (repository:write includes repository; pullrequest:write includes pullrequest and
 * repository:write; repository:admin and repository:delete include nothing else). */
bool hub_scopes_cover(const char *scopes, const char *needed);

/* Whether user administers the team (for the last-administrator rule and team settings). */
int hub_perm_is_team_admin(db_conn *c, int64_t user_id, int64_t workspace_id, bool *out);

#endif
