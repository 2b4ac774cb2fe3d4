/* Tests of src/hub/oauth/consumer.c and token.c on both engines: the redirect rule of B.1, the
 * consumer rules, the secret that comes out once (only its digest stored), client
 * authentication, codes (single use, expiry, binding to client, redirect URI and PKCE), access
 * and refresh tokens, client credentials, and the ends of grants and tokens (revoke, regenerate,
 * delete). */
#include "../hub_env.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/password.h"
#include "hub/hub_perm.h"
#include "hub/oauth/consumer.h"
#include "hub/oauth/token.h"

typedef hub_env env;

static const char *const callback = "https://example.com/add-on";

static oauth_consumer must_make(env *e, const char *workspace, const char *name, const char *scopes,
                                bool is_private, char secret[OAUTH_SECRET_LEN + 1])
{
	oauth_consumer_fields f = { name, "", callback, "", is_private, scopes };
	oauth_consumer c;
	if (hub_oauth_consumer_create_in(e->c, e->a, workspace, &f, secret, &c) < 0)
		fail_msg("creating consumer %s: %s", name, err_msg());
	return c;
}

static void redirects_must_extend_the_callback(void **state)
{
	(void)state;
	const char *allowed[] = { "https://example.com/add-on",
		                  "https://example.com/add-on/function",
		                  "https://example.com/add-on?x=1" };
	const char *refused[] = { "https://example.com/add-onx",
		                  "https://example.com/add-on.evil.com/",
		                  "https://example.com/add-on/../admin",
		                  "https://example.com/add-on/#frag",
		                  "https://example.com/add-on/a b",
		                  "https://example.com/add-on\\@evil",
		                  "https://example.com/add",
		                  "http://example.com/add-on",
		                  "" };
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (!hub_oauth_redirect_allowed(callback, allowed[i]))
			fail_msg("%s was refused", allowed[i]);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		if (hub_oauth_redirect_allowed(callback, refused[i]))
			fail_msg("%s was allowed", refused[i]);
	assert_true(hub_oauth_redirect_allowed("https://x.example/cb?a=1",
	                                       "https://x.example/cb?a=1&b=2"));
}

static void consumer_fields_are_checked(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *scopes = NULL;
	oauth_consumer_fields f = {
		"Jira DVCS", "", callback, "", false, "webhook account repository:admin account"
	};
	assert_int_equal(hub_oauth_consumer_check(a, &f, &scopes), 0);
	assert_string_equal(scopes, "account repository:admin webhook");
	f.name = "";
	assert_int_equal(hub_oauth_consumer_check(a, &f, &scopes), WEFT_EINVALID);
	f.name = "ok";
	f.callback_url = "ftp://example.com";
	assert_int_equal(hub_oauth_consumer_check(a, &f, &scopes), WEFT_EINVALID);
	f.callback_url = "https://example.com/#x";
	assert_int_equal(hub_oauth_consumer_check(a, &f, &scopes), WEFT_EINVALID);
	f.callback_url = callback;
	f.scopes = "repository:read";
	assert_int_equal(hub_oauth_consumer_check(a, &f, &scopes), WEFT_EINVALID);
	f.scopes = " ";
	assert_int_equal(hub_oauth_consumer_check(a, &f, &scopes), WEFT_EINVALID);
	arena_free(a);
}

static void the_secret_comes_out_once_and_authenticates_the_client(void **state)
{
	env e = hub_env_begin(state);
	hub_env_user(&e, "alice", "alice@example.com", NULL);
	char secret[OAUTH_SECRET_LEN + 1], digest[65];
	oauth_consumer c = must_make(&e, "alice", "Jira DVCS", "account", false, secret);
	assert_int_equal(strlen(c.key), OAUTH_KEY_LEN);
	assert_int_equal(strspn(secret, "0123456789abcdef"), OAUTH_SECRET_LEN);
	password_token_digest(digest, secret, strlen(secret));
	assert_int_equal(
	        hub_env_scalar(&e, "SELECT COUNT(*) FROM oauth_consumers WHERE secret_hash = $1",
	                       db_text(digest)),
	        1);
	assert_int_equal(
	        hub_env_scalar(&e, "SELECT COUNT(*) FROM oauth_consumers WHERE secret_hash = $1",
	                       db_text(secret)),
	        0);
	oauth_consumer found;
	assert_int_equal(hub_oauth_client_authenticate(e.c, e.a, c.key, secret, &found), 0);
	assert_int_equal(found.id, c.id);
	assert_int_equal(hub_oauth_client_authenticate(e.c, e.a, c.key, "wrong", &found),
	                 WEFT_EAUTH);
	assert_int_equal(hub_oauth_client_authenticate(e.c, e.a, "nope", secret, &found),
	                 WEFT_EAUTH);
	char again[OAUTH_SECRET_LEN + 1];
	oauth_consumer_fields f = { "JIRA dvcs", "", callback, "", false, "account" };
	oauth_consumer dup;
	assert_int_equal(hub_oauth_consumer_create_in(e.c, e.a, "alice", &f, again, &dup),
	                 WEFT_EEXISTS);
	hub_env_end(&e);
}

/* A code for user through consumer c, as the consent page makes one. */
static void must_code(env *e, const oauth_consumer *c, int64_t user_id, const char *redirect,
                      const char *challenge, char code[OAUTH_SECRET_LEN + 1])
{
	int64_t grant_id = 0;
	if (hub_oauth_grant_give(e->c, c, user_id, &grant_id) < 0 ||
	    hub_oauth_code_issue(e->c, grant_id, redirect, challenge, code) < 0)
		fail_msg("issuing a code: %s", err_msg());
}

static void codes_are_single_use_bound_and_short_lived(void **state)
{
	env e = hub_env_begin(state);
	hub_user alice = hub_env_user(&e, "alice", "alice@example.com", NULL);
	char secret[OAUTH_SECRET_LEN + 1], code[OAUTH_SECRET_LEN + 1];
	oauth_consumer c = must_make(&e, "alice", "one", "account repository", false, secret);
	oauth_consumer other = must_make(&e, "alice", "two", "account", false, secret);
	oauth_token_pair pair;
	must_code(&e, &c, alice.id, "", "", code);
	assert_int_equal(hub_oauth_code_redeem(e.c, &other, code, NULL, NULL, &pair),
	                 WEFT_ENOTFOUND);
	assert_int_equal(
	        hub_oauth_code_redeem(e.c, &c, code, "https://example.com/add-on/x", NULL, &pair),
	        WEFT_ENOTFOUND);
	assert_int_equal(hub_oauth_code_redeem(e.c, &c, code, NULL, NULL, &pair), 0);
	assert_int_equal(pair.user_id, alice.id);
	assert_string_equal(pair.scopes, "account repository");
	assert_int_equal(hub_oauth_code_redeem(e.c, &c, code, NULL, NULL, &pair), WEFT_ENOTFOUND);

	must_code(&e, &c, alice.id, "https://example.com/add-on/x", "", code);
	assert_int_equal(hub_oauth_code_redeem(e.c, &c, code, NULL, NULL, &pair), WEFT_ENOTFOUND);
	must_code(&e, &c, alice.id, "", "", code);
	db_exec(e.c, "UPDATE oauth_codes SET expires_at = 1", DB_END);
	assert_int_equal(hub_oauth_code_redeem(e.c, &c, code, NULL, NULL, &pair), WEFT_ENOTFOUND);

	const char *verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	char challenge[PASSWORD_SHA256_B64_LEN];
	password_sha256_base64url(challenge, verifier, strlen(verifier));
	assert_string_equal(challenge,
	                    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"); /* RFC 7636 */
	must_code(&e, &c, alice.id, "", challenge, code);
	assert_int_equal(hub_oauth_code_redeem(e.c, &c, code, NULL, NULL, &pair), WEFT_ENOTFOUND);
	must_code(&e, &c, alice.id, "", challenge, code);
	assert_int_equal(hub_oauth_code_redeem(e.c, &c, code, NULL,
	                                       "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXX",
	                                       &pair),
	                 WEFT_ENOTFOUND);
	must_code(&e, &c, alice.id, "", challenge, code);
	assert_int_equal(hub_oauth_code_redeem(e.c, &c, code, NULL, verifier, &pair), 0);
	hub_env_end(&e);
}

static void tokens_expire_refresh_and_end_with_their_grant(void **state)
{
	env e = hub_env_begin(state);
	hub_user alice = hub_env_user(&e, "alice", "alice@example.com", NULL);
	char secret[OAUTH_SECRET_LEN + 1], code[OAUTH_SECRET_LEN + 1];
	oauth_consumer c = must_make(&e, "alice", "one", "account", true, secret);
	oauth_token_pair pair, fresh;
	must_code(&e, &c, alice.id, "", "", code);
	assert_int_equal(hub_oauth_code_redeem(e.c, &c, code, NULL, NULL, &pair), 0);
	hub_user who;
	const char *scopes = NULL;
	int64_t grant_id = 0;
	assert_int_equal(
	        hub_oauth_token_authenticate(e.c, e.a, pair.access, &who, &scopes, &grant_id), 0);
	assert_int_equal(who.id, alice.id);
	assert_string_equal(scopes, "account");
	assert_int_equal(
	        hub_oauth_token_authenticate(e.c, e.a, pair.refresh, &who, &scopes, &grant_id),
	        WEFT_EAUTH);
	db_exec(e.c, "UPDATE oauth_tokens SET expires_at = 1 WHERE kind = 'access'", DB_END);
	assert_int_equal(
	        hub_oauth_token_authenticate(e.c, e.a, pair.access, &who, &scopes, &grant_id),
	        WEFT_EAUTH);
	assert_int_equal(hub_oauth_refresh(e.c, e.a, &c, pair.refresh, &fresh), 0);
	assert_string_equal(fresh.refresh, pair.refresh);
	assert_int_equal(
	        hub_oauth_token_authenticate(e.c, e.a, fresh.access, &who, &scopes, &grant_id), 0);

	assert_int_equal(hub_oauth_grant_revoke(e.c, alice.id, grant_id), 0);
	assert_int_equal(
	        hub_oauth_token_authenticate(e.c, e.a, fresh.access, &who, &scopes, &grant_id),
	        WEFT_EAUTH);
	assert_int_equal(hub_oauth_refresh(e.c, e.a, &c, pair.refresh, &fresh), WEFT_ENOTFOUND);
	assert_int_equal(hub_oauth_grant_revoke(e.c, alice.id, grant_id), WEFT_ENOTFOUND);

	assert_int_equal(hub_oauth_client_credentials(e.c, &c, &pair), 0);
	assert_int_equal(hub_oauth_consumer_regenerate_secret(e.c, c.workspace_id, c.id, secret),
	                 0);
	assert_int_equal(
	        hub_oauth_token_authenticate(e.c, e.a, pair.access, &who, &scopes, &grant_id),
	        WEFT_EAUTH);
	assert_int_equal(hub_oauth_client_credentials(e.c, &c, &pair), 0);
	assert_int_equal(hub_oauth_consumer_delete(e.c, c.workspace_id, c.id), 0);
	assert_int_equal(
	        hub_oauth_token_authenticate(e.c, e.a, pair.access, &who, &scopes, &grant_id),
	        WEFT_EAUTH);
	assert_int_equal(hub_env_scalar(&e, "SELECT COUNT(*) FROM oauth_grants WHERE user_id = $1",
	                                db_int(alice.id)),
	                 0);
	hub_env_end(&e);
}

static void client_credentials_need_a_private_consumer(void **state)
{
	env e = hub_env_begin(state);
	hub_user alice = hub_env_user(&e, "alice", "alice@example.com", NULL);
	char secret[OAUTH_SECRET_LEN + 1];
	oauth_consumer open = must_make(&e, "alice", "public", "account", false, secret);
	oauth_consumer own = must_make(&e, "alice", "private", "account", true, secret);
	oauth_token_pair pair;
	assert_int_equal(hub_oauth_client_credentials(e.c, &open, &pair), WEFT_EPERM);
	assert_int_equal(hub_oauth_client_credentials(e.c, &own, &pair), 0);
	assert_int_equal(pair.user_id, alice.id);
	hub_env_end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(redirects_must_extend_the_callback),
		cmocka_unit_test(consumer_fields_are_checked),
		cmocka_unit_test(the_secret_comes_out_once_and_authenticates_the_client),
		cmocka_unit_test(codes_are_single_use_bound_and_short_lived),
		cmocka_unit_test(tokens_expire_refresh_and_end_with_their_grant),
		cmocka_unit_test(client_credentials_need_a_private_consumer),
	};
	return fixture_run_service_tests("hub/oauth/oauth", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
