/* OAuth grants, codes and tokens: issuing them, exchanging codes and refresh tokens, the check
 * of an access token on every request, and the user's list of the applications they trust. */
#include "hub/oauth/token.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/token.h"

int hub_oauth_grant_give(db_conn *c, const oauth_consumer *consumer, int64_t user_id,
                         int64_t *grant_id)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "INSERT INTO oauth_grants (consumer_id, user_id, scopes, created_at)"
	                  " VALUES ($1, $2, $3, $4) ON CONFLICT (consumer_id, user_id)"
	                  " DO UPDATE SET scopes = excluded.scopes RETURNING id",
	                  db_int(consumer->id), db_int(user_id), db_text(consumer->f.scopes),
	                  db_int(clock_now_ms()));
	if (rc == 0)
		rc = db_step_one(st, "no grant");
	if (rc == 0)
		*grant_id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

/* A fresh random value and its digest. */
static void fresh_secret(char value[OAUTH_SECRET_LEN + 1], char digest[65])
{
	token_hex(value, OAUTH_SECRET_LEN / 2);
	password_token_digest(digest, value, OAUTH_SECRET_LEN);
}

/* The digest of what a client sent, "" for anything that is not one of ours. */
static void digest_of(char digest[65], const char *value)
{
	size_t len = value ? strlen(value) : 0;
	if (len != OAUTH_SECRET_LEN || strspn(value, "0123456789abcdef") != len)
		digest[0] = '\0';
	else
		password_token_digest(digest, value, len);
}

int hub_oauth_code_issue(db_conn *c, int64_t grant_id, const char *redirect_uri,
                         const char *code_challenge, char code[OAUTH_SECRET_LEN + 1])
{
	char digest[65];
	fresh_secret(code, digest);
	int rc = db_exec(
	        c,
	        "INSERT INTO oauth_codes (code_hash, grant_id, redirect_uri, code_challenge,"
	        " expires_at) VALUES ($1, $2, $3, $4, $5)",
	        db_text(digest), db_int(grant_id), db_text(redirect_uri), db_text(code_challenge),
	        db_int(clock_now_ms() + OAUTH_CODE_TTL_S * 1000));
	return rc < 0 ? rc : 0;
}

static int insert_token(db_conn *c, int64_t grant_id, const char *kind, char value[65],
                        int64_t expires_at)
{
	char digest[65];
	fresh_secret(value, digest);
	int rc = db_exec(c,
	                 "INSERT INTO oauth_tokens (grant_id, kind, token_hash, expires_at,"
	                 " created_at) VALUES ($1, $2, $3, $4, $5)",
	                 db_int(grant_id), db_text(kind), db_text(digest),
	                 expires_at ? db_int(expires_at) : db_null(), db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

static int issue_access(db_conn *c, int64_t grant_id, oauth_token_pair *out)
{
	return insert_token(c, grant_id, "access", out->access,
	                    clock_now_ms() + (int64_t)OAUTH_ACCESS_TTL_S * 1000);
}

static int issue_pair(db_conn *c, int64_t grant_id, oauth_token_pair *out)
{
	int rc = issue_access(c, grant_id, out);
	return rc < 0 ? rc : insert_token(c, grant_id, "refresh", out->refresh, 0);
}

/* What a code stands for. */
typedef struct code_row {
	int64_t grant_id, consumer_id, user_id, expires_at;
	bool used;
	const char *redirect_uri, *challenge, *scopes;
} code_row;

static int find_code(db_conn *c, arena *a, const char *digest, code_row *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT g.id, g.consumer_id, g.user_id, oc.expires_at,"
	                  " oc.used_at IS NOT NULL, oc.redirect_uri, oc.code_challenge, g.scopes"
	                  " FROM oauth_codes oc JOIN oauth_grants g ON g.id = oc.grant_id"
	                  " WHERE oc.code_hash = $1",
	                  db_text(digest));
	if (rc == 0)
		rc = db_step_one(st, "The authorization code is not valid.");
	if (rc == 0) {
		*out = (code_row){ db_col_int(st, 0),
			           db_col_int(st, 1),
			           db_col_int(st, 2),
			           db_col_int(st, 3),
			           db_col_int(st, 4) != 0,
			           arena_strdup(a, db_col_text(st, 5)),
			           arena_strdup(a, db_col_text(st, 6)),
			           arena_strdup(a, db_col_text(st, 7)) };
	}
	db_done(st);
	return rc;
}

/* RFC 6749 §4.1.3 and RFC 7636 §4.6: the redirect URI and the verifier of the authorization. */
static int check_binding(const oauth_consumer *consumer, const code_row *row,
                         const char *redirect_uri, const char *verifier)
{
	const char *expected = row->redirect_uri[0] ? row->redirect_uri : NULL;
	bool redirect_ok =
	        expected ? redirect_uri && strcmp(redirect_uri, expected) == 0
	                 : !redirect_uri || strcmp(redirect_uri, consumer->f.callback_url) == 0;
	if (!redirect_ok)
		return err_fail(WEFT_ENOTFOUND,
		                "The redirect_uri does not match the one of the authorization.");
	if (!row->challenge[0])
		return 0;
	char computed[PASSWORD_SHA256_B64_LEN];
	size_t len = verifier ? strlen(verifier) : 0;
	if (len < 43 || len > 128)
		return err_fail(WEFT_ENOTFOUND, "The code_verifier is missing or malformed.");
	password_sha256_base64url(computed, verifier, len);
	if (!password_equal(computed, row->challenge))
		return err_fail(WEFT_ENOTFOUND,
		                "The code_verifier does not match the code_challenge.");
	return 0;
}

int hub_oauth_code_redeem(db_conn *c, const oauth_consumer *consumer, const char *code,
                          const char *redirect_uri, const char *code_verifier,
                          oauth_token_pair *out)
{
	char digest[65];
	digest_of(digest, code);
	arena *a = arena_new();
	code_row row = { 0 };
	int rc = digest[0] ? find_code(c, a, digest, &row)
	                   : err_fail(WEFT_ENOTFOUND, "The authorization code is not valid.");
	if (rc == 0 && row.consumer_id != consumer->id)
		rc = err_fail(WEFT_ENOTFOUND,
		              "The authorization code was issued to another client.");
	if (rc == 0 && row.used)
		rc = err_fail(WEFT_ENOTFOUND, "The authorization code has been used already.");
	if (rc == 0 && row.expires_at <= clock_now_ms())
		rc = err_fail(WEFT_ENOTFOUND, "The authorization code has expired.");
	if (rc == 0)
		rc = check_binding(consumer, &row, redirect_uri, code_verifier);
	if (rc == 0) {
		rc = db_exec(c, "UPDATE oauth_codes SET used_at = $1 WHERE code_hash = $2",
		             db_int(clock_now_ms()), db_text(digest));
		rc = rc < 0 ? rc : issue_pair(c, row.grant_id, out);
	}
	if (rc == 0) {
		out->scopes = consumer->f.scopes;
		out->user_id = row.user_id;
	}
	arena_free(a);
	return rc;
}

/* The grant, user and scopes of a live token of kind whose digest this is (strings in a). */
static int find_token(db_conn *c, arena *a, const char *digest, const char *kind, int64_t *grant_id,
                      int64_t *user_id, int64_t *consumer_id, const char **scopes)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT g.id, g.user_id, g.consumer_id, g.scopes, t.token_hash"
	                  " FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id"
	                  " WHERE t.token_hash = $1 AND t.kind = $2"
	                  " AND (t.expires_at IS NULL OR t.expires_at > $3)",
	                  db_text(digest), db_text(kind), db_int(clock_now_ms()));
	if (rc == 0)
		rc = db_step_one(st, "no such token");
	/* The index found it; the digests are compared once more in constant time. */
	if (rc == 0 && !password_equal(db_col_text(st, 4), digest))
		rc = err_fail(WEFT_ENOTFOUND, "no such token");
	if (rc == 0) {
		*grant_id = db_col_int(st, 0);
		*user_id = db_col_int(st, 1);
		*consumer_id = db_col_int(st, 2);
		*scopes = arena_strdup(a, db_col_text(st, 3));
	}
	db_done(st);
	return rc;
}

int hub_oauth_refresh(db_conn *c, arena *a, const oauth_consumer *consumer,
                      const char *refresh_token, oauth_token_pair *out)
{
	char digest[65];
	digest_of(digest, refresh_token);
	int64_t grant_id = 0, user_id = 0, consumer_id = 0;
	const char *scopes = NULL;
	int rc = digest[0] ? find_token(c, a, digest, "refresh", &grant_id, &user_id, &consumer_id,
	                                &scopes)
	                   : WEFT_ENOTFOUND;
	if (rc == 0 && consumer_id != consumer->id)
		rc = WEFT_ENOTFOUND;
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_ENOTFOUND, "The refresh token is not valid.");
	if (rc == 0)
		rc = issue_access(c, grant_id, out);
	if (rc == 0) {
		memcpy(out->refresh, refresh_token, OAUTH_SECRET_LEN + 1);
		out->scopes = scopes;
		out->user_id = user_id;
	}
	return rc;
}

int hub_oauth_client_credentials(db_conn *c, const oauth_consumer *consumer, oauth_token_pair *out)
{
	if (!consumer->f.is_private)
		return err_fail(WEFT_EPERM,
		                "The client_credentials grant needs a private consumer.");
	if (!consumer->owner_user_id)
		return err_fail(WEFT_EPERM, "This consumer has no owner to act as.");
	int64_t grant_id = 0;
	int rc = hub_oauth_grant_give(c, consumer, consumer->owner_user_id, &grant_id);
	if (rc == 0)
		rc = issue_pair(c, grant_id, out);
	if (rc == 0) {
		out->scopes = consumer->f.scopes;
		out->user_id = consumer->owner_user_id;
	}
	return rc;
}

int hub_oauth_token_authenticate(db_conn *c, arena *a, const char *token, hub_user *user,
                                 const char **scopes, int64_t *grant_id)
{
	char digest[65];
	digest_of(digest, token);
	int64_t user_id = 0, consumer_id = 0;
	int rc = digest[0] ? find_token(c, a, digest, "access", grant_id, &user_id, &consumer_id,
	                                scopes)
	                   : WEFT_ENOTFOUND;
	if (rc == 0)
		rc = hub_account_find_id(c, a, user_id, user);
	if (rc == 0 && !user->is_active)
		rc = WEFT_ENOTFOUND;
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_EAUTH, "Access token expired or revoked.");
	return rc;
}

int hub_oauth_grant_list(db_conn *c, int64_t user_id, void (*fn)(void *ctx, const oauth_grant *g),
                         void *ctx)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT g.id, oc.name, oc.description, oc.url, w.slug, w.name, g.scopes,"
	                  " g.created_at FROM oauth_grants g"
	                  " JOIN oauth_consumers oc ON oc.id = g.consumer_id"
	                  " JOIN workspaces w ON w.id = oc.workspace_id"
	                  " WHERE g.user_id = $1 ORDER BY g.created_at DESC, g.id DESC",
	                  db_int(user_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		oauth_grant g = { db_col_int(st, 0),  db_col_text(st, 1), db_col_text(st, 2),
			          db_col_text(st, 3), db_col_text(st, 4), db_col_text(st, 5),
			          db_col_text(st, 6), db_col_int(st, 7) };
		fn(ctx, &g);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int hub_oauth_grant_revoke(db_conn *c, int64_t user_id, int64_t grant_id)
{
	int rc = db_exec(c, "DELETE FROM oauth_grants WHERE id = $1 AND user_id = $2",
	                 db_int(grant_id), db_int(user_id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND,
		                "Integrated application: you have not granted it access.");
	return rc < 0 ? rc : 0;
}
