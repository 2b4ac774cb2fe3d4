/* hub's one place for "may this actor do this": the model (hub_perm.h) and the authorize hook
 * that decides every route's declared permission before its handler runs. What a caller may not
 * see answers 404, never 403. */
#include "hub/hub_perm.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "hub/hub.h"
#include "hub/repo/repo.h"

const char *hub_level_name(hub_level level)
{
	switch (level) {
	case HUB_LEVEL_READ: return "read";
	case HUB_LEVEL_WRITE: return "write";
	case HUB_LEVEL_ADMIN: return "admin";
	default: return "none";
	}
}

hub_level hub_level_parse(const char *name)
{
	if (!name)
		return HUB_LEVEL_NONE;
	if (strcmp(name, "read") == 0)
		return HUB_LEVEL_READ;
	if (strcmp(name, "write") == 0)
		return HUB_LEVEL_WRITE;
	if (strcmp(name, "admin") == 0)
		return HUB_LEVEL_ADMIN;
	return HUB_LEVEL_NONE;
}

int hub_workspace_find(db_conn *c, arena *a, const char *slug_or_uuid, hub_workspace *out)
{
	char uuid[37] = "";
	bool by_uuid = slug_or_uuid[0] == '{';
	if (by_uuid)
		snprintf(uuid, sizeof uuid, "%.36s", slug_or_uuid + 1);
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, uuid, slug, name, kind = 'team', COALESCE(user_id, 0)"
	                  " FROM workspaces WHERE slug = lower($1) OR uuid = $2",
	                  db_text(by_uuid ? "" : slug_or_uuid), db_text(by_uuid ? uuid : ""));
	if (rc == 0)
		rc = db_step_one(st, "There is no workspace %s.", slug_or_uuid);
	if (rc == 0) {
		out->id = db_col_int(st, 0);
		snprintf(out->uuid, sizeof out->uuid, "%s", db_col_text(st, 1));
		out->slug = arena_strdup(a, db_col_text(st, 2));
		out->name = arena_strdup(a, db_col_text(st, 3));
		out->is_team = db_col_int(st, 4) != 0;
		out->owner_id = db_col_int(st, 5);
	}
	db_done(st);
	return rc;
}

/* The highest level of one query's rows (each a permission name), or none. */
static int max_level(db_stmt *st, hub_level *out)
{
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hub_level level = hub_level_parse(db_col_text(st, 0));
		if (level > *out)
			*out = level;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int hub_perm_is_team_admin(db_conn *c, int64_t user_id, int64_t workspace_id, bool *out)
{
	db_stmt *st;
	int rc =
	        db_query(&st, c,
	                 "SELECT 1 FROM group_members gm JOIN groups g ON g.id = gm.group_id"
	                 " WHERE gm.user_id = $1 AND g.workspace_id = $2 AND g.permission = 'admin'"
	                 " LIMIT 1",
	                 db_int(user_id), db_int(workspace_id));
	if (rc == 0)
		rc = db_step(st);
	*out = rc == DB_ROW;
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int is_team_member(db_conn *c, int64_t user_id, int64_t workspace_id, bool *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT 1 FROM team_members WHERE user_id = $1 AND workspace_id = $2",
	                  db_int(user_id), db_int(workspace_id));
	if (rc == 0)
		rc = db_step(st);
	*out = rc == DB_ROW;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int hub_perm_workspace(db_conn *c, const hub_user *user, const hub_workspace *ws, hub_level *out)
{
	*out = HUB_LEVEL_NONE;
	if (!user || !user->is_active)
		return 0;
	if (user->is_admin || (!ws->is_team && ws->owner_id == user->id)) {
		*out = HUB_LEVEL_ADMIN;
		return 0;
	}
	if (!ws->is_team)
		return 0;
	bool admin = false, member = false;
	int rc = hub_perm_is_team_admin(c, user->id, ws->id, &admin);
	if (rc == 0 && !admin)
		rc = is_team_member(c, user->id, ws->id, &member);
	*out = admin ? HUB_LEVEL_ADMIN : member ? HUB_LEVEL_READ : HUB_LEVEL_NONE;
	return rc;
}

/* Grants on the repository itself: through the user's groups, and to the user directly. */
static int repository_grants(db_conn *c, int64_t user_id, int64_t repository_id, hub_level *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT rg.permission FROM repository_group_permissions rg"
	                  " JOIN group_members gm ON gm.group_id = rg.group_id"
	                  " WHERE rg.repository_id = $1 AND gm.user_id = $2"
	                  " UNION ALL SELECT permission FROM repository_user_permissions"
	                  " WHERE repository_id = $1 AND user_id = $2",
	                  db_int(repository_id), db_int(user_id));
	return rc < 0 ? rc : max_level(st, out);
}

int hub_perm_repository(db_conn *c, const hub_user *user, const hub_workspace *ws,
                        int64_t repository_id, bool is_private, hub_level *out)
{
	hub_level level = is_private ? HUB_LEVEL_NONE : HUB_LEVEL_READ;
	hub_level on_workspace = HUB_LEVEL_NONE;
	int rc = hub_perm_workspace(c, user, ws, &on_workspace);
	if (rc == 0 && on_workspace == HUB_LEVEL_ADMIN)
		level = HUB_LEVEL_ADMIN;
	else if (rc == 0 && user && user->is_active)
		rc = repository_grants(c, user->id, repository_id, &level);
	*out = level;
	return rc;
}

/* ---- the authorize hook ---- */

static int hidden(void)
{
	return err_fail(WEFT_ENOTFOUND, "There is nothing at this address.");
}

/* A caller without the level a route needs: anonymous callers are asked to sign in; signed-in
 * ones see 404 when they may not even read, 403 when they may read but not do this. */
static int refuse(const hub_viewer *v, hub_level has)
{
	if (!v)
		return err_fail(WEFT_EAUTH, "You need to sign in first.");
	if (has == HUB_LEVEL_NONE)
		return hidden();
	return err_fail(WEFT_EPERM, "You do not have permission to do this.");
}

typedef struct scope_ctx {
	web_request *req;
	int permission;
	hub_scope *scope;
} scope_ctx;

/* The repository the path names, by slug, {uuid} or an old slug (hub_repo_find); the scope
 * records an old slug so that pages can answer with a redirect to the current address. */
static int find_repository(db_conn *c, arena *a, hub_scope *s, const char *slug, bool *is_private)
{
	hub_repo r;
	int rc = hub_repo_find(c, a, &s->ws, slug, &r, &s->redirected_from);
	if (rc == WEFT_ENOTFOUND)
		return hidden();
	/* An old address after a transfer leads into the repository's new workspace. */
	if (rc == 0 && r.workspace_id != s->ws.id)
		rc = hub_workspace_find(c, a, r.workspace_slug, &s->ws);
	if (rc == 0) {
		s->repository_id = r.id;
		s->repository_slug = r.slug;
		*is_private = r.is_private;
	}
	return rc;
}

/* A PUT on a repository's address gated on workspace membership creates the repository when it
 * is absent (Bitbucket's PUT /2.0/repositories/{ws}/{slug}); when it exists, the PUT changes
 * it and needs admin on it, which a user may hold through a direct grant without being a
 * member of the workspace. So: existing repository, REPO_ADMIN; absent, the route's own. */
static int creating_put_permission(db_conn *c, scope_ctx *sc, const char *repo)
{
	web_request *req = sc->req;
	if (!repo || strcmp(req->method, "PUT") != 0 || sc->permission != HUB_PERM_WORKSPACE_MEMBER)
		return 0;
	hub_repo r;
	int rc = hub_repo_find(c, req->arena, &sc->scope->ws, repo, &r, NULL);
	if (rc == 0)
		sc->permission = HUB_PERM_REPO_ADMIN;
	return rc == WEFT_ENOTFOUND ? 0 : rc;
}

static int resolve_scope(db_conn *c, void *ctx)
{
	scope_ctx *sc = ctx;
	web_request *req = sc->req;
	const hub_viewer *v = hub_viewer_of(req);
	const hub_user *user = v ? &v->user : NULL;
	const char *workspace = web_param(req, "workspace");
	const char *repo = web_param(req, "repo_slug");
	int rc =
	        workspace ? hub_workspace_find(c, req->arena, workspace, &sc->scope->ws) : hidden();
	if (rc == WEFT_ENOTFOUND)
		return hidden();
	if (rc == 0)
		rc = creating_put_permission(c, sc, repo);
	if (rc == 0 && sc->permission >= HUB_PERM_REPO_READ) {
		bool is_private = true;
		rc = repo ? find_repository(c, req->arena, sc->scope, repo, &is_private) : hidden();
		if (rc == 0)
			rc = hub_perm_repository(c, user, &sc->scope->ws, sc->scope->repository_id,
			                         is_private, &sc->scope->level);
	} else if (rc == 0) {
		rc = hub_perm_workspace(c, user, &sc->scope->ws, &sc->scope->level);
	}
	return rc;
}

/* The level a permission needs. */
static hub_level needed(int permission)
{
	switch (permission) {
	case HUB_PERM_WORKSPACE_VIEW: return HUB_LEVEL_NONE;
	case HUB_PERM_WORKSPACE_MEMBER: return HUB_LEVEL_READ;
	case HUB_PERM_WORKSPACE_ADMIN: return HUB_LEVEL_ADMIN;
	case HUB_PERM_REPO_READ: return HUB_LEVEL_READ;
	case HUB_PERM_REPO_WRITE: return HUB_LEVEL_WRITE;
	default: return HUB_LEVEL_ADMIN;
	}
}

/* The app-password scope a route needs (Bitbucket's names), from its place in the API: NULL for
 * routes no app password may use. Where a route is not listed, the narrowest reading wins. */
static const char *required_scope(const web_route *r, int permission)
{
	bool reads = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
	if (r->flags & WEB_CHALLENGE) /* git over HTTP: clone and fetch, or push */
		return permission >= HUB_PERM_REPO_WRITE ? "repository:write" : "repository:read";
	if (!(r->flags & WEB_API))
		return NULL; /* pages: app passwords never sign in to the web UI */
	/* Webhooks: the subscriptions of repositories and workspaces, and the event catalogue. */
	if (strncmp(r->pattern, "/2.0/hook_events", 16) == 0 ||
	    str_ends_with(r->pattern, "/hooks") || str_ends_with(r->pattern, "/hooks/{uid}"))
		return "webhook";
	if (strncmp(r->pattern, "/2.0/user/permissions/workspaces", 32) == 0 ||
	    strncmp(r->pattern, "/2.0/workspaces", 15) == 0)
		return reads ? "team" : "team:write";
	if (strncmp(r->pattern, "/1.0/groups", 11) == 0)
		return reads ? "team" : "team:write";
	if (strncmp(r->pattern, "/2.0/user", 9) == 0 || strncmp(r->pattern, "/2.0/users/", 11) == 0)
		return reads ? "account" : NULL;
	/* Pull requests: reading them, and everything else done to them (merging too). */
	if (strstr(r->pattern, "/pullrequests") ||
	    strncmp(r->pattern, "/2.0/pullrequests/", 18) == 0)
		return reads ? "pullrequest" : "pullrequest:write";
	/* Repositories: reading (POST /commits reads too), pushing (refs, commits from form
	 * fields), and administering (creating, changing, deleting a repository). */
	if (strncmp(r->pattern, "/2.0/repositories", 17) == 0)
		return reads || permission == HUB_PERM_REPO_READ ? "repository:read"
		       : permission == HUB_PERM_REPO_WRITE       ? "repository:write"
		                                                 : "repository:admin";
	return NULL;
}

static bool has_scope(const char *scopes, const char *scope)
{
	size_t n = strlen(scope);
	for (const char *p = scopes; p && *p;) {
		size_t len = strcspn(p, " ");
		if (len == n && strncmp(p, scope, n) == 0)
			return true;
		p += len + (p[len] == ' ');
	}
	return false;
}

/* An app password reaches only the API routes its scopes name (team:write includes team). */
static int check_scope(const hub_viewer *v, const web_route *r, int permission)
{
	if (!v || !v->scopes)
		return 0;
	const char *scope = required_scope(r, permission);
	if (!scope)
		return err_fail(WEFT_EPERM, "App passwords work with the API, not with this page.");
	bool granted =
	        has_scope(v->scopes, scope) ||
	        (strcmp(scope, "team") == 0 && has_scope(v->scopes, "team:write")) ||
	        (strcmp(scope, "pullrequest") == 0 && has_scope(v->scopes, "pullrequest:write")) ||
	        (strcmp(scope, "repository:read") == 0 &&
	         has_scope(v->scopes, "repository:write")) ||
	        (strncmp(scope, "repository:", 11) == 0 &&
	         has_scope(v->scopes, "repository:admin"));
	if (!granted)
		return err_fail(WEFT_EPERM, "This app password lacks the %s permission.", scope);
	return 0;
}

/* The permission a request needs: the route's, except for git's info/refs, where the service
 * asked for decides (a push's advertisement needs write). */
static int request_permission(const web_request *req)
{
	const char *service = web_query(req, "service");
	if ((req->route->flags & WEB_CHALLENGE) && service &&
	    strcmp(service, "git-receive-pack") == 0)
		return HUB_PERM_REPO_WRITE;
	return req->route->permission;
}

/* Git's ref advertisement (GET info/refs), where every clone, fetch and push begins: git asks
 * for credentials only after a 401 there, so it is the one repository route that challenges an
 * anonymous caller for what it may not read, and it does so for a missing repository too. */
static bool is_git_advertisement(const web_route *r)
{
	return (r->flags & WEB_CHALLENGE) && strcmp(r->method, "GET") == 0;
}

/* Git prints a refusal's text: say why a push was refused to someone who may read. A private
 * repository is missing to an anonymous caller, as to anyone else who may not read it, so that
 * the answer does not tell which private repositories exist (the advertisement aside). */
static int refuse_request(const web_request *req, const hub_viewer *v, int permission,
                          hub_level has)
{
	if (v && has == HUB_LEVEL_READ && permission == HUB_PERM_REPO_WRITE &&
	    (req->route->flags & WEB_CHALLENGE))
		return err_fail(WEFT_EPERM, "You do not have permission to do this. You have read "
		                            "access to this repository, not write: you cannot push "
		                            "to it.");
	if (!v && has == HUB_LEVEL_NONE && permission >= HUB_PERM_REPO_READ &&
	    !is_git_advertisement(req->route))
		return hidden();
	return refuse(v, has);
}

int hub_authorize(web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	int permission = request_permission(req);
	int rc = check_scope(v, req->route, permission);
	if (rc < 0)
		return rc;
	if (permission == HUB_PERM_NONE)
		return 0;
	if (permission == HUB_PERM_SITE_ADMIN)
		return v && v->user.is_admin ? 0 : v ? hidden() : refuse(NULL, HUB_LEVEL_NONE);
	if (permission < HUB_PERM_WORKSPACE_VIEW || permission > HUB_PERM_REPO_ADMIN)
		return hidden(); /* a permission nobody taught this file is nobody's */
	scope_ctx sc = { req, permission, arena_alloc(req->arena, sizeof(hub_scope)) };
	*sc.scope = (hub_scope){ 0 };
	rc = db_read(hub_app_of(req)->d, resolve_scope, &sc);
	if (rc == WEFT_ENOTFOUND && !v && is_git_advertisement(req->route))
		return refuse(NULL, HUB_LEVEL_NONE);
	if (rc < 0)
		return rc;
	/* resolve_scope may have raised the permission (creating_put_permission). */
	if (sc.scope->level < needed(sc.permission))
		return refuse_request(req, v, sc.permission, sc.scope->level);
	req->scope = sc.scope;
	return 0;
}
