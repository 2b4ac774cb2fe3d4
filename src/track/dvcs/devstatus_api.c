/* Jira's dev-status API (devstatus_api.h): the panel's counts and lists in E.1's and E.2's
 * shapes. Everything comes from panel.c; this file only shapes it. */
#include "track/dvcs/devstatus_api.h"

#include <string.h>

#include "base/err.h"
#include "track/dvcs/files.h"
#include "track/jira.h"
#include "track/track_perm.h"
#include "web/paging.h"

#define INSTANCE_TYPE "bitbucket"
#define INSTANCE_NAME "Bitbucket Cloud"

static const char *const data_types[] = { "repository", "branch", "pullrequest", "build" };

static int check_data_type(const char *value)
{
	for (size_t i = 0; i < sizeof data_types / sizeof data_types[0]; i++)
		if (strcmp(value, data_types[i]) == 0)
			return 0;
	return err_fail(WEFT_EINVALID, "must be repository, branch, pullrequest or build.");
}

static int check_application_type(const char *value)
{
	if (!*value || strlen(value) > 64)
		return err_fail(WEFT_EINVALID, "must be an instance type such as bitbucket.");
	return 0;
}

/* Jira names the issue by its numeric id only. */
static int check_issue_id(const char *value)
{
	if (!*value || strlen(value) > 18 || strspn(value, "0123456789") != strlen(value))
		return err_fail(WEFT_EINVALID, "must be the numeric id of an issue.");
	return 0;
}

#define ISSUE_ID_PARAM                                                             \
	{                                                                          \
		"issueId", WEB_FROM_QUERY, true, check_issue_id, TRACK_SCOPE_ISSUE \
	}

const web_param_spec dvcs_devstatus_summary_params[] = {
	ISSUE_ID_PARAM,
	{ NULL, 0, false, NULL, 0 },
};

const web_param_spec dvcs_devstatus_detail_params[] = {
	ISSUE_ID_PARAM,
	{ "dataType", WEB_FROM_QUERY, true, check_data_type, 0 },
	{ "applicationType", WEB_FROM_QUERY, false, check_application_type, 0 },
	{ NULL, 0, false, NULL, 0 },
};

/* ---- summary (E.1) ---- */

static json_t *by_instance(int64_t count)
{
	if (!count)
		return json_object();
	return json_pack("{s:{s:I, s:s}}", INSTANCE_TYPE, "count", (json_int_t)count, "name",
	                 INSTANCE_NAME);
}

static json_t *kind_json(json_t *overall, int64_t count)
{
	return json_pack("{s:o, s:o}", "overall", overall, "byInstanceType", by_instance(count));
}

static json_t *overall(arena *a, const char *type, int64_t count, int64_t updated)
{
	return json_pack("{s:I, s:s?, s:s}", "count", (json_int_t)count, "lastUpdated",
	                 track_jira_time(a, updated), "dataType", type);
}

static json_t *pulls_overall(arena *a, const dvcs_panel_summary *s)
{
	const char *state = dvcs_panel_pull_badge(s);
	int64_t in_state = !state                         ? 0
	                   : strcmp(state, "OPEN") == 0   ? s->pulls_open
	                   : strcmp(state, "MERGED") == 0 ? s->pulls_merged
	                                                  : s->pulls_declined;
	json_t *o = overall(a, "pullrequest", s->pulls, s->pulls_updated);
	json_object_set_new(o, "stateCount", json_integer(in_state));
	json_object_set_new(o, "state", state ? json_string(state) : json_null());
	json_object_set_new(o, "open", json_boolean(s->pulls_open > 0));
	json_object_set_new(
	        o, "details",
	        json_pack("{s:I, s:I, s:I, s:I}", "openCount", (json_int_t)s->pulls_open,
	                  "mergedCount", (json_int_t)s->pulls_merged, "declinedCount",
	                  (json_int_t)s->pulls_declined, "total", (json_int_t)s->pulls));
	return o;
}

static json_t *builds_overall(arena *a, const dvcs_panel_summary *s)
{
	json_t *o = overall(a, "build", s->builds, s->builds_updated);
	json_object_set_new(o, "failedBuildCount", json_integer(s->builds_failed));
	json_object_set_new(o, "successfulBuildCount", json_integer(s->builds_successful));
	json_object_set_new(o, "inProgressBuildCount", json_integer(s->builds_in_progress));
	json_object_set_new(o, "unknownBuildCount", json_integer(s->builds_stopped));
	return o;
}

json_t *dvcs_devstatus_summary_json(arena *a, const dvcs_panel_summary *s)
{
	json_t *review =
	        json_pack("{s:i, s:n, s:i, s:n, s:n, s:b, s:b}", "count", 0, "lastUpdated",
	                  "stateCount", 0, "state", "dueDate", "overDue", 0, "completed", 0);
	json_t *deploy = json_pack("{s:i, s:n, s:[], s:b, s:i}", "count", 0, "lastUpdated",
	                           "topEnvironments", "showProjects", 0, "successfulCount", 0);
	json_t *summary = json_pack(
	        "{s:o, s:o, s:o, s:o, s:o, s:o}", "pullrequest",
	        kind_json(pulls_overall(a, s), s->pulls), "branch",
	        kind_json(overall(a, "branch", s->branches, s->branches_updated), s->branches),
	        "repository",
	        kind_json(overall(a, "repository", s->commits, s->commits_latest), s->commits),
	        "build", kind_json(builds_overall(a, s), s->builds), "review", kind_json(review, 0),
	        "deployment-environment", kind_json(deploy, 0));
	return json_pack("{s:[], s:[], s:o}", "errors", "configErrors", "summary", summary);
}

typedef struct summary_ctx {
	web_request *req;
	dvcs_panel_summary s;
} summary_ctx;

static int load_summary(db_conn *c, void *p)
{
	summary_ctx *ctx = p;
	return dvcs_panel_summary_get(c, track_scope_of(ctx->req)->issue_id, &ctx->s);
}

int dvcs_api_devstatus_summary(web_request *req, web_response *res)
{
	summary_ctx ctx = { .req = req };
	int rc = db_read(track_app_of(req)->d, load_summary, &ctx);
	if (rc < 0)
		return rc;
	web_res_json(res, 200, dvcs_devstatus_summary_json(req->arena, &ctx.s));
	return 0;
}

/* ---- detail (E.2) ---- */

/* The host's repository as the items' "repository" objects show it. */
static json_t *repo_json(arena *a, const dvcs_panel_repo *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b}", "id",
	                 arena_printf(a, "%lld", (long long)r->id), "name", r->name, "url",
	                 dvcs_panel_repo_url(a, r), "avatar", "", "private", r->is_private);
}

/* A commit whose files are not known has no "fileCount" (as Jira leaves out what it does not
 * know): one stored from a push webhook and not synchronized yet (provisional), or one the
 * mirror no longer holds (files.h). */
static json_t *commit_json(arena *a, const dvcs_panel_repo *r, const char *hash, const char *author,
                           const char *message, int64_t at, int64_t files, bool merge,
                           bool provisional)
{
	json_t *o = json_pack("{s:s, s:s%, s:s, s:s, s:{s:s, s:s}, s:s?, s:b, s:[]}", "id", hash,
	                      "displayId", hash, strlen(hash) < 7 ? strlen(hash) : 7, "message",
	                      message, "url", dvcs_panel_commit_url(a, r, hash), "author", "name",
	                      author, "avatar", "", "authorTimestamp", track_jira_time(a, at),
	                      "merge", merge, "files");
	if (!provisional && files != DVCS_FILES_UNKNOWN)
		json_object_set_new(o, "fileCount", json_integer((json_int_t)files));
	return o;
}

/* The detail element of the host r lives on (one per host, in order of first appearance). */
static json_t *instance_of(json_t *detail, const dvcs_panel_repo *r)
{
	size_t i;
	json_t *e;
	json_array_foreach(detail, i, e)
	{
		json_t *inst = json_object_get(e, "_instance");
		if (strcmp(json_string_value(json_object_get(inst, "baseUrl")), r->site_url) == 0)
			return e;
	}
	e = json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:b}, s:[], s:[], s:[], s:[]}", "_instance",
	              "id", r->site_url, "name", INSTANCE_NAME, "typeName", INSTANCE_NAME, "type",
	              INSTANCE_TYPE, "baseUrl", r->site_url, "singleInstance", 1, "pullRequests",
	              "branches", "repositories", "builds");
	json_array_append_new(detail, e);
	return e;
}

/* The repository's element of the instance's "repositories", made on first use. */
static json_t *repo_commits(arena *a, json_t *instance, const dvcs_panel_repo *r)
{
	json_t *repos = json_object_get(instance, "repositories");
	const char *id = arena_printf(a, "%lld", (long long)r->id);
	size_t i;
	json_t *e;
	json_array_foreach(repos, i, e) if (strcmp(json_string_value(json_object_get(e, "id")),
	                                           id) == 0) return json_object_get(e, "commits");
	e = repo_json(a, r);
	json_object_set_new(e, "commits", json_array());
	json_array_append_new(repos, e);
	return json_object_get(e, "commits");
}

static void add_commits(arena *a, json_t *detail, const dvcs_panel_page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const dvcs_panel_commit *c = &p->commits[i];
		json_t *list = repo_commits(a, instance_of(detail, &c->repo), &c->repo);
		json_array_append_new(list, commit_json(a, &c->repo, c->hash, c->author_name,
		                                        c->message, c->authored_at, c->file_count,
		                                        c->is_merge, c->provisional));
	}
}

static void add_branches(arena *a, json_t *detail, const dvcs_panel_page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const dvcs_panel_branch *b = &p->branches[i];
		json_t *last = commit_json(a, &b->repo, b->head, b->head_author, b->head_message,
		                           b->head_authored_at, b->head_file_count,
		                           b->head_is_merge, b->head_provisional);
		json_array_append_new(json_object_get(instance_of(detail, &b->repo), "branches"),
		                      json_pack("{s:s, s:s, s:s, s:o, s:o}", "name", b->name, "url",
		                                dvcs_panel_branch_url(a, &b->repo, b->name),
		                                "createPullRequestUrl",
		                                dvcs_panel_new_pull_url(a, &b->repo, b->name),
		                                "repository", repo_json(a, &b->repo), "lastCommit",
		                                last));
	}
}

/* The reviewers in E.2's shape: with an avatar each. */
static json_t *reviewers_json(const char *stored)
{
	json_t *out = dvcs_panel_reviewers_json(stored), *r;
	size_t i;
	json_array_foreach(out, i, r) json_object_set_new(r, "avatar", json_string(""));
	return out;
}

static json_t *pull_json(arena *a, const dvcs_panel_pull *p)
{
	return json_pack(
	        "{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:o, s:I, s:s?,"
	        " s:s, s:s, s:s}",
	        "id", arena_printf(a, "#%lld", (long long)p->number), "name", p->title, "url",
	        p->url, "status", p->state, "author", "name", p->author_name, "avatar", "",
	        "source", "branch", p->source_branch, "url",
	        dvcs_panel_branch_url(a, &p->repo, p->source_branch), "destination", "branch",
	        p->destination_branch, "url",
	        dvcs_panel_branch_url(a, &p->repo, p->destination_branch), "reviewers",
	        reviewers_json(p->reviewers), "commentCount", (json_int_t)p->comment_count,
	        "lastUpdate", track_jira_time(a, p->updated_at), "repositoryId",
	        arena_printf(a, "%lld", (long long)p->repo.id), "repositoryName", p->repo.name,
	        "repositoryUrl", dvcs_panel_repo_url(a, &p->repo));
}

static void add_pulls(arena *a, json_t *detail, const dvcs_panel_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(
		        json_object_get(instance_of(detail, &p->pulls[i].repo), "pullRequests"),
		        pull_json(a, &p->pulls[i]));
}

static void add_builds(arena *a, json_t *detail, const dvcs_panel_page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const dvcs_panel_build *b = &p->builds[i];
		json_array_append_new(
		        json_object_get(instance_of(detail, &b->repo), "builds"),
		        json_pack("{s:s, s:s, s:s, s:s, s:s?, s:{s:s, s:s%, s:s}, s:o}", "id",
		                  b->key, "name", b->name, "url", b->url, "state", b->state,
		                  "lastUpdated", track_jira_time(a, b->updated_at), "commit", "id",
		                  b->commit_hash, "displayId", b->commit_hash,
		                  strlen(b->commit_hash) < 7 ? strlen(b->commit_hash) : 7, "url",
		                  dvcs_panel_commit_url(a, &b->repo, b->commit_hash), "repository",
		                  repo_json(a, &b->repo)));
	}
}

typedef struct detail_ctx {
	web_request *req;
	dvcs_panel_kind kind;
	web_paging paging;
	dvcs_panel_page page;
} detail_ctx;

static int load_detail(db_conn *c, void *p)
{
	detail_ctx *ctx = p;
	return dvcs_panel_page_get(c, ctx->req->arena, track_scope_of(ctx->req)->issue_id,
	                           ctx->kind, ctx->paging.start, ctx->paging.max, &ctx->page);
}

static dvcs_panel_kind kind_of(const char *data_type)
{
	if (strcmp(data_type, "branch") == 0)
		return DVCS_PANEL_BRANCHES;
	if (strcmp(data_type, "pullrequest") == 0)
		return DVCS_PANEL_PULLS;
	return strcmp(data_type, "build") == 0 ? DVCS_PANEL_BUILDS : DVCS_PANEL_COMMITS;
}

int dvcs_api_devstatus_detail(web_request *req, web_response *res)
{
	const char *type = web_query(req, "applicationType");
	json_t *detail = json_array();
	detail_ctx ctx = { .req = req, .kind = kind_of(web_query(req, "dataType")) };
	web_paging_offset(&ctx.paging, req, DVCS_PANEL_PAGE_MAX, DVCS_PANEL_PAGE_MAX);
	bool ours = !type || strcmp(type, INSTANCE_TYPE) == 0;
	int rc = ours && ctx.paging.max > 0 ? db_read(track_app_of(req)->d, load_detail, &ctx) : 0;
	if (rc < 0) {
		json_decref(detail);
		return rc;
	}
	dvcs_files_fill(track_app_of(req), req->arena, &ctx.page);
	static void (*const add[])(arena *, json_t *, const dvcs_panel_page *) = {
		[DVCS_PANEL_COMMITS] = add_commits,
		[DVCS_PANEL_BRANCHES] = add_branches,
		[DVCS_PANEL_PULLS] = add_pulls,
		[DVCS_PANEL_BUILDS] = add_builds,
	};
	add[ctx.kind](req->arena, detail, &ctx.page);
	web_res_json(res, 200, json_pack("{s:[], s:o}", "errors", "detail", detail));
	return 0;
}
