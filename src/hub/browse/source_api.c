/* The src API of Bitbucket Cloud 2.0 (reference A.7, A.8): the root redirect, raw files,
 * format=meta, directory listings (paged, max_depth, q, sort), a file's history, and commits
 * made from form fields with POST /src. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "hub/api.h"
#include "hub/bbql.h"
#include "hub/git/gitrepo.h"
#include "hub/hub.h"
#include "hub/git/push.h"
#include "hub/browse/source_web.h"
#include "hub/team/team_api.h"
#include "web/escape.h"

/* What q= and sort= may name in a listing. */
static const char *const listing_fields[] = { "path", "type", "size", "mimetype", NULL };

/* --- shapes ----------------------------------------------------------------------------------- */

/* "/2.0/repositories/ws/slug" followed by suffix and, escaped, the rest. */
static const char *api_url(web_request *req, const hub_source_at *at, const char *suffix,
                           const char *path, const char *tail)
{
	buf b = BUF_INIT;
	buf_puts(&b, "/2.0/repositories/");
	esc_url_segment(&b, at->repo.workspace_slug, strlen(at->repo.workspace_slug));
	buf_putc(&b, '/');
	esc_url_segment(&b, at->repo.slug, strlen(at->repo.slug));
	buf_puts(&b, suffix);
	if (path)
		esc_url_path(&b, path, strlen(path));
	buf_puts(&b, tail);
	const char *s = arena_strndup(req->arena, buf_cstr(&b), b.len);
	buf_dispose(&b);
	return s;
}

static json_t *commit_json(web_request *req, const hub_source_at *at, const char *hash)
{
	const char *self = api_url(req, at, "/commit/", hash, "");
	const char *html = arena_printf(req->arena, "/%s/%s/commits/%s", at->repo.workspace_slug,
	                                at->repo.slug, hash);
	return json_pack("{s:s, s:s, s:{s:o, s:o}}", "type", "commit", "hash", hash, "links",
	                 "self", hub_api_href(req, self), "html", hub_api_href(req, html));
}

static json_t *attributes_json(const hub_source_entry *e, bool binary)
{
	json_t *a = json_array();
	if (e->kind == HUB_SOURCE_LINK)
		json_array_append_new(a, json_string("link"));
	if (e->kind == HUB_SOURCE_SUBMODULE)
		json_array_append_new(a, json_string("subrepository"));
	if (e->executable)
		json_array_append_new(a, json_string("executable"));
	if (binary)
		json_array_append_new(a, json_string("binary"));
	return a;
}

/* Whether a blob is binary costs reading it: only for files small enough to show. */
static bool entry_is_binary(const hub_source_at *at, const hub_source_entry *e)
{
	if (e->kind != HUB_SOURCE_FILE)
		return false;
	if (e->size > HUB_SOURCE_DISPLAY_MAX)
		return true;
	git_blob *blob = NULL;
	bool binary = false;
	if (git_blob_lookup(&blob, at->git, &e->oid) == 0)
		binary = hub_source_is_binary(git_blob_rawcontent(blob),
		                              (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return binary;
}

/* A commit_file; commit is the hash the object belongs to. */
static json_t *file_json(web_request *req, const hub_source_at *at, const hub_source_entry *e,
                         const char *hash, bool check_binary)
{
	const char *prefix = arena_printf(req->arena, "/src/%s/", hash);
	const char *self = api_url(req, at, prefix, e->path, "");
	const char *history =
	        api_url(req, at, arena_printf(req->arena, "/filehistory/%s/", hash), e->path, "");
	buf escaped = BUF_INIT;
	esc_url_path(&escaped, e->path, strlen(e->path));
	json_t *o = json_pack(
	        "{s:s, s:s, s:s, s:I, s:o, s:o, s:{s:o, s:o, s:o}}", "type", "commit_file", "path",
	        e->path, "escaped_path", buf_cstr(&escaped), "size", (json_int_t)e->size,
	        "attributes", attributes_json(e, check_binary && entry_is_binary(at, e)), "commit",
	        commit_json(req, at, hash), "links", "self", hub_api_href(req, self), "meta",
	        hub_api_href(req, arena_printf(req->arena, "%s?format=meta", self)), "history",
	        hub_api_href(req, history));
	buf_dispose(&escaped);
	if (e->kind == HUB_SOURCE_FILE)
		json_object_set_new(o, "mimetype", json_string(hub_source_mimetype(e->name)));
	return o;
}

static json_t *directory_json(web_request *req, const hub_source_at *at, const hub_source_entry *e)
{
	const char *prefix = arena_printf(req->arena, "/src/%s/", at->hash);
	const char *self = api_url(req, at, prefix, e->path, e->path[0] ? "/" : "");
	return json_pack("{s:s, s:s, s:o, s:{s:o, s:o}}", "type", "commit_directory", "path",
	                 e->path, "commit", commit_json(req, at, at->hash), "links", "self",
	                 hub_api_href(req, self), "meta",
	                 hub_api_href(req, arena_printf(req->arena, "%s?format=meta", self)));
}

static json_t *entry_json(web_request *req, const hub_source_at *at, const hub_source_entry *e,
                          bool check_binary)
{
	return e->kind == HUB_SOURCE_DIR ? directory_json(req, at, e)
	                                 : file_json(req, at, e, at->hash, check_binary);
}

/* --- GET src ---------------------------------------------------------------------------------- */

static int respond_listing(web_request *req, web_response *res, hub_source_at *at,
                           const hub_source_entry *dir)
{
	int64_t depth = 1;
	const char *md = web_query(req, "max_depth");
	if (md && str_to_i64(&depth, md, 1, HUB_SOURCE_DEPTH_MAX, "max_depth") < 0)
		return WEFT_EINVALID;
	hub_source_entry *entries = NULL;
	size_t n = 0;
	int rc = hub_source_list(&entries, &n, req->arena, at->git, dir, (int)depth);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, entry_json(req, at, &entries[i], false));
	return hub_api_respond_list(req, res, items, listing_fields);
}

static int check_format(web_request *req, bool *meta)
{
	const char *format = web_query(req, "format");
	*meta = format && strcmp(format, "meta") == 0;
	if (format && !*meta && strcmp(format, "rendered") != 0)
		return err_fail(WEFT_EINVALID, "format must be meta or rendered.");
	return 0;
}

static int respond_entry(web_request *req, web_response *res, hub_source_at *at,
                         const hub_source_entry *e)
{
	bool meta = false;
	int rc = check_format(req, &meta);
	if (rc < 0)
		return rc;
	if (meta) {
		web_res_json(res, 200, entry_json(req, at, e, true));
		return 0;
	}
	if (e->kind == HUB_SOURCE_DIR)
		return respond_listing(req, res, at, e);
	if (e->kind == HUB_SOURCE_SUBMODULE)
		return err_fail(WEFT_ENOTFOUND, "%.300s is a submodule.", e->path);
	return hub_source_send_file(req, res, at, e, false);
}

int hub_api_src(web_request *req, web_response *res)
{
	hub_source_at at = { 0 };
	hub_source_entry e;
	const char *path = NULL;
	int rc = hub_source_open(&at, req);
	if (rc == 0)
		rc = hub_source_resolve(&at, web_param(req, "commit"));
	if (rc == 0)
		rc = hub_source_clean_path(&path, req->arena, web_param(req, "path"));
	if (rc == 0)
		rc = hub_source_stat(&e, req->arena, at.git, at.commit, path);
	/* "dir/file.txt/" names no directory. */
	if (rc == 0 && req->trailing_slash && e.kind != HUB_SOURCE_DIR && path[0])
		rc = err_fail(WEFT_ENOTFOUND, "No such file or directory: %.300s/", path);
	if (rc == 0)
		rc = respond_entry(req, res, &at, &e);
	hub_source_close(&at);
	return rc;
}

int hub_api_src_root(web_request *req, web_response *res)
{
	hub_source_at at = { 0 };
	const char *ref = NULL;
	int rc = hub_source_open_default(&at, req, &ref);
	if (rc == 0) {
		const char *url =
		        api_url(req, &at, arena_printf(req->arena, "/src/%s/", at.hash), NULL, "");
		web_res_redirect(req, res, 302,
		                 arena_printf(req->arena, "%s%s%s%s", web_base_url(req), url,
		                              req->query_string[0] ? "?" : "", req->query_string));
	}
	hub_source_close(&at);
	return rc;
}

/* --- filehistory ------------------------------------------------------------------------------ */

int hub_api_filehistory(web_request *req, web_response *res)
{
	hub_source_at at = { 0 };
	hub_page_params p;
	const char *path = NULL;
	hub_source_version *versions = NULL;
	size_t n = 0;
	bool more = false;
	int rc = hub_api_page_params(req, &p);
	if (rc == 0)
		rc = hub_source_open(&at, req);
	if (rc == 0)
		rc = hub_source_resolve(&at, web_param(req, "commit"));
	if (rc == 0)
		rc = hub_source_clean_path(&path, req->arena, web_param(req, "path"));
	if (rc == 0 && !path[0])
		rc = err_fail(WEFT_EINVALID, "filehistory needs a path.");
	if (rc == 0)
		rc = hub_source_file_history(&versions, &n, &more, req->arena, at.git, at.commit,
		                             path, (size_t)((p.page - 1) * p.pagelen),
		                             (size_t)p.pagelen);
	if (rc == 0) {
		json_t *values = json_array();
		for (size_t i = 0; i < n; i++) {
			char hash[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hash, sizeof hash, &versions[i].commit);
			json_array_append_new(values,
			                      file_json(req, &at, &versions[i].entry,
			                                arena_strdup(req->arena, hash), false));
		}
		web_res_json(res, 200, hub_api_envelope(req, &p, values, -1, more));
	}
	hub_source_close(&at);
	return rc;
}

/* --- POST src --------------------------------------------------------------------------------- */

static bool is_meta_field(const char *name)
{
	static const char *const meta[] = { "message", "author", "branch", "parents", "files" };
	for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++)
		if (strcmp(name, meta[i]) == 0)
			return true;
	return false;
}

typedef struct change_list {
	hub_source_change *items;
	size_t len;
} change_list;

static int add_change(change_list *l, arena *a, const char *name, const char *data, size_t len,
                      bool remove)
{
	hub_source_change *c = &l->items[l->len];
	int rc = hub_source_clean_path(&c->path, a, name);
	if (rc == 0 && !c->path[0])
		rc = err_fail(WEFT_EINVALID, "A file needs a path.");
	if (rc < 0)
		return rc;
	c->data = data;
	c->len = len;
	c->remove = remove;
	l->len++;
	return 0;
}

/* A part's x-attributes (A.7): "executable" or "link", else a plain file. */
static int part_attributes(hub_source_change *c, arena *a, const web_part *part)
{
	const char *attr = web_part_param(a, part, "x-attributes");
	if (!attr || !attr[0])
		return 0;
	if (strcmp(attr, "executable") == 0)
		c->executable = true;
	else if (strcmp(attr, "link") == 0 && part->len > 0 && !memchr(part->data, 0, part->len))
		c->link = true;
	else
		return err_fail(WEFT_EINVALID, "Invalid x-attributes for %.300s: %.50s", part->name,
		                attr);
	return 0;
}

/* Every field that is not a meta name is a file; a multipart body may carry them as parts
 * (with or without a filename, and with x-attributes). */
static int collect_changes(web_request *req, change_list *l)
{
	/* Each change comes from one form field or one part. */
	size_t cap = req->form.len + req->parts.len + 1;
	l->items = arena_array(req->arena, cap, sizeof *l->items);
	l->len = 0;
	int rc = 0;
	if (req->parts.len) {
		for (size_t i = 0; rc == 0 && i < req->parts.len; i++) {
			const web_part *part = &req->parts.items[i];
			if (is_meta_field(part->name))
				continue;
			rc = add_change(l, req->arena, part->name, part->data, part->len, false);
			if (rc == 0)
				rc = part_attributes(&l->items[l->len - 1], req->arena, part);
		}
	} else {
		for (size_t i = 0; rc == 0 && i < req->form.len; i++) {
			const web_pair *f = &req->form.items[i];
			if (!is_meta_field(f->name))
				rc = add_change(l, req->arena, f->name, f->value, f->value_len,
				                false);
		}
	}
	/* files= repeats, one path each: a comma may be part of a file name. */
	for (size_t i = 0; rc == 0 && i < req->form.len; i++) {
		const web_pair *f = &req->form.items[i];
		if (strcmp(f->name, "files") == 0 && f->value[0])
			rc = add_change(l, req->arena, f->value, NULL, 0, true);
	}
	return rc;
}

/* A multipart body's plain fields are in req->form too; meta values come from there. */
static const char *form_value(web_request *req, const char *name)
{
	return web_pairs_get(&req->form, name);
}

static int read_spec(web_request *req, const hub_source_at *at, hub_source_commit_spec *spec,
                     change_list *changes)
{
	const hub_viewer *v = hub_viewer_of(req);
	memset(spec, 0, sizeof *spec);
	spec->branch = form_value(req, "branch");
	spec->main_branch = at->repo.mainbranch;
	spec->message = form_value(req, "message");
	if (!spec->message)
		spec->message = "Edited online with weft";
	spec->committer_name = spec->author_name =
	        v->user.display_name[0] ? v->user.display_name : v->user.username;
	spec->committer_email = spec->author_email = v->user.email;
	const char *author = form_value(req, "author");
	if (author) {
		int rc = hub_source_parse_author(&spec->author_name, &spec->author_email,
		                                 req->arena, author);
		if (rc < 0)
			return rc;
	}
	/* Always reached before *changes is read: it fills *changes whatever it returns. */
	int rc = collect_changes(req, changes);
	if (rc < 0)
		return rc;
	spec->nparents =
	        web_pairs_list((const char ***)&spec->parents, req->arena, &req->form, "parents");
	spec->changes = changes->items;
	spec->nchanges = changes->len;
	return 0;
}

/* The shared push lock (git_http.h) of the repository at dir, held while the commit is made
 * and recorded, so that the reconcile job does not record it a second time. -1 on failure. */
static int lock_pushes(web_request *req, const char *dir)
{
	const char *path = arena_printf(req->arena, "%s/%s", dir, HUB_PUSH_LOCK);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0 && flock(fd, LOCK_SH) == 0)
		return fd;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	return err_fail(WEFT_ERROR, "cannot lock %s: %s", path, strerror(saved));
}

typedef struct record_ctx {
	int64_t repository_id, actor_id;
	push_update update;
} record_ctx;

static int record(db_conn *c, void *ctx)
{
	record_ctx *rc = ctx;
	return hub_push_record(c, rc->repository_id, rc->actor_id, false, clock_now_ms(),
	                       &rc->update, 1, NULL);
}

/* Records the commit as a push by the caller, as the post-receive hook records git's pushes.
 * The commit stands either way: a failure is logged, and the reconcile job records it later. */
static void record_push(web_request *req, const hub_source_at *at, const char *branch,
                        const git_oid *old_tip, const char *new_hash)
{
	char old_hash[GIT_OID_HEXSZ + 1];
	git_oid_tostr(old_hash, sizeof old_hash, old_tip);
	record_ctx ctx = { at->repo.id,
		           hub_viewer_of(req)->user.id,
		           { arena_printf(req->arena, "refs/heads/%s", branch), old_hash,
		             new_hash } };
	if (db_tx(hub_app_of(req)->d, record, &ctx) < 0)
		log_error("POST /src on repository %lld: the push of %s was not recorded: %s",
		          (long long)at->repo.id, new_hash, err_msg());
}

int hub_api_src_create(web_request *req, web_response *res)
{
	hub_source_at at = { 0 };
	hub_source_commit_spec spec;
	change_list changes = { 0 };
	git_oid id, old_tip;
	int lock = -1;
	int rc = hub_source_open(&at, req);
	if (rc == 0)
		rc = read_spec(req, &at, &spec, &changes);
	if (rc == 0)
		rc = lock = lock_pushes(
		        req, hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, &at.repo));
	if (rc >= 0)
		rc = hub_source_commit(&id, &old_tip, at.git, &spec);
	if (rc == 0) {
		char hash[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hash, sizeof hash, &id);
		record_push(req, &at,
		            spec.branch && spec.branch[0] ? spec.branch : spec.main_branch,
		            &old_tip, hash);
		const char *location = api_url(req, &at, "/commit/", hash, "");
		web_res_header(req, res, "Location",
		               arena_printf(req->arena, "%s%s", web_base_url(req), location));
		web_res_text(res, 201, "");
	}
	if (lock >= 0)
		close(lock);
	hub_source_close(&at);
	return rc;
}
