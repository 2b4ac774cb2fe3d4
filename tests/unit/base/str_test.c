/* Tests of src/base/str.c, src/base/err.c, src/base/clock.c and src/base/token.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/str.h"
#include "base/token.h"

static void integers_parse_strictly(void **state)
{
	(void)state;
	int64_t n = -1;
	assert_int_equal(str_to_i64(&n, "42", 0, 100, "x"), 0);
	assert_int_equal(n, 42);
	assert_int_equal(str_to_i64(&n, "-9223372036854775808", INT64_MIN, INT64_MAX, "x"), 0);
	assert_true(n == INT64_MIN);
	const char *bad[] = { "", " 1", "1 ", "+1", "0x10", "1e3", "99999999999999999999", "-" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(str_to_i64(&n, bad[i], INT64_MIN, INT64_MAX, "x"), WEFT_EINVALID);
	assert_int_equal(str_to_i64(&n, "101", 0, 100, "the port"), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "the port"));
}

static void utf8_validation(void **state)
{
	(void)state;
	assert_true(str_is_utf8("plain", 5));
	assert_true(str_is_utf8("h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 12));
	assert_false(str_is_utf8("\xc0\xaf", 2)); /* overlong '/' */
	assert_false(str_is_utf8("\xed\xa0\x80", 3)); /* surrogate */
	assert_false(str_is_utf8("\xe2\x82", 2)); /* truncated */
	assert_false(str_is_utf8("\xf4\x90\x80\x80", 4)); /* beyond U+10FFFF */
	assert_false(str_is_utf8("\xff", 1));
}

static void affixes_and_case(void **state)
{
	(void)state;
	assert_true(str_starts_with("refs/heads/x", "refs/"));
	assert_false(str_starts_with("ref", "refs/"));
	assert_true(str_ends_with("repo.git", ".git"));
	assert_false(str_ends_with("git", ".git"));
	assert_true(str_eq_nocase("Content-Type", "content-type"));
}

static void errors_carry_one_line_messages(void **state)
{
	(void)state;
	assert_int_equal(err_fail(WEFT_ENOTFOUND, "no %s\nhere", "thing"), WEFT_ENOTFOUND);
	assert_string_equal(err_msg(), "no thing here");
	assert_string_equal(err_name(WEFT_ENOTFOUND), "not_found");
	assert_string_equal(err_name(-1), "error");
	err_clear();
	assert_string_equal(err_msg(), "");
}

static void timestamps_in_both_styles(void **state)
{
	(void)state;
	char out[CLOCK_ISO_LEN];
	clock_format_iso8601(out, 1384044663222);
	assert_string_equal(out, "2013-11-10T00:51:03.222+00:00");
	clock_format_jira(out, 1705314600000);
	assert_string_equal(out, "2024-01-15T10:30:00.000+0000");
	clock_format_iso8601(out, -1);
	assert_string_equal(out, "1969-12-31T23:59:59.999+00:00");
	assert_true(clock_now_ms() > 1700000000000);
	int64_t a = clock_mono_ns(), b = clock_mono_ns();
	assert_true(b >= a);
}

static void tokens_and_uuids_are_fresh(void **state)
{
	(void)state;
	assert_int_equal(token_init(), 0);
	char a[65], b[65];
	token_hex(a, 32);
	token_hex(b, 32);
	assert_int_equal(strlen(a), 64);
	assert_string_not_equal(a, b);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	char u[TOKEN_UUID_LEN];
	token_uuid(u);
	assert_int_equal(strlen(u), 36);
	assert_int_equal(u[14], '4');
	assert_non_null(strchr("89ab", u[19]));
	assert_int_equal(u[8], '-');
	assert_int_equal(u[23], '-');
}

static void one_line_text_fields(void **state)
{
	(void)state;
	assert_int_equal(str_utf8_chars(""), 0);
	assert_int_equal(str_utf8_chars("h\xc3\xa9llo"), 5);
	assert_int_equal(str_check_line("Label", "", 3), 0);
	assert_int_equal(str_check_line("Label", "\xc3\xa9\xc3\xa9\xc3\xa9", 3), 0);
	assert_int_equal(str_check_line("Label", "abcd", 3), WEFT_EINVALID);
	assert_string_equal(err_msg(), "Label: at most 3 characters of text.");
	assert_int_equal(str_check_line("Label", "\xff", 3), WEFT_EINVALID);
	assert_int_equal(str_check_line("Name", "a\tb", 3), WEFT_EINVALID);
	assert_string_equal(err_msg(), "Name: no line breaks or control characters.");
	assert_int_equal(str_check_line("Name", "a\x7f", 3), WEFT_EINVALID);
}

static void password_rules(void **state)
{
	(void)state;
	assert_int_equal(password_check("eight ch", NULL, NULL), 0);
	assert_int_equal(
	        password_check("\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f"
	                       "\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0"
	                       "\x9f\x94\x91",
	                       NULL, NULL),
	        0); /* eight characters, 32 bytes */
	assert_int_equal(password_check("seven c", NULL, NULL), WEFT_EINVALID);
	assert_string_equal(err_msg(), "Password: at least 8 characters.");
	assert_int_equal(password_check("Alice_Smith", "alice_smith", NULL), WEFT_EINVALID);
	assert_int_equal(password_check("A@EXAMPLE.COM", "alice", "a@example.com"), WEFT_EINVALID);
	assert_int_equal(password_check("\xff\xfe long enough", NULL, NULL), WEFT_EINVALID);
}

static void hex_digits_either_case(void **state)
{
	(void)state;
	assert_int_equal(str_hex_digit('0'), 0);
	assert_int_equal(str_hex_digit('9'), 9);
	assert_int_equal(str_hex_digit('a'), 10);
	assert_int_equal(str_hex_digit('F'), 15);
	assert_int_equal(str_hex_digit('g'), -1);
	assert_int_equal(str_hex_digit('/'), -1);
	assert_int_equal(str_hex_digit('\0'), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(integers_parse_strictly),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(affixes_and_case),
		cmocka_unit_test(errors_carry_one_line_messages),
		cmocka_unit_test(timestamps_in_both_styles),
		cmocka_unit_test(tokens_and_uuids_are_fresh),
		cmocka_unit_test(one_line_text_fields),
		cmocka_unit_test(password_rules),
		cmocka_unit_test(hex_digits_either_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
