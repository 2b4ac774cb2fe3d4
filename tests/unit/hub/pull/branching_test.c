/* Tests of src/hub/pull/branching.c that need no database: the branch name suggested for an
 * issue (lower-case words joined by '-', what git refuses dropped, at most 100 bytes cut at a
 * word, every suggestion a valid branch name) and the type an issue type suggests. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "hub/browse/ref.h"
#include "hub/pull/branching.h"

static void suggests(const char *prefix, const char *key, const char *summary, const char *want)
{
	arena *a = arena_new();
	const char *got = hub_branching_suggest(a, prefix, key, summary);
	assert_string_equal(got, want);
	arena_free(a);
}

static void test_words(void **state)
{
	(void)state;
	suggests("bugfix/", "PROJ-12", "Summary words", "bugfix/PROJ-12-summary-words");
	suggests("feature/", "PROJ-7", "  Add   the LOGIN page!  ",
	         "feature/PROJ-7-add-the-login-page");
	suggests("", "PROJ-1", "", "PROJ-1");
	suggests("feature/", "", "Only words", "feature/only-words");
}

static void test_git_refuses(void **state)
{
	(void)state;
	suggests("bugfix/", "PROJ-12", "a~b^c:d?e*f[g\\h i..j k.lock @{x} / y",
	         "bugfix/PROJ-12-a-b-c-d-e-f-g-h-i-j-k-lock-x-y");
	suggests("bugfix/", "PROJ-12", "Crash \xe2\x80\x94 Caf\xc3\xa9 \xc2\xabquoted\xc2\xbb",
	         "bugfix/PROJ-12-crash-caf\xc3\xa9-quoted");
	suggests("bugfix/", "PR OJ/../12", "x", "bugfix/PROJ12-x");
}

static void test_length(void **state)
{
	(void)state;
	char summary[400] = "";
	for (int i = 0; i < 60; i++)
		strcat(summary, "word ");
	arena *a = arena_new();
	const char *got = hub_branching_suggest(a, "feature/", "PROJ-12", summary);
	assert_true(strlen(got) <= BRANCH_SUGGEST_MAX);
	assert_true(strlen(got) > BRANCH_SUGGEST_MAX - 6);
	assert_int_equal(got[strlen(got) - 1], 'd'); /* ends with a whole "word" */
	assert_int_equal(hub_ref_check_name(got), 0);
	arena_free(a);
}

static void test_valid_names(void **state)
{
	(void)state;
	static const char *const summaries[] = {
		"-leading dash", "trailing.", "HEAD", "a/b/c", "\xff\xfe broken utf-8", ""
	};
	for (size_t i = 0; i < sizeof summaries / sizeof summaries[0]; i++) {
		arena *a = arena_new();
		const char *got = hub_branching_suggest(a, "feature/", "PROJ-3", summaries[i]);
		assert_int_equal(hub_ref_check_name(got), 0);
		arena_free(a);
	}
}

static void test_kind_for(void **state)
{
	(void)state;
	assert_string_equal(hub_branching_kind_for("Bug"), "bugfix");
	assert_string_equal(hub_branching_kind_for("bug"), "bugfix");
	assert_string_equal(hub_branching_kind_for("Story"), "feature");
	assert_string_equal(hub_branching_kind_for(NULL), "feature");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),    cmocka_unit_test(test_git_refuses),
		cmocka_unit_test(test_length),   cmocka_unit_test(test_valid_names),
		cmocka_unit_test(test_kind_for),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
