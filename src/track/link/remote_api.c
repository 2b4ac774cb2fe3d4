/* Jira's remote issue links: /rest/api/{version}/issue/{issueIdOrKey}/remotelink[/{linkId}]
 * (remote_api.h). */
#include "track/link/remote_api.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "track/jira.h"
#include "track/link/remote.h"
#include "track/track.h"
#include "track/track_perm.h"

typedef struct remote_ctx {
	web_request *req;
	const track_scope *scope;
	int64_t user_id;
	int64_t id; /* the link the path names, 0 when none */
	const char *global_id; /* ?globalId= */
	const char *field; /* of a field error */
	track_remote_link link;
	bool created;
	json_t *out;
} remote_ctx;

static int ctx_init(remote_ctx *ctx, web_request *req)
{
	const track_viewer *v = track_viewer_of(req);
	bool v3;
	*ctx = (remote_ctx){ .req = req,
		             .scope = track_scope_of(req),
		             .user_id = v ? v->user.id : 0,
		             .global_id = web_query(req, "globalId") };
	const char *id = web_param(req, "linkId");
	if (id) {
		char *end = NULL;
		ctx->id = strlen(id) <= 18 ? strtoll(id, &end, 10) : 0;
		if (!*id || !end || *end || ctx->id <= 0)
			return err_fail(WEFT_ENOTFOUND,
			                "No remote link with id '%s' exists on this issue.", id);
	}
	return track_jira_version(req, &v3);
}

static int finish(web_response *res, const remote_ctx *ctx, int rc)
{
	if (rc == WEFT_EINVALID) {
		track_jira_bad_request(res, ctx->field, err_msg());
		return 0;
	}
	return rc;
}

/* ---- JSON ---- */

static void set_text(json_t *o, const char *key, const char *value)
{
	if (value && *value)
		json_object_set_new(o, key, json_string(value));
}

static json_t *remote_json(const web_request *req, const track_remote_link *l,
                           const char *issue_key)
{
	json_t *app = json_object(), *icon = json_object();
	json_t *object = json_pack("{s:s, s:s}", "url", l->url, "title", l->title);
	set_text(app, "type", l->application_type);
	set_text(app, "name", l->application_name);
	set_text(icon, "url16x16", l->icon_url);
	set_text(icon, "title", l->icon_title);
	set_text(object, "summary", l->summary);
	json_object_set_new(object, "icon", icon);
	json_t *out = json_pack(
	        "{s:I, s:s, s:o, s:o}", "id", (json_int_t)l->id, "self",
	        track_jira_self(req, "issue/%s/remotelink/%lld", issue_key, (long long)l->id),
	        "application", app, "object", object);
	set_text(out, "globalId", l->global_id);
	set_text(out, "relationship", l->relationship);
	return out;
}

/* A string member of o (absent or null: NULL); anything else is a field error. */
static int text_in(remote_ctx *ctx, const json_t *o, const char *key, const char *field,
                   const char **out)
{
	const json_t *v = json_object_get(o, key);
	*out = json_is_string(v) ? json_string_value(v) : NULL;
	if (v && !json_is_null(v) && !json_is_string(v)) {
		ctx->field = field;
		return err_fail(WEFT_EINVALID, "'%s' must be a string.", field);
	}
	return 0;
}

static int body_in(remote_ctx *ctx, track_remote_link *l)
{
	const json_t *body = ctx->req->json;
	const json_t *object = json_object_get(body, "object");
	const json_t *app = json_object_get(body, "application");
	const json_t *icon = json_object_get(object, "icon");
	*l = (track_remote_link){ 0 };
	if (!json_is_object(body))
		return err_fail(WEFT_EINVALID, "Expected a JSON object.");
	if (!json_is_object(object)) {
		ctx->field = "object";
		return err_fail(WEFT_EINVALID, "'object' is required: {\"url\": …, \"title\": …}.");
	}
	int rc = text_in(ctx, body, "globalId", "globalId", &l->global_id);
	if (rc == 0)
		rc = text_in(ctx, body, "relationship", "relationship", &l->relationship);
	if (rc == 0)
		rc = text_in(ctx, app, "type", "application.type", &l->application_type);
	if (rc == 0)
		rc = text_in(ctx, app, "name", "application.name", &l->application_name);
	if (rc == 0)
		rc = text_in(ctx, object, "url", "url", &l->url);
	if (rc == 0)
		rc = text_in(ctx, object, "title", "title", &l->title);
	if (rc == 0)
		rc = text_in(ctx, object, "summary", "summary", &l->summary);
	if (rc == 0)
		rc = text_in(ctx, icon, "url16x16", "icon.url16x16", &l->icon_url);
	if (rc == 0)
		rc = text_in(ctx, icon, "title", "icon.title", &l->icon_title);
	return rc;
}

/* ---- handlers ---- */

static int list_tx(db_conn *c, void *p)
{
	remote_ctx *ctx = p;
	track_remote_link *links = NULL;
	size_t n = 0;
	int rc = track_remote_link_list(c, ctx->req->arena, ctx->scope->issue_id, ctx->global_id,
	                                &links, &n);
	if (rc == 0 && ctx->global_id && n == 0)
		rc = err_fail(WEFT_ENOTFOUND,
		              "No remote link with globalId '%s' exists on this issue.",
		              ctx->global_id);
	if (rc < 0)
		return rc;
	if (ctx->global_id) {
		ctx->out = remote_json(ctx->req, &links[0], ctx->scope->issue_key);
		return 0;
	}
	ctx->out = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(ctx->out,
		                      remote_json(ctx->req, &links[k], ctx->scope->issue_key));
	return 0;
}

int track_api_remote_links(web_request *req, web_response *res)
{
	remote_ctx ctx;
	int rc = ctx_init(&ctx, req);
	return rc ? rc : track_jira_answer(req, res, 200, false, list_tx, &ctx, &ctx.out);
}

static int save_tx(db_conn *c, void *p)
{
	remote_ctx *ctx = p;
	track_remote_link in;
	int rc = body_in(ctx, &in);
	if (rc == 0)
		rc = track_remote_link_save(c, ctx->req->arena, ctx->scope->issue_id, ctx->user_id,
		                            &in, &ctx->link, &ctx->created, &ctx->field);
	return rc;
}

int track_api_remote_link_save(web_request *req, web_response *res)
{
	remote_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, save_tx, &ctx);
	if (rc < 0)
		return finish(res, &ctx, rc);
	web_res_json(res, ctx.created ? 201 : 200,
	             json_pack("{s:I, s:s}", "id", (json_int_t)ctx.link.id, "self",
	                       track_jira_self(req, "issue/%s/remotelink/%lld",
	                                       ctx.scope->issue_key, (long long)ctx.link.id)));
	return 0;
}

static int get_tx(db_conn *c, void *p)
{
	remote_ctx *ctx = p;
	int rc = track_remote_link_get(c, ctx->req->arena, ctx->scope->issue_id, ctx->id,
	                               &ctx->link);
	if (rc == 0)
		ctx->out = remote_json(ctx->req, &ctx->link, ctx->scope->issue_key);
	return rc;
}

int track_api_remote_link(web_request *req, web_response *res)
{
	remote_ctx ctx;
	int rc = ctx_init(&ctx, req);
	return rc ? rc : track_jira_answer(req, res, 200, false, get_tx, &ctx, &ctx.out);
}

static int update_tx(db_conn *c, void *p)
{
	remote_ctx *ctx = p;
	track_remote_link in;
	int rc = body_in(ctx, &in);
	if (rc == 0)
		rc = track_remote_link_update(c, ctx->req->arena, ctx->scope->issue_id, ctx->id,
		                              ctx->user_id, &in, &ctx->field);
	return rc;
}

int track_api_remote_link_update(web_request *req, web_response *res)
{
	remote_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, update_tx, &ctx);
	if (rc < 0)
		return finish(res, &ctx, rc);
	web_res_text(res, 204, "");
	return 0;
}

static int delete_tx(db_conn *c, void *p)
{
	remote_ctx *ctx = p;
	return track_remote_link_delete(c, ctx->req->arena, ctx->scope->issue_id, ctx->user_id,
	                                ctx->id, ctx->global_id);
}

int track_api_remote_link_delete(web_request *req, web_response *res)
{
	remote_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0 && !ctx.id && (!ctx.global_id || !*ctx.global_id))
		rc = err_fail(WEFT_EINVALID, "globalId is required to delete a remote link by it.");
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, delete_tx, &ctx);
	if (rc < 0)
		return finish(res, &ctx, rc);
	web_res_text(res, 204, "");
	return 0;
}
