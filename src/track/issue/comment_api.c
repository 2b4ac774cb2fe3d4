/* Jira's comment resource: /rest/api/{version}/issue/{issueIdOrKey}/comment[/{id}]. Editing
 * and deleting need the comment's author or a project administrator. */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "track/issue/issue_api.h"
#include "track/jira.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "web/paging.h"

typedef struct comment_ctx {
	web_request *req;
	bool v3;
	const track_scope *scope;
	const track_user *user;
	int64_t comment_id;
	const char *body;
	int role; /* the visibility asked, or TRACK_COMMENT_KEEP_ROLE when not given */
	const char *field; /* of a field error */
	json_t *out;
} comment_ctx;

static int ctx_init(comment_ctx *ctx, web_request *req)
{
	const track_viewer *v = track_viewer_of(req);
	*ctx = (comment_ctx){ .req = req,
		              .scope = track_scope_of(req),
		              .user = v ? &v->user : NULL,
		              .role = TRACK_COMMENT_KEEP_ROLE,
		              .field = "comment" };
	const char *id = web_param(req, "id");
	if (id) {
		char *end = NULL;
		ctx->comment_id = strtoll(id, &end, 10);
		if (!*id || *end || ctx->comment_id <= 0)
			return err_fail(WEFT_ENOTFOUND, "Can not find a comment for the id: %s.",
			                id);
	}
	return track_jira_version(req, &ctx->v3);
}

static int read_body(comment_ctx *ctx)
{
	const json_t *body = json_object_get(ctx->req->json, "body");
	int rc = track_jira_text_in(&ctx->body, ctx->req->arena, body, ctx->v3);
	if (rc == 0 && !ctx->body)
		rc = err_fail(WEFT_EINVALID, "Comment body can not be empty!");
	/* Absent leaves an edited comment's visibility alone; null clears it. */
	const json_t *visibility = json_object_get(ctx->req->json, "visibility");
	unsigned role = 0;
	if (rc == 0 && visibility) {
		ctx->field = "commentLevel";
		rc = track_api_visibility_in(visibility, &role);
		ctx->role = (int)role;
	}
	if (rc == 0)
		ctx->field = "comment";
	return rc;
}

static int field_error(web_response *res, const comment_ctx *ctx, int rc)
{
	if (rc == WEFT_EINVALID) {
		track_jira_field_error(res, ctx->field, err_msg());
		return 0;
	}
	return rc;
}

/* Jira reports a visibility the author may not use under errors.commentLevel. */
static int check_role(db_conn *c, comment_ctx *ctx)
{
	if (ctx->role == TRACK_COMMENT_KEEP_ROLE)
		return 0;
	ctx->field = "commentLevel";
	int rc = track_comment_role_check(c, ctx->scope->issue_id, ctx->user, (unsigned)ctx->role);
	if (rc == 0)
		ctx->field = "comment";
	return rc;
}

static int list_tx(db_conn *c, void *p)
{
	comment_ctx *ctx = p;
	web_paging pg;
	web_paging_offset(&pg, ctx->req, 5000, 5000);
	const track_api_children_page page = { .kind = TRACK_API_COMMENTS,
		                               .issue_id = ctx->scope->issue_id,
		                               .start = pg.start,
		                               .max = pg.max,
		                               .v3 = ctx->v3 };
	return track_api_children(c, ctx->req, &page, &ctx->out);
}

int track_api_comments(web_request *req, web_response *res)
{
	comment_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, list_tx, &ctx, &ctx.out);
	return rc;
}

static int add_tx(db_conn *c, void *p)
{
	comment_ctx *ctx = p;
	track_comment cm;
	int rc = check_role(c, ctx);
	if (rc == 0)
		rc = track_comment_add(
		        c, ctx->req->arena, ctx->scope->issue_id, ctx->user, ctx->body,
		        ctx->role == TRACK_COMMENT_KEEP_ROLE ? 0 : (unsigned)ctx->role, &cm);
	if (rc == 0)
		ctx->out = track_api_comment_json(c, ctx->req, &cm, ctx->v3, ctx->scope->issue_id);
	return rc;
}

int track_api_comment_add(web_request *req, web_response *res)
{
	comment_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = read_body(&ctx);
	if (rc == 0)
		rc = track_jira_answer(req, res, 201, true, add_tx, &ctx, &ctx.out);
	return field_error(res, &ctx, rc);
}

static int get_tx(db_conn *c, void *p)
{
	comment_ctx *ctx = p;
	track_comment cm;
	int rc = track_comment_get(c, ctx->req->arena, ctx->scope->issue_id, ctx->user,
	                           ctx->comment_id, &cm);
	if (rc == 0)
		ctx->out = track_api_comment_json(c, ctx->req, &cm, ctx->v3, ctx->scope->issue_id);
	return rc;
}

int track_api_comment(web_request *req, web_response *res)
{
	comment_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, get_tx, &ctx, &ctx.out);
	return rc;
}

/* The author edits and deletes their own comments; project administrators anyone's. */
static int may_change(db_conn *c, const comment_ctx *ctx)
{
	track_comment cm;
	int rc = track_comment_get(c, ctx->req->arena, ctx->scope->issue_id, ctx->user,
	                           ctx->comment_id, &cm);
	if (rc < 0)
		return rc;
	if (!track_scope_author_or_admin(ctx->scope, cm.author_id, ctx->user->id))
		return err_fail(WEFT_EPERM, "You do not have permission to edit this comment.");
	return 0;
}

static int edit_tx(db_conn *c, void *p)
{
	comment_ctx *ctx = p;
	int rc = may_change(c, ctx);
	if (rc == 0)
		rc = check_role(c, ctx);
	if (rc == 0)
		rc = track_comment_edit(c, ctx->scope->issue_id, ctx->comment_id, ctx->user,
		                        ctx->body, ctx->role);
	return rc == 0 ? get_tx(c, p) : rc;
}

int track_api_comment_edit(web_request *req, web_response *res)
{
	comment_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = read_body(&ctx);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, true, edit_tx, &ctx, &ctx.out);
	return field_error(res, &ctx, rc);
}

static int delete_tx(db_conn *c, void *p)
{
	comment_ctx *ctx = p;
	int rc = may_change(c, ctx);
	return rc == 0 ? track_comment_delete(c, ctx->scope->issue_id, ctx->comment_id) : rc;
}

int track_api_comment_delete(web_request *req, web_response *res)
{
	comment_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, delete_tx, &ctx);
	if (rc == 0)
		web_res_text(res, 204, "");
	return rc;
}
