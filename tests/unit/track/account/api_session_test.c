/* Tests of src/track/account/api_session.c on both engines: an API session found by its cookie
 * value only while it lasts, never by a malformed or unknown value, stored as a hash, apart from
 * the pages' sessions; ended one by one, and all of a user's by a new password or a
 * deactivation; and the sign-in statistics of Jira's loginInfo. */
#include "../issues_env.h"

#include <string.h>

#include "track/account/api_session.h"

static void sessions_last_until_they_end(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false), bob = make_user(&e, "bob", false);
	char token[WEB_TOKEN_LEN + 1], other[WEB_TOKEN_LEN + 1], old[WEB_TOKEN_LEN + 1];
	int64_t id = 0, found = 0, user_id = 0, other_id = 0, old_id = 0;
	ok(track_api_session_create(e.c, alice.id, 3600000, token, &id));
	assert_int_equal(strlen(token), WEB_TOKEN_LEN);
	ok(track_api_session_find(e.c, token, &found, &user_id));
	assert_int_equal(found, id);
	assert_int_equal(user_id, alice.id);
	/* Only the hash is stored. */
	assert_int_equal(scalar(&e, "SELECT count(*) FROM api_sessions WHERE token_hash = $1",
	                        db_text(token)),
	                 0);
	/* Not a page session, nor a page session an API session. */
	web_session page;
	assert_int_equal(web_session_find(e.c, token, &page), WEFT_ENOTFOUND);
	char page_token[WEB_TOKEN_LEN + 1];
	ok(web_session_create(e.c, alice.id, 3600000, page_token, &page));
	assert_int_equal(track_api_session_find(e.c, page_token, &found, &user_id), WEFT_ENOTFOUND);
	/* Malformed or unknown values. */
	char upper[WEB_TOKEN_LEN + 1];
	memcpy(upper, token, sizeof upper);
	for (char *p = upper; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
	static const char *const bad[] = {
		"", "abc", "../../etc/passwd",
		"0000000000000000000000000000000000000000000000000000000000000000"
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(track_api_session_find(e.c, bad[i], &found, &user_id),
		                 WEFT_ENOTFOUND);
	if (strcmp(upper, token) != 0)
		assert_int_equal(track_api_session_find(e.c, upper, &found, &user_id),
		                 WEFT_ENOTFOUND);
	/* Expired. */
	ok(track_api_session_create(e.c, alice.id, -1, old, &old_id));
	assert_int_equal(track_api_session_find(e.c, old, &found, &user_id), WEFT_ENOTFOUND);
	/* Ending one leaves the others. */
	ok(track_api_session_create(e.c, bob.id, 3600000, other, &other_id));
	ok(track_api_session_end(e.c, id));
	assert_int_equal(track_api_session_find(e.c, token, &found, &user_id), WEFT_ENOTFOUND);
	ok(track_api_session_find(e.c, other, &found, &user_id));
	assert_int_equal(user_id, bob.id);
	/* A new password ends all of a user's; so does a deactivation. */
	ok(track_api_session_create(e.c, alice.id, 3600000, token, &id));
	ok(track_account_set_password(e.c, &alice, "another long password"));
	assert_int_equal(track_api_session_find(e.c, token, &found, &user_id), WEFT_ENOTFOUND);
	ok(track_account_set_active(e.c, bob.id, false));
	assert_int_equal(track_api_session_find(e.c, other, &found, &user_id), WEFT_ENOTFOUND);
	end(&e);
}

static void sign_ins_are_counted(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false), bob = make_user(&e, "bob", false);
	track_login_info info;
	ok(track_login_info_get(e.c, alice.id, &info));
	assert_int_equal(info.login_count, 0);
	assert_int_equal(info.failed_count, 0);
	assert_int_equal(info.last_failed_at, 0);
	assert_int_equal(info.previous_login_at, 0);
	ok(track_login_record_failure(e.c, alice.id, 1000));
	ok(track_login_record_success(e.c, alice.id, 2000));
	ok(track_login_info_get(e.c, alice.id, &info));
	assert_int_equal(info.login_count, 1);
	assert_int_equal(info.failed_count, 1);
	assert_int_equal(info.last_failed_at, 1000);
	assert_int_equal(info.previous_login_at, 0);
	ok(track_login_record_success(e.c, alice.id, 3000));
	ok(track_login_record_failure(e.c, alice.id, 3500));
	ok(track_login_record_success(e.c, alice.id, 4000));
	ok(track_login_info_get(e.c, alice.id, &info));
	assert_int_equal(info.login_count, 3);
	assert_int_equal(info.failed_count, 2);
	assert_int_equal(info.last_failed_at, 3500);
	assert_int_equal(info.previous_login_at, 3000);
	ok(track_login_info_get(e.c, bob.id, &info));
	assert_int_equal(info.login_count, 0);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sessions_last_until_they_end),
		cmocka_unit_test(sign_ins_are_counted),
	};
	return fixture_run_service_tests("track/account/api_session", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
