/* libFuzzer target: the router's split and segment-wise decoding of request paths, against a
 * table shaped like the real ones (literals, parameters, suffixes, a rest parameter). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "web/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

static int handler(web_request *req, web_response *res)
{
	(void)req;
	(void)res;
	return 0;
}

static const web_route routes[] = {
	{ "GET", "/", handler, 0, 0, 0, NULL, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}", handler, 0, 0, 0, NULL, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/src/{commit}/{path...}", handler, 0, 0,
	  0, NULL, NULL, NULL },
	{ "POST", "/{workspace}/{repo}.git/git-upload-pack", handler, 0, 0, 0, NULL, NULL, NULL },
	{ "GET", "/static/{path...}", handler, 0, 0, 0, NULL, NULL, NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static web_router *router;
	if (!router && web_router_new(&router, routes, sizeof routes / sizeof routes[0]) != 0)
		abort();
	/* The server hands the router a NUL-terminated path: the fuzzer's bytes up to a NUL. */
	char *path = malloc(size + 1);
	memcpy(path, data, size);
	path[size] = '\0';
	arena *a = arena_new();
	const char *methods[] = { "GET", "POST", "HEAD" };
	web_match m;
	web_match_result r = web_router_match(&m, router, a, methods[size % 3], path);
	if (r == WEB_MATCH_OK) {
		CHECK(m.route != NULL);
		for (size_t i = 0; i < m.nparams; i++)
			CHECK(m.names[i] && m.values[i]);
	}
	if (r == WEB_MATCH_NO_METHOD)
		CHECK(m.allow[0] != '\0');
	arena_free(a);
	free(path);
	return 0;
}
