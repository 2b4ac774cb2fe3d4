/* hub's OAuth 2.0 over HTTP: the authorization (consent) page and token endpoint of Bitbucket
 * (/site/oauth2/…), the OAuth consumers pages of account and team settings, Integrated
 * applications, and finding the access token a request carries. */
#ifndef WEFT_HUB_OAUTH_OAUTH_H
#define WEFT_HUB_OAUTH_OAUTH_H

#include "web/web.h"

/* The access token a request carries, or NULL: "Authorization: Bearer TOKEN", the password of
 * Basic credentials for the user "x-token-auth" (git), the access_token field of an urlencoded
 * POST body (taken out of req->form, so that no handler sees it as data) or of the query of
 * any other method (RFC 6750 §2). In the request's arena or its headers. */
const char *hub_oauth_request_token(web_request *req);

/* Body and query fields, validated by the router before the handlers below. */
extern const web_param_spec hub_oauth_authorize_params[]; /* the consent page's query */
extern const web_param_spec hub_oauth_authorize_form_params[]; /* the same, from its form */
extern const web_param_spec hub_oauth_id_params[];

/* The fields of a token request's form (RFC 6749 §4.1.3, §4.4, §6), in the form's memory. */
typedef struct hub_oauth_token_request {
	const char *grant_type; /* "authorization_code", "refresh_token" or "client_credentials" */
	const char *code, *redirect_uri, *code_verifier; /* authorization_code */
	const char *refresh_token; /* refresh_token */
	const char *client_id, *client_secret; /* body client authentication; NULL when absent */
	const char *error; /* RFC 6749's error code when the request is refused */
} hub_oauth_token_request;

/* Reads a token request from its form: a supported grant_type and the fields it needs, each at
 * most a few kilobytes. WEFT_EINVALID with out->error ("invalid_request",
 * "unsupported_grant_type") and a message otherwise. */
int hub_oauth_token_request_read(const web_pairs *form, hub_oauth_token_request *out);

/* oauth_api.c: POST /site/oauth2/access_token (RFC 6749 §4.1.3, §4.4, §6; B.2). */
int hub_oauth_token_submit(web_request *req, web_response *res);

/* The error an authorization request gets by redirect (RFC 6749 §4.1.2.1) for its response_type
 * and PKCE fields, or NULL when it may go on: only "code", and only S256 challenges. */
const char *hub_oauth_authorize_error(const char *response_type, const char *challenge,
                                      const char *method);

/* Appends the location that answers a client: target, then name=value and the state (unless
 * NULL) as query fields, escaped. */
void hub_oauth_redirect_location(buf *out, const char *target, const char *name, const char *value,
                                 const char *state);

/* oauth_web.c: the consent page and its answer. */
int hub_oauth_authorize_page(web_request *req, web_response *res);
int hub_oauth_authorize_submit(web_request *req, web_response *res);

/* OAuth consumers in account settings (/account/settings/oauth-consumers…) and in a team's
 * settings (/{workspace}/settings/oauth-consumers…): the same handlers, the workspace taken
 * from the path or the viewer's own. */
int hub_oauth_consumers_page(web_request *req, web_response *res);
int hub_oauth_consumer_create_submit(web_request *req, web_response *res);
int hub_oauth_consumer_page(web_request *req, web_response *res);
int hub_oauth_consumer_update_submit(web_request *req, web_response *res);
int hub_oauth_consumer_delete_submit(web_request *req, web_response *res);
int hub_oauth_consumer_secret_submit(web_request *req, web_response *res);

/* Integrated applications (/account/settings/applications): the grants, and revoking one. */
int hub_oauth_applications_page(web_request *req, web_response *res);
int hub_oauth_application_revoke_submit(web_request *req, web_response *res);

#endif
