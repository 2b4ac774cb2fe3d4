/* The commits API (Bitbucket Cloud 2.0, A.7): log walks with include / exclude / path and
 * iterator paging, one commit, and the commit object the refs and diff handlers share. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "hub/api.h"
#include "hub/account/email.h"
#include "hub/git/gitrepo.h"
#include "hub/browse/commit_api.h"
#include "hub/hub.h"
#include "web/escape.h"
#include "web/markdown.h"
#include "web/paging.h"

/* ---- shared ---- */

int hub_history_open(web_request *req, hub_repo *r, git_repository **git)
{
	int rc = hub_request_repo(req, r);
	if (rc == 0)
		rc = hub_git_open(git, hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, r));
	return rc;
}

static const char *two_segments(web_request *req, const char *prefix, const hub_repo *r)
{
	buf path = BUF_INIT;
	buf_puts(&path, prefix);
	esc_url_segment(&path, r->workspace_slug, strlen(r->workspace_slug));
	buf_putc(&path, '/');
	esc_url_segment(&path, r->slug, strlen(r->slug));
	const char *s = arena_strdup(req->arena, buf_cstr(&path));
	buf_dispose(&path);
	return s;
}

const char *hub_history_api_path(web_request *req, const hub_repo *r)
{
	return two_segments(req, "/2.0/repositories/", r);
}

const char *hub_history_web_path(web_request *req, const hub_repo *r)
{
	return two_segments(req, "/", r);
}

typedef struct authors_ctx {
	arena *a;
	const hub_commit *commits;
	size_t n;
	const hub_user **users;
} authors_ctx;

static int read_authors(db_conn *c, void *ctx)
{
	authors_ctx *ac = ctx;
	for (size_t i = 0; i < ac->n; i++) {
		const char *email = ac->commits[i].author_email;
		size_t j = 0;
		/* A page has few authors: reuse an earlier answer instead of asking again. */
		while (j < i && strcmp(ac->commits[j].author_email, email) != 0)
			j++;
		if (j < i) {
			ac->users[i] = ac->users[j];
			continue;
		}
		int rc = hub_email_author(c, ac->a, email, &ac->users[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int hub_history_authors(web_request *req, const hub_commit *commits, size_t n,
                        const hub_user ***users)
{
	authors_ctx ac = { req->arena, commits, n,
		           arena_array(req->arena, n + 1, sizeof(hub_user *)) };
	int rc = n ? db_read(hub_app_of(req)->d, read_authors, &ac) : 0;
	if (rc == 0)
		*users = ac.users;
	return rc;
}

static json_t *repository_json(web_request *req, const hub_repo *r)
{
	const char *full_name = arena_printf(req->arena, "%s/%s", r->workspace_slug, r->slug);
	json_t *links = json_pack("{s:o, s:o, s:o}", "self",
	                          hub_api_href(req, hub_history_api_path(req, r)), "html",
	                          hub_api_href(req, hub_history_web_path(req, r)), "avatar",
	                          hub_api_href(req, "/static/avatar.svg"));
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "type", "repository", "full_name", full_name,
	                 "name", r->name, "uuid", hub_api_braced(req, r->uuid), "links", links);
}

static json_t *commit_links(web_request *req, const hub_repo *r, const char *hash)
{
	const char *api = hub_history_api_path(req, r);
	const char *web = hub_history_web_path(req, r);
	const char *c = arena_printf(req->arena, "%s/commit/%s", api, hash);
	return json_pack(
	        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "self", hub_api_href(req, c), "html",
	        hub_api_href(req, arena_printf(req->arena, "%s/commits/%s", web, hash)), "diff",
	        hub_api_href(req, arena_printf(req->arena, "%s/diff/%s", api, hash)), "patch",
	        hub_api_href(req, arena_printf(req->arena, "%s/patch/%s", api, hash)), "approve",
	        hub_api_href(req, arena_printf(req->arena, "%s/approve", c)), "comments",
	        hub_api_href(req, arena_printf(req->arena, "%s/comments", c)), "statuses",
	        hub_api_href(req, arena_printf(req->arena, "%s/statuses", c)));
}

static json_t *parents_json(web_request *req, const hub_repo *r, const hub_commit *c)
{
	const char *api = hub_history_api_path(req, r);
	const char *web = hub_history_web_path(req, r);
	json_t *parents = json_array();
	for (size_t i = 0; i < c->parent_count; i++) {
		const char *h = c->parents[i];
		json_t *links = json_pack(
		        "{s:o, s:o}", "self",
		        hub_api_href(req, arena_printf(req->arena, "%s/commit/%s", api, h)), "html",
		        hub_api_href(req, arena_printf(req->arena, "%s/commits/%s", web, h)));
		json_array_append_new(parents, json_pack("{s:s, s:s, s:o}", "type", "commit",
		                                         "hash", h, "links", links));
	}
	return parents;
}

static json_t *author_json(web_request *req, const hub_commit *c, const hub_user *u)
{
	const char *raw = arena_printf(req->arena, "%s <%s>", c->author_name, c->author_email);
	json_t *author = json_pack("{s:s, s:s}", "type", "author", "raw", raw);
	if (u)
		json_object_set_new(author, "user", hub_api_user(req, u));
	return author;
}

json_t *hub_history_commit_json(web_request *req, const hub_repo *r, const hub_commit *c,
                                const hub_user *author_user)
{
	char date[CLOCK_ISO_LEN];
	clock_format_iso8601(date, c->author_time * 1000);
	const char *html = web_markdown_html(req->arena, c->message, strlen(c->message));
	json_t *summary = json_pack("{s:s, s:s, s:s, s:s}", "raw", c->message, "markup", "markdown",
	                            "html", html, "type", "rendered");
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:[], s:o}", "type", "commit",
	                 "hash", c->hash, "date", date, "message", c->message, "summary", summary,
	                 "author", author_json(req, c, author_user), "parents",
	                 parents_json(req, r, c), "repository", repository_json(req, r),
	                 "participants", "links", commit_links(req, r, c->hash));
}

/* ---- GET/POST …/commits ---- */

/* Where include / exclude come from: the form body of a POST, else the query. */
static const web_pairs *revision_source(web_request *req)
{
	return strcmp(req->method, "POST") == 0 ? &req->form : &req->query;
}

/* page: absent (the start), a page number as Bitbucket's other lists take it, or the cursor
 * that next links carry (hub_log_cursor). */
static int read_cursor(web_request *req, hub_log_query *q, int64_t *page_number)
{
	const char *v = web_query(req, "page");
	int64_t n = 0;
	*page_number = 0;
	if (!v)
		return 0;
	if (v[0] == 'c' || v[0] == 'f')
		return hub_log_cursor_parse(q, req->arena, v);
	if (web_paging_page_number(&n, v) < 0)
		return err_fail(WEFT_EINVALID,
		                "page must be a page number or the value next gave.");
	*page_number = n;
	q->skip = (uint64_t)(n - 1) * q->limit;
	return 0;
}

/* This request as a GET URL with page set to the cursor: include and exclude of a POST body
 * move into the query, since clients follow next with GET. */
static const char *next_url(web_request *req, const hub_log_page *page)
{
	const web_pairs *form = strcmp(req->method, "POST") == 0 ? &req->form : NULL;
	return hub_api_page_url(req, form, hub_log_cursor(req->arena, page));
}

/* A path filter: leading and trailing '/' dropped, bounded, no control characters; "" (the
 * root) filters nothing. */
static int clean_path(const char **out, arena *a, const char *path)
{
	while (*path == '/')
		path++;
	size_t len = strlen(path);
	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len > 4096)
		return err_fail(WEFT_EINVALID, "path: at most 4096 bytes");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)path[i] < 0x20)
			return err_fail(WEFT_EINVALID, "path: no control characters");
	*out = len ? arena_strndup(a, path, len) : NULL;
	return 0;
}

static int read_log_query(web_request *req, hub_log_query *q, int64_t *page_number)
{
	int64_t pagelen = HUB_PAGELEN_DEFAULT;
	const char *v = web_query(req, "pagelen");
	if (v && web_paging_page_length(&pagelen, v, HUB_PAGELEN_MAX) < 0)
		return WEFT_EINVALID;
	q->limit = (size_t)pagelen;
	int rc = read_cursor(req, q, page_number);
	if (rc < 0)
		return rc;
	const char **include = NULL, **exclude = NULL;
	size_t ninclude = web_pairs_list(&include, req->arena, revision_source(req), "include");
	q->nexclude = web_pairs_list(&exclude, req->arena, revision_source(req), "exclude");
	const char *revision = web_param(req, "revision");
	if (revision) {
		const char **all = arena_array(req->arena, ninclude + 1, sizeof *all);
		all[0] = revision;
		for (size_t i = 0; i < ninclude; i++)
			all[i + 1] = include[i];
		include = all;
		ninclude++;
	}
	q->include = include;
	q->ninclude = ninclude;
	q->exclude = exclude;
	q->path = web_query(req, "path");
	return q->path ? clean_path(&q->path, req->arena, q->path) : 0;
}

static int respond_log(web_request *req, web_response *res, const hub_repo *r,
                       const hub_log_page *page, const hub_log_query *q, int64_t page_number)
{
	const hub_user **users = NULL;
	int rc = hub_history_authors(req, page->commits, page->count, &users);
	if (rc < 0)
		return rc;
	json_t *values = json_array();
	for (size_t i = 0; i < page->count; i++)
		json_array_append_new(values,
		                      hub_history_commit_json(req, r, &page->commits[i], users[i]));
	json_t *env = json_pack("{s:I, s:o}", "pagelen", (json_int_t)q->limit, "values", values);
	if (page_number > 0)
		json_object_set_new(env, "page", json_integer(page_number));
	if (page->has_more)
		json_object_set_new(env, "next", json_string(next_url(req, page)));
	web_res_json(res, 200, env);
	return 0;
}

int hub_api_commits(web_request *req, web_response *res)
{
	hub_repo r;
	git_repository *git = NULL;
	hub_log_query q = { 0 };
	hub_log_page page;
	int64_t page_number = 0;
	int rc = read_log_query(req, &q, &page_number);
	if (rc == 0)
		rc = hub_history_open(req, &r, &git);
	if (rc == 0)
		rc = hub_commit_log(&page, req->arena, git, &q);
	if (rc == 0)
		rc = respond_log(req, res, &r, &page, &q, page_number);
	hub_git_close(git);
	return rc;
}

/* ---- GET …/commit/{node} ---- */

int hub_api_commit(web_request *req, web_response *res)
{
	hub_repo r;
	hub_commit c;
	git_repository *git = NULL;
	const hub_user **users = NULL;
	const char *node = web_param(req, "node");
	size_t len = strlen(node);
	/* Bitbucket resolves a hash here, not a branch name. */
	if (len < 4 || len > GIT_OID_HEXSZ || strspn(node, "0123456789abcdefABCDEF") != len)
		return err_fail(WEFT_ENOTFOUND, "Commit not found: %.80s", node);
	int rc = hub_history_open(req, &r, &git);
	if (rc == 0)
		rc = hub_commit_get(&c, req->arena, git, node);
	if (rc == 0)
		rc = hub_history_authors(req, &c, 1, &users);
	if (rc == 0)
		web_res_json(res, 200, hub_history_commit_json(req, &r, &c, users[0]));
	hub_git_close(git);
	return rc;
}
