/* The administrators' plans page: defining plans (limits on private repositories and members),
 * changing and deleting them, and giving a team its plan. */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "hub/hub.h"
#include "hub/team/plan.h"
#include "hub/team/team_web.h"
#include "web/status.h"

static const char *field(web_request *req, const char *name)
{
	const char *v = web_pairs_get(&req->form, name);
	return v ? v : "";
}

/* A limit for an input: "" for none. */
static json_t *limit_value(int64_t limit)
{
	char text[24] = "";
	if (limit != PLAN_UNLIMITED)
		snprintf(text, sizeof text, "%lld", (long long)limit);
	return json_string(text);
}

static json_t *plan_json(const hub_plan *p)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:I}", "id", (json_int_t)p->id, "name", p->name,
	                 "max_private", limit_value(p->max_private_repositories), "max_members",
	                 limit_value(p->max_members), "teams", (json_int_t)p->teams);
}

typedef struct plans_ctx {
	web_request *req;
	json_t *plans;
} plans_ctx;

static int load_plans(db_conn *c, void *ctx)
{
	plans_ctx *pc = ctx;
	json_decref(pc->plans); /* a retried read starts again */
	pc->plans = json_array();
	hub_plan *p;
	size_t n;
	int rc = hub_plan_list(c, pc->req->arena, &p, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(pc->plans, plan_json(&p[i]));
	return rc;
}

/* The page, with a refusal (rc, message error) and what was typed (form, stolen). */
static int plans_page(web_request *req, web_response *res, int rc, const char *error, json_t *form)
{
	plans_ctx pc = { req, NULL };
	int lrc = db_read(hub_app_of(req)->d, load_plans, &pc);
	if (lrc < 0) {
		json_decref(pc.plans);
		json_decref(form);
		return lrc;
	}
	const char *done = web_query(req, "done");
	json_t *data = json_pack("{s:b, s:o, s:s?, s:o, s:b}", "has_plans",
	                         json_array_size(pc.plans) > 0, "plans", pc.plans, "error", error,
	                         "form", form ? form : json_object(), "done", done != NULL);
	return hub_page(req, res, rc < 0 ? web_status_for_error(rc) : 200, "hub/team_admin_plans",
	                "Administration: plans", data);
}

int hub_admin_plans_page(web_request *req, web_response *res)
{
	return plans_page(req, res, 0, NULL, NULL);
}

typedef struct plan_form {
	web_request *req;
	int64_t id;
	const char *name;
	int64_t max_private, max_members;
} plan_form;

/* Reads the fields of a plan's form. */
static int read_form(web_request *req, plan_form *f)
{
	f->req = req;
	f->name = field(req, "name");
	int rc = hub_plan_parse_limit(&f->max_private, "Maximum private repositories",
	                              field(req, "max_private"));
	if (rc == 0)
		rc = hub_plan_parse_limit(&f->max_members, "Maximum members",
		                          field(req, "max_members"));
	return rc;
}

static json_t *typed(web_request *req)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", field(req, "name"), "max_private",
	                 field(req, "max_private"), "max_members", field(req, "max_members"),
	                 "team", field(req, "team"), "plan", field(req, "plan"));
}

/* Runs fn in one transaction, then shows the refusal or goes back to the list. */
static int submit(web_request *req, web_response *res, db_fn fn, plan_form *f, int rc)
{
	if (rc == 0)
		rc = db_tx(hub_app_of(req)->d, fn, f);
	if (rc == WEFT_EINVALID || rc == WEFT_EEXISTS || rc == WEFT_ECONFLICT ||
	    rc == WEFT_ELIMIT || rc == WEFT_ENOTFOUND)
		return plans_page(req, res, rc, arena_strdup(req->arena, err_msg()), typed(req));
	if (rc < 0)
		return rc;
	web_res_redirect(req, res, 303, "/admin/plans?done=1");
	return 0;
}

static int create_plan(db_conn *c, void *ctx)
{
	plan_form *f = ctx;
	hub_plan p;
	return hub_plan_create(c, f->req->arena, f->name, f->max_private, f->max_members, &p);
}

int hub_admin_plan_create_submit(web_request *req, web_response *res)
{
	plan_form f;
	int rc = read_form(req, &f);
	return submit(req, res, create_plan, &f, rc);
}

static int plan_id(web_request *req, int64_t *out)
{
	return str_to_i64(out, web_param(req, "id"), 1, INT64_MAX, "Plan");
}

static int update_plan(db_conn *c, void *ctx)
{
	plan_form *f = ctx;
	return hub_plan_update(c, f->id, f->name, f->max_private, f->max_members);
}

int hub_admin_plan_update_submit(web_request *req, web_response *res)
{
	plan_form f;
	int rc = read_form(req, &f);
	if (rc == 0)
		rc = plan_id(req, &f.id);
	return submit(req, res, update_plan, &f, rc);
}

static int delete_plan(db_conn *c, void *ctx)
{
	plan_form *f = ctx;
	return hub_plan_delete(c, f->id);
}

int hub_admin_plan_delete_submit(web_request *req, web_response *res)
{
	plan_form f = { req, 0, NULL, 0, 0 };
	return submit(req, res, delete_plan, &f, plan_id(req, &f.id));
}

static int assign_plan(db_conn *c, void *ctx)
{
	plan_form *f = ctx;
	return hub_plan_assign(c, field(f->req, "team"), f->id);
}

int hub_admin_plan_assign_submit(web_request *req, web_response *res)
{
	plan_form f = { req, 0, NULL, 0, 0 };
	const char *plan = field(req, "plan");
	int rc = 0;
	if (!*field(req, "team"))
		rc = err_fail(WEFT_EINVALID, "Team: enter a team ID.");
	else if (*plan && strcmp(plan, "none") != 0)
		rc = str_to_i64(&f.id, plan, 1, INT64_MAX, "Plan");
	return submit(req, res, assign_plan, &f, rc);
}
