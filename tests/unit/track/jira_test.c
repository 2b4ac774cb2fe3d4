/* Tests of src/track/jira.c's pure parts: Jira's timestamps both ways (offsets, fractions, "Z",
 * refusals). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/err.h"
#include "track/jira.h"

static void times_are_formatted_the_jira_way(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_string_equal(track_jira_time(a, 1717402861273), "2024-06-03T08:21:01.273+0000");
	assert_string_equal(track_jira_time(a, 1000), "1970-01-01T00:00:01.000+0000");
	assert_null(track_jira_time(a, 0));
	arena_free(a);
}

static void times_are_parsed_with_offsets(void **state)
{
	(void)state;
	int64_t ms = 0;
	assert_int_equal(track_jira_parse_time(&ms, "2024-06-03T08:21:01.273+0000"), 0);
	assert_int_equal(ms, 1717402861273);
	assert_int_equal(track_jira_parse_time(&ms, "2024-06-03T10:21:01.273+0200"), 0);
	assert_int_equal(ms, 1717402861273);
	assert_int_equal(track_jira_parse_time(&ms, "2024-06-03T06:21:01.273-02:00"), 0);
	assert_int_equal(ms, 1717402861273);
	assert_int_equal(track_jira_parse_time(&ms, "2024-06-03T08:21:01.2Z"), 0);
	assert_int_equal(ms, 1717402861200);
	assert_int_equal(track_jira_parse_time(&ms, "2024-06-03T08:21"), 0);
	assert_int_equal(ms, 1717402860000);
	const char *bad[] = { "",
		              "yesterday",
		              "2024-13-03T08:21:01.000+0000",
		              "2024-06-03T25:21:01.000+0000",
		              "2024-06-03T08:21:01.000+99",
		              "2024-06-03 08:21:01",
		              "2024-06-03T08:21:01.000+0000junk" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(track_jira_parse_time(&ms, bad[i]), WEFT_EINVALID);
	assert_int_equal(track_jira_parse_time(&ms, NULL), WEFT_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(times_are_formatted_the_jira_way),
		cmocka_unit_test(times_are_parsed_with_offsets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
