/* Who is calling hub: a session cookie (browsers), or HTTP Basic with a username or email and a
 * password or app password (API clients, git). Failed Basic sign-ins are throttled like the
 * sign-in form, which takes the account password only. */
#include <string.h>

#include "base/err.h"
#include "hub/account/app_password.h"
#include "hub/hub.h"
#include "web/throttle.h"

typedef struct auth_ctx {
	web_request *req;
	const char *token; /* the session cookie */
	const char *login; /* Basic credentials */
	const char *password;
	bool app_passwords; /* Basic auth: an app password may stand in for the password */
	hub_viewer *viewer;
} auth_ctx;

static int load_session(db_conn *c, void *ctx)
{
	auth_ctx *ac = ctx;
	hub_viewer *v = ac->viewer;
	int rc = web_session_find(c, ac->token, &v->session);
	if (rc == 0)
		rc = hub_account_find_id(c, ac->req->arena, v->session.user_id, &v->user);
	if (rc == 0 && !v->user.is_active)
		rc = err_fail(WEFT_ENOTFOUND, "deactivated");
	return rc;
}

/* One sign-in attempt (throttle_sign_in throttles it): an app password (looked up by digest,
 * cheap), else the account password (argon2id, unless verified a moment ago). */
static int check_password(db_conn *c, void *ctx)
{
	auth_ctx *ac = ctx;
	int rc = WEFT_EAUTH;
	if (ac->app_passwords)
		rc = hub_app_password_authenticate(c, ac->req->arena, ac->login, ac->password,
		                                   &ac->viewer->user, &ac->viewer->scopes);
	if (rc == WEFT_EAUTH)
		rc = hub_account_authenticate(c, ac->req->arena, ac->login, ac->password,
		                              &ac->viewer->user);
	return rc;
}

/* The account the login names, which the throttle counts whichever name reached it. */
static int find_account(db_conn *c, void *ctx, int64_t *account_id)
{
	auth_ctx *ac = ctx;
	hub_user user;
	int rc = hub_account_find_login(c, ac->req->arena, ac->login, &user, NULL);
	*account_id = rc == 0 ? user.id : 0;
	return rc;
}

static int sign_in(web_request *req, const char *login, const char *password, bool app_passwords,
                   hub_viewer *out, int64_t *retry_after)
{
	auth_ctx ac = { .req = req,
		        .login = login,
		        .password = password,
		        .app_passwords = app_passwords,
		        .viewer = out };
	return throttle_sign_in(req, hub_app_of(req)->d, login, find_account, check_password, &ac,
	                        retry_after);
}

int hub_sign_in(web_request *req, const char *login, const char *password, hub_viewer *out,
                int64_t *retry_after)
{
	return sign_in(req, login, password, false, out, retry_after);
}

int hub_authenticate(web_request *req)
{
	hub_viewer *v = arena_alloc(req->arena, sizeof *v);
	const char *login = NULL, *password = NULL;
	int rc = web_basic_credentials(req, &login, &password);
	if (rc != WEFT_ENOTFOUND) {
		int64_t retry_after = 0;
		if (rc == 0)
			rc = sign_in(req, login, password, true, v, &retry_after);
		if (rc == WEFT_ELIMIT)
			req->retry_after_s = retry_after;
		if (rc < 0)
			return rc;
		req->user = v;
		return 0;
	}
	/* The API and git (WEB_CHALLENGE) answer only credentials in the request: a session
	 * cookie there would let any site's page call them with the visitor's rights. */
	const char *token = web_cookie(req, HUB_SESSION_COOKIE);
	if (!token || (req->route->flags & (WEB_API | WEB_CHALLENGE)))
		return 0;
	auth_ctx ac = { .req = req, .token = token, .viewer = v };
	rc = db_read(hub_app_of(req)->d, load_session, &ac);
	if (rc == 0) {
		req->user = v;
		req->session = &v->session;
	}
	/* A stale cookie is just no session: the page asks to sign in again. */
	return rc == WEFT_ENOTFOUND ? 0 : rc;
}

int hub_check_csrf(web_request *req)
{
	/* API routes take no cookies (hub_authenticate): the credentials a forged request could
	 * carry are Basic ones a browser remembers, and a browser tells where it was. Pages: the
	 * session's token, or for anyone else (Basic included) the double-submit cookie, which
	 * another site cannot read. */
	const hub_viewer *v = hub_viewer_of(req);
	return web_csrf_check_route(req, v && v->session.id ? &v->session : NULL, v != NULL,
	                            HUB_CSRF_COOKIE);
}
