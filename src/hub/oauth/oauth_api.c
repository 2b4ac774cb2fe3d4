/* OAuth's token endpoint (B.2): client authentication (Basic key:secret or body fields,
 * throttled like sign-ins), the authorization_code, refresh_token and client_credentials grants,
 * and RFC 6749's error bodies; and finding the access token a request carries. */
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "hub/hub.h"
#include "hub/oauth/oauth.h"
#include "hub/oauth/token.h"
#include "web/throttle.h"

/* The form field name, taken out of the form (so that it is nobody's data), or NULL. */
static const char *take_field(web_pairs *form, const char *name)
{
	for (size_t i = 0; i < form->len; i++) {
		if (strcmp(form->items[i].name, name) != 0)
			continue;
		const char *value = form->items[i].value;
		memmove(&form->items[i], &form->items[i + 1],
		        (form->len - i - 1) * sizeof form->items[0]);
		form->len--;
		return value && *value ? value : NULL;
	}
	return NULL;
}

const char *hub_oauth_request_token(web_request *req)
{
	const char *bearer = web_bearer_token(req);
	if (bearer)
		return bearer;
	const char *login = NULL, *password = NULL;
	if (web_basic_credentials(req, &login, &password) == 0)
		return strcmp(login, "x-token-auth") == 0 ? password : NULL;
	if (web_header(req, "Authorization"))
		return NULL;
	if (strcmp(req->method, "POST") == 0)
		return take_field(&req->form, "access_token");
	return web_query(req, "access_token");
}

/* RFC 6749 §5.2: {"error": code, "error_description": text}; a failed client authentication
 * with Basic credentials also carries the challenge. */
static int oauth_error(web_request *req, web_response *res, int status, const char *error,
                       const char *description)
{
	web_res_json(res, status,
	             json_pack("{s:s, s:s}", "error", error, "error_description", description));
	web_res_header(req, res, "Cache-Control", "no-store");
	if (status == 401)
		web_res_header(req, res, "WWW-Authenticate", "Basic realm=\"weft hub\"");
	return 0;
}

typedef struct token_request {
	web_request *req;
	hub_oauth_token_request in;
	const char *key, *secret;
	oauth_consumer consumer;
	oauth_token_pair pair;
	int grant_rc; /* the grant's own failure, which is no failed client authentication */
} token_request;

/* A field of at most 4 KiB, else NULL with *too_long set. */
static const char *bounded(const web_pairs *form, const char *name, bool *too_long)
{
	const char *value = web_pairs_get(form, name);
	if (value && strlen(value) > 4096) {
		*too_long = true;
		return NULL;
	}
	return value;
}

static int refuse_request(hub_oauth_token_request *out, const char *error, const char *message)
{
	out->error = error;
	return err_fail(WEFT_EINVALID, "%s", message);
}

int hub_oauth_token_request_read(const web_pairs *form, hub_oauth_token_request *out)
{
	bool too_long = false;
	*out = (hub_oauth_token_request){
		.grant_type = bounded(form, "grant_type", &too_long),
		.code = bounded(form, "code", &too_long),
		.redirect_uri = bounded(form, "redirect_uri", &too_long),
		.code_verifier = bounded(form, "code_verifier", &too_long),
		.refresh_token = bounded(form, "refresh_token", &too_long),
		.client_id = bounded(form, "client_id", &too_long),
		.client_secret = bounded(form, "client_secret", &too_long)
	};
	const char *g = out->grant_type;
	if (too_long)
		return refuse_request(out, "invalid_request", "A field is longer than 4096 bytes.");
	if (!g)
		return refuse_request(out, "invalid_request", "The grant_type is missing.");
	if (strcmp(g, "authorization_code") == 0)
		return out->code ? 0
		                 : refuse_request(out, "invalid_request", "The code is missing.");
	if (strcmp(g, "refresh_token") == 0)
		return out->refresh_token ? 0
		                          : refuse_request(out, "invalid_request",
		                                           "The refresh_token is missing.");
	if (strcmp(g, "client_credentials") == 0)
		return 0;
	return refuse_request(out, "unsupported_grant_type",
	                      "The grant_type is not one hub supports.");
}

static int run_grant(db_conn *c, token_request *tr)
{
	const hub_oauth_token_request *in = &tr->in;
	if (strcmp(in->grant_type, "authorization_code") == 0)
		return hub_oauth_code_redeem(c, &tr->consumer, in->code, in->redirect_uri,
		                             in->code_verifier, &tr->pair);
	if (strcmp(in->grant_type, "refresh_token") == 0)
		return hub_oauth_refresh(c, tr->req->arena, &tr->consumer, in->refresh_token,
		                         &tr->pair);
	return hub_oauth_client_credentials(c, &tr->consumer, &tr->pair);
}

/* One throttled attempt: authenticate the client, then run its grant in the same transaction.
 * Only the client's authentication counts as a failed sign-in. */
static int attempt(db_conn *c, void *ctx)
{
	token_request *tr = ctx;
	int rc = hub_oauth_client_authenticate(c, tr->req->arena, tr->key, tr->secret,
	                                       &tr->consumer);
	if (rc == 0)
		rc = tr->grant_rc = run_grant(c, tr);
	return rc;
}

/* A client is no account: its failures count against its key and the caller's address. */
static int no_account(db_conn *c, void *ctx, int64_t *account_id)
{
	(void)c;
	(void)ctx;
	*account_id = 0;
	return 0;
}

/* The client's credentials: Basic, or client_id and client_secret in the body. */
static int client_credentials(token_request *tr)
{
	int rc = web_basic_credentials(tr->req, &tr->key, &tr->secret);
	if (rc == WEFT_ENOTFOUND) {
		tr->key = tr->in.client_id;
		tr->secret = tr->in.client_secret;
		rc = tr->key && tr->secret ? 0 : WEFT_EAUTH;
	}
	return rc;
}

static int token_response(web_request *req, web_response *res, const token_request *tr)
{
	json_t *body = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "access_token", tr->pair.access,
	                         "scopes", tr->pair.scopes, "expires_in", OAUTH_ACCESS_TTL_S,
	                         "refresh_token", tr->pair.refresh, "token_type", "bearer", "state",
	                         tr->in.grant_type);
	web_res_json(res, 200, body);
	web_res_header(req, res, "Cache-Control", "no-store");
	web_res_header(req, res, "Pragma", "no-cache");
	return 0;
}

/* The failure of a grant, as RFC 6749 §5.2 names it. */
static int grant_error(web_request *req, web_response *res, int rc)
{
	switch (rc) {
	case WEFT_ENOTFOUND: return oauth_error(req, res, 400, "invalid_grant", err_msg());
	case WEFT_EPERM: return oauth_error(req, res, 400, "unauthorized_client", err_msg());
	default: return rc;
	}
}

int hub_oauth_token_submit(web_request *req, web_response *res)
{
	token_request tr = { .req = req };
	if (hub_oauth_token_request_read(&req->form, &tr.in) < 0)
		return oauth_error(req, res, 400, tr.in.error, err_msg());
	if (client_credentials(&tr) < 0)
		return oauth_error(
		        req, res, 401, "invalid_client",
		        "The client must authenticate: Basic key:secret, or client_id and "
		        "client_secret.");
	int64_t retry_after = 0;
	const char *subject = arena_printf(req->arena, "oauth-client:%s", tr.key);
	int rc = throttle_sign_in(req, hub_app_of(req)->d, subject, no_account, attempt, &tr,
	                          &retry_after);
	if (rc == WEFT_ELIMIT)
		req->retry_after_s = retry_after;
	if (rc == WEFT_EAUTH && tr.grant_rc == 0)
		return oauth_error(req, res, 401, "invalid_client", err_msg());
	if (rc < 0)
		return grant_error(req, res, rc);
	return token_response(req, res, &tr);
}
