/* track's one place for "may this user do this in this project": project roles, the permission
 * scheme over them, the authorize hook for routes that declare a project permission, and the
 * restriction the search applies so that results respect browse permission.
 *
 * The scheme (fixed, Jira's default in spirit):
 *   site administrators    everything, in every project
 *   Administrators role    everything in the project, administering it included, deleting
 *                          anyone's attachments
 *   Developers role        browse, create, edit, transition, comment, log work, link issues,
 *                          view dev tools, attach files, delete their own attachments
 *   Users role             browse, create issues, comment, attach files, delete their own
 *                          attachments
 *   anyone else            nothing: the project and its issues do not exist for them (404).
 * Modify reporter (naming someone else as an issue's reporter) is the Administrators'.
 *
 * Assignable users (Jira's "Assignable user" permission) are the active holders of the Developers
 * or Administrators role. A comment restricted to a role shows to that role's holders and to
 * site administrators only. */
#ifndef WEFT_TRACK_TRACK_PERM_H
#define WEFT_TRACK_TRACK_PERM_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "track/role.h"
#include "track/track.h"

/* The roles user holds in project_id (0 for NULL or inactive users). */
int track_perm_roles(db_conn *c, const track_user *user, int64_t project_id, unsigned *out);

/* Whether a user with these roles (and site-admin flag) has permission (a TRACK_PERM_* code). */
bool track_perm_allows(bool site_admin, unsigned roles, int permission);

/* Decides permission for user in project_id: *out true when granted. */
int track_perm_check(db_conn *c, const track_user *user, int64_t project_id, int permission,
                     bool *out);

/* The project id_or_key (key or numeric id; NULL: none) names, when user may create issues in
 * it: *project_id gets its id. Issue create (single and bulk) and the move to another project
 * name their project in the body or the form, not the path, so this is a domain check rather
 * than a route's declared scope: Jira answers it per element of a bulk create, and as a field
 * error (400, errors.project) rather than the router's 404/403. An unknown project and one the
 * user may not create in are the same WEFT_EINVALID ("Specify a valid project ID or key"), so
 * that the answer does not tell which projects exist; store errors pass through. */
int track_perm_create_project(db_conn *c, arena *a, const track_user *user, const char *id_or_key,
                              int64_t *project_id);

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

/* Whether the caller in scope s may change what author_id wrote (a comment, a work log, a
 * watcher list entry): its author (user_id), or a project or site administrator. */
static inline bool track_scope_author_or_admin(const track_scope *s, int64_t author_id,
                                               int64_t user_id)
{
	return author_id == user_id || s->site_admin || (s->roles & TRACK_ROLE_ADMINISTRATORS);
}

/* Decides req->route->permission. Project-level codes (TRACK_PERM_BROWSE …
 * TRACK_PERM_LINK_ISSUES) resolve the project from the path parameter {key} or
 * {projectIdOrKey} (key or numeric id), or the issue from {issue} or {issueIdOrKey} (key, any
 * key it had before a move, or numeric id) — a {key} with a '-' names an issue (/browse/{key}
 * pages), or, on a route that declares parameters with a TRACK_SCOPE_* code (track.h), the first
 * of them present, wherever it is declared (WEFT_EINVALID when the declaration refuses it or
 * none is present) — and set req->scope to a track_scope. Returns 0,
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

/* ---- assignable users ---- */

/* Whether user_id may be assigned issues of project_id. An unknown user is WEFT_EINVALID
 * ("User 'x' does not exist."); one without the permission WEFT_EINVALID with Jira's "User 'x'
 * cannot be assigned issues." (x the username). */
int track_perm_check_assignable(db_conn *c, arena *a, int64_t user_id, int64_t project_id);

/* The assignable users of project_id whose username, display name or email contains query (any
 * case; NULL or "" matches all), by display name, at most limit. *out is an array in a. */
int track_perm_assignable_users(db_conn *c, arena *a, int64_t project_id, const char *query,
                                int limit, track_user **out, size_t *n);

/* ---- comment visibility ---- */

/* The SQL condition that holds for the comments (table alias comment) that a reader may see, in
 * the project that project_column names. It always uses $user_param and $admin_param: bind
 * them with track_perm_comment_args. The string lives in a. */
const char *track_perm_comment_sql(arena *a, const char *comment, const char *project_column,
                                   int user_param, int admin_param);
/* The two values track_perm_comment_sql's condition binds for user (NULL: anonymous). */
void track_perm_comment_args(const track_user *user, db_arg *out_user, db_arg *out_admin);
/* Whether a reader with these roles (and site-admin flag) sees a comment restricted to role
 * (0: unrestricted). */
bool track_perm_comment_visible(bool site_admin, unsigned roles, unsigned role);

/* Jira's 404 message for an issue that is not there or not visible. */
#define TRACK_ISSUE_HIDDEN "Issue does not exist or you do not have permission to see it."

#endif
