/* Tests of src/hub/app_password.c on both engines: label and permission rules, creation (the
 * secret comes out once, only its digest is stored), lookup by user and secret, Basic sign-in
 * (last use recorded), revocation, deactivated accounts and the limit. */
#include "../hub_env.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/password.h"
#include "db/migrate.h"
#include "hub/account/account.h"
#include "hub/account/app_password.h"

typedef hub_env env;

static void assert_message_starts(const char *prefix)
{
	if (strncmp(err_msg(), prefix, strlen(prefix)) != 0)
		fail_msg("expected a message starting '%s', got '%s'", prefix, err_msg());
}

static bool is_secret(const char *s)
{
	return strlen(s) == APP_PASSWORD_SECRET_LEN &&
	       strspn(s, "0123456789abcdef") == APP_PASSWORD_SECRET_LEN;
}

static hub_app_password must_make(env *e, const hub_user *u, const char *label, const char *scopes,
                                  char secret[APP_PASSWORD_SECRET_LEN + 1])
{
	hub_app_password p;
	if (hub_app_password_create(e->c, e->a, u->id, label, scopes, secret, &p) < 0)
		fail_msg("creating app password %s: %s", label, err_msg());
	return p;
}

/* ---- the rules ---- */

static void labels_have_lengths_and_text(void **state)
{
	(void)state;
	char s[512];
	memset(s, 'x', 100);
	s[100] = '\0';
	assert_int_equal(hub_app_password_check_label("a"), 0);
	assert_int_equal(hub_app_password_check_label(s), 0);
	s[100] = 'x';
	s[101] = '\0';
	assert_int_equal(hub_app_password_check_label(s), WEFT_EINVALID);
	assert_message_starts("Label: at most 100");
	/* characters, not bytes: 100 × U+00E9 is 200 bytes */
	for (int i = 0; i < 100; i++)
		memcpy(s + 2 * i, "\xC3\xA9", 2);
	s[200] = '\0';
	assert_int_equal(hub_app_password_check_label(s), 0);
	assert_int_equal(hub_app_password_check_label(""), WEFT_EINVALID);
	assert_message_starts("Label: enter a label");
	const char *bad[] = { "a\nb", "tab\there", "\x7f", "bad \xC3 utf-8" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(hub_app_password_check_label(bad[i]), WEFT_EINVALID);
		assert_message_starts("Label:");
	}
}

static void scopes_are_checked_and_made_canonical(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *out = NULL;
	assert_int_equal(hub_app_password_parse_scopes(a, "pullrequest repository:read", &out), 0);
	assert_string_equal(out, "repository:read pullrequest");
	assert_int_equal(hub_app_password_parse_scopes(a, "  team  team account ", &out), 0);
	assert_string_equal(out, "account team");
	assert_int_equal(
	        hub_app_password_parse_scopes(a,
	                                      "team:write team webhook pullrequest:write "
	                                      "pullrequest repository:admin repository:write "
	                                      "repository:read account",
	                                      &out),
	        0);
	assert_string_equal(out, "account repository:read repository:write repository:admin "
	                         "pullrequest pullrequest:write webhook team team:write");
	const char *unknown[] = { "repository", "Repository:read", "repository:read,account",
		                  "admin", "repository:destroy" };
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		assert_int_equal(hub_app_password_parse_scopes(a, unknown[i], &out), WEFT_EINVALID);
		assert_message_starts("Permissions: \"");
	}
	assert_int_equal(hub_app_password_parse_scopes(a, "", &out), WEFT_EINVALID);
	assert_message_starts("Permissions: choose at least one");
	assert_int_equal(hub_app_password_parse_scopes(a, "   ", &out), WEFT_EINVALID);
	arena_free(a);
}

/* ---- the store ---- */

static void the_secret_comes_out_once_and_only_its_digest_is_stored(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", NULL);
	char secret[APP_PASSWORD_SECRET_LEN + 1], other[APP_PASSWORD_SECRET_LEN + 1];
	hub_app_password p = must_make(&e, &a, "laptop git", "repository:write account", secret);
	assert_true(is_secret(secret));
	assert_true(p.id > 0);
	assert_string_equal(p.label, "laptop git");
	assert_string_equal(p.scopes, "account repository:write");
	assert_true(p.created_at > 0);
	assert_int_equal(p.last_used_at, 0);
	char digest[65];
	password_token_digest(digest, secret, strlen(secret));
	db_stmt *st;
	assert_int_equal(db_query(&st, e.c,
	                          "SELECT token_hash, scopes, label, last_used_at IS NULL"
	                          " FROM app_passwords WHERE id = $1",
	                          db_int(p.id)),
	                 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), digest);
	assert_string_equal(db_col_text(st, 1), "account repository:write");
	assert_string_equal(db_col_text(st, 2), "laptop git");
	assert_int_equal(db_col_int(st, 3), 1);
	db_done(st);
	/* every one is new */
	must_make(&e, &a, "laptop git", "account", other);
	assert_string_not_equal(secret, other);
	/* refusals write nothing */
	hub_app_password x;
	assert_int_equal(hub_app_password_create(e.c, e.a, a.id, "", "account", other, &x),
	                 WEFT_EINVALID);
	assert_int_equal(hub_app_password_create(e.c, e.a, a.id, "ok", "nothing", other, &x),
	                 WEFT_EINVALID);
	assert_int_equal(hub_env_scalar(&e, "SELECT COUNT(*) FROM app_passwords WHERE user_id = $1",
	                                db_int(a.id)),
	                 2);
	hub_env_end(&e);
}

static void app_passwords_are_found_by_user_and_secret(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", NULL);
	hub_user b = hub_env_user(&e, "bob", "bob@example.com", NULL);
	char secret[APP_PASSWORD_SECRET_LEN + 1], bobs[APP_PASSWORD_SECRET_LEN + 1];
	hub_app_password made = must_make(&e, &a, "ci", "pullrequest", secret);
	must_make(&e, &b, "ci", "pullrequest", bobs);
	hub_app_password found;
	assert_int_equal(hub_app_password_find(e.c, e.a, a.id, secret, &found), 0);
	assert_int_equal(found.id, made.id);
	assert_string_equal(found.label, "ci");
	assert_string_equal(found.scopes, "pullrequest");
	assert_int_equal(hub_app_password_find(e.c, e.a, b.id, secret, &found), WEFT_ENOTFOUND);
	assert_int_equal(hub_app_password_find(e.c, e.a, a.id, bobs, &found), WEFT_ENOTFOUND);
	secret[0] = secret[0] == 'a' ? 'b' : 'a';
	assert_int_equal(hub_app_password_find(e.c, e.a, a.id, secret, &found), WEFT_ENOTFOUND);
	hub_env_end(&e);
}

static void basic_sign_in_takes_a_name_or_address_and_records_the_use(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", NULL);
	hub_env_user(&e, "bob", "bob@example.com", NULL);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO emails (user_id, address, is_primary, created_at)"
	                         " VALUES ($1, 'Other@Example.com', 0, 1)",
	                         db_int(a.id)),
	                 1);
	char secret[APP_PASSWORD_SECRET_LEN + 1];
	hub_app_password p = must_make(&e, &a, "ci", "repository:read webhook", secret);
	const char *logins[] = { "alice", "ALICE", "alice@example.com", "ALICE@EXAMPLE.COM",
		                 "other@example.com" };
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
		hub_user who = { 0 };
		const char *scopes = NULL;
		assert_int_equal(
		        hub_app_password_authenticate(e.c, e.a, logins[i], secret, &who, &scopes),
		        0);
		assert_int_equal(who.id, a.id);
		assert_string_equal(who.username, "alice");
		assert_string_equal(scopes, "repository:read webhook");
	}
	assert_true(hub_env_scalar(&e, "SELECT last_used_at FROM app_passwords WHERE id = $1",
	                           db_int(p.id)) >= p.created_at);
	/* another name, an unknown one, another secret, the account password, a malformed one */
	const char *names[] = { "bob", "bob@example.com", "nobody", "nobody@example.com" };
	hub_user who;
	const char *scopes;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_int_equal(
		        hub_app_password_authenticate(e.c, e.a, names[i], secret, &who, &scopes),
		        WEFT_EAUTH);
		assert_string_equal(err_msg(), "Incorrect username or password.");
	}
	const char *secrets[] = {
		"a long enough password", "", "short",
		"0000000000000000000000000000000000000000000000000000000000000000"
	};
	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		assert_int_equal(
		        hub_app_password_authenticate(e.c, e.a, "alice", secrets[i], &who, &scopes),
		        WEFT_EAUTH);
	/* and the other way round: an app password is no account password */
	assert_int_equal(hub_account_authenticate(e.c, e.a, "alice", secret, &who), WEFT_EAUTH);
	hub_env_end(&e);
}

typedef struct listed {
	int n;
	int64_t ids[4];
	int64_t last_used[4];
} listed;

static void collect(void *ctx, const hub_app_password *p)
{
	listed *l = ctx;
	assert_true(l->n < 4);
	l->ids[l->n] = p->id;
	l->last_used[l->n] = p->last_used_at;
	l->n++;
}

static void revoked_app_passwords_stop_working(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", NULL);
	hub_user b = hub_env_user(&e, "bob", "bob@example.com", NULL);
	char s1[APP_PASSWORD_SECRET_LEN + 1], s2[APP_PASSWORD_SECRET_LEN + 1];
	char sb[APP_PASSWORD_SECRET_LEN + 1];
	hub_app_password p1 = must_make(&e, &a, "one", "account", s1);
	hub_app_password p2 = must_make(&e, &a, "two", "account", s2);
	hub_app_password pb = must_make(&e, &b, "bob's", "account", sb);
	hub_user who;
	const char *scopes;
	assert_int_equal(hub_app_password_authenticate(e.c, e.a, "alice", s2, &who, &scopes), 0);
	listed l = { 0 };
	assert_int_equal(hub_app_password_list(e.c, a.id, collect, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ids[0], p2.id); /* newest first */
	assert_true(l.last_used[0] > 0);
	assert_int_equal(l.ids[1], p1.id);
	assert_int_equal(l.last_used[1], 0);

	assert_int_equal(hub_app_password_revoke(e.c, b.id, p1.id), WEFT_ENOTFOUND); /* not bob's */
	assert_int_equal(hub_app_password_revoke(e.c, a.id, p1.id), 0);
	assert_int_equal(hub_app_password_revoke(e.c, a.id, p1.id), WEFT_ENOTFOUND);
	assert_message_starts("App password:");
	assert_int_equal(hub_app_password_authenticate(e.c, e.a, "alice", s1, &who, &scopes),
	                 WEFT_EAUTH);
	hub_app_password found;
	assert_int_equal(hub_app_password_find(e.c, e.a, a.id, s1, &found), WEFT_ENOTFOUND);
	memset(&l, 0, sizeof l);
	assert_int_equal(hub_app_password_list(e.c, a.id, collect, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ids[0], p2.id);
	/* the others still work */
	assert_int_equal(hub_app_password_authenticate(e.c, e.a, "alice", s2, &who, &scopes), 0);
	assert_int_equal(hub_app_password_authenticate(e.c, e.a, "bob", sb, &who, &scopes), 0);
	assert_int_equal(who.id, b.id);
	(void)pb;
	hub_env_end(&e);
}

static void a_deactivated_accounts_app_passwords_stop_working(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", NULL);
	char secret[APP_PASSWORD_SECRET_LEN + 1];
	must_make(&e, &a, "ci", "account", secret);
	hub_user who;
	const char *scopes;
	assert_int_equal(hub_account_set_active(e.c, a.id, false), 0);
	assert_int_equal(hub_app_password_authenticate(e.c, e.a, "alice", secret, &who, &scopes),
	                 WEFT_EAUTH);
	assert_string_equal(err_msg(), "Incorrect username or password.");
	assert_int_equal(hub_account_set_active(e.c, a.id, true), 0);
	assert_int_equal(hub_app_password_authenticate(e.c, e.a, "alice", secret, &who, &scopes),
	                 0);
	hub_env_end(&e);
}

static void live_app_passwords_are_limited(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", NULL);
	char secret[APP_PASSWORD_SECRET_LEN + 1];
	hub_app_password p = { 0 };
	for (int i = 0; i < APP_PASSWORD_PER_USER_MAX; i++)
		p = must_make(&e, &a, "many", "account", secret);
	hub_app_password x;
	assert_int_equal(hub_app_password_create(e.c, e.a, a.id, "one more", "account", secret, &x),
	                 WEFT_EINVALID);
	assert_message_starts("App passwords:");
	/* a revoked one makes room */
	assert_int_equal(hub_app_password_revoke(e.c, a.id, p.id), 0);
	must_make(&e, &a, "one more", "account", secret);
	hub_env_end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(labels_have_lengths_and_text),
		cmocka_unit_test(scopes_are_checked_and_made_canonical),
		cmocka_unit_test(the_secret_comes_out_once_and_only_its_digest_is_stored),
		cmocka_unit_test(app_passwords_are_found_by_user_and_secret),
		cmocka_unit_test(basic_sign_in_takes_a_name_or_address_and_records_the_use),
		cmocka_unit_test(revoked_app_passwords_stop_working),
		cmocka_unit_test(a_deactivated_accounts_app_passwords_stop_working),
		cmocka_unit_test(live_app_passwords_are_limited),
	};
	return fixture_run_service_tests("hub/app_password", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
