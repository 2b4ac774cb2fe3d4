/* The pull requests API (Bitbucket Cloud 2.0, A.10): lists, create, get, update, commits, diff,
 * diffstat, patch, activity, comments, approvals, requests for changes, merge and decline. */
#include "hub/hub_perm.h"
#include "hub/pull/pull_api.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "hub/api.h"
#include "hub/git/gitrepo.h"
#include "hub/browse/commit_api.h"
#include "hub/browse/commit_web.h"
#include "hub/browse/diff_api.h"
#include "hub/browse/ref_api.h"
#include "hub/browse/ref_web.h"
#include "hub/hook/status.h"
#include "hub/hub.h"
#include "hub/pull/pull_event.h"
#include "hub/pull/pull_merge.h"
#include "hub/pull/pull_view.h"
#include "web/markdown.h"

/* What q= and sort= may name on a list of pull requests. */
static const char *const pull_fields[] = { "id",
	                                   "title",
	                                   "description",
	                                   "state",
	                                   "created_on",
	                                   "updated_on",
	                                   "source.branch.name",
	                                   "destination.branch.name",
	                                   "author.nickname",
	                                   "author.uuid",
	                                   "comment_count",
	                                   NULL };

static const char *const comment_fields[] = { "id",          "created_on", "updated_on",
	                                      "inline.path", "deleted",    "user.nickname",
	                                      NULL };

static int64_t viewer_id(const web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	return v ? v->user.id : 0;
}

/* ---- bodies ---- */

static const char *str_at(const json_t *obj, const char *a, const char *b, const char *c)
{
	const json_t *v = json_object_get(obj, a);
	if (b)
		v = json_object_get(v, b);
	if (c)
		v = json_object_get(v, c);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The reviewers of a body: [{uuid} | {username} | {account_id}], resolved to ids. */
static int read_reviewers(db_conn *c, arena *a, const json_t *list, int64_t **out, size_t *n)
{
	if (!json_is_array(list))
		return err_fail(WEFT_EINVALID, "reviewers: a list of users.");
	size_t count = json_array_size(list);
	if (count > PULL_REVIEWERS_MAX)
		return err_fail(WEFT_EINVALID, "reviewers: at most %d.", PULL_REVIEWERS_MAX);
	int64_t *ids = arena_array(a, count ? count : 1, sizeof *ids);
	for (size_t i = 0; i < count; i++) {
		const json_t *item = json_array_get(list, i);
		const char *key = str_at(item, "uuid", NULL, NULL);
		if (!key)
			key = str_at(item, "username", NULL, NULL);
		if (!key)
			key = str_at(item, "account_id", NULL, NULL);
		if (!key || !*key)
			return err_fail(WEFT_EINVALID, "reviewers: each needs a uuid or username.");
		hub_user u;
		int rc = hub_account_find_name(c, a, key, &u);
		if (rc == WEFT_ENOTFOUND)
			return err_fail(WEFT_EINVALID, "reviewers: there is no user %.80s.", key);
		if (rc < 0)
			return rc;
		ids[i] = u.id;
	}
	*out = ids;
	*n = count;
	return 0;
}

/* ---- lists ---- */

/* ?state= (repeatable): a mask of PULL_STATE_*; SUPERSEDED, which nothing here ever is, adds
 * PULL_STATE_SUPERSEDED so that asking for it alone lists nothing. */
static int read_states(web_request *req, int *out)
{
	*out = 0;
	for (size_t i = 0; i < req->query.len; i++) {
		if (strcmp(req->query.items[i].name, "state") != 0)
			continue;
		const char *value = req->query.items[i].value;
		int s = hub_pull_state_parse(value);
		if (!s && strcasecmp(value, "SUPERSEDED") == 0)
			s = PULL_STATE_SUPERSEDED;
		if (!s)
			return err_fail(WEFT_EINVALID,
			                "state: one of OPEN, MERGED, DECLINED, SUPERSEDED.");
		*out |= s;
	}
	return 0;
}

typedef struct list_ctx {
	web_request *req;
	hub_pull_filter filter;
	const hub_repo *repo; /* NULL: each pull request's own */
	json_t *items;
} list_ctx;

static void add_item(void *ctx, const hub_pull_view *v)
{
	list_ctx *lc = ctx;
	json_array_append_new(lc->items, hub_pull_json(HUB_PULL_OUT(lc->req), v));
}

static int list_items(db_conn *c, void *ctx)
{
	list_ctx *lc = ctx;
	return hub_pull_view_each(c, lc->req->arena, &lc->filter, lc->repo, add_item, lc);
}

static int respond_pulls(web_request *req, web_response *res, list_ctx *lc)
{
	int states = 0;
	int rc = read_states(req, &states);
	if (rc < 0)
		return rc;
	lc->filter.states = states;
	lc->items = json_array();
	rc = hub_api_run(&lc->items, req, list_items, lc, false);
	if (rc < 0)
		return rc;
	return hub_api_respond_list(req, res, lc->items, pull_fields);
}

int hub_api_pullrequests(web_request *req, web_response *res)
{
	hub_repo r;
	int rc = hub_request_repo(req, &r);
	if (rc < 0)
		return rc;
	list_ctx lc = { .req = req, .filter = { .repository_id = r.id }, .repo = &r };
	return respond_pulls(req, res, &lc);
}

typedef struct user_ctx {
	web_request *req;
	hub_user user;
} user_ctx;

static int find_user(db_conn *c, void *ctx)
{
	user_ctx *uc = ctx;
	return hub_account_find_name(c, uc->req->arena, web_param(uc->req, "selected_user"),
	                             &uc->user);
}

int hub_api_user_pullrequests(web_request *req, web_response *res)
{
	user_ctx uc = { .req = req };
	int rc = db_read(hub_app_of(req)->d, find_user, &uc);
	if (rc < 0)
		return rc;
	list_ctx lc = { .req = req, .filter = { .author_id = uc.user.id } };
	hub_pull_view_readable(&lc.filter, req);
	return respond_pulls(req, res, &lc);
}

/* ---- create ---- */

typedef struct create_ctx {
	web_request *req;
	hub_repo repo;
	hub_pull_new n;
	hub_pull_tips tips;
	const json_t *reviewers;
	hub_pull_view v;
} create_ctx;

static int create_in_tx(db_conn *c, void *ctx)
{
	create_ctx *cc = ctx;
	arena *a = cc->req->arena;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = cc->reviewers ? read_reviewers(c, a, cc->reviewers, &ids, &n) : 0;
	hub_pull p;
	cc->n.reviewers = ids;
	cc->n.nreviewers = n;
	if (rc == 0)
		rc = hub_pull_create(c, a, cc->repo.id, viewer_id(cc->req), &cc->n, &p);
	if (rc == 0)
		rc = hub_pull_view_fill(c, a, &cc->repo, &p, &cc->v);
	if (rc == 0)
		rc = hub_pull_emit(c, a, &cc->v, viewer_id(cc->req), "created", NULL, NULL);
	return rc;
}

int hub_pull_create_checked(web_request *req, const hub_repo *r, hub_pull_new *n,
                            const json_t *reviewers, hub_pull_view *out)
{
	create_ctx cc = { .req = req, .repo = *r, .n = *n, .reviewers = reviewers };
	git_repository *git = NULL;
	int rc = hub_pull_check_title(n->title);
	if (rc == 0)
		rc = hub_git_open(&git,
		                  hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, r));
	if (rc == 0)
		rc = hub_pull_check_branches(&cc.tips, git, n->source_branch,
		                             n->destination_branch);
	hub_git_close(git);
	cc.n.source_hash = cc.tips.source_hex;
	cc.n.destination_hash = cc.tips.destination_hex;
	if (rc == 0)
		rc = db_tx(hub_app_of(req)->d, create_in_tx, &cc);
	if (rc == 0)
		*out = cc.v;
	return rc;
}

int hub_api_pullrequest_create(web_request *req, web_response *res)
{
	hub_repo r;
	hub_pull_view v;
	const json_t *body = req->json;
	if (!json_is_object(body))
		return err_fail(WEFT_EINVALID, "The body must be a JSON object with title and "
		                               "source.");
	int rc = hub_request_repo(req, &r);
	if (rc < 0)
		return rc;
	const char *source = str_at(body, "source", "branch", "name");
	const char *dest = str_at(body, "destination", "branch", "name");
	const json_t *close = json_object_get(body, "close_source_branch");
	const json_t *reviewers = json_object_get(body, "reviewers");
	if (!source)
		return err_fail(WEFT_EINVALID, "source.branch.name: This field is required.");
	hub_pull_new n = { .title = str_at(body, "title", NULL, NULL),
		           .description = str_at(body, "description", NULL, NULL),
		           .source_branch = source,
		           .destination_branch = dest ? dest : r.mainbranch,
		           .close_source_branch = json_is_true(close) };
	rc = hub_pull_create_checked(req, &r, &n, json_is_null(reviewers) ? NULL : reviewers, &v);
	if (rc < 0)
		return rc;
	json_t *out = hub_pull_json(HUB_PULL_OUT(req), &v);
	web_res_header(req, res, "Location",
	               json_string_value(json_object_get(
	                       json_object_get(json_object_get(out, "links"), "self"), "href")));
	web_res_json(res, 201, out);
	return 0;
}

/* ---- one ---- */

int hub_api_pullrequest(web_request *req, web_response *res)
{
	hub_pull_view v;
	int rc = hub_pull_view_load(req, &v);
	if (rc == 0)
		web_res_json(res, 200, hub_pull_json(HUB_PULL_OUT(req), &v));
	return rc;
}

/* The author, or whoever may write to the repository. */
static int may_change(const web_request *req, const hub_pull *p)
{
	if (viewer_id(req) == p->author_id || hub_scope_of(req)->level >= HUB_LEVEL_WRITE)
		return 0;
	return err_fail(WEFT_EPERM, "Only the author or someone who may write to the repository "
	                            "may do this.");
}

typedef struct update_ctx {
	web_request *req;
	hub_pull_view *v;
	hub_pull_change ch;
	const json_t *reviewers;
} update_ctx;

static int update_in_tx(db_conn *c, void *ctx)
{
	update_ctx *uc = ctx;
	arena *a = uc->req->arena;
	hub_pull p;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = hub_pull_get(c, a, uc->v->repo.id, uc->v->pull.id, &p);
	if (rc == 0 && uc->reviewers) {
		rc = read_reviewers(c, a, uc->reviewers, &ids, &n);
		uc->ch.reviewers = ids;
		uc->ch.nreviewers = n;
		uc->ch.set_reviewers = true;
	}
	if (rc == 0)
		rc = hub_pull_update(c, a, &p, viewer_id(uc->req), &uc->ch);
	if (rc == 0)
		rc = hub_pull_view_fill(c, a, &uc->v->repo, &p, uc->v);
	if (rc == 0)
		rc = hub_pull_emit(c, a, uc->v, viewer_id(uc->req), "updated", NULL, NULL);
	return rc;
}

/* A new destination must exist; its tip is recorded. */
static int check_destination(web_request *req, const hub_pull_view *v, hub_pull_change *ch)
{
	if (!ch->destination_branch)
		return 0;
	git_repository *git = NULL;
	hub_pull_tips t;
	int rc = hub_git_open(&git,
	                      hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, &v->repo));
	if (rc == 0)
		rc = hub_pull_tips_read(&t, git, v->pull.source_branch, ch->destination_branch);
	hub_git_close(git);
	if (rc == 0)
		ch->destination_hash = arena_strdup(req->arena, t.destination_hex);
	return rc;
}

int hub_pull_update_checked(web_request *req, hub_pull_view *v, const hub_pull_change *ch,
                            const json_t *reviewers)
{
	update_ctx uc = { req, v, *ch, reviewers };
	int rc = may_change(req, &v->pull);
	if (rc == 0)
		rc = check_destination(req, v, &uc.ch);
	if (rc == 0)
		rc = db_tx(hub_app_of(req)->d, update_in_tx, &uc);
	return rc;
}

int hub_api_pullrequest_update(web_request *req, web_response *res)
{
	hub_pull_view v;
	const json_t *body = req->json;
	if (!json_is_object(body))
		return err_fail(WEFT_EINVALID, "The body must be a JSON object.");
	int rc = hub_pull_view_load(req, &v);
	if (rc < 0)
		return rc;
	const json_t *reviewers = json_object_get(body, "reviewers");
	hub_pull_change ch = { .title = str_at(body, "title", NULL, NULL),
		               .description = str_at(body, "description", NULL, NULL),
		               .destination_branch =
		                       str_at(body, "destination", "branch", "name") };
	rc = hub_pull_update_checked(req, &v, &ch,
	                             reviewers && !json_is_null(reviewers) ? reviewers : NULL);
	if (rc == 0)
		web_res_json(res, 200, hub_pull_json(HUB_PULL_OUT(req), &v));
	return rc;
}

/* ---- commits, diff, diffstat, patch: the history API over the pull request's tips ---- */

/* Sets the path parameter name of this request (the history handlers read theirs so). */
static int set_param(web_request *req, const char *name, const char *value)
{
	for (size_t i = 0; i < req->nparams; i++)
		if (strcmp(req->param_names[i], name) == 0) {
			req->param_values[i] = value;
			return 0;
		}
	if (req->nparams == WEB_PARAMS_MAX)
		return err_fail(WEFT_ERROR, "too many path parameters");
	req->param_names[req->nparams] = name;
	req->param_values[req->nparams++] = value;
	return 0;
}

/* The route's pull request and its tips (hub_pull_view_tips), its repository opened only for
 * that. */
static int load_tips(web_request *req, hub_pull_view *v, hub_pull_tips *t)
{
	git_repository *git = NULL;
	int rc = hub_pull_view_load(req, v);
	if (rc == 0)
		rc = hub_git_open(
		        &git, hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, &v->repo));
	if (rc == 0)
		rc = hub_pull_view_tips(t, git, &v->pull);
	hub_git_close(git);
	return rc;
}

static int with_spec(web_request *req, web_response *res, web_handler handler)
{
	hub_pull_view v;
	hub_pull_tips t;
	int rc = load_tips(req, &v, &t);
	if (rc == 0)
		rc = set_param(req, "spec", hub_pull_view_spec(req, &t));
	return rc < 0 ? rc : handler(req, res);
}

int hub_api_pullrequest_diff(web_request *req, web_response *res)
{
	return with_spec(req, res, hub_api_diff);
}

int hub_api_pullrequest_diffstat(web_request *req, web_response *res)
{
	return with_spec(req, res, hub_api_diffstat);
}

int hub_api_pullrequest_patch(web_request *req, web_response *res)
{
	return with_spec(req, res, hub_api_patch);
}

int hub_api_pullrequest_commits(web_request *req, web_response *res)
{
	hub_pull_view v;
	hub_pull_tips t;
	int rc = load_tips(req, &v, &t);
	if (rc == 0)
		rc = set_param(req, "revision", arena_strdup(req->arena, t.source_hex));
	if (rc == 0)
		rc = web_query_parse(&req->query, req->arena,
		                     arena_printf(req->arena, "exclude=%s", t.destination_hex),
		                     strlen("exclude=") + strlen(t.destination_hex));
	return rc < 0 ? rc : hub_api_commits(req, res);
}

/* ---- activity ---- */

typedef struct activity_ctx {
	web_request *req;
	hub_pull_view *v;
	json_t *items;
	bool comments_only;
} activity_ctx;

static json_t *event_json(web_request *req, const hub_pull_view *v, const hub_pull_event *e,
                          const hub_user *u)
{
	char date[CLOCK_ISO_LEN];
	clock_format_iso8601(date, e->created_at);
	json_t *user = u ? hub_api_user(req, u) : json_null();
	if (strcmp(e->kind, "approval") == 0)
		return json_pack("{s:{s:s, s:o, s:o}}", "approval", "date", date, "user", user,
		                 "pullrequest", hub_pull_ref_json(HUB_PULL_OUT(req), v));
	if (strcmp(e->kind, "changes_requested") == 0)
		return json_pack("{s:{s:s, s:o}}", "changes_requested", "date", date, "user", user);
	const char *state = e->state ? e->state : "OPEN";
	json_t *update = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "state", state, "title",
	                           v->pull.title, "description", v->pull.description, "reason",
	                           e->reason ? e->reason : "", "author", user, "date", date);
	json_object_set_new(update, "source",
	                    json_pack("{s:{s:s}, s:{s:s}}", "branch", "name", v->pull.source_branch,
	                              "commit", "hash",
	                              e->new_hash ? e->new_hash : v->pull.source_hash));
	json_object_set_new(update, "destination",
	                    json_pack("{s:{s:s}, s:{s:s}}", "branch", "name",
	                              v->pull.destination_branch, "commit", "hash",
	                              v->pull.destination_hash));
	if (strcmp(e->kind, "push") == 0)
		json_object_set_new(update, "changes",
		                    json_pack("{s:{s:s?, s:s?}}", "source", "old", e->old_hash,
		                              "new", e->new_hash));
	return json_pack("{s:o}", "update", update);
}

/* The users (NULL for none or deleted) whose ids stand at offset in each of n rows of size
 * bytes, read in one query; the array in a. */
static int row_users(db_conn *c, arena *a, const void *rows, size_t n, size_t size, size_t offset,
                     const hub_user ***out)
{
	int64_t *ids = arena_array(a, n ? n : 1, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		memcpy(&ids[i], (const char *)rows + i * size + offset, sizeof ids[i]);
	return hub_pull_users(c, a, ids, n, out);
}

static int add_comments(db_conn *c, activity_ctx *ac, json_t *items)
{
	arena *a = ac->req->arena;
	hub_pull_comment *cms = NULL;
	size_t n = 0;
	const hub_user **users = NULL;
	int rc = hub_pull_comments(c, a, &ac->v->pull, &cms, &n);
	if (rc == 0)
		rc = row_users(c, a, cms, n, sizeof *cms, offsetof(hub_pull_comment, user_id),
		               &users);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *cj = hub_pull_comment_json(HUB_PULL_OUT(ac->req), ac->v, &cms[i], users[i]);
		json_array_append_new(items,
		                      ac->comments_only ? cj : json_pack("{s:o}", "comment", cj));
	}
	return rc;
}

static int add_events(db_conn *c, activity_ctx *ac, json_t *items)
{
	arena *a = ac->req->arena;
	hub_pull_event *evs = NULL;
	size_t n = 0;
	const hub_user **users = NULL;
	int rc = hub_pull_events(c, a, &ac->v->pull, &evs, &n);
	if (rc == 0)
		rc = row_users(c, a, evs, n, sizeof *evs, offsetof(hub_pull_event, actor_id),
		               &users);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (strcmp(evs[i].kind, "unapproval") == 0 ||
		    strcmp(evs[i].kind, "changes_request_removed") == 0)
			continue;
		json_t *item = event_json(ac->req, ac->v, &evs[i], users[i]);
		json_object_set_new(item, "pull_request",
		                    hub_pull_ref_json(HUB_PULL_OUT(ac->req), ac->v));
		json_array_append_new(items, item);
	}
	return rc;
}

static int activity_items(db_conn *c, void *ctx)
{
	activity_ctx *ac = ctx;
	int rc = add_comments(c, ac, ac->items);
	if (rc == 0 && !ac->comments_only)
		rc = add_events(c, ac, ac->items);
	if (rc == 0 && !ac->comments_only)
		for (size_t i = 0; i < json_array_size(ac->items); i++) {
			json_t *item = json_array_get(ac->items, i);
			if (json_object_get(item, "comment"))
				json_object_set_new(
				        item, "pull_request",
				        hub_pull_ref_json(HUB_PULL_OUT(ac->req), ac->v));
		}
	return rc;
}

int hub_api_pullrequest_activity(web_request *req, web_response *res)
{
	hub_pull_view v;
	int rc = hub_pull_view_load(req, &v);
	if (rc < 0)
		return rc;
	activity_ctx ac = { req, &v, json_array(), false };
	rc = hub_api_run(&ac.items, req, activity_items, &ac, false);
	if (rc < 0)
		return rc;
	hub_page_params p;
	rc = hub_api_page_params(req, &p);
	if (rc < 0) {
		json_decref(ac.items);
		return rc;
	}
	int64_t total = (int64_t)json_array_size(ac.items), first = (p.page - 1) * p.pagelen;
	json_t *values = json_array();
	for (int64_t i = total - 1 - first; i >= 0 && i > total - 1 - first - p.pagelen; i--)
		json_array_append(values, json_array_get(ac.items, (size_t)i));
	json_decref(ac.items);
	web_res_json(res, 200, hub_api_envelope(req, &p, values, total, false));
	return 0;
}

/* ---- comments ---- */

int hub_api_pullrequest_comments(web_request *req, web_response *res)
{
	hub_pull_view v;
	int rc = hub_pull_view_load(req, &v);
	if (rc < 0)
		return rc;
	activity_ctx ac = { req, &v, json_array(), true };
	rc = hub_api_run(&ac.items, req, activity_items, &ac, false);
	if (rc < 0)
		return rc;
	return hub_api_respond_list(req, res, ac.items, comment_fields);
}

typedef struct comment_ctx {
	web_request *req;
	hub_pull_view *v;
	hub_pull_comment_new n;
	int64_t comment_id;
	const char *body; /* an edit; NULL deletes */
	bool change;
	hub_pull_comment cm;
	const hub_user *user;
} comment_ctx;

static int emit_comment(db_conn *c, comment_ctx *cc)
{
	arena *a = cc->req->arena;
	const char *what = !cc->change ? "comment_created"
	                   : cc->body  ? "comment_updated"
	                               : "comment_deleted";
	hub_pull p;
	int rc = hub_pull_get(c, a, cc->v->repo.id, cc->v->pull.id, &p);
	if (rc == 0)
		rc = hub_pull_view_fill(c, a, &cc->v->repo, &p, cc->v);
	const hub_pull_out out = { a, NULL };
	if (rc == 0)
		rc = hub_pull_emit(c, a, cc->v, viewer_id(cc->req), what, "comment",
		                   hub_pull_comment_json(&out, cc->v, &cc->cm, cc->user));
	return rc;
}

static int comment_in_tx(db_conn *c, void *ctx)
{
	comment_ctx *cc = ctx;
	arena *a = cc->req->arena;
	int64_t actor = viewer_id(cc->req);
	int rc = 0;
	if (cc->change) {
		rc = hub_pull_comment_get(c, a, &cc->v->pull, cc->comment_id, &cc->cm);
		if (rc == 0)
			rc = hub_pull_comment_change(
			        c, a, &cc->cm, actor,
			        hub_scope_of(cc->req)->level >= HUB_LEVEL_ADMIN, cc->body);
	} else if (cc->comment_id) {
		rc = hub_pull_comment_get(c, a, &cc->v->pull, cc->comment_id, &cc->cm);
	} else {
		rc = hub_pull_comment_add(c, a, &cc->v->pull, actor, &cc->n, &cc->cm);
	}
	const hub_user **users = NULL;
	if (rc == 0)
		rc = hub_pull_users(c, a, &cc->cm.user_id, 1, &users);
	if (rc == 0)
		cc->user = users[0];
	if (rc == 0 && (cc->change || !cc->comment_id))
		rc = emit_comment(c, cc);
	return rc;
}

/* The text of the commented line, from the side the comment is on. */
static const char *commented_line(web_request *req, const hub_pull_view *v,
                                  const hub_pull_comment_new *n)
{
	git_repository *git = NULL;
	hub_pull_tips t;
	char base[GIT_OID_HEXSZ + 1];
	const char *text = NULL;
	if (hub_git_open(&git, hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, &v->repo)) <
	    0)
		return NULL;
	if (hub_pull_view_tips(&t, git, &v->pull) == 0) {
		if (n->inline_to > 0)
			text = hub_pull_line_text(req->arena, git, t.source_hex, n->inline_path,
			                          n->inline_to);
		else if (hub_pull_merge_base(base, git, &t) == 0)
			text = hub_pull_line_text(req->arena, git, base, n->inline_path,
			                          n->inline_from);
	}
	hub_git_close(git);
	return text;
}

int hub_pull_comment_post(web_request *req, hub_pull_view *v, hub_pull_comment_new *n,
                          hub_pull_comment *out, const hub_user **user)
{
	if (n->inline_path && !n->parent_id)
		n->line_text = commented_line(req, v, n);
	comment_ctx cc = { .req = req, .v = v, .n = *n };
	int rc = db_tx(hub_app_of(req)->d, comment_in_tx, &cc);
	if (rc == 0) {
		*out = cc.cm;
		*user = cc.user;
	}
	return rc;
}

static int64_t json_line(const json_t *inline_, const char *key)
{
	const json_t *v = json_object_get(inline_, key);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

int hub_api_pullrequest_comment_create(web_request *req, web_response *res)
{
	hub_pull_view v;
	hub_pull_comment cm;
	const hub_user *user = NULL;
	const json_t *body = req->json;
	if (!json_is_object(body))
		return err_fail(WEFT_EINVALID, "The body must be a JSON object with content.raw.");
	const json_t *inline_ = json_object_get(body, "inline");
	const json_t *parent = json_object_get(json_object_get(body, "parent"), "id");
	hub_pull_comment_new n = { .body = str_at(body, "content", "raw", NULL),
		                   .parent_id = json_is_integer(parent) ? json_integer_value(parent)
		                                                        : 0 };
	if (json_is_object(inline_)) {
		n.inline_path = str_at(inline_, "path", NULL, NULL);
		n.inline_from = json_line(inline_, "from");
		n.inline_to = json_line(inline_, "to");
		if (!n.inline_path)
			return err_fail(WEFT_EINVALID, "inline.path: This field is required.");
	}
	int rc = hub_pull_view_load(req, &v);
	if (rc == 0)
		rc = hub_pull_comment_post(req, &v, &n, &cm, &user);
	if (rc == 0)
		web_res_json(res, 201, hub_pull_comment_json(HUB_PULL_OUT(req), &v, &cm, user));
	return rc;
}

static int comment_id(web_request *req, int64_t *out)
{
	const char *param = web_param(req, "comment_id");
	if (!param || str_to_i64(out, param, 1, INT64_MAX / 2, "comment_id") < 0)
		return err_fail(WEFT_ENOTFOUND, "There is no such comment.");
	return 0;
}

int hub_pull_comment_modify(web_request *req, hub_pull_view *v, int64_t id, bool change,
                            const char *body, hub_pull_comment *out, const hub_user **user)
{
	comment_ctx cc = { .req = req, .v = v, .comment_id = id, .change = change, .body = body };
	int rc = db_tx(hub_app_of(req)->d, comment_in_tx, &cc);
	if (rc == 0) {
		*out = cc.cm;
		*user = cc.user;
	}
	return rc;
}

static int comment_op(web_request *req, web_response *res, bool change, const char *body,
                      int status)
{
	hub_pull_view v;
	hub_pull_comment cm;
	const hub_user *user = NULL;
	int64_t id = 0;
	int rc = comment_id(req, &id);
	if (rc == 0)
		rc = hub_pull_view_load(req, &v);
	if (rc == 0)
		rc = hub_pull_comment_modify(req, &v, id, change, body, &cm, &user);
	if (rc == 0 && status == 204)
		web_res_text(res, 204, "");
	else if (rc == 0)
		web_res_json(res, status, hub_pull_comment_json(HUB_PULL_OUT(req), &v, &cm, user));
	return rc;
}

int hub_api_pullrequest_comment(web_request *req, web_response *res)
{
	return comment_op(req, res, false, NULL, 200);
}

int hub_api_pullrequest_comment_update(web_request *req, web_response *res)
{
	const char *body =
	        json_is_object(req->json) ? str_at(req->json, "content", "raw", NULL) : NULL;
	if (!body)
		return err_fail(WEFT_EINVALID, "content.raw: This field is required.");
	return comment_op(req, res, true, body, 200);
}

int hub_api_pullrequest_comment_delete(web_request *req, web_response *res)
{
	return comment_op(req, res, true, NULL, 204);
}

/* ---- reviews ---- */

/* The event of a review: approved, unapproved, changes_request_created or _removed. */
static const char *review_event(hub_pull_review_kind kind, bool on)
{
	if (kind == PULL_REVIEW_APPROVE)
		return on ? "approved" : "unapproved";
	return on ? "changes_request_created" : "changes_request_removed";
}

typedef struct review_ctx {
	web_request *req;
	hub_pull_view *v;
	hub_pull_review_kind kind;
	bool on;
	hub_pull_participant part;
	const hub_user *user;
} review_ctx;

static int review_in_tx(db_conn *c, void *ctx)
{
	review_ctx *rc_ = ctx;
	arena *a = rc_->req->arena;
	hub_pull p;
	int64_t actor = viewer_id(rc_->req);
	int rc = hub_pull_get(c, a, rc_->v->repo.id, rc_->v->pull.id, &p);
	if (rc == 0)
		rc = hub_pull_review(c, a, &p, actor, rc_->kind, rc_->on, &rc_->part);
	const hub_user **users = NULL;
	if (rc == 0)
		rc = hub_pull_users(c, a, &actor, 1, &users);
	if (rc == 0) {
		rc_->user = users[0];
		rc = hub_pull_view_fill(c, a, &rc_->v->repo, &p, rc_->v);
	}
	if (rc == 0)
		rc = hub_pull_emit(c, a, rc_->v, actor, review_event(rc_->kind, rc_->on),
		                   rc_->kind == PULL_REVIEW_APPROVE ? "approval"
		                                                    : "changes_request",
		                   hub_pull_review_member(a, rc_->user));
	return rc;
}

int hub_pull_review_run(web_request *req, hub_pull_view *v, hub_pull_review_kind kind, bool on,
                        hub_pull_participant *out, const hub_user **user)
{
	review_ctx rc_ = { req, v, kind, on, { 0 }, NULL };
	int rc = db_tx(hub_app_of(req)->d, review_in_tx, &rc_);
	if (rc == 0) {
		*out = rc_.part;
		*user = rc_.user;
	}
	return rc;
}

static int review(web_request *req, web_response *res, hub_pull_review_kind kind, bool on)
{
	hub_pull_view v;
	hub_pull_participant part;
	const hub_user *user = NULL;
	int rc = hub_pull_view_load(req, &v);
	if (rc == 0)
		rc = hub_pull_review_run(req, &v, kind, on, &part, &user);
	if (rc == 0 && on)
		web_res_json(res, 200, hub_pull_participant_json(HUB_PULL_OUT(req), &part, user));
	else if (rc == 0)
		web_res_text(res, 204, "");
	return rc;
}

int hub_api_pullrequest_approve(web_request *req, web_response *res)
{
	return review(req, res, PULL_REVIEW_APPROVE, true);
}

int hub_api_pullrequest_unapprove(web_request *req, web_response *res)
{
	return review(req, res, PULL_REVIEW_APPROVE, false);
}

int hub_api_pullrequest_request_changes(web_request *req, web_response *res)
{
	return review(req, res, PULL_REVIEW_CHANGES, true);
}

int hub_api_pullrequest_remove_request(web_request *req, web_response *res)
{
	return review(req, res, PULL_REVIEW_CHANGES, false);
}

/* ---- merge and decline ---- */

int hub_api_pullrequest_merge(web_request *req, web_response *res)
{
	hub_pull_view v;
	const json_t *body = req->json;
	if (body && !json_is_object(body))
		return err_fail(WEFT_EINVALID, "The body must be a JSON object.");
	const json_t *close = json_object_get(body, "close_source_branch");
	hub_pull_merge_req m = { .strategy = str_at(body, "merge_strategy", NULL, NULL),
		                 .message = str_at(body, "message", NULL, NULL),
		                 .close_source_branch =
		                         json_is_boolean(close) ? json_is_true(close) : -1 };
	int rc = hub_pull_view_load(req, &v);
	if (rc == 0)
		rc = hub_pull_merge_run(req, &v, &m);
	if (rc == 0)
		web_res_json(res, 200, hub_pull_json(HUB_PULL_OUT(req), &v));
	return rc;
}

typedef struct decline_ctx {
	web_request *req;
	hub_pull_view *v;
	const char *reason;
} decline_ctx;

static int decline_in_tx(db_conn *c, void *ctx)
{
	decline_ctx *dc = ctx;
	arena *a = dc->req->arena;
	hub_pull p;
	int rc = hub_pull_get(c, a, dc->v->repo.id, dc->v->pull.id, &p);
	if (rc == 0)
		rc = hub_pull_decline(c, a, &p, viewer_id(dc->req), dc->reason);
	if (rc == 0)
		rc = hub_pull_view_fill(c, a, &dc->v->repo, &p, dc->v);
	if (rc == 0)
		rc = hub_pull_emit(c, a, dc->v, viewer_id(dc->req), "rejected", NULL, NULL);
	return rc;
}

int hub_pull_decline_run(web_request *req, hub_pull_view *v, const char *reason)
{
	decline_ctx dc = { req, v, reason };
	int rc = may_change(req, &v->pull);
	return rc < 0 ? rc : db_tx(hub_app_of(req)->d, decline_in_tx, &dc);
}

int hub_api_pullrequest_decline(web_request *req, web_response *res)
{
	hub_pull_view v;
	const char *reason =
	        json_is_object(req->json) ? str_at(req->json, "reason", NULL, NULL) : NULL;
	int rc = hub_pull_view_load(req, &v);
	if (rc == 0)
		rc = hub_pull_decline_run(req, &v, reason);
	if (rc == 0)
		web_res_json(res, 200, hub_pull_json(HUB_PULL_OUT(req), &v));
	return rc;
}

/* ---- statuses ---- */

static const char *const status_fields[] = { "key",        "state",   "name", "created_on",
	                                     "updated_on", "refname", NULL };

typedef struct statuses_ctx {
	web_request *req;
	const hub_pull_view *v;
	const char *hash;
	json_t *items;
} statuses_ctx;

static int status_items(db_conn *c, void *ctx)
{
	statuses_ctx *sc = ctx;
	hub_status *list = NULL;
	size_t n = 0;
	int rc = hub_status_list(c, sc->req->arena, sc->v->repo.id, sc->hash, &list, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(sc->items,
		                      hub_status_json(sc->req->arena, web_base_url(sc->req),
		                                      &sc->v->repo, &list[i]));
	return rc;
}

int hub_api_pullrequest_statuses(web_request *req, web_response *res)
{
	hub_pull_view v;
	hub_pull_tips t;
	int rc = load_tips(req, &v, &t);
	if (rc < 0)
		return rc;
	statuses_ctx sc = { req, &v, t.source_hex, json_array() };
	rc = hub_api_run(&sc.items, req, status_items, &sc, false);
	return rc < 0 ? rc : hub_api_respond_list(req, res, sc.items, status_fields);
}
