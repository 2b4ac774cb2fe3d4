/* Jira's worklog resource: /rest/api/{version}/issue/{issueIdOrKey}/worklog (list, add) and
 * …/worklog/{id} (get, edit, delete; the author or a project administrator changes one), with
 * adjustEstimate, newEstimate, reduceBy and increaseBy. */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "track/issue/duration.h"
#include "track/issue/issue_api.h"
#include "track/jira.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "track/issue/worklog.h"
#include "web/paging.h"

typedef struct worklog_ctx {
	web_request *req;
	bool v3;
	const track_scope *scope;
	int64_t user_id;
	int64_t worklog_id;
	track_estimate_adjust adjust;
	int64_t seconds;
	int64_t started;
	const char *comment;
	json_t *out;
} worklog_ctx;

json_t *track_api_worklog_json(db_conn *c, web_request *req, const track_worklog *w, bool v3)
{
	track_app *app = track_app_of(req);
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:I, s:s, s:s}", "self",
	                 track_jira_self(req, "issue/%lld/worklog/%lld", (long long)w->issue_id,
	                                 (long long)w->id),
	                 "id", arena_printf(req->arena, "%lld", (long long)w->id), "issueId",
	                 arena_printf(req->arena, "%lld", (long long)w->issue_id), "author",
	                 track_jira_user(c, req, w->author_id), "updateAuthor",
	                 track_jira_user(c, req, w->update_author_id), "comment",
	                 track_jira_text(w->comment, v3), "started",
	                 track_jira_time(req->arena, w->started_at), "timeSpent",
	                 track_duration_format(req->arena, w->seconds, app->hours_per_day,
	                                       app->days_per_week),
	                 "timeSpentSeconds", (json_int_t)w->seconds, "created",
	                 track_jira_time(req->arena, w->created_at), "updated",
	                 track_jira_time(req->arena, w->updated_at));
}

static int ctx_init(worklog_ctx *ctx, web_request *req)
{
	const track_viewer *v = track_viewer_of(req);
	*ctx = (worklog_ctx){ .req = req,
		              .scope = track_scope_of(req),
		              .user_id = v ? v->user.id : 0 };
	const char *id = web_param(req, "id");
	if (id) {
		char *end = NULL;
		ctx->worklog_id = strtoll(id, &end, 10);
		if (!*id || *end || ctx->worklog_id <= 0)
			return err_fail(WEFT_ENOTFOUND, "Cannot find worklog with id: '%s'.", id);
	}
	return track_jira_version(req, &ctx->v3);
}

/* A duration query parameter (Jira's "2d 4h", or seconds as digits). */
static int duration_param(worklog_ctx *ctx, const char *name, const char *missing, int64_t *out)
{
	const char *v = web_query(ctx->req, name);
	track_app *app = track_app_of(ctx->req);
	if (!v)
		return err_fail(WEFT_EINVALID, "%s", missing);
	return track_duration_parse(out, v, app->hours_per_day, app->days_per_week);
}

/* adjustEstimate (auto, leave, new with newEstimate, manual with manual_param: reduceBy on add,
 * increaseBy on delete). */
static int read_adjust(worklog_ctx *ctx, const char *manual_param)
{
	const char *mode = web_query(ctx->req, "adjustEstimate");
	track_estimate_adjust *adj = &ctx->adjust;
	*adj = (track_estimate_adjust){ TRACK_ADJUST_AUTO, 0 };
	if (!mode || strcmp(mode, "auto") == 0)
		return 0;
	if (strcmp(mode, "leave") == 0) {
		adj->mode = TRACK_ADJUST_LEAVE;
		return 0;
	}
	if (strcmp(mode, "new") == 0) {
		adj->mode = TRACK_ADJUST_NEW;
		return duration_param(ctx, "newEstimate", "You must supply a valid new estimate.",
		                      &adj->seconds);
	}
	if (strcmp(mode, "manual") == 0 && manual_param) {
		adj->mode = TRACK_ADJUST_MANUAL;
		return duration_param(ctx, manual_param,
		                      strcmp(manual_param, "reduceBy") == 0
		                              ? "You must supply a valid amount to reduce by."
		                              : "You must supply a valid amount to increase by.",
		                      &adj->seconds);
	}
	return err_fail(WEFT_EINVALID, "Invalid value for adjustEstimate: '%s'.", mode);
}

static int list_tx(db_conn *c, void *p)
{
	worklog_ctx *ctx = p;
	web_paging pg;
	web_paging_offset(&pg, ctx->req, 5000, 5000);
	const track_api_children_page page = { .kind = TRACK_API_WORKLOGS,
		                               .issue_id = ctx->scope->issue_id,
		                               .start = pg.start,
		                               .max = pg.max,
		                               .v3 = ctx->v3 };
	return track_api_children(c, ctx->req, &page, &ctx->out);
}

int track_api_worklogs(web_request *req, web_response *res)
{
	worklog_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, list_tx, &ctx, &ctx.out);
	return rc;
}

/* A field error (errors.field), or errorMessages when field is NULL; other errors pass on. */
static int field_error(web_response *res, const char *field, int rc)
{
	if (rc != WEFT_EINVALID)
		return rc;
	track_jira_bad_request(res, field, err_msg());
	return 0;
}

/* timeSpentSeconds or timeSpent (a Jira duration; required unless edit), started, comment. */
static int read_body(worklog_ctx *ctx, const char **field, bool time_required)
{
	const json_t *body = ctx->req->json;
	const json_t *secs = json_object_get(body, "timeSpentSeconds");
	const json_t *spent = json_object_get(body, "timeSpent");
	const json_t *started = json_object_get(body, "started");
	track_app *app = track_app_of(ctx->req);
	int rc;
	*field = "timeLogged";
	if (secs && !json_is_null(secs)) {
		rc = track_jira_int(secs, "timeSpentSeconds", &ctx->seconds);
		if (rc == 0 && ctx->seconds <= 0)
			rc = err_fail(WEFT_EINVALID,
			              "Worklog must not be null and must be positive.");
	} else if (json_is_string(spent))
		rc = track_duration_parse(&ctx->seconds, json_string_value(spent),
		                          app->hours_per_day, app->days_per_week);
	else
		rc = time_required
		             ? err_fail(WEFT_EINVALID, "You must indicate the time spent working.")
		             : 0;
	if (rc == 0 && json_is_string(started)) {
		*field = "started";
		rc = track_jira_parse_time(&ctx->started, json_string_value(started));
	}
	if (rc == 0) {
		*field = "comment";
		rc = track_jira_text_in(&ctx->comment, ctx->req->arena,
		                        json_object_get(body, "comment"), ctx->v3);
	}
	return rc;
}

static int add_tx(db_conn *c, void *p)
{
	worklog_ctx *ctx = p;
	track_worklog w;
	int rc = track_worklog_add(c, ctx->req->arena, ctx->scope->issue_id, ctx->user_id,
	                           ctx->seconds, ctx->started, ctx->comment, &ctx->adjust, &w);
	if (rc == 0)
		ctx->out = track_api_worklog_json(c, ctx->req, &w, ctx->v3);
	return rc;
}

int track_api_worklog_add(web_request *req, web_response *res)
{
	worklog_ctx ctx;
	const char *field = NULL;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = read_body(&ctx, &field, true);
	if (rc == 0) {
		field = NULL;
		rc = read_adjust(&ctx, "reduceBy");
	}
	if (rc == 0) {
		field = "timeLogged";
		rc = track_jira_answer(req, res, 201, true, add_tx, &ctx, &ctx.out);
	}
	return field_error(res, field, rc);
}

static int get_tx(db_conn *c, void *p)
{
	worklog_ctx *ctx = p;
	track_worklog w;
	int rc = track_worklog_get(c, ctx->req->arena, ctx->scope->issue_id, ctx->worklog_id, &w);
	if (rc == 0)
		ctx->out = track_api_worklog_json(c, ctx->req, &w, ctx->v3);
	return rc;
}

int track_api_worklog(web_request *req, web_response *res)
{
	worklog_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, get_tx, &ctx, &ctx.out);
	return rc;
}

/* The author changes their own work logs; project administrators anyone's. */
static int may_change(db_conn *c, const worklog_ctx *ctx)
{
	track_worklog w;
	int rc = track_worklog_get(c, ctx->req->arena, ctx->scope->issue_id, ctx->worklog_id, &w);
	if (rc == 0 && !track_scope_author_or_admin(ctx->scope, w.author_id, ctx->user_id))
		rc = err_fail(WEFT_EPERM, "You do not have the permission to edit this worklog.");
	return rc;
}

static int edit_tx(db_conn *c, void *p)
{
	worklog_ctx *ctx = p;
	track_worklog w;
	int rc = may_change(c, ctx);
	if (rc == 0)
		rc = track_worklog_edit(c, ctx->req->arena, ctx->scope->issue_id, ctx->worklog_id,
		                        ctx->user_id, ctx->seconds, ctx->started, ctx->comment,
		                        &ctx->adjust, &w);
	if (rc == 0)
		ctx->out = track_api_worklog_json(c, ctx->req, &w, ctx->v3);
	return rc;
}

int track_api_worklog_edit(web_request *req, web_response *res)
{
	worklog_ctx ctx;
	const char *field = NULL;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = read_body(&ctx, &field, false);
	if (rc == 0) {
		field = NULL;
		rc = read_adjust(&ctx, NULL);
	}
	if (rc == 0) {
		field = "timeLogged";
		rc = track_jira_answer(req, res, 200, true, edit_tx, &ctx, &ctx.out);
	}
	return field_error(res, field, rc);
}

static int delete_tx(db_conn *c, void *p)
{
	worklog_ctx *ctx = p;
	int rc = may_change(c, ctx);
	if (rc == 0)
		rc = track_worklog_delete(c, ctx->req->arena, ctx->scope->issue_id, ctx->worklog_id,
		                          ctx->user_id, &ctx->adjust);
	return rc;
}

int track_api_worklog_delete(web_request *req, web_response *res)
{
	worklog_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = read_adjust(&ctx, "increaseBy");
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, delete_tx, &ctx);
	if (rc == 0)
		web_res_text(res, 204, "");
	return field_error(res, NULL, rc);
}
