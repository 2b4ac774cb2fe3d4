/* Jira's create and edit metadata (createmeta_api.h): one table of the fields track keeps, each
 * described as Jira's FieldMetadata, with the allowed values read from the store. */
#include "web/paging.h"
#include "track/issue/createmeta_api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "track/account/account_web.h"
#include "track/issue/choice.h"
#include "track/issue/issue.h"
#include "track/jira.h"
#include "track/project/project.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "web/form.h"

enum { META_PAGE_MAX = 200 };

/* The fields an issue has here: id (= key), name, schema type (items for arrays) and whether a
 * create needs it. */
static const struct field_def {
	const char *id, *name, *type, *items;
	bool required;
	const char *const *operations;
} field_defs[] = {
	{ "summary", "Summary", "string", NULL, true, (const char *const[]){ "set", NULL } },
	{ "issuetype", "Issue Type", "issuetype", NULL, true,
	  (const char *const[]){ "set", NULL } },
	{ "project", "Project", "project", NULL, true, (const char *const[]){ "set", NULL } },
	{ "parent", "Parent", "issuelink", NULL, false, (const char *const[]){ "set", NULL } },
	{ "description", "Description", "string", NULL, false,
	  (const char *const[]){ "set", NULL } },
	{ "priority", "Priority", "priority", NULL, false, (const char *const[]){ "set", NULL } },
	{ "assignee", "Assignee", "user", NULL, false, (const char *const[]){ "set", NULL } },
	{ "reporter", "Reporter", "user", NULL, false, (const char *const[]){ "set", NULL } },
	{ "labels", "Labels", "array", "string", false,
	  (const char *const[]){ "add", "set", "remove", NULL } },
	{ "timetracking", "Time tracking", "timetracking", NULL, false,
	  (const char *const[]){ "set", "edit", NULL } },
	{ "comment", "Comment", "comments-page", NULL, false,
	  (const char *const[]){ "add", "edit", "remove", NULL } },
};

typedef struct meta_ctx {
	web_request *req;
	const track_user *user;
	const track_project *project; /* the project the fields are for */
	int64_t type_id;
	bool subtask;
	json_t *out;
} meta_ctx;

static json_t *operations(const char *const *ops)
{
	json_t *arr = json_array();
	for (; *ops; ops++)
		json_array_append_new(arr, json_string(*ops));
	return arr;
}

static int priorities(db_conn *c, const web_request *req, json_t **out)
{
	track_choice *list = NULL;
	size_t n = 0;
	int rc = track_choice_list(c, req->arena, TRACK_CHOICE_PRIORITIES, 0, &list, &n);
	*out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(*out,
		                      track_jira_priority_json(req, list[i].id, list[i].name));
	return rc;
}

/* What a field allows or defaults to, and where clients complete it. */
static int field_extras(db_conn *c, meta_ctx *m, const char *id, json_t *f)
{
	web_request *req = m->req;
	json_t *values = NULL;
	int rc = 0;
	if (strcmp(id, "issuetype") == 0 && m->type_id)
		rc = track_jira_issuetype_json(c, req, m->type_id, &values);
	else if (strcmp(id, "project") == 0 && m->project)
		values =
		        json_pack("{s:s, s:s, s:s, s:s}", "self",
		                  track_jira_self(req, "project/%lld", (long long)m->project->id),
		                  "id", arena_printf(req->arena, "%lld", (long long)m->project->id),
		                  "key", m->project->key, "name", m->project->name);
	else if (strcmp(id, "priority") == 0) {
		rc = priorities(c, req, &values);
		if (rc == 0)
			json_object_set_new(
			        f, "defaultValue",
			        track_jira_priority_json(req, TRACK_PRIORITY_MEDIUM, "Medium"));
	} else if (strcmp(id, "assignee") == 0 && m->project)
		json_object_set_new(
		        f, "autoCompleteUrl",
		        json_string(track_jira_self(
		                req, "user/assignable/search?project=%s&query=", m->project->key)));
	else if (strcmp(id, "reporter") == 0)
		json_object_set_new(f, "autoCompleteUrl",
		                    json_string(track_jira_self(req, "user/search?query=")));
	if (values)
		json_object_set_new(f, "allowedValues",
		                    json_is_array(values) ? values : json_pack("[o]", values));
	json_object_set_new(f, "hasDefaultValue",
	                    json_boolean(json_object_get(f, "defaultValue") != NULL));
	return rc;
}

static int field_json(db_conn *c, meta_ctx *m, const struct field_def *d, json_t **out)
{
	json_t *schema = json_pack("{s:s, s:s}", "type", d->type, "system", d->id);
	if (d->items)
		json_object_set_new(schema, "items", json_string(d->items));
	bool required = d->required || (strcmp(d->id, "parent") == 0 && m->subtask);
	*out = json_pack("{s:b, s:o, s:s, s:s, s:o}", "required", required, "schema", schema,
	                 "name", d->name, "key", d->id, "operations", operations(d->operations));
	return field_extras(c, m, d->id, *out);
}

/* Whether field id belongs to a create (create) or an edit form, for this type. */
static bool field_applies(const meta_ctx *m, const char *id, bool create)
{
	if (strcmp(id, "parent") == 0)
		return m->subtask;
	if (create)
		return strcmp(id, "comment") != 0;
	return strcmp(id, "project") != 0;
}

/* The fields as an object by id (createmeta, editmeta) or, with as_list, as an array of
 * FieldCreateMetadata with fieldId. */
static int fields_json(db_conn *c, meta_ctx *m, bool create, bool as_list, json_t **out)
{
	json_t *fields = as_list ? json_array() : json_object();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof field_defs / sizeof field_defs[0]; i++) {
		if (!field_applies(m, field_defs[i].id, create))
			continue;
		json_t *f = NULL;
		rc = field_json(c, m, &field_defs[i], &f);
		if (as_list) {
			json_object_set_new(f, "fieldId", json_string(field_defs[i].id));
			json_array_append_new(fields, f);
		} else
			json_object_set_new(fields, field_defs[i].id, f);
	}
	if (rc < 0)
		json_decref(fields);
	else
		*out = fields;
	return rc;
}

/* Whether the issue type JSON t is wanted by issuetypeIds / issuetypeNames. */
static bool type_wanted(web_request *req, const json_t *t)
{
	const char **ids = NULL, **names = NULL;
	size_t nids = web_pairs_list(&ids, req->arena, &req->query, "issuetypeIds");
	size_t nnames = web_pairs_list(&names, req->arena, &req->query, "issuetypeNames");
	if (nids == 0 && nnames == 0)
		return true;
	const char *id = json_string_value(json_object_get(t, "id"));
	const char *name = json_string_value(json_object_get(t, "name"));
	for (size_t i = 0; i < nids; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	for (size_t i = 0; i < nnames; i++)
		if (strcasecmp(names[i], name) == 0)
			return true;
	return false;
}

static int project_types(db_conn *c, meta_ctx *m, bool with_fields, json_t **out)
{
	json_t *types = NULL, *list = json_array();
	int rc = track_jira_issuetypes_json(c, m->req, &types);
	size_t i;
	json_t *t;
	json_array_foreach(types, i, t)
	{
		if (rc < 0 || !type_wanted(m->req, t))
			continue;
		m->type_id = strtoll(json_string_value(json_object_get(t, "id")), NULL, 10);
		m->subtask = json_is_true(json_object_get(t, "subtask"));
		json_t *fields = NULL;
		if (with_fields && (rc = fields_json(c, m, true, false, &fields)) == 0)
			json_object_set_new(t, "fields", fields);
		json_object_set_new(t, "expand", json_string("fields"));
		json_array_append(list, t);
	}
	json_decref(types);
	if (rc < 0)
		json_decref(list);
	else
		*out = list;
	return rc;
}

/* Whether the project is asked for by projectKeys / projectIds (all when neither is given). */
static bool project_wanted(web_request *req, const track_project *p)
{
	const char **keys = NULL, **ids = NULL;
	size_t nkeys = web_pairs_list(&keys, req->arena, &req->query, "projectKeys");
	size_t nids = web_pairs_list(&ids, req->arena, &req->query, "projectIds");
	if (nkeys == 0 && nids == 0)
		return true;
	const char *id = arena_printf(req->arena, "%lld", (long long)p->id);
	for (size_t i = 0; i < nkeys; i++)
		if (strcasecmp(keys[i], p->key) == 0)
			return true;
	for (size_t i = 0; i < nids; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

static json_t *project_ref(const web_request *req, const track_project *p)
{
	const char *icon = arena_printf(req->arena, "%s/static/track-icon.svg", web_base_url(req));
	return json_pack(
	        "{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}", "expand", "issuetypes", "self",
	        track_jira_self(req, "project/%lld", (long long)p->id), "id",
	        arena_printf(req->arena, "%lld", (long long)p->id), "key", p->key, "name", p->name,
	        "avatarUrls", "48x48", icon, "24x24", icon, "16x16", icon, "32x32", icon);
}

static int createmeta_tx(db_conn *c, void *p)
{
	meta_ctx *m = p;
	web_request *req = m->req;
	track_project *list = NULL;
	size_t n = 0;
	const char *expand = web_query(req, "expand");
	bool with_fields = expand && strstr(expand, "projects.issuetypes.fields");
	int rc = track_project_list(c, req->arena, m->user->id, m->user->is_admin, &list, &n);
	json_t *projects = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		bool allowed = false;
		rc = track_perm_check(c, m->user, list[i].id, TRACK_PERM_CREATE_ISSUES, &allowed);
		if (rc < 0 || !allowed || !project_wanted(req, &list[i]))
			continue;
		json_t *types = NULL, *o = project_ref(req, &list[i]);
		m->project = &list[i];
		rc = project_types(c, m, with_fields, &types);
		json_object_set_new(o, "issuetypes", rc == 0 ? types : json_array());
		json_array_append_new(projects, o);
	}
	m->out = json_pack("{s:s, s:o}", "expand", "projects", "projects", projects);
	return rc;
}

static int run(web_request *req, web_response *res, db_fn fn, meta_ctx *m)
{
	bool v3;
	const track_viewer *v = track_viewer_of(req);
	m->req = req;
	m->user = v ? &v->user : NULL;
	int rc = track_jira_version(req, &v3);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, fn, m, &m->out);
	return rc;
}

int track_api_createmeta(web_request *req, web_response *res)
{
	meta_ctx m = { 0 };
	return run(req, res, createmeta_tx, &m);
}

/* A Jira page of items out of all (startAt, maxResults), under the name key. */
static json_t *page_of(web_request *req, json_t *all, const char *key)
{
	web_paging p;
	web_paging_offset(&p, req, 50, META_PAGE_MAX);
	int64_t start = p.start, max = p.max;
	size_t total = json_array_size(all);
	json_t *items = json_array();
	for (size_t i = (size_t)start; i < total && i < (size_t)(start + max); i++)
		json_array_append(items, json_array_get(all, i));
	json_decref(all);
	return json_pack("{s:I, s:I, s:I, s:b, s:o}", "startAt", (json_int_t)start, "maxResults",
	                 (json_int_t)max, "total", (json_int_t)total, "isLast",
	                 (size_t)(start + max) >= total, key, items);
}

static int scoped_project(db_conn *c, meta_ctx *m, track_project *p)
{
	int rc = track_project_get(c, m->req->arena, track_scope_of(m->req)->project_id, p);
	m->project = p;
	return rc;
}

static int types_tx(db_conn *c, void *p)
{
	meta_ctx *m = p;
	track_project project;
	json_t *types = NULL;
	int rc = scoped_project(c, m, &project);
	if (rc == 0)
		rc = track_jira_issuetypes_json(c, m->req, &types);
	if (rc == 0)
		m->out = page_of(m->req, types, "issueTypes");
	return rc;
}

int track_api_createmeta_types(web_request *req, web_response *res)
{
	meta_ctx m = { 0 };
	return run(req, res, types_tx, &m);
}

static int type_fields_tx(db_conn *c, void *p)
{
	meta_ctx *m = p;
	track_project project;
	json_t *type = NULL, *fields = NULL;
	const char *id = web_param(m->req, "issueTypeId");
	int rc = scoped_project(c, m, &project);
	if (rc == 0)
		rc = track_issue_type_find(c, id, &m->type_id);
	if (rc == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_ENOTFOUND, "Issue type with id '%s' does not exist.", id);
	if (rc == 0)
		rc = track_jira_issuetype_json(c, m->req, m->type_id, &type);
	m->subtask = rc == 0 && json_is_true(json_object_get(type, "subtask"));
	json_decref(type);
	if (rc == 0)
		rc = fields_json(c, m, true, true, &fields);
	if (rc == 0)
		m->out = page_of(m->req, fields, "fields");
	return rc;
}

int track_api_createmeta_fields(web_request *req, web_response *res)
{
	meta_ctx m = { 0 };
	return run(req, res, type_fields_tx, &m);
}

static int editmeta_tx(db_conn *c, void *p)
{
	meta_ctx *m = p;
	const track_scope *s = track_scope_of(m->req);
	track_issue issue;
	json_t *fields = NULL;
	if (!track_perm_allows(s->site_admin, s->roles, TRACK_PERM_EDIT_ISSUES)) {
		m->out = json_pack("{s:{}}", "fields");
		return 0;
	}
	int rc = track_issue_get(c, m->req->arena, s->issue_id, &issue);
	track_project project;
	if (rc == 0)
		rc = track_project_get(c, m->req->arena, issue.project_id, &project);
	m->project = &project;
	m->type_id = issue.type_id;
	m->subtask = issue.type_subtask;
	if (rc == 0)
		rc = fields_json(c, m, false, false, &fields);
	if (rc == 0)
		m->out = json_pack("{s:o}", "fields", fields);
	return rc;
}

int track_api_editmeta(web_request *req, web_response *res)
{
	meta_ctx m = { 0 };
	return run(req, res, editmeta_tx, &m);
}
