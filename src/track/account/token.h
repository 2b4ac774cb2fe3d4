/* track's API credentials: API tokens (Jira Cloud's: HTTP Basic as email:token) and personal
 * access tokens (Jira Data Center's: Authorization: Bearer). Each has a label, is shown once,
 * stored as SHA-256, records its last use, and can be revoked. Domain only: no HTTP. Every
 * function that writes runs inside the caller's transaction. */
#ifndef WEFT_TRACK_TOKEN_H
#define WEFT_TRACK_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/track.h"

typedef enum {
	TRACK_TOKEN_API, /* "tapi_" + 64 hex digits, for Basic email:token */
	TRACK_TOKEN_PAT, /* "tpat_" + 64 hex digits, for Bearer */
} track_token_kind;

enum {
	TRACK_TOKEN_SECRET_LEN = 5 + 64,
	TRACK_TOKEN_LABEL_MAX = 100, /* characters */
	TRACK_TOKENS_PER_USER_MAX = 100, /* live ones, of both kinds */
};

typedef struct track_token {
	int64_t id;
	track_token_kind kind;
	const char *label;
	int64_t created_at;
	int64_t last_used_at; /* 0 when never used */
} track_token;

/* The kind's stored name ("api_token", "pat"). */
const char *track_token_kind_name(track_token_kind kind);

/* Creates a token for user_id. secret receives what to show the user once; *out (label in a)
 * describes it. WEFT_EINVALID ("Label: …") for a bad label or past TRACK_TOKENS_PER_USER_MAX live
 * tokens. */
int track_token_create(db_conn *c, arena *a, int64_t user_id, track_token_kind kind,
                       const char *label, char secret[TRACK_TOKEN_SECRET_LEN + 1],
                       track_token *out);

/* user_id's live tokens, newest first; *out is an array in a. */
int track_token_list(db_conn *c, arena *a, int64_t user_id, track_token **out, size_t *n);

/* Revokes one of user_id's tokens: it stops working at once. WEFT_ENOTFOUND when user_id has no
 * such live token. */
int track_token_revoke(db_conn *c, int64_t user_id, int64_t id);

/* Whether secret has the shape of a token of kind (so that a password is never looked up as
 * one). */
bool track_token_looks_like(const char *secret, track_token_kind kind);

/* Checks a token: secret must be a live token of kind belonging to an active account, and login
 * (NULL for Bearer) that account's email or username, in any case. On success records the use
 * and fills *out (strings in a). WEFT_EAUTH otherwise. */
int track_token_authenticate(db_conn *c, arena *a, track_token_kind kind, const char *login,
                             const char *secret, track_user *out);

#endif
