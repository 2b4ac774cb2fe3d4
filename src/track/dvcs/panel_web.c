/* The development panel's pages (panel_web.h): the panel's data for the issue page, the detail
 * view of each kind and the summary the page polls. Everything from the host (messages, names,
 * titles) reaches HTML only through the templates' escaping. */
#include "track/dvcs/panel_web.h"

#include <string.h>
#include <time.h>

#include "base/err.h"
#include "track/dvcs/files.h"
#include "track/dvcs/panel.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "web/paging.h"

/* The detail view shows this many items a page. */
enum { DETAIL_PAGE = 50 };

static const char *when(arena *a, int64_t ms)
{
	if (!ms)
		return "";
	char out[32];
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, sizeof out, "%Y-%m-%d %H:%M UTC", &tm);
	return arena_strdup(a, out);
}

/* "N being synchronized" for commits a webhook stored that the sync has not confirmed yet, or "". */
static const char *syncing(arena *a, int64_t provisional)
{
	return provisional ? arena_printf(a, "%lld being synchronized", (long long)provisional)
	                   : "";
}

/* The counts the panel shows, by the names of its data-dev elements. */
static json_t *counts_json(arena *a, const dvcs_panel_summary *s)
{
	const char *badge = dvcs_panel_pull_badge(s);
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I}", "branches",
	                 (json_int_t)s->branches, "commits", (json_int_t)s->commits,
	                 "commits_latest", when(a, s->commits_latest), "commits_syncing",
	                 syncing(a, s->commits_provisional), "pulls", (json_int_t)s->pulls,
	                 "pull_state", badge ? badge : "", "builds", (json_int_t)s->builds,
	                 "builds_successful", (json_int_t)s->builds_successful, "builds_failed",
	                 (json_int_t)s->builds_failed, "builds_in_progress",
	                 (json_int_t)s->builds_in_progress);
}

static json_t *hosts_json(arena *a, const dvcs_panel_host *hosts, size_t n,
                          const track_issue *issue)
{
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "url",
		                                     dvcs_panel_create_branch_url(
		                                             a, hosts[i].site_url, issue->key,
		                                             issue->type_name, issue->summary),
		                                     "account", hosts[i].account, "host",
		                                     dvcs_panel_host_name(hosts[i].host_kind)));
	return out;
}

int dvcs_panel_web_json(db_conn *c, web_request *req, const track_issue *issue, json_t **out)
{
	dvcs_panel_summary s;
	dvcs_panel_host *hosts = NULL;
	size_t n = 0;
	int rc = dvcs_panel_summary_get(c, issue->id, &s);
	if (rc == 0)
		rc = dvcs_panel_hosts(c, req->arena, &hosts, &n);
	if (rc < 0)
		return rc;
	json_t *o = counts_json(req->arena, &s);
	json_object_set_new(
	        o, "detail_url",
	        json_string(arena_printf(req->arena, "/browse/%s/development", issue->key)));
	json_object_set_new(o, "hosts", hosts_json(req->arena, hosts, n, issue));
	json_object_set_new(o, "several_hosts", json_boolean(n > 1));
	*out = o;
	return 0;
}

/* ---- the summary the page polls ---- */

typedef struct poll_ctx {
	web_request *req;
	dvcs_panel_summary s;
} poll_ctx;

static int load_summary(db_conn *c, void *p)
{
	poll_ctx *ctx = p;
	return dvcs_panel_summary_get(c, track_scope_of(ctx->req)->issue_id, &ctx->s);
}

int dvcs_panel_summary_poll(web_request *req, web_response *res)
{
	poll_ctx ctx = { .req = req };
	int rc = db_read(track_app_of(req)->d, load_summary, &ctx);
	if (rc < 0)
		return rc;
	web_res_header(req, res, "Cache-Control", "no-store");
	web_res_json(res, 200, counts_json(req->arena, &ctx.s));
	return 0;
}

/* ---- the detail view ---- */

static const struct {
	const char *name, *title;
	dvcs_panel_kind kind;
} shows[] = {
	{ "commits", "Commits", DVCS_PANEL_COMMITS },
	{ "branches", "Branches", DVCS_PANEL_BRANCHES },
	{ "pulls", "Pull requests", DVCS_PANEL_PULLS },
	{ "builds", "Builds", DVCS_PANEL_BUILDS },
};

typedef struct detail_ctx {
	web_request *req;
	size_t show; /* index in shows */
	int64_t start;
	track_issue issue;
	dvcs_panel_summary summary;
	dvcs_panel_page page;
} detail_ctx;

static int load_detail(db_conn *c, void *p)
{
	detail_ctx *ctx = p;
	web_request *req = ctx->req;
	int64_t id = track_scope_of(req)->issue_id;
	int rc = track_issue_get(c, req->arena, id, &ctx->issue);
	if (rc == 0)
		rc = dvcs_panel_summary_get(c, id, &ctx->summary);
	if (rc == 0)
		rc = dvcs_panel_page_get(c, req->arena, id, shows[ctx->show].kind, ctx->start,
		                         DETAIL_PAGE, &ctx->page);
	return rc;
}

static json_t *repo_json(arena *a, const dvcs_panel_repo *r)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:s}", "id", (json_int_t)r->id, "name", r->name,
	                 "full_name", arena_printf(a, "%s/%s", r->account, r->slug), "url",
	                 dvcs_panel_repo_url(a, r), "private", r->is_private, "host",
	                 dvcs_panel_host_name(r->host_kind));
}

static json_t *short_hash(const char *hash)
{
	return json_stringn(hash, strlen(hash) < 7 ? strlen(hash) : 7);
}

/* The page's commits grouped by repository, groups in the order of their newest commit. */
static json_t *commit_groups(arena *a, const dvcs_panel_page *p)
{
	json_t *groups = json_array(), *g = NULL;
	for (size_t i = 0; i < p->n; i++) {
		const dvcs_panel_commit *c = &p->commits[i];
		size_t k;
		json_array_foreach(groups, k, g) if (json_integer_value(json_object_get(
		                                             json_object_get(g, "repo"), "id")) ==
		                                     c->repo.id) break;
		if (k == json_array_size(groups)) {
			g = json_pack("{s:o, s:[]}", "repo", repo_json(a, &c->repo), "commits");
			json_array_append_new(groups, g);
		}
		json_t *o = json_pack("{s:s, s:o, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "hash",
		                      c->hash, "short", short_hash(c->hash), "url",
		                      dvcs_panel_commit_url(a, &c->repo, c->hash), "author",
		                      c->author_name, "date", when(a, c->authored_at), "message",
		                      c->message, "merge", c->is_merge, "syncing", c->provisional,
		                      "counted", c->file_count != DVCS_FILES_UNKNOWN);
		if (c->file_count != DVCS_FILES_UNKNOWN)
			json_object_set_new(o, "files", json_integer((json_int_t)c->file_count));
		json_array_append_new(json_object_get(g, "commits"), o);
	}
	return groups;
}

static json_t *branches_json(arena *a, const dvcs_panel_page *p)
{
	json_t *out = json_array();
	for (size_t i = 0; i < p->n; i++) {
		const dvcs_panel_branch *b = &p->branches[i];
		json_array_append_new(
		        out,
		        json_pack("{s:s, s:s, s:s, s:o, s:{s:o, s:s, s:s, s:s, s:b}}", "name",
		                  b->name, "url", dvcs_panel_branch_url(a, &b->repo, b->name),
		                  "new_pull_url", dvcs_panel_new_pull_url(a, &b->repo, b->name),
		                  "repo", repo_json(a, &b->repo), "last", "short",
		                  short_hash(b->head), "url",
		                  dvcs_panel_commit_url(a, &b->repo, b->head), "message",
		                  b->head_message, "date",
		                  when(a, b->has_head_commit ? b->head_authored_at : b->updated_at),
		                  "known", b->has_head_commit));
	}
	return out;
}

static json_t *pulls_json(arena *a, const dvcs_panel_page *p)
{
	json_t *out = json_array();
	for (size_t i = 0; i < p->n; i++) {
		const dvcs_panel_pull *pr = &p->pulls[i];
		json_array_append_new(
		        out,
		        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:s, s:o}",
		                  "number", (json_int_t)pr->number, "title", pr->title, "url",
		                  pr->url, "state", pr->state, "author", pr->author_name, "source",
		                  pr->source_branch, "destination", pr->destination_branch,
		                  "reviewers", dvcs_panel_reviewers_json(pr->reviewers), "comments",
		                  (json_int_t)pr->comment_count, "updated", when(a, pr->updated_at),
		                  "repo", repo_json(a, &pr->repo)));
	}
	return out;
}

static json_t *builds_json(arena *a, const dvcs_panel_page *p)
{
	json_t *out = json_array();
	for (size_t i = 0; i < p->n; i++) {
		const dvcs_panel_build *b = &p->builds[i];
		json_array_append_new(out,
		                      json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o}", "name",
		                                b->name, "url", b->url, "state", b->state, "short",
		                                short_hash(b->commit_hash), "commit_url",
		                                dvcs_panel_commit_url(a, &b->repo, b->commit_hash),
		                                "updated", when(a, b->updated_at), "repo",
		                                repo_json(a, &b->repo)));
	}
	return out;
}

static json_t *items_json(arena *a, const dvcs_panel_page *p)
{
	switch (p->kind) {
	case DVCS_PANEL_BRANCHES: return branches_json(a, p);
	case DVCS_PANEL_PULLS: return pulls_json(a, p);
	case DVCS_PANEL_BUILDS: return builds_json(a, p);
	default: return commit_groups(a, p);
	}
}

static json_t *tabs_json(arena *a, const detail_ctx *ctx)
{
	const dvcs_panel_summary *s = &ctx->summary;
	const int64_t counts[] = { s->commits, s->branches, s->pulls, s->builds };
	json_t *out = json_array();
	for (size_t i = 0; i < sizeof shows / sizeof shows[0]; i++)
		json_array_append_new(out,
		                      json_pack("{s:s, s:I, s:s, s:b}", "title", shows[i].title,
		                                "count", (json_int_t)counts[i], "url",
		                                arena_printf(a, "/browse/%s/development?show=%s",
		                                             ctx->issue.key, shows[i].name),
		                                "current", i == ctx->show));
	return out;
}

/* Earlier and later pages, when the list does not fit on one. */
static json_t *pager_json(arena *a, const detail_ctx *ctx)
{
	const dvcs_panel_page *p = &ctx->page;
	if (p->start == 0 && p->total <= DETAIL_PAGE)
		return json_null();
	const char *base =
	        arena_printf(a, "/browse/%s/development?show=%s&startAt=", ctx->issue.key,
	                     shows[ctx->show].name);
	json_t *o =
	        json_pack("{s:I, s:I, s:I}", "from", (json_int_t)(p->n ? p->start + 1 : 0), "to",
	                  (json_int_t)(p->start + (int64_t)p->n), "total", (json_int_t)p->total);
	if (p->start > 0)
		json_object_set_new(
		        o, "prev",
		        json_string(arena_printf(
		                a, "%s%lld", base,
		                (long long)(p->start > DETAIL_PAGE ? p->start - DETAIL_PAGE : 0))));
	if (p->start + DETAIL_PAGE < p->total)
		json_object_set_new(o, "next",
		                    json_string(arena_printf(a, "%s%lld", base,
		                                             (long long)(p->start + DETAIL_PAGE))));
	return o;
}

static size_t show_of(const char *name)
{
	for (size_t i = 0; name && i < sizeof shows / sizeof shows[0]; i++)
		if (strcmp(name, shows[i].name) == 0)
			return i;
	return 0;
}

int dvcs_panel_detail_page(web_request *req, web_response *res)
{
	const track_scope *s = track_scope_of(req);
	detail_ctx ctx = { .req = req,
		           .show = show_of(web_query(req, "show")),
		           .start = web_paging_start(req) };
	if (s->redirected_from) {
		web_res_redirect(req, res, 301,
		                 arena_printf(req->arena, "/browse/%s/development?show=%s",
		                              s->issue_key, shows[ctx.show].name));
		return 0;
	}
	int rc = db_read(track_app_of(req)->d, load_detail, &ctx);
	if (rc < 0)
		return rc;
	if (ctx.page.kind == DVCS_PANEL_COMMITS) /* the only list that shows file counts */
		dvcs_files_fill(track_app_of(req), req->arena, &ctx.page);
	arena *a = req->arena;
	json_t *data = json_pack("{s:{s:s, s:s}, s:o, s:o, s:b, s:o, s:b, s:b, s:b, s:b}", "issue",
	                         "key", ctx.issue.key, "summary", ctx.issue.summary, "tabs",
	                         tabs_json(a, &ctx), "pager", pager_json(a, &ctx), "has_items",
	                         ctx.page.n > 0, "items", items_json(a, &ctx.page), "show_commits",
	                         ctx.page.kind == DVCS_PANEL_COMMITS, "show_branches",
	                         ctx.page.kind == DVCS_PANEL_BRANCHES, "show_pulls",
	                         ctx.page.kind == DVCS_PANEL_PULLS, "show_builds",
	                         ctx.page.kind == DVCS_PANEL_BUILDS);
	return track_page(
	        req, res, 200, "track/dev_detail",
	        arena_printf(a, "[%s] %s — Development", ctx.issue.key, shows[ctx.show].title),
	        data);
}
