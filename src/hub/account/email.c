/* A user's email addresses: listing, adding, making primary and removing, with the rules that
 * keep exactly one confirmed primary address on every account. */
#include "hub/account/email.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "hub/account/account.h"

#define EMAIL_SELECT                                                                       \
	"SELECT id, address, is_primary, confirmed_at IS NOT NULL, created_at FROM emails" \
	" WHERE user_id = $1 "

static void read_email(db_stmt *st, hub_email *out)
{
	out->id = db_col_int(st, 0);
	out->address = db_col_text(st, 1);
	out->is_primary = db_col_int(st, 2) != 0;
	out->confirmed = db_col_int(st, 3) != 0;
	out->created_at = db_col_int(st, 4);
}

int hub_email_list(db_conn *c, int64_t user_id, void (*fn)(void *ctx, const hub_email *e),
                   void *ctx)
{
	db_stmt *st;
	int rc = db_query(&st, c, EMAIL_SELECT "ORDER BY is_primary DESC, lower(address), id",
	                  db_int(user_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		hub_email e;
		read_email(st, &e);
		fn(ctx, &e);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int hub_email_find(db_conn *c, arena *a, int64_t user_id, int64_t email_id, hub_email *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, EMAIL_SELECT "AND id = $2", db_int(user_id), db_int(email_id));
	if (rc == 0)
		rc = db_step_one(st, "Email: you have no such address.");
	if (rc == 0) {
		read_email(st, out);
		out->address = arena_strdup(a, out->address);
	}
	db_done(st);
	return rc;
}

/* Serializes the changes to one user's addresses (on PostgreSQL, whose write transactions are
 * READ COMMITTED), so that two requests at once cannot leave two primaries or none. */
static int lock_user(db_conn *c, int64_t user_id)
{
	int rc =
	        db_exec(c, "UPDATE users SET is_active = is_active WHERE id = $1", db_int(user_id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "There is no such account.");
	return rc < 0 ? rc : 0;
}

int hub_email_confirmed_owner(db_conn *c, const char *address, int64_t *user_id)
{
	return db_query_int(user_id, c,
	                    "SELECT user_id FROM emails WHERE lower(address) = lower($1)"
	                    " AND confirmed_at IS NOT NULL",
	                    db_text(address));
}

static int count_addresses(db_conn *c, int64_t user_id, int64_t *out)
{
	return db_query_int(out, c, "SELECT COUNT(*) FROM emails WHERE user_id = $1",
	                    db_int(user_id));
}

/* Asked before inserting: on PostgreSQL a failed INSERT ends the transaction, and the user
 * deserves to hear whether the address is already theirs. */
static int check_unused(db_conn *c, int64_t user_id, const char *address)
{
	int64_t owner = 0;
	int rc = db_query_int(&owner, c,
	                      "SELECT user_id FROM emails WHERE lower(address) = lower($1)",
	                      db_text(address));
	if (rc == 0 && owner == user_id)
		return err_fail(WEFT_EEXISTS, "Email: %s is already one of your addresses.",
		                address);
	if (rc == 0 && owner)
		return err_fail(WEFT_EEXISTS, "Email: %s is already used by another account.",
		                address);
	return rc;
}

static int insert_email(db_conn *c, int64_t user_id, const char *address, int64_t *id)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "INSERT INTO emails (user_id, address, is_primary, created_at)"
	                  " VALUES ($1, $2, 0, $3) RETURNING id",
	                  db_int(user_id), db_text(address), db_int(clock_now_ms()));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	if (rc == WEFT_EEXISTS) /* taken by a request that committed meanwhile */
		return err_fail(WEFT_EEXISTS, "Email: %s is already used by another account.",
		                address);
	return rc;
}

int hub_email_add(db_conn *c, arena *a, int64_t user_id, const char *address, hub_email *out)
{
	int64_t count = 0, id = 0;
	int rc = hub_account_check_email(address);
	if (rc == 0)
		rc = lock_user(c, user_id);
	if (rc == 0)
		rc = count_addresses(c, user_id, &count);
	if (rc == 0 && count >= EMAIL_PER_USER_MAX)
		rc = err_fail(WEFT_EINVALID, "Email: an account has at most %d addresses.",
		              EMAIL_PER_USER_MAX);
	if (rc == 0)
		rc = check_unused(c, user_id, address);
	if (rc == 0)
		rc = insert_email(c, user_id, address, &id);
	return rc < 0 ? rc : hub_email_find(c, a, user_id, id, out);
}

int hub_email_make_primary(db_conn *c, arena *a, int64_t user_id, int64_t email_id)
{
	hub_email e;
	int rc = lock_user(c, user_id);
	if (rc == 0)
		rc = hub_email_find(c, a, user_id, email_id, &e);
	if (rc < 0 || e.is_primary)
		return rc;
	if (!e.confirmed)
		return err_fail(WEFT_ECONFLICT,
		                "Email: confirm %s (follow the link we sent) before making it "
		                "primary.",
		                e.address);
	rc = db_exec(c, "UPDATE emails SET is_primary = 0 WHERE user_id = $1 AND is_primary = 1",
	             db_int(user_id));
	if (rc >= 0)
		rc = db_exec(c, "UPDATE emails SET is_primary = 1 WHERE id = $1", db_int(email_id));
	return rc < 0 ? rc : 0;
}

int hub_email_remove(db_conn *c, arena *a, int64_t user_id, int64_t email_id)
{
	hub_email e;
	int64_t count = 0;
	int rc = lock_user(c, user_id);
	if (rc == 0)
		rc = hub_email_find(c, a, user_id, email_id, &e);
	if (rc == 0)
		rc = count_addresses(c, user_id, &count);
	if (rc < 0)
		return rc;
	if (e.is_primary)
		return err_fail(WEFT_ECONFLICT,
		                "Email: %s is your primary address; make another address primary "
		                "before removing it.",
		                e.address);
	if (count <= 1)
		return err_fail(WEFT_ECONFLICT, "Email: %s is your only address.", e.address);
	rc = db_exec(c, "DELETE FROM emails WHERE id = $1 AND user_id = $2", db_int(email_id),
	             db_int(user_id));
	return rc < 0 ? rc : 0;
}

int hub_email_author(db_conn *c, arena *a, const char *address, const hub_user **out)
{
	int64_t id = 0;
	*out = NULL;
	if (!*address || !strchr(address, '@'))
		return 0;
	int rc = hub_email_confirmed_owner(c, address, &id);
	if (rc < 0 || id == 0)
		return rc;
	hub_user *u = arena_alloc(a, sizeof *u);
	rc = hub_account_find_id(c, a, id, u);
	if (rc == 0 && u->is_active)
		*out = u;
	return rc == WEFT_ENOTFOUND ? 0 : rc;
}
