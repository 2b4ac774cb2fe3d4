/* Tests of src/track/account.c, token.c and invite.c on both engines: the account rules, creation
 * (a stable numeric accountId, unique usernames and emails in any case), lookups, passwords,
 * deactivation, the user search, the sign-up setting, API tokens and personal access tokens
 * (shown once, stored hashed, revocable), and invitation links. */
#include "../../db/fixture.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/password.h"
#include "db/migrate.h"
#include "track/account/account.h"
#include "track/account/invite.h"
#include "track/account/token.h"

typedef struct env {
	arena *a;
	db_conn *c;
} env;

static env begin(void **state)
{
	fixture *f = *state;
	return (env){ arena_new(), fixture_migrated_conn(f, "track") };
}

static void end(env *e)
{
	db_conn_put(e->c);
	arena_free(e->a);
}

static track_user make(env *e, const char *username, const char *email, bool admin)
{
	track_account_new n = { username, email, "a long enough password", NULL, admin };
	track_user u;
	if (track_account_create(e->c, e->a, &n, &u) < 0)
		fail_msg("creating %s: %s", username, err_msg());
	return u;
}

static int64_t scalar(env *e, const char *sql, db_arg arg)
{
	return fixture_conn_scalar(e->c, sql, arg);
}

static void assert_message_starts(const char *prefix)
{
	if (strncmp(err_msg(), prefix, strlen(prefix)) != 0)
		fail_msg("expected a message starting '%s', got '%s'", prefix, err_msg());
}

/* ---- the rules (no database, but run per engine like the rest) ---- */

static void usernames_follow_the_rule(void **state)
{
	(void)state;
	assert_int_equal(track_account_check_username("alice"), 0);
	assert_int_equal(track_account_check_username("a.b-c_9"), 0);
	assert_int_equal(track_account_check_username("x"), 0);
	assert_int_equal(track_account_check_username("abcdefghijabcdefghijabcdefghij"), 0);
	assert_int_equal(track_account_check_username(""), WEFT_EINVALID);
	assert_message_starts("Username:");
	assert_int_equal(track_account_check_username("abcdefghijabcdefghijabcdefghijk"),
	                 WEFT_EINVALID);
	assert_int_equal(track_account_check_username(".alice"), WEFT_EINVALID);
	assert_int_equal(track_account_check_username("al ice"), WEFT_EINVALID);
	assert_int_equal(track_account_check_username("alice@x"), WEFT_EINVALID);
	assert_int_equal(track_account_check_username("ålice"), WEFT_EINVALID);
}

static void emails_passwords_and_names_follow_the_rules(void **state)
{
	(void)state;
	assert_int_equal(track_account_check_email("a@example.com"), 0);
	assert_int_equal(track_account_check_email(""), WEFT_EINVALID);
	assert_message_starts("Email:");
	assert_int_equal(track_account_check_email("a@localhost"), WEFT_EINVALID);
	assert_int_equal(track_account_check_email("a@example.com, b@example.com"), WEFT_EINVALID);
	assert_int_equal(track_account_check_email("no at sign"), WEFT_EINVALID);
	assert_int_equal(track_account_check_password("eight ch", "alice", "a@example.com"), 0);
	assert_int_equal(track_account_check_password("seven c", "alice", NULL), WEFT_EINVALID);
	assert_message_starts("Password:");
	assert_int_equal(track_account_check_password("ALICE_SMITH", "alice_smith", NULL),
	                 WEFT_EINVALID);
	assert_int_equal(track_account_check_password("A@EXAMPLE.COM", "alice", "a@example.com"),
	                 WEFT_EINVALID);
	assert_int_equal(track_account_check_password("\xff\xfe long enough", "alice", NULL),
	                 WEFT_EINVALID);
	assert_int_equal(track_account_check_display_name("Alice Liddell"), 0);
	assert_int_equal(track_account_check_display_name(""), 0);
	assert_int_equal(track_account_check_display_name("two\nlines"), WEFT_EINVALID);
	assert_message_starts("Display name:");
}

/* ---- accounts ---- */

static void accounts_get_a_stable_numeric_account_id(void **state)
{
	env e = begin(state);
	track_user a = make(&e, "alice", "Alice@Example.com", true);
	track_user b = make(&e, "bob", "bob@example.com", false);
	assert_int_equal(strlen(a.account_id), TRACK_ACCOUNT_ID_LEN);
	assert_int_equal(strspn(a.account_id, "0123456789"), TRACK_ACCOUNT_ID_LEN);
	assert_string_not_equal(a.account_id, b.account_id);
	assert_string_equal(a.display_name, "alice"); /* none given: the username */
	assert_true(a.is_admin && a.is_active);
	assert_false(b.is_admin);
	track_user found;
	assert_int_equal(track_account_find_account_id(e.c, e.a, a.account_id, &found), 0);
	assert_int_equal(found.id, a.id);
	assert_int_equal(track_account_find_username(e.c, e.a, "ALICE", &found), 0);
	assert_int_equal(found.id, a.id);
	assert_int_equal(track_account_find_login(e.c, e.a, "alice@example.COM", &found), 0);
	assert_int_equal(found.id, a.id);
	assert_int_equal(track_account_find_id(e.c, e.a, b.id, &found), 0);
	assert_string_equal(found.username, "bob");
	assert_int_equal(track_account_find_username(e.c, e.a, "nobody", &found), WEFT_ENOTFOUND);
	assert_int_equal(track_account_find_account_id(e.c, e.a, "123", &found), WEFT_ENOTFOUND);
	end(&e);
}

static void usernames_and_emails_are_unique_in_any_case(void **state)
{
	env e = begin(state);
	make(&e, "alice", "alice@example.com", false);
	track_account_new n = { "ALICE", "other@example.com", "a long enough password", NULL,
		                false };
	track_user u;
	assert_int_equal(track_account_create(e.c, e.a, &n, &u), WEFT_EEXISTS);
	assert_message_starts("Username:");
	n = (track_account_new){ "alice2", "ALICE@example.com", "a long enough password", NULL,
		                 false };
	assert_int_equal(track_account_create(e.c, e.a, &n, &u), WEFT_EEXISTS);
	assert_message_starts("Email:");
	n = (track_account_new){ "bad name", "x@example.com", "a long enough password", NULL,
		                 false };
	assert_int_equal(track_account_create(e.c, e.a, &n, &u), WEFT_EINVALID);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM users WHERE id > $1", db_int(0)), 1);
	end(&e);
}

static void passwords_are_hashed_and_checked(void **state)
{
	env e = begin(state);
	track_user a = make(&e, "alice", "alice@example.com", false);
	track_user u;
	assert_int_equal(
	        track_account_authenticate(e.c, e.a, "alice", "a long enough password", &u), 0);
	assert_int_equal(u.id, a.id);
	assert_int_equal(track_account_authenticate(e.c, e.a, "ALICE@example.com",
	                                            "a long enough password", &u),
	                 0);
	assert_int_equal(track_account_authenticate(e.c, e.a, "alice", "wrong password", &u),
	                 WEFT_EAUTH);
	assert_string_equal(err_msg(), "Incorrect username or password.");
	assert_int_equal(
	        track_account_authenticate(e.c, e.a, "nobody", "a long enough password", &u),
	        WEFT_EAUTH);
	assert_int_equal(scalar(&e,
	                        "SELECT COUNT(*) FROM users WHERE password_hash LIKE '$argon2id$%'"
	                        " AND id = $1",
	                        db_int(a.id)),
	                 1);
	assert_int_equal(track_account_set_password(e.c, &a, "short"), WEFT_EINVALID);
	assert_int_equal(track_account_set_password(e.c, &a, "a new pass phrase"), 0);
	assert_int_equal(track_account_authenticate(e.c, e.a, "alice", "a new pass phrase", &u), 0);
	end(&e);
}

static void deactivated_users_cannot_sign_in_and_lose_their_sessions(void **state)
{
	env e = begin(state);
	track_user a = make(&e, "alice", "alice@example.com", false);
	char token[WEB_TOKEN_LEN + 1];
	web_session s;
	assert_int_equal(web_session_create(e.c, a.id, 60000, token, &s), 0);
	assert_int_equal(track_account_set_active(e.c, a.id, false), 0);
	assert_int_equal(
	        scalar(&e, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", db_int(a.id)), 0);
	track_user u;
	assert_int_equal(
	        track_account_authenticate(e.c, e.a, "alice", "a long enough password", &u),
	        WEFT_EAUTH);
	assert_int_equal(track_account_set_active(e.c, a.id, true), 0);
	assert_int_equal(
	        track_account_authenticate(e.c, e.a, "alice", "a long enough password", &u), 0);
	assert_int_equal(track_account_set_active(e.c, 999999, false), WEFT_ENOTFOUND);
	end(&e);
}

static void the_user_search_matches_names_and_addresses(void **state)
{
	env e = begin(state);
	make(&e, "alice", "alice@example.com", false);
	track_user b = make(&e, "bob", "bob@work.org", false);
	make(&e, "carol_x", "carol@example.com", false);
	assert_int_equal(track_account_set_active(e.c, b.id, false), 0);
	track_user *users;
	size_t n;
	track_user_query q = { "EXAMPLE", true, false, 0, 50, 0, 0 };
	assert_int_equal(track_account_search(e.c, e.a, &q, &users, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(users[0].username, "alice");
	q = (track_user_query){ "work", true, false, 0, 50, 0, 0 };
	assert_int_equal(track_account_search(e.c, e.a, &q, &users, &n), 0);
	assert_int_equal(n, 0); /* bob is inactive */
	q.inactive = true;
	assert_int_equal(track_account_search(e.c, e.a, &q, &users, &n), 0);
	assert_int_equal(n, 1);
	q = (track_user_query){
		"_", true, true, 0, 50, 0, 0
	}; /* a literal underscore, not a wildcard */
	assert_int_equal(track_account_search(e.c, e.a, &q, &users, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(users[0].username, "carol_x");
	q = (track_user_query){ "", true, true, 1, 1, 0, 0 };
	assert_int_equal(track_account_search(e.c, e.a, &q, &users, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(users[0].username, "bob");
	assert_int_equal(track_account_list(e.c, e.a, 10, &users, &n), 0);
	assert_int_equal(n, 3);
	end(&e);
}

static void sign_up_is_closed_until_opened(void **state)
{
	env e = begin(state);
	bool open = true;
	assert_int_equal(track_site_signup_open(e.c, &open), 0);
	assert_false(open);
	assert_int_equal(track_site_set_signup_open(e.c, true), 0);
	assert_int_equal(track_site_signup_open(e.c, &open), 0);
	assert_true(open);
	assert_int_equal(track_site_set_signup_open(e.c, false), 0);
	assert_int_equal(track_site_signup_open(e.c, &open), 0);
	assert_false(open);
	end(&e);
}

/* ---- tokens ---- */

static void tokens_come_out_once_and_only_their_digest_is_stored(void **state)
{
	env e = begin(state);
	track_user a = make(&e, "alice", "alice@example.com", false);
	char secret[TRACK_TOKEN_SECRET_LEN + 1], pat[TRACK_TOKEN_SECRET_LEN + 1];
	track_token t, p;
	assert_int_equal(track_token_create(e.c, e.a, a.id, TRACK_TOKEN_API, "ci", secret, &t), 0);
	assert_int_equal(track_token_create(e.c, e.a, a.id, TRACK_TOKEN_PAT, "cli", pat, &p), 0);
	assert_true(track_token_looks_like(secret, TRACK_TOKEN_API));
	assert_false(track_token_looks_like(secret, TRACK_TOKEN_PAT));
	assert_true(track_token_looks_like(pat, TRACK_TOKEN_PAT));
	char digest[65];
	password_token_digest(digest, secret, strlen(secret));
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1",
	                        db_text(digest)),
	                 1);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1",
	                        db_text(secret)),
	                 0);
	track_token *list;
	size_t n;
	assert_int_equal(track_token_list(e.c, e.a, a.id, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].label, "cli");
	assert_int_equal(list[0].kind, TRACK_TOKEN_PAT);
	assert_int_equal(track_token_create(e.c, e.a, a.id, TRACK_TOKEN_API, "", secret, &t),
	                 WEFT_EINVALID);
	assert_message_starts("Label:");
	end(&e);
}

static void tokens_authenticate_their_owner_until_revoked(void **state)
{
	env e = begin(state);
	track_user a = make(&e, "alice", "alice@example.com", false);
	make(&e, "bob", "bob@example.com", false);
	char secret[TRACK_TOKEN_SECRET_LEN + 1], pat[TRACK_TOKEN_SECRET_LEN + 1];
	track_token t, p;
	assert_int_equal(track_token_create(e.c, e.a, a.id, TRACK_TOKEN_API, "ci", secret, &t), 0);
	assert_int_equal(track_token_create(e.c, e.a, a.id, TRACK_TOKEN_PAT, "cli", pat, &p), 0);
	track_user u;
	assert_int_equal(track_token_authenticate(e.c, e.a, TRACK_TOKEN_API, "ALICE@example.com",
	                                          secret, &u),
	                 0);
	assert_int_equal(u.id, a.id);
	assert_int_equal(scalar(&e,
	                        "SELECT COUNT(*) FROM api_tokens WHERE id = $1"
	                        " AND last_used_at IS NOT NULL",
	                        db_int(t.id)),
	                 1);
	assert_int_equal(
	        track_token_authenticate(e.c, e.a, TRACK_TOKEN_API, "bob@example.com", secret, &u),
	        WEFT_EAUTH);
	assert_int_equal(track_token_authenticate(e.c, e.a, TRACK_TOKEN_PAT, NULL, secret, &u),
	                 WEFT_EAUTH);
	assert_int_equal(track_token_authenticate(e.c, e.a, TRACK_TOKEN_PAT, NULL, pat, &u), 0);
	assert_int_equal(u.id, a.id);
	assert_int_equal(track_account_set_active(e.c, a.id, false), 0);
	assert_int_equal(track_token_authenticate(e.c, e.a, TRACK_TOKEN_PAT, NULL, pat, &u),
	                 WEFT_EAUTH);
	assert_int_equal(track_account_set_active(e.c, a.id, true), 0);
	assert_int_equal(track_token_revoke(e.c, a.id, p.id), 0);
	assert_int_equal(track_token_authenticate(e.c, e.a, TRACK_TOKEN_PAT, NULL, pat, &u),
	                 WEFT_EAUTH);
	assert_int_equal(track_token_revoke(e.c, a.id, p.id), WEFT_ENOTFOUND);
	assert_int_equal(track_token_revoke(e.c, a.id + 1, t.id), WEFT_ENOTFOUND);
	end(&e);
}

/* ---- invitations ---- */

static void an_invited_user_sets_a_password_through_the_link_once(void **state)
{
	env e = begin(state);
	track_account_new n = { "dora", "dora@example.com", NULL, "Dora", false };
	track_user d;
	assert_int_equal(track_invite_create(e.c, e.a, &n, "http://track.test", &d), 0);
	track_user u;
	assert_int_equal(track_account_authenticate(e.c, e.a, "dora", "!", &u), WEFT_EAUTH);
	db_stmt *st;
	char token[65] = "";
	assert_int_equal(db_query(&st, e.c, "SELECT body FROM outbox WHERE recipient = $1",
	                          db_text("dora@example.com")),
	                 0);
	assert_int_equal(db_step(st), DB_ROW);
	const char *link = strstr(db_col_text(st, 0), "http://track.test/set-password/");
	assert_non_null(link);
	snprintf(token, sizeof token, "%.64s", link + strlen("http://track.test/set-password/"));
	db_done(st);
	assert_int_equal(track_invite_find(e.c, e.a, token, &u), 0);
	assert_int_equal(u.id, d.id);
	assert_int_equal(track_invite_accept(e.c, e.a, token, "short", &u), WEFT_EINVALID);
	assert_int_equal(track_invite_accept(e.c, e.a, token, "dora's pass phrase", &u), 0);
	assert_int_equal(track_account_authenticate(e.c, e.a, "dora", "dora's pass phrase", &u), 0);
	assert_int_equal(track_invite_find(e.c, e.a, token, &u), WEFT_ENOTFOUND);
	assert_int_equal(track_invite_accept(e.c, e.a, token, "another pass phrase", &u),
	                 WEFT_ENOTFOUND);
	assert_int_equal(track_invite_find(e.c, e.a, "0123", &u), WEFT_ENOTFOUND);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(usernames_follow_the_rule),
		cmocka_unit_test(emails_passwords_and_names_follow_the_rules),
		cmocka_unit_test(accounts_get_a_stable_numeric_account_id),
		cmocka_unit_test(usernames_and_emails_are_unique_in_any_case),
		cmocka_unit_test(passwords_are_hashed_and_checked),
		cmocka_unit_test(deactivated_users_cannot_sign_in_and_lose_their_sessions),
		cmocka_unit_test(the_user_search_matches_names_and_addresses),
		cmocka_unit_test(sign_up_is_closed_until_opened),
		cmocka_unit_test(tokens_come_out_once_and_only_their_digest_is_stored),
		cmocka_unit_test(tokens_authenticate_their_owner_until_revoked),
		cmocka_unit_test(an_invited_user_sets_a_password_through_the_link_once),
	};
	return fixture_run_service_tests("track/account", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
