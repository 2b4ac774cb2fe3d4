/* libFuzzer target: the query of the authorization endpoint (GET /site/oauth2/authorize), parsed
 * and validated as the router does (hub_oauth_authorize_params), then the redirect rule of B.1
 * against a fixed callback, the redirect error and the answer's location. Checks: a redirect URI
 * allowed extends the callback and carries no fragment, backslash or control character, and the
 * location built from it starts with it and adds only escaped query fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "hub/oauth/consumer.h"
#include "hub/oauth/oauth.h"
#include "web/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

static const char *const callback = "https://example.com/add-on";

/* The router's check of the declared parameters: 0 when every one passes. */
static int check_params(const web_pairs *query)
{
	for (const web_param_spec *p = hub_oauth_authorize_params; p->name; p++) {
		const char *value = web_pairs_get(query, p->name);
		if (!value && p->required)
			return -1;
		if (value && p->check && p->check(value) < 0)
			return -1;
	}
	return 0;
}

static void check_location(const char *target, const web_pairs *query)
{
	const char *error = hub_oauth_authorize_error(
	        web_pairs_get(query, "response_type"), web_pairs_get(query, "code_challenge"),
	        web_pairs_get(query, "code_challenge_method"));
	buf location = BUF_INIT;
	hub_oauth_redirect_location(&location, target, error ? "error" : "code",
	                            error ? error : "0123abcd", web_pairs_get(query, "state"));
	const char *l = buf_cstr(&location);
	CHECK(strncmp(l, target, strlen(target)) == 0);
	for (const char *p = l + strlen(target); *p; p++)
		CHECK((unsigned char)*p > ' ' && *p != '#' && *p != '\\' &&
		      (unsigned char)*p < 0x7f);
	buf_dispose(&location);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	web_pairs query = { 0 };
	if (web_query_parse(&query, a, (const char *)data, size) == 0 &&
	    check_params(&query) == 0) {
		const char *redirect = web_pairs_get(&query, "redirect_uri");
		bool allowed = !redirect || hub_oauth_redirect_allowed(callback, redirect);
		if (redirect && allowed) {
			CHECK(strncmp(redirect, callback, strlen(callback)) == 0);
			CHECK(!strchr(redirect, '#') && !strchr(redirect, '\\') &&
			      !strstr(redirect, "/../"));
			for (const char *p = redirect; *p; p++)
				CHECK((unsigned char)*p > ' ' && (unsigned char)*p != 0x7f);
		}
		if (allowed)
			check_location(redirect ? redirect : callback, &query);
	}
	arena_free(a);
	return 0;
}
