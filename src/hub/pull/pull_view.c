/* Loading a pull request for a handler, and its Bitbucket objects. */
#include "hub/pull/pull_view.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "hub/api.h"
#include "hub/git/gitrepo.h"
#include "hub/browse/commit_api.h"
#include "hub/browse/commit_web.h"
#include "hub/browse/diff_api.h"
#include "hub/browse/ref_web.h"
#include "hub/hook/payload.h"
#include "hub/hub.h"
#include "web/escape.h"
#include "web/markdown.h"

int hub_pull_users(db_conn *c, arena *a, const int64_t *ids, size_t n, const hub_user ***out)
{
	const hub_user **users = arena_array(a, n ? n : 1, sizeof *users);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		users[i] = NULL;
		for (size_t j = 0; j < i && !users[i]; j++)
			if (ids[j] == ids[i])
				users[i] = users[j];
		if (users[i] || ids[i] <= 0)
			continue;
		hub_user *u = arena_alloc(a, sizeof *u);
		rc = hub_account_find_id(c, a, ids[i], u);
		if (rc == 0)
			users[i] = u;
		else if (rc == WEFT_ENOTFOUND)
			rc = 0;
	}
	if (rc == 0)
		*out = users;
	return rc;
}

int hub_pull_view_fill(db_conn *c, arena *a, const hub_repo *r, const hub_pull *p, hub_pull_view *v)
{
	v->repo = *r;
	v->pull = *p;
	int rc = hub_pull_participants(c, a, p, &v->parts, &v->nparts);
	if (rc < 0)
		return rc;
	int64_t *ids = arena_array(a, v->nparts + 2, sizeof *ids);
	ids[0] = p->author_id;
	ids[1] = p->closed_by_id;
	for (size_t i = 0; i < v->nparts; i++)
		ids[i + 2] = v->parts[i].user_id;
	const hub_user **users = NULL;
	rc = hub_pull_users(c, a, ids, v->nparts + 2, &users);
	if (rc == 0) {
		v->author = users[0];
		v->closed_by = users[1];
		v->part_users = users + 2;
	}
	return rc;
}

int hub_pull_view_each(db_conn *c, arena *a, const hub_pull_filter *f, const hub_repo *repo,
                       void (*fn)(void *ctx, const hub_pull_view *v), void *ctx)
{
	hub_pull *rows = NULL;
	size_t n = 0;
	int rc = hub_pull_list(c, a, f, &rows, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		hub_repo r;
		hub_pull_view v;
		if (repo)
			r = *repo;
		else
			rc = hub_repo_get(c, a, rows[i].repository_id, &r);
		if (rc == 0)
			rc = hub_pull_view_fill(c, a, &r, &rows[i], &v);
		if (rc == 0)
			fn(ctx, &v);
	}
	return rc;
}

typedef struct load_ctx {
	web_request *req;
	int64_t id;
	hub_pull_view *v;
} load_ctx;

static int load(db_conn *c, void *ctx)
{
	load_ctx *lc = ctx;
	hub_repo r;
	hub_pull p;
	int rc = hub_repo_get(c, lc->req->arena, hub_scope_of(lc->req)->repository_id, &r);
	if (rc == 0)
		rc = hub_pull_get(c, lc->req->arena, r.id, lc->id, &p);
	if (rc == 0)
		rc = hub_pull_view_fill(c, lc->req->arena, &r, &p, lc->v);
	return rc;
}

int hub_pull_view_load(web_request *req, hub_pull_view *v)
{
	const char *param = web_param(req, "pull_request_id");
	int64_t id = 0;
	if (!param || str_to_i64(&id, param, 1, INT64_MAX / 2, "pull_request_id") < 0)
		return err_fail(WEFT_ENOTFOUND, "There is no such pull request.");
	load_ctx lc = { req, id, v };
	return db_read(hub_app_of(req)->d, load, &lc);
}

static int reload(db_conn *c, void *ctx)
{
	load_ctx *lc = ctx;
	hub_pull p;
	int rc = hub_pull_get(c, lc->req->arena, lc->v->repo.id, lc->v->pull.id, &p);
	if (rc == 0)
		rc = hub_pull_view_fill(c, lc->req->arena, &lc->v->repo, &p, lc->v);
	return rc;
}

int hub_pull_view_reload(web_request *req, hub_pull_view *v)
{
	load_ctx lc = { req, v->pull.id, v };
	return db_read(hub_app_of(req)->d, reload, &lc);
}

static int recorded_tips(hub_pull_tips *out, const hub_pull *p)
{
	if (git_oid_fromstr(&out->source, p->source_hash) < 0 ||
	    git_oid_fromstr(&out->destination, p->destination_hash) < 0)
		return err_fail(WEFT_ERROR, "pull request #%lld has no valid recorded tips",
		                (long long)p->id);
	snprintf(out->source_hex, sizeof out->source_hex, "%s", p->source_hash);
	snprintf(out->destination_hex, sizeof out->destination_hex, "%s", p->destination_hash);
	return 0;
}

int hub_pull_view_tips(hub_pull_tips *out, git_repository *git, const hub_pull *p)
{
	if (strcmp(p->state, "OPEN") != 0)
		return recorded_tips(out, p);
	int rc = hub_pull_tips_read(out, git, p->source_branch, p->destination_branch);
	/* A branch gone meanwhile (the reconcile job has not declined it yet): what was seen. */
	return rc == WEFT_EINVALID ? recorded_tips(out, p) : rc;
}

const char *hub_pull_view_spec(web_request *req, const hub_pull_tips *t)
{
	return arena_printf(req->arena, "%s..%s", t->source_hex, t->destination_hex);
}

void hub_pull_view_readable(hub_pull_filter *f, const web_request *req)
{
	const hub_viewer *viewer = hub_viewer_of(req);
	f->check_reader = true;
	f->reader_id = viewer ? viewer->user.id : 0;
	f->reader_is_admin = viewer && viewer->user.is_admin;
}

/* ---- paths and objects ---- */

const char *hub_pull_api_path(arena *a, const hub_repo *r, int64_t id)
{
	return arena_printf(
	        a, "%s/pullrequests/%lld",
	        hub_payload_path(a, "/2.0/repositories/", r->workspace_slug, r->slug, NULL),
	        (long long)id);
}

const char *hub_pull_web_path(arena *a, const hub_repo *r, int64_t id)
{
	return arena_printf(a, "%s/pull-requests/%lld",
	                    hub_payload_path(a, "/", r->workspace_slug, r->slug, NULL),
	                    (long long)id);
}

json_t *hub_pull_href(const hub_pull_out *o, const char *path)
{
	return o->req ? hub_api_href(o->req, path) : hub_payload_href(path);
}

json_t *hub_pull_user_json(const hub_pull_out *o, const hub_user *u)
{
	if (!u)
		return json_null();
	return o->req ? hub_api_user(o->req, u) : hub_payload_user(o->a, u);
}

static json_t *time_json(int64_t ms)
{
	char iso[CLOCK_ISO_LEN];
	clock_format_iso8601(iso, ms);
	return json_string(iso);
}

json_t *hub_pull_participant_json(const hub_pull_out *o, const hub_pull_participant *pp,
                                  const hub_user *u)
{
	return json_pack("{s:s, s:o, s:s, s:b, s:o, s:o}", "type", "participant", "user",
	                 hub_pull_user_json(o, u), "role", pp->role, "approved",
	                 pp->state && strcmp(pp->state, "approved") == 0, "state",
	                 pp->state ? json_string(pp->state) : json_null(), "participated_on",
	                 pp->participated_on ? time_json(pp->participated_on) : json_null());
}

static json_t *repo_condensed(const hub_pull_out *o, const hub_repo *r)
{
	const char *full = arena_printf(o->a, "%s/%s", r->workspace_slug, r->slug);
	return json_pack(
	        "{s:s, s:s, s:s, s:s, s:{s:o, s:o}}", "type", "repository", "uuid",
	        arena_printf(o->a, "{%s}", r->uuid), "name", r->name, "full_name", full, "links",
	        "self",
	        hub_pull_href(o, hub_payload_path(o->a, "/2.0/repositories/", r->workspace_slug,
	                                          r->slug, NULL)),
	        "html",
	        hub_pull_href(o, hub_payload_path(o->a, "/", r->workspace_slug, r->slug, NULL)));
}

static json_t *endpoint_json(const hub_pull_out *o, const hub_repo *r, const char *branch,
                             const char *hash)
{
	return json_pack("{s:{s:s}, s:{s:s, s:s}, s:o}", "branch", "name", branch, "commit", "type",
	                 "commit", "hash", hash, "repository", repo_condensed(o, r));
}

static json_t *rendered(const hub_pull_out *o, const char *raw)
{
	return json_pack("{s:s, s:s, s:s}", "raw", raw, "markup", "markdown", "html",
	                 web_markdown_html(o->a, raw, strlen(raw)));
}

static json_t *pull_links(const hub_pull_out *o, const hub_pull_view *v)
{
	const char *api = hub_pull_api_path(o->a, &v->repo, v->pull.id);
	json_t *links = json_pack("{s:o, s:o}", "self", hub_pull_href(o, api), "html",
	                          hub_pull_href(o, hub_pull_web_path(o->a, &v->repo, v->pull.id)));
	static const char *const names[] = { "commits",  "approve",  "diff",           "diffstat",
		                             "comments", "activity", "merge",          "decline",
		                             "statuses", "patch",    "request-changes" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		json_object_set_new(links, names[i],
		                    hub_pull_href(o, arena_printf(o->a, "%s/%s", api, names[i])));
	return links;
}

static void add_participants(json_t *out, const hub_pull_out *o, const hub_pull_view *v)
{
	json_t *reviewers = json_array(), *participants = json_array();
	for (size_t i = 0; i < v->nparts; i++) {
		if (strcmp(v->parts[i].role, "REVIEWER") == 0 && v->part_users[i])
			json_array_append_new(reviewers, hub_pull_user_json(o, v->part_users[i]));
		json_array_append_new(participants,
		                      hub_pull_participant_json(o, &v->parts[i], v->part_users[i]));
	}
	json_object_set_new(out, "reviewers", reviewers);
	json_object_set_new(out, "participants", participants);
}

json_t *hub_pull_json(const hub_pull_out *o, const hub_pull_view *v)
{
	const hub_pull *p = &v->pull;
	json_t *out = json_pack(
	        "{s:s, s:I, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:s, s:o, s:o}", "type",
	        "pullrequest", "id", (json_int_t)p->id, "title", p->title, "description",
	        p->description, "summary", rendered(o, p->description), "rendered",
	        json_pack("{s:o, s:o}", "title", rendered(o, p->title), "description",
	                  rendered(o, p->description)),
	        "state", p->state, "author", hub_pull_user_json(o, v->author), "closed_by",
	        hub_pull_user_json(o, v->closed_by), "reason", p->reason, "source",
	        endpoint_json(o, &v->repo, p->source_branch, p->source_hash), "destination",
	        endpoint_json(o, &v->repo, p->destination_branch, p->destination_hash));
	json_object_set_new(out, "merge_commit",
	                    p->merge_hash ? json_pack("{s:s}", "hash", p->merge_hash)
	                                  : json_null());
	json_object_set_new(out, "close_source_branch", json_boolean(p->close_source_branch));
	json_object_set_new(out, "comment_count", json_integer(p->comment_count));
	json_object_set_new(out, "task_count", json_integer(0));
	json_object_set_new(out, "created_on", time_json(p->created_at));
	json_object_set_new(out, "updated_on", time_json(p->updated_at));
	add_participants(out, o, v);
	json_object_set_new(out, "links", pull_links(o, v));
	return out;
}

static json_t *pull_ref(const hub_pull_out *o, const hub_pull_view *v)
{
	return json_pack("{s:s, s:I, s:s, s:{s:o, s:o}}", "type", "pullrequest", "id",
	                 (json_int_t)v->pull.id, "title", v->pull.title, "links", "self",
	                 hub_pull_href(o, hub_pull_api_path(o->a, &v->repo, v->pull.id)), "html",
	                 hub_pull_href(o, hub_pull_web_path(o->a, &v->repo, v->pull.id)));
}

json_t *hub_pull_ref_json(const hub_pull_out *o, const hub_pull_view *v)
{
	return pull_ref(o, v);
}

static json_t *inline_json(const hub_pull_comment *cm)
{
	return json_pack("{s:s, s:o, s:o}", "path", cm->inline_path, "from",
	                 cm->inline_from ? json_integer(cm->inline_from) : json_null(), "to",
	                 cm->inline_to ? json_integer(cm->inline_to) : json_null());
}

json_t *hub_pull_comment_json(const hub_pull_out *o, const hub_pull_view *v,
                              const hub_pull_comment *cm, const hub_user *u)
{
	const char *self =
	        arena_printf(o->a, "%s/comments/%lld",
	                     hub_pull_api_path(o->a, &v->repo, v->pull.id), (long long)cm->id);
	const char *html =
	        arena_printf(o->a, "%s#comment-%lld", hub_pull_web_path(o->a, &v->repo, v->pull.id),
	                     (long long)cm->id);
	json_t *out =
	        json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:b, s:b, s:o, s:{s:o, s:o}}", "type",
	                  "pullrequest_comment", "id", (json_int_t)cm->id, "content",
	                  rendered(o, cm->body), "user", hub_pull_user_json(o, u), "created_on",
	                  time_json(cm->created_at), "updated_on", time_json(cm->updated_at),
	                  "deleted", cm->deleted, "pending", 0, "pullrequest", pull_ref(o, v),
	                  "links", "self", hub_pull_href(o, self), "html", hub_pull_href(o, html));
	if (cm->parent_id)
		json_object_set_new(out, "parent",
		                    json_pack("{s:I}", "id", (json_int_t)cm->parent_id));
	if (cm->inline_path)
		json_object_set_new(out, "inline", inline_json(cm));
	return out;
}
