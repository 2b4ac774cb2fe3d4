/* The workspaces API (Bitbucket Cloud 2.0) and the groups API (Bitbucket 1.0) in their shapes:
 * each handler reads what it needs through team.h in one transaction, builds the JSON, and lets
 * the shared filter (BBQL q=), sort= and paging of hub_api_respond_list answer. */
#include "hub/team/team_api.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "hub/api.h"
#include "hub/hub.h"
#include "web/escape.h"
#include "hub/team/team.h"

/* What q= and sort= may name in each collection. */
static const char *const workspace_fields[] = { "slug",       "name",       "uuid", "is_private",
	                                        "created_on", "updated_on", NULL };
static const char *const membership_fields[] = {
	"permission",        "user.uuid",      "user.account_id", "user.nickname",  "user.username",
	"user.display_name", "workspace.slug", "workspace.uuid",  "workspace.name", NULL
};

/* ---- the pure parts ---- */

static bool is_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

const char *hub_api_member_key(arena *a, const char *member)
{
	bool braced = member[0] == '{' && strlen(member) == 38 && member[37] == '}';
	const char *bare = braced ? arena_strndup(a, member + 1, 36) : member;
	if (!is_uuid(bare))
		return member;
	char *key = arena_printf(a, "{%s}", bare);
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return key;
}

int hub_api_check_permission(const char *value)
{
	if (hub_level_parse(value) == HUB_LEVEL_NONE)
		return err_fail(WEFT_EINVALID, "must be read, write or admin.");
	return 0;
}

int hub_api_check_bool(const char *value)
{
	static const char *const ok[] = { "true", "false", "True", "False", "1", "0" };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(value, ok[i]) == 0)
			return 0;
	return err_fail(WEFT_EINVALID, "must be true or false.");
}

const web_param_spec hub_api_group_create_params[] = {
	{ "name", WEB_FROM_FORM, true, NULL, 0 },
	{ "permission", WEB_FROM_FORM, false, hub_api_check_permission, 0 },
	{ "auto_add", WEB_FROM_FORM, false, hub_api_check_bool, 0 },
	{ NULL, 0, false, NULL, 0 },
};

/* A field of a JSON object that may be absent or null: its value, NULL for either. */
static const json_t *optional(const json_t *body, const char *name)
{
	const json_t *v = json_object_get(body, name);
	return json_is_null(v) ? NULL : v;
}

int hub_api_group_change(const json_t *body, hub_group_change *out)
{
	*out = (hub_group_change){ .name = NULL, .permission = HUB_LEVEL_NONE, .auto_add = -1 };
	if (!body)
		return 0;
	if (!json_is_object(body))
		return err_fail(WEFT_EINVALID, "The body must be a JSON object.");
	const json_t *name = optional(body, "name"), *permission = optional(body, "permission"),
	             *auto_add = optional(body, "auto_add");
	if (name && !json_is_string(name))
		return err_fail(WEFT_EINVALID, "name must be a string.");
	if (permission && hub_level_parse(json_string_value(permission)) == HUB_LEVEL_NONE)
		return err_fail(WEFT_EINVALID, "permission must be read, write or admin.");
	if (auto_add && !json_is_boolean(auto_add))
		return err_fail(WEFT_EINVALID, "auto_add must be true or false.");
	out->name = name ? json_string_value(name) : NULL;
	out->permission =
	        permission ? hub_level_parse(json_string_value(permission)) : HUB_LEVEL_NONE;
	out->auto_add = auto_add ? json_is_true(auto_add) : -1;
	return 0;
}

/* ---- shapes ---- */

/* prefix + segment (escaped as one URL path segment) + suffix, in the request's arena. */
static const char *seg_path(web_request *req, const char *prefix, const char *segment,
                            const char *suffix)
{
	buf path = BUF_INIT;
	buf_puts(&path, prefix);
	esc_url_segment(&path, segment, strlen(segment));
	buf_puts(&path, suffix);
	const char *s = arena_strdup(req->arena, buf_cstr(&path));
	buf_dispose(&path);
	return s;
}

static json_t *workspace_links(web_request *req, const char *slug)
{
	const char *self = seg_path(req, "/2.0/workspaces/", slug, "");
	return json_pack(
	        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "self", hub_api_href(req, self), "html",
	        hub_api_href(req, seg_path(req, "/", slug, "/")), "avatar",
	        hub_api_href(req, "/static/avatar.svg"), "members",
	        hub_api_href(req, arena_printf(req->arena, "%s/members", self)), "owners",
	        hub_api_href(req, arena_printf(req->arena,
	                                       "%s/members?q=permission%%3D%%22owner%%22", self)),
	        "projects", hub_api_href(req, arena_printf(req->arena, "%s/projects", self)),
	        "repositories", hub_api_href(req, seg_path(req, "/2.0/repositories/", slug, "")),
	        "snippets", hub_api_href(req, seg_path(req, "/2.0/snippets/", slug, "")));
}

/* The workspace object; created and updated are epoch ms. */
static json_t *workspace_json(web_request *req, const hub_workspace *ws, int64_t created,
                              int64_t updated)
{
	char created_on[CLOCK_ISO_LEN], updated_on[CLOCK_ISO_LEN];
	clock_format_iso8601(created_on, created);
	clock_format_iso8601(updated_on, updated);
	/* Workspace pages are public in weft (their repositories are filtered per viewer). */
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:o}", "type", "workspace", "uuid",
	                 hub_api_braced(req, ws->uuid), "slug", ws->slug, "name", ws->name,
	                 "is_private", 0, "created_on", created_on, "updated_on", updated_on,
	                 "links", workspace_links(req, ws->slug));
}

/* A workspace_membership: u in the workspace (ws_json, whose reference is shared), with a
 * permission when the collection reports one. */
static json_t *membership_json(web_request *req, const hub_user *u, const hub_workspace *ws,
                               json_t *ws_json, const char *permission)
{
	const char *braced = hub_api_braced(req, u->uuid);
	const char *path =
	        seg_path(req, seg_path(req, "/2.0/workspaces/", ws->slug, "/members/"), braced, "");
	json_t *m = json_pack("{s:s, s:o, s:O, s:{s:o}}", "type", "workspace_membership", "user",
	                      hub_api_user(req, u), "workspace", ws_json, "links", "self",
	                      hub_api_href(req, path));
	if (permission)
		json_object_set_new(m, "permission", json_string(permission));
	return m;
}

/* The account as the 1.0 API also described it (avatar, is_team, resource_uri). */
static json_t *user_v1_json(web_request *req, const hub_user *u)
{
	json_t *o = hub_api_user(req, u);
	json_object_set_new(
	        o, "avatar",
	        json_string(arena_printf(req->arena, "%s/static/avatar.svg", web_base_url(req))));
	json_object_set_new(o, "is_team", json_false());
	json_object_set_new(o, "resource_uri",
	                    json_string(seg_path(req, "/1.0/users/", u->username, "")));
	return o;
}

/* A group's owner, the team, in the 1.0 API's account shape. */
static json_t *team_v1_json(web_request *req, const hub_workspace *ws)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s+, s:s, s:{s:o, s:o, s:o}}", "type",
	                 "team", "uuid", hub_api_braced(req, ws->uuid), "display_name", ws->name,
	                 "username", ws->slug, "nickname", ws->slug, "is_team", ws->is_team,
	                 "avatar", web_base_url(req), "/static/avatar.svg", "resource_uri",
	                 seg_path(req, "/1.0/users/", ws->slug, ""), "links", "self",
	                 hub_api_href(req, seg_path(req, "/2.0/workspaces/", ws->slug, "")), "html",
	                 hub_api_href(req, seg_path(req, "/", ws->slug, "/")), "avatar",
	                 hub_api_href(req, "/static/avatar.svg"));
}

static json_t *group_json(web_request *req, const hub_workspace *ws, const hub_group *g)
{
	json_t *members = json_array();
	for (size_t i = 0; i < g->nmembers; i++)
		json_array_append_new(members, user_v1_json(req, &g->members[i]));
	const char *self =
	        seg_path(req, seg_path(req, "/1.0/groups/", ws->slug, "/"), g->slug, "/");
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:o, s:{s:o}}", "type", "group",
	                 "name", g->name, "slug", g->slug, "full_slug",
	                 arena_printf(req->arena, "%s:%s", ws->slug, g->slug), "permission",
	                 hub_level_name(g->permission), "auto_add", g->auto_add,
	                 "email_forwarding_disabled", 0, "members", members, "owner",
	                 team_v1_json(req, ws), "links", "self", hub_api_href(req, self));
}

/* ---- reading ---- */

/* What a handler's transaction needs and what it builds for the response. */
typedef struct api_ctx {
	web_request *req;
	const hub_scope *scope; /* NULL for routes without {workspace} */
	const hub_user *me; /* the caller, for routes that need one */
	hub_member_role min_role; /* GET /2.0/workspaces?role= */
	json_t *out; /* owned; what the handler renders */
} api_ctx;

/* Sets what the handler renders (out stolen), releasing what an earlier run of a transaction that
 * was retried left there. */
static void set_out(api_ctx *ctx, json_t *out)
{
	json_decref(ctx->out);
	ctx->out = out;
}

static api_ctx ctx_of(web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	return (api_ctx){ req, hub_scope_of(req), v ? &v->user : NULL, HUB_MEMBER_ROLE_NONE, NULL };
}

static int workspace_read(db_conn *c, web_request *req, const hub_workspace *ws, json_t **out)
{
	int64_t created_at = 0, updated_at = 0;
	int rc = hub_workspace_times(c, ws, &created_at, &updated_at);
	if (rc == 0)
		*out = workspace_json(req, ws, created_at, updated_at);
	return rc;
}

static int read_workspaces(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_membership *list;
	size_t n;
	int rc = hub_team_list_for_user(c, ctx->req->arena, ctx->me->id, true, &list, &n);
	set_out(ctx, json_array());
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *ws;
		if (list[i].role < ctx->min_role)
			continue;
		rc = workspace_read(c, ctx->req, &list[i].ws, &ws);
		if (rc == 0)
			json_array_append_new(ctx->out, ws);
	}
	return rc;
}

static int read_workspace(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	json_t *ws = NULL;
	int rc = workspace_read(c, ctx->req, &ctx->scope->ws, &ws);
	set_out(ctx, ws);
	return rc;
}

/* The members of the scope's workspace (a personal workspace's user, or the team's members) as
 * memberships, with their permission when with_permission. */
static int read_members(db_conn *c, api_ctx *ctx, json_t *ws_json, bool with_permission)
{
	const hub_workspace *ws = &ctx->scope->ws;
	arena *a = ctx->req->arena;
	if (!ws->is_team) {
		hub_user owner;
		int rc = hub_account_find_id(c, a, ws->owner_id, &owner);
		if (rc == 0)
			json_array_append_new(ctx->out,
			                      membership_json(ctx->req, &owner, ws, ws_json,
			                                      with_permission ? "owner" : NULL));
		return rc;
	}
	hub_member *members;
	size_t n;
	int rc = hub_member_list(c, a, ws->id, &members, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(
		        ctx->out,
		        membership_json(ctx->req, &members[i].user, ws, ws_json,
		                        with_permission ? hub_member_role_name(members[i].role)
		                                        : NULL));
	return rc;
}

static int read_collaborators(db_conn *c, api_ctx *ctx, json_t *ws_json)
{
	int64_t *ids;
	size_t n;
	int rc = hub_member_collaborator_ids(c, ctx->req->arena, &ctx->scope->ws, &ids, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		hub_user u;
		rc = hub_account_find_id(c, ctx->req->arena, ids[i], &u);
		if (rc == 0 && u.is_active)
			json_array_append_new(ctx->out,
			                      membership_json(ctx->req, &u, &ctx->scope->ws,
			                                      ws_json, "collaborator"));
	}
	return rc;
}

static int read_membership_list(db_conn *c, api_ctx *ctx, bool with_permission)
{
	json_t *ws_json = NULL;
	int rc = workspace_read(c, ctx->req, &ctx->scope->ws, &ws_json);
	set_out(ctx, json_array());
	if (rc == 0)
		rc = read_members(c, ctx, ws_json, with_permission);
	if (rc == 0 && with_permission)
		rc = read_collaborators(c, ctx, ws_json);
	json_decref(ws_json);
	return rc;
}

static int read_members_tx(db_conn *c, void *p)
{
	return read_membership_list(c, p, false);
}

static int read_permissions_tx(db_conn *c, void *p)
{
	return read_membership_list(c, p, true);
}

/* One member of the scope's workspace by the {member} parameter. */
static int find_member(db_conn *c, api_ctx *ctx, hub_user *out)
{
	const hub_workspace *ws = &ctx->scope->ws;
	const char *member = web_param(ctx->req, "member");
	const char *key = hub_api_member_key(ctx->req->arena, member);
	int rc;
	if (ws->is_team) {
		hub_member m;
		rc = hub_member_find(c, ctx->req->arena, ws->id, key, &m);
		if (rc == 0)
			*out = m.user;
	} else {
		rc = hub_account_find_id(c, ctx->req->arena, ws->owner_id, out);
		if (rc == 0 && strcmp(key, hub_api_braced(ctx->req, out->uuid)) != 0 &&
		    strcasecmp(key, out->username) != 0)
			rc = WEFT_ENOTFOUND;
	}
	if (rc == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_ENOTFOUND, "%s is not a member of workspace %s.", member,
		              ws->slug);
	return rc;
}

static int read_member(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_user u;
	json_t *ws_json = NULL;
	int rc = find_member(c, ctx, &u);
	if (rc == 0)
		rc = workspace_read(c, ctx->req, &ctx->scope->ws, &ws_json);
	if (rc == 0)
		set_out(ctx, membership_json(ctx->req, &u, &ctx->scope->ws, ws_json, NULL));
	json_decref(ws_json);
	return rc;
}

static int read_my_permissions(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_membership *list;
	size_t n;
	int rc = hub_team_list_for_user(c, ctx->req->arena, ctx->me->id, true, &list, &n);
	set_out(ctx, json_array());
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *ws = NULL;
		rc = workspace_read(c, ctx->req, &list[i].ws, &ws);
		if (rc == 0)
			json_array_append_new(ctx->out,
			                      membership_json(ctx->req, ctx->me, &list[i].ws, ws,
			                                      hub_member_role_name(list[i].role)));
		json_decref(ws);
	}
	return rc;
}

/* ---- responding ---- */

/* Runs fn in a snapshot (or a write transaction) and leaves its JSON in ctx->out; on failure
 * ctx->out is released. */
static int run(api_ctx *ctx, db_fn fn, bool write)
{
	return hub_api_run(&ctx->out, ctx->req, fn, ctx, write);
}

/* Runs a reading fn that fills a list, and answers with its page. */
static int list(web_request *req, web_response *res, api_ctx *ctx, db_fn fn,
                const char *const *fields)
{
	int rc = run(ctx, fn, false);
	return rc < 0 ? rc : hub_api_respond_list(req, res, ctx->out, fields);
}

/* Runs fn and answers 200 with the object or array it built. */
static int one(web_response *res, api_ctx *ctx, db_fn fn, bool write)
{
	int rc = run(ctx, fn, write);
	if (rc == 0)
		web_res_json(res, 200, ctx->out);
	return rc;
}

static int parse_role(const char *role, hub_member_role *out)
{
	*out = HUB_MEMBER_ROLE_NONE;
	if (!role)
		return 0;
	if (strcmp(role, "owner") == 0)
		*out = HUB_MEMBER_ROLE_OWNER;
	else if (strcmp(role, "member") == 0)
		*out = HUB_MEMBER_ROLE_MEMBER;
	else if (strcmp(role, "collaborator") == 0)
		*out = HUB_MEMBER_ROLE_COLLABORATOR;
	else
		return err_fail(WEFT_EINVALID, "role must be owner, collaborator or member.");
	return 0;
}

int hub_api_workspaces(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	int rc = parse_role(web_query(req, "role"), &ctx.min_role);
	return rc < 0 ? rc : list(req, res, &ctx, read_workspaces, workspace_fields);
}

int hub_api_workspace(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return one(res, &ctx, read_workspace, false);
}

int hub_api_workspace_members(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return list(req, res, &ctx, read_members_tx, membership_fields);
}

int hub_api_workspace_member(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return one(res, &ctx, read_member, false);
}

int hub_api_workspace_permissions(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return list(req, res, &ctx, read_permissions_tx, membership_fields);
}

int hub_api_user_workspace_permissions(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return list(req, res, &ctx, read_my_permissions, membership_fields);
}

/* ---- groups ---- */

static int read_groups(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_group *groups;
	size_t n;
	int rc = hub_group_list(c, ctx->req->arena, ctx->scope->ws.id, &groups, &n);
	set_out(ctx, json_array());
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(ctx->out, group_json(ctx->req, &ctx->scope->ws, &groups[i]));
	return rc;
}

static int read_group(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_group g;
	int rc = hub_group_find(c, ctx->req->arena, ctx->scope->ws.id,
	                        web_param(ctx->req, "group_slug"), &g);
	if (rc == 0)
		set_out(ctx, group_json(ctx->req, &ctx->scope->ws, &g));
	return rc;
}

static int read_group_members(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_group g;
	int rc = hub_group_find(c, ctx->req->arena, ctx->scope->ws.id,
	                        web_param(ctx->req, "group_slug"), &g);
	if (rc == 0) {
		set_out(ctx, json_array());
		for (size_t i = 0; i < g.nmembers; i++)
			json_array_append_new(ctx->out, user_v1_json(ctx->req, &g.members[i]));
	}
	return rc;
}

static int create_group(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	web_request *req = ctx->req;
	const char *permission = web_pairs_get(&req->form, "permission");
	hub_group_new n = { .name = web_pairs_get(&req->form, "name"),
		            .permission =
		                    permission ? hub_level_parse(permission) : HUB_LEVEL_READ };
	hub_group g;
	int rc = web_pairs_bool(&n.auto_add, &req->form, "auto_add", false);
	if (rc == 0)
		rc = hub_group_create(c, req->arena, &ctx->scope->ws, &n, &g);
	if (rc == 0)
		set_out(ctx, group_json(req, &ctx->scope->ws, &g));
	return rc;
}

static int update_group(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	hub_group_change ch;
	hub_group g;
	int rc = hub_api_group_change(ctx->req->json, &ch);
	if (rc == 0)
		rc = hub_group_update(c, ctx->req->arena, ctx->scope->ws.id,
		                      web_param(ctx->req, "group_slug"), &ch, &g);
	if (rc == 0)
		set_out(ctx, group_json(ctx->req, &ctx->scope->ws, &g));
	return rc;
}

static int delete_group(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	return hub_group_delete(c, ctx->scope->ws.id, web_param(ctx->req, "group_slug"));
}

static int add_group_member(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	web_request *req = ctx->req;
	hub_user added;
	int rc = hub_group_add_user(c, req->arena, &ctx->scope->ws, web_param(req, "group_slug"),
	                            hub_api_member_key(req->arena, web_param(req, "member")),
	                            &added);
	if (rc == 0)
		set_out(ctx, user_v1_json(req, &added));
	return rc;
}

static int remove_group_member(db_conn *c, void *p)
{
	api_ctx *ctx = p;
	web_request *req = ctx->req;
	return hub_group_remove_user(c, ctx->scope->ws.id, web_param(req, "group_slug"),
	                             hub_api_member_key(req->arena, web_param(req, "member")));
}

/* Runs a deleting fn and answers 204 (with text/plain: http-rules.md §1). */
static int no_content(web_response *res, api_ctx *ctx, db_fn fn)
{
	int rc = run(ctx, fn, true);
	if (rc == 0)
		web_res_text(res, 204, "");
	return rc;
}

int hub_api_groups(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return one(res, &ctx, read_groups, false);
}

int hub_api_group_create(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return one(res, &ctx, create_group, true);
}

int hub_api_group(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return one(res, &ctx, read_group, false);
}

int hub_api_group_update(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return one(res, &ctx, update_group, true);
}

int hub_api_group_delete(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return no_content(res, &ctx, delete_group);
}

int hub_api_group_members(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return one(res, &ctx, read_group_members, false);
}

int hub_api_group_member_add(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return one(res, &ctx, add_group_member, true);
}

int hub_api_group_member_remove(web_request *req, web_response *res)
{
	api_ctx ctx = ctx_of(req);
	return no_content(res, &ctx, remove_group_member);
}
