/* Jira's global lists: field, issuetype, status, priority, resolution, the assignable users,
 * and the schemes and categories clients read before creating a project. */
#include <string.h>

#include "base/err.h"
#include "track/account/account.h"
#include "track/account/account_web.h"
#include "track/issue/issue_api.h"
#include "track/jira.h"
#include "track/project/project.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "track/issue/workflow.h"

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

static int priorities_tx(db_conn *c, void *p)
{
	meta_ctx *ctx = p;
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, name, description, color, is_default FROM priorities"
	                  " ORDER BY position",
	                  DB_END);
	ctx->out = json_array();
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		json_t *o =
		        track_jira_priority_json(ctx->req, db_col_int(st, 0), db_col_text(st, 1));
		json_object_set_new(o, "description", json_string(db_col_text(st, 2)));
		json_object_set_new(o, "statusColor", json_string(db_col_text(st, 3)));
		json_object_set_new(o, "isDefault", json_boolean(db_col_int(st, 4)));
		json_array_append_new(ctx->out, o);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int track_api_priorities(web_request *req, web_response *res)
{
	return run(req, res, priorities_tx);
}

static int resolutions_tx(db_conn *c, void *p)
{
	meta_ctx *ctx = p;
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT id, name, description FROM resolutions ORDER BY id",
	                  DB_END);
	ctx->out = json_array();
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		json_t *o =
		        track_jira_resolution_json(ctx->req, db_col_int(st, 0), db_col_text(st, 1));
		json_object_set_new(o, "description", json_string(db_col_text(st, 2)));
		json_array_append_new(ctx->out, o);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int track_api_resolutions(web_request *req, web_response *res)
{
	return run(req, res, resolutions_tx);
}

/* Users who may be assigned issues of a project or an issue: the members of its roles (the
 * Developers and Administrators, as Jira's "Assignable user" permission), matching query. */
static int assignable_project(db_conn *c, meta_ctx *ctx, int64_t *out)
{
	const char *issue_key = web_query(ctx->req, "issueKey");
	const char *project = web_query(ctx->req, "project");
	const track_viewer *v = track_viewer_of(ctx->req);
	int rc;
	if (issue_key) {
		track_issue issue;
		rc = track_issue_find(c, ctx->req->arena, issue_key, &issue, NULL);
		*out = rc == 0 ? issue.project_id : 0;
	} else if (project) {
		track_project p;
		rc = track_project_find(c, ctx->req->arena, project, &p);
		*out = rc == 0 ? p.id : 0;
	} else
		return err_fail(WEFT_EINVALID, "The issueKey or project parameter is required.");
	bool browse = false;
	if (rc == 0)
		rc = track_perm_check(c, v ? &v->user : NULL, *out, TRACK_PERM_BROWSE, &browse);
	if (rc == 0 && !browse)
		rc = err_fail(WEFT_ENOTFOUND, issue_key ? TRACK_ISSUE_HIDDEN
		                                        : "No project could be "
		                                          "found.");
	return rc;
}

static int assignable_tx(db_conn *c, void *p)
{
	meta_ctx *ctx = p;
	int64_t project_id = 0;
	int rc = assignable_project(c, ctx, &project_id);
	const char *q = web_query(ctx->req, "query");
	if (!q)
		q = web_query(ctx->req, "username");
	db_stmt *st = NULL;
	if (rc == 0)
		rc = db_query(
		        &st, c,
		        "SELECT DISTINCT u.id, u.display_name FROM project_roles r JOIN users u"
		        " ON u.id = r.user_id WHERE r.project_id = $1 AND u.is_active = 1"
		        " AND r.role IN ('developers', 'administrators') AND ($2 = ''"
		        " OR lower(u.username) LIKE '%' || lower($2) || '%'"
		        " OR lower(u.display_name) LIKE '%' || lower($2) || '%'"
		        " OR lower(u.email) LIKE '%' || lower($2) || '%')"
		        " ORDER BY u.display_name, u.id LIMIT 1000",
		        db_int(project_id), db_text(q ? q : ""));
	ctx->out = json_array();
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		json_array_append_new(ctx->out, track_jira_user(c, ctx->req, db_col_int(st, 0)));
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int track_api_assignable(web_request *req, web_response *res)
{
	return run(req, res, assignable_tx);
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
