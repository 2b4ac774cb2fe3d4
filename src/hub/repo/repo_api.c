/* The repositories API: each handler runs one transaction over repo.h, builds Bitbucket's JSON,
 * and lets the shared filter (BBQL q=), sort= and paging answer lists. Old slugs are followed
 * transparently (the authorize hook resolved them). */
#include "hub/repo/repo_api.h"

#include "hub/project/project.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "hub/repo/repo_storage.h"
#include "hub/api.h"
#include "hub/bbql.h"
#include "hub/hook/repo_event.h"
#include "hub/hub.h"
#include "hub/team/team_api.h"
#include "web/escape.h"

static const char *const repository_fields[] = { "name",
	                                         "slug",
	                                         "full_name",
	                                         "uuid",
	                                         "description",
	                                         "is_private",
	                                         "created_on",
	                                         "updated_on",
	                                         "language",
	                                         "scm",
	                                         "fork_policy",
	                                         "has_issues",
	                                         "has_wiki",
	                                         "project.key",
	                                         "project.name",
	                                         "project.uuid",
	                                         "mainbranch.name",
	                                         "workspace.slug",
	                                         "owner.username",
	                                         NULL };

/* ---- shapes ---- */

/* prefix + each segment escaped as one URL path segment, joined by '/'. */
static const char *seg_path(web_request *req, const char *prefix, const char *a, const char *b,
                            const char *suffix)
{
	buf path = BUF_INIT;
	buf_puts(&path, prefix);
	esc_url_segment(&path, a, strlen(a));
	if (b) {
		buf_putc(&path, '/');
		esc_url_segment(&path, b, strlen(b));
	}
	buf_puts(&path, suffix);
	const char *s = arena_strdup(req->arena, buf_cstr(&path));
	buf_dispose(&path);
	return s;
}

static json_t *workspace_condensed(web_request *req, const hub_workspace *ws)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:o, s:o, s:o}}", "type", "workspace", "uuid",
	                 hub_api_braced(req, ws->uuid), "slug", ws->slug, "name", ws->name, "links",
	                 "self",
	                 hub_api_href(req, seg_path(req, "/2.0/workspaces/", ws->slug, NULL, "")),
	                 "html", hub_api_href(req, seg_path(req, "/", ws->slug, NULL, "/")),
	                 "avatar", hub_api_href(req, "/static/avatar.svg"));
}

/* The owner: the user of a personal workspace, or the team as an account. */
static int owner_json(db_conn *c, web_request *req, const hub_workspace *ws, json_t **out)
{
	if (!ws->is_team) {
		hub_user u;
		int rc = hub_account_find_id(c, req->arena, ws->owner_id, &u);
		if (rc == 0)
			*out = hub_api_user(req, &u);
		return rc;
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:o, s:o, s:o}}", "type", "team", "uuid",
	                 hub_api_braced(req, ws->uuid), "display_name", ws->name, "username",
	                 ws->slug, "nickname", ws->slug, "links", "self",
	                 hub_api_href(req, seg_path(req, "/2.0/workspaces/", ws->slug, NULL, "")),
	                 "html", hub_api_href(req, seg_path(req, "/", ws->slug, NULL, "/")),
	                 "avatar", hub_api_href(req, "/static/avatar.svg"));
	return 0;
}

static json_t *project_condensed(web_request *req, const hub_workspace *ws, const hub_project *p)
{
	const char *path =
	        seg_path(req, seg_path(req, "/2.0/workspaces/", ws->slug, NULL, "/projects/"),
	                 p->key, NULL, "");
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:o, s:o, s:o}}", "type", "project", "key",
	                 p->key, "uuid", hub_api_braced(req, p->uuid), "name", p->name, "links",
	                 "self", hub_api_href(req, path), "html",
	                 hub_api_href(req, seg_path(req, "/", ws->slug, NULL, "/projects")),
	                 "avatar", hub_api_href(req, "/static/avatar.svg"));
}

static json_t *repository_links(web_request *req, const hub_repo *r)
{
	const char *self = seg_path(req, "/2.0/repositories/", r->workspace_slug, r->slug, "");
	const char *html = seg_path(req, "/", r->workspace_slug, r->slug, "");
	json_t *links = json_object();
	json_object_set_new(links, "self", hub_api_href(req, self));
	json_object_set_new(links, "html", hub_api_href(req, html));
	json_object_set_new(links, "avatar", hub_api_href(req, "/static/avatar.svg"));
	static const char *const subs[] = { "pullrequests", "commits", "forks",    "watchers",
		                            "downloads",    "hooks",   "branches", "tags" };
	static const char *const paths[] = { "/pullrequests",  "/commits",   "/forks",
		                             "/watchers",      "/downloads", "/hooks",
		                             "/refs/branches", "/refs/tags" };
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		json_object_set_new(
		        links, subs[i],
		        hub_api_href(req, arena_printf(req->arena, "%s%s", self, paths[i])));
	json_object_set_new(links, "clone",
	                    json_pack("[{s:s, s:s+}]", "name", "https", "href", web_base_url(req),
	                              arena_printf(req->arena, "%s.git", html)));
	return links;
}

int hub_api_repository_json(db_conn *c, web_request *req, const hub_repo *r, json_t **out)
{
	hub_workspace ws;
	hub_project p;
	json_t *owner = NULL;
	char created[CLOCK_ISO_LEN], updated[CLOCK_ISO_LEN];
	clock_format_iso8601(created, r->created_at);
	clock_format_iso8601(updated, r->updated_at);
	int rc = hub_workspace_find(c, req->arena, r->workspace_slug, &ws);
	if (rc == 0)
		rc = owner_json(c, req, &ws, &owner);
	if (rc == 0 && r->project_id)
		rc = hub_project_get(c, req->arena, r->project_id, &p);
	if (rc < 0)
		return rc;
	json_t *o = json_pack(
	        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:b, s:b, s:s, s:s, s:s,"
	        " s:{s:s, s:s}, s:o, s:o, s:o}",
	        "type", "repository", "uuid", hub_api_braced(req, r->uuid), "name", r->name,
	        "full_name", arena_printf(req->arena, "%s/%s", r->workspace_slug, r->slug), "slug",
	        r->slug, "description", r->description, "scm", "git", "is_private", r->is_private,
	        "fork_policy", r->fork_policy, "has_issues", r->has_issues, "has_wiki", r->has_wiki,
	        "language", r->language, "created_on", created, "updated_on", updated, "mainbranch",
	        "type", "branch", "name", r->mainbranch, "owner", owner, "workspace",
	        workspace_condensed(req, &ws), "links", repository_links(req, r));
	json_object_set_new(o, "project",
	                    r->project_id ? project_condensed(req, &ws, &p) : json_null());
	json_object_set_new(
	        o, "size",
	        json_integer(hub_repo_disk_size(req->arena, hub_app_of(req)->repos_dir, r)));
	*out = o;
	return 0;
}

/* ---- lists ---- */

typedef struct api_ctx {
	web_request *req;
	hub_scope *scope;
	const hub_user *me;
	hub_level min_level; /* ?role= */
	bool owner_only;
	const char *after; /* ?after= */
	json_t *out; /* owned */
	int status;
	hub_repo repo; /* what a write changed (for the trash and Location) */
	const char *made_path; /* a folder a PUT that creates made */
} api_ctx;

static void set_out(api_ctx *ctx, json_t *out)
{
	json_decref(ctx->out);
	ctx->out = out;
}

static api_ctx ctx_of(web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	return (api_ctx){ .req = req, .scope = hub_scope_of(req), .me = v ? &v->user : NULL };
}

static int parse_role(const char *role, api_ctx *ctx)
{
	if (!role)
		return 0;
	if (strcmp(role, "member") == 0)
		ctx->min_level = HUB_LEVEL_READ;
	else if (strcmp(role, "contributor") == 0)
		ctx->min_level = HUB_LEVEL_WRITE;
	else if (strcmp(role, "admin") == 0)
		ctx->min_level = HUB_LEVEL_ADMIN;
	else if (strcmp(role, "owner") == 0)
		ctx->owner_only = true;
	else
		return err_fail(WEFT_EINVALID, "role must be member, contributor, admin or owner.");
	/* A role is about the caller's own grants: public read does not make anyone a member. */
	if (!ctx->me)
		return err_fail(WEFT_EAUTH, "role= needs you to sign in.");
	return 0;
}

/* Whether the caller's level on r satisfies the request's role. */
static int visible(db_conn *c, api_ctx *ctx, const hub_workspace *ws, const hub_repo *r, bool *out)
{
	hub_level level = HUB_LEVEL_NONE, on_ws = HUB_LEVEL_NONE;
	int rc = hub_perm_repository(c, ctx->me, ws, r->id, r->is_private, &level);
	if (rc == 0 && ctx->owner_only)
		rc = hub_perm_workspace(c, ctx->me, ws, &on_ws);
	bool granted = level >= HUB_LEVEL_READ;
	/* With a role, public read alone is not membership: the caller needs a grant. */
	if (granted && ctx->min_level > HUB_LEVEL_NONE && !r->is_private && level == HUB_LEVEL_READ)
		rc = rc < 0 ? rc : hub_perm_repository(c, ctx->me, ws, r->id, true, &level);
	*out = level >= HUB_LEVEL_READ && level >= ctx->min_level &&
	       (!ctx->owner_only || on_ws == HUB_LEVEL_ADMIN);
	return rc;
}

static int read_repositories(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_repo *list;
	size_t n;
	int rc = hub_repo_list(c, ctx->req->arena, &ctx->scope->ws, &list, &n);
	set_out(ctx, json_array());
	for (size_t i = 0; rc == 0 && i < n; i++) {
		bool ok = false;
		json_t *o = NULL;
		rc = visible(c, ctx, &ctx->scope->ws, &list[i], &ok);
		if (rc == 0 && ok)
			rc = hub_api_repository_json(c, ctx->req, &list[i], &o);
		if (o)
			json_array_append_new(ctx->out, o);
	}
	return rc;
}

static int read_public(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_repo *list;
	size_t n;
	int rc = hub_repo_list(c, ctx->req->arena, NULL, &list, &n);
	set_out(ctx, json_array());
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *o = NULL;
		char created[CLOCK_ISO_LEN];
		clock_format_iso8601(created, list[i].created_at);
		if (ctx->after && strcmp(created, ctx->after) < 0)
			continue;
		rc = hub_api_repository_json(c, ctx->req, &list[i], &o);
		if (o)
			json_array_append_new(ctx->out, o);
	}
	return rc;
}

static int run(api_ctx *ctx, db_fn fn, bool write)
{
	return hub_api_run(&ctx->out, ctx->req, fn, ctx, write);
}

int hub_api_repositories(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	int rc = parse_role(web_query(req, "role"), &ctx);
	if (rc == 0)
		rc = run(&ctx, read_repositories, false);
	return rc < 0 ? rc : hub_api_respond_list(req, res, ctx.out, repository_fields);
}

int hub_api_public_repositories(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	ctx.after = web_query(req, "after");
	int rc = parse_role(web_query(req, "role"), &ctx);
	if (rc == 0)
		rc = run(&ctx, read_public, false);
	return rc < 0 ? rc : hub_api_respond_list(req, res, ctx.out, repository_fields);
}

/* ---- one repository ---- */

static int read_one(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	json_t *o = NULL;
	int rc = hub_repo_get(c, ctx->req->arena, ctx->scope->repository_id, &ctx->repo);
	if (rc == 0)
		rc = hub_api_repository_json(c, ctx->req, &ctx->repo, &o);
	set_out(ctx, o);
	return rc;
}

int hub_api_repository(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	int rc = run(&ctx, read_one, false);
	if (rc == 0)
		web_res_json(res, 200, ctx.out);
	return rc;
}

/* A field of a JSON object that may be absent or null. */
static const json_t *optional(const json_t *body, const char *name)
{
	const json_t *v = json_object_get(body, name);
	return json_is_null(v) ? NULL : v;
}

static int string_field(const json_t *body, const char *name, const char **out)
{
	const json_t *v = optional(body, name);
	if (v && !json_is_string(v))
		return err_fail(WEFT_EINVALID, "%s must be a string.", name);
	*out = v ? json_string_value(v) : NULL;
	return 0;
}

static int bool_field(const json_t *body, const char *name, int *out)
{
	const json_t *v = optional(body, name);
	if (v && !json_is_boolean(v))
		return err_fail(WEFT_EINVALID, "%s must be true or false.", name);
	*out = v ? json_is_true(v) : -1;
	return 0;
}

/* mainbranch: {"name": "…"} (Bitbucket's shape) or a plain string. */
static int branch_field(const json_t *body, const char **out)
{
	const json_t *v = optional(body, "mainbranch");
	if (json_is_object(v))
		v = optional(v, "name");
	if (v && !json_is_string(v))
		return err_fail(WEFT_EINVALID, "mainbranch must be {\"name\": \"…\"}.");
	*out = v ? json_string_value(v) : NULL;
	return 0;
}

/* project: {"key": "…"} or {"uuid": "{…}"}. */
static int project_field(const json_t *body, const char **out)
{
	const json_t *v = optional(body, "project");
	*out = NULL;
	if (!v)
		return 0;
	const json_t *key = json_is_object(v) ? optional(v, "key") : NULL;
	const json_t *uuid = json_is_object(v) ? optional(v, "uuid") : NULL;
	const json_t *ref = key ? key : uuid;
	if (!json_is_string(ref))
		return err_fail(WEFT_EINVALID,
		                "project must be {\"key\": \"…\"} or {\"uuid\": \"…\"}.");
	*out = json_string_value(ref);
	return 0;
}

/* The fields of a create or update body, as a change (the create reads it into a new). */
static int read_body(const json_t *body, hub_repo_change *ch, const char **project_ref)
{
	*ch = (hub_repo_change){ .is_private = -1, .has_issues = -1, .has_wiki = -1 };
	*project_ref = NULL;
	if (!body)
		return 0;
	if (!json_is_object(body))
		return err_fail(WEFT_EINVALID, "The body must be a JSON object.");
	const json_t *scm = optional(body, "scm");
	if (scm && !(json_is_string(scm) && strcmp(json_string_value(scm), "git") == 0))
		return err_fail(WEFT_EINVALID, "scm must be git.");
	int rc = string_field(body, "name", &ch->name);
	if (rc == 0)
		rc = string_field(body, "description", &ch->description);
	if (rc == 0)
		rc = string_field(body, "fork_policy", &ch->fork_policy);
	if (rc == 0)
		rc = string_field(body, "language", &ch->language);
	if (rc == 0)
		rc = bool_field(body, "is_private", &ch->is_private);
	if (rc == 0)
		rc = bool_field(body, "has_issues", &ch->has_issues);
	if (rc == 0)
		rc = bool_field(body, "has_wiki", &ch->has_wiki);
	if (rc == 0)
		rc = branch_field(body, &ch->mainbranch);
	if (rc == 0)
		rc = project_field(body, project_ref);
	return rc;
}

static hub_repo_dirs dirs_of(web_request *req)
{
	const hub_app *app = hub_app_of(req);
	return (hub_repo_dirs){ app->repos_dir, app->trash_dir, app->weft_path };
}

static void remove_made(api_ctx *ctx)
{
	if (ctx->made_path)
		hub_repo_storage_remove_tree(ctx->made_path);
	ctx->made_path = NULL;
}

/* Creates the repository the path names from the body (in c's transaction). */
static int create_from_body(db_conn *c, api_ctx *ctx)
{
	hub_repo_change ch;
	const char *project_ref;
	const char *slug = web_param(ctx->req, "repo_slug");
	int rc = read_body(ctx->req->json, &ch, &project_ref);
	if (rc < 0)
		return rc;
	hub_repo_new n = { .name = ch.name ? ch.name : slug,
		           .slug = slug,
		           .description = ch.description,
		           .is_private = ch.is_private != 0,
		           .project_ref = project_ref,
		           .mainbranch = ch.mainbranch,
		           .fork_policy = ch.fork_policy,
		           .language = ch.language,
		           .has_issues = ch.has_issues > 0,
		           .has_wiki = ch.has_wiki > 0 };
	hub_repo_dirs dirs = dirs_of(ctx->req);
	json_t *o = NULL;
	remove_made(ctx);
	rc = hub_repo_create_in(c, ctx->req->arena, &dirs, ctx->me, &ctx->scope->ws, &n, &ctx->repo,
	                        &ctx->made_path);
	if (rc == 0)
		rc = hub_api_repository_json(c, ctx->req, &ctx->repo, &o);
	set_out(ctx, o);
	return rc;
}

static int create_tx(db_conn *c, void *p)
{
	return create_from_body(c, p);
}

/* Runs a transaction that may make a folder, removing it when the transaction failed. */
static int run_creating(api_ctx *ctx, db_fn fn)
{
	int rc = run(ctx, fn, true);
	if (rc < 0 && ctx->made_path) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", err_msg());
		remove_made(ctx);
		err_set("%s", msg);
	}
	return rc;
}

int hub_api_repository_create(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	int rc = hub_repo_check_slug(web_param(req, "repo_slug"));
	if (rc == 0)
		rc = run_creating(&ctx, create_tx);
	if (rc == 0)
		web_res_json(res, 200, ctx.out);
	return rc;
}

/* PUT on an existing repository: the caller needs admin on it. hub_authorize checked that
 * already (creating_put_permission); checked again here, in the same transaction as the
 * change, since the repository found may differ from the one checked (a rename meanwhile). */
static int update_existing(db_conn *c, api_ctx *ctx, hub_repo *r)
{
	hub_repo_change ch;
	const char *project_ref;
	hub_level level = HUB_LEVEL_NONE;
	hub_workspace ws; /* the repository's own: an old slug may lead out of the path's */
	json_t *o = NULL;
	int rc = hub_workspace_find(c, ctx->req->arena, r->workspace_slug, &ws);
	if (rc == 0)
		rc = hub_perm_repository(c, ctx->me, &ws, r->id, r->is_private, &level);
	if (rc == 0 && level < HUB_LEVEL_READ)
		rc = err_fail(WEFT_ENOTFOUND, "Repository not found");
	if (rc == 0 && level < HUB_LEVEL_ADMIN)
		rc = err_fail(WEFT_EPERM, "You need admin permission on this repository.");
	if (rc == 0)
		rc = read_body(ctx->req->json, &ch, &project_ref);
	if (rc == 0 && project_ref) {
		hub_project p;
		rc = hub_project_find(c, ctx->req->arena, r->workspace_id, project_ref, &p);
		ch.project_id = p.id;
	}
	if (rc == 0)
		rc = hub_repo_update(c, ctx->req->arena, hub_app_of(ctx->req)->repos_dir,
		                     ctx->me->id, r, &ch, &ctx->repo);
	if (rc == 0)
		rc = hub_repo_event_updated(c, ctx->req->arena, ctx->me->id, r, &ctx->repo);
	if (rc == 0)
		rc = hub_api_repository_json(c, ctx->req, &ctx->repo, &o);
	set_out(ctx, o);
	ctx->status = 200;
	return rc;
}

static int put_tx(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_repo r;
	int rc = hub_repo_find(c, ctx->req->arena, &ctx->scope->ws,
	                       web_param(ctx->req, "repo_slug"), &r, NULL);
	if (rc == 0)
		return update_existing(c, ctx, &r);
	if (rc != WEFT_ENOTFOUND)
		return rc;
	ctx->status = 201;
	rc = hub_repo_check_slug(web_param(ctx->req, "repo_slug"));
	return rc < 0 ? rc : create_from_body(c, ctx);
}

int hub_api_repository_update(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	int rc = run_creating(&ctx, put_tx);
	if (rc < 0)
		return rc;
	if (strcmp(ctx.repo.slug, web_param(req, "repo_slug")) != 0 || ctx.status == 201)
		web_res_header(req, res, "Location",
		               arena_printf(req->arena, "%s%s", web_base_url(req),
		                            seg_path(req, "/2.0/repositories/",
		                                     ctx.repo.workspace_slug, ctx.repo.slug, "")));
	web_res_json(res, ctx.status, ctx.out);
	return 0;
}

static int delete_tx(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	int64_t actor = ctx->me ? ctx->me->id : 0;
	int rc = hub_repo_get(c, ctx->req->arena, ctx->scope->repository_id, &ctx->repo);
	if (rc == 0) /* the event first, while the row is there to describe */
		rc = hub_repo_event_deleted(c, ctx->req->arena, actor, &ctx->repo);
	return rc < 0 ? rc : hub_repo_delete(c, actor, &ctx->repo);
}

/* Bitbucket's ?redirect_to=URL is accepted and ignored. There it only shows a "moved" note in
 * its UI (a GET still answers 404); here, answering 301 from the old address would let any
 * repository administrator turn weft's URLs into redirects to any site (an open redirect), and
 * a tombstone would block the slug's reuse. Renames and transfers redirect already. */
int hub_api_repository_delete(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	int rc = run(&ctx, delete_tx, true);
	if (rc < 0)
		return rc;
	hub_repo_dirs dirs = dirs_of(req);
	/* The row is gone: a folder that cannot be moved is logged, not the caller's failure. */
	if (hub_repo_trash(req->arena, &dirs, &ctx.repo) < 0)
		log_error("repository %s: cannot move it to the trash: %s", ctx.repo.uuid,
		          err_msg());
	web_res_text(res, 204, "");
	return 0;
}
