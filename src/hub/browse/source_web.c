/* The repository overview and the source pages (directory listings, file views, raw files), and
 * what the src API shares with them: the repository opened at a revision, and sending a blob so
 * that it can never render as a page of our origin. */
#include "hub/browse/source_web.h"

#include "hub/browse/blob_stream.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "hub/browse/commit.h"
#include "hub/git/gitrepo.h"
#include "hub/hub.h"
#include "web/escape.h"
#include "web/markdown.h"

enum {
	RECENT_COMMITS = 5,
	BRANCHES_SHOWN = 100,
	STREAM_ABOVE = 8 * 1024 * 1024, /* bigger blobs stream from git cat-file */
};

/* --- shared with the API ---------------------------------------------------------------------- */

int hub_source_open(hub_source_at *at, web_request *req)
{
	memset(at, 0, sizeof *at);
	int rc = hub_request_repo(req, &at->repo);
	if (rc == 0)
		rc = hub_git_open(&at->git, hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir,
		                                             &at->repo));
	return rc;
}

int hub_source_resolve(hub_source_at *at, const char *rev)
{
	git_commit_free(at->commit);
	at->commit = NULL;
	int rc = hub_git_resolve_commit(&at->commit, at->git, rev ? rev : "");
	if (rc == 0)
		git_oid_tostr(at->hash, sizeof at->hash, git_commit_id(at->commit));
	return rc;
}

void hub_source_close(hub_source_at *at)
{
	git_commit_free(at->commit);
	hub_git_close(at->git);
	at->commit = NULL;
	at->git = NULL;
}

/* Answers a conditional GET whose If-None-Match names etag with 304 (true); else false. */
static bool not_modified(web_request *req, web_response *res, const char *etag)
{
	const char *inm = web_header(req, "If-None-Match");
	if (!inm || !strstr(inm, etag))
		return false;
	web_res_header(req, res, "ETag", etag);
	web_res_text(res, 304, "");
	buf_clear(&res->body);
	return true;
}

/* attachment; filename="…" with an ASCII fallback and the UTF-8 name percent-encoded. */
static const char *disposition(arena *a, const char *kind, const char *name)
{
	buf b = BUF_INIT;
	buf_printf(&b, "%s; filename=\"", kind);
	for (const char *p = name; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		buf_putc(&b, ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\' ? '_' : (char)ch);
	}
	buf_puts(&b, "\"; filename*=UTF-8''");
	esc_url_segment(&b, name, strlen(name));
	const char *s = arena_strndup(a, buf_cstr(&b), b.len);
	buf_dispose(&b);
	return s;
}

/* The Content-Type of a raw answer. The API says what the extension says (no charset, as
 * Bitbucket; an empty body never claims JSON, http-rules.md §1); a browser gets safe images as
 * themselves, other text as text/plain and the rest as a download. */
static const char *raw_type(const hub_source_entry *file, const void *data, size_t len,
                            bool for_browser)
{
	const char *type = hub_source_mimetype(file->name);
	bool binary = hub_source_is_binary(data, len);
	if (for_browser) {
		if (hub_source_is_safe_image(file->name))
			return type;
		return binary ? "application/octet-stream" : "text/plain; charset=utf-8";
	}
	if (len == 0)
		return "text/plain; charset=utf-8";
	if (strcmp(type, "application/octet-stream") == 0 && !binary)
		return "text/plain";
	return type;
}

/* The headers every raw answer carries; false when the client's copy is current (304 sent). */
static bool raw_headers(web_request *req, web_response *res, const hub_source_entry *file,
                        const char *etag, const char *type, bool for_browser)
{
	bool inline_ok = for_browser && (hub_source_is_safe_image(file->name) ||
	                                 strncmp(type, "text/plain", 10) == 0);
	if (not_modified(req, res, etag))
		return false;
	web_res_header(req, res, "Content-Disposition",
	               disposition(req->arena, inline_ok ? "inline" : "attachment", file->name));
	/* Whatever a browser makes of the bytes, they run nothing and reach nothing. */
	web_res_header(req, res, "Content-Security-Policy", "default-src 'none'; sandbox");
	web_res_header(req, res, "Cache-Control", "no-cache");
	return true;
}

static const char *blob_etag(arena *a, const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, oid);
	return arena_printf(a, "\"%s\"", hex);
}

/* A small file from libgit2's copy, whole: the body is cached and compressed like any other. */
static int send_whole(web_request *req, web_response *res, const hub_source_at *at,
                      const hub_source_entry *file, bool for_browser)
{
	git_blob *blob = NULL;
	int rc = hub_source_blob(&blob, at->git, file);
	if (rc < 0)
		return rc;
	const void *data = git_blob_rawcontent(blob);
	size_t len = (size_t)git_blob_rawsize(blob);
	const char *etag = blob_etag(req->arena, &file->oid);
	const char *type = raw_type(file, data, len, for_browser);
	if (raw_headers(req, res, file, etag, type, for_browser)) {
		web_res_text(res, 200, "");
		res->content_type = type;
		buf_append(&res->body, data, len);
		res->etag = etag;
		res->cacheable = true;
	}
	git_blob_free(blob);
	return 0;
}

/* A big file streamed from git cat-file: the server holds a pipe's worth of it at a time. */
static int send_streamed(web_request *req, web_response *res, const hub_source_at *at,
                         const hub_source_entry *file, bool for_browser)
{
	if (file->kind != HUB_SOURCE_FILE)
		return err_fail(WEFT_EINVALID, "%.300s is not a file.", file->path);
	const char *etag = blob_etag(req->arena, &file->oid);
	if (not_modified(req, res, etag))
		return 0;
	hub_blob_stream *stream = NULL;
	const void *head = NULL;
	size_t head_len = 0;
	const char *dir = hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, &at->repo);
	int rc = hub_blob_stream_open(&stream, dir, &file->oid, file->size, &head, &head_len);
	if (rc < 0)
		return rc;
	const char *type = raw_type(file, head, head_len, for_browser);
	raw_headers(req, res, file, etag, type, for_browser);
	web_res_header(req, res, "ETag", etag);
	web_res_stream(res, 200, type, hub_blob_stream_read, stream, hub_blob_stream_free);
	web_res_stream_wait(res, hub_blob_stream_fd(stream));
	return 0;
}

int hub_source_send_file(web_request *req, web_response *res, const hub_source_at *at,
                         const hub_source_entry *file, bool for_browser)
{
	return file->size > STREAM_ABOVE ? send_streamed(req, res, at, file, for_browser)
	                                 : send_whole(req, res, at, file, for_browser);
}

/* --- addresses -------------------------------------------------------------------------------- */

static const char *repo_home(web_request *req, const hub_repo *r)
{
	buf b = BUF_INIT;
	buf_putc(&b, '/');
	esc_url_segment(&b, r->workspace_slug, strlen(r->workspace_slug));
	buf_putc(&b, '/');
	esc_url_segment(&b, r->slug, strlen(r->slug));
	const char *s = arena_strndup(req->arena, buf_cstr(&b), b.len);
	buf_dispose(&b);
	return s;
}

/* /ws/slug/KIND/REF/PATH[/]: the ref is one segment (feature%2Fx), the path keeps its '/'. */
static const char *tree_href(web_request *req, const hub_repo *r, const char *kind, const char *ref,
                             const char *path, bool dir)
{
	buf b = BUF_INIT;
	buf_printf(&b, "%s/%s/", repo_home(req, r), kind);
	esc_url_segment(&b, ref, strlen(ref));
	buf_putc(&b, '/');
	esc_url_path(&b, path, strlen(path));
	if (dir && path[0])
		buf_putc(&b, '/');
	const char *s = arena_strndup(req->arena, buf_cstr(&b), b.len);
	buf_dispose(&b);
	return s;
}

/* The clone URL: the service's address with the viewer's username, when signed in. */
static const char *clone_url(web_request *req, const hub_repo *r)
{
	const char *base = web_base_url(req);
	const hub_viewer *v = hub_viewer_of(req);
	const char *scheme_end = strstr(base, "://");
	if (!v || !scheme_end)
		return arena_printf(req->arena, "%s%s.git", base, repo_home(req, r));
	buf user = BUF_INIT;
	esc_url_segment(&user, v->user.username, strlen(v->user.username));
	const char *s = arena_printf(req->arena, "%.*s%s@%s%s.git", (int)(scheme_end + 3 - base),
	                             base, buf_cstr(&user), scheme_end + 3, repo_home(req, r));
	buf_dispose(&user);
	return s;
}

static const char *size_text(arena *a, int64_t size)
{
	if (size < 1024)
		return arena_printf(a, "%lld B", (long long)size);
	if (size < 1024 * 1024)
		return arena_printf(a, "%.1f KB", (double)size / 1024);
	return arena_printf(a, "%.1f MB", (double)size / (1024 * 1024));
}

static const char *date_text(arena *a, int64_t ms)
{
	char iso[CLOCK_ISO_LEN];
	clock_format_iso8601(iso, ms);
	return arena_strndup(a, iso, 10);
}

/* --- what every repository page shows --------------------------------------------------------- */

static json_t *branches_json(web_request *req, const hub_source_at *at, const char *current)
{
	json_t *list = json_array();
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL;
	git_branch_t type;
	if (git_branch_iterator_new(&it, at->git, GIT_BRANCH_LOCAL) < 0)
		return list;
	while (json_array_size(list) < BRANCHES_SHOWN && git_branch_next(&ref, &type, it) == 0) {
		const char *name = NULL;
		if (git_branch_name(&name, ref) == 0)
			json_array_append_new(
			        list, json_pack("{s:s, s:s, s:b}", "name", name, "href",
			                        tree_href(req, &at->repo, "src", name, "", true),
			                        "current", current && strcmp(name, current) == 0));
		git_reference_free(ref);
	}
	git_branch_iterator_free(it);
	return list;
}

/* The header of every repository page: names, links, the branch selector. */
static json_t *repo_json(web_request *req, const hub_source_at *at, const char *ref)
{
	const hub_scope *scope = hub_scope_of(req);
	const char *home = repo_home(req, &at->repo);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:o}", "name",
	                      at->repo.name, "slug", at->repo.slug, "workspace",
	                      at->repo.workspace_slug, "description", at->repo.description,
	                      "is_private", at->repo.is_private, "href", home, "workspace_href",
	                      arena_printf(req->arena, "/%s", at->repo.workspace_slug), "src_href",
	                      tree_href(req, &at->repo, "src", ref, "", true), "commits_href",
	                      arena_printf(req->arena, "%s/commits", home), "branches_href",
	                      arena_printf(req->arena, "%s/branches", home), "branches",
	                      branches_json(req, at, ref));
	json_object_set_new(o, "ref", json_string(ref));
	if (scope && scope->level >= HUB_LEVEL_ADMIN)
		json_object_set_new(o, "admin_href",
		                    json_string(arena_printf(req->arena, "%s/admin", home)));
	return o;
}

/* --- listings --------------------------------------------------------------------------------- */

static json_t *entry_row(web_request *req, const hub_source_at *at, const char *ref,
                         const hub_source_entry *e)
{
	bool dir = e->kind == HUB_SOURCE_DIR;
	json_t *row = json_pack("{s:s, s:s, s:b, s:b}", "name", e->name, "href",
	                        tree_href(req, &at->repo, "src", ref, e->path, dir), "is_dir", dir,
	                        "is_submodule", e->kind == HUB_SOURCE_SUBMODULE);
	if (e->kind == HUB_SOURCE_FILE || e->kind == HUB_SOURCE_LINK)
		json_object_set_new(row, "size", json_string(size_text(req->arena, e->size)));
	if (!git_oid_is_zero(&e->last_commit)) {
		char hash[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hash, sizeof hash, &e->last_commit);
		json_object_set_new(row, "last",
		                    json_pack("{s:s, s:s, s:s, s:s}", "short",
		                              arena_strndup(req->arena, hash, 7), "href",
		                              arena_printf(req->arena, "%s/commits/%s",
		                                           repo_home(req, &at->repo), hash),
		                              "summary", e->last_summary ? e->last_summary : "",
		                              "date", date_text(req->arena, e->last_time_ms)));
	}
	return row;
}

/* Directories first, then files, each in git's order. */
static json_t *listing_json(web_request *req, const hub_source_at *at, const char *ref,
                            hub_source_entry *entries, size_t n)
{
	json_t *rows = json_array();
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if ((entries[i].kind == HUB_SOURCE_DIR) == (pass == 0))
				json_array_append_new(rows, entry_row(req, at, ref, &entries[i]));
	return rows;
}

static json_t *readme_json(web_request *req, const hub_source_at *at,
                           const hub_source_entry *entries, size_t n)
{
	bool markdown = false;
	const hub_source_entry *readme = hub_source_readme(entries, n, &markdown);
	git_blob *blob = NULL;
	if (!readme || readme->size > HUB_SOURCE_DISPLAY_MAX ||
	    hub_source_blob(&blob, at->git, readme) < 0)
		return NULL;
	const char *data = git_blob_rawcontent(blob);
	size_t len = (size_t)git_blob_rawsize(blob);
	json_t *o = json_pack("{s:s}", "name", readme->name);
	if (markdown)
		json_object_set_new(o, "html",
		                    json_string(web_markdown_html(req->arena, data, len)));
	else if (str_is_utf8(data, len))
		json_object_set_new(o, "text", json_stringn(data, len));
	else
		json_object_set_new(o, "text", json_string("(This README is not UTF-8 text.)"));
	git_blob_free(blob);
	return o;
}

/* The directory's rows (with last commits when cheap) into *rows; its README into *readme. */
static int directory_data(json_t **rows, json_t **readme, web_request *req, hub_source_at *at,
                          const char *ref, const hub_source_entry *dir)
{
	hub_source_entry *entries = NULL;
	size_t n = 0;
	int rc = hub_source_list(&entries, &n, req->arena, at->git, dir, 1);
	if (rc == 0)
		rc = hub_source_last_commits(entries, n, req->arena, at->commit, dir->path);
	if (rc < 0)
		return rc;
	*rows = listing_json(req, at, ref, entries, n);
	*readme = readme_json(req, at, entries, n);
	return 0;
}

static json_t *breadcrumbs_json(web_request *req, const hub_source_at *at, const char *ref,
                                const char *path)
{
	json_t *crumbs = json_array();
	json_array_append_new(crumbs, json_pack("{s:s, s:s}", "name", at->repo.slug, "href",
	                                        tree_href(req, &at->repo, "src", ref, "", true)));
	for (const char *p = path; p && *p;) {
		const char *slash = strchr(p, '/');
		size_t end = slash ? (size_t)(slash - path) : strlen(path);
		const char *upto = arena_strndup(req->arena, path, end);
		json_t *c = json_pack("{s:s%}", "name", p, (size_t)(path + end - p));
		if (slash)
			json_object_set_new(
			        c, "href",
			        json_string(tree_href(req, &at->repo, "src", ref, upto, true)));
		json_array_append_new(crumbs, c);
		p = slash ? slash + 1 : NULL;
	}
	return crumbs;
}

/* --- the overview ----------------------------------------------------------------------------- */

static json_t *recent_json(web_request *req, const hub_source_at *at)
{
	hub_commit *commits = NULL;
	size_t n = 0;
	json_t *list = json_array();
	if (hub_commit_recent(&commits, &n, req->arena, at->git, at->hash, RECENT_COMMITS) < 0)
		return list;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		        list,
		        json_pack("{s:s, s:s, s:s, s:s, s:s}", "short",
		                  arena_strndup(req->arena, commits[i].hash, 7), "href",
		                  arena_printf(req->arena, "%s/commits/%s",
		                               repo_home(req, &at->repo), commits[i].hash),
		                  "summary", commits[i].summary, "author", commits[i].author_name,
		                  "date", date_text(req->arena, commits[i].author_time * 1000)));
	return list;
}

/* The first local branch in git's order, or NULL. */
static const char *first_branch(git_repository *git, arena *a)
{
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL;
	git_branch_t type;
	const char *name = NULL;
	if (git_branch_iterator_new(&it, git, GIT_BRANCH_LOCAL) == 0 &&
	    git_branch_next(&ref, &type, it) == 0)
		name = arena_strdup(a, git_reference_shorthand(ref));
	git_reference_free(ref);
	git_branch_iterator_free(it);
	return name;
}

int hub_source_resolve_default(hub_source_at *at, arena *a, const char **ref)
{
	*ref = at->repo.mainbranch;
	int rc = hub_source_resolve(at, *ref);
	if (rc != WEFT_ENOTFOUND)
		return rc;
	const char *other = first_branch(at->git, a);
	if (!other)
		return rc;
	*ref = other;
	return hub_source_resolve(at, *ref);
}

int hub_source_open_default(hub_source_at *at, web_request *req, const char **ref)
{
	int rc = hub_source_open(at, req);
	if (rc == 0 && hub_git_is_empty(at->git))
		rc = err_fail(WEFT_ENOTFOUND, "This repository is empty.");
	return rc < 0 ? rc : hub_source_resolve_default(at, req->arena, ref);
}

static int overview_data(json_t *data, web_request *req, hub_source_at *at)
{
	const char *ref = at->repo.mainbranch;
	bool empty = hub_git_is_empty(at->git);
	int rc = empty ? 0 : hub_source_resolve_default(at, req->arena, &ref);
	json_t *rows = NULL, *readme = NULL;
	hub_source_entry root;
	if (rc == 0 && !empty)
		rc = hub_source_stat(&root, req->arena, at->git, at->commit, "");
	if (rc == 0 && !empty)
		rc = directory_data(&rows, &readme, req, at, ref, &root);
	if (rc < 0)
		return rc;
	json_object_set_new(data, "repo", repo_json(req, at, ref));
	json_object_set_new(data, "clone_url", json_string(clone_url(req, &at->repo)));
	json_object_set_new(data, "empty", json_boolean(empty));
	json_object_set_new(data, "mainbranch", json_string(at->repo.mainbranch));
	if (empty) {
		/* Nothing to browse yet: no Source tab. */
		json_object_del(json_object_get(data, "repo"), "src_href");
		return 0;
	}
	json_object_set_new(data, "entries", rows);
	if (readme)
		json_object_set_new(data, "readme", readme);
	json_object_set_new(data, "commits", recent_json(req, at));
	return 0;
}

int hub_repo_overview_page(web_request *req, web_response *res)
{
	if (hub_repo_redirected(req, res))
		return 0;
	hub_source_at at = { 0 };
	json_t *data = json_object();
	int rc = hub_source_open(&at, req);
	if (rc == 0)
		rc = overview_data(data, req, &at);
	hub_source_close(&at);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	return hub_page(req, res, 200, "hub/source_overview", at.repo.name, data);
}

/* The clone URL opened in a browser (no git service asked for): the repository's page, under
 * its current slug. */
int hub_repo_git_page(web_request *req, web_response *res)
{
	const hub_scope *scope = hub_scope_of(req);
	if (!scope || !scope->repository_slug)
		return err_fail(WEFT_ENOTFOUND, "There is nothing at this address.");
	web_res_redirect(
	        req, res, 301,
	        arena_printf(req->arena, "/%s/%s", scope->ws.slug, scope->repository_slug));
	return 0;
}

/* --- source pages ----------------------------------------------------------------------------- */

int hub_source_root_page(web_request *req, web_response *res)
{
	if (hub_repo_redirected(req, res))
		return 0;
	hub_source_at at = { 0 };
	const char *ref = NULL;
	int rc = hub_source_open_default(&at, req, &ref);
	if (rc == 0)
		web_res_redirect(req, res, 302, tree_href(req, &at.repo, "src", ref, "", true));
	hub_source_close(&at);
	return rc;
}

/* Lines of text, numbered, for the file view. */
static json_t *lines_json(const char *data, size_t len)
{
	json_t *lines = json_array();
	size_t n = 0;
	for (size_t start = 0; start < len; n++) {
		const char *nl = memchr(data + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - data) : len;
		json_array_append_new(lines, json_pack("{s:I, s:s%}", "n", (json_int_t)(n + 1),
		                                       "text", data + start, end - start));
		start = end + 1;
	}
	return lines;
}

static int file_data(json_t *data, web_request *req, hub_source_at *at, const char *ref,
                     const hub_source_entry *e)
{
	const char *raw = tree_href(req, &at->repo, "raw", ref, e->path, false);
	json_t *file = json_pack("{s:s, s:s, s:s}", "name", e->name, "size",
	                         size_text(req->arena, e->size), "raw_href", raw);
	json_object_set_new(data, "file", file);
	if (e->kind == HUB_SOURCE_SUBMODULE) {
		json_object_set_new(file, "submodule", json_true());
		return 0;
	}
	if (hub_source_is_safe_image(e->name)) {
		json_object_set_new(file, "image", json_true());
		return 0;
	}
	if (e->size > HUB_SOURCE_DISPLAY_MAX) {
		json_object_set_new(file, "too_large", json_true());
		return 0;
	}
	git_blob *blob = NULL;
	int rc = hub_source_blob(&blob, at->git, e);
	if (rc < 0)
		return rc;
	const char *bytes = git_blob_rawcontent(blob);
	size_t len = (size_t)git_blob_rawsize(blob);
	json_t *lines = NULL;
	if (!hub_source_is_binary(bytes, len) && str_is_utf8(bytes, len))
		lines = lines_json(bytes, len);
	git_blob_free(blob);
	if (lines) {
		json_object_set_new(file, "lines", lines);
		json_object_set_new(file, "has_lines", json_true());
	} else {
		json_object_set_new(file, "binary", json_true());
	}
	return 0;
}

static int source_data(json_t *data, web_request *req, hub_source_at *at, const char *ref,
                       const char *path)
{
	hub_source_entry e;
	int rc = hub_source_stat(&e, req->arena, at->git, at->commit, path);
	if (rc < 0)
		return rc;
	json_object_set_new(data, "repo", repo_json(req, at, ref));
	json_object_set_new(data, "crumbs", breadcrumbs_json(req, at, ref, path));
	json_object_set_new(data, "hash", json_string(at->hash));
	if (e.kind != HUB_SOURCE_DIR)
		return file_data(data, req, at, ref, &e);
	json_t *rows = NULL, *readme = NULL;
	rc = directory_data(&rows, &readme, req, at, ref, &e);
	if (rc < 0)
		return rc;
	json_object_set_new(data, "entries", rows);
	if (readme)
		json_object_set_new(data, "readme", readme);
	if (path[0]) {
		const char *slash = strrchr(path, '/');
		const char *up =
		        slash ? arena_strndup(req->arena, path, (size_t)(slash - path)) : "";
		json_object_set_new(data, "parent_href",
		                    json_string(tree_href(req, &at->repo, "src", ref, up, true)));
	}
	return 0;
}

int hub_source_page(web_request *req, web_response *res)
{
	if (hub_repo_redirected(req, res))
		return 0;
	hub_source_at at = { 0 };
	const char *ref = web_param(req, "ref"), *path = NULL;
	json_t *data = json_object();
	int rc = hub_source_clean_path(&path, req->arena, web_param(req, "path"));
	if (rc == 0)
		rc = hub_source_open(&at, req);
	if (rc == 0)
		rc = hub_source_resolve(&at, ref);
	if (rc == 0)
		rc = source_data(data, req, &at, ref, path);
	hub_source_close(&at);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	const char *title =
	        path[0] ? arena_printf(req->arena, "%s · %s", path, at.repo.name) : at.repo.name;
	return hub_page(req, res, 200, "hub/source_browse", title, data);
}

int hub_source_raw(web_request *req, web_response *res)
{
	if (hub_repo_redirected(req, res))
		return 0;
	hub_source_at at = { 0 };
	hub_source_entry e;
	const char *path = NULL;
	int rc = hub_source_clean_path(&path, req->arena, web_param(req, "path"));
	if (rc == 0)
		rc = hub_source_open(&at, req);
	if (rc == 0)
		rc = hub_source_resolve(&at, web_param(req, "ref"));
	if (rc == 0)
		rc = hub_source_stat(&e, req->arena, at.git, at.commit, path);
	if (rc == 0)
		rc = hub_source_send_file(req, res, &at, &e, true);
	hub_source_close(&at);
	return rc;
}
