/* Tests of src/hub/account/email.c on both engines: uniqueness in any case, the limit, the list's
 * order, only confirmed addresses become primary, the primary and the last address stay, and
 * the owner of a confirmed address. (Confirmation links: confirm_test.c.) */
#include "../hub_env.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/migrate.h"
#include "hub/account/account.h"
#include "hub/account/confirm.h"
#include "hub/account/email.h"

typedef hub_env env;

static int64_t must_add(env *e, const hub_user *u, const char *address)
{
	hub_email added;
	if (hub_email_add(e->c, e->a, u->id, address, &added) < 0)
		fail_msg("adding %s: %s", address, err_msg());
	return added.id;
}

static void assert_message_starts(const char *prefix)
{
	if (strncmp(err_msg(), prefix, strlen(prefix)) != 0)
		fail_msg("expected a message starting '%s', got '%s'", prefix, err_msg());
}

/* ---- listing ---- */

typedef struct listed {
	int n;
	char address[8][64];
	bool primary[8], confirmed[8];
} listed;

static void collect(void *ctx, const hub_email *m)
{
	listed *l = ctx;
	assert_true(l->n < 8);
	snprintf(l->address[l->n], sizeof l->address[0], "%s", m->address);
	l->primary[l->n] = m->is_primary;
	l->confirmed[l->n] = m->confirmed;
	l->n++;
}

static listed list_of(env *e, int64_t user_id)
{
	listed l = { 0 };
	assert_int_equal(hub_email_list(e->c, user_id, collect, &l), 0);
	return l;
}

static void added_addresses_are_unconfirmed_and_listed_after_the_primary(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "zz-alice@example.com", NULL);
	hub_env_user(&e, "bob", "bob@example.com", NULL);
	hub_email added;
	assert_int_equal(hub_email_add(e.c, e.a, a.id, "Mid@example.com", &added), 0);
	assert_true(added.id > 0);
	assert_string_equal(added.address, "Mid@example.com");
	assert_false(added.is_primary);
	assert_false(added.confirmed);
	must_add(&e, &a, "aaa@example.com");
	listed l = list_of(&e, a.id);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.address[0], "zz-alice@example.com"); /* primary first */
	assert_true(l.primary[0]);
	assert_string_equal(l.address[1], "aaa@example.com"); /* then by address, any case */
	assert_string_equal(l.address[2], "Mid@example.com");
	assert_false(l.primary[1] || l.primary[2] || l.confirmed[1] || l.confirmed[2]);
	/* the primary stays the one hub_user shows */
	hub_user again;
	assert_int_equal(hub_account_find_id(e.c, e.a, a.id, &again), 0);
	assert_string_equal(again.email, "zz-alice@example.com");
	hub_env_end(&e);
}

static void taken_and_malformed_addresses_are_refused(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", NULL);
	hub_env_user(&e, "bob", "bob@example.com", NULL);
	must_add(&e, &a, "second@example.com");
	hub_email x;
	assert_int_equal(hub_email_add(e.c, e.a, a.id, "BOB@Example.COM", &x), WEFT_EEXISTS);
	assert_message_starts("Email: BOB@Example.COM is already used by another account");
	assert_int_equal(hub_email_add(e.c, e.a, a.id, "ALICE@example.com", &x), WEFT_EEXISTS);
	assert_message_starts("Email: ALICE@example.com is already one of your addresses");
	assert_int_equal(hub_email_add(e.c, e.a, a.id, "Second@EXAMPLE.com", &x), WEFT_EEXISTS);
	assert_message_starts("Email:");
	const char *bad[] = { "", "nope", "a@@b.com", "a b@example.com", "<a@example.com>" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = hub_email_add(e.c, e.a, a.id, bad[i], &x);
		if (rc != WEFT_EINVALID)
			fail_msg("'%s': expected WEFT_EINVALID, got %d", bad[i], rc);
		assert_message_starts("Email:");
	}
	assert_int_equal(
	        hub_env_scalar(&e, "SELECT COUNT(*) FROM emails WHERE user_id = $1", db_int(a.id)),
	        2);
	hub_env_end(&e);
}

static void an_account_has_at_most_the_limit_of_addresses(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", NULL);
	char address[64];
	for (int i = 1; i < EMAIL_PER_USER_MAX; i++) {
		snprintf(address, sizeof address, "alias%d@example.com", i);
		must_add(&e, &a, address);
	}
	hub_email x;
	assert_int_equal(hub_email_add(e.c, e.a, a.id, "one-more@example.com", &x), WEFT_EINVALID);
	assert_message_starts("Email: an account has at most");
	assert_int_equal(
	        hub_env_scalar(&e, "SELECT COUNT(*) FROM emails WHERE user_id = $1", db_int(a.id)),
	        EMAIL_PER_USER_MAX);
	hub_env_end(&e);
}

/* ---- confirmation ---- */

/* Sends a link for one of u's addresses and follows it. */
static void confirm(env *e, const hub_user *u, int64_t email_id)
{
	char token[65], recipient[128];
	int64_t user_id = 0;
	assert_int_equal(hub_confirm_send_email(e->c, u, email_id, "http://hub.test"), 0);
	hub_env_confirm_link(e, token, recipient);
	assert_int_equal(hub_confirm_follow(e->c, token, &user_id), 0);
	assert_int_equal(user_id, u->id);
}

static void only_a_confirmed_address_names_its_owner(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", NULL);
	int64_t second = must_add(&e, &a, "Second@example.com"), owner = -1;
	assert_int_equal(hub_email_confirmed_owner(e.c, "second@EXAMPLE.com", &owner), 0);
	assert_int_equal(owner, 0); /* not confirmed yet */
	confirm(&e, &a, second);
	assert_int_equal(hub_email_confirmed_owner(e.c, "second@EXAMPLE.com", &owner), 0);
	assert_int_equal(owner, a.id); /* in any case */
	assert_int_equal(hub_email_confirmed_owner(e.c, "nobody@example.com", &owner), 0);
	assert_int_equal(owner, 0);
	hub_env_end(&e);
}

static void a_removed_address_takes_its_link_along(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", NULL);
	int64_t second = must_add(&e, &a, "second@example.com");
	char token[65], recipient[128];
	assert_int_equal(hub_confirm_send_email(e.c, &a, second, "http://hub.test"), 0);
	hub_env_confirm_link(&e, token, recipient);
	assert_int_equal(hub_email_remove(e.c, e.a, a.id, second), 0);
	int64_t user_id = 0;
	assert_int_equal(hub_confirm_follow(e.c, token, &user_id), WEFT_ENOTFOUND);
	hub_env_end(&e);
}

/* ---- primary and removal ---- */

/* alice, with a second address (unconfirmed), and bob; first and second: alice's addresses. */
static void alice_and_bob(env *e, hub_user *a, hub_user *b, int64_t *first, int64_t *second)
{
	*a = hub_env_user(e, "alice", "alice@example.com", NULL);
	*b = hub_env_user(e, "bob", "bob@example.com", NULL);
	*second = must_add(e, a, "second@example.com");
	*first = hub_env_scalar(e, "SELECT id FROM emails WHERE user_id = $1 AND is_primary = 1",
	                        db_int(a->id));
}

static void only_a_confirmed_address_becomes_primary(void **state)
{
	env e = hub_env_begin(state);
	hub_user a, b;
	int64_t first, second;
	alice_and_bob(&e, &a, &b, &first, &second);
	assert_int_equal(hub_email_make_primary(e.c, e.a, a.id, second), WEFT_ECONFLICT);
	assert_message_starts("Email: confirm second@example.com");
	confirm(&e, &a, second);
	assert_int_equal(hub_email_make_primary(e.c, e.a, b.id, second), WEFT_ENOTFOUND);
	assert_int_equal(hub_email_make_primary(e.c, e.a, a.id, second), 0);
	hub_user again;
	assert_int_equal(hub_account_find_id(e.c, e.a, a.id, &again), 0);
	assert_string_equal(again.email, "second@example.com");
	assert_true(again.email_confirmed);
	assert_int_equal(
	        hub_env_scalar(&e,
	                       "SELECT COUNT(*) FROM emails WHERE user_id = $1 AND is_primary = 1",
	                       db_int(a.id)),
	        1);
	/* already primary: nothing to do; the old primary can come back (once confirmed) */
	assert_int_equal(hub_email_make_primary(e.c, e.a, a.id, second), 0);
	assert_int_equal(hub_email_make_primary(e.c, e.a, a.id, first), WEFT_ECONFLICT);
	confirm(&e, &a, first);
	assert_int_equal(hub_email_make_primary(e.c, e.a, a.id, first), 0);
	assert_int_equal(hub_account_find_id(e.c, e.a, a.id, &again), 0);
	assert_string_equal(again.email, "alice@example.com");
	/* bob's primary never moved */
	assert_int_equal(hub_account_find_id(e.c, e.a, b.id, &again), 0);
	assert_string_equal(again.email, "bob@example.com");
	hub_env_end(&e);
}

static void the_primary_and_the_last_address_stay(void **state)
{
	env e = hub_env_begin(state);
	hub_user a, b;
	int64_t first, second;
	alice_and_bob(&e, &a, &b, &first, &second);
	assert_int_equal(hub_email_remove(e.c, e.a, a.id, first), WEFT_ECONFLICT);
	assert_message_starts("Email: alice@example.com is your primary address");
	assert_int_equal(hub_email_remove(e.c, e.a, b.id, second), WEFT_ENOTFOUND); /* not bob's */
	assert_int_equal(hub_email_remove(e.c, e.a, a.id, second + 1000), WEFT_ENOTFOUND);
	assert_int_equal(hub_email_remove(e.c, e.a, a.id, second), 0);
	assert_int_equal(hub_email_remove(e.c, e.a, a.id, second), WEFT_ENOTFOUND);
	assert_int_equal(list_of(&e, a.id).n, 1);
	/* an account whose only address is (somehow) not primary still keeps it */
	assert_int_equal(
	        db_exec(e.c, "UPDATE emails SET is_primary = 0 WHERE id = $1", db_int(first)), 1);
	assert_int_equal(hub_email_remove(e.c, e.a, a.id, first), WEFT_ECONFLICT);
	assert_message_starts("Email: alice@example.com is your only address");
	assert_int_equal(list_of(&e, a.id).n, 1);
	hub_env_end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(added_addresses_are_unconfirmed_and_listed_after_the_primary),
		cmocka_unit_test(taken_and_malformed_addresses_are_refused),
		cmocka_unit_test(an_account_has_at_most_the_limit_of_addresses),
		cmocka_unit_test(only_a_confirmed_address_names_its_owner),
		cmocka_unit_test(a_removed_address_takes_its_link_along),
		cmocka_unit_test(only_a_confirmed_address_becomes_primary),
		cmocka_unit_test(the_primary_and_the_last_address_stay),
	};
	return fixture_run_service_tests("hub/email", "hub", tests, sizeof tests / sizeof tests[0],
	                                 2);
}
