/* Who is calling track: a session cookie (browsers, pages only), HTTP Basic with an email and an
 * API token (Jira Cloud's convention) or a username or email and the password, a Bearer
 * personal access token (Jira Data Center's), or an API session's cookie (Jira Server's
 * JSESSIONID, the API only). Failed Basic sign-ins are throttled like the sign-in form. Also the
 * site-level part of authorization and the CSRF check. */
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/err.h"
#include "track/account/account.h"
#include "track/account/api_session.h"
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
	/* a sign-in that starts an API session: its lifetime, its cookie value, the statistics */
	int64_t api_lifetime_ms;
	char *api_token;
	track_login_info *info;
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

static int load_api_session(db_conn *c, void *ctx)
{
	auth_ctx *ac = ctx;
	track_viewer *v = ac->viewer;
	int64_t user_id = 0;
	int rc = track_api_session_find(c, ac->token, &v->api_session_id, &user_id);
	if (rc == 0)
		rc = track_account_find_id(c, ac->req->arena, user_id, &v->user);
	if (rc == 0 && !v->user.is_active)
		rc = err_fail(WEFT_ENOTFOUND, "deactivated");
	return rc;
}

/* A sign-in with the password (the form, an API session) succeeded: counted, and the API
 * session started when one was asked for. */
static int signed_in(db_conn *c, auth_ctx *ac)
{
	int64_t user_id = ac->viewer->user.id;
	int rc = track_login_record_success(c, user_id, clock_now_ms());
	if (rc == 0 && ac->api_token)
		rc = track_api_session_create(c, user_id, ac->api_lifetime_ms, ac->api_token,
		                              &ac->viewer->api_session_id);
	if (rc == 0 && ac->info)
		rc = track_login_info_get(c, user_id, ac->info);
	return rc;
}

/* It failed: counted for the account the login names, if any (the throttle commits it). */
static int sign_in_failed(db_conn *c, auth_ctx *ac)
{
	track_user user;
	int rc = track_account_find_login(c, ac->req->arena, ac->login, &user);
	if (rc == 0)
		rc = track_login_record_failure(c, user.id, clock_now_ms());
	if (rc < 0 && rc != WEFT_ENOTFOUND)
		return rc;
	return err_fail(WEFT_EAUTH, "Incorrect username or password.");
}

/* One attempt (throttle_sign_in throttles it): an API token when the secret has a token's
 * shape and tokens are allowed, the account password otherwise. Only the sign-ins of a person
 * (the form, an API session) count in the statistics, not every request with Basic. */
static int check_password(db_conn *c, void *ctx)
{
	auth_ctx *ac = ctx;
	if (ac->api_tokens && track_token_looks_like(ac->password, TRACK_TOKEN_API))
		return track_token_authenticate(c, ac->req->arena, TRACK_TOKEN_API, ac->login,
		                                ac->password, &ac->viewer->user);
	int rc = track_account_authenticate(c, ac->req->arena, ac->login, ac->password,
	                                    &ac->viewer->user);
	if (ac->api_tokens)
		return rc;
	if (rc == WEFT_EAUTH)
		return sign_in_failed(c, ac);
	return rc == 0 ? signed_in(c, ac) : rc;
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

static int sign_in(auth_ctx *ac, int64_t *retry_after)
{
	return throttle_sign_in(ac->req, track_app_of(ac->req)->d, ac->login, find_account,
	                        check_password, ac, retry_after);
}

int track_sign_in(web_request *req, const char *login, const char *password, track_viewer *out,
                  int64_t *retry_after)
{
	*out = (track_viewer){ 0 };
	auth_ctx ac = { .req = req, .login = login, .password = password, .viewer = out };
	return sign_in(&ac, retry_after);
}

int track_sign_in_api(web_request *req, const char *login, const char *password,
                      int64_t lifetime_ms, track_viewer *out, char token[WEB_TOKEN_LEN + 1],
                      track_login_info *info, int64_t *retry_after)
{
	*out = (track_viewer){ 0 };
	auth_ctx ac = { .req = req,
		        .login = login,
		        .password = password,
		        .viewer = out,
		        .api_lifetime_ms = lifetime_ms,
		        .api_token = token,
		        .info = info };
	return sign_in(&ac, retry_after);
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
		auth_ctx ac = { .req = req,
			        .login = login,
			        .password = password,
			        .api_tokens = true,
			        .viewer = v };
		rc = sign_in(&ac, &retry_after);
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

/* The API takes no page session: a page's cookie there would let any site's page call it with
 * the visitor's rights. It takes its own session's cookie, on /rest paths only, which
 * track_check_csrf holds to what a cross-site form cannot send. */
static int authenticate_cookie(web_request *req, track_viewer *v)
{
	bool api = req->route->flags & WEB_API;
	const char *token = api ? web_cookie(req, TRACK_API_SESSION_COOKIE)
	                        : web_cookie(req, TRACK_SESSION_COOKIE);
	if (!token || (api && strncmp(req->path, "/rest/", 6) != 0))
		return 0;
	auth_ctx ac = { .req = req, .token = token, .viewer = v };
	int rc = db_read(track_app_of(req)->d, api ? load_api_session : load_session, &ac);
	if (rc == 0) {
		req->user = v;
		if (!api)
			req->session = &v->session;
	}
	/* A stale cookie is just no session: the page asks to sign in again. */
	return rc == WEFT_ENOTFOUND ? 0 : rc;
}

int track_authenticate(web_request *req)
{
	track_viewer *v = arena_alloc(req->arena, sizeof *v);
	int rc = authenticate_request(req, v);
	if (rc == 0)
		req->user = v;
	return rc == WEFT_ENOTFOUND ? authenticate_cookie(req, v) : rc;
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

bool track_xsrf_token_sent(const web_request *req)
{
	const char *token = web_header(req, "X-Atlassian-Token");
	return token && (strcasecmp(token, "no-check") == 0 || strcasecmp(token, "nocheck") == 0);
}

/* Whether the body is JSON, which no cross-site form or CORS-free request can send. */
static bool json_body(const web_request *req)
{
	const char *type = web_header(req, "Content-Type");
	size_t len = strlen("application/json");
	return type && strncasecmp(type, "application/json", len) == 0 &&
	       (type[len] == '\0' || type[len] == ';' || type[len] == ' ');
}

int track_xsrf_check(const web_request *req)
{
	if (json_body(req) || track_xsrf_token_sent(req))
		return 0;
	return err_fail(WEFT_EPERM, "XSRF check failed");
}

int track_check_csrf(web_request *req)
{
	const track_viewer *v = track_viewer_of(req);
	/* For callers a cookie signed in, a POST must also pass Jira's XSRF check. PUT, DELETE
	 * and PATCH cannot cross sites without a CORS preflight, which track never grants. */
	if (v && v->api_session_id && strcmp(req->method, "POST") == 0) {
		int rc = track_xsrf_check(req);
		if (rc < 0)
			return rc;
	}
	return web_csrf_check_route(req, v && v->session.id ? &v->session : NULL, v != NULL,
	                            TRACK_CSRF_COOKIE);
}
