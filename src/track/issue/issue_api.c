/* Jira's issue resource (issue_api.h): create, get with fields and expand, edit with fields and
 * update operations, delete, assign, and the transitions. Each handler parses, calls the domain
 * in one transaction and renders the Jira shape. */
#include "track/issue/issue_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "track/account/account.h"
#include "track/account/account_web.h"
#include "track/issue/attachment_api.h"
#include "track/issue/comment.h"
#include "track/issue/duration.h"
#include "track/issue/people_api.h"
#include "track/issue/subtask.h"
#include "track/jira.h"
#include "track/link/link_json.h"
#include "track/project/project.h"
#include "db/rows.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "track/issue/workflow.h"
#include "web/markdown.h"
#include "track/issue/transition.h"
#include "web/paging.h"

typedef struct issue_ctx {
	web_request *req;
	bool v3;
	const track_viewer *viewer;
	const track_scope *scope;
	track_issue_fields fields;
	const char *field; /* the field a WEFT_EINVALID is about */
	const char *comment; /* update.comment add / transition comment */
	unsigned comment_role; /* its visibility */
	const char **add_labels;
	size_t nadd;
	const char **remove_labels;
	size_t nremove;
	int64_t project_id;
	int64_t transition_id;
	int64_t resolution_id;
	json_t *out;
	track_issue issue;
	const json_t *body; /* the issue to create: the request's body, or one of a bulk request */
} issue_ctx;

static int64_t viewer_id(const issue_ctx *ctx)
{
	return ctx->viewer ? ctx->viewer->user.id : 0;
}

/* ---- reading fields and update operations ---- */

static int named_ref(db_conn *c, arena *a, const json_t *v,
                     int (*find)(db_conn *, const char *, int64_t *), int64_t *out)
{
	const json_t *name = json_object_get(v, "name");
	const char *key = track_jira_id_text(a, json_object_get(v, "id"));
	if (!key)
		key = json_is_string(name) ? json_string_value(name)
		      : json_is_string(v)  ? json_string_value(v)
		                           : NULL;
	if (!key)
		return err_fail(WEFT_EINVALID, "Expected {\"id\": …} or {\"name\": …}.");
	int rc = find(c, key, out);
	return rc == WEFT_ENOTFOUND ? err_fail(WEFT_EINVALID, "'%s' is not valid here.", key) : rc;
}

static int string_list(arena *a, const json_t *v, const char ***out, size_t *n)
{
	if (!json_is_array(v))
		return err_fail(WEFT_EINVALID, "Expected a list of labels.");
	*n = json_array_size(v);
	*out = arena_array(a, *n ? *n : 1, sizeof(char *));
	for (size_t i = 0; i < *n; i++) {
		const json_t *s = json_array_get(v, i);
		if (!json_is_string(s))
			return err_fail(WEFT_EINVALID, "Labels are strings.");
		(*out)[i] = json_string_value(s);
	}
	return 0;
}

static int parent_ref(db_conn *c, arena *a, const json_t *v, int64_t *out)
{
	const json_t *key = json_object_get(v, "key");
	const char *ref = json_is_string(key) ? json_string_value(key)
	                                      : track_jira_id_text(a, json_object_get(v, "id"));
	track_issue parent;
	int rc = ref ? track_issue_find(c, a, ref, &parent, NULL)
	             : err_fail(WEFT_EINVALID, "Expected {\"key\": …}.");
	if (rc == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_EINVALID, TRACK_ISSUE_NOT_FOUND);
	if (rc == 0)
		*out = parent.id;
	return rc;
}

static int estimate(web_request *req, const json_t *v, int64_t *out)
{
	if (json_is_null(v)) {
		*out = -2;
		return 0;
	}
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = json_integer_value(v);
		return 0;
	}
	track_app *app = track_app_of(req);
	return json_is_string(v) ? track_duration_parse(out, json_string_value(v),
	                                                app->hours_per_day, app->days_per_week)
	                         : err_fail(WEFT_EINVALID, "Expected a duration.");
}

/* One entry of "fields". */
static int read_field(db_conn *c, issue_ctx *ctx, const char *name, const json_t *v)
{
	arena *a = ctx->req->arena;
	track_issue_fields *f = &ctx->fields;
	if (strcmp(name, "summary") == 0)
		return json_is_string(v)
		               ? (f->summary = json_string_value(v), 0)
		               : err_fail(WEFT_EINVALID, "You must specify a summary of the "
		                                         "issue.");
	if (strcmp(name, "description") == 0) {
		int rc = track_jira_text_in(&f->description, a, v, ctx->v3);
		if (rc == 0 && !f->description)
			f->description = "";
		return rc;
	}
	if (strcmp(name, "issuetype") == 0)
		return named_ref(c, a, v, track_issue_type_find, &f->type_id);
	if (strcmp(name, "priority") == 0)
		return named_ref(c, a, v, track_priority_find, &f->priority_id);
	if (strcmp(name, "assignee") == 0) {
		int rc = track_jira_user_ref(c, a, v, &f->assignee_id);
		if (rc == 0 && f->assignee_id == 0)
			f->assignee_id = -1;
		return rc;
	}
	if (strcmp(name, "reporter") == 0)
		return track_jira_user_ref(c, a, v, &f->reporter_id);
	if (strcmp(name, "labels") == 0) {
		f->set_labels = true;
		return string_list(a, v, (const char ***)&f->labels, &f->nlabels);
	}
	if (strcmp(name, "parent") == 0)
		return parent_ref(c, a, v, &f->parent_id);
	if (strcmp(name, "timetracking") == 0) {
		const json_t *o = json_object_get(v, "originalEstimate");
		const json_t *r = json_object_get(v, "remainingEstimate");
		int rc = o ? estimate(ctx->req, o, &f->original_estimate) : 0;
		if (rc == 0 && r)
			rc = estimate(ctx->req, r, &f->remaining_estimate);
		return rc;
	}
	return 0; /* project (read by the caller), components, custom fields: not kept */
}

static int read_fields(db_conn *c, issue_ctx *ctx, const json_t *fields)
{
	const char *name;
	const json_t *v;
	json_object_foreach((json_t *)fields, name, v)
	{
		int rc = read_field(c, ctx, name, v);
		if (rc < 0) {
			ctx->field = name;
			return rc;
		}
	}
	return 0;
}

static int read_label_ops(issue_ctx *ctx, const json_t *ops)
{
	arena *a = ctx->req->arena;
	size_t n = json_array_size(ops);
	ctx->add_labels = arena_array(a, n + 1, sizeof(char *));
	ctx->remove_labels = arena_array(a, n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const json_t *op = json_array_get(ops, i);
		const json_t *add = json_object_get(op, "add");
		const json_t *remove = json_object_get(op, "remove");
		const json_t *set = json_object_get(op, "set");
		if (json_is_string(add))
			ctx->add_labels[ctx->nadd++] = json_string_value(add);
		else if (json_is_string(remove))
			ctx->remove_labels[ctx->nremove++] = json_string_value(remove);
		else if (set) {
			ctx->fields.set_labels = true;
			int rc = string_list(a, set, (const char ***)&ctx->fields.labels,
			                     &ctx->fields.nlabels);
			if (rc < 0)
				return rc;
		} else
			return err_fail(WEFT_EINVALID, "Label operations are add, remove and set.");
	}
	return 0;
}

static int read_comment_ops(issue_ctx *ctx, const json_t *ops)
{
	for (size_t i = 0; i < json_array_size(ops); i++) {
		const json_t *add = json_object_get(json_array_get(ops, i), "add");
		if (add) {
			int rc = track_jira_text_in(&ctx->comment, ctx->req->arena,
			                            json_object_get(add, "body"), ctx->v3);
			if (rc == 0)
				rc = track_api_visibility_in(json_object_get(add, "visibility"),
				                             &ctx->comment_role);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* "update": {field: [{set|add|remove: value}]}; set goes through the fields path. */
static int read_updates(db_conn *c, issue_ctx *ctx, const json_t *update)
{
	const char *name;
	const json_t *ops;
	json_object_foreach((json_t *)update, name, ops)
	{
		int rc = 0;
		if (!json_is_array(ops))
			rc = err_fail(WEFT_EINVALID, "Expected a list of operations.");
		else if (strcmp(name, "labels") == 0)
			rc = read_label_ops(ctx, ops);
		else if (strcmp(name, "comment") == 0)
			rc = read_comment_ops(ctx, ops);
		else
			for (size_t i = 0; rc == 0 && i < json_array_size(ops); i++) {
				const json_t *set = json_object_get(json_array_get(ops, i), "set");
				rc = set ? read_field(c, ctx, name, set) : 0;
			}
		if (rc < 0) {
			ctx->field = name;
			return rc;
		}
	}
	return 0;
}

/* ---- rendering ---- */

static bool wanted(const char **names, size_t n, const char *field)
{
	bool all = n == 0, excluded = false, named = false;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], "*all") == 0 || strcmp(names[i], "*navigable") == 0)
			all = true;
		else if (names[i][0] == '-' && strcmp(names[i] + 1, field) == 0)
			excluded = true;
		else if (strcmp(names[i], field) == 0)
			named = true;
	}
	return !excluded && (all || named);
}

/* The fields= values, comma lists and repeated parameters alike. */
static size_t field_names(web_request *req, const char ***out)
{
	const char **raw = NULL;
	size_t n = web_pairs_list(&raw, req->arena, &req->query, "fields");
	size_t cap = 0, count = 0;
	for (size_t i = 0; i < n; i++)
		cap += strlen(raw[i]) + 1;
	*out = arena_array(req->arena, cap + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		char *copy = arena_strdup(req->arena, raw[i]), *save = NULL;
		for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			(*out)[count++] = tok;
	}
	return count;
}

static json_t *project_ref(const web_request *req, const track_issue *i)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "self",
	                 track_jira_self(req, "project/%lld", (long long)i->project_id), "id",
	                 arena_printf(req->arena, "%lld", (long long)i->project_id), "key",
	                 i->project_key, "name", i->project_name, "projectTypeKey", "software",
	                 "simplified", false);
}

static json_t *labels_json(const track_issue *i)
{
	json_t *a = json_array();
	for (size_t k = 0; k < i->nlabels; k++)
		json_array_append_new(a, json_string(i->labels[k]));
	return a;
}

static json_t *seconds_or_null(int64_t s)
{
	return s >= 0 ? json_integer(s) : json_null();
}

static json_t *timetracking(web_request *req, const track_issue *i)
{
	track_app *app = track_app_of(req);
	json_t *t = json_object();
	if (i->original_estimate >= 0) {
		json_object_set_new(
		        t, "originalEstimate",
		        json_string(track_duration_format(req->arena, i->original_estimate,
		                                          app->hours_per_day, app->days_per_week)));
		json_object_set_new(t, "originalEstimateSeconds",
		                    json_integer(i->original_estimate));
	}
	if (i->remaining_estimate >= 0) {
		json_object_set_new(
		        t, "remainingEstimate",
		        json_string(track_duration_format(req->arena, i->remaining_estimate,
		                                          app->hours_per_day, app->days_per_week)));
		json_object_set_new(t, "remainingEstimateSeconds",
		                    json_integer(i->remaining_estimate));
	}
	if (i->time_spent > 0) {
		json_object_set_new(
		        t, "timeSpent",
		        json_string(track_duration_format(req->arena, i->time_spent,
		                                          app->hours_per_day, app->days_per_week)));
		json_object_set_new(t, "timeSpentSeconds", json_integer(i->time_spent));
	}
	return t;
}

static json_t *subtasks_of(web_request *req, const track_subtask *rows, size_t n, int64_t parent)
{
	json_t *list = json_array();
	for (size_t k = 0; k < n; k++)
		if (rows[k].parent_id == parent)
			json_array_append_new(
			        list,
			        json_pack("{s:s, s:s, s:s, s:{s:s, s:o}}", "id",
			                  arena_printf(req->arena, "%lld", (long long)rows[k].id),
			                  "key", rows[k].key, "self",
			                  track_jira_self(req, "issue/%lld", (long long)rows[k].id),
			                  "fields", "summary", rows[k].summary, "status",
			                  track_jira_status_json(req, &rows[k].status)));
	return list;
}

/* What a page of issues shares, loaded once for the page (track_api_issue_batch_load). */
struct track_issue_batch {
	track_user *users;
	size_t nusers;
	json_t *types; /* every issue type, as Jira shows it */
	track_subtask *subtasks;
	size_t nsubtasks;
	track_people_pair *watchers, *voters; /* fields.watches and fields.votes of the page */
	size_t nwatchers, nvoters;
	track_attachment *attachments; /* fields.attachment of the page */
	size_t nattachments;
	track_issue_link *links; /* fields.issuelinks of the page */
	size_t nlinks;
};

static const track_user *viewer_of(const web_request *req)
{
	const track_viewer *v = track_viewer_of(req);
	return v ? &v->user : NULL;
}

int track_api_issue_batch_load(track_issue_batch **out, db_conn *c, web_request *req,
                               const track_issue *issues, size_t n)
{
	track_issue_batch *b = arena_alloc(req->arena, sizeof *b);
	*b = (track_issue_batch){ 0 };
	int64_t *ids = arena_array(req->arena, 3 * n + 1, sizeof *ids);
	int64_t *parents = arena_array(req->arena, n + 1, sizeof *parents);
	size_t nids = 0;
	for (size_t k = 0; k < n; k++) {
		const int64_t people[] = { issues[k].assignee_id, issues[k].reporter_id,
			                   issues[k].creator_id };
		for (size_t p = 0; p < 3; p++)
			if (people[p] > 0)
				ids[nids++] = people[p];
		parents[k] = issues[k].id;
	}
	int rc = track_account_find_ids(c, req->arena, ids, nids, &b->users, &b->nusers);
	if (rc == 0)
		rc = track_jira_issuetypes_json(c, req, &b->types);
	if (rc == 0 && n > 0)
		rc = track_subtask_list(c, req->arena, parents, n, &b->subtasks, &b->nsubtasks);
	if (rc == 0 && n > 0)
		rc = track_people_of_issues(c, req->arena, TRACK_WATCHERS, parents, n, &b->watchers,
		                            &b->nwatchers);
	if (rc == 0 && n > 0)
		rc = track_people_of_issues(c, req->arena, TRACK_VOTERS, parents, n, &b->voters,
		                            &b->nvoters);
	if (rc == 0 && n > 0)
		rc = track_attachment_list(c, req->arena, parents, n, &b->attachments,
		                           &b->nattachments);
	if (rc == 0 && n > 0)
		rc = track_link_of_issues(c, req->arena, viewer_of(req), parents, n, &b->links,
		                          &b->nlinks);
	if (rc < 0) {
		track_api_issue_batch_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

void track_api_issue_batch_free(track_issue_batch *b)
{
	if (b)
		json_decref(b->types);
}

/* The user user_id as Jira shows one (null for none), from b when there is one. */
static json_t *user_json(db_conn *c, web_request *req, const track_issue_batch *b, int64_t user_id)
{
	if (!b)
		return track_jira_user(c, req, user_id);
	for (size_t k = 0; user_id > 0 && k < b->nusers; k++)
		if (b->users[k].id == user_id)
			return track_user_json(req, &b->users[k]);
	return json_null();
}

/* The issue type type_id as Jira shows one, from b when there is one. */
static int type_json(db_conn *c, web_request *req, const track_issue_batch *b, int64_t type_id,
                     json_t **out)
{
	if (!b)
		return track_jira_issuetype_json(c, req, type_id, out);
	const char *id = arena_printf(req->arena, "%lld", (long long)type_id);
	size_t k;
	json_t *type;
	json_array_foreach(b->types, k, type)
	{
		if (strcmp(json_string_value(json_object_get(type, "id")), id) == 0) {
			*out = json_incref(type);
			return 0;
		}
	}
	return err_fail(WEFT_ENOTFOUND, "The issue type %lld does not exist.", (long long)type_id);
}

static int subtasks_json(db_conn *c, web_request *req, const track_issue_batch *b,
                         const track_issue *i, json_t **out)
{
	if (b) {
		*out = subtasks_of(req, b->subtasks, b->nsubtasks, i->id);
		return 0;
	}
	track_subtask *rows = NULL;
	size_t n = 0;
	int rc = track_subtask_list(c, req->arena, &i->id, 1, &rows, &n);
	if (rc == 0)
		*out = subtasks_of(req, rows, n, i->id);
	return rc;
}

/* fields.issuelinks: the links whose other issue the viewer may browse. */
static int issuelinks_json(db_conn *c, web_request *req, const track_issue_batch *b,
                           const track_issue *i, json_t **out)
{
	if (b) {
		*out = track_api_issuelinks_json(req, b->links, b->nlinks, i->id);
		return 0;
	}
	track_issue_link *links = NULL;
	size_t n = 0;
	int rc = track_link_of_issues(c, req->arena, viewer_of(req), &i->id, 1, &links, &n);
	if (rc == 0)
		*out = track_api_issuelinks_json(req, links, n, i->id);
	return rc;
}

int track_api_visibility_in(const json_t *v, unsigned *out)
{
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	const json_t *type = json_object_get(v, "type");
	const json_t *value = json_object_get(v, "value");
	if (!json_is_string(type) || !json_is_string(value))
		return err_fail(WEFT_EINVALID, "Visibility needs a type (role) and a value.");
	return track_comment_visibility_parse(json_string_value(type), json_string_value(value),
	                                      out);
}

json_t *track_api_comment_json(db_conn *c, web_request *req, const track_comment *cm, bool v3,
                               int64_t issue_id)
{
	json_t *out = json_pack(
	        "{s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:b}", "self",
	        track_jira_self(req, "issue/%lld/comment/%lld", (long long)issue_id,
	                        (long long)cm->id),
	        "id", arena_printf(req->arena, "%lld", (long long)cm->id), "author",
	        track_jira_user(c, req, cm->author_id), "body", track_jira_text(cm->body, v3),
	        "updateAuthor", track_jira_user(c, req, cm->update_author_id), "created",
	        track_jira_time(req->arena, cm->created_at), "updated",
	        track_jira_time(req->arena, cm->updated_at), "jsdPublic", cm->role == 0);
	if (cm->role)
		json_object_set_new(out, "visibility",
		                    json_pack("{s:s, s:s, s:s}", "type", "role", "value",
		                              track_role_title(cm->role), "identifier",
		                              track_role_title(cm->role)));
	return out;
}

static int list_comments(db_conn *c, web_request *req, int64_t issue_id, int64_t start, int64_t max,
                         void **out, size_t *n, int64_t *total)
{
	const track_viewer *viewer = track_viewer_of(req);
	return track_comment_list(c, req->arena, issue_id, viewer ? &viewer->user : NULL, start,
	                          max, (track_comment **)out, n, total);
}

static json_t *comment_at(db_conn *c, web_request *req, const void *items, size_t k, bool v3,
                          int64_t issue_id)
{
	return track_api_comment_json(c, req, &((const track_comment *)items)[k], v3, issue_id);
}

static int list_worklogs(db_conn *c, web_request *req, int64_t issue_id, int64_t start, int64_t max,
                         void **out, size_t *n, int64_t *total)
{
	return track_worklog_list(c, req->arena, issue_id, start, max, (track_worklog **)out, n,
	                          total);
}

static json_t *worklog_at(db_conn *c, web_request *req, const void *items, size_t k, bool v3,
                          int64_t issue_id)
{
	(void)issue_id;
	return track_api_worklog_json(c, req, &((const track_worklog *)items)[k], v3);
}

/* How each kind of child is listed and shown. */
static const struct {
	const char *key;
	int (*list)(db_conn *c, web_request *req, int64_t issue_id, int64_t start, int64_t max,
	            void **out, size_t *n, int64_t *total);
	json_t *(*json)(db_conn *c, web_request *req, const void *items, size_t k, bool v3,
	                int64_t issue_id);
} children[] = {
	[TRACK_API_COMMENTS] = { "comments", list_comments, comment_at },
	[TRACK_API_WORKLOGS] = { "worklogs", list_worklogs, worklog_at },
};

int track_api_children(db_conn *c, web_request *req, const track_api_children_page *page,
                       json_t **out)
{
	void *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = children[page->kind].list(c, req, page->issue_id, page->start, page->max, &items,
	                                   &n, &total);
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(list, children[page->kind].json(c, req, items, k, page->v3,
		                                                      page->issue_id));
	const char *key = children[page->kind].key;
	json_int_t max = page->as_field ? (json_int_t)n : (json_int_t)page->max;
	*out = page->as_field
	               ? json_pack("{s:o, s:I, s:I, s:I}", key, list, "startAt",
	                           (json_int_t)page->start, "maxResults", max, "total",
	                           (json_int_t)total)
	               : json_pack("{s:I, s:I, s:I, s:o}", "startAt", (json_int_t)page->start,
	                           "maxResults", max, "total", (json_int_t)total, key, list);
	return 0;
}

static int child_field(db_conn *c, web_request *req, track_api_child kind, const track_issue *i,
                       bool v3, json_t **out)
{
	const track_api_children_page page = {
		.kind = kind, .issue_id = i->id, .max = 1000, .v3 = v3, .as_field = true
	};
	return track_api_children(c, req, &page, out);
}

/* fields.attachment: the issue's attachments, from b when there is one. */
static int attachment_field(db_conn *c, web_request *req, const track_issue_batch *b,
                            const track_issue *i, json_t **out)
{
	track_attachment *list = b ? b->attachments : NULL;
	size_t n = b ? b->nattachments : 0;
	int rc = b ? 0 : track_attachment_list(c, req->arena, &i->id, 1, &list, &n);
	if (rc < 0)
		return rc;
	*out = json_array();
	for (size_t k = 0; k < n; k++)
		if (list[k].issue_id == i->id)
			json_array_append_new(*out,
			                      track_api_attachment_json(req, &list[k], false));
	return 0;
}

static void set_time(json_t *o, arena *a, const char *key, int64_t ms)
{
	const char *t = track_jira_time(a, ms);
	json_object_set_new(o, key, t ? json_string(t) : json_null());
}

static void put(json_t *fields, const char **names, size_t n, const char *key, json_t *v)
{
	if (wanted(names, n, key))
		json_object_set_new(fields, key, v);
	else
		json_decref(v);
}

static int basic_fields(db_conn *c, web_request *req, const track_issue_batch *b,
                        const track_issue *i, bool v3, const char **names, size_t n, json_t *f)
{
	json_t *type = NULL;
	int rc = type_json(c, req, b, i->type_id, &type);
	if (rc < 0)
		return rc;
	track_status s = { i->status_id, i->status_name, "", i->status_category };
	put(f, names, n, "summary", json_string(i->summary));
	put(f, names, n, "description",
	    *i->description ? track_jira_text(i->description, v3) : json_null());
	put(f, names, n, "project", project_ref(req, i));
	put(f, names, n, "issuetype", type);
	put(f, names, n, "status", track_jira_status_json(req, &s));
	put(f, names, n, "priority",
	    track_jira_priority_json(req, i->priority_id, i->priority_name));
	put(f, names, n, "assignee", user_json(c, req, b, i->assignee_id));
	put(f, names, n, "reporter", user_json(c, req, b, i->reporter_id));
	put(f, names, n, "creator", user_json(c, req, b, i->creator_id));
	put(f, names, n, "labels", labels_json(i));
	put(f, names, n, "resolution",
	    track_jira_resolution_json(req, i->resolution_id, i->resolution_name));
	put(f, names, n, "timeoriginalestimate", seconds_or_null(i->original_estimate));
	put(f, names, n, "timeestimate", seconds_or_null(i->remaining_estimate));
	put(f, names, n, "timespent", i->time_spent ? json_integer(i->time_spent) : json_null());
	put(f, names, n, "timetracking", timetracking(req, i));
	put(f, names, n, "components", json_array());
	put(f, names, n, "fixVersions", json_array());
	put(f, names, n, "versions", json_array());
	json_t *times = json_object();
	set_time(times, req->arena, "created", i->created_at);
	set_time(times, req->arena, "updated", i->updated_at);
	set_time(times, req->arena, "resolutiondate", i->resolution_date);
	const char *key;
	json_t *v;
	json_object_foreach(times, key, v) put(f, names, n, key, json_incref(v));
	json_decref(times);
	return 0;
}

static int more_fields(db_conn *c, web_request *req, const track_issue_batch *b,
                       const track_issue *i, bool v3, const char **names, size_t n, json_t *f)
{
	int rc = 0;
	if (i->parent_id && wanted(names, n, "parent"))
		json_object_set_new(
		        f, "parent",
		        json_pack("{s:s, s:s, s:s}", "id",
		                  arena_printf(req->arena, "%lld", (long long)i->parent_id), "key",
		                  i->parent_key, "self",
		                  track_jira_self(req, "issue/%lld", (long long)i->parent_id)));
	json_t *v = NULL;
	if (wanted(names, n, "subtasks") && (rc = subtasks_json(c, req, b, i, &v)) == 0)
		json_object_set_new(f, "subtasks", v);
	if (rc == 0 && wanted(names, n, "issuelinks") &&
	    (rc = issuelinks_json(c, req, b, i, &v)) == 0)
		json_object_set_new(f, "issuelinks", v);
	if (rc == 0 && wanted(names, n, "comment") &&
	    (rc = child_field(c, req, TRACK_API_COMMENTS, i, v3, &v)) == 0)
		json_object_set_new(f, "comment", v);
	if (rc == 0 && wanted(names, n, "worklog") &&
	    (rc = child_field(c, req, TRACK_API_WORKLOGS, i, v3, &v)) == 0)
		json_object_set_new(f, "worklog", v);
	if (rc == 0 && wanted(names, n, "attachment") &&
	    (rc = attachment_field(c, req, b, i, &v)) == 0)
		json_object_set_new(f, "attachment", v);
	json_t *watches = NULL, *votes = NULL;
	bool people = wanted(names, n, "watches") || wanted(names, n, "votes");
	if (rc == 0 && people && b)
		track_api_people_fields_of(req, i->id, i->key, b->watchers, b->nwatchers, b->voters,
		                           b->nvoters, &watches, &votes);
	else if (rc == 0 && people)
		rc = track_api_people_fields(c, req, i->id, i->key, &watches, &votes);
	if (rc == 0) {
		put(f, names, n, "watches", watches);
		put(f, names, n, "votes", votes);
	}
	return rc;
}

static json_t *histories_json(db_conn *c, web_request *req, const track_change *list, size_t n)
{
	json_t *histories = json_array();
	for (size_t k = 0; k < n; k++) {
		json_t *items = json_array();
		for (size_t m = 0; m < list[k].nitems; m++) {
			const track_change_item *it = &list[k].items[m];
			json_t *item = json_pack("{s:s, s:s, s:s}", "field", it->field, "fieldtype",
			                         "jira", "fieldId", it->field);
			json_object_set_new(item, "from",
			                    it->from_value ? json_string(it->from_value)
			                                   : json_null());
			json_object_set_new(item, "fromString",
			                    it->from_string ? json_string(it->from_string)
			                                    : json_null());
			json_object_set_new(item, "to",
			                    it->to_value ? json_string(it->to_value) : json_null());
			json_object_set_new(item, "toString",
			                    it->to_string ? json_string(it->to_string)
			                                  : json_null());
			json_array_append_new(items, item);
		}
		json_array_append_new(
		        histories,
		        json_pack("{s:s, s:o, s:s, s:o}", "id",
		                  arena_printf(req->arena, "%lld", (long long)list[k].id), "author",
		                  track_jira_user(c, req, list[k].author_id), "created",
		                  track_jira_time(req->arena, list[k].created_at), "items", items));
	}
	return histories;
}

/* expand=changelog embeds the first TRACK_CHANGELOG_PAGE change groups; GET …/changelog pages
 * through the rest. */
enum { TRACK_CHANGELOG_PAGE = 100 };

static int changelog_json(db_conn *c, web_request *req, const track_issue *i, json_t **out)
{
	track_change *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = track_changelog_page(c, req->arena, i->id, 0, TRACK_CHANGELOG_PAGE, &list, &n,
	                              &total);
	if (rc == 0)
		*out = json_pack("{s:i, s:I, s:I, s:o}", "startAt", 0, "maxResults", (json_int_t)n,
		                 "total", (json_int_t)total, "histories",
		                 histories_json(c, req, list, n));
	return rc;
}

static json_t *transition_json(const web_request *req, const track_transition *t);

/* The transitions available now, as GET transitions lists them. */
static int transitions_list(db_conn *c, web_request *req, const track_issue *i, json_t **out)
{
	track_transition *list = NULL;
	size_t n = 0;
	int rc = track_workflow_available(c, req->arena, i->project_id, i->status_id, &list, &n);
	if (rc < 0)
		return rc;
	*out = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(*out, transition_json(req, &list[k]));
	return 0;
}

static bool expands(web_request *req, const char *what)
{
	const char **list = NULL;
	size_t n = web_pairs_list(&list, req->arena, &req->query, "expand");
	for (size_t i = 0; i < n; i++) {
		char *copy = arena_strdup(req->arena, list[i]), *save = NULL;
		for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (strcmp(tok, what) == 0)
				return true;
	}
	return false;
}

static int expansions(db_conn *c, web_request *req, const track_issue *i, json_t *out)
{
	if (expands(req, "renderedFields")) {
		const char *html =
		        web_markdown_html(req->arena, i->description, strlen(i->description));
		json_object_set_new(out, "renderedFields",
		                    json_pack("{s:s}", "description", html ? html : ""));
	}
	if (expands(req, "transitions")) {
		json_t *list = NULL;
		int rc = transitions_list(c, req, i, &list);
		if (rc < 0)
			return rc;
		json_object_set_new(out, "transitions", list);
	}
	if (!expands(req, "changelog"))
		return 0;
	json_t *changelog = NULL;
	int rc = changelog_json(c, req, i, &changelog);
	if (rc == 0)
		json_object_set_new(out, "changelog", changelog);
	return rc;
}

int track_api_issue_json(db_conn *c, web_request *req, const track_issue *i, bool v3, json_t **out)
{
	return track_api_issue_json_batch(c, req, i, v3, NULL, out);
}

int track_api_issue_json_batch(db_conn *c, web_request *req, const track_issue *i, bool v3,
                               const track_issue_batch *b, json_t **out)
{
	const char **names = NULL;
	size_t n = field_names(req, &names);
	json_t *fields = json_object();
	int rc = basic_fields(c, req, b, i, v3, names, n, fields);
	if (rc == 0)
		rc = more_fields(c, req, b, i, v3, names, n, fields);
	json_t *issue = json_pack("{s:s, s:s, s:s, s:s, s:o}", "expand",
	                          "renderedFields,names,schema,transitions,operations,editmeta,"
	                          "changelog",
	                          "id", arena_printf(req->arena, "%lld", (long long)i->id), "self",
	                          track_jira_self(req, "issue/%lld", (long long)i->id), "key",
	                          i->key, "fields", fields);
	if (rc == 0)
		rc = expansions(c, req, i, issue);
	if (rc < 0) {
		json_decref(issue);
		return rc;
	}
	*out = issue;
	return 0;
}

/* ---- handlers ---- */

static issue_ctx ctx_of(web_request *req, int *rc)
{
	issue_ctx ctx = { .req = req,
		          .viewer = track_viewer_of(req),
		          .scope = track_scope_of(req) };
	ctx.fields = track_issue_fields_none();
	ctx.body = req->json;
	*rc = track_jira_version(req, &ctx.v3);
	return ctx;
}

/* Answers a field error (400 with errors.{field}) or passes any other error on. */
static int finish(web_response *res, issue_ctx *ctx, int rc)
{
	if (rc == WEFT_EINVALID) {
		track_jira_bad_request(res, ctx->field, err_msg());
		return 0;
	}
	return rc;
}

static int project_of_fields(db_conn *c, issue_ctx *ctx, const json_t *fields)
{
	const json_t *p = json_object_get(fields, "project");
	const json_t *key = json_object_get(p, "key");
	const char *ref = json_is_string(key)
	                          ? json_string_value(key)
	                          : track_jira_id_text(ctx->req->arena, json_object_get(p, "id"));
	ctx->field = "project";
	/* The route declares no scope: the project is in the body, one per element of a bulk
	 * create (track_perm_create_project says why it is a field check). */
	int rc = track_perm_create_project(
	        c, ctx->req->arena, ctx->viewer ? &ctx->viewer->user : NULL, ref, &ctx->project_id);
	if (rc == 0)
		ctx->field = NULL;
	return rc;
}

static int create_tx(db_conn *c, void *p)
{
	issue_ctx *ctx = p;
	const json_t *body = ctx->body;
	const json_t *fields = json_object_get(body, "fields");
	int rc = json_is_object(fields) ? project_of_fields(c, ctx, fields)
	                                : err_fail(WEFT_EINVALID, "Expected a fields object.");
	if (rc == 0)
		rc = read_fields(c, ctx, fields);
	if (rc == 0 && json_is_object(json_object_get(body, "update")))
		rc = read_updates(c, ctx, json_object_get(body, "update"));
	if (rc == 0 && !ctx->fields.summary)
		ctx->field = "summary";
	if (rc == 0)
		rc = track_issue_create(c, ctx->req->arena, ctx->project_id, &ctx->fields,
		                        viewer_id(ctx), &ctx->issue, &ctx->field);
	return rc;
}

/* Jira's CreatedIssue: {id, key, self}. */
static json_t *created_json(web_request *req, const track_issue *issue)
{
	return json_pack("{s:s, s:s, s:s}", "id",
	                 arena_printf(req->arena, "%lld", (long long)issue->id), "key", issue->key,
	                 "self", track_jira_self(req, "issue/%lld", (long long)issue->id));
}

int track_api_issue_create(web_request *req, web_response *res)
{
	int rc;
	issue_ctx ctx = ctx_of(req, &rc);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, create_tx, &ctx);
	if (rc < 0)
		return finish(res, &ctx, rc);
	web_res_json(res, 201, created_json(req, &ctx.issue));
	return 0;
}

/* Jira's BulkOperationErrorResult for the element at index that could not be created. */
static json_t *bulk_error_json(const issue_ctx *ctx, size_t index)
{
	json_t *errors = json_object(), *messages = json_array();
	if (ctx->field)
		json_object_set_new(errors, ctx->field, json_string(err_msg()));
	else
		json_array_append_new(messages, json_string(err_msg()));
	return json_pack("{s:i, s:{s:o, s:o}, s:I}", "status", 400, "elementErrors",
	                 "errorMessages", messages, "errors", errors, "failedElementNumber",
	                 (json_int_t)index);
}

/* POST issue/bulk: {"issueUpdates": [ISSUE, …]}, at most TRACK_BULK_CREATE_MAX. As in Jira,
 * each issue is created in a transaction of its own and the answer lists the created ones and
 * the errors of the others by position; 201 when any was created, 400 when none was. */
int track_api_issue_bulk_create(web_request *req, web_response *res)
{
	const json_t *updates = json_object_get(req->json, "issueUpdates");
	if (!json_is_array(updates) || json_array_size(updates) == 0 ||
	    json_array_size(updates) > TRACK_BULK_CREATE_MAX) {
		track_jira_bad_request(
		        res, NULL,
		        arena_printf(req->arena, "issueUpdates must list 1 to %d issues to create.",
		                     TRACK_BULK_CREATE_MAX));
		return 0;
	}
	json_t *issues = json_array(), *errors = json_array();
	size_t index;
	const json_t *one;
	json_array_foreach(updates, index, one)
	{
		int rc;
		issue_ctx ctx = ctx_of(req, &rc);
		ctx.body = one;
		if (rc == 0)
			rc = json_is_object(one)
			             ? db_tx(track_app_of(req)->d, create_tx, &ctx)
			             : err_fail(WEFT_EINVALID, "Expected an issue object.");
		if (rc == 0)
			json_array_append_new(issues, created_json(req, &ctx.issue));
		else if (rc == WEFT_EINVALID)
			json_array_append_new(errors, bulk_error_json(&ctx, index));
		else {
			json_decref(issues);
			json_decref(errors);
			return rc;
		}
	}
	int status = json_array_size(issues) ? 201 : 400;
	web_res_json(res, status, json_pack("{s:o, s:o}", "issues", issues, "errors", errors));
	return 0;
}

static int get_tx(db_conn *c, void *p)
{
	issue_ctx *ctx = p;
	int rc = track_issue_get(c, ctx->req->arena, ctx->scope->issue_id, &ctx->issue);
	if (rc == 0)
		rc = track_api_issue_json(c, ctx->req, &ctx->issue, ctx->v3, &ctx->out);
	return rc;
}

/* Answers 200 with the JSON fn builds in ctx->out. */
static int read_json(web_request *req, web_response *res, db_fn fn)
{
	int rc;
	issue_ctx ctx = ctx_of(req, &rc);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, fn, &ctx, &ctx.out);
	return rc;
}

int track_api_issue(web_request *req, web_response *res)
{
	return read_json(req, res, get_tx);
}

/* GET …/changelog: Jira's PageBeanChangelog (values, startAt, maxResults, total, isLast). */
static int changelog_tx(db_conn *c, void *p)
{
	issue_ctx *ctx = p;
	int64_t total = 0;
	web_paging pg;
	web_paging_offset(&pg, ctx->req, TRACK_CHANGELOG_PAGE, TRACK_CHANGELOG_PAGE);
	int64_t start = pg.start, max = pg.max;
	track_change *list = NULL;
	size_t n = 0;
	int rc = track_changelog_page(c, ctx->req->arena, ctx->scope->issue_id, start, max, &list,
	                              &n, &total);
	if (rc == 0)
		ctx->out = json_pack(
		        "{s:s, s:I, s:I, s:I, s:b, s:o}", "self",
		        track_jira_self(ctx->req, "issue/%s/changelog?startAt=%lld&maxResults=%lld",
		                        ctx->scope->issue_key, (long long)start, (long long)max),
		        "maxResults", (json_int_t)max, "startAt", (json_int_t)start, "total",
		        (json_int_t)total, "isLast", start + (int64_t)n >= total, "values",
		        histories_json(c, ctx->req, list, n));
	return rc;
}

int track_api_changelog(web_request *req, web_response *res)
{
	return read_json(req, res, changelog_tx);
}

static int apply_label_ops(db_conn *c, issue_ctx *ctx)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < ctx->nadd; i++)
		rc = track_issue_label_add(c, ctx->req->arena, ctx->scope->issue_id,
		                           ctx->add_labels[i], viewer_id(ctx));
	for (size_t i = 0; rc == 0 && i < ctx->nremove; i++)
		rc = track_issue_label_remove(c, ctx->req->arena, ctx->scope->issue_id,
		                              ctx->remove_labels[i], viewer_id(ctx));
	if (rc < 0)
		ctx->field = "labels";
	return rc;
}

static int add_comment(db_conn *c, issue_ctx *ctx)
{
	if (!ctx->comment)
		return 0;
	track_comment cm;
	int rc = track_comment_add(c, ctx->req->arena, ctx->scope->issue_id,
	                           ctx->viewer ? &ctx->viewer->user : NULL, ctx->comment,
	                           ctx->comment_role, &cm);
	if (rc < 0)
		ctx->field = "comment";
	return rc;
}

static int edit_tx(db_conn *c, void *p)
{
	issue_ctx *ctx = p;
	const json_t *body = ctx->req->json;
	const json_t *fields = json_object_get(body, "fields");
	const json_t *update = json_object_get(body, "update");
	int rc = json_is_object(fields) ? read_fields(c, ctx, fields) : 0;
	if (rc == 0 && json_is_object(update))
		rc = read_updates(c, ctx, update);
	if (rc == 0)
		rc = track_issue_edit(c, ctx->req->arena, ctx->scope->issue_id, &ctx->fields,
		                      viewer_id(ctx), &ctx->field);
	if (rc == 0)
		rc = apply_label_ops(c, ctx);
	if (rc == 0)
		rc = add_comment(c, ctx);
	return rc;
}

int track_api_issue_edit(web_request *req, web_response *res)
{
	int rc;
	issue_ctx ctx = ctx_of(req, &rc);
	if (rc == 0 && !json_is_object(req->json))
		rc = err_fail(WEFT_EINVALID, "Expected a JSON object.");
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, edit_tx, &ctx);
	if (rc < 0)
		return finish(res, &ctx, rc);
	web_res_text(res, 204, "");
	return 0;
}

static int delete_tx(db_conn *c, void *p)
{
	issue_ctx *ctx = p;
	const char *sub = web_query(ctx->req, "deleteSubtasks");
	return track_issue_delete(c, ctx->scope->issue_id, sub && strcmp(sub, "true") == 0);
}

int track_api_issue_delete(web_request *req, web_response *res)
{
	int rc;
	issue_ctx ctx = ctx_of(req, &rc);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, delete_tx, &ctx);
	if (rc == WEFT_ECONFLICT)
		rc = err_fail(WEFT_EINVALID, "%s", err_msg());
	if (rc == 0)
		web_res_text(res, 204, "");
	return rc;
}

static int assign_tx(db_conn *c, void *p)
{
	issue_ctx *ctx = p;
	int64_t user = 0;
	ctx->field = "assignee";
	int rc = track_jira_user_ref(c, ctx->req->arena, ctx->req->json, &user);
	if (rc == 0)
		rc = track_issue_assign(c, ctx->req->arena, ctx->scope->issue_id, user,
		                        viewer_id(ctx));
	return rc;
}

int track_api_issue_assign(web_request *req, web_response *res)
{
	int rc;
	issue_ctx ctx = ctx_of(req, &rc);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, assign_tx, &ctx);
	if (rc < 0)
		return finish(res, &ctx, rc);
	web_res_text(res, 204, "");
	return 0;
}

/* ---- transitions ---- */

static json_t *transition_json(const web_request *req, const track_transition *t)
{
	return json_pack("{s:s, s:s, s:o, s:b, s:b, s:b, s:b, s:b, s:b}", "id",
	                 arena_printf(req->arena, "%lld", (long long)t->id), "name", t->name, "to",
	                 track_jira_status_json(req, &t->to), "hasScreen", false, "isGlobal",
	                 t->from_status_id == 0, "isInitial", false, "isAvailable", true,
	                 "isConditional", false, "isLooped", false);
}

static int transitions_tx(db_conn *c, void *p)
{
	issue_ctx *ctx = p;
	track_issue issue;
	json_t *list = NULL;
	int rc = track_issue_get(c, ctx->req->arena, ctx->scope->issue_id, &issue);
	if (rc == 0)
		rc = transitions_list(c, ctx->req, &issue, &list);
	if (rc == 0)
		ctx->out = json_pack("{s:s, s:o}", "expand", "transitions", "transitions", list);
	return rc;
}

int track_api_transitions(web_request *req, web_response *res)
{
	return read_json(req, res, transitions_tx);
}

static int read_transition(db_conn *c, issue_ctx *ctx)
{
	const json_t *body = ctx->req->json;
	const json_t *id = json_object_get(json_object_get(body, "transition"), "id");
	ctx->field = "transition";
	if (!id || json_is_null(id))
		return err_fail(WEFT_EINVALID, "Missing 'transition' identifier");
	int rc = track_jira_int(id, "transition", &ctx->transition_id);
	if (rc < 0)
		return rc;
	const json_t *resolution = json_object_get(json_object_get(body, "fields"), "resolution");
	ctx->field = "resolution";
	rc = resolution && !json_is_null(resolution)
	             ? named_ref(c, ctx->req->arena, resolution, track_resolution_find,
	                         &ctx->resolution_id)
	             : 0;
	if (rc == 0)
		ctx->field = NULL;
	return rc;
}

static int transition_tx(db_conn *c, void *p)
{
	issue_ctx *ctx = p;
	const json_t *update = json_object_get(ctx->req->json, "update");
	int rc = read_transition(c, ctx);
	if (rc == 0 && json_is_object(update))
		rc = read_updates(c, ctx, update);
	if (rc == 0)
		rc = track_issue_transition(c, ctx->scope->issue_id, ctx->transition_id,
		                            ctx->resolution_id, viewer_id(ctx));
	if (rc == 0)
		rc = add_comment(c, ctx);
	return rc;
}

int track_api_transition_do(web_request *req, web_response *res)
{
	int rc;
	issue_ctx ctx = ctx_of(req, &rc);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, transition_tx, &ctx);
	if (rc < 0)
		return finish(res, &ctx, rc);
	web_res_text(res, 204, "");
	return 0;
}
