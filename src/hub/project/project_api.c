/* The projects API (A.4): /2.0/workspaces/{workspace}/projects[/{project_key}]. */
#include "hub/repo/repo_api.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "hub/api.h"
#include "hub/hub.h"
#include "web/escape.h"

static const char *const project_fields[] = { "key",         "name",       "uuid",
	                                      "description", "is_private", "created_on",
	                                      "updated_on",  NULL };

static const char *project_path(web_request *req, const hub_workspace *ws, const char *key,
                                const char *suffix)
{
	buf path = BUF_INIT;
	buf_puts(&path, "/2.0/workspaces/");
	esc_url_segment(&path, ws->slug, strlen(ws->slug));
	buf_puts(&path, "/projects/");
	esc_url_segment(&path, key, strlen(key));
	buf_puts(&path, suffix);
	const char *s = arena_strdup(req->arena, buf_cstr(&path));
	buf_dispose(&path);
	return s;
}

static json_t *team_owner(web_request *req, const hub_workspace *ws)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:o, s:o}}", "type",
	                 ws->is_team ? "team" : "user", "uuid", hub_api_braced(req, ws->uuid),
	                 "display_name", ws->name, "username", ws->slug, "links", "html",
	                 hub_api_href(req, arena_printf(req->arena, "/%s/", ws->slug)), "avatar",
	                 hub_api_href(req, "/static/avatar.svg"));
}

int hub_api_project_json(db_conn *c, web_request *req, const hub_workspace *ws,
                         const hub_project *p, json_t **out)
{
	int64_t all = 0, public_repos = 0;
	char created[CLOCK_ISO_LEN], updated[CLOCK_ISO_LEN];
	clock_format_iso8601(created, p->created_at);
	clock_format_iso8601(updated, p->updated_at);
	int rc = hub_project_repo_counts(c, p->id, &all, &public_repos);
	if (rc < 0)
		return rc;
	*out = json_pack(
	        "{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:o, s:{s:o, s:o, s:o, s:o}}",
	        "type", "project", "uuid", hub_api_braced(req, p->uuid), "key", p->key, "name",
	        p->name, "description", p->description, "is_private", p->is_private,
	        "has_publicly_visible_repos", public_repos > 0, "created_on", created, "updated_on",
	        updated, "owner", team_owner(req, ws), "links", "self",
	        hub_api_href(req, project_path(req, ws, p->key, "")), "html",
	        hub_api_href(req, arena_printf(req->arena, "/%s/projects", ws->slug)), "avatar",
	        hub_api_href(req, "/static/avatar.svg"), "repositories",
	        hub_api_href(req, arena_printf(req->arena,
	                                       "/2.0/repositories/%s?q=project.key%%3D%%22%s%%22",
	                                       ws->slug, p->key)));
	return 0;
}

typedef struct api_ctx {
	web_request *req;
	const hub_scope *scope;
	const hub_user *me;
	json_t *out;
	int status;
} api_ctx;

static void set_out(api_ctx *ctx, json_t *out)
{
	json_decref(ctx->out);
	ctx->out = out;
}

static int run(api_ctx *ctx, db_fn fn, bool write)
{
	return hub_api_run(&ctx->out, ctx->req, fn, ctx, write);
}

static api_ctx ctx_of(web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	return (api_ctx){ req, hub_scope_of(req), v ? &v->user : NULL, NULL, 200 };
}

static int read_projects(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_project *list;
	size_t n;
	int rc = hub_project_list(c, ctx->req->arena, ctx->scope->ws.id, &list, &n);
	set_out(ctx, json_array());
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *o = NULL;
		rc = hub_api_project_json(c, ctx->req, &ctx->scope->ws, &list[i], &o);
		if (o)
			json_array_append_new(ctx->out, o);
	}
	return rc;
}

int hub_api_projects(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	int rc = run(&ctx, read_projects, false);
	return rc < 0 ? rc : hub_api_respond_list(req, res, ctx.out, project_fields);
}

/* A string field that may be absent or null. */
static int string_field(const json_t *body, const char *name, const char **out)
{
	const json_t *v = json_object_get(body, name);
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_fail(WEFT_EINVALID, "%s must be a string.", name);
	*out = json_is_string(v) ? json_string_value(v) : NULL;
	return 0;
}

static int read_body(const json_t *body, hub_project_change *ch)
{
	*ch = (hub_project_change){ .is_private = -1 };
	if (!body)
		return 0;
	if (!json_is_object(body))
		return err_fail(WEFT_EINVALID, "The body must be a JSON object.");
	int rc = string_field(body, "key", &ch->key);
	if (rc == 0)
		rc = string_field(body, "name", &ch->name);
	if (rc == 0)
		rc = string_field(body, "description", &ch->description);
	const json_t *priv = json_object_get(body, "is_private");
	if (rc == 0 && priv && !json_is_null(priv) && !json_is_boolean(priv))
		rc = err_fail(WEFT_EINVALID, "is_private must be true or false.");
	if (rc == 0 && json_is_boolean(priv))
		ch->is_private = json_is_true(priv);
	return rc;
}

/* Creates a project from the body's change (key defaulting to key_default). */
static int create(db_conn *c, api_ctx *ctx, const hub_project_change *ch, const char *key_default)
{
	hub_project p;
	json_t *o = NULL;
	hub_project_new n = { ch->key ? ch->key : key_default, ch->name ? ch->name : "",
		              ch->description, ch->is_private != 0 };
	int rc = hub_project_create(c, ctx->req->arena, ctx->me ? ctx->me->id : 0, &ctx->scope->ws,
	                            &n, &p);
	if (rc == 0)
		rc = hub_api_project_json(c, ctx->req, &ctx->scope->ws, &p, &o);
	set_out(ctx, o);
	ctx->status = 201;
	return rc;
}

static int create_tx(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_project_change ch;
	int rc = read_body(ctx->req->json, &ch);
	if (rc == 0 && !ch.key)
		rc = err_fail(WEFT_EINVALID, "key: this field is required.");
	return rc < 0 ? rc : create(c, ctx, &ch, "");
}

int hub_api_project_create(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	int rc = run(&ctx, create_tx, true);
	if (rc == 0)
		web_res_json(res, 201, ctx.out);
	return rc;
}

static int read_project(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_project pr;
	json_t *o = NULL;
	int rc = hub_project_find(c, ctx->req->arena, ctx->scope->ws.id,
	                          web_param(ctx->req, "project_key"), &pr);
	if (rc == 0)
		rc = hub_api_project_json(c, ctx->req, &ctx->scope->ws, &pr, &o);
	set_out(ctx, o);
	return rc;
}

int hub_api_project(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	int rc = run(&ctx, read_project, false);
	if (rc == 0)
		web_res_json(res, 200, ctx.out);
	return rc;
}

static int put_tx(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_project pr;
	hub_project_change ch;
	json_t *o = NULL;
	const char *key = web_param(ctx->req, "project_key");
	int rc = read_body(ctx->req->json, &ch);
	if (rc == 0)
		rc = hub_project_find(c, ctx->req->arena, ctx->scope->ws.id, key, &pr);
	if (rc == WEFT_ENOTFOUND)
		return create(c, ctx, &ch, key);
	if (rc == 0)
		rc = hub_project_update(c, ctx->req->arena, &pr, &ch, &pr);
	if (rc == 0)
		rc = hub_api_project_json(c, ctx->req, &ctx->scope->ws, &pr, &o);
	set_out(ctx, o);
	ctx->status = 200;
	return rc;
}

int hub_api_project_update(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	int rc = run(&ctx, put_tx, true);
	if (rc == 0)
		web_res_json(res, ctx.status, ctx.out);
	return rc;
}

static int delete_tx(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_project pr;
	int rc = hub_project_find(c, ctx->req->arena, ctx->scope->ws.id,
	                          web_param(ctx->req, "project_key"), &pr);
	return rc < 0 ? rc : hub_project_delete(c, ctx->me ? ctx->me->id : 0, &pr);
}

int hub_api_project_delete(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	int rc = run(&ctx, delete_tx, true);
	if (rc == 0)
		web_res_text(res, 204, "");
	return rc;
}
