/* Who is calling track: a session cookie (browsers, pages only), HTTP Basic with an email and an
 * API token (Jira Cloud's convention) or a username or email and the password, or a Bearer
 * personal access token (Jira Data Center's). Failed Basic sign-ins are throttled like the
 * sign-in form. Also the site-level part of authorization and the CSRF check. */
#include <string.h>

#include "base/err.h"
#include "track/account/account.h"
#include "track/account/account_web.h"
#include "track/account/token.h"
#include "track/track_perm.h"
#include "web/throttle.h"

typedef struct auth_ctx {
	web_request *req;
	const char *token; /* the session cookie, or the Bearer token */
	const char *login; /* Basic credentials */
	const char *password;
	bool api_tokens; /* Basic: an API token may stand in for the password */
	track_viewer *viewer;
} auth_ctx;

static int load_session(db_conn *c, void *ctx)
{
	auth_ctx *ac = ctx;
	track_viewer *v = ac->viewer;
	int rc = web_session_find(c, ac->token, &v->session);
	if (rc == 0)
		rc = track_account_find_id(c, ac->req->arena, v->session.user_id, &v->user);
	if (rc == 0 && !v->user.is_active)
		rc = err_fail(WEFT_ENOTFOUND, "deactivated");
	return rc;
}

/* One attempt (throttle_sign_in throttles it): an API token when the secret has a token's
 * shape and tokens are allowed, the account password otherwise. */
static int check_password(db_conn *c, void *ctx)
{
	auth_ctx *ac = ctx;
	if (ac->api_tokens && track_token_looks_like(ac->password, TRACK_TOKEN_API))
		return track_token_authenticate(c, ac->req->arena, TRACK_TOKEN_API, ac->login,
		                                ac->password, &ac->viewer->user);
	return track_account_authenticate(c, ac->req->arena, ac->login, ac->password,
	                                  &ac->viewer->user);
}

/* The account the login names, which the throttle counts whichever name reached it. */
static int find_account(db_conn *c, void *ctx, int64_t *account_id)
{
	auth_ctx *ac = ctx;
	track_user user;
	int rc = track_account_find_login(c, ac->req->arena, ac->login, &user);
	*account_id = rc == 0 ? user.id : 0;
	return rc;
}

static int sign_in(web_request *req, const char *login, const char *password, bool api_tokens,
                   track_viewer *out, int64_t *retry_after)
{
	auth_ctx ac = { .req = req,
		        .login = login,
		        .password = password,
		        .api_tokens = api_tokens,
		        .viewer = out };
	return throttle_sign_in(req, track_app_of(req)->d, login, find_account, check_password, &ac,
	                        retry_after);
}

int track_sign_in(web_request *req, const char *login, const char *password, track_viewer *out,
                  int64_t *retry_after)
{
	return sign_in(req, login, password, false, out, retry_after);
}

static int check_bearer(db_conn *c, void *ctx)
{
	auth_ctx *ac = ctx;
	return track_token_authenticate(c, ac->req->arena, TRACK_TOKEN_PAT, NULL, ac->token,
	                                &ac->viewer->user);
}

/* Credentials in the request: Basic, else Bearer. WEFT_ENOTFOUND when there are none. */
static int authenticate_request(web_request *req, track_viewer *v)
{
	const char *login = NULL, *password = NULL;
	int rc = web_basic_credentials(req, &login, &password);
	if (rc == 0) {
		int64_t retry_after = 0;
		rc = sign_in(req, login, password, true, v, &retry_after);
		if (rc == WEFT_ELIMIT)
			req->retry_after_s = retry_after;
		return rc;
	}
	const char *bearer = web_bearer_token(req);
	if (rc != WEFT_ENOTFOUND || !bearer)
		return rc;
	/* A PAT holds 256 random bits: guessing is hopeless, so there is no count to keep. */
	auth_ctx ac = { .req = req, .token = bearer, .viewer = v };
	return db_tx(track_app_of(req)->d, check_bearer, &ac);
}

int track_authenticate(web_request *req)
{
	track_viewer *v = arena_alloc(req->arena, sizeof *v);
	int rc = authenticate_request(req, v);
	if (rc == 0)
		req->user = v;
	if (rc != WEFT_ENOTFOUND)
		return rc;
	/* The API answers only credentials in the request: a session cookie there would let any
	 * site's page call it with the visitor's rights. */
	const char *token = web_cookie(req, TRACK_SESSION_COOKIE);
	if (!token || (req->route->flags & WEB_API))
		return 0;
	auth_ctx ac = { .req = req, .token = token, .viewer = v };
	rc = db_read(track_app_of(req)->d, load_session, &ac);
	if (rc == 0) {
		req->user = v;
		req->session = &v->session;
	}
	/* A stale cookie is just no session: the page asks to sign in again. */
	return rc == WEFT_ENOTFOUND ? 0 : rc;
}

int track_authorize(web_request *req)
{
	const track_viewer *v = track_viewer_of(req);
	int permission = req->route->permission;
	if (permission == TRACK_PERM_NONE)
		return 0;
	if (!v)
		return err_fail(WEFT_EAUTH, "You need to sign in first.");
	if (permission == TRACK_PERM_SITE_ADMIN && v->user.is_admin)
		return 0;
	/* The administrators' pages do not exist for others; the API says why it refuses. */
	if (permission == TRACK_PERM_SITE_ADMIN && (req->route->flags & WEB_API))
		return err_fail(WEFT_EPERM, "You must be a site administrator to do this.");
	if (permission == TRACK_PERM_SITE_ADMIN)
		return err_fail(WEFT_ENOTFOUND, "There is nothing at this address.");
	return track_perm_authorize(req);
}

int track_check_csrf(web_request *req)
{
	const track_viewer *v = track_viewer_of(req);
	return web_csrf_check_route(req, v && v->session.id ? &v->session : NULL, v != NULL,
	                            TRACK_CSRF_COOKIE);
}
