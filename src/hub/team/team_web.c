/* The pages of teams: your teams and creating one, a workspace's overview, team settings
 * (details, members, user groups, invitations), and following an invitation link. Each form
 * that is refused is shown again with the reason and what was typed; nothing changed. */
#include "hub/team/team_web.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "hub/form.h"
#include "hub/hub.h"
#include "hub/team/group.h"
#include "hub/team/invitation.h"
#include "hub/team/plan.h"
#include "hub/team/team.h"
#include "hub/project/project.h"
#include "web/status.h"

/* ---- helpers ---- */

static int check_id(const char *value)
{
	int64_t id;
	return str_to_i64(&id, value, 1, INT64_MAX, "id");
}

const web_param_spec hub_team_id_params[] = {
	{ "id", WEB_FROM_PATH, true, check_id, 0 },
	{ NULL, WEB_FROM_PATH, false, NULL, 0 },
};

/* The message behind ?notice=…: fixed texts only, so that a link cannot put words on a page. */
static json_t *notice(web_request *req)
{
	static const char *const notices[][2] = {
		{ "created", "Team created." },
		{ "renamed", "Team renamed." },
		{ "removed", "Member removed." },
		{ "group_created", "Group created." },
		{ "saved", "Group saved." },
		{ "group_deleted", "Group deleted." },
		{ "added", "Member added." },
		{ "invited", "Invitation sent." },
		{ "revoked", "Invitation revoked." },
		{ "resent", "Invitation sent again." },
		{ "joined", "Welcome: you joined the team." },
		{ "deleted", "Team deleted." },
	};
	const char *code = web_query(req, "notice");
	for (size_t i = 0; code && i < sizeof notices / sizeof notices[0]; i++)
		if (strcmp(code, notices[i][0]) == 0)
			return json_string(notices[i][1]);
	return json_null();
}

/* One upper-case letter or digit for an avatar: the first one in text. */
static json_t *initial(const char *text)
{
	char letter[2] = "?";
	for (const char *p = text; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9')) {
			letter[0] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
			break;
		}
	return json_string(letter);
}

static json_t *ws_json(const hub_workspace *ws)
{
	return json_pack("{s:s, s:s, s:o, s:b}", "slug", ws->slug, "name", ws->name, "initial",
	                 initial(ws->name), "is_team", ws->is_team);
}

static json_t *user_json(const hub_user *u)
{
	return json_pack("{s:s, s:s, s:o}", "username", u->username, "display_name",
	                 u->display_name, "initial", initial(u->display_name));
}

static json_t *date_json(int64_t epoch_ms)
{
	char text[CLOCK_ISO_LEN];
	clock_format_iso8601(text, epoch_ms);
	text[10] = '\0'; /* the day is enough on these pages */
	return json_string(text);
}

/* The permission choices of a group form, with selected marked. */
static json_t *levels_json(hub_level selected)
{
	json_t *levels = json_array();
	for (hub_level l = HUB_LEVEL_READ; l <= HUB_LEVEL_ADMIN; l++)
		json_array_append_new(levels, json_pack("{s:s, s:b}", "value", hub_level_name(l),
		                                        "selected", l == selected));
	return levels;
}

/* Sets "has_NAME" on out, for templates that show a list only when it has items. */
static void set_list(json_t *out, const char *name, json_t *list)
{
	char has[64];
	snprintf(has, sizeof has, "has_%s", name);
	json_object_set_new(out, has, json_boolean(json_array_size(list) > 0));
	json_object_set_new(out, name, list);
}

/* What a page's loader fills; a loader may run more than once (db_read retries), so it starts
 * from a fresh object each time. */
typedef struct load_ctx {
	web_request *req;
	json_t *out;
	const char *name; /* the group's slug, or the invitation's token */
} load_ctx;

static json_t *fresh(load_ctx *lc)
{
	json_decref(lc->out);
	lc->out = json_object();
	return lc->out;
}

/* Loads a page's data with load, adds the refusal, what was typed (form, stolen) and the notice,
 * and renders it. */
static int render(web_request *req, web_response *res, int status, const char *page,
                  const char *title, db_fn load, load_ctx *lc, const char *error, json_t *form)
{
	int rc = db_read(hub_app_of(req)->d, load, lc);
	if (rc < 0) {
		json_decref(lc->out);
		json_decref(form);
		return rc;
	}
	json_object_set_new(lc->out, "error", error ? json_string(error) : json_null());
	json_object_set_new(lc->out, "form", form ? form : json_object());
	json_object_set_new(lc->out, "notice", notice(req));
	return hub_page(req, res, status, page, title, lc->out);
}

static const char *copy_error(web_request *req)
{
	return arena_strdup(req->arena, err_msg());
}

static const hub_workspace *scope_ws(web_request *req)
{
	return &hub_scope_of(req)->ws;
}

static const hub_user *viewer_user(web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	return v ? &v->user : NULL;
}

/* What every change of a form runs in its transaction with. */
typedef struct form_ctx {
	web_request *req;
	const char *a, *b; /* the handler's fields */
	hub_level level;
	int flag;
	int64_t id;
	hub_member_add_result added;
	hub_workspace created;
} form_ctx;

/* Runs fn in one transaction. */
static int change(web_request *req, db_fn fn, form_ctx *fc)
{
	fc->req = req;
	return db_tx(hub_app_of(req)->d, fn, fc);
}

/* ---- /teams ---- */

static int load_teams(db_conn *c, void *ctx)
{
	load_ctx *lc = ctx;
	json_t *teams = json_array();
	fresh(lc);
	hub_membership *m;
	size_t n;
	int rc = hub_team_list_for_user(c, lc->req->arena, viewer_user(lc->req)->id, false, &m, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (!m[i].ws.is_team || m[i].role < HUB_MEMBER_ROLE_MEMBER)
			continue;
		json_t *t = ws_json(&m[i].ws);
		json_object_set_new(t, "is_admin",
		                    json_boolean(m[i].role == HUB_MEMBER_ROLE_OWNER));
		json_array_append_new(teams, t);
	}
	set_list(lc->out, "teams", teams);
	return rc;
}

int hub_teams_page(web_request *req, web_response *res)
{
	load_ctx lc = { req, NULL, NULL };
	return render(req, res, 200, "hub/team_list", "Teams", load_teams, &lc, NULL, NULL);
}

static int load_nothing(db_conn *c, void *ctx)
{
	(void)c;
	fresh(ctx);
	return 0;
}

static int new_team_form(web_request *req, web_response *res, int status, const char *error)
{
	load_ctx lc = { req, NULL, NULL };
	json_t *form =
	        json_pack("{s:s, s:s, s:s}", "name", hub_form_text(req, "name"), "id",
	                  hub_form_text(req, "id"), "members", hub_form_text(req, "members"));
	return render(req, res, status, "hub/team_new", "Create a team", load_nothing, &lc, error,
	              form);
}

int hub_team_new_page(web_request *req, web_response *res)
{
	return new_team_form(req, res, 200, NULL);
}

/* The members field: usernames or addresses separated by commas, semicolons or blanks. */
static const char *const *split_members(web_request *req, const char *text, size_t *n)
{
	const char *seps = ",; \t\r\n";
	size_t cap = strlen(text) / 2 + 1, count = 0;
	const char **items = arena_array(req->arena, cap, sizeof *items);
	for (const char *p = text; *p;) {
		p += strspn(p, seps);
		size_t len = strcspn(p, seps);
		if (len)
			items[count++] = arena_strndup(req->arena, p, len);
		p += len;
	}
	*n = count;
	return items;
}

static int create_team(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	web_request *req = fc->req;
	hub_team_new n = { fc->a, fc->b, NULL, 0, web_base_url(req) };
	n.members = split_members(req, hub_form_text(req, "members"), &n.nmembers);
	return hub_team_create(c, req->arena, viewer_user(req), &n, &fc->created);
}

int hub_team_create_submit(web_request *req, web_response *res)
{
	form_ctx fc = { .a = hub_form_text(req, "id"), .b = hub_form_text(req, "name") };
	int rc = change(req, create_team, &fc);
	if (hub_form_refusal(rc))
		return new_team_form(req, res, web_status_for_error(rc), copy_error(req));
	if (rc < 0)
		return rc;
	return hub_form_redirect(req, res,
	                         arena_printf(req->arena, "/%s?notice=created", fc.created.slug));
}

/* ---- /{workspace} ---- */

static int add_repositories(db_conn *c, load_ctx *lc, const hub_workspace *ws)
{
	hub_team_repository *r;
	size_t n;
	int rc = hub_team_visible_repositories(c, lc->req->arena, viewer_user(lc->req), ws, &r, &n);
	json_t *repos = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(repos,
		                      json_pack("{s:s, s:s, s:s, s:b}", "slug", r[i].slug, "name",
		                                r[i].name, "description", r[i].description,
		                                "is_private", r[i].is_private));
	set_list(lc->out, "repositories", repos);
	return rc;
}

static int add_members(db_conn *c, load_ctx *lc, int64_t workspace_id)
{
	hub_member *m;
	size_t n;
	int rc = hub_member_list(c, lc->req->arena, workspace_id, &m, &n);
	json_t *members = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *u = user_json(&m[i].user);
		json_object_set_new(u, "is_admin",
		                    json_boolean(m[i].role == HUB_MEMBER_ROLE_OWNER));
		json_array_append_new(members, u);
	}
	json_object_set_new(lc->out, "members", members);
	json_object_set_new(lc->out, "member_count", json_integer((json_int_t)n));
	return rc;
}

static int add_owner(db_conn *c, load_ctx *lc, const hub_workspace *ws)
{
	hub_user owner;
	int rc = hub_account_find_id(c, lc->req->arena, ws->owner_id, &owner);
	if (rc == 0) {
		json_t *o = user_json(&owner);
		json_object_set_new(o, "since", date_json(owner.created_at));
		json_object_set_new(lc->out, "owner", o);
	}
	return rc;
}

/* The projects of ws, for its members (repositories list themselves by permission). */
static int add_projects(db_conn *c, load_ctx *lc, const hub_workspace *ws)
{
	hub_project *p;
	size_t n;
	int rc = hub_project_list(c, lc->req->arena, ws->id, &p, &n);
	json_t *projects = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(projects,
		                      json_pack("{s:s, s:s, s:s}", "key", p[i].key, "name",
		                                p[i].name, "description", p[i].description));
	set_list(lc->out, "projects", projects);
	return rc;
}

static int load_workspace(db_conn *c, void *ctx)
{
	load_ctx *lc = ctx;
	const hub_scope *s = hub_scope_of(lc->req);
	json_t *out = fresh(lc);
	json_object_set_new(out, "ws", ws_json(&s->ws));
	json_object_set_new(out, "is_admin", json_boolean(s->level == HUB_LEVEL_ADMIN));
	json_object_set_new(out, "is_member", json_boolean(s->level >= HUB_LEVEL_READ));
	int rc = add_repositories(c, lc, &s->ws);
	if (rc == 0 && s->ws.is_team && s->level >= HUB_LEVEL_READ)
		rc = add_members(c, lc, s->ws.id);
	if (rc == 0 && s->level >= HUB_LEVEL_READ)
		rc = add_projects(c, lc, &s->ws);
	if (rc == 0 && !s->ws.is_team)
		rc = add_owner(c, lc, &s->ws);
	return rc;
}

int hub_workspace_page(web_request *req, web_response *res)
{
	load_ctx lc = { req, NULL, NULL };
	return render(req, res, 200, "hub/team_overview", scope_ws(req)->name, load_workspace, &lc,
	              NULL, NULL);
}

/* ---- /{workspace}/settings ---- */

static json_t *limit_json(int64_t limit)
{
	if (limit == PLAN_UNLIMITED)
		return json_string("unlimited");
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)limit);
	return json_string(text);
}

static int add_plan(db_conn *c, load_ctx *lc, int64_t workspace_id)
{
	hub_plan p;
	int64_t members = 0, repos = 0;
	int rc = hub_plan_of(c, lc->req->arena, workspace_id, &p);
	if (rc == WEFT_ENOTFOUND)
		p = (hub_plan){ .name = "none (no limits)",
			        .max_members = PLAN_UNLIMITED,
			        .max_private_repositories = PLAN_UNLIMITED };
	else if (rc < 0)
		return rc;
	rc = hub_plan_usage(c, workspace_id, &members, &repos);
	json_object_set_new(lc->out, "plan",
	                    json_pack("{s:s, s:o, s:o, s:I, s:I}", "name", p.name, "max_members",
	                              limit_json(p.max_members), "max_private",
	                              limit_json(p.max_private_repositories), "members",
	                              (json_int_t)members, "private", (json_int_t)repos));
	return rc;
}

static int load_settings(db_conn *c, void *ctx)
{
	load_ctx *lc = ctx;
	const hub_workspace *ws = scope_ws(lc->req);
	json_object_set_new(fresh(lc), "ws", ws_json(ws));
	json_object_set_new(lc->out, "tab_details", json_true());
	int rc = add_members(c, lc, ws->id);
	if (rc == 0)
		rc = add_plan(c, lc, ws->id);
	return rc;
}

static int settings_form(web_request *req, web_response *res, int rc, json_t *form)
{
	load_ctx lc = { req, NULL, NULL };
	const char *error = rc < 0 ? copy_error(req) : NULL;
	return render(req, res, rc < 0 ? web_status_for_error(rc) : 200, "hub/team_settings",
	              arena_printf(req->arena, "%s: settings", scope_ws(req)->name), load_settings,
	              &lc, error, form);
}

int hub_team_settings_page(web_request *req, web_response *res)
{
	if (!scope_ws(req)->is_team)
		return err_fail(WEFT_ENOTFOUND, "A personal workspace has no team settings.");
	return settings_form(req, res, 0, json_pack("{s:s}", "name", scope_ws(req)->name));
}

static int rename_team(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	return hub_team_rename(c, scope_ws(fc->req), fc->a);
}

int hub_team_rename_submit(web_request *req, web_response *res)
{
	form_ctx fc = { .a = hub_form_text(req, "name") };
	int rc = change(req, rename_team, &fc);
	if (hub_form_refusal(rc))
		return settings_form(req, res, rc, json_pack("{s:s}", "name", fc.a));
	if (rc < 0)
		return rc;
	return hub_form_redirect(
	        req, res,
	        arena_printf(req->arena, "/%s/settings?notice=renamed", scope_ws(req)->slug));
}

static int delete_team(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	const hub_workspace *ws = scope_ws(fc->req);
	if (strcmp(fc->a, ws->slug) != 0)
		return err_fail(WEFT_EINVALID, "Confirm: type the team ID %s to delete the team.",
		                ws->slug);
	return hub_team_delete(c, ws);
}

int hub_team_delete_submit(web_request *req, web_response *res)
{
	form_ctx fc = { .a = hub_form_text(req, "confirm") };
	int rc = change(req, delete_team, &fc);
	if (hub_form_refusal(rc))
		return settings_form(
		        req, res, rc,
		        json_pack("{s:s, s:s}", "name", scope_ws(req)->name, "confirm", fc.a));
	if (rc < 0)
		return rc;
	return hub_form_redirect(req, res, "/teams?notice=deleted");
}

static int remove_member(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	hub_member m;
	int rc = hub_member_find(c, fc->req->arena, scope_ws(fc->req)->id, fc->a, &m);
	return rc < 0 ? rc : hub_member_remove(c, scope_ws(fc->req), m.user.id);
}

int hub_team_member_remove_submit(web_request *req, web_response *res)
{
	form_ctx fc = { .a = web_param(req, "username") };
	int rc = change(req, remove_member, &fc);
	if (hub_form_refusal(rc))
		return settings_form(req, res, rc, json_pack("{s:s}", "name", scope_ws(req)->name));
	if (rc < 0)
		return rc;
	return hub_form_redirect(
	        req, res,
	        arena_printf(req->arena, "/%s/settings?notice=removed", scope_ws(req)->slug));
}

/* ---- /{workspace}/settings/groups ---- */

static json_t *group_json(const hub_group *g)
{
	json_t *members = json_array();
	for (size_t i = 0; i < g->nmembers; i++)
		json_array_append_new(members, user_json(&g->members[i]));
	json_t *out = json_pack("{s:s, s:s, s:s, s:b, s:I}", "slug", g->slug, "name", g->name,
	                        "permission", hub_level_name(g->permission), "auto_add",
	                        g->auto_add, "count", (json_int_t)g->nmembers);
	set_list(out, "members", members);
	return out;
}

/* The pending invitations, all of them or those of one group. */
static int add_invitations(db_conn *c, load_ctx *lc, int64_t workspace_id, const char *group_slug)
{
	hub_invitation *inv;
	size_t n;
	int rc = hub_invitation_list(c, lc->req->arena, workspace_id, &inv, &n);
	json_t *list = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (group_slug && (!inv[i].group_slug || strcmp(inv[i].group_slug, group_slug)))
			continue;
		json_array_append_new(list, json_pack("{s:I, s:s, s:s?, s:s?, s:o}", "id",
		                                      (json_int_t)inv[i].id, "email", inv[i].email,
		                                      "group_name", inv[i].group_name, "invited_by",
		                                      inv[i].invited_by, "expires",
		                                      date_json(inv[i].expires_at)));
	}
	set_list(lc->out, "invitations", list);
	return rc;
}

static int load_groups(db_conn *c, void *ctx)
{
	load_ctx *lc = ctx;
	const hub_workspace *ws = scope_ws(lc->req);
	json_t *out = fresh(lc), *list = json_array();
	json_object_set_new(out, "ws", ws_json(ws));
	json_object_set_new(out, "tab_groups", json_true());
	hub_group *g;
	size_t n;
	int rc = hub_group_list(c, lc->req->arena, ws->id, &g, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(list, group_json(&g[i]));
	json_object_set_new(out, "groups", list);
	return rc < 0 ? rc : add_invitations(c, lc, ws->id, NULL);
}

static int groups_form(web_request *req, web_response *res, int rc, json_t *form)
{
	load_ctx lc = { req, NULL, NULL };
	const char *error = rc < 0 ? copy_error(req) : NULL;
	return render(req, res, rc < 0 ? web_status_for_error(rc) : 200, "hub/team_groups",
	              arena_printf(req->arena, "%s: user groups", scope_ws(req)->name), load_groups,
	              &lc, error, form);
}

int hub_team_groups_page(web_request *req, web_response *res)
{
	if (!scope_ws(req)->is_team)
		return err_fail(WEFT_ENOTFOUND, "A personal workspace has no user groups.");
	return groups_form(req, res, 0,
	                   json_pack("{s:s, s:b, s:o}", "name", "", "auto_add", false, "levels",
	                             levels_json(HUB_LEVEL_READ)));
}

static int create_group(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	hub_group_new g = { fc->a, fc->level, fc->flag != 0 };
	hub_group made;
	int rc = hub_group_create(c, fc->req->arena, scope_ws(fc->req), &g, &made);
	if (rc == 0)
		fc->b = made.slug;
	return rc;
}

int hub_team_group_create_submit(web_request *req, web_response *res)
{
	form_ctx fc = { .a = hub_form_text(req, "name"),
		        .level = hub_level_parse(hub_form_text(req, "permission")),
		        .flag = hub_form_checked(req, "auto_add") };
	int rc = change(req, create_group, &fc);
	if (hub_form_refusal(rc))
		return groups_form(req, res, rc,
		                   json_pack("{s:s, s:b, s:o}", "name", fc.a, "auto_add", fc.flag,
		                             "levels", levels_json(fc.level)));
	if (rc < 0)
		return rc;
	return hub_form_redirect(req, res,
	                         arena_printf(req->arena,
	                                      "/%s/settings/groups/%s?notice=group_created",
	                                      scope_ws(req)->slug, fc.b));
}

/* ---- /{workspace}/settings/groups/{group} ---- */

static int load_group(db_conn *c, void *ctx)
{
	load_ctx *lc = ctx;
	const hub_workspace *ws = scope_ws(lc->req);
	json_t *out = fresh(lc);
	json_object_set_new(out, "ws", ws_json(ws));
	json_object_set_new(out, "tab_groups", json_true());
	hub_group g;
	int rc = hub_group_find(c, lc->req->arena, ws->id, lc->name, &g);
	if (rc == 0) {
		json_object_set_new(out, "group", group_json(&g));
		json_object_set_new(out, "edit",
		                    json_pack("{s:s, s:b, s:o}", "name", g.name, "auto_add",
		                              g.auto_add, "levels", levels_json(g.permission)));
		rc = add_invitations(c, lc, ws->id, g.slug);
	}
	return rc;
}

/* The group page; form holds what was typed in the form that was refused. */
static int group_form(web_request *req, web_response *res, int rc, json_t *form)
{
	load_ctx lc = { req, NULL, web_param(req, "group") };
	const char *error = rc < 0 ? copy_error(req) : NULL;
	return render(req, res, rc < 0 ? web_status_for_error(rc) : 200, "hub/team_group",
	              arena_printf(req->arena, "%s: group", scope_ws(req)->name), load_group, &lc,
	              error, form);
}

int hub_team_group_page(web_request *req, web_response *res)
{
	return group_form(req, res, 0, NULL);
}

static int update_group(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	hub_group_change ch = { fc->a, fc->level, fc->flag };
	if (ch.permission == HUB_LEVEL_NONE)
		return err_fail(WEFT_EINVALID, "Permission: choose read, write or admin.");
	return hub_group_update(c, fc->req->arena, scope_ws(fc->req)->id,
	                        web_param(fc->req, "group"), &ch, NULL);
}

/* The group page's own redirect after a change. */
static int back_to_group(web_request *req, web_response *res, const char *notice_code)
{
	return hub_form_redirect(req, res,
	                         arena_printf(req->arena, "/%s/settings/groups/%s?notice=%s",
	                                      scope_ws(req)->slug, web_param(req, "group"),
	                                      notice_code));
}

int hub_team_group_update_submit(web_request *req, web_response *res)
{
	form_ctx fc = { .a = hub_form_text(req, "name"),
		        .level = hub_level_parse(hub_form_text(req, "permission")),
		        .flag = hub_form_checked(req, "auto_add") };
	int rc = change(req, update_group, &fc);
	if (hub_form_refusal(rc))
		return group_form(req, res, rc,
		                  json_pack("{s:b, s:s, s:b, s:o}", "edited", true, "name", fc.a,
		                            "auto_add", fc.flag, "levels", levels_json(fc.level)));
	return rc < 0 ? rc : back_to_group(req, res, "saved");
}

static int delete_group(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	return hub_group_delete(c, scope_ws(fc->req)->id, web_param(fc->req, "group"));
}

int hub_team_group_delete_submit(web_request *req, web_response *res)
{
	form_ctx fc = { 0 };
	int rc = change(req, delete_group, &fc);
	if (hub_form_refusal(rc))
		return group_form(req, res, rc, NULL);
	if (rc < 0)
		return rc;
	return hub_form_redirect(req, res,
	                         arena_printf(req->arena,
	                                      "/%s/settings/groups?notice=group_deleted",
	                                      scope_ws(req)->slug));
}

static int add_group_member(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	web_request *req = fc->req;
	return hub_group_add(c, req->arena, scope_ws(req), web_param(req, "group"), fc->a,
	                     viewer_user(req), web_base_url(req), &fc->added);
}

int hub_team_group_member_add_submit(web_request *req, web_response *res)
{
	form_ctx fc = { .a = hub_form_text(req, "member") };
	int rc = change(req, add_group_member, &fc);
	if (hub_form_refusal(rc))
		return group_form(req, res, rc, json_pack("{s:s}", "member", fc.a));
	if (rc < 0)
		return rc;
	return back_to_group(req, res, fc.added.invited ? "invited" : "added");
}

static int remove_group_member(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	return hub_group_remove_user(c, scope_ws(fc->req)->id, web_param(fc->req, "group"), fc->a);
}

int hub_team_group_member_remove_submit(web_request *req, web_response *res)
{
	form_ctx fc = { .a = web_param(req, "username") };
	int rc = change(req, remove_group_member, &fc);
	if (hub_form_refusal(rc))
		return group_form(req, res, rc, NULL);
	return rc < 0 ? rc : back_to_group(req, res, "removed");
}

/* ---- invitations, from the team's side ---- */

static int invitation_id(web_request *req, int64_t *out)
{
	return str_to_i64(out, web_param(req, "id"), 1, INT64_MAX, "invitation");
}

static int revoke_invitation(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	return hub_invitation_revoke(c, scope_ws(fc->req)->id, fc->id);
}

static int resend_invitation(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	return hub_invitation_resend(c, scope_ws(fc->req)->id, fc->id, web_base_url(fc->req));
}

static int invitation_action(web_request *req, web_response *res, db_fn fn, const char *done)
{
	form_ctx fc = { 0 };
	int rc = invitation_id(req, &fc.id);
	if (rc == 0)
		rc = change(req, fn, &fc);
	if (hub_form_refusal(rc))
		return groups_form(req, res, rc,
		                   json_pack("{s:s, s:b, s:o}", "name", "", "auto_add", false,
		                             "levels", levels_json(HUB_LEVEL_READ)));
	if (rc < 0)
		return rc;
	return hub_form_redirect(req, res,
	                         arena_printf(req->arena, "/%s/settings/groups?notice=%s",
	                                      scope_ws(req)->slug, done));
}

int hub_team_invitation_revoke_submit(web_request *req, web_response *res)
{
	return invitation_action(req, res, revoke_invitation, "revoked");
}

int hub_team_invitation_resend_submit(web_request *req, web_response *res)
{
	return invitation_action(req, res, resend_invitation, "resent");
}

/* ---- /invitations/{token}, from the invited side ---- */

static json_t *invitation_json(const hub_invitation *inv)
{
	return json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:o}", "team_slug", inv->workspace_slug,
	                 "team_name", inv->workspace_name, "group_name", inv->group_name, "email",
	                 inv->email, "invited_by", inv->invited_by, "expires",
	                 date_json(inv->expires_at));
}

/* The invitation, and for a signed-in viewer whether they may accept it (refusal: the reason). */
static int load_invitation(db_conn *c, void *ctx)
{
	load_ctx *lc = ctx;
	const hub_user *viewer = viewer_user(lc->req);
	json_t *out = fresh(lc);
	hub_invitation inv;
	int rc = viewer ? hub_invitation_check(c, lc->req->arena, lc->name, viewer, &inv)
	                : hub_invitation_find(c, lc->req->arena, lc->name, &inv);
	if (rc == 0 || rc == WEFT_EPERM)
		json_object_set_new(out, "invitation", invitation_json(&inv));
	json_object_set_new(out, "can_accept", json_boolean(rc == 0 && viewer));
	json_object_set_new(out, "refusal", rc < 0 ? json_string(err_msg()) : json_null());
	json_object_set_new(out, "status", json_integer(rc < 0 ? web_status_for_error(rc) : 200));
	return rc == WEFT_ENOTFOUND || rc == WEFT_EPERM ? 0 : rc;
}

/* The invitation page; refused (a code, with its message error) when accepting failed. */
static int invitation_view(web_request *req, web_response *res, int refused, const char *error)
{
	const char *token = web_param(req, "token");
	load_ctx lc = { req, NULL, token };
	int rc = db_read(hub_app_of(req)->d, load_invitation, &lc);
	if (rc < 0) {
		json_decref(lc.out);
		return rc;
	}
	int status = (int)json_integer_value(json_object_get(lc.out, "status"));
	json_object_set_new(lc.out, "token", json_string(token));
	json_object_set_new(lc.out, "next",
	                    json_string(arena_printf(req->arena, "/invitations/%s", token)));
	json_object_set_new(lc.out, "error", error ? json_string(error) : json_null());
	return hub_page(req, res, refused < 0 ? web_status_for_error(refused) : status,
	                "hub/team_invitation", "Invitation", lc.out);
}

int hub_invitation_page(web_request *req, web_response *res)
{
	return invitation_view(req, res, 0, NULL);
}

static int accept_invitation(db_conn *c, void *ctx)
{
	form_ctx *fc = ctx;
	hub_invitation inv;
	int rc = hub_invitation_accept(c, fc->req->arena, web_param(fc->req, "token"),
	                               viewer_user(fc->req), &inv);
	if (rc == 0)
		fc->a = inv.workspace_slug;
	return rc;
}

int hub_invitation_accept_submit(web_request *req, web_response *res)
{
	form_ctx fc = { 0 };
	int rc = change(req, accept_invitation, &fc);
	if (rc == WEFT_ENOTFOUND || rc == WEFT_EPERM)
		return invitation_view(req, res, 0, NULL); /* the page says why, with its status */
	if (hub_form_refusal(rc))
		return invitation_view(req, res, rc, copy_error(req));
	if (rc < 0)
		return rc;
	return hub_form_redirect(req, res, arena_printf(req->arena, "/%s?notice=joined", fc.a));
}
