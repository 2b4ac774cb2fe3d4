/* Tests of src/track/account/token.c on both engines, the edges account_test.c's token cases
 * leave: the label's bounds, the cap on live tokens (revoked ones free a place), a secret's exact
 * shape, one user's tokens out of another's reach, and revoked tokens gone from the list. */
#include "../issues_env.h"

#include <string.h>

#include "track/account/token.h"

static void labels_are_one_bounded_line(void **state)
{
	env e = begin(state);
	track_user a = make_user(&e, "alice", false);
	char secret[TRACK_TOKEN_SECRET_LEN + 1], label[TRACK_TOKEN_LABEL_MAX + 2];
	track_token t;
	memset(label, 'x', TRACK_TOKEN_LABEL_MAX);
	label[TRACK_TOKEN_LABEL_MAX] = '\0';
	ok(track_token_create(e.c, e.a, a.id, TRACK_TOKEN_API, label, secret, &t));
	assert_string_equal(t.label, label);
	label[TRACK_TOKEN_LABEL_MAX] = 'x';
	label[TRACK_TOKEN_LABEL_MAX + 1] = '\0';
	assert_int_equal(track_token_create(e.c, e.a, a.id, TRACK_TOKEN_API, label, secret, &t),
	                 WEFT_EINVALID);
	assert_int_equal(strncmp(err_msg(), "Label", 5), 0);
	assert_int_equal(
	        track_token_create(e.c, e.a, a.id, TRACK_TOKEN_PAT, "two\nlines", secret, &t),
	        WEFT_EINVALID);
	assert_int_equal(track_token_create(e.c, e.a, a.id, TRACK_TOKEN_PAT, "", secret, &t),
	                 WEFT_EINVALID);
	assert_int_equal(
	        scalar(&e, "SELECT COUNT(*) FROM api_tokens WHERE user_id = $1", db_int(a.id)), 1);
	end(&e);
}

static void live_tokens_are_capped_and_revoking_frees_a_place(void **state)
{
	env e = begin(state);
	track_user a = make_user(&e, "alice", false), b = make_user(&e, "bob", false);
	char secret[TRACK_TOKEN_SECRET_LEN + 1];
	track_token t, first = { 0 };
	for (int i = 0; i < TRACK_TOKENS_PER_USER_MAX; i++) {
		ok(track_token_create(e.c, e.a, a.id, i % 2 ? TRACK_TOKEN_PAT : TRACK_TOKEN_API,
		                      "ci", secret, &t));
		if (i == 0)
			first = t;
	}
	assert_int_equal(
	        track_token_create(e.c, e.a, a.id, TRACK_TOKEN_API, "one more", secret, &t),
	        WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "revoke one"));
	/* The cap is each user's own. */
	ok(track_token_create(e.c, e.a, b.id, TRACK_TOKEN_API, "bob's", secret, &t));
	ok(track_token_revoke(e.c, a.id, first.id));
	ok(track_token_create(e.c, e.a, a.id, TRACK_TOKEN_API, "one more", secret, &t));
	track_token *list;
	size_t n;
	ok(track_token_list(e.c, e.a, a.id, &list, &n));
	assert_int_equal(n, TRACK_TOKENS_PER_USER_MAX);
	assert_string_equal(list[0].label, "one more"); /* newest first */
	for (size_t i = 0; i < n; i++)
		assert_true(list[i].id != first.id);
	end(&e);
}

static void only_the_exact_shape_is_a_token(void **state)
{
	(void)state;
	char good[TRACK_TOKEN_SECRET_LEN + 1] = "tapi_";
	memset(good + 5, 'a', 64);
	good[TRACK_TOKEN_SECRET_LEN] = '\0';
	assert_true(track_token_looks_like(good, TRACK_TOKEN_API));
	assert_false(track_token_looks_like(good, TRACK_TOKEN_PAT));
	char bad[TRACK_TOKEN_SECRET_LEN + 2];
	memcpy(bad, good, sizeof good);
	bad[10] = 'A'; /* hex digits are lower case */
	assert_false(track_token_looks_like(bad, TRACK_TOKEN_API));
	bad[10] = 'g';
	assert_false(track_token_looks_like(bad, TRACK_TOKEN_API));
	memcpy(bad, good, sizeof good);
	bad[TRACK_TOKEN_SECRET_LEN - 1] = '\0'; /* one digit short */
	assert_false(track_token_looks_like(bad, TRACK_TOKEN_API));
	memcpy(bad, good, sizeof good);
	bad[TRACK_TOKEN_SECRET_LEN] = 'a'; /* one digit long */
	bad[TRACK_TOKEN_SECRET_LEN + 1] = '\0';
	assert_false(track_token_looks_like(bad, TRACK_TOKEN_API));
	assert_false(track_token_looks_like("", TRACK_TOKEN_PAT));
	assert_false(track_token_looks_like("a long enough password", TRACK_TOKEN_API));
	assert_string_equal(track_token_kind_name(TRACK_TOKEN_API), "api_token");
	assert_string_equal(track_token_kind_name(TRACK_TOKEN_PAT), "pat");
}

static void a_token_is_its_owners_alone(void **state)
{
	env e = begin(state);
	track_user a = make_user(&e, "alice", false), b = make_user(&e, "bob", false);
	char secret[TRACK_TOKEN_SECRET_LEN + 1];
	track_token t;
	ok(track_token_create(e.c, e.a, a.id, TRACK_TOKEN_PAT, "cli", secret, &t));
	assert_int_equal(track_token_revoke(e.c, b.id, t.id), WEFT_ENOTFOUND);
	assert_int_equal(track_token_revoke(e.c, a.id, t.id + 1000), WEFT_ENOTFOUND);
	track_token *list;
	size_t n;
	ok(track_token_list(e.c, e.a, b.id, &list, &n));
	assert_int_equal(n, 0);
	track_user u;
	ok(track_token_authenticate(e.c, e.a, TRACK_TOKEN_PAT, NULL, secret, &u));
	assert_int_equal(u.id, a.id);
	/* Basic names the owner; bob's login with alice's token is refused. */
	assert_int_equal(track_token_authenticate(e.c, e.a, TRACK_TOKEN_PAT, "bob", secret, &u),
	                 WEFT_EAUTH);
	/* A well-shaped secret that was never issued. */
	char unknown[TRACK_TOKEN_SECRET_LEN + 1];
	memcpy(unknown, secret, sizeof unknown);
	unknown[5] = unknown[5] == '0' ? '1' : '0';
	assert_int_equal(track_token_authenticate(e.c, e.a, TRACK_TOKEN_PAT, NULL, unknown, &u),
	                 WEFT_EAUTH);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(labels_are_one_bounded_line),
		cmocka_unit_test(live_tokens_are_capped_and_revoking_frees_a_place),
		cmocka_unit_test(only_the_exact_shape_is_a_token),
		cmocka_unit_test(a_token_is_its_owners_alone),
	};
	return fixture_run_service_tests("track/account/token", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
