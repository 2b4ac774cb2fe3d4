/* The repository pages of hub: the create form, and the settings pages (details, access,
 * transfer, delete), plus hub_request_repo for every repository route's handler. */
#include "hub/repo/repo_web.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "hub/git/gitrepo.h"
#include "hub/form.h"
#include "hub/hook/repo_event.h"
#include "hub/hub.h"
#include "hub/repo/repo_storage.h"
#include "hub/project/project.h"
#include "hub/repo/repo.h"
#include "hub/team/group.h"
#include "hub/team/team.h"
#include "web/status.h"

typedef struct load_ctx {
	arena *a;
	int64_t id;
	hub_repo *out;
} load_ctx;

static int load_repo(db_conn *c, void *ctx)
{
	load_ctx *lc = ctx;
	return hub_repo_get(c, lc->a, lc->id, lc->out);
}

int hub_request_repo(web_request *req, hub_repo *out)
{
	const hub_scope *scope = hub_scope_of(req);
	if (!scope || scope->repository_id == 0)
		return err_fail(WEFT_ENOTFOUND, "There is nothing at this address.");
	load_ctx lc = { req->arena, scope->repository_id, out };
	return db_read(hub_app_of(req)->d, load_repo, &lc);
}

bool hub_repo_redirected(web_request *req, web_response *res)
{
	const hub_scope *scope = hub_scope_of(req);
	if (!scope || !scope->redirected_from || !scope->repository_slug)
		return false;
	/* The raw path is /{workspace}/{repo_slug}[/rest]: keep the rest as it came. */
	const char *p = req->path + (req->path[0] == '/');
	const char *slash = strchr(p, '/');
	const char *rest = slash ? strchr(slash + 1, '/') : NULL;
	const char *location =
	        arena_printf(req->arena, "/%s/%s%s%s%s", scope->ws.slug, scope->repository_slug,
	                     rest ? rest : "", req->query_string[0] ? "?" : "", req->query_string);
	web_res_redirect(req, res, 301, location);
	return true;
}

/* ---- helpers ---- */

static const hub_user *me(web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	return v ? &v->user : NULL;
}

static hub_repo_dirs dirs_of(web_request *req)
{
	const hub_app *app = hub_app_of(req);
	return (hub_repo_dirs){ app->repos_dir, app->trash_dir, app->weft_path };
}

/* The message behind ?notice=…: fixed texts only. */
static json_t *notice(web_request *req)
{
	static const char *const notices[][2] = {
		{ "saved", "Repository settings saved." },
		{ "access", "Access saved." },
		{ "project_created", "Project created." },
		{ "project_deleted", "Project deleted." },
		{ "transferred", "Repository transferred." },
	};
	const char *code = web_query(req, "notice");
	for (size_t i = 0; code && i < sizeof notices / sizeof notices[0]; i++)
		if (strcmp(code, notices[i][0]) == 0)
			return json_string(notices[i][1]);
	return json_null();
}

/* What a page loader or a form's transaction shares. */
typedef struct page_ctx {
	web_request *req;
	json_t *out; /* the page's data (owned) */
	hub_repo repo;
	const char *error; /* a refusal shown on the page */
	const char *location; /* where a successful form goes */
} page_ctx;

static int run_read(page_ctx *pc, db_fn fn)
{
	return db_read(hub_app_of(pc->req)->d, fn, pc);
}

static int render(page_ctx *pc, web_response *res, int status, const char *page, const char *title)
{
	json_object_set_new(pc->out, "notice", notice(pc->req));
	if (pc->error)
		json_object_set_new(pc->out, "error", json_string(pc->error));
	return hub_page(pc->req, res, status, page, title, pc->out);
}

/* ---- /repo/create ---- */

/* The workspaces where the viewer may create repositories: their own and teams they belong to
 * (members may create, as in Bitbucket), each with its projects. */
static int add_workspaces(db_conn *c, page_ctx *pc, const char *selected)
{
	hub_membership *list;
	size_t n;
	arena *a = pc->req->arena;
	int rc = hub_team_list_for_user(c, a, me(pc->req)->id, true, &list, &n);
	json_t *all = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (list[i].role < HUB_MEMBER_ROLE_MEMBER)
			continue;
		hub_project *p;
		size_t np;
		rc = hub_project_list(c, a, list[i].ws.id, &p, &np);
		json_t *projects = json_array();
		for (size_t j = 0; rc == 0 && j < np; j++)
			json_array_append_new(projects, json_pack("{s:s, s:s}", "key", p[j].key,
			                                          "name", p[j].name));
		json_array_append_new(all,
		                      json_pack("{s:s, s:s, s:b, s:o}", "slug", list[i].ws.slug,
		                                "name", list[i].ws.name, "selected",
		                                strcmp(list[i].ws.slug, selected) == 0, "projects",
		                                projects));
	}
	json_object_set_new(pc->out, "workspaces", all);
	return rc;
}

static int load_create(db_conn *c, void *p)
{
	page_ctx *pc = p;
	const char *ws = web_pairs_get(&pc->req->form, "workspace");
	if (!ws)
		ws = web_query(pc->req, "workspace");
	return add_workspaces(c, pc, ws ? ws : me(pc->req)->username);
}

static int create_form(web_request *req, web_response *res, int status, const char *error)
{
	page_ctx pc = { .req = req, .out = json_object(), .error = error };
	json_object_set_new(pc.out, "form",
	                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "name",
	                              hub_form_text(req, "name"), "description",
	                              hub_form_text(req, "description"), "project",
	                              hub_form_text(req, "project"), "new_project_name",
	                              hub_form_text(req, "new_project_name"), "new_project_key",
	                              hub_form_text(req, "new_project_key"), "public",
	                              strcmp(hub_form_text(req, "access"), "public") == 0, "readme",
	                              strcmp(hub_form_text(req, "readme"), "yes") == 0));
	int rc = run_read(&pc, load_create);
	if (rc < 0) {
		json_decref(pc.out);
		return rc;
	}
	return render(&pc, res, status, "hub/repo_create", "Create a repository");
}

int hub_repo_create_page(web_request *req, web_response *res)
{
	return create_form(req, res, 200, NULL);
}

typedef struct create_ctx {
	web_request *req;
	hub_workspace ws;
	hub_repo repo;
	const char *made_path;
} create_ctx;

/* May the viewer create repositories in ws: its owner, or a team member. */
static int check_may_create(db_conn *c, web_request *req, const hub_workspace *ws)
{
	hub_level level = HUB_LEVEL_NONE;
	int rc = hub_perm_workspace(c, me(req), ws, &level);
	if (rc == 0 && level < HUB_LEVEL_READ)
		rc = err_fail(WEFT_ENOTFOUND, "Workspace: you cannot create repositories there.");
	return rc;
}

/* The project the form chose: an existing key, or a new one made inline. */
static int form_project(db_conn *c, create_ctx *cc, int64_t *project_id)
{
	web_request *req = cc->req;
	const char *key = hub_form_text(req, "project");
	hub_project p;
	int rc;
	if (strcmp(key, "new") == 0) {
		hub_project_new n = { hub_form_text(req, "new_project_key"),
			              hub_form_text(req, "new_project_name"), "", true };
		rc = hub_project_create(c, req->arena, me(req)->id, &cc->ws, &n, &p);
	} else if (key[0]) {
		rc = hub_project_find(c, req->arena, cc->ws.id, key, &p);
	} else {
		rc = hub_project_oldest_or_default(c, req->arena, me(req)->id, &cc->ws, &p);
	}
	if (rc == 0)
		*project_id = p.id;
	return rc;
}

static int create_tx(db_conn *c, void *p)
{
	create_ctx *cc = p;
	web_request *req = cc->req;
	if (cc->made_path)
		hub_repo_storage_remove_tree(cc->made_path);
	cc->made_path = NULL;
	hub_repo_new n = { .name = hub_form_text(req, "name"),
		           .description = hub_form_text(req, "description"),
		           .is_private = strcmp(hub_form_text(req, "access"), "public") != 0,
		           .with_readme = strcmp(hub_form_text(req, "readme"), "yes") == 0 };
	const char *scm = hub_form_text(req, "scm");
	hub_repo_dirs dirs = dirs_of(req);
	int rc = scm[0] && strcmp(scm, "git") != 0
	                 ? err_fail(WEFT_EINVALID, "Version control: Git is the only choice.")
	                 : 0;
	if (rc == 0)
		rc = hub_workspace_find(c, req->arena, hub_form_text(req, "workspace"), &cc->ws);
	if (rc == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_ENOTFOUND, "Workspace: choose one of yours.");
	if (rc == 0)
		rc = check_may_create(c, req, &cc->ws);
	if (rc == 0)
		rc = form_project(c, cc, &n.project_id);
	if (rc == 0)
		rc = hub_repo_create_in(c, req->arena, &dirs, me(req), &cc->ws, &n, &cc->repo,
		                        &cc->made_path);
	return rc;
}

int hub_repo_create_submit(web_request *req, web_response *res)
{
	create_ctx cc = { .req = req };
	int rc = db_tx(hub_app_of(req)->d, create_tx, &cc);
	if (rc < 0 && cc.made_path) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", err_msg());
		hub_repo_storage_remove_tree(cc.made_path);
		err_set("%s", msg);
	}
	if (hub_form_refusal(rc))
		return create_form(req, res, web_status_for_error(rc),
		                   arena_strdup(req->arena, err_msg()));
	if (rc < 0)
		return rc;
	return hub_form_redirect(req, res,
	                         arena_printf(req->arena, "/%s/%s", cc.ws.slug, cc.repo.slug));
}

/* ---- /{workspace}/projects ---- */

static int load_projects(db_conn *c, void *p)
{
	page_ctx *pc = p;
	const hub_scope *s = hub_scope_of(pc->req);
	hub_project *list;
	size_t n;
	hub_level level = HUB_LEVEL_NONE;
	int rc = hub_project_list(c, pc->req->arena, s->ws.id, &list, &n);
	json_t *projects = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(projects,
		                      json_pack("{s:s, s:s, s:s, s:b}", "key", list[i].key, "name",
		                                list[i].name, "description", list[i].description,
		                                "is_private", list[i].is_private));
	if (rc == 0)
		rc = hub_perm_workspace(c, me(pc->req), &s->ws, &level);
	json_object_set_new(pc->out, "projects", projects);
	json_object_set_new(pc->out, "may_create", json_boolean(level >= HUB_LEVEL_READ));
	json_object_set_new(pc->out, "workspace",
	                    json_pack("{s:s, s:s}", "slug", s->ws.slug, "name", s->ws.name));
	return rc;
}

static int projects_form(web_request *req, web_response *res, int status, const char *error)
{
	page_ctx pc = { .req = req, .out = json_object(), .error = error };
	json_object_set_new(pc.out, "form",
	                    json_pack("{s:s, s:s, s:s}", "name", hub_form_text(req, "name"), "key",
	                              hub_form_text(req, "key"), "description",
	                              hub_form_text(req, "description")));
	int rc = run_read(&pc, load_projects);
	if (rc < 0) {
		json_decref(pc.out);
		return rc;
	}
	return render(&pc, res, status, "hub/project_list", "Projects");
}

int hub_projects_page(web_request *req, web_response *res)
{
	return projects_form(req, res, 200, NULL);
}

static int project_create_tx(db_conn *c, void *p)
{
	page_ctx *pc = p;
	web_request *req = pc->req;
	hub_project out;
	hub_project_new n = { hub_form_text(req, "key"), hub_form_text(req, "name"),
		              hub_form_text(req, "description"),
		              web_pairs_get(&req->form, "is_private") != NULL };
	return hub_project_create(c, req->arena, me(req)->id, &hub_scope_of(req)->ws, &n, &out);
}

int hub_project_create_submit(web_request *req, web_response *res)
{
	page_ctx pc = { .req = req };
	int rc = db_tx(hub_app_of(req)->d, project_create_tx, &pc);
	if (hub_form_refusal(rc))
		return projects_form(req, res, web_status_for_error(rc),
		                     arena_strdup(req->arena, err_msg()));
	if (rc < 0)
		return rc;
	return hub_form_redirect(req, res,
	                         arena_printf(req->arena, "/%s/projects?notice=project_created",
	                                      hub_scope_of(req)->ws.slug));
}

/* ---- /{workspace}/{repo_slug}/admin… ---- */

static json_t *repo_json(const hub_repo *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "workspace", r->workspace_slug, "slug",
	                 r->slug, "name", r->name, "description", r->description, "is_private",
	                 r->is_private, "mainbranch", r->mainbranch);
}

/* The repository's branches, for the main branch's choice (an empty list: no commits yet, and
 * any valid name may be typed). A repository that cannot be read offers none. */
static json_t *branches_json(web_request *req, const hub_repo *r)
{
	git_repository *repo = NULL;
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL;
	git_branch_t type;
	json_t *list = json_array();
	if (hub_git_open(&repo, hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, r)) < 0 ||
	    git_branch_iterator_new(&it, repo, GIT_BRANCH_LOCAL) < 0)
		goto done;
	for (int n = 0; n < 500 && git_branch_next(&ref, &type, it) == 0; n++) {
		const char *name = NULL;
		if (git_branch_name(&name, ref) == 0)
			json_array_append_new(list,
			                      json_pack("{s:s, s:b}", "name", name, "selected",
			                                strcmp(name, r->mainbranch) == 0));
		git_reference_free(ref);
		ref = NULL;
	}
done:
	git_branch_iterator_free(it);
	hub_git_close(repo);
	return list;
}

/* Loads the repository and its projects for the settings page. */
static int load_admin(db_conn *c, void *p)
{
	page_ctx *pc = p;
	hub_project *list;
	size_t n;
	int rc = hub_repo_get(c, pc->req->arena, hub_scope_of(pc->req)->repository_id, &pc->repo);
	if (rc == 0)
		rc = hub_project_list(c, pc->req->arena, pc->repo.workspace_id, &list, &n);
	json_t *projects = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(projects, json_pack("{s:s, s:s, s:b}", "key", list[i].key,
		                                          "name", list[i].name, "selected",
		                                          list[i].id == pc->repo.project_id));
	json_object_set_new(pc->out, "projects", projects);
	if (rc == 0) {
		json_t *branches = branches_json(pc->req, &pc->repo);
		json_object_set_new(pc->out, "has_branches",
		                    json_boolean(json_array_size(branches) > 0));
		json_object_set_new(pc->out, "branches", branches);
		json_object_set_new(pc->out, "repo", repo_json(&pc->repo));
	}
	return rc;
}

/* Renders one of the settings pages after loading with fn. */
static int settings_page(web_request *req, web_response *res, int status, const char *page,
                         db_fn fn, const char *error)
{
	page_ctx pc = { .req = req, .out = json_object(), .error = error };
	if (hub_repo_redirected(req, res)) {
		json_decref(pc.out);
		return 0;
	}
	int rc = run_read(&pc, fn);
	if (rc < 0) {
		json_decref(pc.out);
		return rc;
	}
	json_object_set_new(pc.out, "tab_admin", json_boolean(strcmp(page, "hub/repo_admin") == 0));
	json_object_set_new(pc.out, "tab_access",
	                    json_boolean(strcmp(page, "hub/repo_access") == 0));
	json_object_set_new(pc.out, "tab_transfer",
	                    json_boolean(strcmp(page, "hub/repo_transfer") == 0));
	json_object_set_new(pc.out, "tab_delete",
	                    json_boolean(strcmp(page, "hub/repo_delete") == 0));
	return render(&pc, res, status, page,
	              arena_printf(req->arena, "Settings · %s", pc.repo.name));
}

int hub_repo_admin_page(web_request *req, web_response *res)
{
	return settings_page(req, res, 200, "hub/repo_admin", load_admin, NULL);
}

static int admin_tx(db_conn *c, void *p)
{
	page_ctx *pc = p;
	web_request *req = pc->req;
	hub_repo r;
	hub_project project;
	int rc = hub_repo_get(c, req->arena, hub_scope_of(req)->repository_id, &r);
	hub_repo_change ch = { .name = hub_form_text(req, "name"),
		               .description = hub_form_text(req, "description"),
		               .is_private = web_pairs_get(&req->form, "is_private") != NULL,
		               .mainbranch = hub_form_text(req, "mainbranch"),
		               .has_issues = -1,
		               .has_wiki = -1 };
	if (rc == 0 && hub_form_text(req, "project")[0])
		rc = hub_project_find(c, req->arena, r.workspace_id, hub_form_text(req, "project"),
		                      &project);
	if (rc == 0 && hub_form_text(req, "project")[0])
		ch.project_id = project.id;
	if (rc == 0)
		rc = hub_repo_update(c, req->arena, hub_app_of(req)->repos_dir, me(req)->id, &r,
		                     &ch, &pc->repo);
	if (rc == 0)
		rc = hub_repo_event_updated(c, req->arena, me(req)->id, &r, &pc->repo);
	return rc;
}

/* Runs a settings form's transaction; a refusal shows the page again with the reason. */
static int settings_submit(web_request *req, web_response *res, db_fn tx, const char *page,
                           db_fn load, const char *notice_code)
{
	page_ctx pc = { .req = req };
	int rc = db_tx(hub_app_of(req)->d, tx, &pc);
	if (hub_form_refusal(rc))
		return settings_page(req, res, web_status_for_error(rc), page, load,
		                     arena_strdup(req->arena, err_msg()));
	if (rc < 0)
		return rc;
	if (pc.location)
		return hub_form_redirect(req, res, pc.location);
	/* hub/repo_admin is …/admin; hub/repo_access is …/admin/access. */
	const char *tab = strchr(page, '_') + 1;
	return hub_form_redirect(req, res,
	                         arena_printf(req->arena, "/%s/%s/admin%s%s?notice=%s",
	                                      pc.repo.workspace_slug, pc.repo.slug,
	                                      strcmp(tab, "admin") == 0 ? "" : "/",
	                                      strcmp(tab, "admin") == 0 ? "" : tab, notice_code));
}

int hub_repo_admin_submit(web_request *req, web_response *res)
{
	return settings_submit(req, res, admin_tx, "hub/repo_admin", load_admin, "saved");
}

/* ---- access ---- */

/* A grant's row, with its level marked for the row's select. */
static json_t *grant_json(const hub_repo_grant *g)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "kind",
	                 g->is_group ? "group" : "user", "slug", g->slug, "name", g->name,
	                 "permission", hub_level_name(g->level), "is_read",
	                 g->level == HUB_LEVEL_READ, "is_write", g->level == HUB_LEVEL_WRITE,
	                 "is_admin", g->level == HUB_LEVEL_ADMIN);
}

static int load_access(db_conn *c, void *p)
{
	page_ctx *pc = p;
	hub_repo_grant *g;
	size_t n;
	hub_group *groups = NULL;
	size_t ngroups = 0;
	int rc = hub_repo_get(c, pc->req->arena, hub_scope_of(pc->req)->repository_id, &pc->repo);
	if (rc == 0)
		rc = hub_repo_grants(c, pc->req->arena, pc->repo.id, &g, &n);
	json_t *grants = json_array(), *choices = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(grants, grant_json(&g[i]));
	if (rc == 0 && hub_scope_of(pc->req)->ws.is_team)
		rc = hub_group_list(c, pc->req->arena, pc->repo.workspace_id, &groups, &ngroups);
	for (size_t i = 0; rc == 0 && i < ngroups; i++)
		json_array_append_new(choices, json_pack("{s:s, s:s}", "slug", groups[i].slug,
		                                         "name", groups[i].name));
	json_object_set_new(pc->out, "grants", grants);
	json_object_set_new(pc->out, "has_groups", json_boolean(json_array_size(choices) > 0));
	json_object_set_new(pc->out, "groups", choices);
	if (rc == 0)
		json_object_set_new(pc->out, "repo", repo_json(&pc->repo));
	return rc;
}

int hub_repo_access_page(web_request *req, web_response *res)
{
	return settings_page(req, res, 200, "hub/repo_access", load_access, NULL);
}

static int access_tx(db_conn *c, void *p)
{
	page_ctx *pc = p;
	web_request *req = pc->req;
	const char *kind = hub_form_text(req, "kind"), *name = hub_form_text(req, "name");
	const char *permission = hub_form_text(req, "permission");
	hub_level level = hub_level_parse(permission);
	int rc = hub_repo_get(c, req->arena, hub_scope_of(req)->repository_id, &pc->repo);
	if (rc == 0 && level == HUB_LEVEL_NONE && strcmp(permission, "none") != 0)
		rc = err_fail(WEFT_EINVALID, "Permission: choose read, write, admin or none.");
	if (rc == 0 && !name[0])
		rc = err_fail(WEFT_EINVALID, "Name: enter a group or a username.");
	if (rc == 0 && strcmp(kind, "group") == 0)
		rc = hub_repo_grant_group(c, &pc->repo, name, level);
	else if (rc == 0 && strcmp(kind, "user") == 0)
		rc = hub_repo_grant_user(c, &pc->repo, name, level);
	else if (rc == 0)
		rc = err_fail(WEFT_EINVALID, "Choose a group or a user.");
	return rc;
}

int hub_repo_access_submit(web_request *req, web_response *res)
{
	return settings_submit(req, res, access_tx, "hub/repo_access", load_access, "access");
}

/* ---- transfer ---- */

/* The teams the viewer administers, other than the repository's own workspace. */
static int load_transfer(db_conn *c, void *p)
{
	page_ctx *pc = p;
	hub_membership *list;
	size_t n;
	int rc = hub_repo_get(c, pc->req->arena, hub_scope_of(pc->req)->repository_id, &pc->repo);
	if (rc == 0)
		rc = hub_team_list_for_user(c, pc->req->arena, me(pc->req)->id, false, &list, &n);
	json_t *targets = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (list[i].role == HUB_MEMBER_ROLE_OWNER && list[i].ws.id != pc->repo.workspace_id)
			json_array_append_new(targets,
			                      json_pack("{s:s, s:s}", "slug", list[i].ws.slug,
			                                "name", list[i].ws.name));
	json_object_set_new(pc->out, "has_targets", json_boolean(json_array_size(targets) > 0));
	json_object_set_new(pc->out, "targets", targets);
	if (rc == 0)
		json_object_set_new(pc->out, "repo", repo_json(&pc->repo));
	return rc;
}

int hub_repo_transfer_page(web_request *req, web_response *res)
{
	return settings_page(req, res, 200, "hub/repo_transfer", load_transfer, NULL);
}

static int transfer_tx(db_conn *c, void *p)
{
	page_ctx *pc = p;
	web_request *req = pc->req;
	hub_repo r;
	hub_workspace target;
	hub_level level = HUB_LEVEL_NONE;
	int rc = hub_repo_get(c, req->arena, hub_scope_of(req)->repository_id, &r);
	if (rc == 0)
		rc = hub_workspace_find(c, req->arena, hub_form_text(req, "target"), &target);
	if (rc == 0)
		rc = hub_perm_workspace(c, me(req), &target, &level);
	if (rc == WEFT_ENOTFOUND || (rc == 0 && (level < HUB_LEVEL_ADMIN || !target.is_team)))
		rc = err_fail(WEFT_EINVALID, "New owner: choose a team you administer.");
	if (rc == 0)
		rc = hub_repo_transfer(c, req->arena, me(req)->id, &r, &target, &pc->repo);
	if (rc == 0)
		rc = hub_repo_event_transfer(c, req->arena, me(req)->id, &pc->repo,
		                             r.workspace_slug);
	if (rc == 0)
		pc->location =
		        arena_printf(req->arena, "/%s/%s", pc->repo.workspace_slug, pc->repo.slug);
	return rc;
}

int hub_repo_transfer_submit(web_request *req, web_response *res)
{
	return settings_submit(req, res, transfer_tx, "hub/repo_transfer", load_transfer,
	                       "transferred");
}

/* ---- delete ---- */

static int load_delete(db_conn *c, void *p)
{
	page_ctx *pc = p;
	int rc = hub_repo_get(c, pc->req->arena, hub_scope_of(pc->req)->repository_id, &pc->repo);
	if (rc == 0)
		json_object_set_new(pc->out, "repo", repo_json(&pc->repo));
	return rc;
}

int hub_repo_delete_page(web_request *req, web_response *res)
{
	return settings_page(req, res, 200, "hub/repo_delete", load_delete, NULL);
}

static int delete_tx(db_conn *c, void *p)
{
	page_ctx *pc = p;
	web_request *req = pc->req;
	int rc = hub_repo_get(c, req->arena, hub_scope_of(req)->repository_id, &pc->repo);
	if (rc == 0 && strcmp(hub_form_text(req, "confirm"), pc->repo.name) != 0)
		rc = err_fail(WEFT_EINVALID, "Type the repository's name, %s, to confirm.",
		              pc->repo.name);
	if (rc == 0) /* the event first, while the row is there to describe */
		rc = hub_repo_event_deleted(c, req->arena, me(req)->id, &pc->repo);
	if (rc == 0)
		rc = hub_repo_delete(c, me(req)->id, &pc->repo);
	if (rc == 0)
		pc->location = arena_printf(req->arena, "/%s", pc->repo.workspace_slug);
	return rc;
}

int hub_repo_delete_submit(web_request *req, web_response *res)
{
	page_ctx pc = { .req = req };
	int rc = db_tx(hub_app_of(req)->d, delete_tx, &pc);
	if (hub_form_refusal(rc))
		return settings_page(req, res, web_status_for_error(rc), "hub/repo_delete",
		                     load_delete, arena_strdup(req->arena, err_msg()));
	if (rc < 0)
		return rc;
	hub_repo_dirs dirs = dirs_of(req);
	/* The row is gone: a folder that cannot be moved is logged, and the purge skips it. */
	if (hub_repo_trash(req->arena, &dirs, &pc.repo) < 0)
		log_error("repository %s: cannot move it to the trash: %s", pc.repo.uuid,
		          err_msg());
	return hub_form_redirect(req, res, pc.location);
}
