/* The pages of signing in and out, and the dashboard. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "hub/account/confirm.h"
#include "hub/team/activity.h"
#include "hub/hub.h"
#include "hub/pull/pull_web.h"
#include "hub/repo/recent.h"
#include "hub/team/team.h"

enum { SESSION_LIFETIME_MS = 14LL * 24 * 60 * 60 * 1000 };

static int login_form(web_request *req, web_response *res, int status, const char *login,
                      const char *error)
{
	json_t *data = json_pack("{s:s?, s:s?, s:s}", "login", login, "error", error, "next",
	                         web_local_path(web_query(req, "next"), "/dashboard"));
	return hub_page(req, res, status, "login", "Sign in", data);
}

int hub_login_page(web_request *req, web_response *res)
{
	if (hub_viewer_of(req)) {
		web_res_redirect(req, res, 303,
		                 web_local_path(web_query(req, "next"), "/dashboard"));
		return 0;
	}
	return login_form(req, res, 200, NULL, NULL);
}

typedef struct session_ctx {
	int64_t user_id;
	char token[WEB_TOKEN_LEN + 1];
	web_session session;
} session_ctx;

static int start_session(db_conn *c, void *ctx)
{
	session_ctx *sc = ctx;
	return web_session_create(c, sc->user_id, SESSION_LIFETIME_MS, sc->token, &sc->session);
}

int hub_login_submit(web_request *req, web_response *res)
{
	const char *login = web_pairs_get(&req->form, "login");
	const char *password = web_pairs_get(&req->form, "password");
	if (!login || !password)
		return login_form(req, res, 400, login,
		                  "Enter your username or email and password.");
	hub_viewer signed_in;
	int64_t retry_after;
	int rc = hub_sign_in(req, login, password, &signed_in, &retry_after);
	if (rc == WEFT_ELIMIT) {
		char seconds[24];
		snprintf(seconds, sizeof seconds, "%lld", (long long)retry_after);
		web_res_header(req, res, "Retry-After", seconds);
	}
	if (rc == WEFT_EAUTH || rc == WEFT_ELIMIT)
		return login_form(req, res, rc == WEFT_EAUTH ? 401 : 429, login, err_msg());
	/* A new id at every sign-in: a session id planted before it is worth nothing. */
	session_ctx sc = { .user_id = signed_in.user.id };
	if (rc == 0)
		rc = db_tx(hub_app_of(req)->d, start_session, &sc);
	if (rc < 0)
		return rc;
	web_cookie_set(req, res, HUB_SESSION_COOKIE, sc.token, SESSION_LIFETIME_MS / 1000);
	web_res_redirect(req, res, 303,
	                 web_local_path(web_pairs_get(&req->form, "next"), "/dashboard"));
	return 0;
}

static int end_session(db_conn *c, void *ctx)
{
	const hub_viewer *v = ctx;
	return web_session_end(c, v->session.id);
}

int hub_logout_submit(web_request *req, web_response *res)
{
	hub_viewer *v = hub_viewer_of(req);
	if (v && v->session.id) {
		int rc = db_tx(hub_app_of(req)->d, end_session, v);
		if (rc < 0)
			return rc;
	}
	web_cookie_set(req, res, HUB_SESSION_COOKIE, "", 0);
	web_res_redirect(req, res, 303, "/");
	return 0;
}

enum { DASHBOARD_ACTIVITY = 15, DASHBOARD_REPOS = 10 };

typedef struct dashboard_ctx {
	web_request *req;
	hub_membership *teams;
	size_t nteams;
	activity_item *activity;
	size_t nactivity;
	hub_recent_repo *repos;
	size_t nrepos;
	json_t *pulls; /* "Your pull requests" */
	json_t *reviews; /* "To review" */
} dashboard_ctx;

static int load_dashboard(db_conn *c, void *ctx)
{
	dashboard_ctx *dc = ctx;
	const hub_user *user = &hub_viewer_of(dc->req)->user;
	int rc =
	        hub_team_list_for_user(c, dc->req->arena, user->id, false, &dc->teams, &dc->nteams);
	if (rc == 0)
		rc = hub_activity_for_user(c, dc->req->arena, user->id, user->is_admin,
		                           DASHBOARD_ACTIVITY, &dc->activity, &dc->nactivity);
	if (rc == 0)
		rc = hub_repo_recent(c, dc->req->arena, user->id, DASHBOARD_REPOS, &dc->repos,
		                     &dc->nrepos);
	if (rc == 0)
		rc = hub_pull_dashboard(c, dc->req, user->id, &dc->pulls, &dc->reviews);
	return rc;
}

static json_t *repos_json(const dashboard_ctx *dc)
{
	json_t *items = json_array();
	for (size_t i = 0; i < dc->nrepos; i++) {
		const hub_recent_repo *r = &dc->repos[i];
		char when[CLOCK_ISO_LEN];
		clock_format_iso8601(when, r->active_at);
		json_array_append_new(items,
		                      json_pack("{s:s, s:s, s:s, s:b, s:s}", "workspace",
		                                r->workspace, "slug", r->slug, "name", r->name,
		                                "is_private", r->is_private, "when", when));
	}
	return items;
}

static json_t *activity_json(const dashboard_ctx *dc)
{
	json_t *items = json_array();
	for (size_t i = 0; i < dc->nactivity; i++) {
		char when[CLOCK_ISO_LEN];
		clock_format_iso8601(when, dc->activity[i].created_at);
		json_array_append_new(items, json_pack("{s:s, s:s?, s:s}", "summary",
		                                       dc->activity[i].summary, "workspace",
		                                       dc->activity[i].workspace, "when", when));
	}
	return items;
}

int hub_dashboard_page(web_request *req, web_response *res)
{
	const hub_viewer *v = hub_viewer_of(req);
	dashboard_ctx dc = { .req = req };
	int rc = db_read(hub_app_of(req)->d, load_dashboard, &dc);
	if (rc < 0)
		return rc;
	json_t *teams = json_array();
	for (size_t i = 0; i < dc.nteams; i++)
		json_array_append_new(teams,
		                      json_pack("{s:s, s:s, s:s}", "slug", dc.teams[i].ws.slug,
		                                "name", dc.teams[i].ws.name, "role",
		                                hub_member_role_name(dc.teams[i].role)));
	json_t *data =
	        json_pack("{s:s, s:s?, s:b, s:b, s:o, s:o, s:o, s:o, s:o}", "display_name",
	                  v->user.display_name, "email", v->user.email, "email_confirmed",
	                  v->user.email_confirmed, "resent", web_query(req, "resent") != NULL,
	                  "teams", teams, "activity", activity_json(&dc), "repos", repos_json(&dc),
	                  "pulls", dc.pulls, "reviews", dc.reviews);
	return hub_page(req, res, 200, "hub/dashboard", "Dashboard", data);
}

/* ---- sign up and confirmation ---- */

static int signup_form(web_request *req, web_response *res, int status, const char *error)
{
	json_t *data = json_pack("{s:s?, s:s?, s:s?, s:s?}", "username",
	                         web_pairs_get(&req->form, "username"), "email",
	                         web_pairs_get(&req->form, "email"), "display_name",
	                         web_pairs_get(&req->form, "display_name"), "error", error);
	return hub_page(req, res, status, "hub/signup", "Sign up", data);
}

int hub_signup_page(web_request *req, web_response *res)
{
	if (hub_viewer_of(req)) {
		web_res_redirect(req, res, 303, "/dashboard");
		return 0;
	}
	return signup_form(req, res, 200, NULL);
}

typedef struct signup_ctx {
	web_request *req;
	account_new n;
	hub_user user;
	session_ctx session;
} signup_ctx;

/* The account, its confirmation mail and its first session: one transaction, all or nothing. */
static int sign_up(db_conn *c, void *ctx)
{
	signup_ctx *sc = ctx;
	int rc = hub_confirm_sign_up(c, sc->req->arena, &sc->n, web_base_url(sc->req), &sc->user);
	sc->session.user_id = sc->user.id;
	if (rc == 0)
		rc = start_session(c, &sc->session);
	return rc;
}

static const char *field_or_empty(web_request *req, const char *name)
{
	const char *v = web_pairs_get(&req->form, name);
	return v ? v : "";
}

int hub_signup_submit(web_request *req, web_response *res)
{
	signup_ctx sc = { .req = req };
	sc.n = (account_new){ field_or_empty(req, "username"),
		              field_or_empty(req, "email"),
		              field_or_empty(req, "password"),
		              web_pairs_get(&req->form, "display_name"),
		              false,
		              false };
	int rc = db_tx(hub_app_of(req)->d, sign_up, &sc);
	if (rc == WEFT_EINVALID || rc == WEFT_EEXISTS)
		return signup_form(req, res, rc == WEFT_EINVALID ? 400 : 409, err_msg());
	if (rc < 0)
		return rc;
	web_cookie_set(req, res, HUB_SESSION_COOKIE, sc.session.token, SESSION_LIFETIME_MS / 1000);
	web_res_redirect(req, res, 303, "/dashboard");
	return 0;
}

typedef struct follow_ctx {
	const char *token;
	int64_t user_id;
} follow_ctx;

static int follow(db_conn *c, void *ctx)
{
	follow_ctx *fc = ctx;
	return hub_confirm_follow(c, fc->token, &fc->user_id);
}

int hub_confirm_page(web_request *req, web_response *res)
{
	follow_ctx fc = { web_param(req, "token"), 0 };
	int rc = db_tx(hub_app_of(req)->d, follow, &fc);
	if (rc < 0 && rc != WEFT_ENOTFOUND)
		return rc;
	json_t *data =
	        json_pack("{s:b, s:s?}", "confirmed", rc == 0, "error", rc == 0 ? NULL : err_msg());
	return hub_page(req, res, rc == 0 ? 200 : 404, "hub/confirm", "Confirm your email", data);
}

typedef struct resend_ctx {
	web_request *req;
} resend_ctx;

static int resend(db_conn *c, void *ctx)
{
	resend_ctx *rc = ctx;
	return hub_confirm_send(c, &hub_viewer_of(rc->req)->user, web_base_url(rc->req));
}

int hub_confirm_resend_submit(web_request *req, web_response *res)
{
	resend_ctx ctx = { req };
	int rc = db_tx(hub_app_of(req)->d, resend, &ctx);
	if (rc < 0)
		return rc;
	web_res_redirect(req, res, 303, "/dashboard?resent=1");
	return 0;
}
