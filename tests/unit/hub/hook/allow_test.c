/* Tests of src/hub/hook/allow.c: which webhook URLs are refused when saved, and which connected
 * addresses a delivery may use, under the default allow list and explicit ones. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "hub/hook/allow.h"
#include "hub/hook/hook_config.h"

static void configure(const char *allowed, const char *track_url)
{
	hub_hook_config cfg = { .base_url = "http://hub.example",
		                .allowed_hosts = allowed,
		                .track_url = track_url };
	hub_hook_configure(&cfg);
}

static bool allowed_v4(const char *host, const char *address)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	inet_pton(AF_INET, address, &in.sin_addr);
	return hub_hook_address_allowed(host, (const struct sockaddr *)&in);
}

static bool allowed_v6(const char *host, const char *address)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	inet_pton(AF_INET6, address, &in6.sin6_addr);
	return hub_hook_address_allowed(host, (const struct sockaddr *)&in6);
}

static void malformed_urls_are_refused(void **state)
{
	(void)state;
	configure("*", "");
	const char *bad[] = { "",
		              "file:///etc/passwd",
		              "ftp://example.com/x",
		              "gopher://example.com/",
		              "http://user:pw@example.com/x",
		              "http://user@example.com/x",
		              "http://example.com/x#frag",
		              "http:///nohost",
		              "http://exa mple.com/",
		              "javascript:alert(1)" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(hub_hook_check_url(bad[i]), WEFT_EINVALID);
	assert_int_equal(hub_hook_check_url("https://example.com/hooks?x=1"), 0);
	assert_int_equal(hub_hook_check_url("http://127.0.0.1:8080/x"), 0); /* "*" allows all */
}

static void the_default_allows_the_internet_and_the_track_host(void **state)
{
	(void)state;
	configure("", "http://127.0.0.1:8080");
	assert_int_equal(hub_hook_check_url("https://example.com/x"), 0);
	assert_int_equal(hub_hook_check_url("http://127.0.0.1:8080/rest/bitbucket"), 0);
	assert_int_equal(hub_hook_check_url("http://127.0.0.2/x"), WEFT_EINVALID);
	assert_int_equal(hub_hook_check_url("http://localhost/x"), 0); /* 127.0.0.1 is allowed */
	assert_int_equal(hub_hook_check_url("http://[::1]/x"), WEFT_EINVALID);
	assert_int_equal(hub_hook_check_url("http://10.0.0.1/x"), WEFT_EINVALID);
	assert_int_equal(hub_hook_check_url("http://192.168.0.10/x"), WEFT_EINVALID);
	assert_int_equal(hub_hook_check_url("http://169.254.169.254/latest"), WEFT_EINVALID);
	assert_int_equal(hub_hook_check_url("http://[fd00::1]/x"), WEFT_EINVALID);
	assert_int_equal(hub_hook_check_url("http://0.0.0.0/x"), WEFT_EINVALID);
	configure("", "");
	assert_int_equal(hub_hook_check_url("http://localhost/x"), WEFT_EINVALID);
	assert_int_equal(hub_hook_check_url("http://foo.localhost/x"), WEFT_EINVALID);
}

static void connected_addresses_are_checked(void **state)
{
	(void)state;
	configure("", "http://tracker.lan:8080");
	assert_true(allowed_v4("example.com", "93.184.216.34"));
	/* A public name that resolves to this machine (DNS rebinding) is refused. */
	assert_false(allowed_v4("example.com", "127.0.0.1"));
	assert_false(allowed_v4("example.com", "10.1.2.3"));
	assert_false(allowed_v6("example.com", "::1"));
	assert_false(allowed_v6("example.com", "::ffff:127.0.0.1"));
	assert_false(allowed_v4("example.com", "224.0.0.1"));
	/* The track URL's host is allowed by its name, whatever it resolves to. */
	assert_true(allowed_v4("tracker.lan", "192.168.1.5"));
	assert_true(allowed_v6("example.com", "2606:2800:220:1::1"));
}

static void explicit_lists(void **state)
{
	(void)state;
	configure("loopback", "");
	assert_true(allowed_v4("x", "127.0.0.1"));
	assert_false(allowed_v4("x", "93.184.216.34"));
	configure("private, *.corp.example", "");
	assert_true(allowed_v4("x", "10.9.8.7"));
	assert_true(allowed_v4("x", "172.16.0.1"));
	assert_false(allowed_v4("x", "172.32.0.1"));
	assert_true(allowed_v4("ci.corp.example", "93.184.216.34"));
	assert_false(allowed_v4("ci.corp.example.net", "93.184.216.34"));
	configure("10.0.0.0/8,fd00::/8", "");
	assert_true(allowed_v4("x", "10.200.0.1"));
	assert_false(allowed_v4("x", "11.0.0.1"));
	assert_true(allowed_v6("x", "fd12::1"));
	assert_false(allowed_v6("x", "fe80::1"));
	assert_int_equal(hub_hook_check_url("http://10.0.0.5/x"), 0);
	assert_int_equal(hub_hook_check_url("http://192.168.0.5/x"), WEFT_EINVALID);
	assert_int_equal(hub_hook_check_allow_list("external,10.0.0.0/8"), 0);
	assert_int_equal(hub_hook_check_allow_list("bad\x01entry"), WEFT_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(malformed_urls_are_refused),
		cmocka_unit_test(the_default_allows_the_internet_and_the_track_host),
		cmocka_unit_test(connected_addresses_are_checked),
		cmocka_unit_test(explicit_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
