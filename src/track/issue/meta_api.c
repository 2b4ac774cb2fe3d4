/* Jira's global lists: field, issuetype, status, priority, resolution, the assignable users,
 * and the schemes and categories clients read before creating a project. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "web/paging.h"
#include "track/account/account.h"
#include "track/account/account_web.h"
#include "track/issue/choice.h"
#include "track/issue/issue_api.h"
#include "track/jira.h"
#include "track/project/project.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "track/issue/workflow.h"
#include "web/form.h"

typedef struct meta_ctx {
	web_request *req;
	json_t *out;
} meta_ctx;

static int run(web_request *req, web_response *res, db_fn fn)
{
	bool v3;
	meta_ctx ctx = { req, NULL };
	int rc = track_jira_version(req, &v3);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, fn, &ctx, &ctx.out);
	return rc;
}

/* The system fields JQL and clients know: id, name, the JQL names, and the schema type. */
static const struct {
	const char *id, *name, *type, *clauses;
} system_fields[] = {
	{ "summary", "Summary", "string", "summary" },
	{ "description", "Description", "string", "description" },
	{ "project", "Project", "project", "project" },
	{ "issuetype", "Issue Type", "issuetype", "issuetype,type" },
	{ "status", "Status", "status", "status" },
	{ "priority", "Priority", "priority", "priority" },
	{ "assignee", "Assignee", "user", "assignee" },
	{ "reporter", "Reporter", "user", "reporter" },
	{ "creator", "Creator", "user", "creator" },
	{ "labels", "Labels", "array", "labels" },
	{ "resolution", "Resolution", "resolution", "resolution" },
	{ "created", "Created", "datetime", "created,createdDate" },
	{ "updated", "Updated", "datetime", "updated,updatedDate" },
	{ "resolutiondate", "Resolved", "datetime", "resolved,resolutiondate" },
	{ "parent", "Parent", "issuelink", "parent" },
	{ "comment", "Comment", "comments-page", "comment" },
	{ "worklog", "Log Work", "array", "worklogDate" },
	{ "timetracking", "Time tracking", "timetracking", "" },
	{ "timeoriginalestimate", "Original Estimate", "number", "originalEstimate" },
	{ "timeestimate", "Remaining Estimate", "number", "remainingEstimate" },
	{ "timespent", "Time Spent", "number", "timespent" },
	{ "issuekey", "Key", "string", "issuekey,key,id" },
	{ "text", "Text", "string", "text" },
};

static json_t *clause_names(const char *list)
{
	json_t *arr = json_array();
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		json_array_append_new(arr, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	return arr;
}

static int fields_tx(db_conn *c, void *p)
{
	(void)c;
	meta_ctx *ctx = p;
	ctx->out = json_array();
	for (size_t i = 0; i < sizeof system_fields / sizeof system_fields[0]; i++)
		json_array_append_new(
		        ctx->out,
		        json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:o, s:{s:s, s:s}}", "id",
		                  system_fields[i].id, "key", system_fields[i].id, "name",
		                  system_fields[i].name, "custom", false, "orderable", true,
		                  "navigable", true, "searchable", true, "clauseNames",
		                  clause_names(system_fields[i].clauses), "schema", "type",
		                  system_fields[i].type, "system", system_fields[i].id));
	return 0;
}

int track_api_fields(web_request *req, web_response *res)
{
	return run(req, res, fields_tx);
}

static int issuetypes_tx(db_conn *c, void *p)
{
	meta_ctx *ctx = p;
	return track_jira_issuetypes_json(c, ctx->req, &ctx->out);
}

int track_api_issuetypes(web_request *req, web_response *res)
{
	return run(req, res, issuetypes_tx);
}

static int statuses_tx(db_conn *c, void *p)
{
	meta_ctx *ctx = p;
	track_status *list = NULL;
	size_t n = 0;
	int rc = track_status_list(c, ctx->req->arena, 0, &list, &n);
	if (rc < 0)
		return rc;
	ctx->out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ctx->out, track_jira_status_json(ctx->req, &list[i]));
	return 0;
}

int track_api_statuses(web_request *req, web_response *res)
{
	return run(req, res, statuses_tx);
}

static int status_tx(db_conn *c, void *p)
{
	meta_ctx *ctx = p;
	track_status s;
	int rc = track_status_find(c, ctx->req->arena, web_param(ctx->req, "idOrName"), &s);
	if (rc == 0)
		ctx->out = track_jira_status_json(ctx->req, &s);
	return rc;
}

int track_api_status(web_request *req, web_response *res)
{
	return run(req, res, status_tx);
}

/* The status categories track's statuses use, in Jira's order (To Do, In Progress, Done). */
static const char *const category_keys[] = { "new", "indeterminate", "done" };

int track_api_status_categories(web_request *req, web_response *res)
{
	bool v3;
	int rc = track_jira_version(req, &v3);
	json_t *list = json_array();
	for (size_t i = 0; rc == 0 && i < 3; i++)
		json_array_append_new(list, track_jira_status_category_json(req, category_keys[i]));
	if (rc == 0)
		web_res_json(res, 200, list);
	else
		json_decref(list);
	return rc;
}

int track_api_status_category(web_request *req, web_response *res)
{
	bool v3;
	const char *id = web_param(req, "idOrKey");
	int rc = track_jira_version(req, &v3);
	for (size_t i = 0; rc == 0 && i < 3; i++) {
		json_t *c = track_jira_status_category_json(req, category_keys[i]);
		char num[16];
		snprintf(num, sizeof num, "%lld",
		         (long long)json_integer_value(json_object_get(c, "id")));
		if (strcmp(id, num) == 0 || strcasecmp(id, category_keys[i]) == 0) {
			web_res_json(res, 200, c);
			return 0;
		}
		json_decref(c);
	}
	return rc < 0 ? rc
	              : err_fail(WEFT_ENOTFOUND,
	                         "The status category with id or key '%s' does not exist.", id);
}

static int priorities_tx(db_conn *c, void *p)
{
	meta_ctx *ctx = p;
	track_choice *list = NULL;
	size_t n = 0;
	int rc = track_choice_list(c, ctx->req->arena, TRACK_CHOICE_PRIORITIES, 0, &list, &n);
	ctx->out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *o = track_jira_priority_json(ctx->req, list[i].id, list[i].name);
		json_object_set_new(o, "description", json_string(list[i].description));
		json_object_set_new(o, "statusColor", json_string(list[i].color));
		json_object_set_new(o, "isDefault", json_boolean(list[i].is_default));
		json_array_append_new(ctx->out, o);
	}
	return rc;
}

int track_api_priorities(web_request *req, web_response *res)
{
	return run(req, res, priorities_tx);
}

static int resolutions_tx(db_conn *c, void *p)
{
	meta_ctx *ctx = p;
	track_choice *list = NULL;
	size_t n = 0;
	int rc = track_choice_list(c, ctx->req->arena, TRACK_CHOICE_RESOLUTIONS, 0, &list, &n);
	ctx->out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *o = track_jira_resolution_json(ctx->req, list[i].id, list[i].name);
		json_object_set_new(o, "description", json_string(list[i].description));
		json_array_append_new(ctx->out, o);
	}
	return rc;
}

int track_api_resolutions(web_request *req, web_response *res)
{
	return run(req, res, resolutions_tx);
}

/* Users who may be assigned issues of a project or an issue: the members of its roles (the
 * Developers and Administrators, as Jira's "Assignable user" permission), matching query. The
 * route names the issue or project in the query, and the caller must browse it. */
const web_param_spec track_assignable_params[] = {
	{ "issueKey", WEB_FROM_QUERY, false, NULL, TRACK_SCOPE_ISSUE },
	{ "project", WEB_FROM_QUERY, false, NULL, TRACK_SCOPE_PROJECT },
	{ NULL, 0, false, NULL, 0 },
};

static int assignable_tx(db_conn *c, void *p)
{
	meta_ctx *ctx = p;
	const char *q = web_query(ctx->req, "query");
	if (!q)
		q = web_query(ctx->req, "username");
	track_user *users = NULL;
	size_t n = 0;
	int rc = track_perm_assignable_users(c, ctx->req->arena,
	                                     track_scope_of(ctx->req)->project_id, q,
	                                     TRACK_USER_LIST_MAX, &users, &n);
	ctx->out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(ctx->out, track_user_json(ctx->req, &users[i]));
	return rc;
}

int track_api_assignable(web_request *req, web_response *res)
{
	return run(req, res, assignable_tx);
}

/* Keeps in users only those also in more (both by id). */
static void intersect(track_user *users, size_t *n, const track_user *more, size_t nmore)
{
	size_t kept = 0;
	for (size_t i = 0; i < *n; i++)
		for (size_t j = 0; j < nmore; j++)
			if (users[i].id == more[j].id) {
				users[kept++] = users[i];
				break;
			}
	*n = kept;
}

/* The users assignable in every project of projectKeys (each one the caller may browse),
 * matching query (and accountId when given), paged by startAt and maxResults. */
static int multi_assignable_tx(db_conn *c, void *p)
{
	meta_ctx *ctx = p;
	web_request *req = ctx->req;
	const char **keys = NULL;
	size_t nkeys = web_pairs_list(&keys, req->arena, &req->query, "projectKeys");
	const char *q =
	        web_query(req, "query") ? web_query(req, "query") : web_query(req, "username");
	const track_viewer *v = track_viewer_of(req);
	track_user *users = NULL, *more = NULL;
	size_t n = 0, nmore = 0;
	int rc = nkeys ? 0 : err_fail(WEFT_EINVALID, "The projectKeys parameter is required.");
	for (size_t i = 0; rc == 0 && i < nkeys; i++) {
		track_project project;
		bool browse = false;
		rc = track_project_find(c, req->arena, keys[i], &project);
		if (rc == 0)
			rc = track_perm_check(c, &v->user, project.id, TRACK_PERM_BROWSE, &browse);
		if (rc == WEFT_ENOTFOUND || (rc == 0 && !browse))
			rc = err_fail(WEFT_ENOTFOUND, "No project could be found with key '%s'.",
			              keys[i]);
		if (rc == 0)
			rc = track_perm_assignable_users(c, req->arena, project.id, q,
			                                 TRACK_USER_LIST_MAX, i ? &more : &users,
			                                 i ? &nmore : &n);
		if (rc == 0 && i)
			intersect(users, &n, more, nmore);
	}
	web_paging paging;
	web_paging_offset(&paging, req, 50, TRACK_USER_LIST_MAX);
	int64_t start = paging.start, max = paging.max;
	const char *account = web_query(req, "accountId");
	ctx->out = json_array();
	for (size_t i = 0, seen = 0; rc == 0 && i < n && seen < (size_t)(start + max); i++) {
		if (account && strcmp(account, users[i].account_id) != 0)
			continue;
		if (seen++ >= (size_t)start)
			json_array_append_new(ctx->out, track_user_json(req, &users[i]));
	}
	return rc;
}

int track_api_assignable_multi(web_request *req, web_response *res)
{
	return run(req, res, multi_assignable_tx);
}

static int schemes_tx(db_conn *c, void *p)
{
	(void)c;
	meta_ctx *ctx = p;
	ctx->out = json_pack("{s:[{s:I, s:s, s:s, s:s}]}", "permissionSchemes", "id", (json_int_t)0,
	                     "self", track_jira_self(ctx->req, "permissionscheme/0"), "name",
	                     "Default Permission Scheme", "description",
	                     "Site administrators: everything. Administrators: everything in the "
	                     "project. Developers: browse, create, edit, transition, comment, log "
	                     "work, view development tools. Users: browse, create, comment.");
	return 0;
}

int track_api_permission_schemes(web_request *req, web_response *res)
{
	return run(req, res, schemes_tx);
}

static int security_tx(db_conn *c, void *p)
{
	(void)c;
	meta_ctx *ctx = p;
	ctx->out = json_pack("{s:[]}", "issueSecuritySchemes");
	return 0;
}

int track_api_security_schemes(web_request *req, web_response *res)
{
	return run(req, res, security_tx);
}

static int categories_tx(db_conn *c, void *p)
{
	(void)c;
	meta_ctx *ctx = p;
	ctx->out = json_array();
	return 0;
}

int track_api_project_categories(web_request *req, web_response *res)
{
	return run(req, res, categories_tx);
}
