/* Who is calling hub: a session cookie (browsers), or HTTP Basic with a username or email and a
 * password or app password (API clients, git). Failed Basic sign-ins are throttled like the
 * sign-in form, which takes the account password only. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "hub/app_password.h"
#include "hub/hub.h"
#include "web/throttle.h"

typedef struct auth_ctx {
	web_request *req;
	const char *token; /* the session cookie */
	const char *login; /* Basic credentials */
	const char *password;
	bool app_passwords; /* Basic auth: an app password may stand in for the password */
	hub_viewer *viewer;
	int64_t retry_after;
} auth_ctx;

static int load_session(db_conn *c, void *ctx)
{
	auth_ctx *ac = ctx;
	hub_viewer *v = ac->viewer;
	int rc = web_session_find(c, ac->token, &v->session);
	if (rc == 0)
		rc = account_find_id(c, ac->req->arena, v->session.user_id, &v->user);
	if (rc == 0 && !v->user.is_active)
		rc = err_fail(WEFT_ENOTFOUND, "deactivated");
	return rc;
}

/* The throttle subjects of a sign-in: the name typed, and the client's address. */
static void throttle_subjects(web_request *req, const char *login, const char **by_name,
                              const char **by_address)
{
	*by_name = arena_printf(req->arena, "hub:login:%s", login);
	for (char *p = (char *)*by_name; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	*by_address = arena_printf(req->arena, "hub:address:%s", web_client_address(req));
}

/* One sign-in attempt, throttled; the failure is recorded even though the request fails. */
static int check_password(db_conn *c, void *ctx)
{
	auth_ctx *ac = ctx;
	const char *by_name, *by_address;
	throttle_subjects(ac->req, ac->login, &by_name, &by_address);
	int rc = throttle_check(c, by_name, &ac->retry_after);
	if (rc == 0)
		rc = throttle_check(c, by_address, &ac->retry_after);
	if (rc < 0)
		return rc;
	rc = account_authenticate(c, ac->req->arena, ac->login, ac->password, &ac->viewer->user);
	if (rc == WEFT_EAUTH && ac->app_passwords)
		rc = app_password_authenticate(c, ac->req->arena, ac->login, ac->password,
		                               &ac->viewer->user, &ac->viewer->scopes);
	if (rc == WEFT_EAUTH) {
		char message[512];
		snprintf(message, sizeof message, "%s", err_msg());
		if (throttle_fail(c, by_name) < 0 || throttle_fail(c, by_address) < 0)
			return WEFT_ERROR;
		ac->retry_after = -1; /* marks "failed, but commit the count" */
		err_set("%s", message);
		return 0;
	}
	if (rc == 0)
		rc = throttle_clear(c, by_name);
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
	int rc = db_tx(hub_app_of(req)->d, check_password, &ac);
	*retry_after = ac.retry_after > 0 ? ac.retry_after : 0;
	if (rc == 0 && ac.retry_after == -1)
		return err_fail(WEFT_EAUTH, "Incorrect username or password.");
	return rc;
}

int hub_sign_in(web_request *req, const char *login, const char *password, hub_viewer *out,
                int64_t *retry_after)
{
	return sign_in(req, login, password, false, out, retry_after);
}

/* "Basic base64(login:password)" into its two halves, in the request's arena. */
static int parse_basic(web_request *req, const char *header, const char **login,
                       const char **password)
{
	const char *b64 = header + 6;
	size_t max = strlen(b64), len = 0;
	unsigned char *raw = arena_alloc(req->arena, max + 1);
	if (sodium_base642bin(raw, max, b64, max, " ", &len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return err_fail(WEFT_EAUTH, "The Authorization header is malformed.");
	raw[len] = '\0';
	char *colon = strchr((char *)raw, ':');
	if (!colon || strlen((char *)raw) != len)
		return err_fail(WEFT_EAUTH, "The Authorization header is malformed.");
	*colon = '\0';
	*login = (const char *)raw;
	*password = colon + 1;
	return 0;
}

int hub_authenticate(web_request *req)
{
	const char *authorization = web_header(req, "Authorization");
	hub_viewer *v = arena_alloc(req->arena, sizeof *v);
	if (authorization && strncasecmp(authorization, "Basic ", 6) == 0) {
		const char *login = NULL, *password = NULL;
		int64_t retry_after = 0;
		int rc = parse_basic(req, authorization, &login, &password);
		if (rc == 0)
			rc = sign_in(req, login, password, true, v, &retry_after);
		if (rc == WEFT_ELIMIT)
			req->retry_after_s = retry_after;
		if (rc < 0)
			return rc;
		req->user = v;
		return 0;
	}
	/* The API answers only credentials in the request: a session cookie there would let any
	 * site's page call it with the visitor's rights. */
	const char *token = web_cookie(req, HUB_SESSION_COOKIE);
	if (!token || (req->route->flags & WEB_API))
		return 0;
	auth_ctx ac = { .req = req, .token = token, .viewer = v };
	int rc = db_read(hub_app_of(req)->d, load_session, &ac);
	if (rc == 0) {
		req->user = v;
		req->session = &v->session;
	}
	/* A stale cookie is just no session: the page asks to sign in again. */
	return rc == WEFT_ENOTFOUND ? 0 : rc;
}

/* Whether a browser says the request comes from another site (Sec-Fetch-Site, else Origin).
 * API clients send neither. */
static bool from_another_site(web_request *req)
{
	const char *site = web_header(req, "Sec-Fetch-Site");
	if (site)
		return strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0;
	const char *origin = web_header(req, "Origin");
	return origin && strcmp(origin, web_base_url(req)) != 0;
}

int hub_check_csrf(web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	if (req->route->flags & WEB_API) {
		/* API routes take no cookies (hub_authenticate): the credentials a forged request
		 * could carry are Basic ones a browser remembers, and a browser tells where it was. */
		if (v && from_another_site(req))
			return err_fail(WEFT_EPERM,
			                "Cross-site requests with credentials are refused.");
		return 0;
	}
	/* Pages: the session's token, or for anyone else (Basic included) the double-submit
	 * cookie, which another site cannot read. */
	return web_csrf_check(req, v && v->session.id ? &v->session : NULL, HUB_CSRF_COOKIE);
}
