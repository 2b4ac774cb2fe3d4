/* Confirmation tokens (stored as SHA-256) and their mail. */
#include "hub/confirm.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/token.h"
#include "mail/mail.h"

/* The primary address's id, if it still needs confirming. */
static int unconfirmed_email(db_conn *c, int64_t user_id, int64_t *email_id)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, confirmed_at IS NOT NULL FROM emails"
	                  " WHERE user_id = $1 AND is_primary = 1",
	                  db_int(user_id));
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW) {
		*email_id = db_col_int(st, 0);
		rc = db_col_int(st, 1)
		             ? err_fail(WEFT_ECONFLICT, "Your email address is confirmed already.")
		             : 0;
	} else if (rc == DB_DONE) {
		rc = err_fail(WEFT_ENOTFOUND, "The account has no email address.");
	}
	db_done(st);
	return rc;
}

static int queue_mail(db_conn *c, const hub_user *user, const char *base_url, const char *token)
{
	buf body = BUF_INIT;
	buf_printf(
	        &body,
	        "Hello %s,\n\n"
	        "please confirm that %s is your email address for weft hub by opening this "
	        "link:\n\n"
	        "%s/confirm/%s\n\n"
	        "The link works once, for 48 hours. If you did not create an account on weft hub,\n"
	        "ignore this message.\n",
	        user->display_name, user->email, base_url, token);
	int rc = mail_queue(c, user->email, "Confirm your email address for weft hub",
	                    buf_cstr(&body), NULL);
	buf_dispose(&body);
	return rc;
}

int confirm_send(db_conn *c, const hub_user *user, const char *base_url)
{
	int64_t email_id = 0, now = clock_now_ms();
	int rc = unconfirmed_email(c, user->id, &email_id);
	if (rc < 0)
		return rc;
	char token[65], digest[65];
	token_hex(token, 32);
	password_token_digest(digest, token, 64);
	/* A new link replaces the old ones: only the newest mail works. */
	rc = db_exec(c,
	             "UPDATE tokens SET used_at = $1 WHERE kind = 'confirm' AND email_id = $2"
	             " AND used_at IS NULL",
	             db_int(now), db_int(email_id));
	if (rc >= 0)
		rc = db_exec(c,
		             "INSERT INTO tokens (kind, token_hash, user_id, email_id, created_at,"
		             " expires_at) VALUES ('confirm', $1, $2, $3, $4, $5)",
		             db_text(digest), db_int(user->id), db_int(email_id), db_int(now),
		             db_int(now + CONFIRM_LIFETIME_MS));
	return rc < 0 ? rc : queue_mail(c, user, base_url, token);
}

int confirm_follow(db_conn *c, const char *token, int64_t *user_id)
{
	char digest[65];
	int64_t now = clock_now_ms();
	password_token_digest(digest, token, strlen(token));
	db_stmt *st;
	int rc =
	        db_query(&st, c,
	                 "UPDATE tokens SET used_at = $1 WHERE token_hash = $2 AND kind = 'confirm'"
	                 " AND used_at IS NULL AND expires_at > $1 RETURNING user_id, email_id",
	                 db_int(now), db_text(digest));
	int64_t email_id = 0;
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW) {
		*user_id = db_col_int(st, 0);
		email_id = db_col_int(st, 1);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_fail(WEFT_ENOTFOUND,
		              "This confirmation link is invalid, used or expired.");
	}
	db_done(st);
	if (rc == 0)
		rc = db_exec(c, "UPDATE emails SET confirmed_at = $1 WHERE id = $2", db_int(now),
		             db_int(email_id));
	return rc < 0 ? rc : 0;
}
