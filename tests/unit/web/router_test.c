/* Tests of src/web/router.c: patterns, segment-wise decoding, trailing slashes, 404 and 405. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/err.h"
#include "web/router.h"

static int dummy(web_request *req, web_response *res)
{
	(void)req;
	(void)res;
	return 0;
}

static const web_route routes[] = {
	{ "GET", "/", dummy, 0, 0, 0, NULL, NULL, NULL },
	{ "GET", "/status", dummy, 0, 0, 0, NULL, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}", dummy, 0, 0, 0, NULL, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}", dummy, 0, 0, 0, NULL, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}", dummy, 0, 0, 0, NULL, NULL, NULL },
	{ "DELETE", "/2.0/repositories/{workspace}/{repo_slug}", dummy, 0, 0, 0, NULL, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/src/{commit}/{path...}", dummy, 0, 0, 0,
	  NULL, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/refs/branches/{name}", dummy, 0, 0, 0,
	  NULL, NULL, NULL },
	{ "GET", "/{workspace}/{repo}.git/info/refs", dummy, 0, 0, 0, NULL, NULL, NULL },
	{ "GET", "/{workspace}/{repo}/info/refs", dummy, 0, 0, 0, NULL, NULL, NULL },
};

static web_router *router;
static arena *pool;

static int setup(void **state)
{
	(void)state;
	pool = arena_new();
	return web_router_new(&router, routes, sizeof routes / sizeof routes[0]);
}

static int teardown(void **state)
{
	(void)state;
	web_router_free(router);
	arena_free(pool);
	return 0;
}

static const char *param(const web_match *m, const char *name)
{
	for (size_t i = 0; i < m->nparams; i++)
		if (strcmp(m->names[i], name) == 0)
			return m->values[i];
	return NULL;
}

static web_match_result match(web_match *m, const char *method, const char *path)
{
	return web_router_match(m, router, pool, method, path);
}

static void literal_routes_match(void **state)
{
	(void)state;
	web_match m;
	assert_int_equal(match(&m, "GET", "/"), WEB_MATCH_OK);
	assert_ptr_equal(m.route, &routes[0]);
	assert_int_equal(match(&m, "GET", "/status"), WEB_MATCH_OK);
	assert_ptr_equal(m.route, &routes[1]);
	assert_false(m.trailing_slash);
}

static void trailing_slash_is_tolerated(void **state)
{
	(void)state;
	web_match m;
	assert_int_equal(match(&m, "GET", "/status/"), WEB_MATCH_OK);
	assert_ptr_equal(m.route, &routes[1]);
	assert_true(m.trailing_slash);
	assert_int_equal(match(&m, "GET", "/2.0/repositories/ws/"), WEB_MATCH_OK);
	assert_string_equal(param(&m, "workspace"), "ws");
	assert_int_equal(match(&m, "GET", "/status//"), WEB_MATCH_NO_PATH);
}

static void parameters_are_decoded_per_segment(void **state)
{
	(void)state;
	web_match m;
	assert_int_equal(match(&m, "GET", "/2.0/repositories/%7Bab-12%7D/my%20repo"), WEB_MATCH_OK);
	assert_ptr_equal(m.route, &routes[4]);
	assert_string_equal(param(&m, "workspace"), "{ab-12}");
	assert_string_equal(param(&m, "repo_slug"), "my repo");
	assert_int_equal(match(&m, "GET", "/2.0/repositories/ws/r/refs/branches/feature%2Fx"),
	                 WEB_MATCH_OK);
	assert_string_equal(param(&m, "name"), "feature/x");
	/* a literal '/' is a separator, so this is one segment too many for the branch route */
	assert_int_equal(match(&m, "GET", "/2.0/repositories/ws/r/refs/branches/feature/x"),
	                 WEB_MATCH_NO_PATH);
	/* '+' is not a space in a path */
	assert_int_equal(match(&m, "GET", "/2.0/repositories/a+b"), WEB_MATCH_OK);
	assert_string_equal(param(&m, "workspace"), "a+b");
}

static void rest_parameter_takes_the_rest(void **state)
{
	(void)state;
	web_match m;
	const char *base = "/2.0/repositories/ws/r/src/";
	char path[256];
	snprintf(path, sizeof path, "%s%s", base, "main/dir%2Fsub/file%20%C3%A9.txt");
	assert_int_equal(match(&m, "GET", path), WEB_MATCH_OK);
	assert_string_equal(param(&m, "commit"), "main");
	assert_string_equal(param(&m, "path"), "dir/sub/file \xc3\xa9.txt");
	snprintf(path, sizeof path, "%s%s", base, "feature%2Fx/");
	assert_int_equal(match(&m, "GET", path), WEB_MATCH_OK);
	assert_string_equal(param(&m, "commit"), "feature/x");
	assert_string_equal(param(&m, "path"), "");
	assert_true(m.trailing_slash);
	/* deeper than any pattern: the rest parameter still takes it all */
	char deep[2048] = "/2.0/repositories/ws/r/src/main";
	for (int i = 0; i < 60; i++)
		strcat(deep, "/d");
	assert_int_equal(match(&m, "GET", deep), WEB_MATCH_OK);
	assert_int_equal(strlen(param(&m, "path")), 60 * 2 - 1);
}

static void suffix_parameters(void **state)
{
	(void)state;
	web_match m;
	assert_int_equal(match(&m, "GET", "/ws/repo.git/info/refs"), WEB_MATCH_OK);
	assert_ptr_equal(m.route, &routes[8]);
	assert_string_equal(param(&m, "repo"), "repo");
	assert_int_equal(match(&m, "GET", "/ws/repo/info/refs"), WEB_MATCH_OK);
	assert_ptr_equal(m.route, &routes[9]);
	assert_string_equal(param(&m, "repo"), "repo");
	/* ".git" alone would leave the parameter empty: only the route without suffix takes it */
	assert_int_equal(match(&m, "GET", "/ws/.git/info/refs"), WEB_MATCH_OK);
	assert_ptr_equal(m.route, &routes[9]);
}

static void unknown_paths_and_methods(void **state)
{
	(void)state;
	web_match m;
	assert_int_equal(match(&m, "GET", "/nowhere"), WEB_MATCH_NO_PATH);
	assert_int_equal(match(&m, "GET", "/2.0/repositories"), WEB_MATCH_NO_PATH);
	assert_int_equal(match(&m, "POST", "/status"), WEB_MATCH_NO_METHOD);
	assert_string_equal(m.allow, "GET, HEAD");
	assert_int_equal(match(&m, "PUT", "/2.0/repositories/ws/r"), WEB_MATCH_NO_METHOD);
	assert_string_equal(m.allow, "POST, GET, HEAD, DELETE");
	assert_int_equal(match(&m, "HEAD", "/status"), WEB_MATCH_OK);
	assert_int_equal(match(&m, "DELETE", "/2.0/repositories/ws/r"), WEB_MATCH_OK);
	assert_ptr_equal(m.route, &routes[5]);
}

static void malformed_paths(void **state)
{
	(void)state;
	web_match m;
	assert_int_equal(match(&m, "GET", "/2.0/repositories/%zz"), WEB_MATCH_BAD_PATH);
	assert_int_equal(match(&m, "GET", "/2.0/repositories/%4"), WEB_MATCH_BAD_PATH);
	assert_int_equal(match(&m, "GET", "/2.0/repositories/a%00b"), WEB_MATCH_BAD_PATH);
	assert_int_equal(match(&m, "GET", "status"), WEB_MATCH_BAD_PATH);
	assert_int_equal(match(&m, "GET", "/2.0//ws"), WEB_MATCH_NO_PATH);
}

static void malformed_patterns_are_refused(void **state)
{
	(void)state;
	const char *bad[] = { "status",         "/a/{",    "/a/{}",
		              "/a/{rest...}/b", "/a/x{y}", "/a/{rest...}.git" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		web_route r = { "GET", bad[i], dummy, 0, 0, 0, NULL, NULL, NULL };
		web_router *out = NULL;
		if (web_router_new(&out, &r, 1) != WEFT_EINVALID)
			fail_msg("pattern %s was accepted", bad[i]);
		assert_non_null(strstr(err_msg(), bad[i]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literal_routes_match),
		cmocka_unit_test(trailing_slash_is_tolerated),
		cmocka_unit_test(parameters_are_decoded_per_segment),
		cmocka_unit_test(rest_parameter_takes_the_rest),
		cmocka_unit_test(suffix_parameters),
		cmocka_unit_test(unknown_paths_and_methods),
		cmocka_unit_test(malformed_paths),
		cmocka_unit_test(malformed_patterns_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
