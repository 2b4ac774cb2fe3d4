/* track's one place for "may this user do this in this project": project roles, the permission
 * scheme over them, the authorize hook for routes that declare a project permission, and the
 * restriction the search applies so that results respect browse permission.
 *
 * The scheme (fixed, Jira's default in spirit):
 *   site administrators    everything, in every project
 *   Administrators role    everything in the project, administering it included
 *   Developers role        browse, create, edit, transition, comment, log work, view dev tools
 *   Users role             browse, create issues, comment
 *   anyone else            nothing: the project and its issues do not exist for them (404).
 * Modify reporter (naming someone else as an issue's reporter) is the Administrators'. */
#ifndef WEFT_TRACK_TRACK_PERM_H
#define WEFT_TRACK_TRACK_PERM_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "track/track.h"

/* Project roles, as a bit set (a user may hold several). */
enum {
	TRACK_ROLE_USERS = 1 << 0,
	TRACK_ROLE_DEVELOPERS = 1 << 1,
	TRACK_ROLE_ADMINISTRATORS = 1 << 2,
};

/* The role's stored name ("administrators", "developers", "users"), or NULL. */
const char *track_role_name(unsigned role);
/* The display name ("Administrators"), or NULL. */
const char *track_role_title(unsigned role);
/* A role from its stored or display name (any case); 0 when unknown. */
unsigned track_role_parse(const char *name);

/* The roles user holds in project_id (0 for NULL or inactive users). */
int track_perm_roles(db_conn *c, const track_user *user, int64_t project_id, unsigned *out);

/* Whether a user with these roles (and site-admin flag) has permission (a TRACK_PERM_* code). */
bool track_perm_allows(bool site_admin, unsigned roles, int permission);

/* Decides permission for user in project_id: *out true when granted. */
int track_perm_check(db_conn *c, const track_user *user, int64_t project_id, int permission,
                     bool *out);

/* track_perm_check for the user user_id (0, an unknown or an inactive user: nothing granted),
 * for domain functions that know the actor by id. */
int track_perm_check_id(db_conn *c, int64_t user_id, int64_t project_id, int permission, bool *out);

/* What the authorize hook resolved for a project-level route (req->scope). */
typedef struct track_scope {
	int64_t project_id;
	const char *project_key;
	int64_t issue_id; /* 0 when the route names no issue */
	const char *issue_key; /* the issue's current key */
	const char *redirected_from; /* the old key the path used, or NULL */
	unsigned roles;
	bool site_admin;
} track_scope;

static inline const track_scope *track_scope_of(const web_request *req)
{
	return req->scope;
}

/* Decides req->route->permission. Project-level codes (TRACK_PERM_BROWSE …
 * TRACK_PERM_VIEW_DEV_TOOLS) resolve the project from the path parameter {key} or
 * {projectIdOrKey} (key or numeric id), or the issue from {issue} or {issueIdOrKey} (key, any
 * key it had before a move, or numeric id) — a {key} with a '-' names an issue (/browse/{key}
 * pages) — and set req->scope to a track_scope. Returns 0,
 * WEFT_EAUTH for anonymous callers, WEFT_ENOTFOUND when the caller may not browse (an issue:
 * "Issue does not exist or you do not have permission to see it."), WEFT_EPERM when the caller
 * may browse but not do this. TRACK_PERM_SITE_ADMIN needs a site administrator. */
int track_perm_authorize(web_request *req);

/* The search's restriction: a SQL condition on project_column (e.g. "i.project_id") that holds
 * for projects user may browse, using $param (the user's id, which the caller binds as
 * db_int(user->id)) — "1 = 1" for site administrators and "1 = 0" for anonymous or inactive
 * users (then nothing needs binding, *uses_param false). The string lives in a. */
const char *track_perm_browse_sql(arena *a, const track_user *user, const char *project_column,
                                  int param, bool *uses_param);

/* The ids of the projects user may browse, in a (for lists and the search page). */
int track_perm_browsable_projects(db_conn *c, arena *a, const track_user *user, int64_t **out,
                                  size_t *n);

/* Jira's 404 message for an issue that is not there or not visible. */
#define TRACK_ISSUE_HIDDEN "Issue does not exist or you do not have permission to see it."

#endif
