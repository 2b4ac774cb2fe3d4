/* Set-password links (stored as SHA-256) and their mail. */
#include "track/account/invite.h"

#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "db/secret.h"
#include "mail/mail.h"

#define INVALID_LINK "This link is invalid, used or expired."

static int queue_mail(db_conn *c, const track_user *u, const char *base_url, const char *token)
{
	buf body = BUF_INIT;
	buf_printf(&body,
	           "Hello %s,\n\n"
	           "an administrator of weft track created an account for you, with the username\n"
	           "%s. Choose your password by opening this link:\n\n"
	           "%s/set-password/%s\n\n"
	           "The link works once, for 7 days.\n",
	           u->display_name, u->username, base_url, token);
	int rc = mail_queue(c, u->email, "Your weft track account", buf_cstr(&body), NULL);
	buf_dispose(&body);
	return rc;
}

/* Set-password links, one owner a user: only the newest link of a user works. */
static const db_secret_sql set_password_links = {
	.retire = "UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2"
	          " AND kind = 'set_password' AND used_at IS NULL",
	.insert = "INSERT INTO one_time_tokens (kind, token_hash, user_id, created_at, expires_at)"
	          " VALUES ('set_password', $1, $2, $3, $4)",
};

static int issue_link(db_conn *c, const track_user *u, const char *base_url)
{
	db_secret_link link;
	int rc = db_secret_link_issue(c, &set_password_links, u->id, TRACK_INVITE_LIFETIME_MS,
	                              &link);
	return rc < 0 ? rc : queue_mail(c, u, base_url, link.token);
}

int track_invite_create(db_conn *c, arena *a, const track_account_new *n, const char *base_url,
                        track_user *out)
{
	track_account_new without = *n;
	without.password = NULL;
	int rc = track_account_create(c, a, &without, out);
	return rc < 0 ? rc : issue_link(c, out, base_url);
}

/* The live link's id and user. */
static int find_link(db_conn *c, const char *token, int64_t *id, int64_t *user_id)
{
	db_stmt *st;
	int rc = db_secret_link_find(&st, c,
	                             "SELECT id, user_id FROM one_time_tokens WHERE token_hash = $1"
	                             " AND kind = 'set_password' AND used_at IS NULL"
	                             " AND expires_at > $2",
	                             token, INVALID_LINK);
	if (rc == 0) {
		*id = db_col_int(st, 0);
		*user_id = db_col_int(st, 1);
	}
	db_done(st);
	return rc;
}

int track_invite_find(db_conn *c, arena *a, const char *token, track_user *out)
{
	int64_t id = 0, user_id = 0;
	int rc = find_link(c, token, &id, &user_id);
	if (rc == 0)
		rc = track_account_find_id(c, a, user_id, out);
	if (rc == 0 && !out->is_active)
		rc = err_fail(WEFT_ENOTFOUND, INVALID_LINK);
	return rc;
}

int track_invite_accept(db_conn *c, arena *a, const char *token, const char *password,
                        track_user *out)
{
	int64_t id = 0, user_id = 0;
	track_user u;
	int rc = find_link(c, token, &id, &user_id);
	if (rc == 0)
		rc = track_account_find_id(c, a, user_id, &u);
	if (rc == 0 && !u.is_active)
		rc = err_fail(WEFT_ENOTFOUND, INVALID_LINK);
	if (rc == 0)
		rc = track_account_set_password(c, &u, password);
	if (rc == 0)
		rc = db_exec(c, "UPDATE one_time_tokens SET used_at = $1 WHERE id = $2",
		             db_int(clock_now_ms()), db_int(id));
	if (rc < 0)
		return rc;
	*out = u;
	return 0;
}
