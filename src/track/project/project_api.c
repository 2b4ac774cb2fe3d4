/* Jira's project resource: list, project/search (a Page bean), get with issueTypes, create. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "track/issue/issue_api.h"
#include "track/jira.h"
#include "track/project/project.h"
#include "track/track.h"
#include "track/track_perm.h"

typedef struct project_ctx {
	web_request *req;
	bool v3;
	const track_user *user;
	json_t *out;
	const char *field;
	track_project project;
} project_ctx;

static int ctx_init(project_ctx *ctx, web_request *req)
{
	const track_viewer *v = track_viewer_of(req);
	*ctx = (project_ctx){ .req = req, .user = v ? &v->user : NULL };
	return track_jira_version(req, &ctx->v3);
}

static json_t *avatar_urls(const web_request *req)
{
	const char *url = arena_printf(req->arena, "%s/static/track-icon.svg", web_base_url(req));
	return json_pack("{s:s, s:s, s:s, s:s}", "48x48", url, "24x24", url, "16x16", url, "32x32",
	                 url);
}

static int project_json(db_conn *c, web_request *req, const track_project *p, bool full,
                        json_t **out)
{
	json_t *o =
	        json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:s, s:b}", "self",
	                  track_jira_self(req, "project/%lld", (long long)p->id), "id",
	                  arena_printf(req->arena, "%lld", (long long)p->id), "key", p->key, "name",
	                  p->name, "projectTypeKey", p->type, "avatarUrls", avatar_urls(req),
	                  "simplified", false, "style", "classic", "isPrivate", false);
	if (!full) {
		*out = o;
		return 0;
	}
	json_t *types = NULL;
	int rc = track_jira_issuetypes_json(c, req, &types);
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(o, "description", json_string(p->description));
	json_object_set_new(o, "lead", track_jira_user(c, req, p->lead_id));
	json_object_set_new(o, "issueTypes", types);
	json_object_set_new(o, "assigneeType", json_string("UNASSIGNED"));
	json_object_set_new(o, "components", json_array());
	json_object_set_new(o, "versions", json_array());
	json_object_set_new(o, "roles", json_object());
	*out = o;
	return 0;
}

static int list_tx(db_conn *c, void *p)
{
	project_ctx *ctx = p;
	json_decref(ctx->out); /* from an attempt the store ran again */
	ctx->out = NULL;
	track_project *list = NULL;
	size_t n = 0;
	int rc = track_project_list(c, ctx->req->arena, ctx->user ? ctx->user->id : 0,
	                            ctx->user && ctx->user->is_admin && ctx->user->is_active, &list,
	                            &n);
	ctx->out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *o = NULL;
		rc = project_json(c, ctx->req, &list[i], true, &o);
		if (rc == 0)
			json_array_append_new(ctx->out, o);
	}
	if (rc < 0)
		json_decref(ctx->out);
	return rc;
}

int track_api_projects(web_request *req, web_response *res)
{
	project_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, list_tx, &ctx, &ctx.out);
	return rc;
}

int track_api_project_search(web_request *req, web_response *res)
{
	project_ctx ctx;
	int64_t start, max;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = db_read(track_app_of(req)->d, list_tx, &ctx);
	if (rc < 0)
		return rc;
	track_jira_paging(req, 50, 100, &start, &max);
	size_t total = json_array_size(ctx.out);
	json_t *values = json_array();
	for (size_t i = (size_t)start; i < total && i < (size_t)(start + max); i++)
		json_array_append(values, json_array_get(ctx.out, i));
	json_decref(ctx.out);
	bool last = (size_t)(start + max) >= total;
	json_t *page = json_pack("{s:s, s:I, s:I, s:I, s:b, s:o}", "self",
	                         track_jira_self(req, "project/search"), "maxResults",
	                         (json_int_t)max, "startAt", (json_int_t)start, "total",
	                         (json_int_t)total, "isLast", last, "values", values);
	if (!last)
		json_object_set_new(
		        page, "nextPage",
		        json_string(track_jira_self(req,
		                                    "project/search?startAt=%lld&"
		                                    "maxResults=%lld",
		                                    (long long)(start + max), (long long)max)));
	web_res_json(res, 200, page);
	return 0;
}

static int get_tx(db_conn *c, void *p)
{
	project_ctx *ctx = p;
	int rc = track_project_get(c, ctx->req->arena, track_scope_of(ctx->req)->project_id,
	                           &ctx->project);
	if (rc == 0)
		rc = project_json(c, ctx->req, &ctx->project, true, &ctx->out);
	return rc;
}

int track_api_project(web_request *req, web_response *res)
{
	project_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, get_tx, &ctx, &ctx.out);
	return rc;
}

static const char *string_of(const json_t *body, const char *name)
{
	const json_t *v = json_object_get(body, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int create_tx(db_conn *c, void *p)
{
	project_ctx *ctx = p;
	json_decref(ctx->out); /* from an attempt the store ran again */
	ctx->out = NULL;
	const json_t *body = ctx->req->json;
	const char *type = string_of(body, "projectTypeKey");
	const json_t *lead = json_object_get(body, "leadAccountId");
	if (!lead)
		lead = json_object_get(body, "lead");
	int64_t lead_id = 0;
	ctx->field = "projectLead";
	int rc = track_jira_user_ref(c, ctx->req->arena, lead, &lead_id);
	if (rc == 0 && type && strcmp(type, "software") != 0 && strcmp(type, "business") != 0) {
		ctx->field = "projectTypeKey";
		rc = err_fail(WEFT_EINVALID, "Project type '%s' is not valid.", type);
	}
	if (rc == 0)
		ctx->field = "projectKey";
	if (rc == 0 && !string_of(body, "name"))
		ctx->field = "projectName";
	if (rc == 0)
		rc = track_project_create(c, ctx->req->arena, string_of(body, "key"),
		                          string_of(body, "name"), string_of(body, "description"),
		                          lead_id, ctx->user->id, &ctx->project);
	if (rc == WEFT_EINVALID && strstr(err_msg(), "project name"))
		ctx->field = "projectName";
	return rc;
}

int track_api_project_create(web_request *req, web_response *res)
{
	project_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0 && !json_is_object(req->json))
		rc = err_fail(WEFT_EINVALID, "Expected a JSON object.");
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, create_tx, &ctx);
	if (rc == WEFT_EINVALID || rc == WEFT_EEXISTS) {
		track_jira_field_error(res, ctx.field ? ctx.field : "projectKey", err_msg());
		return 0;
	}
	if (rc == 0)
		web_res_json(
		        res, 201,
		        json_pack("{s:s, s:I, s:s}", "self",
		                  track_jira_self(req, "project/%lld", (long long)ctx.project.id),
		                  "id", (json_int_t)ctx.project.id, "key", ctx.project.key));
	return rc;
}

/* ---- project roles (Jira's project/{key}/role resource): ids 10000 Users, 10001 Developers,
 * 10002 Administrators ---- */

static const struct {
	int id;
	unsigned role;
} role_ids[] = {
	{ 10000, TRACK_ROLE_USERS },
	{ 10001, TRACK_ROLE_DEVELOPERS },
	{ 10002, TRACK_ROLE_ADMINISTRATORS },
};

static unsigned role_of_id(const char *id)
{
	for (size_t i = 0; id && i < 3; i++)
		if (atoi(id) == role_ids[i].id)
			return role_ids[i].role;
	return 0;
}

int track_api_project_roles(web_request *req, web_response *res)
{
	bool v3;
	int rc = track_jira_version(req, &v3);
	if (rc < 0)
		return rc;
	const track_scope *s = track_scope_of(req);
	json_t *o = json_object();
	for (size_t i = 0; i < 3; i++)
		json_object_set_new(
		        o, track_role_title(role_ids[i].role),
		        json_string(track_jira_self(req, "project/%lld/role/%d",
		                                    (long long)s->project_id, role_ids[i].id)));
	web_res_json(res, 200, o);
	return 0;
}

typedef struct role_ctx {
	web_request *req;
	unsigned role;
	int id;
	const json_t *users;
	const char *remove;
	json_t *out;
} role_ctx;

static int role_json(db_conn *c, role_ctx *ctx)
{
	json_decref(ctx->out); /* from an attempt the store ran again */
	ctx->out = NULL;
	const track_scope *s = track_scope_of(ctx->req);
	track_role_member *list = NULL;
	size_t n = 0;
	int rc = track_project_roles(c, ctx->req->arena, s->project_id, &list, &n);
	if (rc < 0)
		return rc;
	json_t *actors = json_array();
	for (size_t i = 0; i < n; i++) {
		if (list[i].role != ctx->role)
			continue;
		json_t *u = track_jira_user(c, ctx->req, list[i].user_id);
		json_t *actor = json_pack(
		        "{s:I, s:s, s:s, s:O, s:O, s:o}", "id", (json_int_t)list[i].user_id, "type",
		        "atlassian-user-role-actor", "name",
		        json_string_value(json_object_get(u, "name")), "displayName",
		        json_object_get(u, "displayName"), "avatarUrl",
		        json_object_get(json_object_get(u, "avatarUrls"), "48x48"), "actorUser",
		        json_pack("{s:O}", "accountId", json_object_get(u, "accountId")));
		json_decref(u);
		json_array_append_new(actors, actor);
	}
	ctx->out = json_pack("{s:s, s:s, s:i, s:s, s:o}", "self",
	                     track_jira_self(ctx->req, "project/%lld/role/%d",
	                                     (long long)s->project_id, ctx->id),
	                     "name", track_role_title(ctx->role), "id", ctx->id, "description",
	                     track_role_title(ctx->role), "actors", actors);
	return 0;
}

static int role_get_tx(db_conn *c, void *p)
{
	return role_json(c, p);
}

static int role_change_tx(db_conn *c, void *p)
{
	role_ctx *ctx = p;
	const track_scope *s = track_scope_of(ctx->req);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < json_array_size(ctx->users); i++) {
		int64_t user = 0;
		rc = track_jira_user_ref(c, ctx->req->arena, json_array_get(ctx->users, i), &user);
		if (rc == 0 && user)
			rc = track_project_role_add(c, s->project_id, user, ctx->role);
	}
	if (rc == 0 && ctx->remove) {
		int64_t user = 0;
		json_t *ref = json_string(ctx->remove);
		rc = track_jira_user_ref(c, ctx->req->arena, ref, &user);
		json_decref(ref);
		if (rc == 0 && user)
			rc = track_project_role_remove(c, s->project_id, user, ctx->role);
	}
	return rc == 0 ? role_json(c, ctx) : rc;
}

static int role_run(web_request *req, web_response *res, db_fn fn, bool write, int status)
{
	bool v3;
	const char *id = web_param(req, "id");
	role_ctx ctx = { req, role_of_id(id), id ? atoi(id) : 0, NULL, NULL, NULL };
	int rc = track_jira_version(req, &v3);
	if (rc == 0 && !ctx.role)
		rc = err_fail(WEFT_ENOTFOUND, "No project role with id '%s'.", id ? id : "");
	if (rc == 0 && write && strcmp(req->method, "POST") == 0) {
		ctx.users = json_object_get(req->json, "user");
		if (!json_is_array(ctx.users))
			rc = err_fail(WEFT_EINVALID, "Expected {\"user\": [...]}.");
	}
	if (rc == 0 && write && strcmp(req->method, "DELETE") == 0) {
		ctx.remove = web_query(req, "accountId");
		if (!ctx.remove)
			ctx.remove = web_query(req, "user");
		if (!ctx.remove)
			rc = err_fail(WEFT_EINVALID, "Name the user with accountId= or user=.");
	}
	if (rc == 0)
		rc = write ? db_tx(track_app_of(req)->d, fn, &ctx)
		           : db_read(track_app_of(req)->d, fn, &ctx);
	if (rc == WEFT_ECONFLICT)
		rc = err_fail(WEFT_EINVALID, "%s", err_msg());
	if (rc == 0 && status == 204) {
		json_decref(ctx.out);
		web_res_text(res, 204, "");
	} else if (rc == 0) {
		web_res_json(res, status, ctx.out);
	} else {
		json_decref(ctx.out);
	}
	return rc;
}

int track_api_project_role(web_request *req, web_response *res)
{
	return role_run(req, res, role_get_tx, false, 200);
}

int track_api_project_role_add(web_request *req, web_response *res)
{
	return role_run(req, res, role_change_tx, true, 200);
}

int track_api_project_role_remove(web_request *req, web_response *res)
{
	return role_run(req, res, role_change_tx, true, 204);
}
