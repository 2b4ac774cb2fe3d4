/* track's project pages (issue_web.h): the list of projects with the create form (site
 * administrators), the project page with its issues filtered by status, assignee and type, and
 * the settings (roles, workflow statuses and transitions) for project administrators. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "track/account/account.h"
#include "track/issue/choice.h"
#include "track/issue/issue_web.h"
#include "track/project/project.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "track/issue/workflow.h"

enum { PROJECT_PAGE_ISSUES = 200 };

static const char *form(const web_request *req, const char *name)
{
	return web_pairs_get(&req->form, name);
}

static int64_t number(const char *v)
{
	char *end = NULL;
	long long n = v ? strtoll(v, &end, 10) : -1;
	return v && *v && end && !*end ? n : -1;
}

static const char *page_date(arena *a, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* ---- the list and creation ---- */

typedef struct list_ctx {
	web_request *req;
	json_t *projects;
} list_ctx;

static int load_projects(db_conn *c, void *p)
{
	list_ctx *lc = p;
	const track_user *u = &track_viewer_of(lc->req)->user;
	track_project *list = NULL;
	size_t n = 0;
	int rc = track_project_list(c, lc->req->arena, u->id, u->is_admin, &list, &n);
	json_decref(lc->projects); /* from an attempt the store ran again */
	lc->projects = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		track_user lead;
		bool has_lead =
		        list[i].lead_id &&
		        track_account_find_id(c, lc->req->arena, list[i].lead_id, &lead) == 0;
		json_array_append_new(lc->projects,
		                      json_pack("{s:s, s:s, s:s, s:s?}", "key", list[i].key, "name",
		                                list[i].name, "type", list[i].type, "lead",
		                                has_lead ? lead.display_name : NULL));
	}
	return rc;
}

static int projects_page(web_request *req, web_response *res, int status, json_t *data)
{
	list_ctx lc = { req, NULL };
	int rc = db_read(track_app_of(req)->d, load_projects, &lc);
	if (rc < 0) {
		json_decref(data);
		json_decref(lc.projects);
		return rc;
	}
	const track_user *u = &track_viewer_of(req)->user;
	json_object_set_new(data, "has_projects", json_boolean(json_array_size(lc.projects) > 0));
	json_object_set_new(data, "projects", lc.projects);
	json_object_set_new(data, "can_create", json_boolean(u->is_admin));
	return track_page(req, res, status, "track/projects", "Projects", data);
}

int track_projects_page(web_request *req, web_response *res)
{
	return projects_page(req, res, 200, json_object());
}

typedef struct create_ctx {
	web_request *req;
	track_project project;
} create_ctx;

static int create_tx(db_conn *c, void *p)
{
	create_ctx *cc = p;
	const track_viewer *v = track_viewer_of(cc->req);
	const char *key = form(cc->req, "key");
	char *upper = arena_strdup(cc->req->arena, key ? key : "");
	for (char *q = upper; *q; q++)
		if (*q >= 'a' && *q <= 'z')
			*q = (char)(*q - 'a' + 'A');
	return track_project_create(c, cc->req->arena, upper, form(cc->req, "name"),
	                            form(cc->req, "description"), 0, v->user.id, &cc->project);
}

int track_project_create_submit(web_request *req, web_response *res)
{
	create_ctx cc = { req, { 0 } };
	int rc = db_tx(track_app_of(req)->d, create_tx, &cc);
	if (rc == WEFT_EINVALID || rc == WEFT_EEXISTS || rc == WEFT_ETOOLARGE)
		return projects_page(req, res, 400,
		                     json_pack("{s:s, s:{s:s?, s:s?, s:s?}}", "error", err_msg(),
		                               "values", "key", form(req, "key"), "name",
		                               form(req, "name"), "description",
		                               form(req, "description")));
	if (rc == 0)
		web_res_redirect(req, res, 303,
		                 arena_printf(req->arena, "/browse/%s", cc.project.key));
	return rc;
}

/* ---- the project page ---- */

typedef struct project_ctx {
	web_request *req;
	track_project project;
	int64_t status, type, assignee; /* filters; -1 none; assignee 0: unassigned */
	json_t *data;
} project_ctx;

/* The assignee filter offers the project's assignable users (track_perm.h). */
static int assignee_options(db_conn *c, project_ctx *pc, json_t **out)
{
	track_user *users = NULL;
	size_t n = 0;
	int rc = track_perm_assignable_users(c, pc->req->arena, pc->project.id, NULL,
	                                     TRACK_USER_LIST_MAX, &users, &n);
	*out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(*out,
		                      json_pack("{s:I, s:s, s:b}", "id", (json_int_t)users[i].id,
		                                "name", users[i].display_name, "selected",
		                                users[i].id == pc->assignee));
	return rc;
}

static int issue_rows(db_conn *c, project_ctx *pc, json_t **out)
{
	const track_project_filter f = { pc->project.id, pc->status, pc->type, pc->assignee,
		                         PROJECT_PAGE_ISSUES };
	track_project_issue *list = NULL;
	size_t n = 0;
	int rc = track_project_issues(c, pc->req->arena, &f, &list, &n);
	*out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(*out,
		                      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s}", "key",
		                                list[i].key, "summary", list[i].summary, "type",
		                                list[i].type, "status", list[i].status, "category",
		                                list[i].category, "priority", list[i].priority,
		                                "assignee", list[i].assignee, "updated",
		                                page_date(pc->req->arena, list[i].updated_at)));
	return rc;
}

static int load_project(db_conn *c, void *p)
{
	project_ctx *pc = p;
	json_t *statuses = NULL, *types = NULL, *people = NULL, *issues = NULL;
	int rc = track_project_get(c, pc->req->arena, track_scope_of(pc->req)->project_id,
	                           &pc->project);
	if (rc == 0)
		rc = track_choice_options(c, pc->req->arena, TRACK_CHOICE_STATUSES, pc->project.id,
		                          pc->status, &statuses);
	if (rc == 0)
		rc = track_choice_options(c, pc->req->arena, TRACK_CHOICE_ISSUE_TYPES, 0, pc->type,
		                          &types);
	if (rc == 0)
		rc = assignee_options(c, pc, &people);
	if (rc == 0)
		rc = issue_rows(c, pc, &issues);
	json_decref(pc->data); /* from an attempt the store ran again */
	pc->data = json_pack("{s:o*, s:o*, s:o*, s:o*}", "statuses", statuses, "types", types,
	                     "people", people, "issues", issues);
	return rc;
}

int track_project_page(web_request *req, web_response *res)
{
	const char *assignee = web_query(req, "assignee");
	project_ctx pc = { .req = req,
		           .status = number(web_query(req, "status")),
		           .type = number(web_query(req, "type")),
		           .assignee = assignee && strcmp(assignee, "unassigned") == 0 ? 0
		                       : number(assignee) > 0 ? number(assignee)
		                                              : -1 };
	int rc = db_read(track_app_of(req)->d, load_project, &pc);
	if (rc < 0) {
		json_decref(pc.data);
		return rc;
	}
	const track_scope *s = track_scope_of(req);
	json_object_set_new(pc.data, "project",
	                    json_pack("{s:s, s:s, s:s}", "key", pc.project.key, "name",
	                              pc.project.name, "description", pc.project.description));
	json_object_set_new(pc.data, "unassigned", json_boolean(pc.assignee == 0));
	json_object_set_new(pc.data, "has_issues",
	                    json_boolean(json_array_size(json_object_get(pc.data, "issues")) > 0));
	json_object_set_new(
	        pc.data, "count",
	        json_integer((json_int_t)json_array_size(json_object_get(pc.data, "issues"))));
	json_object_set_new(
	        pc.data, "can_create",
	        json_boolean(track_perm_allows(s->site_admin, s->roles, TRACK_PERM_CREATE_ISSUES)));
	json_object_set_new(pc.data, "can_administer",
	                    json_boolean(track_perm_allows(s->site_admin, s->roles,
	                                                   TRACK_PERM_ADMINISTER_PROJECT)));
	return track_page(req, res, 200, "track/project", pc.project.name, pc.data);
}

/* ---- settings: roles and workflow ---- */

typedef struct settings_ctx {
	web_request *req;
	track_project project;
	json_t *data;
} settings_ctx;

static int roles_json(db_conn *c, settings_ctx *sc, json_t **out)
{
	track_role_member *list = NULL;
	size_t n = 0;
	int rc = track_project_roles(c, sc->req->arena, sc->project.id, &list, &n);
	*out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		track_user u;
		if (track_account_find_id(c, sc->req->arena, list[i].user_id, &u) < 0)
			continue;
		json_array_append_new(*out, json_pack("{s:s, s:s, s:s, s:s}", "role",
		                                      track_role_title(list[i].role), "role_name",
		                                      track_role_name(list[i].role), "username",
		                                      u.username, "name", u.display_name));
	}
	return rc;
}

static int workflow_json(db_conn *c, settings_ctx *sc, json_t **statuses_out,
                         json_t **transitions_out)
{
	track_status *statuses = NULL;
	track_transition *transitions = NULL;
	size_t ns = 0, nt = 0;
	int rc = track_status_list(c, sc->req->arena, sc->project.id, &statuses, &ns);
	if (rc == 0)
		rc = track_workflow_transitions(c, sc->req->arena, sc->project.id, &transitions,
		                                &nt);
	*statuses_out = json_array();
	*transitions_out = json_array();
	for (size_t i = 0; rc == 0 && i < ns; i++)
		json_array_append_new(*statuses_out,
		                      json_pack("{s:I, s:s, s:s}", "id", (json_int_t)statuses[i].id,
		                                "name", statuses[i].name, "category",
		                                statuses[i].category));
	for (size_t i = 0; rc == 0 && i < nt; i++) {
		const char *from = "Any status";
		for (size_t k = 0; k < ns; k++)
			if (statuses[k].id == transitions[i].from_status_id)
				from = statuses[k].name;
		const char *resolution =
		        transitions[i].resolution_action == TRACK_RESOLUTION_SET ? "sets resolution"
		        : transitions[i].resolution_action == TRACK_RESOLUTION_CLEAR
		                ? "clears resolution"
		                : "";
		json_array_append_new(*transitions_out,
		                      json_pack("{s:s, s:s, s:s, s:s}", "name", transitions[i].name,
		                                "from", from, "to", transitions[i].to.name,
		                                "resolution", resolution));
	}
	return rc;
}

static int load_settings(db_conn *c, void *p)
{
	settings_ctx *sc = p;
	json_t *roles = NULL, *statuses = NULL, *transitions = NULL;
	int rc = track_project_get(c, sc->req->arena, track_scope_of(sc->req)->project_id,
	                           &sc->project);
	if (rc == 0)
		rc = roles_json(c, sc, &roles);
	if (rc == 0)
		rc = workflow_json(c, sc, &statuses, &transitions);
	json_object_set_new(sc->data, "roles", roles ? roles : json_array());
	json_object_set_new(sc->data, "statuses", statuses ? statuses : json_array());
	json_object_set_new(sc->data, "transitions", transitions ? transitions : json_array());
	json_object_set_new(sc->data, "project",
	                    json_pack("{s:s, s:s}", "key", sc->project.key, "name",
	                              sc->project.name ? sc->project.name : ""));
	return rc;
}

static int settings_page(web_request *req, web_response *res, int status, json_t *data)
{
	settings_ctx sc = { req, { 0 }, data };
	int rc = db_read(track_app_of(req)->d, load_settings, &sc);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	return track_page(req, res, status, "track/project_settings",
	                  arena_printf(req->arena, "%s settings", sc.project.key), data);
}

int track_settings_page(web_request *req, web_response *res)
{
	return settings_page(req, res, 200, json_object());
}

/* Runs fn and goes back to the settings, with the refusal on the page when there is one. */
static int settings_change(web_request *req, web_response *res, db_fn fn)
{
	int rc = db_tx(track_app_of(req)->d, fn, req);
	if (rc == WEFT_EINVALID || rc == WEFT_EEXISTS || rc == WEFT_ECONFLICT ||
	    rc == WEFT_ENOTFOUND)
		return settings_page(req, res, 400, json_pack("{s:s}", "error", err_msg()));
	if (rc == 0)
		web_res_redirect(req, res, 303,
		                 arena_printf(req->arena, "/browse/%s/settings",
		                              track_scope_of(req)->project_key));
	return rc;
}

static int role_user(db_conn *c, web_request *req, track_user *u, unsigned *role)
{
	*role = track_role_parse(form(req, "role"));
	if (!*role)
		return err_fail(WEFT_EINVALID, "Choose Administrators, Developers or Users.");
	const char *who = form(req, "user");
	int rc = track_account_find_login(c, req->arena, who ? who : "", u);
	return rc == WEFT_ENOTFOUND
	               ? err_fail(WEFT_EINVALID, "There is no user %s.", who ? who : "")
	               : rc;
}

static int role_add_tx(db_conn *c, void *p)
{
	web_request *req = p;
	track_user u;
	unsigned role = 0;
	int rc = role_user(c, req, &u, &role);
	return rc == 0 ? track_project_role_add(c, track_scope_of(req)->project_id, u.id, role)
	               : rc;
}

int track_settings_role_submit(web_request *req, web_response *res)
{
	return settings_change(req, res, role_add_tx);
}

static int role_remove_tx(db_conn *c, void *p)
{
	web_request *req = p;
	track_user u;
	unsigned role = 0;
	int rc = role_user(c, req, &u, &role);
	return rc == 0 ? track_project_role_remove(c, track_scope_of(req)->project_id, u.id, role)
	               : rc;
}

int track_settings_role_remove_submit(web_request *req, web_response *res)
{
	return settings_change(req, res, role_remove_tx);
}

static int status_tx(db_conn *c, void *p)
{
	web_request *req = p;
	return track_workflow_add_status(c, track_scope_of(req)->project_id, form(req, "name"),
	                                 form(req, "category"), NULL);
}

int track_settings_status_submit(web_request *req, web_response *res)
{
	return settings_change(req, res, status_tx);
}

static int transition_tx(db_conn *c, void *p)
{
	web_request *req = p;
	const char *res = form(req, "resolution");
	track_resolution_action action = res && strcmp(res, "set") == 0     ? TRACK_RESOLUTION_SET
	                                 : res && strcmp(res, "clear") == 0 ? TRACK_RESOLUTION_CLEAR
	                                                                    : TRACK_RESOLUTION_KEEP;
	int64_t from = number(form(req, "from")), to = number(form(req, "to"));
	if (to <= 0)
		return err_fail(WEFT_EINVALID, "Choose the status the transition leads to.");
	return track_workflow_add_transition(c, track_scope_of(req)->project_id, form(req, "name"),
	                                     from > 0 ? from : 0, to, action, 0, NULL);
}

int track_settings_transition_submit(web_request *req, web_response *res)
{
	return settings_change(req, res, transition_tx);
}
