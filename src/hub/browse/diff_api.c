/* The diff API (Bitbucket Cloud 2.0, A.9): raw diffs, patches, diffstats and merge bases, with
 * Bitbucket's reversed A..B (A is the new side). */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "hub/api.h"
#include "hub/git/gitrepo.h"
#include "hub/browse/diff_api.h"
#include "hub/browse/commit_api.h"
#include "hub/hub.h"
#include "web/escape.h"
#include "web/paging.h"

enum {
	DIFF_TEXT_MAX = 8 * 1024 * 1024, /* bytes of one raw diff or patch, built in memory */
	DIFF_PATHS_MAX = 100, /* path= filters */
	DIFFSTAT_PAGELEN_DEFAULT = 500,
	DIFFSTAT_PAGELEN_MAX = 5000,
	PATCH_COMMITS_MAX = 100, /* commits of a range's patch */
	HTTP_TIMEOUT_STATUS = 555, /* Bitbucket's answer to a diff too large to compute */
};

/* Every path= value, repeats kept (commas belong to file names here). */
static int read_paths(hub_diff_opts *o, web_request *req)
{
	size_t n = 0;
	for (size_t i = 0; i < req->query.len; i++)
		n += strcmp(req->query.items[i].name, "path") == 0 && req->query.items[i].value_len;
	if (n > DIFF_PATHS_MAX)
		return err_fail(WEFT_EINVALID, "path: at most %d of them", DIFF_PATHS_MAX);
	const char **paths = arena_array(req->arena, n + 1, sizeof *paths);
	n = 0;
	for (size_t i = 0; i < req->query.len; i++) {
		const web_pair *p = &req->query.items[i];
		if (strcmp(p->name, "path") != 0 || !p->value_len)
			continue;
		if (strlen(p->value) != p->value_len)
			return err_fail(WEFT_EINVALID, "path: no NUL bytes");
		paths[n++] = p->value[0] == '/' ? p->value + 1 : p->value;
	}
	o->paths = n ? paths : NULL;
	o->npaths = n;
	return 0;
}

static int read_opts(hub_diff_opts *o, web_request *req)
{
	hub_diff_opts_init(o);
	const char *context = web_query(req, "context");
	int64_t n = 0;
	if (context && str_to_i64(&n, context, 0, 1000, "context") < 0)
		return err_fail(WEFT_EINVALID, "context must be a whole number from 0 to 1000.");
	if (context)
		o->context = (uint32_t)n;
	bool merge = true;
	int rc = web_pairs_bool(&o->ignore_whitespace, &req->query, "ignore_whitespace", false);
	if (rc == 0)
		rc = web_pairs_bool(&o->binary, &req->query, "binary", true);
	if (rc == 0)
		rc = web_pairs_bool(&o->renames, &req->query, "renames", true);
	/* "merge" is topic's deprecated name. */
	if (rc == 0)
		rc = web_pairs_bool(&merge, &req->query, "merge", true);
	if (rc == 0)
		rc = web_pairs_bool(&o->topic, &req->query, "topic", merge);
	if (rc == 0)
		rc = read_paths(o, req);
	return rc;
}

/* ---- GET …/diff/{spec} ---- */

static int text_response(web_request *req, web_response *res, int rc, buf *text)
{
	if (rc == WEFT_ETOOLARGE) {
		web_res_error_status(req, res, HTTP_TIMEOUT_STATUS, err_msg());
		rc = 0;
	} else if (rc == 0) {
		res->status = 200;
		res->content_type = "text/plain";
		buf_append(&res->body, text->ptr ? text->ptr : "", text->len);
	}
	buf_dispose(text);
	return rc;
}

int hub_api_diff(web_request *req, web_response *res)
{
	hub_repo r;
	hub_diff_opts o;
	git_repository *git = NULL;
	git_diff *diff = NULL;
	buf text = BUF_INIT;
	int rc = read_opts(&o, req);
	if (rc == 0)
		rc = hub_history_open(req, &r, &git);
	if (rc == 0)
		rc = hub_diff_load(&diff, git, web_param(req, "spec"), &o);
	if (rc == 0)
		rc = hub_diff_text(&text, diff, DIFF_TEXT_MAX);
	rc = text_response(req, res, rc, &text);
	git_diff_free(diff);
	hub_git_close(git);
	return rc;
}

/* ---- GET …/patch/{spec} ---- */

static int append_email(buf *out, git_commit *c)
{
	git_buf email = { 0 };
	int rc = git_email_create_from_commit(&email, c, NULL);
	if (rc == 0 && out->len + email.size > DIFF_TEXT_MAX)
		rc = err_fail(WEFT_ETOOLARGE, "the patch is larger than %d bytes", DIFF_TEXT_MAX);
	else if (rc == 0)
		buf_append(out, email.ptr, email.size);
	else
		rc = hub_git_code(rc, "cannot format the patch");
	git_buf_dispose(&email);
	return rc;
}

/* The commits of A..B (Bitbucket's way round: in A, not in B), oldest first. */
static int range_commits(git_oid **out, size_t *count, arena *a, git_repository *git,
                         const git_commit *new_commit, const git_commit *old_commit)
{
	git_revwalk *walk = NULL;
	git_oid *ids = arena_array(a, PATCH_COMMITS_MAX, sizeof *ids), id;
	size_t n = 0;
	int rc = git_revwalk_new(&walk, git);
	if (rc == 0)
		rc = git_revwalk_push(walk, git_commit_id(new_commit));
	if (rc == 0 && old_commit)
		rc = git_revwalk_hide(walk, git_commit_id(old_commit));
	while (rc == 0 && (rc = git_revwalk_next(&id, walk)) == 0) {
		if (n == PATCH_COMMITS_MAX) {
			rc = err_fail(WEFT_ETOOLARGE, "a patch covers at most %d commits",
			              PATCH_COMMITS_MAX);
			break;
		}
		ids[n++] = id;
	}
	git_revwalk_free(walk);
	if (rc == GIT_ITEROVER)
		rc = 0;
	if (rc < 0)
		return rc == WEFT_ETOOLARGE ? rc : hub_git_code(rc, "cannot walk the range");
	*out = ids;
	*count = n;
	return 0;
}

static int patch_text(buf *out, arena *a, git_repository *git, const char *spec)
{
	git_commit *new_commit = NULL, *old_commit = NULL;
	git_oid *ids = NULL;
	size_t n = 0;
	int rc = hub_diff_resolve(&new_commit, &old_commit, git, spec, false);
	if (rc == 0 && !strstr(spec, ".."))
		rc = append_email(out, new_commit);
	else if (rc == 0)
		rc = range_commits(&ids, &n, a, git, new_commit, old_commit);
	for (size_t i = n; rc == 0 && i > 0; i--) {
		git_commit *c = NULL;
		rc = hub_git_code(git_commit_lookup(&c, git, &ids[i - 1]), "cannot read a commit");
		if (rc == 0)
			rc = append_email(out, c);
		git_commit_free(c);
	}
	git_commit_free(new_commit);
	git_commit_free(old_commit);
	return rc;
}

int hub_api_patch(web_request *req, web_response *res)
{
	hub_repo r;
	git_repository *git = NULL;
	buf text = BUF_INIT;
	int rc = hub_history_open(req, &r, &git);
	if (rc == 0)
		rc = patch_text(&text, req->arena, git, web_param(req, "spec"));
	rc = text_response(req, res, rc, &text);
	hub_git_close(git);
	return rc;
}

/* ---- GET …/diffstat/{spec} ---- */

static int read_diffstat_page(web_request *req, hub_page_params *p)
{
	web_paging paging;
	int rc = web_paging_numbered(&paging, &p->page, req, DIFFSTAT_PAGELEN_DEFAULT,
	                             DIFFSTAT_PAGELEN_MAX);
	if (rc == 0)
		p->pagelen = paging.max;
	return rc;
}

/* The page's values are written straight into the body: a diffstat of thousands of files is
 * tens of thousands of JSON values, whose building, dumping and freeing through jansson cost
 * more than the diff itself. */

/* s as a JSON string. */
static void put_string(buf *out, const char *s)
{
	buf_putc(out, '"');
	esc_json(out, s, strlen(s));
	buf_putc(out, '"');
}

/* "name":{"href":"base path suffix"}. */
static void put_href(buf *out, const char *name, const char *base, const char *path,
                     const char *suffix)
{
	buf_printf(out, "\"%s\":{\"href\":\"", name);
	esc_json(out, base, strlen(base));
	esc_json(out, path, strlen(path));
	esc_json(out, suffix, strlen(suffix));
	buf_puts(out, "\"}");
}

typedef struct stat_links {
	const char *base; /* the server's base URL */
	const char *api; /* the repository's API path */
	const char *new_hash;
	const char *old_hash;
} stat_links;

static void put_commit_file(buf *out, arena *a, const stat_links *l, const char *path,
                            const char *hash, bool executable)
{
	if (!path) {
		buf_puts(out, "null");
		return;
	}
	const char *text = hub_text_utf8(a, path, strlen(path));
	buf escaped = BUF_INIT;
	esc_url_path(&escaped, text, strlen(text));
	const char *self = arena_printf(a, "%s/src/%s/%s", l->api, hash, buf_cstr(&escaped));
	const char *history =
	        arena_printf(a, "%s/filehistory/%s/%s", l->api, hash, buf_cstr(&escaped));
	buf_dispose(&escaped);
	buf_puts(out, "{\"type\":\"commit_file\",\"path\":");
	put_string(out, text);
	buf_puts(out, ",\"escaped_path\":");
	put_string(out, text);
	buf_printf(out,
	           ",\"attributes\":[%s],\"commit\":{\"type\":\"commit\",\"hash\":\"%s\","
	           "\"links\":{",
	           executable ? "\"executable\"" : "", hash);
	put_href(out, "self", l->base, arena_printf(a, "%s/commit/%s", l->api, hash), "");
	buf_puts(out, "}},\"links\":{");
	put_href(out, "self", l->base, self, "");
	buf_putc(out, ',');
	put_href(out, "meta", l->base, self, "?format=meta");
	buf_putc(out, ',');
	put_href(out, "history", l->base, history, "");
	buf_puts(out, "}}");
}

static void put_diffstat(buf *out, arena *a, const stat_links *l, const hub_diffstat *d)
{
	buf_printf(out,
	           "{\"type\":\"diffstat\",\"status\":\"%s\",\"lines_added\":%zu,"
	           "\"lines_removed\":%zu,\"old\":",
	           hub_diff_status_name(d->status), d->lines_added, d->lines_removed);
	put_commit_file(out, a, l, d->old_path, l->old_hash, d->old_executable);
	buf_puts(out, ",\"new\":");
	put_commit_file(out, a, l, d->new_path, l->new_hash, d->new_executable);
	buf_putc(out, '}');
}

typedef struct stat_run {
	hub_diffstat *stats;
	size_t count;
	char new_hash[GIT_OID_HEXSZ + 1];
	char old_hash[GIT_OID_HEXSZ + 1];
} stat_run;

static int load_stats(stat_run *out, web_request *req, git_repository *git, const hub_diff_opts *o)
{
	git_commit *new_commit = NULL, *old_commit = NULL;
	git_diff *diff = NULL;
	int rc = hub_diff_resolve(&new_commit, &old_commit, git, web_param(req, "spec"), o->topic);
	if (rc == 0)
		rc = hub_diff_commits(&diff, git, new_commit, old_commit, o);
	if (rc == 0)
		rc = hub_diff_stats(&out->stats, &out->count, req->arena, diff);
	if (rc == 0) {
		git_oid_tostr(out->new_hash, sizeof out->new_hash, git_commit_id(new_commit));
		git_oid_tostr(out->old_hash, sizeof out->old_hash,
		              old_commit ? git_commit_id(old_commit) : git_commit_id(new_commit));
	}
	git_diff_free(diff);
	git_commit_free(new_commit);
	git_commit_free(old_commit);
	return rc;
}

/* The envelope of the page with its values written in front: {"values":[…],"pagelen":…}. */
static void respond_stats(web_request *req, web_response *res, const hub_repo *r,
                          const hub_page_params *p, const stat_run *run)
{
	stat_links l = { web_base_url(req), hub_history_api_path(req, r), run->new_hash,
		         run->old_hash };
	json_t *env = hub_api_envelope(req, p, json_array(), (int64_t)run->count, false);
	json_object_del(env, "values");
	char *rest = json_dumps(env, JSON_COMPACT);
	json_decref(env);
	buf *out = &res->body;
	res->status = 200;
	res->content_type = "application/json; charset=utf-8";
	buf_puts(out, "{\"values\":[");
	size_t first = (size_t)((p->page - 1) * p->pagelen);
	for (size_t i = first; i < run->count && i < first + (size_t)p->pagelen; i++) {
		if (i > first)
			buf_putc(out, ',');
		put_diffstat(out, req->arena, &l, &run->stats[i]);
	}
	buf_puts(out, "],");
	buf_puts(out, rest ? rest + 1 : "}");
	free(rest);
}

int hub_api_diffstat(web_request *req, web_response *res)
{
	hub_repo r;
	hub_diff_opts o;
	hub_page_params p;
	stat_run run = { 0 };
	git_repository *git = NULL;
	int rc = read_opts(&o, req);
	if (rc == 0)
		rc = read_diffstat_page(req, &p);
	if (rc == 0)
		rc = hub_history_open(req, &r, &git);
	if (rc == 0)
		rc = load_stats(&run, req, git, &o);
	if (rc == 0)
		respond_stats(req, res, &r, &p, &run);
	hub_git_close(git);
	return rc;
}

/* ---- GET …/merge-base/{spec} ---- */

int hub_api_merge_base(web_request *req, web_response *res)
{
	hub_repo r;
	hub_commit c;
	git_repository *git = NULL;
	git_commit *new_commit = NULL, *base = NULL;
	const hub_user **users = NULL;
	const char *spec = web_param(req, "spec");
	if (!strstr(spec, ".."))
		return err_fail(WEFT_EINVALID, "A merge base needs two revisions: A..B.");
	int rc = hub_history_open(req, &r, &git);
	if (rc == 0)
		rc = hub_diff_resolve(&new_commit, &base, git, spec, true);
	if (rc == 0) {
		hub_commit_from_git(&c, req->arena, base);
		rc = hub_history_authors(req, &c, 1, &users);
	}
	if (rc == 0)
		web_res_json(res, 200, hub_history_commit_json(req, &r, &c, users[0]));
	git_commit_free(new_commit);
	git_commit_free(base);
	hub_git_close(git);
	return rc;
}
