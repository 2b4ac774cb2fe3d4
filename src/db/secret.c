/* Stored secrets: one-time links and revocable tokens (secret.h). */
#include "db/secret.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/token.h"

void db_secret_link_new(db_secret_link *out, int64_t lifetime_ms)
{
	token_hex(out->token, DB_SECRET_TOKEN_LEN / 2);
	password_token_digest(out->digest, out->token, DB_SECRET_TOKEN_LEN);
	out->now = clock_now_ms();
	out->expires_at = out->now + lifetime_ms;
}

void db_secret_digest(char out[65], const char *token)
{
	password_token_digest(out, token, strlen(token));
}

int db_secret_link_issue(db_conn *c, const db_secret_sql *sql, int64_t owner_id,
                         int64_t lifetime_ms, db_secret_link *out)
{
	db_secret_link_new(out, lifetime_ms);
	int rc = db_exec(c, sql->retire, db_int(out->now), db_int(owner_id));
	if (rc >= 0)
		rc = db_exec(c, sql->insert, db_text(out->digest), db_int(owner_id),
		             db_int(out->now), db_int(out->expires_at));
	return rc < 0 ? rc : 0;
}

int db_secret_link_find(db_stmt **out, db_conn *c, const char *sql, const char *token,
                        const char *invalid)
{
	char digest[65];
	db_secret_digest(digest, token);
	int rc = db_query(out, c, sql, db_text(digest), db_int(clock_now_ms()));
	return rc < 0 ? rc : db_step_one(*out, "%s", invalid);
}

int db_secret_revoke(db_conn *c, const char *sql, int64_t user_id, int64_t id, const char *missing)
{
	int rc = db_exec(c, sql, db_int(clock_now_ms()), db_int(id), db_int(user_id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "%s", missing);
	return rc < 0 ? rc : 0;
}
