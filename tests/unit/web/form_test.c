/* Tests of src/web/form.c: query strings, cookies, pair lookups and multipart/form-data bodies,
 * including the hostile inputs that each parser must refuse or survive. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "web/form.h"

static int setup(void **state)
{
	*state = arena_new();
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* Parses a C string as a query string into a fresh list. */
static int query(web_pairs *p, arena *a, const char *s)
{
	*p = (web_pairs){ 0 };
	return web_query_parse(p, a, s, strlen(s));
}

static void assert_pair(const web_pairs *p, size_t i, const char *name, const char *value)
{
	assert_true(i < p->len);
	assert_string_equal(p->items[i].name, name);
	assert_int_equal(p->items[i].value_len, strlen(value));
	assert_memory_equal(p->items[i].value, value, strlen(value) + 1);
}

/* ---- web_query_parse ---- */

static void test_query_simple(void **state)
{
	web_pairs p;
	assert_int_equal(query(&p, *state, "a=1&b=two"), 0);
	assert_int_equal(p.len, 2);
	assert_pair(&p, 0, "a", "1");
	assert_pair(&p, 1, "b", "two");
}

static void test_query_plus_is_space(void **state)
{
	web_pairs p;
	assert_int_equal(query(&p, *state, "q=two+words&k+x=a%2Bb"), 0);
	assert_pair(&p, 0, "q", "two words");
	assert_pair(&p, 1, "k x", "a+b");
}

static void test_query_percent_escapes(void **state)
{
	web_pairs p;
	assert_int_equal(
	        query(&p, *state, "branch=feature%2Fx&u=%C3%A9t%c3%a9&sp=%20&id=%7Babc%7D"), 0);
	assert_pair(&p, 0, "branch", "feature/x");
	assert_pair(&p, 1, "u", "\xc3\xa9t\xc3\xa9");
	assert_pair(&p, 2, "sp", " ");
	assert_pair(&p, 3, "id", "{abc}");
}

static void test_query_escaped_separators(void **state)
{
	web_pairs p;
	assert_int_equal(query(&p, *state, "a%3Db=c%26d"), 0);
	assert_int_equal(p.len, 1);
	assert_pair(&p, 0, "a=b", "c&d");
}

static void test_query_bad_escapes(void **state)
{
	static const char *bad[] = { "a=%", "a=%4", "a=%zz", "a=%4g", "a=x%", "%zz=1", "a=%%41" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		web_pairs p;
		err_clear();
		assert_int_equal(query(&p, *state, bad[i]), WEFT_EINVALID);
		assert_true(strlen(err_msg()) > 0);
	}
}

static void test_query_error_leaves_list(void **state)
{
	web_pairs p = { 0 };
	const char *s = "a=1&b=%zz";
	assert_int_equal(web_query_parse(&p, *state, "x=0", 3), 0);
	assert_int_equal(web_query_parse(&p, *state, s, strlen(s)), WEFT_EINVALID);
	assert_int_equal(p.len, 1);
	assert_pair(&p, 0, "x", "0");
}

static void test_query_repeated_keys(void **state)
{
	web_pairs p;
	assert_int_equal(query(&p, *state, "include=a&x=1&include=b"), 0);
	assert_int_equal(p.len, 3);
	assert_pair(&p, 0, "include", "a");
	assert_pair(&p, 2, "include", "b");
	assert_string_equal(web_pairs_get(&p, "include"), "a");
}

static void test_query_key_without_equals(void **state)
{
	web_pairs p;
	assert_int_equal(query(&p, *state, "flag&a=1&other"), 0);
	assert_int_equal(p.len, 3);
	assert_pair(&p, 0, "flag", "");
	assert_pair(&p, 2, "other", "");
	assert_null(web_pairs_get(&p, "flag"));
}

static void test_query_empty_pieces(void **state)
{
	web_pairs p;
	assert_int_equal(query(&p, *state, "&&a=1&&&b=2&"), 0);
	assert_int_equal(p.len, 2);
	assert_pair(&p, 0, "a", "1");
	assert_pair(&p, 1, "b", "2");
	assert_int_equal(query(&p, *state, ""), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(query(&p, *state, "&"), 0);
	assert_int_equal(p.len, 0);
	p = (web_pairs){ 0 };
	assert_int_equal(web_query_parse(&p, *state, NULL, 0), 0);
	assert_int_equal(p.len, 0);
}

static void test_query_empty_name_and_value(void **state)
{
	web_pairs p;
	assert_int_equal(query(&p, *state, "=1&a=&b==x"), 0);
	assert_int_equal(p.len, 3);
	assert_pair(&p, 0, "", "1");
	assert_pair(&p, 1, "a", "");
	assert_pair(&p, 2, "b", "=x");
}

static void test_query_appends(void **state)
{
	web_pairs p = { 0 };
	assert_int_equal(web_query_parse(&p, *state, "a=1", 3), 0);
	assert_int_equal(web_query_parse(&p, *state, "a=2&b=3", 7), 0);
	assert_int_equal(p.len, 3);
	assert_pair(&p, 1, "a", "2");
}

static void test_query_length_not_nul(void **state)
{
	web_pairs p = { 0 };
	/* Only len bytes count; the rest of the buffer is not part of the query. */
	assert_int_equal(web_query_parse(&p, *state, "a=1&b=2", 3), 0);
	assert_int_equal(p.len, 1);
	assert_pair(&p, 0, "a", "1");
}

static void test_query_nul_in_value(void **state)
{
	web_pairs p;
	assert_int_equal(query(&p, *state, "name=admin%00x&b=%00"), 0);
	assert_int_equal(p.len, 2);
	assert_int_equal(p.items[0].value_len, 7);
	assert_memory_equal(p.items[0].value, "admin\0x", 8);
	assert_int_equal(p.items[1].value_len, 1);
	/* A C-string lookup must not hand out "admin" for "admin\0x". */
	assert_null(web_pairs_get(&p, "name"));
	assert_null(web_pairs_get(&p, "b"));
}

static void test_query_nul_in_name(void **state)
{
	web_pairs p;
	assert_int_equal(query(&p, *state, "a%00b=1"), WEFT_EINVALID);
}

static void test_query_pair_limit(void **state)
{
	buf b = BUF_INIT;
	web_pairs p = { 0 };
	for (int i = 0; i < WEB_PAIRS_MAX; i++)
		buf_printf(&b, "%sk%d=%d", i ? "&" : "", i, i);
	assert_int_equal(web_query_parse(&p, *state, b.ptr, b.len), 0);
	assert_int_equal(p.len, WEB_PAIRS_MAX);
	assert_string_equal(web_pairs_get(&p, "k999"), "999");

	buf_puts(&b, "&one=more");
	p = (web_pairs){ 0 };
	err_clear();
	assert_int_equal(web_query_parse(&p, *state, b.ptr, b.len), WEFT_ETOOLARGE);
	assert_true(strlen(err_msg()) > 0);
	assert_int_equal(p.len, 0);
	buf_dispose(&b);
}

static void test_query_limit_ignores_empty_pieces(void **state)
{
	buf b = BUF_INIT;
	web_pairs p = { 0 };
	for (int i = 0; i < 5000; i++)
		buf_puts(&b, "&");
	buf_puts(&b, "a=1");
	assert_int_equal(web_query_parse(&p, *state, b.ptr, b.len), 0);
	assert_int_equal(p.len, 1);
	buf_dispose(&b);
}

/* ---- web_cookies_parse ---- */

static void test_cookies_simple(void **state)
{
	web_pairs p = { 0 };
	assert_int_equal(web_cookies_parse(&p, *state, "a=1; b=2;c=3"), 0);
	assert_int_equal(p.len, 3);
	assert_pair(&p, 0, "a", "1");
	assert_pair(&p, 1, "b", "2");
	assert_pair(&p, 2, "c", "3");
}

static void test_cookies_spaces_and_quotes(void **state)
{
	web_pairs p = { 0 };
	assert_int_equal(
	        web_cookies_parse(&p, *state, "  sid = \"abc def\" ;\ttheme=dark\t; q=\"\"; h=\"x"),
	        0);
	assert_int_equal(p.len, 4);
	assert_pair(&p, 0, "sid", "abc def");
	assert_pair(&p, 1, "theme", "dark");
	assert_pair(&p, 2, "q", "");
	assert_pair(&p, 3, "h", "\"x"); /* one quote only: taken as it is */
}

static void test_cookies_no_decoding(void **state)
{
	web_pairs p = { 0 };
	assert_int_equal(web_cookies_parse(&p, *state, "a=x%20y+z; b=c=d"), 0);
	assert_pair(&p, 0, "a", "x%20y+z");
	assert_pair(&p, 1, "b", "c=d");
}

static void test_cookies_malformed_pieces(void **state)
{
	web_pairs p = { 0 };
	assert_int_equal(
	        web_cookies_parse(&p, *state, ";;novalue; =anon; a b=1; \"q\"=2; ok=yes; ;=; x=;"),
	        0);
	assert_int_equal(p.len, 2);
	assert_pair(&p, 0, "ok", "yes");
	assert_pair(&p, 1, "x", "");
	assert_null(web_pairs_get(&p, "x"));
}

static void test_cookies_empty_and_null(void **state)
{
	web_pairs p = { 0 };
	assert_int_equal(web_cookies_parse(&p, *state, ""), 0);
	assert_int_equal(web_cookies_parse(&p, *state, NULL), 0);
	assert_int_equal(web_cookies_parse(&p, *state, "   ;  "), 0);
	assert_int_equal(p.len, 0);
}

static void test_cookies_limit(void **state)
{
	buf b = BUF_INIT;
	web_pairs p = { 0 };
	for (int i = 0; i <= WEB_PAIRS_MAX; i++)
		buf_printf(&b, "c%d=%d; ", i, i);
	assert_int_equal(web_cookies_parse(&p, *state, b.ptr), WEFT_ETOOLARGE);
	assert_int_equal(p.len, 0);
	buf_dispose(&b);
}

/* ---- web_pairs_get / list / bool ---- */

static void test_get_empty_is_absent(void **state)
{
	web_pairs p;
	assert_int_equal(query(&p, *state, "expand=&a=&a=2&b=x"), 0);
	assert_null(web_pairs_get(&p, "expand"));
	assert_null(web_pairs_get(&p, "missing"));
	assert_string_equal(web_pairs_get(&p, "a"), "2");
	assert_string_equal(web_pairs_get(&p, "b"), "x");
	assert_null(web_pairs_get(&p, "B"));
}

static void test_list_merges_repeats_and_commas(void **state)
{
	web_pairs p;
	const char **v;
	assert_int_equal(query(&p, *state, "fields=a,b&x=1&fields=c"), 0);
	assert_int_equal(web_pairs_list(&v, *state, &p, "fields"), 3);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "b");
	assert_string_equal(v[2], "c");
}

static void test_list_drops_empty_items(void **state)
{
	web_pairs p;
	const char **v;
	assert_int_equal(query(&p, *state, "f=,a,,b,&f=&f=,&f=c%2Cd&f=+e+,%00"), 0);
	assert_int_equal(web_pairs_list(&v, *state, &p, "f"), 5);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "b");
	assert_string_equal(v[2], "c");
	assert_string_equal(v[3], "d");
	assert_string_equal(v[4], "e");
}

static void test_list_absent(void **state)
{
	web_pairs p;
	const char **v = (const char **)&p;
	assert_int_equal(query(&p, *state, "a=1&f=&f=,,"), 0);
	assert_int_equal(web_pairs_list(&v, *state, &p, "f"), 0);
	assert_null(v);
	assert_int_equal(web_pairs_list(&v, *state, &p, "zz"), 0);
	assert_null(v);
}

static void check_bool(arena *a, const char *q, bool want)
{
	web_pairs p;
	bool v = !want;
	assert_int_equal(query(&p, a, q), 0);
	assert_int_equal(web_pairs_bool(&v, &p, "x", !want), 0);
	assert_int_equal(v, want);
}

static void test_bool_spellings(void **state)
{
	check_bool(*state, "x=true", true);
	check_bool(*state, "x=True", true);
	check_bool(*state, "x=1", true);
	check_bool(*state, "x=false", false);
	check_bool(*state, "x=False", false);
	check_bool(*state, "x=0", false);
	check_bool(*state, "x=&x=true", true);
}

static void test_bool_default(void **state)
{
	web_pairs p;
	bool v = false;
	assert_int_equal(query(&p, *state, "y=false&x="), 0);
	assert_int_equal(web_pairs_bool(&v, &p, "x", true), 0);
	assert_true(v);
	assert_int_equal(web_pairs_bool(&v, &p, "z", false), 0);
	assert_false(v);
}

static void test_bool_bad(void **state)
{
	static const char *bad[] = { "x=yes", "x=TRUE", "x=2", "x=true%00", "x=+true", "x=truex" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		web_pairs p;
		bool v;
		assert_int_equal(query(&p, *state, bad[i]), 0);
		err_clear();
		assert_int_equal(web_pairs_bool(&v, &p, "x", false), WEFT_EINVALID);
		assert_non_null(strstr(err_msg(), "'x'"));
	}
}

/* ---- web_multipart_parse ---- */

static int multipart(web_parts *out, arena *a, const char *ct, const char *body, size_t len)
{
	*out = (web_parts){ 0 };
	return web_multipart_parse(out, a, ct, body, len);
}

#define CT "multipart/form-data; boundary=XyZ"
#define BODY(s) s, sizeof(s) - 1

static void assert_part(const web_parts *p, size_t i, const char *name, const char *data,
                        size_t len)
{
	assert_true(i < p->len);
	assert_string_equal(p->items[i].name, name);
	assert_int_equal(p->items[i].len, len);
	assert_memory_equal(p->items[i].data, data, len);
}

static void test_multipart_fields(void **state)
{
	web_parts p;
	assert_int_equal(multipart(&p, *state, CT,
	                           BODY("--XyZ\r\n"
	                                "Content-Disposition: form-data; name=\"title\"\r\n"
	                                "\r\n"
	                                "Hello world\r\n"
	                                "--XyZ\r\n"
	                                "content-disposition: form-data; name=empty\r\n"
	                                "\r\n"
	                                "\r\n"
	                                "--XyZ--\r\n")),
	                 0);
	assert_int_equal(p.len, 2);
	assert_part(&p, 0, "title", "Hello world", 11);
	assert_null(p.items[0].filename);
	assert_null(p.items[0].content_type);
	assert_part(&p, 1, "empty", "", 0);
	assert_string_equal(web_parts_get(&p, "title")->data, "Hello world");
	assert_null(web_parts_get(&p, "nope"));
}

static void test_multipart_file(void **state)
{
	web_parts p;
	assert_int_equal(
	        multipart(&p, *state, CT,
	                  BODY("--XyZ\r\n"
	                       "Content-Disposition: form-data; name=\"upload\"; "
	                       "filename=\"a \\\"b\\\" C:\\dir\\x.png\"; filename*=UTF-8''x.png\r\n"
	                       "CONTENT-TYPE:   image/png  \r\n"
	                       "X-Other: ignored\r\n"
	                       "\r\n"
	                       "\x89PNG\r\n--XyZ--\r\n")),
	        0);
	assert_int_equal(p.len, 1);
	assert_part(&p, 0, "upload", "\x89PNG", 4);
	assert_string_equal(p.items[0].filename, "a \"b\" C:\\dir\\x.png");
	assert_string_equal(p.items[0].content_type, "image/png");
}

static void test_multipart_binary(void **state)
{
	static const char body[] = "--XyZ\r\n"
	                           "Content-Disposition: form-data; name=bin; filename=b.bin\r\n"
	                           "\r\n"
	                           "\0\r\n\r\n--XyZa\r\n--Xy\0\r\n-\r\n"
	                           "\r\n--XyZ--";
	static const char data[] = "\0\r\n\r\n--XyZa\r\n--Xy\0\r\n-\r\n";
	web_parts p;
	assert_int_equal(multipart(&p, *state, CT, body, sizeof body - 1), 0);
	assert_int_equal(p.len, 1);
	assert_part(&p, 0, "bin", data, sizeof data - 1);
	assert_string_equal(p.items[0].filename, "b.bin");
	assert_int_equal(p.items[0].data[p.items[0].len], '\0');
}

/* Bitbucket's POST /src marks executables and symlinks with x-attributes:"..." (a ':', not '='). */
static void test_multipart_disposition_params(void **state)
{
	web_parts p;
	assert_int_equal(
	        multipart(&p, *state, CT,
	                  BODY("--XyZ\r\n"
	                       "Content-Disposition: attachment; name=\"bin/run.sh\"; "
	                       "filename=\"run.sh\"; x-attributes:\"executable\"\r\n"
	                       "\r\n"
	                       "#!/bin/sh\r\n"
	                       "--XyZ\r\n"
	                       "Content-Disposition: form-data; name=l; X-Attributes=link\r\n"
	                       "\r\n"
	                       "target\r\n"
	                       "--XyZ\r\n"
	                       "Content-Disposition: form-data; name=\"a:b\"\r\n"
	                       "\r\n"
	                       "x\r\n"
	                       "--XyZ--\r\n")),
	        0);
	assert_int_equal(p.len, 3);
	assert_part(&p, 0, "bin/run.sh", "#!/bin/sh", 9);
	assert_string_equal(p.items[0].filename, "run.sh");
	assert_string_equal(web_part_param(*state, &p.items[0], "x-attributes"), "executable");
	assert_string_equal(web_part_param(*state, &p.items[1], "x-attributes"), "link");
	assert_string_equal(p.items[2].name, "a:b");
	assert_null(web_part_param(*state, &p.items[2], "x-attributes"));
	assert_string_equal(p.items[2].disposition, "form-data; name=\"a:b\"");
	web_part none = { .name = "n" };
	assert_null(web_part_param(*state, &none, "name"));
}

static void test_multipart_quoted_boundary(void **state)
{
	web_parts p;
	assert_int_equal(multipart(&p, *state, "multipart/form-data; boundary=\"a b:c;d\"",
	                           BODY("--a b:c;d\r\n"
	                                "Content-Disposition: form-data; name=x\r\n\r\n"
	                                "1\r\n--a b:c;d--")),
	                 0);
	assert_int_equal(p.len, 1);
	assert_part(&p, 0, "x", "1", 1);
}

static void test_multipart_boundary_among_params(void **state)
{
	static const char *types[] = {
		"multipart/form-data; charset=utf-8; boundary=XyZ; foo=bar",
		"Multipart/Form-Data;BOUNDARY=XyZ;charset=\"x;boundary=no\"",
		"multipart/form-data ; charset=\"utf-8\" ; boundary = \"XyZ\" ",
		"multipart/form-data; xboundary=no; boundary=XyZ; boundary=later",
	};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		web_parts p;
		assert_int_equal(multipart(&p, *state, types[i],
		                           BODY("--XyZ\r\n"
		                                "Content-Disposition: form-data; name=x\r\n\r\n"
		                                "1\r\n--XyZ--")),
		                 0);
		assert_int_equal(p.len, 1);
		assert_part(&p, 0, "x", "1", 1);
	}
}

static void test_multipart_missing_boundary(void **state)
{
	static const char *types[] = {
		"multipart/form-data",
		"multipart/form-data; charset=utf-8",
		"multipart/form-data; boundary=",
		"multipart/form-data; boundary=\"\"",
		"multipart/form-data; boundary",
		"multipart/form-data; xboundary=XyZ",
		"application/x-www-form-urlencoded; boundary=XyZ",
		"",
		NULL,
	};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		web_parts p;
		err_clear();
		assert_int_equal(multipart(&p, *state, types[i], BODY("--XyZ--")), WEFT_EINVALID);
		assert_true(strlen(err_msg()) > 0);
	}
}

static void test_multipart_long_boundary(void **state)
{
	web_parts p;
	char ct[200];
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%071d", 0);
	assert_int_equal(multipart(&p, *state, ct, BODY("--x--")), WEFT_EINVALID);
}

static void test_multipart_missing_final_boundary(void **state)
{
	web_parts p;
	err_clear();
	assert_int_equal(multipart(&p, *state, CT,
	                           BODY("--XyZ\r\n"
	                                "Content-Disposition: form-data; name=x\r\n\r\n"
	                                "1\r\n")),
	                 WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "closing"));
	assert_int_equal(p.len, 0);
	assert_int_equal(multipart(&p, *state, CT,
	                           BODY("--XyZ\r\n"
	                                "Content-Disposition: form-data; name=x\r\n\r\n"
	                                "1\r\n--XyZ\r\n"
	                                "Content-Disposition: form-data; name=y\r\n\r\n"
	                                "2\r\n--XyZ")),
	                 WEFT_EINVALID);
	assert_int_equal(p.len, 0);
}

static void test_multipart_no_opening_boundary(void **state)
{
	web_parts p;
	assert_int_equal(multipart(&p, *state, CT, BODY("")), WEFT_EINVALID);
	assert_int_equal(multipart(&p, *state, CT, NULL, 0), WEFT_EINVALID);
	assert_int_equal(multipart(&p, *state, CT, BODY("just text")), WEFT_EINVALID);
	assert_int_equal(multipart(&p, *state, CT, BODY("--XyZ")), WEFT_EINVALID);
	assert_int_equal(multipart(&p, *state, CT, BODY("--XyZabc\r\n")), WEFT_EINVALID);
}

static void test_multipart_empty_form(void **state)
{
	web_parts p;
	assert_int_equal(multipart(&p, *state, CT, BODY("--XyZ--\r\n")), 0);
	assert_int_equal(p.len, 0);
}

static void test_multipart_part_without_name(void **state)
{
	static const char *bodies[] = {
		"--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n1\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; filename=a.txt\r\n\r\n1\r\n--XyZ--",
		"--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--",
		"--XyZ\r\n\r\n1\r\n--XyZ--",
		"--XyZ\r\n\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name*=UTF-8''x\r\n\r\n1\r\n--XyZ--",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		web_parts p;
		assert_int_equal(multipart(&p, *state, CT, bodies[i], strlen(bodies[i])),
		                 WEFT_EINVALID);
	}
}

static void test_multipart_bad_headers(void **state)
{
	static const char *bodies[] = {
		"--XyZ\r\nContent-Disposition form-data; name=x\r\n\r\n1\r\n--XyZ--",
		("--XyZ\r\nContent-Disposition: form-data; name=x\r\n"
		 "Content-Disposition: form-data; name=y\r\n\r\n1\r\n--XyZ--"),
		"--XyZ\r\nContent-Disposition: form-data; name=x\r\n1\r\n--XyZ--",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		web_parts p;
		assert_int_equal(multipart(&p, *state, CT, bodies[i], strlen(bodies[i])),
		                 WEFT_EINVALID);
	}
	static const char nul[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\n"
	                          "1\r\n--XyZ--";
	web_parts p;
	assert_int_equal(multipart(&p, *state, CT, nul, sizeof nul - 1), WEFT_EINVALID);
}

static void test_multipart_preamble_epilogue(void **state)
{
	web_parts p;
	assert_int_equal(multipart(&p, *state, CT,
	                           BODY("This is the preamble --XyZ not a boundary.\r\n"
	                                "--XyZ \t\r\n"
	                                "Content-Disposition: form-data; name=a\r\n\r\n"
	                                "1\r\n"
	                                "--XyZ\r\n"
	                                "Content-Disposition: form-data; name=b\r\n\r\n"
	                                "2\r\n"
	                                "--XyZ--\r\n"
	                                "epilogue\r\n--XyZ\r\nContent-Disposition: x\r\n\r\n")),
	                 0);
	assert_int_equal(p.len, 2);
	assert_part(&p, 0, "a", "1", 1);
	assert_part(&p, 1, "b", "2", 1);
}

static void test_multipart_part_limit(void **state)
{
	buf b = BUF_INIT;
	web_parts p;
	for (int i = 0; i < WEB_PAIRS_MAX; i++)
		buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=f%d\r\n\r\n%d\r\n", i,
		           i);
	size_t len = b.len;
	buf_puts(&b, "--XyZ--");
	assert_int_equal(multipart(&p, *state, CT, b.ptr, b.len), 0);
	assert_int_equal(p.len, WEB_PAIRS_MAX);
	assert_string_equal(web_parts_get(&p, "f999")->data, "999");

	buf_truncate(&b, len);
	buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=more\r\n\r\nx\r\n--XyZ--");
	assert_int_equal(multipart(&p, *state, CT, b.ptr, b.len), WEFT_ETOOLARGE);
	assert_int_equal(p.len, 0);
	buf_dispose(&b);
}

static void test_multipart_header_limit(void **state)
{
	buf b = BUF_INIT;
	web_parts p;
	buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=x\r\nX-Pad: ");
	for (int i = 0; i < 10000; i++)
		buf_putc(&b, 'a');
	buf_puts(&b, "\r\n\r\n1\r\n--XyZ--");
	err_clear();
	assert_int_equal(multipart(&p, *state, CT, b.ptr, b.len), WEFT_ETOOLARGE);
	assert_true(strlen(err_msg()) > 0);
	buf_dispose(&b);
}

static void test_multipart_many_params_linear(void **state)
{
	/* Thousands of parameters and near-boundaries must neither fail nor take quadratic time. */
	buf ct = BUF_INIT, body = BUF_INIT;
	web_parts p;
	buf_puts(&ct, "multipart/form-data");
	for (int i = 0; i < 5000; i++)
		buf_puts(&ct, "; a=\"\"");
	buf_puts(&ct, "; boundary=XyZ");
	buf_puts(&body, "--XyZ\r\nContent-Disposition: form-data; name=x\r\n\r\n");
	for (int i = 0; i < 100000; i++)
		buf_puts(&body, "\r\n--XyZ?");
	buf_puts(&body, "\r\n--XyZ--");
	assert_int_equal(multipart(&p, *state, ct.ptr, body.ptr, body.len), 0);
	assert_int_equal(p.len, 1);
	assert_int_equal(p.items[0].len, 100000 * 8);
	buf_dispose(&ct);
	buf_dispose(&body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_query_simple),
		T(test_query_plus_is_space),
		T(test_query_percent_escapes),
		T(test_query_escaped_separators),
		T(test_query_bad_escapes),
		T(test_query_error_leaves_list),
		T(test_query_repeated_keys),
		T(test_query_key_without_equals),
		T(test_query_empty_pieces),
		T(test_query_empty_name_and_value),
		T(test_query_appends),
		T(test_query_length_not_nul),
		T(test_query_nul_in_value),
		T(test_query_nul_in_name),
		T(test_query_pair_limit),
		T(test_query_limit_ignores_empty_pieces),
		T(test_cookies_simple),
		T(test_cookies_spaces_and_quotes),
		T(test_cookies_no_decoding),
		T(test_cookies_malformed_pieces),
		T(test_cookies_empty_and_null),
		T(test_cookies_limit),
		T(test_get_empty_is_absent),
		T(test_list_merges_repeats_and_commas),
		T(test_list_drops_empty_items),
		T(test_list_absent),
		T(test_bool_spellings),
		T(test_bool_default),
		T(test_bool_bad),
		T(test_multipart_fields),
		T(test_multipart_file),
		T(test_multipart_binary),
		T(test_multipart_disposition_params),
		T(test_multipart_quoted_boundary),
		T(test_multipart_boundary_among_params),
		T(test_multipart_missing_boundary),
		T(test_multipart_long_boundary),
		T(test_multipart_missing_final_boundary),
		T(test_multipart_no_opening_boundary),
		T(test_multipart_empty_form),
		T(test_multipart_part_without_name),
		T(test_multipart_bad_headers),
		T(test_multipart_preamble_epilogue),
		T(test_multipart_part_limit),
		T(test_multipart_header_limit),
		T(test_multipart_many_params_linear),
#undef T
	};
	return cmocka_run_group_tests_name("web/form", tests, NULL, NULL);
}
