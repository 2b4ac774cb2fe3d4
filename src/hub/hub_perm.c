/* hub's one place for "may this actor do this": the model (hub_perm.h) and the authorize hook
 * that decides every route's declared permission before its handler runs. What a caller may not
 * see answers 404, never 403. */
#include "hub/hub_perm.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "hub/hub.h"
#include "hub/repo/repo.h"

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

int hub_perm_repository_filter(db_conn *c, const hub_user *user, const hub_workspace *ws,
                               int64_t *user_id, bool *reads_all)
{
	hub_level on_workspace = HUB_LEVEL_NONE;
	int rc = hub_perm_workspace(c, user, ws, &on_workspace);
	*reads_all = rc == 0 && on_workspace == HUB_LEVEL_ADMIN;
	*user_id = user && user->is_active ? user->id : 0;
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

/* What a request needs: the route's permission and scope as its declared parameters change them
 * (hub.h's HUB_SCOPE_*), and the repository it creates when absent. */
typedef struct need {
	int permission;
	const char *scope;
	const char *created; /* HUB_SCOPE_REPO_CREATED's slug, or NULL */
} need;

typedef struct scope_ctx {
	web_request *req;
	need need;
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

/* HUB_SCOPE_REPO_CREATED: an existing repository needs REPO_ADMIN; an absent one, the route's
 * own permission. */
static int created_repository_permission(db_conn *c, scope_ctx *sc)
{
	if (!sc->need.created)
		return 0;
	hub_repo r;
	int rc = hub_repo_find(c, sc->req->arena, &sc->scope->ws, sc->need.created, &r, NULL);
	if (rc == 0)
		sc->need.permission = HUB_PERM_REPO_ADMIN;
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
		rc = created_repository_permission(c, sc);
	if (rc == 0 && sc->need.permission >= HUB_PERM_REPO_READ) {
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

/* B.1's implications between scopes: each scope and the ones it includes directly. Admin and
 * delete include nothing (repository:admin does not read), write includes read, and
 * pull requests reach the repository they belong to. "repository:read" is the app passwords'
 * name for "repository". */
static const struct {
	const char *scope, *includes[2];
} implications[] = {
	{ "account", { "email", NULL } },
	{ "account:write", { "account", NULL } },
	{ "team:write", { "team", NULL } },
	{ "project", { "repository", NULL } },
	{ "repository:read", { "repository", NULL } },
	{ "repository:write", { "repository", NULL } },
	{ "pullrequest", { "repository", NULL } },
	{ "pullrequest:write", { "pullrequest", "repository:write" } },
	{ "issue", { "repository", NULL } },
	{ "issue:write", { "issue", NULL } },
	{ "snippet:write", { "snippet", NULL } },
	{ "pipeline:write", { "pipeline", NULL } },
	{ "pipeline:variable", { "pipeline:write", NULL } },
	{ "runner:write", { "runner", NULL } },
};

/* Whether scope (a granted one) is or includes needed; depth bounds the (acyclic) walk. */
static bool includes(const char *scope, size_t len, const char *needed, int depth)
{
	if (strlen(needed) == len && strncmp(scope, needed, len) == 0)
		return true;
	for (size_t i = 0; depth > 0 && i < sizeof implications / sizeof implications[0]; i++) {
		if (strlen(implications[i].scope) != len ||
		    strncmp(implications[i].scope, scope, len) != 0)
			continue;
		for (int j = 0; j < 2 && implications[i].includes[j]; j++)
			if (includes(implications[i].includes[j],
			             strlen(implications[i].includes[j]), needed, depth - 1))
				return true;
	}
	return false;
}

/* The index of name[0..len) in table, or -1. */
static int scope_index(const hub_scope_info *table, const char *name, size_t len)
{
	for (int i = 0; table[i].name; i++)
		if (strlen(table[i].name) == len && memcmp(table[i].name, name, len) == 0)
			return i;
	return -1;
}

int hub_scopes_parse(arena *a, const hub_scope_info *table, const char *text, const char **out)
{
	unsigned chosen = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, " ");
		int i = len ? scope_index(table, p, len) : -2;
		if (i == -1)
			return err_fail(WEFT_EINVALID, "Permissions: \"%.*s\" is not a permission.",
			                (int)(len > 40 ? 40 : len), p);
		if (i >= 0)
			chosen |= 1u << i;
		p += len ? len : 1;
	}
	if (!chosen)
		return err_fail(WEFT_EINVALID, "Permissions: choose at least one.");
	buf canonical = BUF_INIT;
	for (int i = 0; table[i].name; i++)
		if (chosen & (1u << i))
			buf_printf(&canonical, "%s%s", canonical.len ? " " : "", table[i].name);
	*out = arena_strdup(a, buf_cstr(&canonical));
	buf_dispose(&canonical);
	return 0;
}

bool hub_scopes_has(const char *list, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, " ");
		if (n == len && memcmp(p, word, n) == 0)
			return true;
		p += n ? n : 1;
	}
	return false;
}

bool hub_scopes_cover(const char *scopes, const char *needed)
{
	for (const char *p = scopes; p && *p;) {
		size_t len = strcspn(p, " ");
		if (len && includes(p, len, needed, 4))
			return true;
		p += len ? len : 1;
	}
	return false;
}

/* A credential limited to scopes (an app password, an OAuth token) reaches only the routes whose
 * declared scope its scopes cover. */
static int check_scope(const hub_viewer *v, const need *n)
{
	if (!v || !v->scopes)
		return 0;
	const char *scope = n->scope;
	if (!scope && v->is_token)
		return err_fail(WEFT_EPERM, "Access tokens work with the API, not with this page.");
	if (!scope)
		return err_fail(WEFT_EPERM, "App passwords work with the API, not with this page.");
	if (hub_scopes_cover(v->scopes, scope))
		return 0;
	if (v->is_token)
		return err_fail(WEFT_EPERM,
		                "Your credentials lack one or more required privilege scopes (%s).",
		                scope);
	return err_fail(WEFT_EPERM, "This app password lacks the %s permission.", scope);
}

/* What the route declares, its parameters' meanings (hub.h's HUB_SCOPE_*) applied. */
static int request_need(const web_request *req, need *out)
{
	const web_route *r = req->route;
	*out = (need){ r->permission, r->scope, NULL };
	int rc = 0;
	for (const web_param_spec *p = r->params; rc == 0 && p && p->name; p++) {
		const char *value = NULL;
		if (p->scope)
			rc = web_param_read(req, p, &value);
		if (value && p->scope == HUB_SCOPE_REPO_CREATED)
			out->created = value;
		if (value && p->scope == HUB_SCOPE_GIT_SERVICE &&
		    strcmp(value, "git-receive-pack") == 0) {
			out->permission = HUB_PERM_REPO_WRITE;
			out->scope = "repository:write";
		}
	}
	return rc;
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
	need n;
	int rc = request_need(req, &n);
	if (rc == 0)
		rc = check_scope(v, &n);
	if (rc < 0)
		return rc;
	int permission = n.permission;
	if (permission == HUB_PERM_NONE)
		return 0;
	if (permission == HUB_PERM_SITE_ADMIN)
		return v && v->user.is_admin ? 0 : v ? hidden() : refuse(NULL, HUB_LEVEL_NONE);
	if (permission < HUB_PERM_WORKSPACE_VIEW || permission > HUB_PERM_REPO_ADMIN)
		return hidden(); /* a permission nobody taught this file is nobody's */
	scope_ctx sc = { req, n, arena_alloc(req->arena, sizeof(hub_scope)) };
	*sc.scope = (hub_scope){ 0 };
	rc = db_read(hub_app_of(req)->d, resolve_scope, &sc);
	if (rc == WEFT_ENOTFOUND && !v && is_git_advertisement(req->route))
		return refuse(NULL, HUB_LEVEL_NONE);
	if (rc < 0)
		return rc;
	/* resolve_scope may have raised the permission (created_repository_permission). */
	if (sc.scope->level < needed(sc.need.permission))
		return refuse_request(req, v, sc.need.permission, sc.scope->level);
	req->scope = sc.scope;
	return 0;
}
