/* Tests of src/track/dvcs/keys.c: every example of connector.md's "Finding issue keys", and case,
 * duplicates, unicode neighbours, NUL bytes, long input and the cap of keys per text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "track/dvcs/keys.h"

/* The keys of text joined by spaces. */
static const char *found(arena *a, const char *text, size_t len)
{
	array keys = ARRAY_INIT;
	dvcs_keys_find(a, text, len, &keys);
	buf b = { 0 };
	const char *const *k = keys.items;
	for (size_t i = 0; i < keys.n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", k[i]);
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

#define expect(text, want) assert_string_equal(found(a, text, strlen(text)), want)

static void reference_examples(void **state)
{
	(void)state;
	arena *a = arena_new();
	expect("ABC-123", "ABC-123");
	expect("A1BC-123", "A1BC-123");
	expect("(ABC-1)", "ABC-1");
	expect("x,ABC-1;", "ABC-1");
	expect("M-123", "");
	expect("1ABC-123", "");
	expect("MES-123k", "");
	expect("key0MES-123", "");
	expect("ABC-A", "");
	expect("feature/abc-12-login", "ABC-12");
	arena_free(a);
}

static void boundaries_and_case(void **state)
{
	(void)state;
	arena *a = arena_new();
	expect("Fix JRA-1, JRA-2 and jra-3.", "JRA-1 JRA-2 JRA-3");
	expect("[PROJ-7] done: PROJ-8!", "PROJ-7 PROJ-8");
	expect("https://track.example/browse/WEB-42?focus=1", "WEB-42");
	expect("bugfix/ops-9_cleanup", ""); /* '_' joins words */
	expect("AbC-1 Abc-2", ""); /* mixed case in the project part is no key */
	expect("AB12-3 ab12-4", "AB12-3 AB12-4");
	expect("AB-", "");
	expect("AB-x1", "");
	expect("-AB-1-", "AB-1");
	expect("AB--1", "");
	expect("AB-1-2", "AB-1");
	expect("\tAB-1\nCD-2\r\n", "AB-1 CD-2");
	expect("", "");
	arena_free(a);
}

static void duplicates_keep_first_order(void **state)
{
	(void)state;
	arena *a = arena_new();
	expect("B-1 BB-2 AA-1 bb-2 BB-2 AA-1", "BB-2 AA-1");
	/* keys already in the array are not added again: a branch name after a message */
	array keys = ARRAY_INIT;
	const char *msg = "XY-1 XY-2", *branch = "feature/xy-2-and-xy-3";
	dvcs_keys_find(a, msg, strlen(msg), &keys);
	dvcs_keys_find(a, branch, strlen(branch), &keys);
	assert_int_equal(keys.n, 3);
	assert_string_equal(((const char **)keys.items)[2], "XY-3");
	arena_free(a);
}

static void unicode_and_bytes(void **state)
{
	(void)state;
	arena *a = arena_new();
	expect("caf\xc3\xa9 AB-1 \xe2\x9c\x93", "AB-1");
	expect("\xc3\xa9"
	       "AB-1",
	       ""); /* a letter of another script touches it */
	expect("AB-1\xc3\xa9", "");
	expect("\xff\xfe AB-2 \x80", "AB-2");
	const char nul[] = "AB-1\0CD-2";
	assert_string_equal(found(a, nul, sizeof nul - 1), "AB-1 CD-2");
	/* the length given is the text: nothing past it is read */
	assert_string_equal(found(a, "AB-12", 4), "AB-1");
	assert_string_equal(found(a, "AB-12", 3), "");
	arena_free(a);
}

static void long_input_and_cap(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b = { 0 };
	for (int i = 0; i < 150; i++)
		buf_printf(&b, "K%d-%d ", i, i);
	array keys = ARRAY_INIT;
	dvcs_keys_find(a, buf_cstr(&b), b.len, &keys);
	assert_int_equal(keys.n, DVCS_KEYS_PER_TEXT);
	assert_string_equal(((const char **)keys.items)[99], "K99-99");
	/* duplicates do not count towards the cap */
	buf_clear(&b);
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "DUP-1 ");
	buf_puts(&b, "NEW-2");
	keys = (array)ARRAY_INIT;
	dvcs_keys_find(a, buf_cstr(&b), b.len, &keys);
	assert_int_equal(keys.n, 2);
	/* a candidate longer than DVCS_KEY_MAX is not a key */
	buf_clear(&b);
	buf_putc(&b, 'A');
	for (int i = 0; i < DVCS_KEY_MAX; i++)
		buf_putc(&b, 'B');
	buf_puts(&b, "-1 OK-1");
	keys = (array)ARRAY_INIT;
	dvcs_keys_find(a, buf_cstr(&b), b.len, &keys);
	assert_int_equal(keys.n, 1);
	assert_string_equal(((const char **)keys.items)[0], "OK-1");
	/* a megabyte of near misses (one word, then many) finishes */
	buf_clear(&b);
	for (int i = 0; i < 1 << 20; i++)
		buf_putc(&b, i % 7 == 6 ? '-' : 'A');
	buf_puts(&b, " END-1");
	keys = (array)ARRAY_INIT;
	dvcs_keys_find(a, buf_cstr(&b), b.len, &keys);
	assert_int_equal(keys.n, 1);
	buf_clear(&b);
	for (int i = 0; i < 1 << 18; i++)
		buf_puts(&b, "AB-x ");
	keys = (array)ARRAY_INIT;
	dvcs_keys_find(a, buf_cstr(&b), b.len, &keys);
	assert_int_equal(keys.n, 0);
	buf_dispose(&b);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reference_examples),
		cmocka_unit_test(boundaries_and_case),
		cmocka_unit_test(duplicates_keep_first_order),
		cmocka_unit_test(unicode_and_bytes),
		cmocka_unit_test(long_input_and_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
