/* App passwords: their rules, creation (the secret leaves only once), listing, revocation, and
 * the Basic-auth check that looks a secret up by its SHA-256. */
#include "hub/account/app_password.h"

#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/str.h"
#include "base/token.h"
#include "db/secret.h"
#include "hub/hub_perm.h"

/* Bitbucket's names; API routes check them against hub_viewer.scopes. */
const app_password_scope hub_app_password_scopes[] = {
	{ "account", "Account: read your profile and email addresses" },
	{ "repository:read", "Repositories: read and clone" },
	{ "repository:write", "Repositories: push" },
	{ "repository:admin", "Repositories: administer settings and permissions" },
	{ "repository:delete", "Repositories: delete" },
	{ "project", "Projects: read (and their repositories)" },
	{ "project:admin", "Projects: create, change and delete" },
	{ "pullrequest", "Pull requests: read" },
	{ "pullrequest:write", "Pull requests: create, comment, approve and merge" },
	{ "webhook", "Webhooks: read and write" },
	{ "team", "Workspace membership: read" },
	{ "team:write", "Workspace membership: write" },
	{ NULL, NULL },
};

int hub_app_password_check_label(const char *label)
{
	if (!*label)
		return err_fail(WEFT_EINVALID, "Label: enter a label.");
	return str_check_line("Label", label, APP_PASSWORD_LABEL_MAX);
}

int hub_app_password_parse_scopes(arena *a, const char *text, const char **out)
{
	return hub_scopes_parse(a, hub_app_password_scopes, text, out);
}

static int count_live(db_conn *c, int64_t user_id, int64_t *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT COUNT(*) FROM app_passwords WHERE user_id = $1"
	                  " AND revoked_at IS NULL",
	                  db_int(user_id));
	if (rc == 0)
		rc = db_step(st);
	*out = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int insert(db_conn *c, int64_t user_id, const char *label, const char *scopes,
                  const char *digest, int64_t now, int64_t *id)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c,
	        "INSERT INTO app_passwords (user_id, label, token_hash, scopes, created_at)"
	        " VALUES ($1, $2, $3, $4, $5) RETURNING id",
	        db_int(user_id), db_text(label), db_text(digest), db_text(scopes), db_int(now));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	return rc;
}

static int check_new(db_conn *c, arena *a, int64_t user_id, const char *label, const char *scopes,
                     const char **canonical)
{
	int64_t live = 0;
	int rc = hub_app_password_check_label(label);
	if (rc == 0)
		rc = hub_app_password_parse_scopes(a, scopes, canonical);
	if (rc == 0)
		rc = count_live(c, user_id, &live);
	if (rc == 0 && live >= APP_PASSWORD_PER_USER_MAX)
		rc = err_fail(WEFT_EINVALID,
		              "App passwords: you have %d already; revoke one you no longer use.",
		              APP_PASSWORD_PER_USER_MAX);
	return rc;
}

int hub_app_password_create(db_conn *c, arena *a, int64_t user_id, const char *label,
                            const char *scopes, char secret[APP_PASSWORD_SECRET_LEN + 1],
                            hub_app_password *out)
{
	const char *canonical = NULL;
	int rc = check_new(c, a, user_id, label, scopes, &canonical);
	if (rc < 0)
		return rc;
	char fresh[APP_PASSWORD_SECRET_LEN + 1], digest[65];
	token_hex(fresh, APP_PASSWORD_SECRET_LEN / 2);
	password_token_digest(digest, fresh, APP_PASSWORD_SECRET_LEN);
	hub_app_password p = { .label = arena_strdup(a, label),
		               .scopes = canonical,
		               .created_at = clock_now_ms() };
	if ((rc = insert(c, user_id, label, canonical, digest, p.created_at, &p.id)) < 0)
		return rc;
	memcpy(secret, fresh, sizeof fresh);
	*out = p;
	return 0;
}

#define APP_PASSWORD_SELECT \
	"SELECT id, label, scopes, created_at, COALESCE(last_used_at, 0) FROM app_passwords "

static void read_row(db_stmt *st, hub_app_password *out)
{
	out->id = db_col_int(st, 0);
	out->label = db_col_text(st, 1);
	out->scopes = db_col_text(st, 2);
	out->created_at = db_col_int(st, 3);
	out->last_used_at = db_col_int(st, 4);
}

int hub_app_password_list(db_conn *c, int64_t user_id,
                          void (*fn)(void *ctx, const hub_app_password *p), void *ctx)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  APP_PASSWORD_SELECT "WHERE user_id = $1 AND revoked_at IS NULL"
	                                      " ORDER BY created_at DESC, id DESC",
	                  db_int(user_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		hub_app_password p;
		read_row(st, &p);
		fn(ctx, &p);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int hub_app_password_revoke(db_conn *c, int64_t user_id, int64_t id)
{
	return db_secret_revoke(c,
	                        "UPDATE app_passwords SET revoked_at = $1 WHERE id = $2"
	                        " AND user_id = $3 AND revoked_at IS NULL",
	                        user_id, id, "App password: you have no such app password.");
}

int hub_app_password_find(db_conn *c, arena *a, int64_t user_id, const char *secret,
                          hub_app_password *out)
{
	char digest[65];
	password_token_digest(digest, secret, strlen(secret));
	db_stmt *st;
	int rc = db_query(&st, c,
	                  APP_PASSWORD_SELECT "WHERE user_id = $1 AND token_hash = $2"
	                                      " AND revoked_at IS NULL",
	                  db_int(user_id), db_text(digest));
	if (rc == 0)
		rc = db_step_one(st, "App password: no such app password.");
	if (rc == 0) {
		read_row(st, out);
		out->label = arena_strdup(a, out->label);
		out->scopes = arena_strdup(a, out->scopes);
	}
	db_done(st);
	return rc;
}

/* The live app password behind a secret, by digest alone: its id, owner and scopes. */
typedef struct live_secret {
	int64_t id, user_id;
	const char *scopes;
} live_secret;

static int find_secret(db_conn *c, arena *a, const char *secret, live_secret *out)
{
	size_t len = strlen(secret);
	if (len != APP_PASSWORD_SECRET_LEN || strspn(secret, "0123456789abcdef") != len)
		return WEFT_ENOTFOUND; /* not one of ours: nothing to look up */
	char digest[65];
	password_token_digest(digest, secret, len);
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, user_id, scopes FROM app_passwords WHERE token_hash = $1"
	                  " AND revoked_at IS NULL",
	                  db_text(digest));
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW) {
		out->id = db_col_int(st, 0);
		out->user_id = db_col_int(st, 1);
		out->scopes = arena_strdup(a, db_col_text(st, 2));
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = WEFT_ENOTFOUND;
	}
	db_done(st);
	return rc;
}

int hub_app_password_authenticate(db_conn *c, arena *a, const char *login, const char *secret,
                                  hub_user *out, const char **scopes)
{
	live_secret found = { 0 };
	hub_user user = { 0 };
	int rc = find_secret(c, a, secret, &found);
	if (rc == 0)
		rc = hub_account_find_login(c, a, login, &user, NULL);
	if (rc == 0 && (user.id != found.user_id || !user.is_active))
		rc = WEFT_ENOTFOUND;
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_EAUTH, "Incorrect username or password.");
	if (rc == 0)
		rc = db_exec(c, "UPDATE app_passwords SET last_used_at = $1 WHERE id = $2",
		             db_int(clock_now_ms()), db_int(found.id));
	if (rc < 0)
		return rc;
	*out = user;
	*scopes = found.scopes;
	return 0;
}
