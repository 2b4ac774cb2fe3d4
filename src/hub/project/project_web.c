/* /{workspace}/projects/{project_key}: a project's page, its edit form and its deletion. The
 * routes check the workspace (hub_perm.c); this file hides a private project from those who
 * are not members, and lists only the repositories the viewer may read. */
#include "hub/project/project_web.h"

#include <string.h>

#include "base/err.h"
#include "hub/form.h"
#include "hub/hub.h"
#include "hub/hub_perm.h"
#include "hub/perm_sql.h"
#include "hub/project/project.h"
#include "web/status.h"

typedef struct project_ctx {
	web_request *req;
	json_t *out; /* the page's data (owned) */
	hub_project project;
	const char *error; /* a refusal shown on the page */
} project_ctx;

static const hub_user *me(web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	return v ? &v->user : NULL;
}

/* The project the path names; a private one is hidden from those below member. */
static int find_project(db_conn *c, project_ctx *pc, hub_level *level)
{
	const hub_scope *s = hub_scope_of(pc->req);
	int rc = hub_perm_workspace(c, me(pc->req), &s->ws, level);
	if (rc == 0)
		rc = hub_project_find(c, pc->req->arena, s->ws.id,
		                      web_param(pc->req, "project_key"), &pc->project);
	if (rc == 0 && pc->project.is_private && *level < HUB_LEVEL_READ)
		rc = WEFT_ENOTFOUND;
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_ENOTFOUND, "This workspace has no project %.64s.",
		                web_param(pc->req, "project_key"));
	return rc;
}

/* The project's repositories that the viewer may read, by name: one query for the page. */
static int add_repositories(db_conn *c, project_ctx *pc)
{
	const hub_scope *s = hub_scope_of(pc->req);
	int64_t user_id;
	bool reads_all;
	db_stmt *st;
	int rc = hub_perm_repository_filter(c, me(pc->req), &s->ws, &user_id, &reads_all);
	if (rc < 0)
		return rc;
	rc = db_query(
	        &st, c,
	        "SELECT r.slug, r.name, r.is_private FROM repositories r"
	        " WHERE r.workspace_id = $1 AND r.project_id = $2 AND ($4 = 1 "
	        "OR " HUB_PERM_SQL_READS_REPOSITORY("r", "$3") ") ORDER BY lower(r.name), r.id",
	        db_int(s->ws.id), db_int(pc->project.id), db_int(user_id), db_int(reads_all));
	json_t *repos = json_array();
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		rc = 0;
		json_array_append_new(
		        repos, json_pack("{s:s, s:s, s:b}", "slug", db_col_text(st, 0), "name",
		                         db_col_text(st, 1), "is_private", db_col_int(st, 2) != 0));
	}
	db_done(st);
	json_object_set_new(pc->out, "repositories", repos);
	return rc < 0 ? rc : 0;
}

static int load_page(db_conn *c, void *p)
{
	project_ctx *pc = p;
	const hub_scope *s = hub_scope_of(pc->req);
	hub_level level = HUB_LEVEL_NONE;
	int rc = find_project(c, pc, &level);
	if (rc == 0)
		rc = add_repositories(c, pc);
	if (rc < 0)
		return rc;
	const hub_project *pr = &pc->project;
	json_object_set_new(pc->out, "project",
	                    json_pack("{s:s, s:s, s:s, s:b}", "key", pr->key, "name", pr->name,
	                              "description", pr->description, "is_private",
	                              pr->is_private));
	json_object_set_new(pc->out, "workspace",
	                    json_pack("{s:s, s:s}", "slug", s->ws.slug, "name", s->ws.name));
	json_object_set_new(pc->out, "may_admin", json_boolean(level >= HUB_LEVEL_ADMIN));
	return 0;
}

/* The message behind ?notice=…: fixed texts only. */
static json_t *notice(web_request *req)
{
	const char *code = web_query(req, "notice");
	if (code && strcmp(code, "saved") == 0)
		return json_string("Project saved.");
	return json_null();
}

/* The page, with error shown above the forms (and what was typed kept) after a refusal. */
static int render(web_request *req, web_response *res, int status, const char *error)
{
	project_ctx pc = { .req = req, .out = json_object(), .error = error };
	int rc = db_read(hub_app_of(req)->d, load_page, &pc);
	if (rc < 0) {
		json_decref(pc.out);
		return rc;
	}
	if (error) {
		json_object_set_new(pc.out, "error", json_string(error));
		json_t *pr = json_object_get(pc.out, "project");
		json_object_set_new(pr, "name", json_string(hub_form_text(req, "name")));
		json_object_set_new(pr, "description",
		                    json_string(hub_form_text(req, "description")));
	}
	json_object_set_new(pc.out, "notice", notice(req));
	return hub_page(req, res, status, "hub/project", pc.project.name, pc.out);
}

int hub_project_page(web_request *req, web_response *res)
{
	return render(req, res, 200, NULL);
}

static int update_tx(db_conn *c, void *p)
{
	project_ctx *pc = p;
	hub_level level;
	hub_project_change ch = { .key = NULL,
		                  .name = hub_form_text(pc->req, "name"),
		                  .description = hub_form_text(pc->req, "description"),
		                  .is_private = hub_form_checked(pc->req, "is_private") };
	int rc = find_project(c, pc, &level);
	return rc < 0 ? rc : hub_project_update(c, pc->req->arena, &pc->project, &ch, &pc->project);
}

/* Runs a form's transaction: a refusal shows the project page again with the reason (*done set);
 * anything else is the caller's. */
static int submit(web_request *req, web_response *res, db_fn tx, project_ctx *pc, bool *done)
{
	int rc = db_tx(hub_app_of(req)->d, tx, pc);
	*done = hub_form_refusal(rc) && rc != WEFT_ENOTFOUND;
	return *done ? render(req, res, web_status_for_error(rc),
	                      arena_strdup(req->arena, err_msg()))
	             : rc;
}

int hub_project_update_submit(web_request *req, web_response *res)
{
	project_ctx pc = { .req = req };
	bool done;
	int rc = submit(req, res, update_tx, &pc, &done);
	if (done || rc < 0)
		return rc;
	return hub_form_redirect(req, res,
	                         arena_printf(req->arena, "/%s/projects/%s?notice=saved",
	                                      hub_scope_of(req)->ws.slug, pc.project.key));
}

static int delete_tx(db_conn *c, void *p)
{
	project_ctx *pc = p;
	hub_level level;
	int rc = find_project(c, pc, &level);
	return rc < 0 ? rc : hub_project_delete(c, me(pc->req)->id, &pc->project);
}

/* Refused while repositories remain in the project (hub_project_delete's message says so). */
int hub_project_delete_submit(web_request *req, web_response *res)
{
	project_ctx pc = { .req = req };
	bool done;
	int rc = submit(req, res, delete_tx, &pc, &done);
	if (done || rc < 0)
		return rc;
	return hub_form_redirect(req, res,
	                         arena_printf(req->arena, "/%s/projects?notice=project_deleted",
	                                      hub_scope_of(req)->ws.slug));
}
