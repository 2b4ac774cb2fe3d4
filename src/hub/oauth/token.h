/* OAuth grants, authorization codes and tokens: a grant is one user's consent to one consumer;
 * codes (single use, 10 minutes, bound to the redirect URI and an optional PKCE challenge) and
 * tokens (access: 2 hours; refresh: until revoked) hang off it and end with it. Codes and tokens
 * are 256-bit random values kept only as SHA-256 digests. Domain only: no HTTP. Every function
 * that writes runs inside the caller's transaction. */
#ifndef WEFT_HUB_OAUTH_TOKEN_H
#define WEFT_HUB_OAUTH_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/account/account.h"
#include "hub/oauth/consumer.h"

enum {
	OAUTH_ACCESS_TTL_S = 7200, /* expires_in of every access token */
	OAUTH_CODE_TTL_S = 600,
	OAUTH_STATE_MAX = 1000, /* bytes of the client's state, echoed back */
};

/* A fresh access token and its refresh token, to give the client once. */
typedef struct oauth_token_pair {
	char access[OAUTH_SECRET_LEN + 1];
	char refresh[OAUTH_SECRET_LEN + 1];
	const char *scopes; /* the grant's, space-separated */
	int64_t user_id;
} oauth_token_pair;

/* Records that user_id grants consumer its scopes (replacing an earlier grant's scopes, keeping
 * its date); *grant_id is the grant's. */
int hub_oauth_grant_give(db_conn *c, const oauth_consumer *consumer, int64_t user_id,
                         int64_t *grant_id);

/* A new authorization code (into code, to send to the client once) for grant_id, bound to
 * redirect_uri ("" when the request named none) and code_challenge (PKCE S256; "" for none). */
int hub_oauth_code_issue(db_conn *c, int64_t grant_id, const char *redirect_uri,
                         const char *code_challenge, char code[OAUTH_SECRET_LEN + 1]);

/* Exchanges an authorization code of consumer for a token pair: the code must be unused,
 * younger than 10 minutes, issued to this consumer, redirect_uri must equal the one the
 * authorization named (absent or the callback when it named none), and code_verifier (NULL
 * when absent) must match its PKCE challenge. Marks the code used. WEFT_ENOTFOUND
 * (RFC 6749's invalid_grant) with the reason otherwise. */
int hub_oauth_code_redeem(db_conn *c, const oauth_consumer *consumer, const char *code,
                          const char *redirect_uri, const char *code_verifier,
                          oauth_token_pair *out);

/* A new access token for consumer's refresh token (which stays valid and is given back).
 * WEFT_ENOTFOUND (invalid_grant) for a token that is not consumer's live refresh token. */
int hub_oauth_refresh(db_conn *c, arena *a, const oauth_consumer *consumer,
                      const char *refresh_token, oauth_token_pair *out);

/* The client_credentials grant: a token pair acting as consumer's owner (owner_user_id), for a
 * private consumer only. WEFT_EPERM (unauthorized_client) for a public consumer or one with
 * no owner to act as. */
int hub_oauth_client_credentials(db_conn *c, const oauth_consumer *consumer, oauth_token_pair *out);

/* The user and scopes of a live access token (strings in a), and its grant. WEFT_EAUTH
 * ("Access token expired or revoked.") for anything else, an inactive user included. */
int hub_oauth_token_authenticate(db_conn *c, arena *a, const char *token, hub_user *user,
                                 const char **scopes, int64_t *grant_id);

/* One of a user's grants, for Integrated applications. */
typedef struct oauth_grant {
	int64_t id;
	const char *consumer_name;
	const char *consumer_description;
	const char *consumer_url;
	const char *owner_slug; /* the workspace that owns the consumer */
	const char *owner_name;
	const char *scopes;
	int64_t created_at;
} oauth_grant;

/* Calls fn for each of user_id's grants, newest first; strings live until fn returns. */
int hub_oauth_grant_list(db_conn *c, int64_t user_id, void (*fn)(void *ctx, const oauth_grant *g),
                         void *ctx);

/* Ends one of user_id's grants with its codes and tokens, at once. WEFT_ENOTFOUND
 * ("Integrated application: …") when user_id has no such grant. */
int hub_oauth_grant_revoke(db_conn *c, int64_t user_id, int64_t grant_id);

#endif
