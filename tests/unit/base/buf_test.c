/* Tests of src/base/buf.c: the growable buffer and slices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static void empty_buffer_reads_as_empty_string(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(b.len, 0);
	char *detached = buf_detach(&b);
	assert_string_equal(detached, "");
	free(detached);
}

static void append_grows_and_terminates(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "abc");
	assert_int_equal(b.len, 3000);
	assert_true(b.cap > 3000);
	assert_int_equal(b.ptr[3000], '\0');
	assert_memory_equal(b.ptr + 2997, "abc", 3);
	buf_dispose(&b);
	assert_null(b.ptr);
	assert_int_equal(b.len, 0);
}

static void binary_content_with_nul_is_kept(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	buf_append(&b, "a\0b", 3);
	buf_putc(&b, '\0');
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.ptr, "a\0b\0", 4);
	buf_dispose(&b);
}

static void printf_formats_short_and_long(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	buf_printf(&b, "%d-%s", 42, "x");
	assert_string_equal(buf_cstr(&b), "42-x");
	char big[1000];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_printf(&b, "[%s]", big);
	assert_int_equal(b.len, 4 + 2 + 999);
	assert_int_equal(b.ptr[b.len - 1], ']');
	buf_dispose(&b);
}

static void truncate_and_clear_keep_memory(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	buf_puts(&b, "hello world");
	buf_truncate(&b, 5);
	assert_string_equal(buf_cstr(&b), "hello");
	buf_truncate(&b, 50); /* longer than the content: ignored */
	assert_string_equal(buf_cstr(&b), "hello");
	size_t cap = b.cap;
	buf_clear(&b);
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(b.cap, cap);
	buf_dispose(&b);
}

static void slices_compare_and_trim(void **state)
{
	(void)state;
	slice s = slice_cstr("  Hello\t");
	assert_true(slice_eq_cstr(slice_trim(s), "Hello"));
	assert_true(slice_eq_nocase(slice_trim(s), "hELLO"));
	assert_false(slice_eq_nocase(slice_trim(s), "hELL"));
	assert_true(slice_starts_with(SLICE("refs/heads/main"), "refs/heads/"));
	assert_false(slice_starts_with(SLICE("refs"), "refs/heads/"));
	assert_true(slice_eq(SLICE(""), slice_cstr("")));
	assert_int_equal(slice_trim(SLICE("   ")).len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_buffer_reads_as_empty_string),
		cmocka_unit_test(append_grows_and_terminates),
		cmocka_unit_test(binary_content_with_nul_is_kept),
		cmocka_unit_test(printf_formats_short_and_long),
		cmocka_unit_test(truncate_and_clear_keep_memory),
		cmocka_unit_test(slices_compare_and_trim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
