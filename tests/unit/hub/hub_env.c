/* Shortcuts for hub's domain tests. */
#include "hub_env.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "db/migrate.h"

hub_env hub_env_begin(void **state)
{
	fixture *f = *state;
	return (hub_env){ f, arena_new(), fixture_migrated_conn(f, "hub") };
}

void hub_env_end(hub_env *e)
{
	db_conn_put(e->c);
	arena_free(e->a);
}

hub_user hub_env_user(hub_env *e, const char *username, const char *email, const char *password)
{
	account_new n = { username, email, password ? password : "a long enough password",
		          NULL,     false, false };
	hub_user u;
	if (hub_account_create(e->c, e->a, &n, &u) < 0)
		fail_msg("creating %s: %s", username, err_msg());
	return u;
}

int64_t hub_env_scalar(hub_env *e, const char *sql, db_arg arg)
{
	return fixture_conn_scalar(e->c, sql, arg);
}

void hub_env_confirm_link(hub_env *e, char token[65], char recipient[128])
{
	db_stmt *st;
	assert_int_equal(db_query(&st, e->c,
	                          "SELECT recipient, body FROM outbox ORDER BY id DESC LIMIT 1",
	                          DB_END),
	                 0);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(recipient, 128, "%s", db_col_text(st, 0));
	const char *link = strstr(db_col_text(st, 1), "/confirm/");
	assert_non_null(link);
	snprintf(token, 65, "%.64s", link + 9);
	db_done(st);
}

void hub_env_ok(int rc)
{
	if (rc != 0)
		fail_msg("expected success, got %s: %s", err_name(rc), err_msg());
}

void hub_env_refused(int rc, int code, const char *text)
{
	if (rc != code)
		fail_msg("expected %s, got %s (%s)", err_name(code), err_name(rc), err_msg());
	if (text && !strstr(err_msg(), text))
		fail_msg("expected a message with '%s', got '%s'", text, err_msg());
}
