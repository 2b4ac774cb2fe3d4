/* Tests of src/web/escape.c: the HTML, URL and JSON escapers and percent-decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "web/escape.h"

typedef void escaper(buf *out, const char *s, size_t len);

/* Runs an escaper over len bytes of in, appending to a buffer that already holds a byte (so an
 * escaper that overwrote instead of appending would show), and compares the output with want. */
static void check_bytes(escaper *esc, const char *in, size_t len, const char *want, size_t want_len)
{
	buf b = BUF_INIT;
	buf_puts(&b, "<");
	esc(&b, in, len);
	buf_puts(&b, ">");
	assert_int_equal(b.len, want_len + 2);
	assert_memory_equal(b.ptr + 1, want, want_len);
	assert_int_equal(b.ptr[b.len - 1], '>');
	buf_dispose(&b);
}

static void check(escaper *esc, const char *in, const char *want)
{
	check_bytes(esc, in, strlen(in), want, strlen(want));
}

/* For inputs and outputs with NUL bytes: both are string literals. */
#define check_len(esc, in, len, want) check_bytes(esc, in, len, want, sizeof(want) - 1)

static void test_html_specials(void **state)
{
	(void)state;
	check(esc_html, "&", "&amp;");
	check(esc_html, "<", "&lt;");
	check(esc_html, ">", "&gt;");
	check(esc_html, "\"", "&quot;");
	check(esc_html, "'", "&#39;");
	check(esc_html, "`", "&#96;");
	check(esc_html, "=", "&#61;");
	check(esc_html, "<a href=\"x\" onclick='y'>&amp;</a>",
	      "&lt;a href&#61;&quot;x&quot; onclick&#61;&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
}

static void test_html_plain(void **state)
{
	(void)state;
	check(esc_html, "", "");
	check(esc_html, "plain text / 100% caf\xc3\xa9", "plain text / 100% caf\xc3\xa9");
	check_len(esc_html, "a\0<", 3, "a\0&lt;");
	check_len(esc_html, "<b>", 2, "&lt;b"); /* only len bytes */
}

static void test_url_segment(void **state)
{
	(void)state;
	check(esc_url_segment, "feature/x", "feature%2Fx");
	check(esc_url_segment, "a b", "a%20b");
	check(esc_url_segment, "caf\xc3\xa9", "caf%C3%A9");
	check(esc_url_segment, "AZaz09-._~", "AZaz09-._~");
	check(esc_url_segment, "{id}?#%+&=:@", "%7Bid%7D%3F%23%25%2B%26%3D%3A%40");
	check_len(esc_url_segment, "\0\x7f\xff", 3, "%00%7F%FF");
	check(esc_url_segment, "", "");
}

static void test_url_path(void **state)
{
	(void)state;
	check(esc_url_path, "src/dir sub/f.txt", "src/dir%20sub/f.txt");
	check(esc_url_path, "/a//b/", "/a//b/");
	check(esc_url_path, "caf\xc3\xa9/%", "caf%C3%A9/%25");
}

static void test_url_query(void **state)
{
	(void)state;
	check(esc_url_query, "a b&c=d/e+f", "a%20b%26c%3Dd%2Fe%2Bf");
	check(esc_url_query, "AZaz09-._~", "AZaz09-._~");
}

static void test_json(void **state)
{
	(void)state;
	check(esc_json, "say \"hi\"", "say \\\"hi\\\"");
	check(esc_json, "a\\b", "a\\\\b");
	check(esc_json, "\n\r\t\b\f\x01\x1f", "\\u000a\\u000d\\u0009\\u0008\\u000c\\u0001\\u001f");
	check_len(esc_json, "\0", 1, "\\u0000");
	check(esc_json, "</script>&", "\\u003c/script\\u003e\\u0026");
	check(esc_json, "caf\xc3\xa9 ~\x7f", "caf\xc3\xa9 ~\x7f");
	check(esc_json, "", "");
}

/* Decodes a C string; returns the code and leaves the result in *out. */
static int decode(char **out, size_t *out_len, arena *a, const char *s, int plus)
{
	return esc_pct_decode(out, out_len, a, s, strlen(s), plus);
}

static void test_pct_decode(void **state)
{
	arena *a = arena_new();
	char *d;
	size_t n;
	(void)state;
	assert_int_equal(decode(&d, &n, a, "feature%2Fx", 0), 0);
	assert_string_equal(d, "feature/x");
	assert_int_equal(n, 9);
	assert_int_equal(decode(&d, &n, a, "%7b%7D%c3%A9", 0), 0);
	assert_string_equal(d, "{}\xc3\xa9");
	assert_int_equal(decode(&d, &n, a, "", 0), 0);
	assert_string_equal(d, "");
	assert_int_equal(n, 0);
	assert_int_equal(decode(&d, &n, a, "%41", 0), 0);
	assert_string_equal(d, "A");
	arena_free(a);
}

static void test_pct_decode_plus(void **state)
{
	arena *a = arena_new();
	char *d;
	size_t n;
	(void)state;
	assert_int_equal(decode(&d, &n, a, "a+b%2B", 1), 0);
	assert_string_equal(d, "a b+");
	assert_int_equal(decode(&d, &n, a, "a+b%2B", 0), 0);
	assert_string_equal(d, "a+b+");
	arena_free(a);
}

static void test_pct_decode_nul(void **state)
{
	arena *a = arena_new();
	char *d;
	size_t n;
	(void)state;
	assert_int_equal(decode(&d, &n, a, "a%00b", 0), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(d, "a\0b", 4);
	arena_free(a);
}

static void test_pct_decode_bad(void **state)
{
	static const char *bad[] = { "%", "%4", "%zz", "%g1", "%1g", "a%", "ab%4", "%%41", "% 41" };
	arena *a = arena_new();
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *d = NULL;
		size_t n = 99;
		err_clear();
		assert_int_equal(decode(&d, &n, a, bad[i], 1), WEFT_EINVALID);
		assert_true(strlen(err_msg()) > 0);
		assert_null(d);
		assert_int_equal(n, 99);
	}
	arena_free(a);
}

static void test_pct_decode_length_bound(void **state)
{
	arena *a = arena_new();
	char *d;
	size_t n;
	(void)state;
	/* "%41" cut after "%4": the escape must not be completed from bytes past len. */
	assert_int_equal(esc_pct_decode(&d, &n, a, "x%41", 3, 0), WEFT_EINVALID);
	assert_int_equal(esc_pct_decode(&d, &n, a, "x%41", 4, 0), 0);
	assert_string_equal(d, "xA");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_specials),
		cmocka_unit_test(test_html_plain),
		cmocka_unit_test(test_url_segment),
		cmocka_unit_test(test_url_path),
		cmocka_unit_test(test_url_query),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_pct_decode),
		cmocka_unit_test(test_pct_decode_plus),
		cmocka_unit_test(test_pct_decode_nul),
		cmocka_unit_test(test_pct_decode_bad),
		cmocka_unit_test(test_pct_decode_length_bound),
	};
	return cmocka_run_group_tests_name("web/escape", tests, NULL, NULL);
}
