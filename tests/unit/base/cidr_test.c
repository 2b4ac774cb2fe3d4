/* Tests of src/base/cidr.c: address lists parse (addresses, networks, IPv4 and IPv6, commas or
 * spaces), refuse what is not an address, and match by prefix, v4-mapped IPv6 as IPv4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "base/cidr.h"
#include "base/err.h"

static void lists_parse_and_match(void **state)
{
	(void)state;
	cidr_list l;
	assert_int_equal(cidr_list_parse(&l, "127.0.0.2, 10.9.0.0/16 fd00::/8,192.0.2.128/25"), 0);
	assert_int_equal(l.n, 4);
	assert_true(cidr_list_contains(&l, "127.0.0.2"));
	assert_false(cidr_list_contains(&l, "127.0.0.3"));
	assert_true(cidr_list_contains(&l, "10.9.255.1"));
	assert_false(cidr_list_contains(&l, "10.10.0.1"));
	assert_true(cidr_list_contains(&l, "fd12::1"));
	assert_false(cidr_list_contains(&l, "fe80::1"));
	assert_true(cidr_list_contains(&l, "192.0.2.200"));
	assert_false(cidr_list_contains(&l, "192.0.2.100"));
	assert_true(cidr_list_contains(&l, "::ffff:10.9.1.1")); /* v4-mapped */
	assert_false(cidr_list_contains(&l, "not an address"));
	assert_false(cidr_list_contains(&l, ""));
	cidr_list_dispose(&l);
	assert_int_equal(cidr_list_parse(&l, ""), 0);
	assert_int_equal(l.n, 0);
	assert_false(cidr_list_contains(&l, "127.0.0.1"));
	cidr_list_dispose(&l);
}

static void bad_entries_are_refused(void **state)
{
	(void)state;
	const char *bad[] = { "localhost",  "10.0.0.0/33",   "::1/129",    "10.0.0.0/",
		              "10.0.0.0/x", "1.2.3.4, nope", "10.0.0.0/-1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cidr_list l;
		assert_int_equal(cidr_list_parse(&l, bad[i]), WEFT_EINVALID);
		assert_int_equal(l.n, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lists_parse_and_match),
		cmocka_unit_test(bad_entries_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
