/* OAuth's authorization endpoint (B.2): the consent page ("Confirm access to your account") and
 * its answer, which redirects to the consumer's callback with a code or access_denied; and
 * Integrated applications, the grants a user gave, each revocable at once. A redirect URI that
 * does not extend the consumer's callback is refused on hub's own page, never redirected to. */
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "hub/hub.h"
#include "hub/oauth/consumer.h"
#include "hub/oauth/oauth.h"
#include "hub/oauth/token.h"
#include "web/escape.h"

static int check_key(const char *value)
{
	if (strlen(value) != OAUTH_KEY_LEN || strspn(value, "0123456789abcdef") != OAUTH_KEY_LEN)
		return err_fail(WEFT_EINVALID, "not the key of an OAuth consumer.");
	return 0;
}

static int check_redirect(const char *value)
{
	return strlen(value) > OAUTH_URL_MAX
	               ? err_fail(WEFT_EINVALID, "at most %d characters.", OAUTH_URL_MAX)
	               : 0;
}

static int check_state(const char *value)
{
	return strlen(value) > OAUTH_STATE_MAX
	               ? err_fail(WEFT_EINVALID, "at most %d characters.", OAUTH_STATE_MAX)
	               : 0;
}

/* RFC 7636 §4.2: S256 challenges are 43 base64url characters. */
static int check_challenge(const char *value)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                               "0123456789-_";
	if (strlen(value) != 43 || strspn(value, alphabet) != 43)
		return err_fail(WEFT_EINVALID, "43 base64url characters (S256).");
	return 0;
}

static int check_short(const char *value)
{
	return strlen(value) > 32 ? err_fail(WEFT_EINVALID, "at most 32 characters.") : 0;
}

#define AUTHORIZE_PARAMS(source)                                            \
	{ "client_id", source, true, check_key, 0 },                        \
	        { "response_type", source, false, check_short, 0 },         \
	        { "redirect_uri", source, false, check_redirect, 0 },       \
	        { "state", source, false, check_state, 0 },                 \
	        { "code_challenge", source, false, check_challenge, 0 },    \
	        { "code_challenge_method", source, false, check_short, 0 }, \
	{                                                                   \
		NULL, source, false, NULL, 0                                \
	}

const web_param_spec hub_oauth_authorize_params[] = { AUTHORIZE_PARAMS(WEB_FROM_QUERY) };
const web_param_spec hub_oauth_authorize_form_params[] = { AUTHORIZE_PARAMS(WEB_FROM_FORM) };

/* An authorization request, from the query (the page) or the form (the answer). */
typedef struct authorize_request {
	web_request *req;
	const char *client_id, *response_type, *redirect_uri, *state, *challenge, *method;
	oauth_consumer consumer;
	const char *target; /* where the answer goes: redirect_uri, or the callback */
	bool grant;
	int64_t grant_id;
	char code[OAUTH_SECRET_LEN + 1];
} authorize_request;

static const char *input(const web_request *req, const char *name)
{
	bool form = strcmp(req->method, "POST") == 0;
	return form ? web_pairs_get(&req->form, name) : web_query(req, name);
}

static void read_request(web_request *req, authorize_request *out)
{
	*out = (authorize_request){ .req = req,
		                    .client_id = input(req, "client_id"),
		                    .response_type = input(req, "response_type"),
		                    .redirect_uri = input(req, "redirect_uri"),
		                    .state = input(req, "state"),
		                    .challenge = input(req, "code_challenge"),
		                    .method = input(req, "code_challenge_method") };
}

static int find_consumer(db_conn *c, void *ctx)
{
	authorize_request *ar = ctx;
	return hub_oauth_consumer_find_key(c, ar->req->arena, ar->client_id, &ar->consumer);
}

/* The checks that decide whether hub may redirect at all: a known consumer, and a redirect URI
 * that extends its callback. Failures answer 400 on hub's page. */
static int check_client(authorize_request *ar)
{
	int rc = db_read(hub_app_of(ar->req)->d, find_consumer, ar);
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_EINVALID, "There is no OAuth consumer with this client_id.");
	if (rc < 0)
		return rc;
	if (ar->redirect_uri &&
	    !hub_oauth_redirect_allowed(ar->consumer.f.callback_url, ar->redirect_uri))
		return err_fail(WEFT_EINVALID,
		                "The redirect_uri does not extend the consumer's callback URL: hub "
		                "will not send you there.");
	ar->target = ar->redirect_uri ? ar->redirect_uri : ar->consumer.f.callback_url;
	return 0;
}

const char *hub_oauth_authorize_error(const char *response_type, const char *challenge,
                                      const char *method)
{
	if (!response_type || strcmp(response_type, "code") != 0)
		return "unsupported_response_type";
	if (challenge && (!method || strcmp(method, "S256") != 0))
		return "invalid_request"; /* only S256 is honoured; "plain" would defeat PKCE */
	if (!challenge && method)
		return "invalid_request";
	return NULL;
}

static const char *request_error(const authorize_request *ar)
{
	return hub_oauth_authorize_error(ar->response_type, ar->challenge, ar->method);
}

void hub_oauth_redirect_location(buf *out, const char *target, const char *name, const char *value,
                                 const char *state)
{
	buf_puts(out, target);
	buf_puts(out, strchr(target, '?') ? "&" : "?");
	esc_url_query(out, name, strlen(name));
	buf_puts(out, "=");
	esc_url_query(out, value, strlen(value));
	if (state) {
		buf_puts(out, "&state=");
		esc_url_query(out, state, strlen(state));
	}
}

/* Redirects to the client's target with name=value and the state. */
static int redirect_back(authorize_request *ar, web_response *res, const char *name,
                         const char *value)
{
	buf location = BUF_INIT;
	hub_oauth_redirect_location(&location, ar->target, name, value, ar->state);
	web_res_redirect(ar->req, res, 302, buf_cstr(&location));
	web_res_header(ar->req, res, "Cache-Control", "no-store");
	buf_dispose(&location);
	return 0;
}

static void set_text(json_t *object, const char *key, const char *text)
{
	json_t *value = text ? json_string(text) : NULL;
	if (value)
		json_object_set_new(object, key, value);
}

/* The permissions of a scope list in plain words. */
static json_t *plain_words(const char *scopes)
{
	json_t *out = json_array();
	for (const oauth_scope *s = hub_oauth_scopes; s->name; s++) {
		size_t len = strlen(s->name);
		for (const char *p = scopes; p && *p;) {
			size_t n = strcspn(p, " ");
			if (n == len && memcmp(p, s->name, n) == 0)
				json_array_append_new(out, json_pack("{s:s, s:s}", "name", s->name,
				                                     "words", s->description));
			p += n ? n : 1;
		}
	}
	return out;
}

static int consent_page(authorize_request *ar, web_response *res)
{
	const hub_viewer *v = hub_viewer_of(ar->req);
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "name", ar->consumer.f.name,
	                         "owner", ar->consumer.workspace_name, "owner_slug",
	                         ar->consumer.workspace_slug, "client_id", ar->client_id,
	                         "permissions", plain_words(ar->consumer.f.scopes), "username",
	                         v->user.username, "display_name", v->user.display_name);
	set_text(data, "description", ar->consumer.f.description);
	set_text(data, "url", ar->consumer.f.url);
	set_text(data, "response_type", ar->response_type);
	set_text(data, "redirect_uri", ar->redirect_uri);
	set_text(data, "state", ar->state);
	set_text(data, "code_challenge", ar->challenge);
	set_text(data, "code_challenge_method", ar->method);
	web_res_header(ar->req, res, "Cache-Control", "no-store");
	/* Grant and Deny answer with a redirect to the client's callback, which the browser checks
	 * against this page's form-action. */
	web_res_form_target(ar->req, res, ar->target);
	/* The page must not be framed: a click on Grant is a decision. */
	web_res_header(ar->req, res, "X-Frame-Options", "DENY");
	return hub_page(ar->req, res, 200, "hub/oauth_authorize", "Confirm access to your account",
	                data);
}

/* Reads and checks an authorization request (the page's query or its form's fields): its
 * failures before a redirect is allowed are hub's (< 0); the client's own (RFC 6749 §4.1.2.1) are
 * answered by redirect, and *answered says so. */
static int begin(web_request *req, web_response *res, authorize_request *ar, bool *answered)
{
	read_request(req, ar);
	int rc = check_client(ar);
	const char *error = rc == 0 ? request_error(ar) : NULL;
	*answered = error != NULL;
	return error ? redirect_back(ar, res, "error", error) : rc;
}

int hub_oauth_authorize_page(web_request *req, web_response *res)
{
	authorize_request ar;
	bool answered = false;
	int rc = begin(req, res, &ar, &answered);
	return rc < 0 || answered ? rc : consent_page(&ar, res);
}

static int grant_and_issue(db_conn *c, void *ctx)
{
	authorize_request *ar = ctx;
	int rc = hub_oauth_grant_give(c, &ar->consumer, hub_viewer_of(ar->req)->user.id,
	                              &ar->grant_id);
	if (rc == 0)
		rc = hub_oauth_code_issue(c, ar->grant_id, ar->redirect_uri ? ar->redirect_uri : "",
		                          ar->challenge ? ar->challenge : "", ar->code);
	return rc;
}

int hub_oauth_authorize_submit(web_request *req, web_response *res)
{
	authorize_request ar;
	bool answered = false;
	int rc = begin(req, res, &ar, &answered);
	if (rc < 0 || answered)
		return rc;
	const char *action = web_pairs_get(&req->form, "action");
	if (!action || strcmp(action, "grant") != 0)
		return redirect_back(&ar, res, "error", "access_denied");
	rc = db_tx(hub_app_of(req)->d, grant_and_issue, &ar);
	return rc < 0 ? rc : redirect_back(&ar, res, "code", ar.code);
}

/* ---- Integrated applications ---- */

static void add_grant(void *ctx, const oauth_grant *g)
{
	char iso[CLOCK_ISO_LEN];
	clock_format_iso8601(iso, g->created_at);
	json_t *row =
	        json_pack("{s:I, s:s, s:s, s:o, s:s%, s:s}", "id", (json_int_t)g->id, "owner",
	                  g->owner_name, "owner_slug", g->owner_slug, "permissions",
	                  plain_words(g->scopes), "granted", iso, (size_t)10, "granted_iso", iso);
	set_text(row, "name", g->consumer_name);
	set_text(row, "description", g->consumer_description);
	set_text(row, "url", g->consumer_url);
	json_array_append_new(ctx, row);
}

typedef struct grants_ctx {
	int64_t user_id, grant_id;
	json_t *items;
} grants_ctx;

static int list_grants(db_conn *c, void *ctx)
{
	grants_ctx *gc = ctx;
	return hub_oauth_grant_list(c, gc->user_id, add_grant, gc->items);
}

int hub_oauth_applications_page(web_request *req, web_response *res)
{
	grants_ctx gc = { hub_viewer_of(req)->user.id, 0, json_array() };
	int rc = db_read(hub_app_of(req)->d, list_grants, &gc);
	if (rc < 0) {
		json_decref(gc.items);
		return rc;
	}
	json_t *data =
	        json_pack("{s:o, s:b, s:b, s:s}", "applications", gc.items, "has_applications",
	                  json_array_size(gc.items) > 0, "tab_applications", 1, "username",
	                  hub_viewer_of(req)->user.username);
	const char *done = web_query(req, "done");
	if (done && strcmp(done, "revoked") == 0)
		set_text(data, "notice",
		         "Access revoked: the application's tokens no longer work.");
	return hub_page(req, res, 200, "hub/oauth_applications", "Integrated applications", data);
}

static int revoke_grant(db_conn *c, void *ctx)
{
	grants_ctx *gc = ctx;
	return hub_oauth_grant_revoke(c, gc->user_id, gc->grant_id);
}

int hub_oauth_application_revoke_submit(web_request *req, web_response *res)
{
	grants_ctx gc = { hub_viewer_of(req)->user.id, 0, NULL };
	int rc = str_to_i64(&gc.grant_id, web_param(req, "id"), 1, INT64_MAX, "id");
	if (rc == 0)
		rc = db_tx(hub_app_of(req)->d, revoke_grant, &gc);
	if (rc < 0)
		return rc;
	web_res_redirect(req, res, 303, "/account/settings/applications?done=revoked");
	return 0;
}
