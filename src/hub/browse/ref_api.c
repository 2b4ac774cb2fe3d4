/* The refs API (Bitbucket Cloud 2.0, A.6): branches and tags listed (q, sort, paging), read,
 * created from a target hash and deleted. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "hub/api.h"
#include "hub/bbql.h"
#include "hub/browse/ref_api.h"
#include "hub/browse/commit_api.h"
#include "hub/git/gitrepo.h"
#include "hub/hub.h"
#include "hub/git/push.h"
#include "hub/browse/ref.h"
#include "hub/team/team_api.h"
#include "web/escape.h"

/* What q= and sort= may name. */
static const char *const ref_fields[] = { "name",        "type",           "target.hash",
	                                  "target.date", "target.message", "target.author.raw",
	                                  NULL };

static const char *kind_word(hub_ref_kind kind)
{
	return kind == HUB_REF_TAG ? "tag" : "branch";
}

/* prefix + one escaped segment, in the request's arena. */
static const char *with_segment(web_request *req, const char *prefix, const char *segment)
{
	buf path = BUF_INIT;
	buf_puts(&path, prefix);
	esc_url_segment(&path, segment, strlen(segment));
	const char *s = arena_strdup(req->arena, buf_cstr(&path));
	buf_dispose(&path);
	return s;
}

static json_t *ref_links(web_request *req, const hub_repo *r, const hub_ref *ref)
{
	const char *api = hub_history_api_path(req, r);
	const char *web = hub_history_web_path(req, r);
	const char *self = arena_printf(req->arena, "%s/refs/%s/", api,
	                                ref->kind == HUB_REF_TAG ? "tags" : "branches");
	const char *commits = arena_printf(req->arena, "%s/commits/", api);
	const char *html = arena_printf(req->arena, "%s/commits/branch/", web);
	return json_pack("{s:o, s:o, s:o}", "self",
	                 hub_api_href(req, with_segment(req, self, ref->name)), "commits",
	                 hub_api_href(req, with_segment(req, commits, ref->name)), "html",
	                 hub_api_href(req, with_segment(req, html, ref->name)));
}

static json_t *tag_extras(web_request *req, const hub_ref *ref, json_t *out)
{
	if (!ref->annotated) {
		json_object_set_new(out, "message", json_null());
		json_object_set_new(out, "date", json_null());
		json_object_set_new(out, "tagger", json_null());
		return out;
	}
	char date[CLOCK_ISO_LEN];
	clock_format_iso8601(date, ref->tagger_time * 1000);
	const char *raw =
	        arena_printf(req->arena, "%s <%s>", ref->tagger_name ? ref->tagger_name : "",
	                     ref->tagger_email ? ref->tagger_email : "");
	json_object_set_new(out, "message", json_string(ref->message));
	json_object_set_new(out, "date", json_string(date));
	json_object_set_new(out, "tagger", json_pack("{s:s, s:s}", "type", "author", "raw", raw));
	return out;
}

/* Bitbucket's branch or tag object. */
static json_t *ref_json(web_request *req, const hub_repo *r, const hub_ref *ref,
                        const hub_user *author)
{
	json_t *out =
	        json_pack("{s:s, s:s, s:o, s:o}", "type", kind_word(ref->kind), "name", ref->name,
	                  "target", hub_history_commit_json(req, r, &ref->target, author), "links",
	                  ref_links(req, r, ref));
	if (ref->kind == HUB_REF_TAG)
		return tag_extras(req, ref, out);
	json_object_set_new(out, "merge_strategies",
	                    json_pack("[s, s, s]", "merge_commit", "squash", "fast_forward"));
	json_object_set_new(out, "default_merge_strategy", json_string("merge_commit"));
	return out;
}

static int respond_ref(web_request *req, web_response *res, int status, const hub_repo *r,
                       const hub_ref *ref)
{
	const hub_user **users = NULL;
	int rc = hub_history_authors(req, &ref->target, 1, &users);
	if (rc == 0)
		web_res_json(res, status, ref_json(req, r, ref, users[0]));
	return rc;
}

/* ---- lists ---- */

/* The fields q and sort look at, with the ref's index to build the full object of the page's
 * items only. */
static json_t *filter_item(web_request *req, const hub_ref *ref, size_t index)
{
	char date[CLOCK_ISO_LEN];
	clock_format_iso8601(date, ref->target.author_time * 1000);
	const char *raw = arena_printf(req->arena, "%s <%s>", ref->target.author_name,
	                               ref->target.author_email);
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:{s:s}}, s:I}", "name", ref->name, "type",
	                 kind_word(ref->kind), "target", "hash", ref->target.hash, "date", date,
	                 "message", ref->target.message, "author", "raw", raw, "index",
	                 (json_int_t)index);
}

static int select_refs(json_t **out, web_request *req, const hub_ref *refs, size_t n)
{
	bbql *q = NULL;
	const char *query = web_query(req, "q");
	int rc = query ? hub_bbql_parse(&q, req->arena, query, ref_fields) : 0;
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, filter_item(req, &refs[i], i));
	rc = hub_api_select(out, req->arena, items, q, web_query(req, "sort"), ref_fields);
	json_decref(items);
	return rc;
}

/* The page's refs as full objects. */
static int page_values(json_t **out, web_request *req, const hub_repo *r, const hub_ref *refs,
                       const json_t *selected, const hub_page_params *p)
{
	size_t total = json_array_size(selected), first = (size_t)((p->page - 1) * p->pagelen);
	size_t n = first < total ? total - first : 0;
	if (n > (size_t)p->pagelen)
		n = (size_t)p->pagelen;
	hub_commit *targets = arena_array(req->arena, n + 1, sizeof *targets);
	const hub_ref **chosen = arena_array(req->arena, n + 1, sizeof *chosen);
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(selected, first + i);
		chosen[i] = &refs[json_integer_value(json_object_get(item, "index"))];
		targets[i] = chosen[i]->target;
	}
	const hub_user **users = NULL;
	int rc = hub_history_authors(req, targets, n, &users);
	if (rc < 0)
		return rc;
	json_t *values = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(values, ref_json(req, r, chosen[i], users[i]));
	*out = values;
	return 0;
}

static int list_refs(web_request *req, web_response *res, unsigned kinds)
{
	hub_repo r;
	hub_page_params p;
	git_repository *git = NULL;
	hub_ref *refs = NULL;
	size_t n = 0;
	json_t *selected = NULL, *values = NULL;
	int rc = hub_api_page_params(req, &p);
	if (rc == 0)
		rc = hub_history_open(req, &r, &git);
	if (rc == 0)
		rc = hub_ref_list(&refs, &n, req->arena, git, kinds);
	if (rc == 0)
		rc = select_refs(&selected, req, refs, n);
	if (rc == 0)
		rc = page_values(&values, req, &r, refs, selected, &p);
	if (rc == 0)
		web_res_json(res, 200,
		             hub_api_envelope(req, &p, values, (int64_t)json_array_size(selected),
		                              false));
	json_decref(selected);
	hub_git_close(git);
	return rc;
}

int hub_api_refs(web_request *req, web_response *res)
{
	return list_refs(req, res, HUB_REF_BRANCH | HUB_REF_TAG);
}

int hub_api_branches(web_request *req, web_response *res)
{
	return list_refs(req, res, HUB_REF_BRANCH);
}

int hub_api_tags(web_request *req, web_response *res)
{
	return list_refs(req, res, HUB_REF_TAG);
}

/* ---- one ---- */

static int get_ref(web_request *req, web_response *res, hub_ref_kind kind)
{
	hub_repo r;
	hub_ref ref;
	git_repository *git = NULL;
	int rc = hub_history_open(req, &r, &git);
	if (rc == 0)
		rc = hub_ref_get(&ref, req->arena, git, kind, web_param(req, "name"));
	if (rc == 0)
		rc = respond_ref(req, res, 200, &r, &ref);
	hub_git_close(git);
	return rc;
}

int hub_api_branch(web_request *req, web_response *res)
{
	return get_ref(req, res, HUB_REF_BRANCH);
}

int hub_api_tag(web_request *req, web_response *res)
{
	return get_ref(req, res, HUB_REF_TAG);
}

/* ---- writes, recorded as pushes ---- */

static int lock_repo(web_request *req, const hub_repo *r)
{
	return hub_push_lock(req->arena, hub_app_of(req)->repos_dir, r);
}

typedef struct push_ctx {
	int64_t repository_id;
	int64_t actor_id;
	push_update update;
} push_ctx;

static int record(db_conn *c, void *ctx)
{
	push_ctx *pc = ctx;
	return hub_push_record(c, pc->repository_id, pc->actor_id, false, clock_now_ms(),
	                       &pc->update, 1, NULL);
}

/* Records the change like a push of that one ref. The ref changed already: a failure is
 * logged, and the reconcile job records the change later. */
static void record_push(web_request *req, const hub_repo *r, hub_ref_kind kind, const char *name,
                        const git_oid *old, const git_oid *new_id)
{
	char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(old_hex, sizeof old_hex, old);
	git_oid_tostr(new_hex, sizeof new_hex, new_id);
	const hub_viewer *v = hub_viewer_of(req);
	push_ctx pc = { r->id,
		        v ? v->user.id : 0,
		        { arena_printf(req->arena, "%s%s", hub_ref_prefix(kind), name), old_hex,
		          new_hex } };
	if (db_tx(hub_app_of(req)->d, record, &pc) < 0)
		log_error("the change of %s in repository %lld is not recorded: %s", pc.update.ref,
		          (long long)r->id, err_msg());
}

/* ---- create ---- */

typedef struct ref_body {
	const char *name;
	const char *target;
	const char *message;
} ref_body;

static int read_body(ref_body *out, const json_t *body)
{
	*out = (ref_body){ 0 };
	if (!json_is_object(body))
		return err_fail(WEFT_EINVALID,
		                "The body must be a JSON object with name and target.");
	const json_t *name = json_object_get(body, "name");
	const json_t *target = json_object_get(body, "target");
	const json_t *hash = json_is_object(target) ? json_object_get(target, "hash") : NULL;
	const json_t *message = json_object_get(body, "message");
	if (!json_is_string(name))
		return err_fail(WEFT_EINVALID, "name: This field is required.");
	if (!json_is_string(hash))
		return err_fail(WEFT_EINVALID, "target.hash: This field is required.");
	if (message && !json_is_null(message) && !json_is_string(message))
		return err_fail(WEFT_EINVALID, "message must be a string.");
	out->name = json_string_value(name);
	out->target = json_string_value(hash);
	out->message = json_is_string(message) ? json_string_value(message) : NULL;
	return 0;
}

static int create_ref(web_request *req, web_response *res, hub_ref_kind kind)
{
	hub_repo r;
	hub_ref ref;
	ref_body body;
	git_repository *git = NULL;
	const hub_viewer *v = hub_viewer_of(req);
	hub_ref_author who = { v ? v->user.display_name : "weft", v ? v->user.email : "" };
	git_oid zero = { { 0 } };
	int fd = -1;
	int rc = read_body(&body, req->json);
	if (rc == 0)
		rc = hub_history_open(req, &r, &git);
	if (rc == 0 && (fd = lock_repo(req, &r)) < 0)
		rc = fd;
	if (rc == 0)
		rc = hub_ref_create(&ref, req->arena, git, kind, body.name, body.target,
		                    kind == HUB_REF_TAG ? body.message : NULL, &who);
	if (rc == 0)
		record_push(req, &r, kind, ref.name, &zero, &ref.object);
	if (fd >= 0)
		close(fd);
	if (rc == 0) {
		json_t *links = ref_links(req, &r, &ref);
		const json_t *self = json_object_get(json_object_get(links, "self"), "href");
		web_res_header(req, res, "Location", json_string_value(self));
		json_decref(links);
		rc = respond_ref(req, res, 201, &r, &ref);
	}
	hub_git_close(git);
	return rc;
}

int hub_api_branch_create(web_request *req, web_response *res)
{
	return create_ref(req, res, HUB_REF_BRANCH);
}

int hub_api_tag_create(web_request *req, web_response *res)
{
	return create_ref(req, res, HUB_REF_TAG);
}

/* ---- delete ---- */

static int delete_ref(web_request *req, web_response *res, hub_ref_kind kind)
{
	hub_repo r;
	git_repository *git = NULL;
	git_oid old = { { 0 } }, zero = { { 0 } };
	const char *name = web_param(req, "name");
	int fd = -1;
	int rc = hub_history_open(req, &r, &git);
	if (rc == 0 && (fd = lock_repo(req, &r)) < 0)
		rc = fd;
	if (rc == 0)
		rc = hub_ref_delete(git, kind, name, r.mainbranch, &old);
	if (rc == 0)
		record_push(req, &r, kind, name, &old, &zero);
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		web_res_text(res, 204, "");
	hub_git_close(git);
	return rc;
}

int hub_api_branch_delete(web_request *req, web_response *res)
{
	return delete_ref(req, res, HUB_REF_BRANCH);
}

int hub_api_tag_delete(web_request *req, web_response *res)
{
	return delete_ref(req, res, HUB_REF_TAG);
}
