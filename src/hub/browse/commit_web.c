/* The commits pages: a branch's commits a page at a time, and one commit with its message,
 * parents and diff (per-file statistics, unified diff with line numbers, large files collapsed,
 * binary files noted, the whole bounded). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "hub/git/gitrepo.h"
#include "hub/browse/commit_web.h"
#include "hub/browse/commit_api.h"
#include "hub/hook/status_web.h"
#include "hub/hub.h"
#include "web/escape.h"
#include "web/paging.h"

enum {
	COMMITS_PER_PAGE = 30,
	COMMITS_PAGE_MAX = 100000, /* deeper pages: use the API's cursor */
	DIFF_FILE_COLLAPSE_LINES = 400, /* bigger files start collapsed */
	DIFF_FILE_LINES_MAX = 5000, /* bigger files are not shown line by line */
	DIFF_TOTAL_LINES_MAX = 20000, /* lines of all files on one page */
	DIFF_TOTAL_BYTES_MAX = 2 * 1024 * 1024,
	DIFF_FILES_MAX = 1000,
};

/* ---- shared bits of the repository pages ---- */

const char *hub_history_segment(web_request *req, const char *s)
{
	buf out = BUF_INIT;
	esc_url_segment(&out, s, strlen(s));
	const char *r = arena_strdup(req->arena, buf_cstr(&out));
	buf_dispose(&out);
	return r;
}

const char *hub_history_time(web_request *req, int64_t epoch_s)
{
	time_t t = (time_t)epoch_s;
	struct tm tm;
	char text[32] = "";
	if (gmtime_r(&t, &tm))
		strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
	return arena_strdup(req->arena, text);
}

json_t *hub_history_repo_json(web_request *req, const hub_repo *r)
{
	const char *base = hub_history_web_path(req, r);
	return json_pack(
	        "{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s}", "workspace",
	        r->workspace_slug, "full_name",
	        arena_printf(req->arena, "%s/%s", r->workspace_slug, r->slug), "workspace_href",
	        arena_printf(req->arena, "/%s", hub_history_segment(req, r->workspace_slug)),
	        "name", r->name, "href", base, "is_private", r->is_private, "description",
	        r->description ? r->description : "", "src_href",
	        arena_printf(req->arena, "%s/src", base), "commits_href",
	        arena_printf(req->arena, "%s/commits", base), "branches_href",
	        arena_printf(req->arena, "%s/branches", base));
}

static json_t *repo_data(web_request *req, const hub_repo *r)
{
	return json_pack("{s:o, s:s}", "repo", hub_history_repo_json(req, r), "mainbranch",
	                 r->mainbranch);
}

static json_t *commit_row(web_request *req, const char *base, const hub_commit *c)
{
	return json_pack("{s:s, s:s%, s:s, s:s, s:s, s:s}", "hash", c->hash, "short", c->hash,
	                 (size_t)12, "summary", c->summary, "author", c->author_name, "date",
	                 hub_history_time(req, c->author_time), "href",
	                 arena_printf(req->arena, "%s/commits/%s", base, c->hash));
}

/* ---- /{workspace}/{repo_slug}/commits ---- */

static const char *chosen_branch(web_request *req, const hub_repo *r)
{
	const char *b = web_param(req, "branch");
	if (!b || !*b)
		b = web_query(req, "branch");
	return b && *b ? b : r->mainbranch;
}

/* ?page=: a page number, or the cursor an Older link carries (hub_log_cursor). */
static int read_page(web_request *req, hub_log_query *q, int64_t *page)
{
	const char *v = web_query(req, "page");
	*page = 1;
	if (v && (v[0] == 'c' || v[0] == 'f')) {
		*page = 0;
		return hub_log_cursor_parse(q, req->arena, v);
	}
	if (v && (web_paging_page_number(page, v) < 0 || *page > COMMITS_PAGE_MAX))
		return err_fail(WEFT_EINVALID, "page must be a whole number from 1 to %d.",
		                COMMITS_PAGE_MAX);
	q->skip = (uint64_t)(*page - 1) * COMMITS_PER_PAGE;
	return 0;
}

static void pager_links(json_t *data, web_request *req, const char *branch_href,
                        const hub_log_page *log, int64_t page)
{
	if (log->has_more)
		json_object_set_new(data, "older",
		                    json_string(arena_printf(req->arena, "%s?page=%s", branch_href,
		                                             hub_log_cursor(req->arena, log))));
	if (page > 1)
		json_object_set_new(data, "newer",
		                    json_string(arena_printf(req->arena, "%s?page=%lld",
		                                             branch_href, (long long)page - 1)));
	if (page != 1)
		json_object_set_new(data, "newest", json_string(branch_href));
}

static int commits_data(json_t *data, web_request *req, const hub_repo *r, git_repository *git,
                        const char *branch)
{
	const char *include[1] = { branch };
	hub_log_query q = { .include = include, .ninclude = 1, .limit = COMMITS_PER_PAGE };
	hub_log_page log = { 0 };
	int64_t page = 1;
	int rc = read_page(req, &q, &page);
	if (rc == 0 && !hub_git_is_empty(git))
		rc = hub_commit_log(&log, req->arena, git, &q);
	/* A main branch nobody pushed yet (others were): nothing to show, not a missing page. */
	if (rc == WEFT_ENOTFOUND && branch == r->mainbranch)
		rc = 0;
	if (rc < 0)
		return rc;
	const char *base = hub_history_web_path(req, r);
	const char *branch_href = arena_printf(req->arena, "%s/commits/branch/%s", base,
	                                       hub_history_segment(req, branch));
	json_t *rows = json_array();
	for (size_t i = 0; i < log.count; i++)
		json_array_append_new(rows, commit_row(req, base, &log.commits[i]));
	rc = hub_status_annotate(req, r, rows);
	json_object_set_new(data, "branch", json_string(branch));
	json_object_set_new(data, "commits", rows);
	json_object_set_new(data, "has_commits", json_boolean(log.count > 0));
	pager_links(data, req, branch_href, &log, page);
	return rc;
}

int hub_commits_page(web_request *req, web_response *res)
{
	hub_repo r;
	git_repository *git = NULL;
	json_t *data = NULL;
	int rc = hub_history_open(req, &r, &git);
	if (rc == 0) {
		data = repo_data(req, &r);
		rc = commits_data(data, req, &r, git, chosen_branch(req, &r));
	}
	hub_git_close(git);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	return hub_page(req, res, 200, "hub/commits",
	                arena_printf(req->arena, "Commits · %s", r.name), data);
}

/* ---- /{workspace}/{repo_slug}/commits/{hash} ---- */

typedef struct diff_budget {
	size_t lines;
	size_t bytes;
	bool exhausted;
} diff_budget;

static const char *line_class(char origin)
{
	switch (origin) {
	case GIT_DIFF_LINE_ADDITION: return "add";
	case GIT_DIFF_LINE_DELETION: return "del";
	default: return "ctx";
	}
}

static json_t *line_json(arena *a, const git_diff_line *l)
{
	size_t len = l->content_len;
	if (len > 0 && l->content[len - 1] == '\n')
		len--;
	json_t *line = json_pack("{s:s, s:s}", "class", line_class(l->origin), "text",
	                         hub_text_utf8(a, l->content, len));
	if (l->old_lineno > 0)
		json_object_set_new(line, "old", json_integer(l->old_lineno));
	if (l->new_lineno > 0)
		json_object_set_new(line, "new", json_integer(l->new_lineno));
	return line;
}

static json_t *hunk_json(arena *a, git_patch *patch, size_t h, diff_budget *b)
{
	const git_diff_hunk *hunk = NULL;
	size_t n = 0;
	if (git_patch_get_hunk(&hunk, &n, patch, h) < 0)
		return NULL;
	json_t *lines = json_array();
	for (size_t i = 0; i < n; i++) {
		const git_diff_line *l = NULL;
		if (git_patch_get_line_in_hunk(&l, patch, h, i) < 0)
			break;
		if (l->origin != GIT_DIFF_LINE_ADDITION && l->origin != GIT_DIFF_LINE_DELETION &&
		    l->origin != GIT_DIFF_LINE_CONTEXT)
			continue;
		b->lines++;
		b->bytes += l->content_len;
		json_array_append_new(lines, line_json(a, l));
	}
	size_t hlen = hunk->header_len;
	while (hlen > 0 && (hunk->header[hlen - 1] == '\n' || hunk->header[hlen - 1] == '\r'))
		hlen--;
	return json_pack("{s:s, s:o}", "header", hub_text_utf8(a, hunk->header, hlen), "lines",
	                 lines);
}

/* The file's lines, or a note why they are not shown. */
static void file_lines(json_t *file, arena *a, git_patch *patch, size_t added, size_t removed,
                       diff_budget *b)
{
	size_t lines = added + removed;
	if (b->exhausted || b->lines + lines > DIFF_TOTAL_LINES_MAX ||
	    b->bytes + git_patch_size(patch, 1, 0, 0) > DIFF_TOTAL_BYTES_MAX) {
		b->exhausted = true;
		json_object_set_new(file, "over_budget", json_true());
		return;
	}
	if (lines > DIFF_FILE_LINES_MAX) {
		json_object_set_new(file, "too_large", json_true());
		return;
	}
	json_t *hunks = json_array();
	for (size_t h = 0; h < git_patch_num_hunks(patch); h++) {
		json_t *hunk = hunk_json(a, patch, h, b);
		if (hunk)
			json_array_append_new(hunks, hunk);
	}
	json_object_set_new(file, "has_hunks", json_boolean(json_array_size(hunks) > 0));
	json_object_set_new(file, "hunks", hunks);
	json_object_set_new(file, "collapsed", json_boolean(lines > DIFF_FILE_COLLAPSE_LINES));
}

static json_t *file_json(arena *a, git_diff *diff, size_t i, diff_budget *b)
{
	git_patch *patch = NULL;
	const git_diff_delta *d = git_diff_get_delta(diff, i);
	size_t ctx = 0, added = 0, removed = 0;
	bool binary = (d->flags & GIT_DIFF_FLAG_BINARY) != 0;
	if (git_patch_from_diff(&patch, diff, i) == 0 && patch) {
		git_patch_line_stats(&ctx, &added, &removed, patch);
		binary = binary || (git_patch_get_delta(patch)->flags & GIT_DIFF_FLAG_BINARY);
	}
	const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
	json_t *file = json_pack("{s:s, s:s, s:I, s:I, s:b, s:I}", "path",
	                         hub_text_utf8(a, path, strlen(path)), "status",
	                         hub_diff_status_name(hub_diff_status_of(d->status)), "added",
	                         (json_int_t)added, "removed", (json_int_t)removed, "binary",
	                         binary, "index", (json_int_t)i);
	if (d->status == GIT_DELTA_RENAMED)
		json_object_set_new(
		        file, "old_path",
		        json_string(hub_text_utf8(a, d->old_file.path, strlen(d->old_file.path))));
	if (patch && !binary)
		file_lines(file, a, patch, added, removed, b);
	git_patch_free(patch);
	return file;
}

int hub_history_diff_json(json_t *data, arena *a, git_repository *git, const char *spec)
{
	hub_diff_opts o;
	git_diff *diff = NULL;
	diff_budget b = { 0 };
	hub_diff_opts_init(&o);
	o.binary = false;
	int rc = hub_diff_load(&diff, git, spec, &o);
	if (rc < 0)
		return rc;
	size_t n = git_diff_num_deltas(diff);
	json_t *files = json_array();
	for (size_t i = 0; i < n && i < DIFF_FILES_MAX; i++)
		json_array_append_new(files, file_json(a, diff, i, &b));
	json_object_set_new(data, "files", files);
	json_object_set_new(data, "file_count", json_integer((json_int_t)n));
	if (n > DIFF_FILES_MAX || b.exhausted)
		json_object_set_new(data, "truncated",
		                    json_pack("{s:i, s:i}", "files", DIFF_FILES_MAX, "lines",
		                              DIFF_TOTAL_LINES_MAX));
	git_diff_free(diff);
	return 0;
}

static json_t *commit_detail(web_request *req, const hub_repo *r, const hub_commit *c)
{
	const char *base = hub_history_web_path(req, r);
	json_t *parents = json_array();
	for (size_t i = 0; i < c->parent_count; i++)
		json_array_append_new(parents, json_pack("{s:s, s:s%, s:s}", "hash", c->parents[i],
		                                         "short", c->parents[i], (size_t)12, "href",
		                                         arena_printf(req->arena, "%s/commits/%s",
		                                                      base, c->parents[i])));
	return json_pack("{s:s, s:s%, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "hash", c->hash, "short",
	                 c->hash, (size_t)12, "summary", c->summary, "message", c->message,
	                 "author", c->author_name, "author_email", c->author_email, "date",
	                 hub_history_time(req, c->author_time), "parents", parents, "raw_diff",
	                 arena_printf(req->arena, "%s/diff/%s", base, c->hash));
}

int hub_commit_page(web_request *req, web_response *res)
{
	hub_repo r;
	hub_commit c;
	git_repository *git = NULL;
	json_t *data = NULL;
	const char *hash = web_param(req, "hash");
	size_t len = strlen(hash);
	if (len < 4 || len > GIT_OID_HEXSZ || strspn(hash, "0123456789abcdefABCDEF") != len)
		return err_fail(WEFT_ENOTFOUND, "There is no commit %.80s here.", hash);
	int rc = hub_history_open(req, &r, &git);
	if (rc == 0)
		rc = hub_commit_get(&c, req->arena, git, hash);
	if (rc == 0) {
		data = repo_data(req, &r);
		json_object_set_new(data, "commit", commit_detail(req, &r, &c));
		rc = hub_history_diff_json(data, req->arena, git, c.hash);
	}
	if (rc == 0)
		rc = hub_status_commit_data(req, &r, c.hash, data);
	hub_git_close(git);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	return hub_page(req, res, 200, "hub/commit",
	                arena_printf(req->arena, "%s · %.12s", c.summary, c.hash), data);
}
