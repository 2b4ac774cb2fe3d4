/* hub_perm's rules (hub_perm.c) as SQL conditions, text macros only: a leaf for the queries that
 * filter a whole page at once (activity, pull request lists, the repositories a user holds), so
 * that their modules need not include hub_perm.h, and through it the repositories, for a string. */
#ifndef WEFT_HUB_PERM_SQL_H
#define WEFT_HUB_PERM_SQL_H

/* The same rules as SQL conditions, for queries that filter a whole page of rows at once. user
 * is the parameter that holds the caller's id (e.g. "$1"); site administrators, who may do
 * everything, are the caller's to let through. The user administers the workspace whose id is
 * the SQL expression ws: its owner, or a member of one of its groups with admin. */
#define HUB_PERM_SQL_ADMINISTERS_WORKSPACE(ws, user)                                           \
	"(EXISTS (SELECT 1 FROM workspaces pw WHERE pw.id = " ws " AND pw.user_id = " user ")" \
	" OR EXISTS (SELECT 1 FROM group_members agm JOIN groups ag ON ag.id = agm.group_id"   \
	" WHERE agm.user_id = " user " AND ag.workspace_id = " ws " AND ag.permission = 'admin'))"

/* The user holds the repository row r (an alias) by their own standing: they administer its
 * workspace, or hold a grant on it through a group or directly. */
#define HUB_PERM_SQL_HOLDS_REPOSITORY(r, user)                                           \
	"(" HUB_PERM_SQL_ADMINISTERS_WORKSPACE(                                          \
	        r ".workspace_id",                                                       \
	        user) " OR EXISTS (SELECT 1 FROM repository_group_permissions rgp JOIN " \
	              "group_members rgm"                                                \
	              " ON rgm.group_id = rgp.group_id WHERE rgp.repository_id = " r     \
	              ".id AND rgm.user_id = " user ")"                                  \
	              " OR EXISTS (SELECT 1 FROM repository_user_permissions rup WHERE " \
	              "rup.repository_id = " r ".id AND rup.user_id = " user "))"

/* The user may read the repository row r (an alias): it is public, or they hold it
 * (hub_perm_repository). */
#define HUB_PERM_SQL_READS_REPOSITORY(r, user) \
	"(" r ".is_private = 0 OR " HUB_PERM_SQL_HOLDS_REPOSITORY(r, user) ")"

#endif
