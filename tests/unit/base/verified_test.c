/* Tests of src/base/verified.c through password_verify: a password checked a moment ago is not
 * hashed again, and what is remembered is bound to the stored hash it was checked against, so a
 * changed password refuses the old one at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "base/password.h"
#include "base/verified.h"

static bool verify(const char *hash, const char *password)
{
	return password_verify(hash, password, strlen(password));
}

static void a_check_is_remembered_for_its_hash_only(void **state)
{
	(void)state;
	char one[PASSWORD_HASH_MAX], again[PASSWORD_HASH_MAX], two[PASSWORD_HASH_MAX];
	assert_int_equal(password_hash(one, "password one", 12), 0);
	assert_false(verified_recently(one, "password one", 12));
	assert_true(verify(one, "password one"));
	assert_true(verified_recently(one, "password one", 12));
	assert_false(verify(one, "password two"));
	assert_false(verified_recently(one, "password two", 12));
	/* the password changes: a new hash, which the old password does not match, at once */
	assert_int_equal(password_hash(two, "password two", 12), 0);
	assert_false(verify(two, "password one"));
	assert_true(verify(two, "password two"));
	/* even the same password hashed again (a new salt) is checked anew */
	assert_int_equal(password_hash(again, "password one", 12), 0);
	assert_false(verified_recently(again, "password one", 12));
	assert_true(verify(again, "password one"));
}

/* What is remembered stands in for the hash: the dummy hash, which no password matches, matches
 * once a check is remembered for it (which only a real match could cause in the product). */
static void remembered_checks_skip_the_hash(void **state)
{
	(void)state;
	assert_false(verify(password_dummy_hash(), "anything"));
	verified_remember(password_dummy_hash(), "anything", 8);
	assert_true(verify(password_dummy_hash(), "anything"));
	assert_false(verify(password_dummy_hash(), "anything else"));
	verified_forget_all();
	assert_false(verify(password_dummy_hash(), "anything"));
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_check_is_remembered_for_its_hash_only),
		cmocka_unit_test(remembered_checks_skip_the_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
