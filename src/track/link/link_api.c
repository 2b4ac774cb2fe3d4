/* Jira's issueLinkType and issueLink resources and fields.issuelinks (link_api.h). */
#include "track/link/link_api.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "track/issue/comment.h"
#include "track/issue/issue.h"
#include "track/issue/issue_api.h"
#include "track/jira.h"
#include "track/link/link_json.h"
#include "track/track.h"
#include "track/track_perm.h"

typedef struct link_ctx {
	web_request *req;
	bool v3;
	const track_user *user;
	int64_t id; /* the link or type the path names */
	const char *field; /* of a field error */
	track_link link;
	track_link_type type;
	json_t *out;
} link_ctx;

/* The numeric id in the path parameter name; a malformed one is missing (WEFT_ENOTFOUND). */
static int path_id(const web_request *req, const char *name, const char *what, int64_t *out)
{
	const char *v = web_param(req, name);
	char *end = NULL;
	*out = v && *v && strlen(v) <= 18 ? strtoll(v, &end, 10) : 0;
	if (!v || !end || *end || *out <= 0)
		return err_fail(WEFT_ENOTFOUND, "No %s with id '%s' exists.", what, v ? v : "");
	return 0;
}

static int ctx_init(link_ctx *ctx, web_request *req, const char *param, const char *what)
{
	const track_viewer *v = track_viewer_of(req);
	*ctx = (link_ctx){ .req = req, .user = v ? &v->user : NULL };
	int rc = track_jira_version(req, &ctx->v3);
	if (rc == 0 && param)
		rc = path_id(req, param, what, &ctx->id);
	return rc;
}

/* Answers a field error or an errorMessages 400, or passes any other error on. */
static int finish(web_response *res, const link_ctx *ctx, int rc)
{
	if (rc == WEFT_EINVALID || rc == WEFT_EEXISTS) {
		track_jira_bad_request(res, ctx->field, err_msg());
		return 0;
	}
	return rc;
}

/* ---- link types ---- */

static int types_tx(db_conn *c, void *p)
{
	link_ctx *ctx = p;
	track_link_type *types = NULL;
	size_t n = 0;
	int rc = track_link_types(c, ctx->req->arena, &types, &n);
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(list, track_api_link_type_json(ctx->req, &types[k]));
	ctx->out = json_pack("{s:o}", "issueLinkTypes", list);
	return 0;
}

int track_api_link_types(web_request *req, web_response *res)
{
	link_ctx ctx;
	int rc = ctx_init(&ctx, req, NULL, NULL);
	return rc ? rc : track_jira_answer(req, res, 200, false, types_tx, &ctx, &ctx.out);
}

static int type_tx(db_conn *c, void *p)
{
	link_ctx *ctx = p;
	int rc = track_link_type_get(c, ctx->req->arena, ctx->id, &ctx->type);
	if (rc == 0)
		ctx->out = track_api_link_type_json(ctx->req, &ctx->type);
	return rc;
}

int track_api_link_type(web_request *req, web_response *res)
{
	link_ctx ctx;
	int rc = ctx_init(&ctx, req, "issueLinkTypeId", "issue link type");
	return rc ? rc : track_jira_answer(req, res, 200, false, type_tx, &ctx, &ctx.out);
}

/* A text field of a type's body: absent is NULL; anything but a string is a field error. */
static int type_field(link_ctx *ctx, const char *name, const char **out)
{
	const json_t *v = json_object_get(ctx->req->json, name);
	*out = json_is_string(v) ? json_string_value(v) : NULL;
	if (v && !json_is_string(v)) {
		ctx->field = name;
		return err_fail(WEFT_EINVALID, "The issue link type's %s must be a string.", name);
	}
	return 0;
}

static int type_body(link_ctx *ctx, track_link_type *out)
{
	*out = (track_link_type){ 0 };
	if (!json_is_object(ctx->req->json))
		return err_fail(WEFT_EINVALID, "Expected a JSON object.");
	int rc = type_field(ctx, "name", &out->name);
	if (rc == 0)
		rc = type_field(ctx, "inward", &out->inward);
	if (rc == 0)
		rc = type_field(ctx, "outward", &out->outward);
	return rc;
}

static int type_create_tx(db_conn *c, void *p)
{
	link_ctx *ctx = p;
	track_link_type in;
	int rc = type_body(ctx, &in);
	if (rc == 0)
		rc = track_link_type_create(c, ctx->req->arena, &in, &ctx->type, &ctx->field);
	if (rc == 0)
		ctx->out = track_api_link_type_json(ctx->req, &ctx->type);
	return rc;
}

static int type_update_tx(db_conn *c, void *p)
{
	link_ctx *ctx = p;
	track_link_type in;
	int rc = type_body(ctx, &in);
	if (rc == 0)
		rc = track_link_type_update(c, ctx->req->arena, ctx->id, &in, &ctx->type,
		                            &ctx->field);
	if (rc == 0)
		ctx->out = track_api_link_type_json(ctx->req, &ctx->type);
	return rc;
}

int track_api_link_type_create(web_request *req, web_response *res)
{
	link_ctx ctx;
	int rc = ctx_init(&ctx, req, NULL, NULL);
	if (rc == 0)
		rc = track_jira_answer(req, res, 201, true, type_create_tx, &ctx, &ctx.out);
	return finish(res, &ctx, rc);
}

int track_api_link_type_update(web_request *req, web_response *res)
{
	link_ctx ctx;
	int rc = ctx_init(&ctx, req, "issueLinkTypeId", "issue link type");
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, true, type_update_tx, &ctx, &ctx.out);
	return finish(res, &ctx, rc);
}

static int type_delete_tx(db_conn *c, void *p)
{
	link_ctx *ctx = p;
	return track_link_type_delete(c, ctx->id);
}

int track_api_link_type_delete(web_request *req, web_response *res)
{
	link_ctx ctx;
	int rc = ctx_init(&ctx, req, "issueLinkTypeId", "issue link type");
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, type_delete_tx, &ctx);
	if (rc == 0)
		web_res_text(res, 204, "");
	return rc;
}

/* ---- links ---- */

/* An issue the body names ({"key"} or {"id"}) under name: its id, if the caller may see it. */
static int issue_of(db_conn *c, link_ctx *ctx, const char *name, int64_t *out)
{
	arena *a = ctx->req->arena;
	const json_t *ref = json_object_get(ctx->req->json, name);
	const json_t *key = json_object_get(ref, "key");
	const char *text = json_is_string(key) ? json_string_value(key)
	                                       : track_jira_id_text(a, json_object_get(ref, "id"));
	track_issue issue;
	if (!text || !*text) {
		ctx->field = name;
		return err_fail(WEFT_EINVALID, "Expected {\"key\": …} or {\"id\": …}.");
	}
	int rc = track_issue_find(c, a, text, &issue, NULL);
	if (rc == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_ENOTFOUND, TRACK_ISSUE_HIDDEN);
	if (rc == 0)
		*out = issue.id;
	return rc;
}

static int type_of(db_conn *c, link_ctx *ctx, int64_t *out)
{
	arena *a = ctx->req->arena;
	const json_t *ref = json_object_get(ctx->req->json, "type");
	const json_t *name = json_object_get(ref, "name");
	const char *text = track_jira_id_text(a, json_object_get(ref, "id"));
	if (!text && json_is_string(name))
		text = json_string_value(name);
	ctx->field = "type";
	int rc = text ? track_link_type_find(c, a, text, &ctx->type)
	              : err_fail(WEFT_EINVALID, "Expected {\"name\": …} or {\"id\": …}.");
	if (rc == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_EINVALID, "%s", err_msg());
	if (rc == 0) {
		*out = ctx->type.id;
		ctx->field = NULL;
	}
	return rc;
}

/* The optional comment: added to the outward issue, with its visibility. */
static int link_comment(db_conn *c, link_ctx *ctx, int64_t issue_id)
{
	const json_t *comment = json_object_get(ctx->req->json, "comment");
	const char *body = NULL;
	unsigned role = 0;
	if (!comment || json_is_null(comment))
		return 0;
	ctx->field = "comment";
	int rc = track_jira_text_in(&body, ctx->req->arena, json_object_get(comment, "body"),
	                            ctx->v3);
	if (rc == 0 && !body)
		rc = err_fail(WEFT_EINVALID, "Comment body can not be empty!");
	if (rc == 0)
		rc = track_api_visibility_in(json_object_get(comment, "visibility"), &role);
	track_comment cm;
	if (rc == 0)
		rc = track_comment_add(c, ctx->req->arena, issue_id, ctx->user, body, role, &cm);
	if (rc == 0)
		ctx->field = NULL;
	return rc;
}

static int create_tx(db_conn *c, void *p)
{
	link_ctx *ctx = p;
	track_link_new in = { 0 };
	int rc = json_is_object(ctx->req->json)
	                 ? type_of(c, ctx, &in.type_id)
	                 : err_fail(WEFT_EINVALID, "Expected a JSON object.");
	if (rc == 0)
		rc = issue_of(c, ctx, "inwardIssue", &in.source_id);
	if (rc == 0)
		rc = issue_of(c, ctx, "outwardIssue", &in.destination_id);
	in.from_id = in.destination_id;
	if (rc == 0)
		rc = track_link_add(c, ctx->req->arena, ctx->user, &in, &ctx->link);
	if (rc == 0)
		rc = link_comment(c, ctx, in.destination_id);
	return rc;
}

int track_api_link_create(web_request *req, web_response *res)
{
	link_ctx ctx;
	int rc = ctx_init(&ctx, req, NULL, NULL);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, create_tx, &ctx);
	if (rc < 0)
		return finish(res, &ctx, rc);
	web_res_header(req, res, "Location",
	               track_jira_self(req, "issueLink/%lld", (long long)ctx.link.id));
	web_res_text(res, 201, "");
	return 0;
}

/* A side of a link read alone (GET issueLink): the issue from the batched reader, so that the
 * shape is the one fields.issuelinks shows. */
static int side_json(db_conn *c, link_ctx *ctx, int64_t seen_from, bool outward, json_t **out)
{
	track_issue_link *rows = NULL;
	size_t n = 0;
	int rc = track_link_of_issues(c, ctx->req->arena, ctx->user, &seen_from, 1, &rows, &n);
	for (size_t k = 0; rc == 0 && k < n; k++)
		if (rows[k].id == ctx->link.id && rows[k].outward == outward) {
			*out = track_api_linked_issue_json(ctx->req, &rows[k]);
			return 0;
		}
	return rc < 0 ? rc
	              : err_fail(WEFT_ENOTFOUND, "No issue link with id '%lld' exists.",
	                         (long long)ctx->link.id);
}

static int get_tx(db_conn *c, void *p)
{
	link_ctx *ctx = p;
	json_t *inward = NULL, *outward = NULL;
	int rc = track_link_get(c, ctx->req->arena, ctx->user, ctx->id, &ctx->link);
	if (rc == 0) /* seen from the destination, the source is the inward issue */
		rc = side_json(c, ctx, ctx->link.destination_id, false, &inward);
	if (rc == 0)
		rc = side_json(c, ctx, ctx->link.source_id, true, &outward);
	if (rc == 0)
		ctx->out =
		        json_pack("{s:s, s:s, s:o, s:o, s:o}", "id",
		                  arena_printf(ctx->req->arena, "%lld", (long long)ctx->id), "self",
		                  track_jira_self(ctx->req, "issueLink/%lld", (long long)ctx->id),
		                  "type", track_api_link_type_json(ctx->req, &ctx->link.type),
		                  "inwardIssue", inward, "outwardIssue", outward);
	else
		json_decref(inward);
	return rc;
}

int track_api_link(web_request *req, web_response *res)
{
	link_ctx ctx;
	int rc = ctx_init(&ctx, req, "linkId", "issue link");
	return rc ? rc : track_jira_answer(req, res, 200, false, get_tx, &ctx, &ctx.out);
}

static int delete_tx(db_conn *c, void *p)
{
	link_ctx *ctx = p;
	return track_link_remove(c, ctx->req->arena, ctx->user, ctx->id);
}

int track_api_link_delete(web_request *req, web_response *res)
{
	link_ctx ctx;
	int rc = ctx_init(&ctx, req, "linkId", "issue link");
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, delete_tx, &ctx);
	if (rc == 0)
		web_res_text(res, 204, "");
	return rc;
}
