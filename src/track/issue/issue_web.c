/* track's issue pages (issue_web.h): the issue view with transitions, in-place assignee and
 * priority forms, the Comments / Work log / History tabs and the development panel (dvcs/);
 * the create and edit forms; the small forms the view posts to. */
#include "track/issue/issue_web.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "track/account/account.h"
#include "track/dvcs/panel_web.h"
#include "track/issue/attachment_api.h"
#include "track/issue/choice.h"
#include "track/issue/comment.h"
#include "track/issue/duration.h"
#include "track/issue/issue.h"
#include "track/issue/people.h"
#include "track/issue/subtask.h"
#include "track/project/project.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "track/issue/workflow.h"
#include "track/issue/worklog.h"
#include "track/link/link.h"
#include "track/link/link_web.h"
#include "web/markdown.h"
#include "track/issue/transition.h"
#include "web/paging.h"

/* ---- small helpers ---- */

static const char *form(const web_request *req, const char *name)
{
	return web_pairs_get(&req->form, name);
}

static const char *page_time(arena *a, int64_t ms)
{
	if (!ms)
		return "";
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	return arena_printf(a, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
	                    tm.tm_mday, tm.tm_hour, tm.tm_min);
}

static json_t *person(db_conn *c, arena *a, int64_t id)
{
	track_user u;
	if (id <= 0 || track_account_find_id(c, a, id, &u) < 0)
		return json_null();
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", u.display_name,
	                 "username", u.username);
}

static bool may(const web_request *req, int permission)
{
	const track_scope *s = track_scope_of(req);
	return track_perm_allows(s->site_admin, s->roles, permission);
}

static int64_t viewer_id(const web_request *req)
{
	const track_viewer *v = track_viewer_of(req);
	return v ? v->user.id : 0;
}

static const track_user *viewer_user(const web_request *req)
{
	const track_viewer *v = track_viewer_of(req);
	return v ? &v->user : NULL;
}

static char *duration(web_request *req, int64_t seconds)
{
	track_app *app = track_app_of(req);
	return track_duration_format(req->arena, seconds, app->hours_per_day, app->days_per_week);
}

static const char *issue_path(web_request *req, const char *key, const char *suffix)
{
	return arena_printf(req->arena, "/browse/%s%s", key, suffix);
}

/* ---- the lists the forms offer ---- */

/* Who may be assigned (track_perm.h), and the current assignee even when no longer. */
static int assignables(db_conn *c, arena *a, int64_t project_id, int64_t selected, json_t **out)
{
	track_user *users = NULL;
	size_t n = 0;
	int rc = track_perm_assignable_users(c, a, project_id, NULL, TRACK_USER_LIST_MAX, &users,
	                                     &n);
	json_t *list = json_array();
	bool found = selected == 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t id = users[i].id;
		found = found || id == selected;
		json_array_append_new(list,
		                      json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id, "name",
		                                users[i].display_name, "selected", id == selected));
	}
	if (rc == 0 && !found) {
		json_t *p = person(c, a, selected);
		if (json_is_object(p))
			json_array_append_new(
			        list, json_pack("{s:I, s:O, s:b}", "id", (json_int_t)selected,
			                        "name", json_object_get(p, "name"), "selected", 1));
		json_decref(p);
	}
	*out = list;
	return rc < 0 ? rc : 0;
}

/* ---- the issue view ---- */

/* Each tab of the view (comments, work log, history) shows this many entries a page. */
enum { TRACK_VIEW_PAGE = 50 };

typedef struct view_ctx {
	web_request *req;
	const char *tab;
	int64_t start; /* the tab's first entry (?startAt=) */
	int64_t total; /* the tab's entries in all */
	track_issue issue;
	json_t *data;
} view_ctx;

static int comments_json(db_conn *c, view_ctx *v, json_t **out)
{
	web_request *req = v->req;
	track_comment *list = NULL;
	size_t n = 0;
	int rc = track_comment_list(c, req->arena, v->issue.id, viewer_user(req), v->start,
	                            TRACK_VIEW_PAGE, &list, &n, &v->total);
	bool admin = may(req, TRACK_PERM_ADMINISTER_PROJECT);
	*out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(
		        *out,
		        json_pack("{s:I, s:b, s:o, s:s, s:s, s:b, s:s}", "id",
		                  (json_int_t)list[i].id, "can_change",
		                  admin || list[i].author_id == viewer_id(req), "author",
		                  person(c, req->arena, list[i].author_id), "created",
		                  page_time(req->arena, list[i].created_at), "body_html",
		                  web_markdown_html(req->arena, list[i].body, strlen(list[i].body)),
		                  "edited", list[i].updated_at != list[i].created_at, "body",
		                  list[i].body));
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (list[i].role)
			json_object_set_new(json_array_get(*out, i), "restricted",
			                    json_string(track_role_title(list[i].role)));
	return rc;
}

static int worklogs_json(db_conn *c, view_ctx *v, json_t **out)
{
	web_request *req = v->req;
	track_worklog *list = NULL;
	size_t n = 0;
	int rc = track_worklog_list(c, req->arena, v->issue.id, v->start, TRACK_VIEW_PAGE, &list,
	                            &n, &v->total);
	*out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(*out,
		                      json_pack("{s:o, s:s, s:s, s:s}", "author",
		                                person(c, req->arena, list[i].author_id), "started",
		                                page_time(req->arena, list[i].started_at), "spent",
		                                duration(req, list[i].seconds), "comment",
		                                list[i].comment));
	return rc;
}

static int history_json(db_conn *c, view_ctx *v, json_t **out)
{
	web_request *req = v->req;
	track_change *list = NULL;
	size_t n = 0;
	int rc = track_changelog_page(c, req->arena, v->issue.id, v->start, TRACK_VIEW_PAGE, &list,
	                              &n, &v->total);
	*out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *items = json_array();
		for (size_t k = 0; k < list[i].nitems; k++) {
			const track_change_item *it = &list[i].items[k];
			json_array_append_new(
			        items, json_pack("{s:s, s:s, s:s}", "field", it->field, "from",
			                         it->from_string ? it->from_string : "None", "to",
			                         it->to_string ? it->to_string : "None"));
		}
		json_array_append_new(
		        *out, json_pack("{s:o, s:s, s:o}", "author",
		                        person(c, req->arena, list[i].author_id), "created",
		                        page_time(req->arena, list[i].created_at), "items", items));
	}
	return rc;
}

static int transitions_json(db_conn *c, view_ctx *v, json_t **out)
{
	track_transition *list = NULL;
	size_t n = 0;
	int rc = track_workflow_available(c, v->req->arena, v->issue.project_id, v->issue.status_id,
	                                  &list, &n);
	*out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(*out,
		                      json_pack("{s:I, s:s, s:s}", "id", (json_int_t)list[i].id,
		                                "name", list[i].name, "to", list[i].to.name));
	return rc;
}

static int subtasks_json(db_conn *c, view_ctx *v, json_t **out)
{
	track_subtask *list = NULL;
	size_t n = 0;
	int rc = track_subtask_list(c, v->req->arena, &v->issue.id, 1, &list, &n);
	*out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(*out, json_pack("{s:s, s:s, s:s, s:s}", "key", list[i].key,
		                                      "summary", list[i].summary, "status",
		                                      list[i].status.name, "category",
		                                      list[i].status.category));
	return rc;
}

static json_t *labels_json(const track_issue *i)
{
	json_t *a = json_array();
	for (size_t k = 0; k < i->nlabels; k++)
		json_array_append_new(a, json_string(i->labels[k]));
	return a;
}

static json_t *issue_fields(db_conn *c, web_request *req, const track_issue *i)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, "
	                      "s:s?, s:s, s:s?}",
	                      "key", i->key, "summary", i->summary, "project_key", i->project_key,
	                      "project_name", i->project_name, "type", i->type_name, "status",
	                      i->status_name, "category", i->status_category, "priority",
	                      i->priority_name, "assignee", person(c, req->arena, i->assignee_id),
	                      "reporter", person(c, req->arena, i->reporter_id), "labels",
	                      labels_json(i), "created", page_time(req->arena, i->created_at),
	                      "updated", page_time(req->arena, i->updated_at), "resolution",
	                      i->resolution_name, "description_html",
	                      web_markdown_html(req->arena, i->description, strlen(i->description)),
	                      "parent", i->parent_key);
	json_object_set_new(o, "has_description", json_boolean(*i->description != 0));
	if (i->original_estimate >= 0)
		json_object_set_new(o, "original",
		                    json_string(duration(req, i->original_estimate)));
	if (i->remaining_estimate >= 0)
		json_object_set_new(o, "remaining",
		                    json_string(duration(req, i->remaining_estimate)));
	if (i->time_spent > 0)
		json_object_set_new(o, "spent", json_string(duration(req, i->time_spent)));
	return o;
}

/* Watchers and votes: how many, and whether the viewer is one (Watch / Vote toggle). A reporter
 * may not vote for their own issue, nor anyone for a resolved one: the button is then off. */
static int watchers_and_votes_json(db_conn *c, const view_ctx *v, json_t **out)
{
	int64_t watchers = 0, votes = 0;
	bool watching = false, voted = false;
	int64_t me = viewer_id(v->req);
	int rc = track_people_count(c, TRACK_WATCHERS, v->issue.id, me, &watchers, &watching);
	if (rc == 0)
		rc = track_people_count(c, TRACK_VOTERS, v->issue.id, me, &votes, &voted);
	if (rc < 0)
		return rc;
	bool may_vote = voted || (v->issue.reporter_id != me && !v->issue.resolution_name);
	*out = json_pack("{s:I, s:b, s:I, s:b, s:b}", "watchers", (json_int_t)watchers, "watching",
	                 watching, "votes", (json_int_t)votes, "voted", voted, "may_vote",
	                 may_vote);
	return 0;
}

/* A size as people read it: "19 B", "4.2 KB", "200.0 MB". */
static const char *human_size(arena *a, int64_t bytes)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB" };
	if (bytes < 1024)
		return arena_printf(a, "%lld B", (long long)bytes);
	double n = (double)bytes / 1024;
	size_t u = 0;
	while (n >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
		n /= 1024;
		u++;
	}
	return arena_printf(a, "%.1f %s", n, units[u]);
}

/* The Attachments section: each with its links, and whether the viewer may delete it. */
static int attachments_json(db_conn *c, const view_ctx *v, json_t **out)
{
	web_request *req = v->req;
	const track_viewer *viewer = track_viewer_of(req);
	track_attachment *list = NULL;
	size_t n = 0;
	int rc = track_attachment_list(c, req->arena, &v->issue.id, 1, &list, &n);
	*out = json_array();
	for (size_t k = 0; rc == 0 && k < n; k++) {
		const track_attachment *a = &list[k];
		bool may_delete = false;
		rc = track_attachment_may_delete(c, viewer ? &viewer->user : NULL, a, &may_delete);
		json_t *o = json_pack(
		        "{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)a->id, "filename",
		        a->filename, "content", track_attachment_url(req, "attachment", a), "size",
		        human_size(req->arena, a->size), "author",
		        a->author.id ? a->author.display_name : "(deleted user)", "created",
		        page_time(req->arena, a->created_at), "can_delete", may_delete);
		if (track_attachment_has_thumbnail(a))
			json_object_set_new(o, "thumbnail",
			                    json_string(track_attachment_url(req, "thumbnail", a)));
		json_array_append_new(*out, o);
	}
	return rc;
}

static int load_view(db_conn *c, void *p)
{
	view_ctx *v = p;
	web_request *req = v->req;
	int rc = track_issue_get(c, req->arena, track_scope_of(req)->issue_id, &v->issue);
	json_t *transitions = NULL, *priorities = NULL, *people = NULL, *subtasks = NULL,
	       *tab = NULL, *development = NULL;
	if (rc == 0)
		rc = transitions_json(c, v, &transitions);
	if (rc == 0)
		rc = track_choice_options(c, req->arena, TRACK_CHOICE_PRIORITIES, 0,
		                          v->issue.priority_id, &priorities);
	if (rc == 0)
		rc = assignables(c, req->arena, v->issue.project_id, v->issue.assignee_id, &people);
	if (rc == 0)
		rc = subtasks_json(c, v, &subtasks);
	json_t *people_card = NULL, *links = NULL;
	if (rc == 0)
		rc = watchers_and_votes_json(c, v, &people_card);
	if (rc == 0)
		rc = track_link_view_json(c, req, v->issue.id, &links);
	if (rc == 0)
		rc = strcmp(v->tab, "worklog") == 0   ? worklogs_json(c, v, &tab)
		     : strcmp(v->tab, "history") == 0 ? history_json(c, v, &tab)
		                                      : comments_json(c, v, &tab);
	if (rc == 0 && may(req, TRACK_PERM_VIEW_DEV_TOOLS))
		rc = dvcs_panel_web_json(c, req, &v->issue, &development);
	json_decref(v->data); /* from an attempt the store ran again */
	v->data = json_pack("{s:o, s:o*, s:o*, s:o*, s:o*, s:o*, s:o*, s:o*, s:o*}", "issue",
	                    rc == 0 ? issue_fields(c, req, &v->issue) : json_null(), "transitions",
	                    transitions, "priorities", priorities, "assignables", people,
	                    "subtasks", subtasks, "entries", tab, "people", people_card,
	                    "development", development, "links", links);
	json_t *attachments = NULL;
	if (rc == 0)
		rc = attachments_json(c, v, &attachments);
	json_object_set_new(v->data, "attachments", attachments ? attachments : json_array());
	return rc;
}

/* The roles the viewer may restrict a comment to (track_perm.h): the comment form's choices. */
static json_t *comment_levels(const web_request *req)
{
	static const unsigned roles[] = { TRACK_ROLE_ADMINISTRATORS, TRACK_ROLE_DEVELOPERS,
		                          TRACK_ROLE_USERS };
	const track_scope *s = track_scope_of(req);
	json_t *out = json_array();
	for (size_t i = 0; i < 3; i++)
		if (track_perm_comment_visible(s->site_admin, s->roles, roles[i]))
			json_array_append_new(out, json_pack("{s:s, s:s}", "value",
			                                     track_role_name(roles[i]), "title",
			                                     track_role_title(roles[i])));
	return out;
}

static void view_flags(web_request *req, json_t *data, const char *tab)
{
	json_object_set_new(data, "can_edit", json_boolean(may(req, TRACK_PERM_EDIT_ISSUES)));
	json_object_set_new(data, "can_transition",
	                    json_boolean(may(req, TRACK_PERM_TRANSITION_ISSUES)));
	json_object_set_new(data, "can_comment", json_boolean(may(req, TRACK_PERM_COMMENT)));
	json_object_set_new(data, "comment_levels", comment_levels(req));
	json_object_set_new(data, "can_log", json_boolean(may(req, TRACK_PERM_WORK_ON_ISSUES)));
	json_object_set_new(data, "can_attach",
	                    json_boolean(may(req, TRACK_PERM_CREATE_ATTACHMENTS) &&
	                                 track_app_of(req)->attachments_dir));
	json_object_set_new(
	        data, "attachment_limit",
	        json_string(human_size(req->arena, track_app_of(req)->attachment_max_size)));
	json_object_set_new(
	        data, "has_attachments",
	        json_boolean(json_array_size(json_object_get(data, "attachments")) > 0));
	json_object_set_new(data, "can_link", json_boolean(may(req, TRACK_PERM_LINK_ISSUES)));
	json_object_set_new(data, "tab_comments", json_boolean(strcmp(tab, "comments") == 0));
	json_object_set_new(data, "tab_worklog", json_boolean(strcmp(tab, "worklog") == 0));
	json_object_set_new(data, "tab_history", json_boolean(strcmp(tab, "history") == 0));
	json_object_set_new(data, "has_subtasks",
	                    json_boolean(json_array_size(json_object_get(data, "subtasks")) > 0));
	json_object_set_new(data, "has_entries",
	                    json_boolean(json_array_size(json_object_get(data, "entries")) > 0));
}

/* The tab's page links when its entries do not fit on one page: null otherwise. */
static json_t *tab_pager(web_request *req, const view_ctx *v)
{
	if (v->start == 0 && v->total <= TRACK_VIEW_PAGE)
		return json_null();
	const char *key = track_scope_of(req)->issue_key;
	int64_t prev = v->start > TRACK_VIEW_PAGE ? v->start - TRACK_VIEW_PAGE : 0;
	int64_t next = v->start + TRACK_VIEW_PAGE;
	int64_t shown =
	        v->total - v->start < TRACK_VIEW_PAGE ? v->total - v->start : TRACK_VIEW_PAGE;
	json_t *o = json_pack("{s:I, s:I, s:I}", "from", (json_int_t)(shown > 0 ? v->start + 1 : 0),
	                      "to", (json_int_t)(shown > 0 ? v->start + shown : 0), "total",
	                      (json_int_t)v->total);
	if (v->start > 0)
		json_object_set_new(
		        o, "prev",
		        json_string(arena_printf(req->arena, "/browse/%s?tab=%s&startAt=%lld", key,
		                                 v->tab, (long long)prev)));
	if (next < v->total)
		json_object_set_new(
		        o, "next",
		        json_string(arena_printf(req->arena, "/browse/%s?tab=%s&startAt=%lld", key,
		                                 v->tab, (long long)next)));
	return o;
}

/* The issue view on tab, with status and (for a refused form) the reason. */
static int render_issue(web_request *req, web_response *res, int status, const char *tab,
                        const char *error)
{
	view_ctx v = { .req = req, .tab = tab, .start = web_paging_start(req) };
	int rc = db_read(track_app_of(req)->d, load_view, &v);
	if (rc < 0) {
		json_decref(v.data);
		return rc;
	}
	view_flags(req, v.data, tab);
	json_object_set_new(v.data, "pager", tab_pager(req, &v));
	if (error)
		json_object_set_new(v.data, "error", json_string(error));
	return track_page(req, res, status, "track/issue",
	                  arena_printf(req->arena, "[%s] %s", v.issue.key, v.issue.summary),
	                  v.data);
}

static int issue_page(web_request *req, web_response *res)
{
	const track_scope *s = track_scope_of(req);
	if (s->redirected_from) {
		web_res_redirect(req, res, 301, issue_path(req, s->issue_key, ""));
		return 0;
	}
	const char *tab = web_query(req, "tab");
	if (!tab || (strcmp(tab, "worklog") != 0 && strcmp(tab, "history") != 0))
		tab = "comments";
	return render_issue(req, res, 200, tab, NULL);
}

int track_browse_page(web_request *req, web_response *res)
{
	return track_scope_of(req)->issue_id ? issue_page(req, res) : track_project_page(req, res);
}

/* ---- the small forms of the view ---- */

typedef struct action_ctx {
	web_request *req;
	int64_t id; /* transition, assignee or priority id */
	const char *text;
	int64_t started;
} action_ctx;

/* Runs fn in a transaction and goes back to the issue; a refusal shows the view again (400) with
 * the reason. */
static int act(web_request *req, web_response *res, db_fn fn, action_ctx *ctx, const char *tab)
{
	int rc = db_tx(track_app_of(req)->d, fn, ctx);
	if (rc == WEFT_EINVALID || rc == WEFT_ETOOLARGE || rc == WEFT_ECONFLICT)
		return render_issue(req, res, 400, tab, arena_strdup(req->arena, err_msg()));
	if (rc == 0)
		web_res_redirect(req, res, 303,
		                 arena_printf(req->arena, "/browse/%s?tab=%s",
		                              track_scope_of(req)->issue_key, tab));
	return rc;
}

static int64_t form_id(const web_request *req, const char *name)
{
	const char *v = form(req, name);
	char *end = NULL;
	long long id = v ? strtoll(v, &end, 10) : -1;
	return v && *v && end && !*end ? id : -1;
}

static int transition_tx(db_conn *c, void *p)
{
	action_ctx *ctx = p;
	return track_issue_transition(c, track_scope_of(ctx->req)->issue_id, ctx->id, 0,
	                              viewer_id(ctx->req));
}

int track_issue_transition_submit(web_request *req, web_response *res)
{
	action_ctx ctx = { req, form_id(req, "transition"), NULL, 0 };
	return act(req, res, transition_tx, &ctx, "history");
}

static int assignee_tx(db_conn *c, void *p)
{
	action_ctx *ctx = p;
	return track_issue_assign(c, ctx->req->arena, track_scope_of(ctx->req)->issue_id,
	                          ctx->id > 0 ? ctx->id : 0, viewer_id(ctx->req));
}

int track_issue_assignee_submit(web_request *req, web_response *res)
{
	action_ctx ctx = { req, form_id(req, "assignee"), NULL, 0 };
	return act(req, res, assignee_tx, &ctx, "history");
}

static int priority_tx(db_conn *c, void *p)
{
	action_ctx *ctx = p;
	track_issue_fields f = track_issue_fields_none();
	f.priority_id = ctx->id > 0 ? ctx->id : 99;
	return track_issue_edit(c, ctx->req->arena, track_scope_of(ctx->req)->issue_id, &f,
	                        viewer_id(ctx->req), NULL);
}

int track_issue_priority_submit(web_request *req, web_response *res)
{
	action_ctx ctx = { req, form_id(req, "priority"), NULL, 0 };
	return act(req, res, priority_tx, &ctx, "history");
}

/* Watch / Stop watching, Vote / Remove vote: the form says which (on=1 adds, else removes). */
static int people_tx(db_conn *c, void *p)
{
	action_ctx *ctx = p;
	int64_t issue_id = track_scope_of(ctx->req)->issue_id, me = viewer_id(ctx->req);
	track_people_kind kind = ctx->id == TRACK_VOTERS ? TRACK_VOTERS : TRACK_WATCHERS;
	if (!ctx->text)
		return track_people_remove(c, kind, issue_id, me);
	return kind == TRACK_VOTERS ? track_issue_vote_add(c, ctx->req->arena, issue_id, me)
	                            : track_people_add(c, kind, issue_id, me);
}

static int people_submit(web_request *req, web_response *res, track_people_kind kind)
{
	const char *on = form(req, "on");
	action_ctx ctx = { req, kind, on && strcmp(on, "1") == 0 ? "on" : NULL, 0 };
	return act(req, res, people_tx, &ctx, "comments");
}

int track_issue_watch_submit(web_request *req, web_response *res)
{
	return people_submit(req, res, TRACK_WATCHERS);
}

int track_issue_vote_submit(web_request *req, web_response *res)
{
	return people_submit(req, res, TRACK_VOTERS);
}

static int comment_tx(db_conn *c, void *p)
{
	action_ctx *ctx = p;
	track_comment cm;
	const char *level = form(ctx->req, "visibility");
	unsigned role = 0;
	int rc = level && *level ? track_comment_visibility_parse("role", level, &role) : 0;
	if (rc == 0)
		rc = track_comment_add(c, ctx->req->arena, track_scope_of(ctx->req)->issue_id,
		                       viewer_user(ctx->req), ctx->text, role, &cm);
	return rc;
}

int track_issue_comment_submit(web_request *req, web_response *res)
{
	action_ctx ctx = { req, 0, form(req, "body"), 0 };
	return act(req, res, comment_tx, &ctx, "comments");
}

static int worklog_tx(db_conn *c, void *p)
{
	action_ctx *ctx = p;
	track_app *app = track_app_of(ctx->req);
	track_worklog w;
	return track_worklog_add_duration(c, ctx->req->arena, track_scope_of(ctx->req)->issue_id,
	                                  viewer_id(ctx->req), form(ctx->req, "spent"),
	                                  app->hours_per_day, app->days_per_week, 0, ctx->text, &w);
}

int track_issue_worklog_submit(web_request *req, web_response *res)
{
	action_ctx ctx = { req, 0, form(req, "comment"), 0 };
	return act(req, res, worklog_tx, &ctx, "worklog");
}

/* ---- create and edit ---- */

typedef struct form_ctx {
	web_request *req;
	track_issue issue; /* edit: the issue; create: the new one */
	track_project project;
	json_t *data;
	const char *field;
} form_ctx;

/* Splits "a b  c" into labels (in the arena). */
static size_t split_labels(arena *a, const char *text, const char ***out)
{
	size_t n = 0, cap = text ? strlen(text) / 2 + 1 : 1;
	*out = arena_array(a, cap, sizeof(char *));
	char *copy = arena_strdup(a, text ? text : ""), *save = NULL;
	const char *seps = " \t\r\n,";
	for (char *tok = strtok_r(copy, seps, &save); tok && n < cap;
	     tok = strtok_r(NULL, seps, &save))
		(*out)[n++] = tok;
	return n;
}

static int fields_from_form(db_conn *c, web_request *req, track_issue_fields *f)
{
	f->summary = form(req, "summary");
	f->description = form(req, "description");
	int64_t type = form_id(req, "type"), priority = form_id(req, "priority");
	int64_t assignee = form_id(req, "assignee");
	f->type_id = type > 0 ? type : 0;
	f->priority_id = priority > 0 ? priority : 0;
	f->assignee_id = assignee > 0 ? assignee : assignee == 0 ? -1 : 0;
	f->nlabels = split_labels(req->arena, form(req, "labels"), (const char ***)&f->labels);
	f->set_labels = form(req, "labels") != NULL;
	const char *parent = form(req, "parent");
	if (parent && *parent) {
		track_issue p;
		int rc = track_issue_find(c, req->arena, parent, &p, NULL);
		if (rc < 0)
			return err_fail(WEFT_EINVALID, TRACK_ISSUE_NOT_FOUND);
		f->parent_id = p.id;
	}
	return 0;
}

static int form_lists(db_conn *c, form_ctx *fc, int64_t type, int64_t priority, int64_t assignee)
{
	json_t *types = NULL, *priorities = NULL, *people = NULL;
	arena *a = fc->req->arena;
	int rc = track_choice_options(c, a, TRACK_CHOICE_ISSUE_TYPES, 0, type, &types);
	if (rc == 0)
		rc = track_choice_options(c, a, TRACK_CHOICE_PRIORITIES, 0, priority, &priorities);
	if (rc == 0)
		rc = assignables(c, fc->req->arena, fc->project.id, assignee, &people);
	json_object_set_new(fc->data, "types", types ? types : json_array());
	json_object_set_new(fc->data, "priorities", priorities ? priorities : json_array());
	json_object_set_new(fc->data, "assignables", people ? people : json_array());
	json_object_set_new(fc->data, "project_key", json_string(fc->project.key));
	json_object_set_new(fc->data, "project_name", json_string(fc->project.name));
	return rc;
}

static int load_create_form(db_conn *c, void *p)
{
	form_ctx *fc = p;
	web_request *req = fc->req;
	int rc = track_project_get(c, req->arena, track_scope_of(req)->project_id, &fc->project);
	if (rc == 0)
		rc = form_lists(c, fc,
		                form_id(req, "type") > 0 ? form_id(req, "type") : TRACK_TYPE_TASK,
		                form_id(req, "priority") > 0 ? form_id(req, "priority")
		                                             : TRACK_PRIORITY_MEDIUM,
		                form_id(req, "assignee") > 0 ? form_id(req, "assignee") : 0);
	return rc;
}

static int render_form(web_request *req, web_response *res, form_ctx *fc, db_fn load, int status,
                       const char *title)
{
	int rc = db_read(track_app_of(req)->d, load, fc);
	if (rc < 0) {
		json_decref(fc->data);
		return rc;
	}
	return track_page(req, res, status, "track/issue_form", title, fc->data);
}

int track_issue_create_page(web_request *req, web_response *res)
{
	form_ctx fc = { .req = req, .data = json_pack("{s:b}", "creating", 1) };
	return render_form(req, res, &fc, load_create_form, 200, "Create issue");
}

static int create_tx(db_conn *c, void *p)
{
	form_ctx *fc = p;
	track_issue_fields f = track_issue_fields_none();
	int rc = fields_from_form(c, fc->req, &f);
	if (rc < 0)
		fc->field = "parent";
	if (rc == 0)
		rc = track_issue_create(c, fc->req->arena, track_scope_of(fc->req)->project_id, &f,
		                        viewer_id(fc->req), &fc->issue, &fc->field);
	return rc;
}

static json_t *form_values(web_request *req)
{
	return json_pack("{s:s?, s:s?, s:s?, s:s?}", "summary", form(req, "summary"), "description",
	                 form(req, "description"), "labels", form(req, "labels"), "parent",
	                 form(req, "parent"));
}

int track_issue_create_submit(web_request *req, web_response *res)
{
	form_ctx fc = { .req = req };
	int rc = db_tx(track_app_of(req)->d, create_tx, &fc);
	if (rc == WEFT_EINVALID || rc == WEFT_ETOOLARGE) {
		fc.data = json_pack("{s:b, s:s, s:o}", "creating", 1, "error", err_msg(), "values",
		                    form_values(req));
		return render_form(req, res, &fc, load_create_form, 400, "Create issue");
	}
	if (rc == 0)
		web_res_redirect(req, res, 303, issue_path(req, fc.issue.key, ""));
	return rc;
}

static int load_edit_form(db_conn *c, void *p)
{
	form_ctx *fc = p;
	web_request *req = fc->req;
	int rc = track_issue_get(c, req->arena, track_scope_of(req)->issue_id, &fc->issue);
	if (rc == 0)
		rc = track_project_get(c, req->arena, fc->issue.project_id, &fc->project);
	if (rc == 0)
		rc = form_lists(c, fc, fc->issue.type_id, fc->issue.priority_id,
		                fc->issue.assignee_id);
	if (rc == 0 && !json_object_get(fc->data, "values")) {
		buf b = { 0 };
		for (size_t i = 0; i < fc->issue.nlabels; i++)
			buf_printf(&b, "%s%s", i ? " " : "", fc->issue.labels[i]);
		json_object_set_new(fc->data, "values",
		                    json_pack("{s:s, s:s, s:s, s:s?}", "summary", fc->issue.summary,
		                              "description", fc->issue.description, "labels",
		                              buf_cstr(&b), "parent", fc->issue.parent_key));
		buf_dispose(&b);
	}
	json_object_set_new(fc->data, "key", json_string(fc->issue.key));
	return rc;
}

int track_issue_edit_page(web_request *req, web_response *res)
{
	form_ctx fc = { .req = req, .data = json_object() };
	return render_form(req, res, &fc, load_edit_form, 200, "Edit issue");
}

static int edit_tx(db_conn *c, void *p)
{
	form_ctx *fc = p;
	track_issue_fields f = track_issue_fields_none();
	int rc = fields_from_form(c, fc->req, &f);
	if (rc == 0)
		rc = track_issue_edit(c, fc->req->arena, track_scope_of(fc->req)->issue_id, &f,
		                      viewer_id(fc->req), &fc->field);
	return rc;
}

int track_issue_edit_submit(web_request *req, web_response *res)
{
	form_ctx fc = { .req = req };
	int rc = db_tx(track_app_of(req)->d, edit_tx, &fc);
	if (rc == WEFT_EINVALID || rc == WEFT_ETOOLARGE) {
		fc.data = json_pack("{s:s, s:o}", "error", err_msg(), "values", form_values(req));
		return render_form(req, res, &fc, load_edit_form, 400, "Edit issue");
	}
	if (rc == 0)
		web_res_redirect(req, res, 303,
		                 issue_path(req, track_scope_of(req)->issue_key, ""));
	return rc;
}

/* ---- move ---- */

typedef struct move_ctx {
	web_request *req;
	const char *new_key;
} move_ctx;

/* Moving needs edit permission here (the route) and create permission in the target. */
static int move_tx(db_conn *c, void *p)
{
	move_ctx *mc = p;
	web_request *req = mc->req;
	const track_viewer *v = track_viewer_of(req);
	const char *target = form(req, "project");
	int64_t project_id = 0;
	int rc = track_perm_create_project(c, req->arena, &v->user, target, &project_id);
	if (rc == WEFT_EINVALID)
		return err_fail(WEFT_EINVALID, "You cannot move issues to the project %s.",
		                target ? target : "");
	if (rc == 0)
		rc = track_issue_move(c, req->arena, track_scope_of(req)->issue_id, project_id,
		                      v->user.id, &mc->new_key);
	return rc;
}

int track_issue_move_submit(web_request *req, web_response *res)
{
	move_ctx mc = { req, NULL };
	int rc = db_tx(track_app_of(req)->d, move_tx, &mc);
	if (rc == WEFT_EINVALID) {
		form_ctx fc = { .req = req,
			        .data = json_pack("{s:s, s:o}", "error", err_msg(), "values",
			                          form_values(req)) };
		return render_form(req, res, &fc, load_edit_form, 400, "Edit issue");
	}
	if (rc == 0)
		web_res_redirect(req, res, 303, issue_path(req, mc.new_key, ""));
	return rc;
}

/* ---- editing and deleting a comment: its author, or a project administrator ---- */

/* Loads comment ctx->id of the scoped issue and refuses a caller who is neither its author nor a
 * project administrator; `verb` names the refused action. */
static int comment_own(db_conn *c, action_ctx *ctx, const char *verb)
{
	web_request *req = ctx->req;
	track_comment cm;
	int rc = track_comment_get(c, req->arena, track_scope_of(req)->issue_id, viewer_user(req),
	                           ctx->id, &cm);
	if (rc == 0 && cm.author_id != viewer_id(req) && !may(req, TRACK_PERM_ADMINISTER_PROJECT))
		rc = err_fail(WEFT_EPERM, "You do not have permission to %s this comment.", verb);
	return rc;
}

static int comment_delete_tx(db_conn *c, void *p)
{
	action_ctx *ctx = p;
	int rc = comment_own(c, ctx, "delete");
	if (rc == 0)
		rc = track_comment_delete(c, track_scope_of(ctx->req)->issue_id, ctx->id);
	return rc;
}

static int comment_edit_tx(db_conn *c, void *p)
{
	action_ctx *ctx = p;
	int rc = comment_own(c, ctx, "edit");
	if (rc == 0)
		rc = track_comment_edit(c, track_scope_of(ctx->req)->issue_id, ctx->id,
		                        viewer_user(ctx->req), ctx->text ? ctx->text : "",
		                        TRACK_COMMENT_KEEP_ROLE);
	return rc;
}

/* The {id} of the route as a positive number, or 0. */
static int64_t comment_id(const web_request *req)
{
	const char *id = web_param(req, "id");
	char *end = NULL;
	long long n = id ? strtoll(id, &end, 10) : 0;
	return id && *id && !*end && n > 0 ? n : 0;
}

int track_issue_comment_delete_submit(web_request *req, web_response *res)
{
	action_ctx ctx = { req, comment_id(req), NULL, 0 };
	if (!ctx.id)
		return err_fail(WEFT_ENOTFOUND, "There is no such comment.");
	return act(req, res, comment_delete_tx, &ctx, "comments");
}

int track_issue_comment_edit_submit(web_request *req, web_response *res)
{
	action_ctx ctx = { req, comment_id(req), form(req, "body"), 0 };
	if (!ctx.id)
		return err_fail(WEFT_ENOTFOUND, "There is no such comment.");
	return act(req, res, comment_edit_tx, &ctx, "comments");
}

/* ---- links ---- */

/* The form's other issue, by key: a missing or hidden one is a refusal shown on the page. */
static int link_tx(db_conn *c, void *p)
{
	action_ctx *ctx = p;
	const track_scope *s = track_scope_of(ctx->req);
	track_issue other = { 0 };
	track_link link;
	bool outward = false;
	int64_t type_id = 0;
	int rc = track_link_web_choice(form(ctx->req, "link"), &type_id, &outward);
	if (rc == 0 && (!ctx->text || !*ctx->text))
		rc = err_fail(WEFT_EINVALID, "Name the issue to link to, by its key.");
	if (rc == 0)
		rc = track_issue_find(c, ctx->req->arena, ctx->text, &other, NULL);
	track_link_new in = { type_id, outward ? s->issue_id : other.id,
		              outward ? other.id : s->issue_id, s->issue_id };
	if (rc == 0)
		rc = track_link_add(c, ctx->req->arena, viewer_user(ctx->req), &in, &link);
	if (rc == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_EINVALID,
		              "Issue %s does not exist or you do not have permission "
		              "to see it.",
		              ctx->text);
	return rc;
}

int track_issue_link_submit(web_request *req, web_response *res)
{
	action_ctx ctx = { req, 0, form(req, "issue"), 0 };
	return act(req, res, link_tx, &ctx, "comments");
}

/* Only a link of this issue: another's id is not found here. */
static int link_delete_tx(db_conn *c, void *p)
{
	action_ctx *ctx = p;
	track_link link;
	int64_t issue = track_scope_of(ctx->req)->issue_id;
	const track_user *me = viewer_user(ctx->req);
	int rc = track_link_get(c, ctx->req->arena, me, ctx->id, &link);
	if (rc == 0 && link.source_id != issue && link.destination_id != issue)
		rc = err_fail(WEFT_ENOTFOUND, "No issue link with id '%lld' exists.",
		              (long long)ctx->id);
	if (rc == 0)
		rc = track_link_remove(c, ctx->req->arena, me, ctx->id);
	return rc;
}

int track_issue_link_delete_submit(web_request *req, web_response *res)
{
	const char *id = web_param(req, "id");
	char *end = NULL;
	long long n = id ? strtoll(id, &end, 10) : 0;
	if (!id || !*id || !end || *end || n <= 0)
		return err_fail(WEFT_ENOTFOUND, "No issue link with id '%s' exists.", id ? id : "");
	action_ctx ctx = { req, n, NULL, 0 };
	return act(req, res, link_delete_tx, &ctx, "comments");
}
