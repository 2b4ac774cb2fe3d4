/* Sessions of the REST API (Jira Server's /rest/auth/1/session) and the sign-in statistics their
 * answers carry (Jira's loginInfo). An API session is not a page session: its own table, its own
 * cookie (TRACK_API_SESSION_COOKIE), and the authenticate hook accepts it on /rest paths only.
 * The cookie value is 256 random bits, stored only as its SHA-256. Domain only: no HTTP. Every
 * function that writes runs inside the caller's transaction. */
#ifndef WEFT_TRACK_ACCOUNT_API_SESSION_H
#define WEFT_TRACK_ACCOUNT_API_SESSION_H

#include <stdint.h>

#include "db/db.h"
#include "web/session.h"

/* Jira Server's session cookie. */
#define TRACK_API_SESSION_COOKIE "JSESSIONID"

/* Starts an API session for user_id lasting lifetime_ms: token receives the cookie value (a new
 * one at every sign-in), *id the session's id. Store errors. */
int track_api_session_create(db_conn *c, int64_t user_id, int64_t lifetime_ms,
                             char token[WEB_TOKEN_LEN + 1], int64_t *id);
/* The live API session behind a cookie value: its id and user. WEFT_ENOTFOUND when there is
 * none, it expired or the value is malformed. */
int track_api_session_find(db_conn *c, const char *token, int64_t *id, int64_t *user_id);
/* Ends one API session (signing out). */
int track_api_session_end(db_conn *c, int64_t id);
/* Ends every API session of user_id (a new password, a deactivated account). */
int track_api_session_end_all(db_conn *c, int64_t user_id);

/* Jira's loginInfo: times in epoch ms, 0 for never. */
typedef struct track_login_info {
	int64_t login_count;
	int64_t failed_count; /* failed sign-ins with the account's name, all told */
	int64_t last_failed_at;
	int64_t previous_login_at; /* the sign-in before the last one */
} track_login_info;

/* Counts a successful sign-in of user_id with a password at now (which becomes the last one,
 * and the one before it the previous). */
int track_login_record_success(db_conn *c, int64_t user_id, int64_t now);
/* Counts a failed sign-in of user_id with a password at now. */
int track_login_record_failure(db_conn *c, int64_t user_id, int64_t now);
/* user_id's statistics; all zero for a user who never signed in with a password. */
int track_login_info_get(db_conn *c, int64_t user_id, track_login_info *out);

#endif
