/* App passwords (Bitbucket's): labelled secrets with permissions (scopes) that stand in for the
 * account password in HTTP Basic auth, never in the sign-in form; shown once, stored as SHA-256.
 * Domain only: no HTTP. Every function that writes runs inside the caller's transaction. */
#ifndef WEFT_HUB_APP_PASSWORD_H
#define WEFT_HUB_APP_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/account/account.h"

enum {
	APP_PASSWORD_LABEL_MAX = 100, /* characters */
	APP_PASSWORD_SECRET_LEN = 64, /* hex digits: 256 random bits */
	APP_PASSWORD_PER_USER_MAX = 100, /* live ones */
};

/* One permission an app password can hold. */
typedef struct app_password_scope {
	const char *name; /* "repository:write" */
	const char *description; /* for the page that creates them */
} app_password_scope;

/* The permissions, in their canonical order; the list ends with a NULL name. */
extern const app_password_scope hub_app_password_scopes[];

typedef struct hub_app_password {
	int64_t id;
	const char *label;
	const char *scopes; /* space-separated, in canonical order */
	int64_t created_at;
	int64_t last_used_at; /* 0 when never used */
} hub_app_password;

/* A label: 1 to 100 characters of text without control characters. 0 or WEFT_EINVALID
 * ("Label: …"). */
int hub_app_password_check_label(const char *label);

/* Parses a space-separated list of permission names into its canonical form (each name once, in
 * hub_app_password_scopes' order) in a. WEFT_EINVALID ("Permissions: …") for an unknown name or an
 * empty list. */
int hub_app_password_parse_scopes(arena *a, const char *text, const char **out);

/* Creates an app password for user_id. secret receives the 64 hex digits to show the user once;
 * *out (strings in a) describes it. WEFT_EINVALID for a bad label or scopes (as above) or past
 * APP_PASSWORD_PER_USER_MAX live ones. */
int hub_app_password_create(db_conn *c, arena *a, int64_t user_id, const char *label,
                            const char *scopes, char secret[APP_PASSWORD_SECRET_LEN + 1],
                            hub_app_password *out);

/* Calls fn for each live (not revoked) app password of user_id, newest first; the strings live
 * until fn returns. */
int hub_app_password_list(db_conn *c, int64_t user_id,
                          void (*fn)(void *ctx, const hub_app_password *p), void *ctx);

/* Revokes one of user_id's app passwords: it stops working at once. WEFT_ENOTFOUND when user_id
 * has no such live app password. */
int hub_app_password_revoke(db_conn *c, int64_t user_id, int64_t id);

/* user_id's live app password whose secret this is; strings in a. WEFT_ENOTFOUND otherwise. */
int hub_app_password_find(db_conn *c, arena *a, int64_t user_id, const char *secret,
                          hub_app_password *out);

/* Checks a Basic sign-in with an app password: login (a username or any address of the account,
 * in any case) and secret must belong to one live app password of an active account. On success
 * records the use (last_used_at), fills *out and sets *scopes (in a). WEFT_EAUTH ("Incorrect
 * username or password.") otherwise, after one indexed lookup of the secret's digest whether the
 * account exists or not. Does not throttle: callers do. */
int hub_app_password_authenticate(db_conn *c, arena *a, const char *login, const char *secret,
                                  hub_user *out, const char **scopes);

#endif
