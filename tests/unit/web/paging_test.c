/* Tests of src/web/paging.c: offset paging (startAt, maxResults) clamped whatever the client
 * sends, and numbered paging (page, pagelen) refused outside its range. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "web/form.h"
#include "web/paging.h"
#include "web/web.h"

static int setup(void **state)
{
	web_request *req = calloc(1, sizeof *req);
	req->arena = arena_new();
	*state = req;
	return 0;
}

static int teardown(void **state)
{
	web_request *req = *state;
	arena_free(req->arena);
	free(req);
	return 0;
}

/* The request's query becomes s. */
static web_request *with_query(void **state, const char *s)
{
	web_request *req = *state;
	req->query = (web_pairs){ 0 };
	assert_int_equal(web_query_parse(&req->query, req->arena, s, strlen(s)), 0);
	return req;
}

static void assert_offset(void **state, const char *query, int64_t start, int64_t max)
{
	web_paging p;
	web_paging_offset(&p, with_query(state, query), 50, 100);
	assert_int_equal(p.start, start);
	assert_int_equal(p.max, max);
}

static void test_offset_defaults(void **state)
{
	assert_offset(state, "", 0, 50);
	assert_offset(state, "startAt=20&maxResults=10", 20, 10);
}

static void test_offset_zero_max_stays(void **state)
{
	assert_offset(state, "maxResults=0", 0, 0);
}

static void test_offset_clamps_huge_values(void **state)
{
	assert_offset(state, "startAt=9223372036854775807&maxResults=9223372036854775807",
	              WEB_PAGING_START_MAX, 100);
	assert_offset(state, "startAt=99999999999999999999999999", WEB_PAGING_START_MAX, 50);
	assert_offset(state, "startAt=2147483648", WEB_PAGING_START_MAX, 50);
	/* The sum that every list computes cannot overflow. */
	web_paging p;
	web_paging_offset(&p, with_query(state, "startAt=9223372036854775807&maxResults=100"), 50,
	                  100);
	assert_true(p.start + p.max > p.start);
}

static void test_offset_negative_and_garbage(void **state)
{
	assert_offset(state, "startAt=-5&maxResults=-1", 0, 50);
	assert_offset(state, "startAt=-99999999999999999999999", 0, 50);
	assert_offset(state, "startAt=abc&maxResults=1x", 0, 50);
	assert_offset(state, "startAt=&maxResults=", 0, 50);
}

static void test_start_alone(void **state)
{
	assert_int_equal(web_paging_start(with_query(state, "startAt=30")), 30);
	assert_int_equal(web_paging_start(with_query(state, "startAt=18446744073709551616")),
	                 WEB_PAGING_START_MAX);
	assert_int_equal(web_paging_start(with_query(state, "")), 0);
}

static void test_clamp(void **state)
{
	(void)state;
	web_paging p = { INT64_MIN, INT64_MIN };
	web_paging_clamp(&p, 50, 100);
	assert_int_equal(p.start, 0);
	assert_int_equal(p.max, 50);
	p = (web_paging){ INT64_MAX, INT64_MAX };
	web_paging_clamp(&p, 50, 100);
	assert_int_equal(p.start, WEB_PAGING_START_MAX);
	assert_int_equal(p.max, 100);
}

static void test_numbered(void **state)
{
	web_paging p;
	int64_t page = 0;
	assert_int_equal(web_paging_numbered(&p, &page, with_query(state, ""), 10, 100), 0);
	assert_int_equal(page, 1);
	assert_int_equal(p.start, 0);
	assert_int_equal(p.max, 10);
	assert_int_equal(
	        web_paging_numbered(&p, &page, with_query(state, "page=3&pagelen=25"), 10, 100), 0);
	assert_int_equal(page, 3);
	assert_int_equal(p.start, 50);
	assert_int_equal(p.max, 25);
	assert_int_equal(web_paging_numbered(&p, &page,
	                                     with_query(state, "page=1000000&pagelen=100000"), 10,
	                                     WEB_PAGING_CAP_MAX),
	                 0);
	assert_int_equal(p.start, WEB_PAGING_START_MAX);
}

static void test_numbered_refuses(void **state)
{
	const char *bad[] = {
		"page=0",    "page=-1",     "page=1000001", "page=9223372036854775808", "page=x",
		"pagelen=0", "pagelen=101", "pagelen=-3",   "page=1&pagelen=1.5"
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		web_paging p;
		int64_t page;
		assert_int_equal(web_paging_numbered(&p, &page, with_query(state, bad[i]), 10, 100),
		                 WEFT_EINVALID);
	}
	int64_t n;
	assert_int_equal(web_paging_page_number(&n, "1000001"), WEFT_EINVALID);
	assert_string_equal(err_msg(), "page must be a whole number from 1 to 1000000.");
	assert_int_equal(web_paging_page_length(&n, "500", 100), WEFT_EINVALID);
	assert_string_equal(err_msg(), "pagelen must be a whole number from 1 to 100.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_offset_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offset_zero_max_stays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offset_clamps_huge_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offset_negative_and_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbered_refuses, setup, teardown),
	};
	return cmocka_run_group_tests_name("web/paging", tests, NULL, NULL);
}
