/* track's permission scheme (track_perm.h): project roles, what each allows, the authorize hook
 * for project-level routes, and the search's browse restriction. What a caller may not browse
 * answers 404, never 403. */
#include "track/track_perm.h"

#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "track/account/account.h"
#include "track/issue/issue_ref.h"
#include "track/project/project.h"

int track_perm_roles(db_conn *c, const track_user *user, int64_t project_id, unsigned *out)
{
	*out = 0;
	if (!user || !user->is_active)
		return 0;
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT role FROM project_roles WHERE project_id = $1 AND user_id = $2",
	                  db_int(project_id), db_int(user->id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*out |= track_role_parse(db_col_text(st, 0));
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The roles that hold each project permission (the scheme in track_perm.h). */
static unsigned roles_for(int permission)
{
	const unsigned all = TRACK_ROLE_USERS | TRACK_ROLE_DEVELOPERS | TRACK_ROLE_ADMINISTRATORS;
	const unsigned devs = TRACK_ROLE_DEVELOPERS | TRACK_ROLE_ADMINISTRATORS;
	switch (permission) {
	case TRACK_PERM_BROWSE:
	case TRACK_PERM_CREATE_ISSUES:
	case TRACK_PERM_COMMENT:
	case TRACK_PERM_CREATE_ATTACHMENTS:
	case TRACK_PERM_DELETE_OWN_ATTACHMENTS: return all;
	case TRACK_PERM_EDIT_ISSUES:
	case TRACK_PERM_TRANSITION_ISSUES:
	case TRACK_PERM_WORK_ON_ISSUES:
	case TRACK_PERM_LINK_ISSUES:
	case TRACK_PERM_VIEW_DEV_TOOLS: return devs;
	case TRACK_PERM_ADMINISTER_PROJECT:
	case TRACK_PERM_MODIFY_REPORTER:
	case TRACK_PERM_DELETE_ALL_ATTACHMENTS: return TRACK_ROLE_ADMINISTRATORS;
	default: return 0;
	}
}

bool track_perm_allows(bool site_admin, unsigned roles, int permission)
{
	if (permission == TRACK_PERM_NONE)
		return true;
	if (site_admin)
		return true;
	return (roles & roles_for(permission)) != 0;
}

int track_perm_check(db_conn *c, const track_user *user, int64_t project_id, int permission,
                     bool *out)
{
	unsigned roles = 0;
	int rc = track_perm_roles(c, user, project_id, &roles);
	bool admin = user && user->is_active && user->is_admin;
	*out = rc == 0 && track_perm_allows(admin, roles, permission);
	return rc;
}

int track_perm_create_project(db_conn *c, arena *a, const track_user *user, const char *id_or_key,
                              int64_t *project_id)
{
	track_project p;
	bool allowed = false;
	int rc = id_or_key ? track_project_find(c, a, id_or_key, &p) : WEFT_ENOTFOUND;
	if (rc == 0)
		rc = track_perm_check(c, user, p.id, TRACK_PERM_CREATE_ISSUES, &allowed);
	if (rc == WEFT_ENOTFOUND || (rc == 0 && !allowed))
		return err_fail(WEFT_EINVALID, "Specify a valid project ID or key");
	if (rc == 0)
		*project_id = p.id;
	return rc;
}

int track_perm_check_id(db_conn *c, int64_t user_id, int64_t project_id, int permission, bool *out)
{
	db_stmt *st;
	track_user user = { .id = user_id };
	*out = false;
	int rc = db_query(&st, c, "SELECT is_admin, is_active FROM users WHERE id = $1",
	                  db_int(user_id));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		user.is_admin = db_col_int(st, 0) != 0;
		user.is_active = db_col_int(st, 1) != 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	return track_perm_check(c, &user, project_id, permission, out);
}

/* ---- the authorize hook ---- */

typedef struct scope_ctx {
	web_request *req;
	track_scope *scope;
	bool is_issue;
	const char *project; /* the project's key or id as the request gave it */
} scope_ctx;

static const char *param_of(const web_request *req, const char *a, const char *b)
{
	const char *v = web_param(req, a);
	return v ? v : web_param(req, b);
}

static int resolve_issue(db_conn *c, web_request *req, track_scope *s, const char *id_or_key)
{
	track_issue_ref issue;
	int rc = track_issue_ref_find(c, req->arena, id_or_key, &issue, &s->redirected_from);
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_ENOTFOUND, TRACK_ISSUE_HIDDEN);
	if (rc == 0) {
		s->issue_id = issue.id;
		s->issue_key = issue.key;
		s->project_id = issue.project_id;
		s->project_key = issue.project_key;
	}
	return rc;
}

static int resolve_project(db_conn *c, web_request *req, track_scope *s, const char *id_or_key)
{
	track_project p;
	int rc = track_project_find(c, req->arena, id_or_key, &p);
	if (rc == 0) {
		s->project_id = p.id;
		s->project_key = p.key;
	}
	return rc;
}

/* The issue or project that the route's declared parameters name (track.h's TRACK_SCOPE_*): the
 * first one present, each checked as declared. *declared is false for a route that declares
 * none; one that declares some and gets none is WEFT_EINVALID naming them. */
static int declared_scope(const web_request *req, const char **issue, const char **project,
                          bool *declared)
{
	const char *names = NULL;
	*declared = false;
	for (const web_param_spec *p = req->route->params; p && p->name; p++) {
		const char *value = NULL;
		int rc = p->scope ? web_param_read(req, p, &value) : 0;
		*declared |= p->scope != 0;
		if (rc < 0)
			return rc;
		if (value) {
			*(p->scope == TRACK_SCOPE_ISSUE ? issue : project) = value;
			return 0;
		}
		if (p->scope)
			names = names ? arena_printf(req->arena, "%s or %s", names, p->name)
			              : p->name;
	}
	return names ? err_fail(WEFT_EINVALID, "%s is required.", names) : 0;
}

/* The issue or project the request names: its declared parameters, else the path's. */
static int scope_names(const web_request *req, const char **issue, const char **project)
{
	bool declared;
	*issue = *project = NULL;
	int rc = declared_scope(req, issue, project, &declared);
	if (rc < 0 || declared)
		return rc;
	*issue = param_of(req, "issueIdOrKey", "issue");
	*project = param_of(req, "projectIdOrKey", "key");
	/* Pages share /browse/{key} between projects and issues, as Jira does: project keys have
	 * no '-', issue keys always do. */
	if (!*issue && *project && strchr(*project, '-')) {
		*issue = *project;
		*project = NULL;
	}
	return 0;
}

static int resolve_scope(db_conn *c, void *ctx)
{
	scope_ctx *sc = ctx;
	web_request *req = sc->req;
	const track_viewer *v = track_viewer_of(req);
	const char *issue, *project;
	int rc = scope_names(req, &issue, &project);
	if (rc < 0)
		return rc;
	sc->is_issue = issue != NULL;
	sc->project = project;
	if (issue)
		rc = resolve_issue(c, req, sc->scope, issue);
	else if (project)
		rc = resolve_project(c, req, sc->scope, project);
	else
		rc = err_fail(WEFT_ENOTFOUND, "There is nothing at this address.");
	if (rc == 0)
		rc = track_perm_roles(c, v ? &v->user : NULL, sc->scope->project_id,
		                      &sc->scope->roles);
	return rc;
}

static int hidden(const scope_ctx *sc)
{
	if (sc->is_issue)
		return err_fail(WEFT_ENOTFOUND, TRACK_ISSUE_HIDDEN);
	return err_fail(WEFT_ENOTFOUND, "No project could be found with key '%s'.", sc->project);
}

static int refuse(const scope_ctx *sc, int permission)
{
	if (!track_perm_allows(sc->scope->site_admin, sc->scope->roles, TRACK_PERM_BROWSE))
		return hidden(sc);
	switch (permission) {
	case TRACK_PERM_EDIT_ISSUES:
		return err_fail(WEFT_EPERM, "You do not have permission to edit issues in this "
		                            "project.");
	case TRACK_PERM_TRANSITION_ISSUES:
		return err_fail(WEFT_EPERM, "You do not have permission to transition this issue.");
	case TRACK_PERM_COMMENT:
		return err_fail(WEFT_EPERM, "You do not have permission to comment on this issue.");
	case TRACK_PERM_WORK_ON_ISSUES:
		return err_fail(WEFT_EPERM, "You do not have permission to work on this issue.");
	case TRACK_PERM_CREATE_ISSUES:
		return err_fail(WEFT_EPERM, "You do not have permission to create issues in this "
		                            "project.");
	case TRACK_PERM_VIEW_DEV_TOOLS:
		return err_fail(WEFT_EPERM, "You do not have permission to view development tools "
		                            "for this issue.");
	case TRACK_PERM_MODIFY_REPORTER:
		return err_fail(WEFT_EPERM, "You do not have permission to modify the reporter "
		                            "in this project.");
	case TRACK_PERM_CREATE_ATTACHMENTS:
		return err_fail(WEFT_EPERM, "You do not have permission to create attachments for "
		                            "this issue.");
	case TRACK_PERM_LINK_ISSUES:
		return err_fail(WEFT_EPERM, "You do not have permission to link issues in this "
		                            "project.");
	default:
		return err_fail(WEFT_EPERM,
		                "You do not have permission to administer this project.");
	}
}

int track_perm_authorize(web_request *req)
{
	const track_viewer *v = track_viewer_of(req);
	int permission = req->route->permission;
	bool admin = v && v->user.is_active && v->user.is_admin;
	if (permission == TRACK_PERM_NONE)
		return 0;
	if (!v)
		return err_fail(WEFT_EAUTH, "You are not authenticated. Authentication required to "
		                            "perform this operation.");
	if (permission == TRACK_PERM_SITE_ADMIN)
		return admin ? 0
		             : err_fail(WEFT_EPERM, "You must be a site administrator to do this.");
	if (permission < TRACK_PERM_BROWSE || permission > TRACK_PERM_LINK_ISSUES)
		return err_fail(WEFT_ENOTFOUND, "There is nothing at this address.");
	scope_ctx sc = { req, arena_alloc(req->arena, sizeof(track_scope)), false, NULL };
	sc.scope->site_admin = admin;
	int rc = db_read(track_app_of(req)->d, resolve_scope, &sc);
	if (rc < 0)
		return rc;
	if (!track_perm_allows(admin, sc.scope->roles, permission))
		return refuse(&sc, permission);
	req->scope = sc.scope;
	return 0;
}

/* ---- the search's restriction ---- */

const char *track_perm_browse_sql(arena *a, const track_user *user, const char *project_column,
                                  int param, bool *uses_param)
{
	*uses_param = false;
	if (!user || !user->is_active)
		return "1 = 0";
	if (user->is_admin)
		return "1 = 1";
	*uses_param = true;
	return arena_printf(a, "%s IN (SELECT project_id FROM project_roles WHERE user_id = $%d)",
	                    project_column, param);
}

int track_perm_browsable_projects(db_conn *c, arena *a, const track_user *user, int64_t **out,
                                  size_t *n)
{
	track_project *list = NULL;
	size_t count = 0;
	*out = NULL;
	*n = 0;
	if (!user || !user->is_active)
		return 0;
	int rc = track_project_list(c, a, user->id, user->is_admin, &list, &count);
	if (rc < 0)
		return rc;
	*out = arena_array(a, count ? count : 1, sizeof(int64_t));
	for (size_t i = 0; i < count; i++)
		(*out)[i] = list[i].id;
	*n = count;
	return 0;
}

/* ---- assignable users ---- */

static const unsigned assignable_roles = TRACK_ROLE_DEVELOPERS | TRACK_ROLE_ADMINISTRATORS;

int track_perm_check_assignable(db_conn *c, arena *a, int64_t user_id, int64_t project_id)
{
	track_user u;
	unsigned roles = 0;
	int rc = track_account_find_id(c, a, user_id, &u);
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_EINVALID, "User '%lld' does not exist.", (long long)user_id);
	if (rc == 0)
		rc = track_perm_roles(c, &u, project_id, &roles);
	if (rc == 0 && !(roles & assignable_roles))
		rc = err_fail(WEFT_EINVALID, "User '%s' cannot be assigned issues.", u.username);
	return rc;
}

int track_perm_assignable_users(db_conn *c, arena *a, int64_t project_id, const char *query,
                                int limit, track_user **out, size_t *n)
{
	track_user_query q = { .query = query ? query : "",
		               .active = true,
		               .max = limit,
		               .project_id = project_id,
		               .roles = assignable_roles };
	return track_account_search(c, a, &q, out, n);
}

/* ---- comment visibility ---- */

const char *track_perm_comment_sql(arena *a, const char *comment, const char *project_column,
                                   int user_param, int admin_param)
{
	return arena_printf(a,
	                    "(%s.visibility_type IS NULL OR $%d = 1 OR EXISTS (SELECT 1 FROM"
	                    " project_roles vr WHERE vr.user_id = $%d AND vr.project_id = %s AND"
	                    " %s.visibility_type = 'role' AND vr.role = %s.visibility_value))",
	                    comment, admin_param, user_param, project_column, comment, comment);
}

void track_perm_comment_args(const track_user *user, db_arg *out_user, db_arg *out_admin)
{
	bool active = user && user->is_active;
	*out_user = db_int(active ? user->id : 0);
	*out_admin = db_int(active && user->is_admin ? 1 : 0);
}

bool track_perm_comment_visible(bool site_admin, unsigned roles, unsigned role)
{
	return role == 0 || site_admin || (roles & role) != 0;
}
