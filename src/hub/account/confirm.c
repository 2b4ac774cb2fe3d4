/* Confirmation tokens (stored as SHA-256) and their mail, for any address of an account. */
#include "hub/account/confirm.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "db/secret.h"
#include "hub/team/invitation.h"
#include "mail/mail.h"

/* An address that a link is about to be sent for. */
typedef struct pending_email {
	int64_t id;
	char address[MAIL_ADDRESS_MAX + 1];
	bool is_primary;
} pending_email;

#define PENDING_SELECT \
	"SELECT id, address, is_primary, confirmed_at IS NOT NULL FROM emails WHERE user_id = $1 "

/* Steps st once: DB_ROW (with *out and *confirmed filled), DB_DONE, or an error. */
static int read_pending(db_stmt *st, pending_email *out, bool *confirmed)
{
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->id = db_col_int(st, 0);
		snprintf(out->address, sizeof out->address, "%s", db_col_text(st, 1));
		out->is_primary = db_col_int(st, 2) != 0;
		*confirmed = db_col_int(st, 3) != 0;
	}
	return rc;
}

/* The primary address, if it still needs confirming. */
static int unconfirmed_primary(db_conn *c, int64_t user_id, pending_email *out)
{
	db_stmt *st;
	bool confirmed = false;
	int rc = db_query(&st, c, PENDING_SELECT "AND is_primary = 1", db_int(user_id));
	if (rc == 0)
		rc = read_pending(st, out, &confirmed);
	db_done(st);
	if (rc == DB_DONE)
		return err_fail(WEFT_ENOTFOUND, "The account has no email address.");
	if (rc == DB_ROW && confirmed)
		return err_fail(WEFT_ECONFLICT, "Your email address is confirmed already.");
	return rc < 0 ? rc : 0;
}

/* One of the user's addresses, if it still needs confirming. */
static int unconfirmed_address(db_conn *c, int64_t user_id, int64_t email_id, pending_email *out)
{
	db_stmt *st;
	bool confirmed = false;
	int rc = db_query(&st, c, PENDING_SELECT "AND id = $2", db_int(user_id), db_int(email_id));
	if (rc == 0)
		rc = read_pending(st, out, &confirmed);
	db_done(st);
	if (rc == DB_DONE)
		return err_fail(WEFT_ENOTFOUND, "Email: you have no such address.");
	if (rc == DB_ROW && confirmed)
		return err_fail(WEFT_ECONFLICT, "Email: %s is confirmed already.", out->address);
	return rc < 0 ? rc : 0;
}

static int queue_mail(db_conn *c, const hub_user *user, const pending_email *e,
                      const char *base_url, const char *token)
{
	buf body = BUF_INIT;
	buf_printf(&body,
	           "Hello %s,\n\n"
	           "please confirm that %s is your email address for weft hub by opening this "
	           "link:\n\n"
	           "%s/confirm/%s\n\n"
	           "The link works once, for 48 hours. If you did not %s on weft hub,\n"
	           "ignore this message.\n",
	           user->display_name, e->address, base_url, token,
	           e->is_primary ? "create an account" : "add this address to an account");
	int rc = mail_queue(c, e->address, "Confirm your email address for weft hub",
	                    buf_cstr(&body), NULL);
	buf_dispose(&body);
	return rc;
}

/* Confirmation links, one owner an address: only the newest link of an address works. */
static const db_secret_sql confirm_links = {
	.retire = "UPDATE tokens SET used_at = $1 WHERE kind = 'confirm' AND email_id = $2"
	          " AND used_at IS NULL",
	.insert = "INSERT INTO tokens (kind, token_hash, user_id, email_id, created_at, expires_at)"
	          " VALUES ('confirm', $1, (SELECT user_id FROM emails WHERE id = $2), $2, $3, $4)",
};

/* A new link for e, replacing the old ones, and its mail. */
static int issue(db_conn *c, const hub_user *user, const pending_email *e, const char *base_url)
{
	db_secret_link link;
	int rc = db_secret_link_issue(c, &confirm_links, e->id, CONFIRM_LIFETIME_MS, &link);
	return rc < 0 ? rc : queue_mail(c, user, e, base_url, link.token);
}

int hub_confirm_send(db_conn *c, const hub_user *user, const char *base_url)
{
	pending_email e;
	int rc = unconfirmed_primary(c, user->id, &e);
	return rc < 0 ? rc : issue(c, user, &e, base_url);
}

int hub_confirm_send_email(db_conn *c, const hub_user *user, int64_t email_id, const char *base_url)
{
	pending_email e;
	int rc = unconfirmed_address(c, user->id, email_id, &e);
	return rc < 0 ? rc : issue(c, user, &e, base_url);
}

/* Marks a live token used: its user and address, or WEFT_ENOTFOUND. */
static int use_token(db_conn *c, const char *token, int64_t *user_id, int64_t *email_id)
{
	db_stmt *st;
	int rc = db_secret_link_find(
	        &st, c,
	        "UPDATE tokens SET used_at = $2 WHERE token_hash = $1 AND kind = 'confirm'"
	        " AND used_at IS NULL AND expires_at > $2 RETURNING user_id, email_id",
	        token, "This confirmation link is invalid, used or expired.");
	if (rc == 0) {
		*user_id = db_col_int(st, 0);
		*email_id = db_col_int(st, 1);
	}
	db_done(st);
	return rc;
}

int hub_confirm_follow(db_conn *c, const char *token, int64_t *user_id)
{
	int64_t now = clock_now_ms(), email_id = 0;
	int rc = use_token(c, token, user_id, &email_id);
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE emails SET confirmed_at = $1 WHERE id = $2 AND user_id = $3",
		             db_int(now), db_int(email_id), db_int(*user_id));
	if (rc == 0) /* the address was removed (its links go with it; this is a safeguard) */
		return err_fail(WEFT_ENOTFOUND,
		                "This confirmation link is invalid, used or expired.");
	if (rc > 0) /* a confirmed address joins the teams it was invited to */
		rc = hub_invitation_accept_all_for(c, *user_id, NULL);
	return rc < 0 ? rc : 0;
}

int hub_confirm_sign_up(db_conn *c, arena *a, const account_new *n, const char *base_url,
                        hub_user *out)
{
	int rc = hub_account_create(c, a, n, out);
	return rc < 0 ? rc : hub_confirm_send(c, out, base_url);
}
