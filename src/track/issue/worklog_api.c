/* Jira's worklog resource: /rest/api/{version}/issue/{issueIdOrKey}/worklog (list, add). */
#include <string.h>

#include "base/err.h"
#include "track/issue/duration.h"
#include "track/issue/issue_api.h"
#include "track/jira.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "track/issue/worklog.h"

typedef struct worklog_ctx {
	web_request *req;
	bool v3;
	const track_scope *scope;
	int64_t user_id;
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
	return track_jira_version(req, &ctx->v3);
}

static int list_tx(db_conn *c, void *p)
{
	worklog_ctx *ctx = p;
	int64_t start, max, total = 0;
	track_jira_paging(ctx->req, 5000, 5000, &start, &max);
	track_worklog *list = NULL;
	size_t n = 0;
	int rc = track_worklog_list(c, ctx->req->arena, ctx->scope->issue_id, start, max, &list, &n,
	                            &total);
	if (rc < 0)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, track_api_worklog_json(c, ctx->req, &list[i], ctx->v3));
	ctx->out = json_pack("{s:I, s:I, s:I, s:o}", "startAt", (json_int_t)start, "maxResults",
	                     (json_int_t)max, "total", (json_int_t)total, "worklogs", arr);
	return 0;
}

int track_api_worklogs(web_request *req, web_response *res)
{
	worklog_ctx ctx;
	int rc = ctx_init(&ctx, req);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, list_tx, &ctx, &ctx.out);
	return rc;
}

/* timeSpentSeconds or timeSpent (a Jira duration), started, comment. */
static int read_body(worklog_ctx *ctx, const char **field)
{
	const json_t *body = ctx->req->json;
	const json_t *secs = json_object_get(body, "timeSpentSeconds");
	const json_t *spent = json_object_get(body, "timeSpent");
	const json_t *started = json_object_get(body, "started");
	track_app *app = track_app_of(ctx->req);
	int rc;
	*field = "timeLogged";
	if (json_is_integer(secs))
		rc = (ctx->seconds = json_integer_value(secs)) > 0
		             ? 0
		             : err_fail(WEFT_EINVALID,
		                        "Worklog must not be null and must be positive.");
	else if (json_is_string(spent))
		rc = track_duration_parse(&ctx->seconds, json_string_value(spent),
		                          app->hours_per_day, app->days_per_week);
	else
		rc = err_fail(WEFT_EINVALID, "You must indicate the time spent working.");
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
	                           ctx->seconds, ctx->started, ctx->comment, &w);
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
		rc = read_body(&ctx, &field);
	if (rc == 0) {
		field = "timeLogged";
		rc = track_jira_answer(req, res, 201, true, add_tx, &ctx, &ctx.out);
	}
	if (rc == WEFT_EINVALID) {
		track_jira_field_error(res, field, err_msg());
		return 0;
	}
	return rc;
}
