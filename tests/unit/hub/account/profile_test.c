/* Tests of src/hub/profile.c on both engines: changing the display name, and changing the
 * password (the current one is required; the new one twice and by the account's rules; every
 * other session of the user ends, nobody else's). */
#include "../hub_env.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/migrate.h"
#include "hub/account/account.h"
#include "hub/account/profile.h"
#include "web/session.h"

typedef hub_env env;

static void assert_message_starts(const char *prefix)
{
	if (strncmp(err_msg(), prefix, strlen(prefix)) != 0)
		fail_msg("expected a message starting '%s', got '%s'", prefix, err_msg());
}

static const char *display_name(env *e, int64_t id)
{
	hub_user u;
	assert_int_equal(hub_account_find_id(e->c, e->a, id, &u), 0);
	return u.display_name;
}

static void the_display_name_changes_by_the_rules(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", "alice's password");
	hub_user b = hub_env_user(&e, "bob", "bob@example.com", "bob's password");
	assert_int_equal(hub_profile_set_display_name(e.c, &a, "Alice \xC3\xA9 <Liddell>"), 0);
	assert_string_equal(display_name(&e, a.id), "Alice \xC3\xA9 <Liddell>");
	assert_string_equal(display_name(&e, b.id), "bob");
	assert_int_equal(hub_profile_set_display_name(e.c, &a, "two\nlines"), WEFT_EINVALID);
	assert_message_starts("Display name:");
	char long_name[128];
	memset(long_name, 'x', 101);
	long_name[101] = '\0';
	assert_int_equal(hub_profile_set_display_name(e.c, &a, long_name), WEFT_EINVALID);
	assert_message_starts("Display name:");
	assert_string_equal(display_name(&e, a.id), "Alice \xC3\xA9 <Liddell>");
	assert_int_equal(hub_profile_set_display_name(e.c, &a, ""), 0);
	assert_string_equal(display_name(&e, a.id), "alice");
	hub_env_end(&e);
}

static bool signs_in(env *e, const char *login, const char *password)
{
	hub_user u;
	return hub_account_authenticate(e->c, e->a, login, password, &u) == 0;
}

static bool live(env *e, const char *token)
{
	web_session s;
	return web_session_find(e->c, token, &s) == 0;
}

static void refused_password_changes_change_nothing(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", "alice's password");
	char t1[WEB_TOKEN_LEN + 1], t2[WEB_TOKEN_LEN + 1];
	web_session s1, s2;
	assert_int_equal(web_session_create(e.c, a.id, 60000, t1, &s1), 0);
	assert_int_equal(web_session_create(e.c, a.id, 60000, t2, &s2), 0);
	struct {
		const char *current, *fresh, *repeat, *message;
		int code;
	} refused[] = {
		{ "wrong password", "a new password", "a new password",
		  "Current password: incorrect.", WEFT_EAUTH },
		{ "", "a new password", "a new password", "Current password: incorrect.",
		  WEFT_EAUTH },
		{ "alice's password", "a new password", "a new passwort",
		  "New password: the two entries differ.", WEFT_EINVALID },
		{ "alice's password", "short", "short", "New password: at least 8", WEFT_EINVALID },
		{ "alice's password", "ALICE", "ALICE", "New password:", WEFT_EINVALID },
		{ "alice's password", "Alice@Example.com", "Alice@Example.com",
		  "New password:", WEFT_EINVALID },
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		int rc = hub_profile_change_password(e.c, e.a, &a, refused[i].current,
		                                     refused[i].fresh, refused[i].repeat, s1.id);
		if (rc != refused[i].code)
			fail_msg("case %zu: expected %d, got %d (%s)", i, refused[i].code, rc,
			         err_msg());
		assert_message_starts(refused[i].message);
	}
	assert_true(signs_in(&e, "alice", "alice's password"));
	assert_true(live(&e, t1));
	assert_true(live(&e, t2));
	hub_env_end(&e);
}

static void a_new_password_ends_every_other_session(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", "alice's password");
	hub_user b = hub_env_user(&e, "bob", "bob@example.com", "bob's password");
	char t1[WEB_TOKEN_LEN + 1], t2[WEB_TOKEN_LEN + 1], t3[WEB_TOKEN_LEN + 1];
	char tb[WEB_TOKEN_LEN + 1];
	web_session s1, s2, s3, sb;
	assert_int_equal(web_session_create(e.c, a.id, 60000, t1, &s1), 0);
	assert_int_equal(web_session_create(e.c, a.id, 60000, t2, &s2), 0);
	assert_int_equal(web_session_create(e.c, a.id, 60000, t3, &s3), 0);
	assert_int_equal(web_session_create(e.c, b.id, 60000, tb, &sb), 0);
	assert_int_equal(hub_profile_change_password(e.c, e.a, &a, "alice's password",
	                                             "a better password", "a better password",
	                                             s2.id),
	                 0);
	assert_false(signs_in(&e, "alice", "alice's password"));
	assert_true(signs_in(&e, "alice", "a better password"));
	assert_false(live(&e, t1));
	assert_true(live(&e, t2)); /* the one that asked */
	assert_false(live(&e, t3));
	assert_true(live(&e, tb)); /* bob's */
	assert_true(signs_in(&e, "bob", "bob's password"));
	/* without a session to keep (Basic auth), every one ends */
	assert_int_equal(hub_profile_change_password(e.c, e.a, &a, "a better password",
	                                             "the best password", "the best password", 0),
	                 0);
	assert_false(live(&e, t2));
	assert_true(live(&e, tb));
	hub_env_end(&e);
}

static void a_deactivated_account_cannot_change_its_password(void **state)
{
	env e = hub_env_begin(state);
	hub_user a = hub_env_user(&e, "alice", "alice@example.com", "alice's password");
	assert_int_equal(hub_account_set_active(e.c, a.id, false), 0);
	assert_int_equal(hub_profile_change_password(e.c, e.a, &a, "alice's password",
	                                             "a better password", "a better password", 0),
	                 WEFT_EAUTH);
	hub_env_end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_display_name_changes_by_the_rules),
		cmocka_unit_test(refused_password_changes_change_nothing),
		cmocka_unit_test(a_new_password_ends_every_other_session),
		cmocka_unit_test(a_deactivated_account_cannot_change_its_password),
	};
	return fixture_run_service_tests("hub/profile", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
