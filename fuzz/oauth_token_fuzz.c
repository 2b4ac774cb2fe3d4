/* libFuzzer target: the body of a token request (POST /site/oauth2/access_token), parsed as an
 * urlencoded form and read by hub_oauth_token_request_read, checking what it promises: a request
 * it accepts names a supported grant and the field that grant needs; a refusal names RFC 6749's
 * error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "hub/oauth/oauth.h"
#include "web/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	web_pairs form = { 0 };
	hub_oauth_token_request in;
	if (web_query_parse(&form, a, (const char *)data, size) == 0) {
		if (hub_oauth_token_request_read(&form, &in) == 0) {
			CHECK(in.error == NULL);
			if (strcmp(in.grant_type, "authorization_code") == 0)
				CHECK(in.code && *in.code && strlen(in.code) <= 4096);
			else if (strcmp(in.grant_type, "refresh_token") == 0)
				CHECK(in.refresh_token && *in.refresh_token);
			else
				CHECK(strcmp(in.grant_type, "client_credentials") == 0);
		} else {
			CHECK(in.error && (strcmp(in.error, "invalid_request") == 0 ||
			                   strcmp(in.error, "unsupported_grant_type") == 0));
			CHECK(*err_msg());
		}
	}
	arena_free(a);
	return 0;
}
