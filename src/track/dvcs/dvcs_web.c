/* Administration › Applications › DVCS accounts: the linked accounts with their repositories,
 * the link form and the consent callback, the accounts' and repositories' actions, the progress
 * the page polls while a sync runs, and the smart-commit errors. */
#include "track/dvcs/dvcs_web.h"

#include <stdio.h>
#include <string.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "track/dvcs/account.h"
#include "track/dvcs/admin.h"
#include "track/dvcs/discover.h"
#include "track/dvcs/host.h"
#include "web/paging.h"

enum {
	SMART_ERRORS_PAGE = 25, /* smart-commit errors a page shows */
	SECRET_MAX = 1024, /* bytes of an OAuth secret a form may send */
};

#define BITBUCKET_SITE "https://bitbucket.org"

static int check_id(const char *value)
{
	int64_t id;
	return str_to_i64(&id, value, 1, INT64_MAX, "id");
}

const web_param_spec dvcs_web_id_params[] = {
	{ "id", WEB_FROM_PATH, true, check_id, 0 },
	{ NULL, 0, false, NULL, 0 },
};

int64_t dvcs_web_id(const web_request *req)
{
	int64_t id = 0;
	str_to_i64(&id, web_param(req, "id"), 1, INT64_MAX, "id");
	return id;
}

/* ---- what the page shows ---- */

/* n with thousands separators: 12,340 (in a). */
static const char *thousands(arena *a, int64_t n)
{
	char digits[24], out[32];
	int len = snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? 0 : n));
	size_t o = 0;
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return arena_strdup(a, out);
}

static const char *plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static const char *counts(arena *a, const dvcs_repo *r)
{
	return arena_printf(
	        a, "%s %s, %s %s, %s %s found", thousands(a, r->sync_commits),
	        plural(r->sync_commits, "commit", "commits"), thousands(a, r->sync_pulls),
	        plural(r->sync_pulls, "pull request", "pull requests"),
	        thousands(a, r->sync_issues), plural(r->sync_issues, "issue", "issues"));
}

static const char *when(arena *a, int64_t ms)
{
	char iso[CLOCK_ISO_LEN];
	clock_format_iso8601(iso, ms);
	return arena_strdup(a, iso);
}

const char *dvcs_sync_text(arena *a, const dvcs_repo *r)
{
	const char *full = r->sync_full ? " (full)" : "";
	if (strcmp(r->sync_state, "running") == 0)
		return arena_printf(a, "Synchronizing%s: %s", full, counts(a, r));
	if (strcmp(r->sync_state, "queued") == 0)
		return arena_printf(a, "Waiting to synchronize%s", full);
	if (strcmp(r->sync_state, "failed") == 0)
		return arena_printf(a, "Synchronization failed%s%s",
		                    r->sync_finished_at ? " at " : "",
		                    r->sync_finished_at ? when(a, r->sync_finished_at) : "");
	if (strcmp(r->sync_state, "done") == 0)
		return arena_printf(a, "Synchronized%s%s: %s", r->sync_finished_at ? " at " : "",
		                    r->sync_finished_at ? when(a, r->sync_finished_at) : "",
		                    counts(a, r));
	return "Never synchronized";
}

/* What one load of the page reads, in one read transaction. */
typedef struct page_ctx {
	web_request *req;
	array accounts; /* dvcs_account */
	array repos; /* dvcs_repo, by slug */
	json_t *errors; /* the page of smart-commit errors */
	int64_t errors_total, errors_start;
	json_t *left_hooks; /* webhooks unlinks left on hosts */
} page_ctx;

static void keep_account(void *ctx, const dvcs_account *account)
{
	page_ctx *pc = ctx;
	*ARRAY_PUSH(pc->req->arena, &pc->accounts, dvcs_account) = *account;
}

static void keep_repo(void *ctx, const dvcs_repo *repo)
{
	page_ctx *pc = ctx;
	*ARRAY_PUSH(pc->req->arena, &pc->repos, dvcs_repo) = *repo;
}

static void keep_smart_error(void *ctx, const dvcs_smart_error *e)
{
	page_ctx *pc = ctx;
	arena *a = pc->req->arena;
	json_array_append_new(pc->errors,
	                      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "created",
	                                when(a, e->created_at), "hash", e->commit_hash,
	                                "short_hash", arena_strndup(a, e->commit_hash, 12),
	                                "issue_key", e->issue_key, "command", e->command, "error",
	                                e->error, "repo", e->repo_name));
}

static void keep_left_hook(void *ctx, const dvcs_left_hook *h)
{
	page_ctx *pc = ctx;
	json_array_append_new(pc->left_hooks,
	                      json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
	                                (json_int_t)h->id, "site_url", h->site_url, "account",
	                                h->account, "slug", h->slug, "hook_url", h->hook_url,
	                                "reason", h->reason, "created",
	                                when(pc->req->arena, h->created_at)));
}

static int load_page(db_conn *c, void *ctx)
{
	page_ctx *pc = ctx;
	int rc = dvcs_account_list(c, pc->req->arena, keep_account, pc);
	if (rc == 0)
		rc = dvcs_repo_list(c, pc->req->arena, 0, keep_repo, pc);
	if (rc == 0)
		rc = dvcs_left_hooks_list(c, pc->req->arena, keep_left_hook, pc);
	return rc < 0 ? rc
	              : dvcs_admin_smart_errors(c, pc->req->arena, pc->errors_start,
	                                        SMART_ERRORS_PAGE, &pc->errors_total,
	                                        keep_smart_error, pc);
}

static const char *host_label(dvcs_host_kind kind)
{
	return kind == DVCS_HOST_BITBUCKET ? "Bitbucket Cloud" : "weft hub";
}

static json_t *repo_json(arena *a, const dvcs_account *acc, const dvcs_repo *r)
{
	bool busy = dvcs_admin_sync_busy(r);
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:s, s:s, s:b, s:b}",
	                      "id", (json_int_t)r->id, "name", r->name, "slug", r->slug, "url",
	                      arena_printf(a, "%s/%s/%s", acc->site_url, acc->account, r->slug),
	                      "linked", r->linked, "smart_commits", r->smart_commits, "deleted",
	                      r->deleted, "no_admin", strcmp(r->hook_status, "no_admin") == 0,
	                      "is_private", r->is_private, "state", r->sync_state, "sync_text",
	                      dvcs_sync_text(a, r), "busy", busy, "running",
	                      strcmp(r->sync_state, "running") == 0);
	json_object_set_new(j, "sync_error", r->sync_error ? json_string(r->sync_error) : NULL);
	if (r->last_activity_at)
		json_object_set_new(j, "last_activity", json_string(when(a, r->last_activity_at)));
	if (r->smart_error_count)
		json_object_set_new(j, "smart_errors",
		                    json_string(thousands(a, r->smart_error_count)));
	return j;
}

static json_t *account_json(const page_ctx *pc, const dvcs_account *acc)
{
	arena *a = pc->req->arena;
	json_t *repos = json_array();
	const dvcs_repo *r = pc->repos.items;
	for (size_t i = 0; i < pc->repos.n; i++)
		if (r[i].account_id == acc->id)
			json_array_append_new(repos, repo_json(a, acc, &r[i]));
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:o, s:b}", "id",
	                      (json_int_t)acc->id, "account", acc->account, "host",
	                      host_label(acc->host_kind), "site_url", acc->site_url, "account_url",
	                      arena_printf(a, "%s/%s", acc->site_url, acc->account), "auto_link",
	                      acc->auto_link, "smart_commits", acc->smart_commits, "ok",
	                      strcmp(acc->status, "ok") == 0, "pending",
	                      strcmp(acc->status, "pending") == 0, "auth_failed",
	                      strcmp(acc->status, "auth_failed") == 0, "repos", repos, "has_repos",
	                      json_array_size(repos) > 0);
	json_object_set_new(j, "last_error", acc->last_error ? json_string(acc->last_error) : NULL);
	return j;
}

static json_t *accounts_json(const page_ctx *pc)
{
	json_t *items = json_array();
	const dvcs_account *acc = pc->accounts.items;
	for (size_t i = 0; i < pc->accounts.n; i++)
		json_array_append_new(items, account_json(pc, &acc[i]));
	return items;
}

/* The link form as it was sent (never the secret), or its defaults. */
typedef struct link_form {
	dvcs_link_request req;
	const char *host; /* "weft" or "bitbucket" as sent */
	const char *error;
} link_form;

static json_t *form_json(const web_request *req, const link_form *f)
{
	const char *site = f && f->req.site_url ? f->req.site_url : track_app_of(req)->hub_url;
	bool bitbucket = f && f->host && strcmp(f->host, "bitbucket") == 0;
	return json_pack("{s:s, s:b, s:s?, s:s?, s:b, s:b, s:s?}", "site_url", site ? site : "",
	                 "bitbucket", bitbucket, "account", f ? f->req.account : NULL, "oauth_key",
	                 f ? f->req.oauth_key : NULL, "auto_link", f ? f->req.auto_link : true,
	                 "smart_commits", f ? f->req.smart_commits : true, "error",
	                 f ? f->error : NULL);
}

static json_t *pager_json(const web_request *req, const page_ctx *pc)
{
	int64_t start = pc->errors_start, total = pc->errors_total;
	if (total <= SMART_ERRORS_PAGE && start == 0)
		return NULL;
	int64_t shown = (int64_t)json_array_size(pc->errors);
	json_t *j = json_pack("{s:I, s:I, s:I}", "from", (json_int_t)(shown ? start + 1 : start),
	                      "to", (json_int_t)(start + shown), "total", (json_int_t)total);
	if (start > 0)
		json_object_set_new(
		        j, "prev",
		        json_string(arena_printf(
		                req->arena, DVCS_PAGE_PATH "?startAt=%lld#smart-errors",
		                (long long)(start > SMART_ERRORS_PAGE ? start - SMART_ERRORS_PAGE
		                                                      : 0))));
	if (start + shown < total)
		json_object_set_new(j, "next",
		                    json_string(arena_printf(
		                            req->arena, DVCS_PAGE_PATH "?startAt=%lld#smart-errors",
		                            (long long)(start + shown))));
	return j;
}

/* The notices a redirect back to the page names (?done=…): fixed words, nothing reflected. */
static const char *notice_of(const web_request *req)
{
	static const char *const notices[][2] = {
		{ "linked",
		  "The account is linked: its repositories are being listed and synchronized." },
		{ "saved", "Saved." },
		{ "refresh", "The list of repositories is being refreshed." },
		{ "sync", "The repository will synchronize shortly." },
		{ "deleted", "The account was deleted; its hooks and mirrors are being removed." },
		{ "forgotten", "The webhook is no longer listed." },
	};
	const char *done = web_query(req, "done");
	for (size_t i = 0; done && i < sizeof notices / sizeof notices[0]; i++)
		if (strcmp(done, notices[i][0]) == 0)
			return notices[i][1];
	return NULL;
}

/* The page, with the link form's outcome (form) or another action's error. */
static int render(web_request *req, web_response *res, int status, const link_form *form,
                  const char *action_error)
{
	page_ctx pc = { .req = req,
		        .errors = json_array(),
		        .errors_start = web_paging_start(req),
		        .left_hooks = json_array() };
	int rc = db_read(track_app_of(req)->d, load_page, &pc);
	if (rc < 0) {
		json_decref(pc.errors);
		json_decref(pc.left_hooks);
		return rc;
	}
	const char *notice = notice_of(req);
	bool has_left = json_array_size(pc.left_hooks) > 0;
	json_t *data = json_pack("{s:b, s:o, s:b, s:o, s:o, s:b, s:o?, s:s?, s:s?, s:b, s:o, s:b}",
	                         "tab_dvcs", true, "accounts", accounts_json(&pc), "has_accounts",
	                         pc.accounts.n > 0, "form", form_json(req, form), "smart_errors",
	                         pc.errors, "has_smart_errors", pc.errors_total > 0, "pager",
	                         pager_json(req, &pc), "notice", notice, "action_error",
	                         action_error, "watch", notice != NULL, "left_hooks", pc.left_hooks,
	                         "has_left_hooks", has_left);
	return track_page(req, res, status, "track/dvcs", "Administration: DVCS accounts", data);
}

int dvcs_accounts_page(web_request *req, web_response *res)
{
	return render(req, res, 200, NULL, NULL);
}

/* ---- the progress the page polls ---- */

static int load_repos(db_conn *c, void *ctx)
{
	page_ctx *pc = ctx;
	return dvcs_repo_list(c, pc->req->arena, 0, keep_repo, pc);
}

static json_t *progress_item(arena *a, const dvcs_repo *r)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:b, s:b, s:s}", "id", (json_int_t)r->id,
	                      "accountId", (json_int_t)r->account_id, "state", r->sync_state,
	                      "busy", dvcs_admin_sync_busy(r), "running",
	                      strcmp(r->sync_state, "running") == 0, "text", dvcs_sync_text(a, r));
	json_object_set_new(j, "error", r->sync_error ? json_string(r->sync_error) : json_null());
	json_object_set_new(j, "lastActivity",
	                    r->last_activity_at ? json_string(when(a, r->last_activity_at))
	                                        : json_null());
	return j;
}

int dvcs_progress_json(web_request *req, web_response *res)
{
	page_ctx pc = { .req = req };
	int rc = db_read(track_app_of(req)->d, load_repos, &pc);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	const dvcs_repo *r = pc.repos.items;
	for (size_t i = 0; i < pc.repos.n; i++)
		json_array_append_new(items, progress_item(req->arena, &r[i]));
	web_res_header(req, res, "Cache-Control", "no-store");
	web_res_json(res, 200, json_pack("{s:o}", "repositories", items));
	return 0;
}

/* ---- linking: the form, the consent callback, Reset OAuth settings ---- */

typedef struct consent_ctx {
	web_request *req;
	const dvcs_link_request *link;
	int64_t id;
	const char *key, *secret; /* Reset OAuth settings */
	const char *state;
	const char *authorize_url;
	dvcs_account account;
} consent_ctx;

/* The way on to the host's consent page: a page with a link that its script follows at once,
 * not a redirect, which the Content Security Policy's form-action 'self' would stop in a
 * browser. It carries the consent's state: never stored by a cache. */
static int to_consent(web_request *req, web_response *res, const consent_ctx *cc)
{
	web_res_header(req, res, "Cache-Control", "no-store");
	json_t *data = json_pack("{s:b, s:s, s:s, s:s}", "tab_dvcs", true, "host",
	                         host_label(cc->account.host_kind), "account", cc->account.account,
	                         "authorize_url", cc->authorize_url);
	return track_page(req, res, 200, "track/dvcs_consent", "Confirm access on the host", data);
}

/* Where the administrator goes to grant access: the account's host, as stored. */
static int authorize_url(db_conn *c, consent_ctx *cc)
{
	arena *a = cc->req->arena;
	int rc = dvcs_account_get(c, a, cc->id, &cc->account);
	if (rc == 0)
		cc->authorize_url = dvcs_host_authorize_url(
		        a, cc->account.site_url, cc->account.oauth_key,
		        dvcs_callback_url(a, track_app_of(cc->req)), cc->state);
	return rc;
}

static int create_pending(db_conn *c, void *ctx)
{
	consent_ctx *cc = ctx;
	int rc = dvcs_account_create_pending(c, cc->req->arena, track_app_of(cc->req), cc->link,
	                                     &cc->id, &cc->state);
	return rc < 0 ? rc : authorize_url(c, cc);
}

/* A text field of the form, bounded; NULL when absent. */
static int form_text(const char **out, web_request *req, const char *name, size_t max)
{
	const char *v = web_pairs_get(&req->form, name);
	*out = v;
	if (v && strlen(v) > max)
		return err_fail(WEFT_EINVALID, "The %s is too long.", name);
	return 0;
}

static int read_link_form(web_request *req, link_form *f)
{
	f->req.created_by = track_viewer_of(req)->user.id;
	f->host = web_pairs_get(&req->form, "host");
	int rc = form_text(&f->req.site_url, req, "site_url", 2048);
	if (rc == 0)
		rc = form_text(&f->req.account, req, "account", 255);
	if (rc == 0)
		rc = form_text(&f->req.oauth_key, req, "oauth_key", 255);
	if (rc == 0)
		rc = form_text(&f->req.oauth_secret, req, "oauth_secret", SECRET_MAX);
	if (rc == 0)
		rc = web_pairs_bool(&f->req.auto_link, &req->form, "auto_link", false);
	if (rc == 0)
		rc = web_pairs_bool(&f->req.smart_commits, &req->form, "smart_commits", false);
	if (rc == 0 && (!f->host || (strcmp(f->host, "weft") && strcmp(f->host, "bitbucket"))))
		rc = err_fail(WEFT_EINVALID, "Choose the host: weft hub or Bitbucket Cloud.");
	if (rc == 0 && strcmp(f->host, "bitbucket") == 0) {
		f->req.host_kind = DVCS_HOST_BITBUCKET;
		f->req.site_url = BITBUCKET_SITE;
	}
	return rc;
}

/* What to do about a failed link, after the connector's own words. */
static const char *with_hint(web_request *req, int rc, const char *message)
{
	const char *hint = "";
	if (rc == WEFT_EEXISTS)
		hint = " Find it in the list above; delete it first to link it again.";
	else if (rc == WEFT_EAUTH)
		hint = " Check the OAuth key and secret of the consumer on the host, and that it "
		       "may "
		       "administer the account's repositories.";
	return arena_printf(req->arena, "%s%s", message, hint);
}

int dvcs_account_add_submit(web_request *req, web_response *res)
{
	link_form f = { .req = { .host_kind = DVCS_HOST_WEFT } };
	consent_ctx cc = { .req = req, .link = &f.req };
	int rc = read_link_form(req, &f);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, create_pending, &cc);
	if (rc == WEFT_EINVALID || rc == WEFT_EEXISTS) {
		f.error = with_hint(req, rc, err_msg());
		return render(req, res, rc == WEFT_EINVALID ? 400 : 409, &f, NULL);
	}
	return rc < 0 ? rc : to_consent(req, res, &cc);
}

/* The host's words for a refused consent (error, error_description), bounded and on one line. */
static const char *consent_refusal(web_request *req, const char *error)
{
	if (strcmp(error, "access_denied") == 0)
		return "Access was not granted on the host, so the account is not linked. Add it "
		       "again and choose Grant access on the host's “Confirm access to your "
		       "account” page.";
	const char *description = web_query(req, "error_description");
	const char *line =
	        description && str_check_line("d", description, 300) == 0 ? description : "";
	return arena_printf(req->arena,
	                    "The authentication with the host has failed (%.64s%s%s). Please check "
	                    "your OAuth settings and add the account again.",
	                    str_check_line("e", error, 64) == 0 ? error : "invalid error",
	                    *line ? ": " : "", line);
}

int dvcs_callback_page(web_request *req, web_response *res)
{
	const char *error = web_query(req, "error"), *state = web_query(req, "state"),
	           *code = web_query(req, "code");
	link_form f = { .req = { .auto_link = true, .smart_commits = true } };
	int64_t id = 0;
	int rc = WEFT_EINVALID;
	if (error)
		f.error = consent_refusal(req, error);
	else if (!state || !code)
		f.error = "The host's answer lacks its code or its state: add the account again.";
	else if ((rc = dvcs_account_finish_consent(track_app_of(req), req->arena, state, code,
	                                           &id)) == 0) {
		web_res_redirect(req, res, 303,
		                 arena_printf(req->arena,
		                              DVCS_PAGE_PATH "?done=linked#account-%lld",
		                              (long long)id));
		return 0;
	} else if (rc == WEFT_ENOTFOUND)
		f.error =
		        "This answer of the host belongs to no account waiting for access (it was "
		        "used already, or the account was deleted): add the account again.";
	else if (rc == WEFT_EINVALID || rc == WEFT_EAUTH || rc == WEFT_EEXISTS || rc == WEFT_EPERM)
		f.error = with_hint(req, rc, err_msg());
	else
		return rc;
	f.req.site_url = NULL;
	return render(req, res, rc == WEFT_EEXISTS ? 409 : 400, &f, NULL);
}

static int reset_oauth(db_conn *c, void *ctx)
{
	consent_ctx *cc = ctx;
	dvcs_account acc;
	int rc = dvcs_admin_account(c, cc->req->arena, cc->id, &acc);
	if (rc == 0)
		rc = dvcs_account_reset_oauth(c, cc->req->arena, track_app_of(cc->req), cc->id,
		                              cc->key, cc->secret, &cc->state);
	return rc < 0 ? rc : authorize_url(c, cc);
}

int dvcs_account_oauth_submit(web_request *req, web_response *res)
{
	consent_ctx cc = { .req = req, .id = dvcs_web_id(req) };
	int rc = form_text(&cc.key, req, "oauth_key", 255);
	if (rc == 0)
		rc = form_text(&cc.secret, req, "oauth_secret", SECRET_MAX);
	if (rc == 0 && (!cc.key || !cc.secret))
		rc = err_fail(WEFT_EINVALID,
		              "Reset OAuth settings needs the new OAuth key and secret.");
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, reset_oauth, &cc);
	if (rc == WEFT_EINVALID)
		return render(req, res, 400, NULL,
		              arena_printf(req->arena, "Reset OAuth settings: %s", err_msg()));
	return rc < 0 ? rc : to_consent(req, res, &cc);
}

/* ---- the accounts' other actions ---- */

typedef struct action_ctx {
	web_request *req;
	int64_t id;
	bool a, b; /* the two checkboxes of the form */
	dvcs_account account;
	int64_t repo_count;
	dvcs_repo repo;
} action_ctx;

/* Back to the page, at the account or repository, with a notice. */
static int back(web_request *req, web_response *res, const char *done, const char *anchor,
                int64_t id)
{
	web_res_redirect(req, res, 303,
	                 arena_printf(req->arena, DVCS_PAGE_PATH "?done=%s#%s-%lld", done, anchor,
	                              (long long)id));
	return 0;
}

/* A form of two checkboxes, first and smart_commits, saved by fn; back to anchor's place. */
static int save_checkboxes(web_request *req, web_response *res, const char *first, db_fn fn,
                           const char *anchor)
{
	action_ctx ac = { .req = req, .id = dvcs_web_id(req) };
	int rc = web_pairs_bool(&ac.a, &req->form, first, false);
	if (rc == 0)
		rc = web_pairs_bool(&ac.b, &req->form, "smart_commits", false);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, fn, &ac);
	return rc < 0 ? rc : back(req, res, "saved", anchor, ac.id);
}

static int set_defaults(db_conn *c, void *ctx)
{
	action_ctx *ac = ctx;
	int rc = dvcs_admin_account(c, ac->req->arena, ac->id, &ac->account);
	return rc < 0 ? rc : dvcs_account_set_defaults(c, ac->id, ac->a, ac->b);
}

int dvcs_account_defaults_submit(web_request *req, web_response *res)
{
	return save_checkboxes(req, res, "auto_link", set_defaults, "account");
}

static int refresh(db_conn *c, void *ctx)
{
	action_ctx *ac = ctx;
	return dvcs_admin_refresh(c, ac->req->arena, ac->id);
}

int dvcs_account_refresh_submit(web_request *req, web_response *res)
{
	action_ctx ac = { .req = req, .id = dvcs_web_id(req) };
	int rc = db_tx(track_app_of(req)->d, refresh, &ac);
	if (rc == WEFT_ECONFLICT)
		return render(req, res, 409, NULL, err_msg());
	return rc < 0 ? rc : back(req, res, "refresh", "account", ac.id);
}

static int count_repos(db_conn *c, void *ctx)
{
	action_ctx *ac = ctx;
	int rc = dvcs_admin_account(c, ac->req->arena, ac->id, &ac->account);
	return rc < 0 ? rc : dvcs_repo_count(c, ac->id, &ac->repo_count);
}

int dvcs_account_delete_page(web_request *req, web_response *res)
{
	action_ctx ac = { .req = req, .id = dvcs_web_id(req) };
	int rc = db_read(track_app_of(req)->d, count_repos, &ac);
	if (rc < 0)
		return rc;
	json_t *data = json_pack(
	        "{s:b, s:I, s:s, s:s, s:s, s:b}", "tab_dvcs", true, "id", (json_int_t)ac.id,
	        "account", ac.account.account, "host", host_label(ac.account.host_kind),
	        "repo_count", thousands(req->arena, ac.repo_count), "one_repo", ac.repo_count == 1);
	return track_page(req, res, 200, "track/dvcs_delete", "Delete a DVCS account", data);
}

static int unlink_account(db_conn *c, void *ctx)
{
	action_ctx *ac = ctx;
	int rc = dvcs_admin_account(c, ac->req->arena, ac->id, &ac->account);
	return rc < 0 ? rc : dvcs_account_unlink(c, ac->req->arena, ac->id);
}

int dvcs_account_delete_submit(web_request *req, web_response *res)
{
	action_ctx ac = { .req = req, .id = dvcs_web_id(req) };
	int rc = db_tx(track_app_of(req)->d, unlink_account, &ac);
	if (rc == 0)
		web_res_redirect(req, res, 303, DVCS_PAGE_PATH "?done=deleted");
	return rc;
}

/* ---- the repositories' actions ---- */

static int set_repo(db_conn *c, void *ctx)
{
	action_ctx *ac = ctx;
	return dvcs_admin_set_repo(c, ac->req->arena, ac->id, &ac->a, &ac->b, &ac->repo);
}

int dvcs_repo_settings_submit(web_request *req, web_response *res)
{
	return save_checkboxes(req, res, "linked", set_repo, "repo");
}

static int sync_repo(db_conn *c, void *ctx)
{
	action_ctx *ac = ctx;
	return dvcs_admin_sync(c, ac->req->arena, ac->id, ac->a, &ac->repo);
}

int dvcs_repo_sync_submit(web_request *req, web_response *res)
{
	action_ctx ac = { .req = req, .id = dvcs_web_id(req) };
	int rc = web_pairs_bool(&ac.a, &req->form, "full", false);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, sync_repo, &ac);
	if (rc == WEFT_ECONFLICT)
		return render(req, res, 409, NULL, err_msg());
	return rc < 0 ? rc : back(req, res, "sync", "repo", ac.id);
}

/* ---- webhooks an unlink left on a host ---- */

static int forget_left_hook(db_conn *c, void *ctx)
{
	const action_ctx *ac = ctx;
	return dvcs_left_hook_forget(c, ac->id);
}

int dvcs_left_hook_forget_submit(web_request *req, web_response *res)
{
	action_ctx ac = { .req = req, .id = dvcs_web_id(req) };
	int rc = db_tx(track_app_of(req)->d, forget_left_hook, &ac);
	if (rc == 0)
		web_res_redirect(req, res, 303, DVCS_PAGE_PATH "?done=forgotten");
	return rc;
}
