/* The branching model's API (/branching-model, /branching-model/settings) and settings page
 * (with the default merge strategy), and "create branch" from an issue (/branch/create). */
#include "hub/hub_perm.h"
#include "hub/pull/branching_web.h"

#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"
#include "hub/api.h"
#include "hub/browse/commit_api.h"
#include "hub/browse/commit_web.h"
#include "hub/browse/diff_api.h"
#include "hub/browse/ref_api.h"
#include "hub/browse/ref_web.h"
#include "hub/browse/ref.h"
#include "hub/form.h"
#include "hub/git/gitrepo.h"
#include "hub/git/push.h"
#include "hub/hub.h"
#include "hub/pull/branching.h"
#include "hub/pull/pull.h"
#include "web/escape.h"

static const char *kind_label(const char *kind)
{
	return strcmp(kind, "feature") == 0  ? "Feature"
	       : strcmp(kind, "bugfix") == 0 ? "Bugfix"
	       : strcmp(kind, "hotfix") == 0 ? "Hotfix"
	                                     : "Release";
}

/* ---- loading and storing ---- */

typedef struct model_ctx {
	web_request *req;
	int64_t repository_id;
	hub_branching m;
	const char *strategy;
} model_ctx;

static int read_model(db_conn *c, void *ctx)
{
	model_ctx *mc = ctx;
	int rc = hub_branching_get(c, mc->req->arena, mc->repository_id, &mc->m);
	if (rc == 0)
		rc = hub_pull_default_strategy(c, mc->req->arena, mc->repository_id, &mc->strategy);
	return rc;
}

static int write_model(db_conn *c, void *ctx)
{
	model_ctx *mc = ctx;
	int rc = hub_branching_set(c, mc->repository_id, &mc->m);
	if (rc == 0 && mc->strategy)
		rc = hub_pull_set_default_strategy(c, mc->repository_id, mc->strategy);
	return rc;
}

/* ---- API ---- */

static json_t *branch_json(const char *name, bool use_mainbranch)
{
	return json_pack("{s:s, s:b, s:{s:s, s:s}}", "name", name, "use_mainbranch", use_mainbranch,
	                 "branch", "type", "branch", "name", name);
}

static json_t *model_json(const hub_repo *r, const hub_branching *m, bool settings)
{
	const char *dev = m->development ? m->development : r->mainbranch;
	const char *prod = m->production ? m->production : r->mainbranch;
	json_t *types = json_array();
	for (int i = 0; i < BRANCHING_TYPES; i++) {
		if (!settings && !m->types[i].enabled)
			continue;
		json_t *t = json_pack("{s:s, s:s}", "kind", m->types[i].kind, "prefix",
		                      m->types[i].prefix);
		if (settings)
			json_object_set_new(t, "enabled", json_boolean(m->types[i].enabled));
		json_array_append_new(types, t);
	}
	json_t *out =
	        json_pack("{s:s, s:o, s:o}", "type",
	                  settings ? "branching_model_settings" : "branching_model", "development",
	                  branch_json(dev, m->development == NULL), "branch_types", types);
	json_t *production = branch_json(prod, m->production == NULL);
	if (settings) {
		json_object_set_new(production, "enabled", json_boolean(m->production_enabled));
		json_object_set_new(out, "production", production);
	} else if (m->production_enabled) {
		json_object_set_new(out, "production", production);
	} else {
		json_decref(production);
	}
	return out;
}

static int respond_model(web_request *req, web_response *res, bool settings)
{
	hub_repo r;
	int rc = hub_request_repo(req, &r);
	model_ctx mc = { req, r.id, { 0 }, NULL };
	if (rc == 0)
		rc = db_read(hub_app_of(req)->d, read_model, &mc);
	if (rc == 0)
		web_res_json(res, 200, model_json(&r, &mc.m, settings));
	return rc;
}

int hub_api_branching_model(web_request *req, web_response *res)
{
	return respond_model(req, res, false);
}

int hub_api_branching_settings(web_request *req, web_response *res)
{
	return respond_model(req, res, true);
}

/* A side of the settings body: {name, use_mainbranch[, enabled]}. */
static void read_side(const json_t *side, const char **name, bool *enabled)
{
	if (!json_is_object(side))
		return;
	const json_t *use_main = json_object_get(side, "use_mainbranch");
	const json_t *n = json_object_get(side, "name");
	if (json_is_true(use_main))
		*name = NULL;
	else if (json_is_string(n))
		*name = json_string_value(n);
	if (enabled && json_is_boolean(json_object_get(side, "enabled")))
		*enabled = json_is_true(json_object_get(side, "enabled"));
}

static int read_types(hub_branching *m, const json_t *types)
{
	size_t i;
	const json_t *t;
	if (types && !json_is_array(types))
		return err_fail(WEFT_EINVALID, "branch_types: a list.");
	json_array_foreach(types, i, t)
	{
		const char *kind = json_string_value(json_object_get(t, "kind"));
		int k = 0;
		while (k < BRANCHING_TYPES && (!kind || strcmp(m->types[k].kind, kind) != 0))
			k++;
		if (k == BRANCHING_TYPES)
			return err_fail(WEFT_EINVALID,
			                "branch_types: kind is one of feature, bugfix, "
			                "hotfix, release.");
		if (json_is_string(json_object_get(t, "prefix")))
			m->types[k].prefix = json_string_value(json_object_get(t, "prefix"));
		if (json_is_boolean(json_object_get(t, "enabled")))
			m->types[k].enabled = json_is_true(json_object_get(t, "enabled"));
	}
	return 0;
}

int hub_api_branching_settings_update(web_request *req, web_response *res)
{
	hub_repo r;
	const json_t *body = req->json;
	if (!json_is_object(body))
		return err_fail(WEFT_EINVALID, "The body must be a JSON object.");
	int rc = hub_request_repo(req, &r);
	model_ctx mc = { req, r.id, { 0 }, NULL };
	if (rc == 0)
		rc = db_read(hub_app_of(req)->d, read_model, &mc);
	if (rc < 0)
		return rc;
	mc.strategy = NULL;
	read_side(json_object_get(body, "development"), &mc.m.development, NULL);
	read_side(json_object_get(body, "production"), &mc.m.production, &mc.m.production_enabled);
	rc = read_types(&mc.m, json_object_get(body, "branch_types"));
	if (rc == 0)
		rc = db_tx(hub_app_of(req)->d, write_model, &mc);
	if (rc == 0)
		web_res_json(res, 200, model_json(&r, &mc.m, true));
	return rc;
}

/* ---- the settings page ---- */

static json_t *settings_data(const hub_repo *r, const model_ctx *mc)
{
	json_t *types = json_array();
	for (int i = 0; i < BRANCHING_TYPES; i++)
		json_array_append_new(
		        types, json_pack("{s:s, s:s, s:s, s:b}", "kind", mc->m.types[i].kind,
		                         "label", kind_label(mc->m.types[i].kind), "prefix",
		                         mc->m.types[i].prefix, "enabled", mc->m.types[i].enabled));
	static const char *const names[] = { "merge_commit", "squash", "fast_forward" };
	static const char *const labels[] = { "Merge commit", "Squash", "Fast forward" };
	json_t *strategies = json_array();
	for (int i = 0; i < 3; i++)
		json_array_append_new(strategies, json_pack("{s:s, s:s, s:b}", "name", names[i],
		                                            "label", labels[i], "selected",
		                                            strcmp(names[i], mc->strategy) == 0));
	return json_pack("{s:{s:s, s:s, s:s}, s:b, s:s, s:s, s:b, s:o, s:o, s:s}", "repo",
	                 "workspace", r->workspace_slug, "slug", r->slug, "name", r->name,
	                 "tab_branching", 1, "development",
	                 mc->m.development ? mc->m.development : "", "production",
	                 mc->m.production ? mc->m.production : "", "production_enabled",
	                 mc->m.production_enabled, "types", types, "strategies", strategies,
	                 "mainbranch", r->mainbranch);
}

static int branching_form(web_request *req, web_response *res, int status, const hub_repo *r,
                          const model_ctx *mc, const char *error, const char *notice)
{
	json_t *data = settings_data(r, mc);
	if (error)
		json_object_set_new(data, "error", json_string(error));
	if (notice)
		json_object_set_new(data, "notice", json_string(notice));
	return hub_page(req, res, status, "hub/repo_branching",
	                arena_printf(req->arena, "Branching model · %s", r->name), data);
}

int hub_branching_page(web_request *req, web_response *res)
{
	hub_repo r;
	int rc = hub_request_repo(req, &r);
	model_ctx mc = { req, r.id, { 0 }, NULL };
	if (rc == 0)
		rc = db_read(hub_app_of(req)->d, read_model, &mc);
	return rc < 0 ? rc
	              : branching_form(req, res, 200, &r, &mc, NULL,
	                               web_query(req, "saved") ? "Saved." : NULL);
}

static const char *form_branch(web_request *req, const char *name)
{
	const char *v = hub_form_text(req, name);
	return *v ? v : NULL;
}

int hub_branching_submit(web_request *req, web_response *res)
{
	hub_repo r;
	int rc = hub_request_repo(req, &r);
	if (rc < 0)
		return rc;
	model_ctx mc = { req, r.id, { 0 }, NULL };
	hub_branching_defaults(&mc.m);
	mc.m.development = form_branch(req, "development");
	mc.m.production = form_branch(req, "production");
	mc.m.production_enabled = hub_form_checked(req, "production_enabled");
	for (int i = 0; i < BRANCHING_TYPES; i++) {
		const char *kind = mc.m.types[i].kind;
		mc.m.types[i].prefix =
		        hub_form_text(req, arena_printf(req->arena, "%s_prefix", kind));
		mc.m.types[i].enabled =
		        hub_form_checked(req, arena_printf(req->arena, "%s_enabled", kind));
	}
	mc.strategy = hub_form_text(req, "merge_strategy");
	rc = db_tx(hub_app_of(req)->d, write_model, &mc);
	if (hub_form_refusal(rc)) {
		mc.strategy = hub_pull_strategy_valid(mc.strategy) ? mc.strategy : "merge_commit";
		return branching_form(req, res, 400, &r, &mc, err_msg(), NULL);
	}
	if (rc < 0)
		return rc;
	return hub_form_redirect(req, res,
	                         arena_printf(req->arena, "%s/admin/branching?saved=1",
	                                      hub_history_web_path(req, &r)));
}

/* ---- /branch/create ---- */

enum { CREATE_REPOS_MAX = 500 };

typedef struct create_ctx {
	web_request *req;
	json_t *repos; /* [{full_name, selected}] the viewer may write to, last used first */
	const char *chosen; /* "workspace/slug" */
	hub_repo repo; /* the chosen one, once found */
	hub_level level;
	hub_branching model;
} create_ctx;

static int writable_repos(db_conn *c, void *ctx)
{
	create_ctx *cc = ctx;
	arena *a = cc->req->arena;
	const hub_user *u = &hub_viewer_of(cc->req)->user;
	int64_t ids[CREATE_REPOS_MAX];
	size_t n = 0;
	int rc = hub_branching_recent_repos(c, u->id, ids, CREATE_REPOS_MAX, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		hub_repo r;
		hub_workspace ws;
		hub_level level = HUB_LEVEL_NONE;
		rc = hub_repo_get(c, a, ids[i], &r);
		if (rc == 0)
			rc = hub_workspace_find(c, a, r.workspace_slug, &ws);
		if (rc == 0)
			rc = hub_perm_repository(c, u, &ws, r.id, r.is_private, &level);
		if (rc == 0 && level >= HUB_LEVEL_WRITE) {
			const char *full = arena_printf(a, "%s/%s", r.workspace_slug, r.slug);
			bool selected = cc->chosen ? strcmp(cc->chosen, full) == 0
			                           : json_array_size(cc->repos) == 0;
			json_array_append_new(cc->repos, json_pack("{s:s, s:b}", "full_name", full,
			                                           "selected", selected));
			if (selected) {
				cc->repo = r;
				cc->level = level;
				rc = hub_branching_get(c, a, r.id, &cc->model);
			}
		}
	}
	return rc;
}

static json_t *type_options(const hub_branching *m, const char *kind)
{
	json_t *out = json_array();
	for (int i = 0; i < BRANCHING_TYPES; i++)
		if (m->types[i].enabled)
			json_array_append_new(
			        out, json_pack("{s:s, s:s, s:b}", "prefix", m->types[i].prefix,
			                       "label", kind_label(m->types[i].kind), "selected",
			                       strcmp(m->types[i].kind, kind) == 0));
	json_array_append_new(
	        out, json_pack("{s:s, s:s, s:b}", "prefix", "", "label", "Other", "selected", 0));
	return out;
}

/* The prefix of kind in m when it is enabled, else none. */
static const char *prefix_of(const hub_branching *m, const char *kind)
{
	for (int i = 0; i < BRANCHING_TYPES; i++)
		if (m->types[i].enabled && strcmp(m->types[i].kind, kind) == 0)
			return m->types[i].prefix;
	return "";
}

/* "/branch/create" with the fields of this request as its query, each URL-encoded (the
 * page HTML-escapes the whole when it shows it). */
static const char *create_action(web_request *req)
{
	static const char *const names[] = { "issueKey", "issueType", "issueSummary" };
	buf url = BUF_INIT;
	char separator = '?';
	buf_puts(&url, "/branch/create");
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		const char *value = web_pairs_get(&req->query, names[i]);
		if (!value)
			continue;
		buf_putc(&url, separator);
		separator = '&';
		buf_puts(&url, names[i]);
		buf_putc(&url, '=');
		esc_url_query(&url, value, strlen(value));
	}
	const char *action = arena_strdup(req->arena, buf_cstr(&url));
	buf_dispose(&url);
	return action;
}

static int create_form(web_request *req, web_response *res, int status, create_ctx *cc,
                       const char *error)
{
	const char *key = web_pairs_get(&req->query, "issueKey");
	const char *type = web_pairs_get(&req->query, "issueType");
	const char *summary = web_pairs_get(&req->query, "issueSummary");
	const char *kind = hub_branching_kind_for(type);
	const char *name = hub_form_text(req, "name");
	if (!*name)
		name = hub_branching_suggest(req->arena, prefix_of(&cc->model, kind), key, summary);
	const char *from = hub_form_text(req, "from");
	if (!*from && cc->repo.id)
		from = cc->model.development ? cc->model.development : cc->repo.mainbranch;
	json_t *data = json_pack("{s:o, s:b, s:o, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s}", "repos",
	                         cc->repos, "has_repos", json_array_size(cc->repos) > 0, "types",
	                         type_options(&cc->model, kind), "name", name, "from", from,
	                         "issue_key", key, "issue_type", type, "issue_summary", summary,
	                         "error", error, "action", create_action(req));
	cc->repos = NULL;
	return hub_page(req, res, status, "hub/branch_create", "Create a branch", data);
}

static int load_choices(web_request *req, create_ctx *cc)
{
	cc->req = req;
	cc->repos = json_array();
	cc->chosen = *hub_form_text(req, "repository") ? hub_form_text(req, "repository")
	                                               : web_query(req, "repository");
	int rc = db_read(hub_app_of(req)->d, writable_repos, cc);
	if (rc < 0) {
		json_decref(cc->repos);
		cc->repos = NULL;
	}
	return rc;
}

int hub_branch_create_page(web_request *req, web_response *res)
{
	create_ctx cc = { 0 };
	int rc = load_choices(req, &cc);
	return rc < 0 ? rc : create_form(req, res, 200, &cc, NULL);
}

typedef struct record_ctx {
	int64_t repository_id;
	int64_t actor_id;
	push_update update;
} record_ctx;

static int record_branch(db_conn *c, void *ctx)
{
	record_ctx *rc_ = ctx;
	int rc = hub_push_record(c, rc_->repository_id, rc_->actor_id, false, clock_now_ms(),
	                         &rc_->update, 1, NULL);
	if (rc == 0)
		rc = hub_branching_used(c, rc_->actor_id, rc_->repository_id);
	return rc;
}

/* Makes the branch name at the tip of from in cc's repository, under the push lock, and
 * records it as a push (webhooks fire as for any push). */
static int make_branch(web_request *req, create_ctx *cc, const char *name, const char *from,
                       hub_ref *out)
{
	git_repository *git = NULL;
	git_commit *tip = NULL;
	const hub_viewer *v = hub_viewer_of(req);
	hub_ref_author who = { v->user.display_name, v->user.email };
	int fd = -1;
	int rc = hub_git_open(&git,
	                      hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, &cc->repo));
	if (rc == 0)
		rc = hub_git_resolve_commit(&tip, git, from);
	if (rc == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_EINVALID, "Branch from: there is no %.255s here.", from);
	if (rc == 0 && (fd = hub_push_lock(req->arena, hub_app_of(req)->repos_dir, &cc->repo)) < 0)
		rc = fd;
	char hex[GIT_OID_HEXSZ + 1] = "";
	if (rc == 0) {
		git_oid_tostr(hex, sizeof hex, git_commit_id(tip));
		rc = hub_ref_create(out, req->arena, git, HUB_REF_BRANCH, name, hex, NULL, &who);
	}
	if (rc == 0) {
		record_ctx rec = { cc->repo.id,
			           v->user.id,
			           { arena_printf(req->arena, "refs/heads/%s", name),
			             "0000000000000000000000000000000000000000", hex } };
		rc = db_tx(hub_app_of(req)->d, record_branch, &rec);
	}
	if (fd >= 0)
		close(fd);
	git_commit_free(tip);
	hub_git_close(git);
	return rc;
}

/* The name with the chosen type's prefix in place of the type prefix it starts with (the form
 * prefills the whole name; choosing another type swaps the prefix). */
static const char *with_prefix(web_request *req, const hub_branching *m, const char *prefix,
                               const char *name)
{
	for (int i = 0; i < BRANCHING_TYPES; i++) {
		size_t n = strlen(m->types[i].prefix);
		if (m->types[i].enabled && strncmp(name, m->types[i].prefix, n) == 0) {
			name += n;
			break;
		}
	}
	return arena_printf(req->arena, "%s%s", prefix, name);
}

int hub_branch_create_submit(web_request *req, web_response *res)
{
	create_ctx cc = { 0 };
	hub_ref ref;
	int rc = load_choices(req, &cc);
	if (rc < 0)
		return rc;
	if (!cc.repo.id)
		return create_form(req, res, 400, &cc, "Choose a repository you may write to.");
	const char *name =
	        with_prefix(req, &cc.model, hub_form_text(req, "type"), hub_form_text(req, "name"));
	const char *from = hub_form_text(req, "from");
	rc = make_branch(req, &cc, name, *from ? from : cc.repo.mainbranch, &ref);
	if (hub_form_refusal(rc))
		return create_form(req, res, rc == WEFT_EEXISTS ? 409 : 400, &cc, err_msg());
	json_decref(cc.repos);
	if (rc < 0)
		return rc;
	const char *base = hub_history_web_path(req, &cc.repo);
	json_t *data =
	        json_pack("{s:s, s:s, s:s, s:s}", "branch", ref.name, "repository",
	                  arena_printf(req->arena, "%s/%s", cc.repo.workspace_slug, cc.repo.slug),
	                  "commits_href",
	                  arena_printf(req->arena, "%s/commits/branch/%s", base,
	                               hub_history_segment(req, ref.name)),
	                  "pull_href",
	                  arena_printf(req->arena, "%s/pull-requests/new?source=%s", base,
	                               hub_history_segment(req, ref.name)));
	return hub_page(req, res, 201, "hub/branch_created", "Branch created", data);
}
