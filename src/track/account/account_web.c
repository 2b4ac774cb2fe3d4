/* The pages of signing in and out, self sign-up (when the administrators opened it), setting a
 * password from an invitation link, and the dashboard. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "track/account/account.h"
#include "track/account/account_web.h"
#include "track/account/invite.h"
#include "track/issue/issue.h"
#include "track/project/project.h"
#include "track/search/search.h"

static const char *form_field(web_request *req, const char *name)
{
	const char *v = web_pairs_get(&req->form, name);
	return v ? v : "";
}

static const char *next_path(web_request *req)
{
	const char *next = web_pairs_get(&req->form, "next");
	return web_local_path(next ? next : web_query(req, "next"), "/dashboard");
}

static int login_form(web_request *req, web_response *res, int status, const char *error)
{
	json_t *data = json_pack("{s:s?, s:s?, s:s}", "login", web_pairs_get(&req->form, "login"),
	                         "error", error, "next", next_path(req));
	return track_page(req, res, status, "login", "Sign in", data);
}

int track_login_page(web_request *req, web_response *res)
{
	if (track_viewer_of(req)) {
		web_res_redirect(req, res, 303, next_path(req));
		return 0;
	}
	return login_form(req, res, 200, NULL);
}

int track_login_submit(web_request *req, web_response *res)
{
	track_viewer signed_in;
	int64_t retry_after = 0;
	int rc = track_sign_in(req, form_field(req, "login"), form_field(req, "password"),
	                       &signed_in, &retry_after);
	if (rc == WEFT_ELIMIT)
		web_res_header(req, res, "Retry-After",
		               arena_printf(req->arena, "%lld", (long long)retry_after));
	if (rc == WEFT_EAUTH || rc == WEFT_ELIMIT)
		return login_form(req, res, rc == WEFT_EAUTH ? 401 : 429, err_msg());
	if (rc == 0)
		rc = web_session_start(req, res, track_app_of(req)->d, signed_in.user.id,
		                       TRACK_SESSION_LIFETIME_MS, TRACK_SESSION_COOKIE);
	if (rc == 0)
		web_res_redirect(req, res, 303, next_path(req));
	return rc;
}

static int end_session(db_conn *c, void *ctx)
{
	const track_viewer *v = ctx;
	return web_session_end(c, v->session.id);
}

int track_logout_submit(web_request *req, web_response *res)
{
	track_viewer *v = track_viewer_of(req);
	int rc = v && v->session.id ? db_tx(track_app_of(req)->d, end_session, v) : 0;
	if (rc < 0)
		return rc;
	web_cookie_set(req, res, TRACK_SESSION_COOKIE, "", 0);
	web_res_redirect(req, res, 303, "/");
	return 0;
}

/* ---- self sign-up ---- */

static int read_signup_open(db_conn *c, void *ctx)
{
	return track_site_signup_open(c, ctx);
}

/* Sign-up pages exist only while sign-up is open. */
static int check_signup_open(web_request *req)
{
	bool open = false;
	int rc = db_read(track_app_of(req)->d, read_signup_open, &open);
	if (rc == 0 && !open)
		rc = err_fail(WEFT_ENOTFOUND, "Sign-up is closed: ask an administrator for an "
		                              "account.");
	return rc;
}

static int signup_form(web_request *req, web_response *res, int status, const char *error)
{
	json_t *data = json_pack("{s:s?, s:s?, s:s?, s:s?}", "username",
	                         web_pairs_get(&req->form, "username"), "email",
	                         web_pairs_get(&req->form, "email"), "display_name",
	                         web_pairs_get(&req->form, "display_name"), "error", error);
	return track_page(req, res, status, "track/signup", "Sign up", data);
}

int track_signup_page(web_request *req, web_response *res)
{
	int rc = check_signup_open(req);
	if (rc < 0)
		return rc;
	if (track_viewer_of(req)) {
		web_res_redirect(req, res, 303, "/dashboard");
		return 0;
	}
	return signup_form(req, res, 200, NULL);
}

typedef struct signup_ctx {
	web_request *req;
	track_account_new n;
	track_user user;
} signup_ctx;

/* The check and the account in one transaction: closing sign-up meanwhile wins. */
static int sign_up(db_conn *c, void *ctx)
{
	signup_ctx *sc = ctx;
	bool open = false;
	int rc = track_site_signup_open(c, &open);
	if (rc == 0 && !open)
		rc = err_fail(WEFT_ENOTFOUND, "Sign-up is closed: ask an administrator for an "
		                              "account.");
	return rc < 0 ? rc : track_account_create(c, sc->req->arena, &sc->n, &sc->user);
}

int track_signup_submit(web_request *req, web_response *res)
{
	signup_ctx sc = { .req = req };
	sc.n = (track_account_new){ form_field(req, "username"), form_field(req, "email"),
		                    form_field(req, "password"),
		                    web_pairs_get(&req->form, "display_name"), false };
	int rc = db_tx(track_app_of(req)->d, sign_up, &sc);
	if (rc == WEFT_EINVALID || rc == WEFT_EEXISTS)
		return signup_form(req, res, rc == WEFT_EINVALID ? 400 : 409, err_msg());
	if (rc == 0)
		rc = web_session_start(req, res, track_app_of(req)->d, sc.user.id,
		                       TRACK_SESSION_LIFETIME_MS, TRACK_SESSION_COOKIE);
	if (rc == 0)
		web_res_redirect(req, res, 303, "/dashboard");
	return rc;
}

/* ---- invitations: choosing a password ---- */

typedef struct invite_ctx {
	web_request *req;
	const char *password; /* NULL: only look the link up */
	track_user user;
} invite_ctx;

static int use_invite(db_conn *c, void *ctx)
{
	invite_ctx *ic = ctx;
	const char *token = web_param(ic->req, "token");
	if (!ic->password)
		return track_invite_find(c, ic->req->arena, token, &ic->user);
	return track_invite_accept(c, ic->req->arena, token, ic->password, &ic->user);
}

static int set_password_form(web_request *req, web_response *res, int status, const track_user *u,
                             const char *error)
{
	json_t *data = json_pack("{s:s, s:s, s:s?}", "username", u->username, "token",
	                         web_param(req, "token"), "error", error);
	return track_page(req, res, status, "track/set_password", "Choose your password", data);
}

int track_set_password_page(web_request *req, web_response *res)
{
	invite_ctx ic = { .req = req };
	int rc = db_read(track_app_of(req)->d, use_invite, &ic);
	return rc < 0 ? rc : set_password_form(req, res, 200, &ic.user, NULL);
}

int track_set_password_submit(web_request *req, web_response *res)
{
	invite_ctx ic = { .req = req, .password = form_field(req, "password") };
	int rc = strcmp(ic.password, form_field(req, "confirm")) == 0
	                 ? db_tx(track_app_of(req)->d, use_invite, &ic)
	                 : err_fail(WEFT_EINVALID, "Password: the two entries differ.");
	if (rc == WEFT_EINVALID) {
		char message[512];
		snprintf(message, sizeof message, "%s", err_msg());
		ic.password = NULL;
		rc = db_read(track_app_of(req)->d, use_invite, &ic);
		return rc < 0 ? rc : set_password_form(req, res, 400, &ic.user, message);
	}
	if (rc == 0)
		rc = web_session_start(req, res, track_app_of(req)->d, ic.user.id,
		                       TRACK_SESSION_LIFETIME_MS, TRACK_SESSION_COOKIE);
	if (rc == 0)
		web_res_redirect(req, res, 303, "/dashboard");
	return rc;
}

/* ---- the dashboard ---- */

enum { DASHBOARD_ISSUES = 10 };

/* A dashboard section: the first issues of a JQL search, as the viewer may see them. */
typedef struct issue_list {
	const char *jql;
	track_issue *issues;
	size_t n;
} issue_list;

typedef struct dashboard_ctx {
	web_request *req;
	issue_list assigned, updated;
	track_project *projects;
	size_t nprojects;
} dashboard_ctx;

static int load_issues(db_conn *c, web_request *req, issue_list *list)
{
	const track_user *u = &track_viewer_of(req)->user;
	track_search_page page;
	int rc = track_search_run(c, req->arena, u, list->jql, 0, DASHBOARD_ISSUES, false,
	                          clock_now_ms(), &page);
	list->issues = arena_array(req->arena, page.n ? page.n : 1, sizeof *list->issues);
	for (size_t i = 0; rc == 0 && i < page.n; i++)
		rc = track_issue_get(c, req->arena, page.ids[i], &list->issues[list->n++]);
	return rc;
}

static int load_dashboard(db_conn *c, void *ctx)
{
	dashboard_ctx *dc = ctx;
	const track_user *u = &track_viewer_of(dc->req)->user;
	int rc = load_issues(c, dc->req, &dc->assigned);
	if (rc == 0)
		rc = load_issues(c, dc->req, &dc->updated);
	if (rc == 0)
		rc = track_project_list(c, dc->req->arena, u->id, u->is_admin, &dc->projects,
		                        &dc->nprojects);
	return rc;
}

static json_t *issues_json(const issue_list *list)
{
	json_t *items = json_array();
	for (size_t i = 0; i < list->n; i++) {
		const track_issue *is = &list->issues[i];
		char updated[CLOCK_ISO_LEN];
		clock_format_iso8601(updated, is->updated_at);
		json_array_append_new(items,
		                      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "key", is->key,
		                                "summary", is->summary, "status", is->status_name,
		                                "category", is->status_category, "type",
		                                is->type_name, "updated", updated));
	}
	return items;
}

int track_dashboard_page(web_request *req, web_response *res)
{
	const track_user *u = &track_viewer_of(req)->user;
	dashboard_ctx dc = { .req = req,
		             .assigned.jql = "assignee = currentUser() AND resolution IS EMPTY"
		                             " ORDER BY updated DESC",
		             .updated.jql = "ORDER BY updated DESC" };
	int rc = db_read(track_app_of(req)->d, load_dashboard, &dc);
	if (rc < 0)
		return rc;
	json_t *projects = json_array();
	for (size_t i = 0; i < dc.nprojects; i++)
		json_array_append_new(projects, json_pack("{s:s, s:s}", "key", dc.projects[i].key,
		                                          "name", dc.projects[i].name));
	json_t *data =
	        json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:o, s:b, s:o, s:b}", "display_name",
	                  u->display_name, "username", u->username, "email", u->email, "account_id",
	                  u->account_id, "projects", projects, "has_projects", dc.nprojects > 0,
	                  "assigned", issues_json(&dc.assigned), "has_assigned", dc.assigned.n > 0,
	                  "updated", issues_json(&dc.updated), "has_updated", dc.updated.n > 0);
	return track_page(req, res, 200, "track/dashboard", "Dashboard", data);
}
