/* Tests of src/db/secret.c on both engines: one-time links issued, retired, found once and
 * expired; tokens revoked once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/token.h"
#include "db/secret.h"
#include "fixture.h"

static const db_secret_sql links = {
	.retire = "UPDATE links SET used_at = $1 WHERE owner_id = $2 AND used_at IS NULL",
	.insert = "INSERT INTO links (token_hash, owner_id, created_at, expires_at)"
	          " VALUES ($1, $2, $3, $4)",
};

#define USE_LINK                                                                  \
	"UPDATE links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL" \
	" AND expires_at > $2 RETURNING owner_id"

static db_conn *begin(void **state)
{
	fixture *f = *state;
	db_conn *c;
	assert_int_equal(db_conn_get(&c, f->d), 0);
	int rc = db_exec_script(
	        c, db_sql(c,
	                  "CREATE TABLE links (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL,"
	                  " owner_id INTEGER NOT NULL, created_at INTEGER NOT NULL,"
	                  " expires_at INTEGER NOT NULL, used_at INTEGER);"
	                  "CREATE TABLE tokens (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL,"
	                  " revoked_at INTEGER);"
	                  "INSERT INTO tokens (id, user_id) VALUES (1, 7);",
	                  "CREATE TABLE links (id BIGSERIAL PRIMARY KEY, token_hash TEXT NOT NULL,"
	                  " owner_id BIGINT NOT NULL, created_at BIGINT NOT NULL,"
	                  " expires_at BIGINT NOT NULL, used_at BIGINT);"
	                  "CREATE TABLE tokens (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL,"
	                  " revoked_at BIGINT);"
	                  "INSERT INTO tokens (id, user_id) VALUES (1, 7);"));
	assert_int_equal(rc, 0);
	return c;
}

/* Uses token: the owner's id, or the error. */
static int64_t use(db_conn *c, const char *token)
{
	db_stmt *st;
	int rc = db_secret_link_find(&st, c, USE_LINK, token, "This link is invalid.");
	int64_t owner = rc == 0 ? db_col_int(st, 0) : rc;
	db_done(st);
	return owner;
}

static void a_link_is_stored_as_its_digest_and_works_once(void **state)
{
	fixture *f = *state;
	db_conn *c = begin(state);
	db_secret_link link;
	assert_int_equal(db_secret_link_issue(c, &links, 42, 60000, &link), 0);
	assert_int_equal(strlen(link.token), DB_SECRET_TOKEN_LEN);
	assert_int_equal(link.expires_at - link.now, 60000);
	char digest[65];
	db_secret_digest(digest, link.token);
	assert_string_equal(digest, link.digest);
	assert_string_not_equal(digest, link.token);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM links WHERE token_hash = '%s'", link.token);
	assert_int_equal(fixture_scalar(f->d, sql), 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM links WHERE token_hash = '%s'", digest);
	assert_int_equal(fixture_scalar(f->d, sql), 1);
	assert_int_equal(use(c, link.token), 42);
	assert_int_equal(use(c, link.token), WEFT_ENOTFOUND);
	assert_string_equal(err_msg(), "This link is invalid.");
	db_conn_put(c);
}

static void a_new_link_retires_the_owners_earlier_ones(void **state)
{
	db_conn *c = begin(state);
	db_secret_link first, second, other;
	assert_int_equal(db_secret_link_issue(c, &links, 1, 60000, &first), 0);
	assert_int_equal(db_secret_link_issue(c, &links, 2, 60000, &other), 0);
	assert_int_equal(db_secret_link_issue(c, &links, 1, 60000, &second), 0);
	assert_string_not_equal(first.token, second.token);
	assert_int_equal(use(c, first.token), WEFT_ENOTFOUND);
	assert_int_equal(use(c, other.token), 2);
	assert_int_equal(use(c, second.token), 1);
	db_conn_put(c);
}

static void expired_and_unknown_links_are_not_found(void **state)
{
	db_conn *c = begin(state);
	db_secret_link link;
	assert_int_equal(db_secret_link_issue(c, &links, 5, -1, &link), 0);
	assert_int_equal(use(c, link.token), WEFT_ENOTFOUND);
	assert_int_equal(use(c, ""), WEFT_ENOTFOUND);
	assert_int_equal(use(c, "'; DROP TABLE links; --"), WEFT_ENOTFOUND);
	db_conn_put(c);
}

static void a_token_is_revoked_once_and_only_by_its_user(void **state)
{
	fixture *f = *state;
	db_conn *c = begin(state);
	const char *sql = "UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3"
	                  " AND revoked_at IS NULL";
	assert_int_equal(db_secret_revoke(c, sql, 8, 1, "No such token."), WEFT_ENOTFOUND);
	assert_string_equal(err_msg(), "No such token.");
	assert_int_equal(db_secret_revoke(c, sql, 7, 2, "No such token."), WEFT_ENOTFOUND);
	assert_int_equal(db_secret_revoke(c, sql, 7, 1, "No such token."), 0);
	assert_int_equal(db_secret_revoke(c, sql, 7, 1, "No such token."), WEFT_ENOTFOUND);
	db_conn_put(c);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM tokens WHERE revoked_at > 0"),
	                 1);
}

int main(void)
{
	assert_int_equal(token_init(), 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_link_is_stored_as_its_digest_and_works_once),
		cmocka_unit_test(a_new_link_retires_the_owners_earlier_ones),
		cmocka_unit_test(expired_and_unknown_links_are_not_found),
		cmocka_unit_test(a_token_is_revoked_once_and_only_by_its_user),
	};
	return fixture_run_engine_tests("secret", tests, sizeof tests / sizeof tests[0], 2);
}
