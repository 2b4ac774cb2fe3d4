/* API tokens and personal access tokens: creation (the secret leaves only once), listing,
 * revocation, and the check that looks a secret up by its SHA-256. */
#include "track/account/token.h"

#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/str.h"
#include "base/token.h"
#include "db/secret.h"
#include "track/account/account.h"

static const char *const kind_names[] = { "api_token", "pat" };
static const char *const prefixes[] = { "tapi_", "tpat_" };

const char *track_token_kind_name(track_token_kind kind)
{
	return kind_names[kind == TRACK_TOKEN_PAT];
}

bool track_token_looks_like(const char *secret, track_token_kind kind)
{
	const char *prefix = prefixes[kind == TRACK_TOKEN_PAT];
	return strlen(secret) == TRACK_TOKEN_SECRET_LEN && str_starts_with(secret, prefix) &&
	       strspn(secret + 5, "0123456789abcdef") == 64;
}

/* The label's rule, and the cap on live tokens. */
static int check_new(db_conn *c, int64_t user_id, const char *label)
{
	if (!*label)
		return err_fail(WEFT_EINVALID, "Label: enter a label.");
	int rc = str_check_line("Label", label, TRACK_TOKEN_LABEL_MAX);
	db_stmt *st = NULL;
	if (rc == 0)
		rc = db_query(&st, c,
		              "SELECT COUNT(*) FROM api_tokens WHERE user_id = $1"
		              " AND revoked_at IS NULL",
		              db_int(user_id));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW)
		rc = db_col_int(st, 0) >= TRACK_TOKENS_PER_USER_MAX
		             ? err_fail(
		                       WEFT_EINVALID,
		                       "Tokens: you have %d already; revoke one you no longer use.",
		                       TRACK_TOKENS_PER_USER_MAX)
		             : 0;
	db_done(st);
	return rc;
}

int track_token_create(db_conn *c, arena *a, int64_t user_id, track_token_kind kind,
                       const char *label, char secret[TRACK_TOKEN_SECRET_LEN + 1], track_token *out)
{
	int rc = check_new(c, user_id, label);
	if (rc < 0)
		return rc;
	char fresh[TRACK_TOKEN_SECRET_LEN + 1], digest[65];
	memcpy(fresh, prefixes[kind == TRACK_TOKEN_PAT], 5);
	token_hex(fresh + 5, 32);
	password_token_digest(digest, fresh, TRACK_TOKEN_SECRET_LEN);
	track_token t = { .kind = kind,
		          .label = arena_strdup(a, label),
		          .created_at = clock_now_ms() };
	db_stmt *st;
	rc = db_query(&st, c,
	              "INSERT INTO api_tokens (user_id, kind, label, token_hash, created_at)"
	              " VALUES ($1, $2, $3, $4, $5) RETURNING id",
	              db_int(user_id), db_text(track_token_kind_name(kind)), db_text(label),
	              db_text(digest), db_int(t.created_at));
	if (rc == 0)
		rc = db_step_one(st, "The token was not stored.");
	if (rc == 0)
		t.id = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return rc;
	memcpy(secret, fresh, sizeof fresh);
	*out = t;
	return 0;
}

int track_token_list(db_conn *c, arena *a, int64_t user_id, track_token **out, size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, kind, label, created_at, COALESCE(last_used_at, 0)"
	                  " FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL"
	                  " ORDER BY created_at DESC, id DESC LIMIT $2",
	                  db_int(user_id), db_int(TRACK_TOKENS_PER_USER_MAX));
	track_token *items = arena_array(a, TRACK_TOKENS_PER_USER_MAX, sizeof *items);
	size_t len = 0;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		track_token *t = &items[len++];
		t->id = db_col_int(st, 0);
		t->kind =
		        strcmp(db_col_text(st, 1), "pat") == 0 ? TRACK_TOKEN_PAT : TRACK_TOKEN_API;
		t->label = arena_strdup(a, db_col_text(st, 2));
		t->created_at = db_col_int(st, 3);
		t->last_used_at = db_col_int(st, 4);
		rc = 0;
	}
	db_done(st);
	*out = items;
	*n = len;
	return rc < 0 ? rc : 0;
}

int track_token_revoke(db_conn *c, int64_t user_id, int64_t id)
{
	return db_secret_revoke(c,
	                        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2"
	                        " AND user_id = $3 AND revoked_at IS NULL",
	                        user_id, id, "Token: you have no such token.");
}

/* The live token of kind behind secret: its id and owner. WEFT_ENOTFOUND when there is none. */
static int find_live(db_conn *c, track_token_kind kind, const char *secret, int64_t *id,
                     int64_t *user_id)
{
	char digest[65];
	password_token_digest(digest, secret, strlen(secret));
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, user_id FROM api_tokens WHERE token_hash = $1 AND kind = $2"
	                  " AND revoked_at IS NULL",
	                  db_text(digest), db_text(track_token_kind_name(kind)));
	if (rc == 0)
		rc = db_step_one(st, "no such token");
	if (rc == 0) {
		*id = db_col_int(st, 0);
		*user_id = db_col_int(st, 1);
	}
	db_done(st);
	return rc;
}

static bool login_names(const track_user *u, const char *login)
{
	return !login || strcasecmp(login, u->email) == 0 || strcasecmp(login, u->username) == 0;
}

int track_token_authenticate(db_conn *c, arena *a, track_token_kind kind, const char *login,
                             const char *secret, track_user *out)
{
	int64_t id = 0, user_id = 0;
	track_user u;
	int rc = track_token_looks_like(secret, kind) ? find_live(c, kind, secret, &id, &user_id)
	                                              : WEFT_ENOTFOUND;
	if (rc == 0)
		rc = track_account_find_id(c, a, user_id, &u);
	if (rc == 0 && (!u.is_active || !login_names(&u, login)))
		rc = WEFT_ENOTFOUND;
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_EAUTH, kind == TRACK_TOKEN_PAT
		                                    ? "The token is invalid, revoked or expired."
		                                    : "Incorrect username or password.");
	if (rc == 0)
		rc = db_exec(c, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
		             db_int(clock_now_ms()), db_int(id));
	if (rc < 0)
		return rc;
	*out = u;
	return 0;
}
