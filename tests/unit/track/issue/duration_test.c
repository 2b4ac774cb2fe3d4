/* Tests of src/track/duration.c: Jira's work-log durations, parsed (parts, decimals, bare
 * minutes, configurable day and week) and refused (each rule), and formatted back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "track/issue/duration.h"

static int64_t parsed(const char *s, int hpd, int dpw)
{
	int64_t seconds = -1;
	int rc = track_duration_parse(&seconds, s, hpd, dpw);
	if (rc != 0)
		fail_msg("'%s': %s", s, err_msg());
	return seconds;
}

static void refused(const char *s, const char *part)
{
	int64_t seconds = 12345;
	int rc = track_duration_parse(&seconds, s, 0, 0);
	if (rc != WEFT_EINVALID)
		fail_msg("'%s': expected invalid, got %d", s, rc);
	if (!strstr(err_msg(), part))
		fail_msg("'%s': message '%s' does not contain '%s'", s, err_msg(), part);
	assert_int_equal(seconds, 12345); /* untouched on failure */
}

static void parts(void **state)
{
	(void)state;
	assert_int_equal(parsed("1w 2d 3h 30m", 0, 0), ((5 * 8 + 2 * 8 + 3) * 60 + 30) * 60);
	assert_int_equal(parsed("3h", 0, 0), 3 * 3600);
	assert_int_equal(parsed("30m", 0, 0), 1800);
	assert_int_equal(parsed("2d", 0, 0), 2 * 8 * 3600);
	assert_int_equal(parsed("1w", 0, 0), 5 * 8 * 3600);
	/* Any order, any case, with or without spaces between the parts. */
	assert_int_equal(parsed("30m 1h", 0, 0), 5400);
	assert_int_equal(parsed("1H30M", 0, 0), 5400);
	assert_int_equal(parsed("  2h\t ", 0, 0), 7200);
	assert_int_equal(parsed("0m", 0, 0), 0);
	assert_int_equal(parsed("2 h 5 m", 0, 0), 7500);
}

static void decimals_and_bare_numbers(void **state)
{
	(void)state;
	assert_int_equal(parsed("1.5h", 0, 0), 5400);
	assert_int_equal(parsed("0.5d", 0, 0), 4 * 3600);
	assert_int_equal(parsed(".25h", 0, 0), 900);
	assert_int_equal(parsed("1.5w", 0, 0), 60 * 3600);
	assert_int_equal(parsed("0.1m", 0, 0), 6);
	/* A third of a minute, to the nearest second. */
	assert_int_equal(parsed("0.333333m", 0, 0), 20);
	/* A number alone is minutes, Jira's default unit. */
	assert_int_equal(parsed("45", 0, 0), 45 * 60);
	assert_int_equal(parsed("1.5", 0, 0), 90);
}

static void configurable_day_and_week(void **state)
{
	(void)state;
	assert_int_equal(parsed("1d", 6, 0), 6 * 3600);
	assert_int_equal(parsed("1w", 6, 4), 24 * 3600);
	assert_int_equal(parsed("1w 1d", 24, 7), 8 * 24 * 3600);
	int64_t s = 0;
	assert_int_equal(track_duration_parse(&s, "1h", 169, 5), WEFT_EINVALID);
	assert_int_equal(track_duration_parse(&s, "1h", 8, -1), WEFT_EINVALID);
}

static void bad_input(void **state)
{
	(void)state;
	refused("", "empty");
	refused("   ", "empty");
	refused("-1h", "sign");
	refused("+1h", "sign");
	refused("1h -30m", "sign");
	refused("3x", "unknown unit 'x'");
	refused("3 hours", "unknown unit 'hours'");
	refused("3hm", "unknown unit 'hm'");
	refused("1h 2h", "'h' appears twice");
	refused("1m 30m", "'m' appears twice");
	refused("1h 30", "needs a unit");
	refused("h", "expected a number but got 'h'");
	refused("1.h", "digit must follow");
	refused("1..5h", "digit must follow");
	refused("1.1234567891h", "too large");
	refused("99999999999999999999m", "too large");
	refused("999999999999999999w", "too large");
	refused("1h,2m", "got ','");
	refused("1;", "unexpected ';'");
	refused("1h\n", "got '?'");
	refused("1h -", "sign");
	char longer[TRACK_DURATION_MAX_LEN + 2];
	memset(longer, ' ', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	longer[0] = '1';
	refused(longer, "longer than");
}

static void formats(void **state)
{
	arena *a = arena_new();
	(void)state;
	assert_string_equal(track_duration_format(a, ((5 * 8 + 2 * 8 + 3) * 60 + 30) * 60, 0, 0),
	                    "1w 2d 3h 30m");
	assert_string_equal(track_duration_format(a, 5400, 0, 0), "1h 30m");
	assert_string_equal(track_duration_format(a, 8 * 3600, 0, 0), "1d");
	assert_string_equal(track_duration_format(a, 40 * 3600 + 60, 0, 0), "1w 1m");
	assert_string_equal(track_duration_format(a, 0, 0, 0), "0m");
	assert_string_equal(track_duration_format(a, 59, 0, 0), "0m");
	assert_string_equal(track_duration_format(a, -5400, 0, 0), "-1h 30m");
	assert_string_equal(track_duration_format(a, 24 * 3600, 6, 4), "1w");
	assert_string_equal(track_duration_format(a, INT64_MIN, 0, 0),
	                    track_duration_format(a, INT64_MIN, 0, 0));
	/* Round trips through the parser. */
	const char *samples[] = { "1w 2d 3h 30m", "4d 7h", "59m", "3w 1m", "2h" };
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		assert_string_equal(track_duration_format(a, parsed(samples[i], 0, 0), 0, 0),
		                    samples[i]);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parts),
		cmocka_unit_test(decimals_and_bare_numbers),
		cmocka_unit_test(configurable_day_and_week),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
