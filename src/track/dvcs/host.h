/* The code host as any outside client reaches it: the OAuth 2.0 token endpoint and API 2.0 over
 * HTTP(S) with libcurl, JSON in and out (jansson). Nothing here touches track's database.
 * Each call is bounded: a 30-second timeout, responses up to 8 MiB, no redirects followed, no
 * proxy from the environment. Thread-safe: one curl handle per call. */
#ifndef WEFT_TRACK_DVCS_HOST_H
#define WEFT_TRACK_DVCS_HOST_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "track/dvcs/dvcs.h"

/* Where a host lives and who asks. */
typedef struct dvcs_host {
	const char *site_url; /* authorize and token endpoints: SITE/site/oauth2/… */
	const char *api_url; /* API 2.0: API/repositories/…, API/workspaces/… */
	const char *token; /* a Bearer access token; NULL for the token endpoint */
} dvcs_host;

/* What an OAuth token endpoint gave. */
typedef struct dvcs_host_tokens {
	const char *access, *refresh; /* in the arena */
	int64_t expires_at; /* epoch ms */
	const char *scopes;
} dvcs_host_tokens;

/* The host's answer to a call that did not succeed: HTTP status (0 when none came) and the
 * host's own message (error.message of API 2.0, error_description of OAuth), for the page. */
typedef struct dvcs_host_error {
	long status;
	const char *message;
} dvcs_host_error;

/* The consent page to send an administrator to: SITE/site/oauth2/authorize?client_id=KEY&
 * response_type=code&redirect_uri=CALLBACK&state=STATE (escaped), in a. */
const char *dvcs_host_authorize_url(arena *a, const char *site_url, const char *key,
                                    const char *callback, const char *state);

/* POST SITE/site/oauth2/access_token with HTTP Basic KEY:SECRET: grant "authorization_code"
 * (code and callback), "refresh_token" (refresh) or "client_credentials" (neither).
 * WEFT_EAUTH when the host refuses (err's message the host's), WEFT_ERROR when unreachable. */
int dvcs_host_token_code(arena *a, const char *site_url, const char *key, const char *secret,
                         const char *code, const char *callback, dvcs_host_tokens *out,
                         dvcs_host_error *err);
int dvcs_host_token_refresh(arena *a, const char *site_url, const char *key, const char *secret,
                            const char *refresh, dvcs_host_tokens *out, dvcs_host_error *err);
int dvcs_host_token_client(arena *a, const char *site_url, const char *key, const char *secret,
                           dvcs_host_tokens *out, dvcs_host_error *err);

/* s escaped for one segment of a URL path or a query value (RFC 3986 unreserved kept), in a. */
const char *dvcs_host_escape(arena *a, const char *s);

/* One API call: METHOD API/PATH (path already escaped, may carry a query), body NULL or JSON
 * (stolen). *out the parsed response (NULL for 204), to json_decref; out may be NULL. Errors: WEFT_EAUTH for 401,
 * WEFT_EPERM for 403, WEFT_ENOTFOUND for 404, WEFT_ERROR for anything else, err filled (its
 * message is the thread's error text: valid until the thread's next error). */
int dvcs_host_call(const dvcs_host *h, const char *method, const char *path, json_t *body,
                   json_t **out, dvcs_host_error *err);

/* Walks a paged API 2.0 list (values, next) from API/PATH, calling fn with each value until fn
 * returns non-zero or the pages end; follows "next" only on the same host as api_url. A bound of
 * pages (1,000) keeps a misbehaving host from looping for ever. */
int dvcs_host_each(const dvcs_host *h, const char *path, int (*fn)(void *ctx, json_t *value),
                   void *ctx, dvcs_host_error *err);

#endif
