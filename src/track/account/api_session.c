/* API sessions and sign-in statistics (api_session.h), in tables api_sessions and login_stats
 * (migrations/track/…/0012_api_sessions.sql). */
#include "track/account/api_session.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/token.h"

int track_api_session_create(db_conn *c, int64_t user_id, int64_t lifetime_ms,
                             char token[WEB_TOKEN_LEN + 1], int64_t *id)
{
	char digest[65];
	int64_t now = clock_now_ms();
	token_hex(token, WEB_TOKEN_LEN / 2);
	password_token_digest(digest, token, WEB_TOKEN_LEN);
	return db_query_int(id, c,
	                    "INSERT INTO api_sessions (token_hash, user_id, created_at, expires_at)"
	                    " VALUES ($1, $2, $3, $4) RETURNING id",
	                    db_text(digest), db_int(user_id), db_int(now),
	                    db_int(now + lifetime_ms));
}

int track_api_session_find(db_conn *c, const char *token, int64_t *id, int64_t *user_id)
{
	if (strlen(token) != WEB_TOKEN_LEN || strspn(token, "0123456789abcdef") != WEB_TOKEN_LEN)
		return err_fail(WEFT_ENOTFOUND, "no such session");
	char digest[65];
	password_token_digest(digest, token, WEB_TOKEN_LEN);
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, user_id FROM api_sessions"
	                  " WHERE token_hash = $1 AND expires_at > $2",
	                  db_text(digest), db_int(clock_now_ms()));
	if (rc == 0)
		rc = db_step_one(st, "no such session");
	if (rc == 0) {
		*id = db_col_int(st, 0);
		*user_id = db_col_int(st, 1);
	}
	db_done(st);
	return rc;
}

int track_api_session_end(db_conn *c, int64_t id)
{
	int rc = db_exec(c, "DELETE FROM api_sessions WHERE id = $1", db_int(id));
	return rc < 0 ? rc : 0;
}

int track_api_session_end_all(db_conn *c, int64_t user_id)
{
	int rc = db_exec(c, "DELETE FROM api_sessions WHERE user_id = $1", db_int(user_id));
	return rc < 0 ? rc : 0;
}

int track_login_record_success(db_conn *c, int64_t user_id, int64_t now)
{
	int rc = db_exec(c,
	                 "INSERT INTO login_stats (user_id, login_count, failed_count,"
	                 " last_login_at) VALUES ($1, 1, 0, $2) ON CONFLICT (user_id) DO UPDATE SET"
	                 " login_count = login_stats.login_count + 1,"
	                 " previous_login_at = login_stats.last_login_at, last_login_at = $2",
	                 db_int(user_id), db_int(now));
	return rc < 0 ? rc : 0;
}

int track_login_record_failure(db_conn *c, int64_t user_id, int64_t now)
{
	int rc = db_exec(c,
	                 "INSERT INTO login_stats (user_id, login_count, failed_count,"
	                 " last_failed_at) VALUES ($1, 0, 1, $2) ON CONFLICT (user_id) DO UPDATE"
	                 " SET failed_count = login_stats.failed_count + 1, last_failed_at = $2",
	                 db_int(user_id), db_int(now));
	return rc < 0 ? rc : 0;
}

int track_login_info_get(db_conn *c, int64_t user_id, track_login_info *out)
{
	*out = (track_login_info){ 0 };
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT login_count, failed_count, last_failed_at, previous_login_at"
	                  " FROM login_stats WHERE user_id = $1",
	                  db_int(user_id));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		out->login_count = db_col_int(st, 0);
		out->failed_count = db_col_int(st, 1);
		out->last_failed_at = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
		out->previous_login_at = db_col_null(st, 3) ? 0 : db_col_int(st, 3);
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : rc;
}
