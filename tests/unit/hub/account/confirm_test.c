/* Tests of src/hub/account/confirm.c on both engines: signing up issues a link and its mail, the
 * link is found by its hash only, works once, expires, and a new one retires the old; secondary
 * addresses get links of their own. */
#include "../hub_env.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "hub/account/account.h"
#include "hub/account/confirm.h"
#include "hub/account/email.h"

typedef hub_env env;

static const char base_url[] = "http://hub.test";
static const char refused[] = "This confirmation link is invalid, used or expired.";

/* Follows token and expects it refused, with the one message for every reason. */
static void assert_refused(env *e, const char *token)
{
	int64_t user_id = 0;
	assert_int_equal(hub_confirm_follow(e->c, token, &user_id), WEFT_ENOTFOUND);
	assert_string_equal(err_msg(), refused);
}

static bool primary_confirmed(env *e, int64_t user_id)
{
	hub_user u;
	assert_int_equal(hub_account_find_id(e->c, e->a, user_id, &u), 0);
	return u.email_confirmed;
}

/* alice, with the token of the link just mailed for her primary address. */
static hub_user alice_with_link(env *e, char token[65])
{
	char recipient[128];
	hub_user a = hub_env_user(e, "alice", "alice@example.com", NULL);
	assert_int_equal(hub_confirm_send(e->c, &a, base_url), 0);
	hub_env_confirm_link(e, token, recipient);
	assert_string_equal(recipient, "alice@example.com");
	return a;
}

static void signing_up_mails_a_link_stored_as_its_hash(void **state)
{
	env e = hub_env_begin(state);
	account_new n = { .username = "alice",
		          .email = "alice@example.com",
		          .password = "correct horse battery" };
	hub_user u;
	int64_t before = clock_now_ms();
	assert_int_equal(hub_confirm_sign_up(e.c, e.a, &n, base_url, &u), 0);
	assert_false(u.email_confirmed);
	char token[65], recipient[128];
	hub_env_confirm_link(&e, token, recipient);
	assert_string_equal(recipient, "alice@example.com");
	assert_int_equal(strlen(token), 64);
	assert_int_equal(
	        hub_env_scalar(&e,
	                       "SELECT COUNT(*) FROM outbox WHERE subject ="
	                       " 'Confirm your email address for weft hub' AND body LIKE $1",
	                       db_text("%http://hub.test/confirm/%")),
	        1);
	/* one live link, valid for 48 hours, and not stored as the token itself */
	assert_int_equal(hub_env_scalar(&e,
	                                "SELECT COUNT(*) FROM tokens WHERE kind = 'confirm' AND"
	                                " used_at IS NULL AND user_id = $1",
	                                db_int(u.id)),
	                 1);
	assert_int_equal(hub_env_scalar(&e, "SELECT COUNT(*) FROM tokens WHERE token_hash = $1",
	                                db_text(token)),
	                 0);
	int64_t expires = hub_env_scalar(&e, "SELECT expires_at FROM tokens WHERE user_id = $1",
	                                 db_int(u.id));
	assert_true(expires >= before + CONFIRM_LIFETIME_MS &&
	            expires <= clock_now_ms() + CONFIRM_LIFETIME_MS);
	hub_env_end(&e);
}

static void a_sign_up_that_breaks_a_rule_mails_nothing(void **state)
{
	env e = hub_env_begin(state);
	account_new n = { .username = "no spaces",
		          .email = "x@example.com",
		          .password = "long enough" };
	hub_user u;
	assert_int_equal(hub_confirm_sign_up(e.c, e.a, &n, base_url, &u), WEFT_EINVALID);
	assert_int_equal(hub_env_scalar(&e, "SELECT COUNT(*) + $1 FROM outbox", db_int(0)), 0);
	assert_int_equal(hub_env_scalar(&e, "SELECT COUNT(*) + $1 FROM tokens", db_int(0)), 0);
	hub_env_end(&e);
}

static void a_link_confirms_once(void **state)
{
	env e = hub_env_begin(state);
	char token[65];
	hub_user a = alice_with_link(&e, token);
	assert_false(primary_confirmed(&e, a.id));
	int64_t user_id = 0;
	assert_int_equal(hub_confirm_follow(e.c, token, &user_id), 0);
	assert_int_equal(user_id, a.id);
	assert_true(primary_confirmed(&e, a.id));
	assert_refused(&e, token);
	/* a confirmed address gets no new link */
	assert_int_equal(hub_confirm_send(e.c, &a, base_url), WEFT_ECONFLICT);
	assert_int_equal(hub_env_scalar(&e, "SELECT COUNT(*) + $1 FROM outbox", db_int(0)), 1);
	hub_env_end(&e);
}

static void unknown_tokens_are_refused_alike(void **state)
{
	env e = hub_env_begin(state);
	char token[65];
	hub_user a = alice_with_link(&e, token);
	char other[65];
	snprintf(other, sizeof other, "%s", token);
	other[0] = other[0] == 'a' ? 'b' : 'a';
	assert_refused(&e, "");
	assert_refused(&e, "not-a-token");
	assert_refused(&e, other);
	assert_false(primary_confirmed(&e, a.id));
	hub_env_end(&e);
}

static void an_expired_link_is_refused(void **state)
{
	env e = hub_env_begin(state);
	char token[65], recipient[128];
	hub_user a = alice_with_link(&e, token);
	assert_true(db_exec(e.c, "UPDATE tokens SET expires_at = $1 WHERE user_id = $2",
	                    db_int(clock_now_ms() - 1), db_int(a.id)) >= 0);
	assert_refused(&e, token);
	assert_false(primary_confirmed(&e, a.id));
	/* a new link works */
	int64_t user_id = 0;
	assert_int_equal(hub_confirm_send(e.c, &a, base_url), 0);
	hub_env_confirm_link(&e, token, recipient);
	assert_int_equal(hub_confirm_follow(e.c, token, &user_id), 0);
	assert_true(primary_confirmed(&e, a.id));
	hub_env_end(&e);
}

static void sending_again_retires_the_older_link(void **state)
{
	env e = hub_env_begin(state);
	char first[65], second[65], recipient[128];
	hub_user a = alice_with_link(&e, first);
	assert_int_equal(hub_confirm_send(e.c, &a, base_url), 0);
	hub_env_confirm_link(&e, second, recipient);
	assert_string_not_equal(first, second);
	assert_int_equal(hub_env_scalar(&e, "SELECT COUNT(*) + $1 FROM outbox", db_int(0)), 2);
	assert_refused(&e, first);
	int64_t user_id = 0;
	assert_int_equal(hub_confirm_follow(e.c, second, &user_id), 0);
	assert_int_equal(user_id, a.id);
	hub_env_end(&e);
}

static bool address_confirmed(env *e, int64_t user_id, int64_t email_id)
{
	hub_email m;
	assert_int_equal(hub_email_find(e->c, e->a, user_id, email_id, &m), 0);
	return m.confirmed;
}

static void secondary_addresses_are_confirmed_by_their_own_link(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", NULL);
	hub_user b = hub_env_user(&e, "bob", "bob@example.com", NULL);
	hub_email added;
	assert_int_equal(hub_email_add(e.c, e.a, a.id, "Second@example.com", &added), 0);
	char token[65], recipient[128];
	assert_int_equal(hub_confirm_send_email(e.c, &a, added.id, base_url), 0);
	hub_env_confirm_link(&e, token, recipient);
	assert_string_equal(recipient, "Second@example.com");
	int64_t user_id = 0;
	assert_int_equal(hub_confirm_follow(e.c, token, &user_id), 0);
	assert_int_equal(user_id, a.id);
	assert_true(address_confirmed(&e, a.id, added.id));
	assert_false(primary_confirmed(&e, a.id)); /* the primary is untouched */
	/* a confirmed address, or another user's, gets no link */
	assert_int_equal(hub_confirm_send_email(e.c, &a, added.id, base_url), WEFT_ECONFLICT);
	assert_string_equal(err_msg(), "Email: Second@example.com is confirmed already.");
	assert_int_equal(hub_confirm_send_email(e.c, &b, added.id, base_url), WEFT_ENOTFOUND);
	hub_env_end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signing_up_mails_a_link_stored_as_its_hash),
		cmocka_unit_test(a_sign_up_that_breaks_a_rule_mails_nothing),
		cmocka_unit_test(a_link_confirms_once),
		cmocka_unit_test(unknown_tokens_are_refused_alike),
		cmocka_unit_test(an_expired_link_is_refused),
		cmocka_unit_test(sending_again_retires_the_older_link),
		cmocka_unit_test(secondary_addresses_are_confirmed_by_their_own_link),
	};
	return fixture_run_service_tests("hub/confirm", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
