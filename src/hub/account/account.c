/* Accounts: validation rules, creation, lookups, credentials, administration. */
#include "hub/account/account.h"

#include "hub/team/activity.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/str.h"
#include "base/token.h"
#include "mail/mail.h"

/* Names a personal workspace may not take: the site's own top-level paths, and words that would
 * mislead ("admin"). Lower case; compared case-insensitively. */
static const char *const reserved_names[] = {
	"1.0",     "2.0",        "about",        "account",      "accounts",   "admin",
	"api",     "assets",     "confirm",      "dashboard",    "explore",    "git",
	"help",    "hub",        "invitations",  "join",         "login",      "logout",
	"new",     "oauth",      "repositories", "root",         "search",     "settings",
	"signin",  "signout",    "signup",       "site",         "static",     "status",
	"support", "system",     "teams",        "track",        "user",       "users",
	"weft",    "workspaces", "www",          "x-token-auth", "csp-report",
};

bool hub_account_is_reserved(const char *name)
{
	for (size_t i = 0; i < sizeof reserved_names / sizeof reserved_names[0]; i++)
		if (strcasecmp(name, reserved_names[i]) == 0)
			return true;
	return false;
}

int hub_account_check_username(const char *username)
{
	size_t n = strlen(username);
	if (n == 0)
		return err_fail(WEFT_EINVALID, "Username: enter a username.");
	if (n > ACCOUNT_USERNAME_MAX)
		return err_fail(WEFT_EINVALID, "Username: at most %d characters.",
		                ACCOUNT_USERNAME_MAX);
	for (const char *p = username; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return err_fail(WEFT_EINVALID,
			                "Username: only letters, digits and underscores "
			                "(A-Z, a-z, 0-9, _).");
	if (hub_account_is_reserved(username))
		return err_fail(WEFT_EINVALID, "Username: \"%s\" is reserved; choose another.",
		                username);
	return 0;
}

/* The mail layer's rules for an account's address, so that an address accepted here can be
 * mailed. */
int hub_account_check_email(const char *email)
{
	return mail_check_user_address("Email", email);
}

int hub_account_check_password(const char *password, const char *username, const char *email)
{
	return password_check(password, username, email);
}

int hub_account_check_display_name(const char *name)
{
	return str_check_line("Display name", name, ACCOUNT_DISPLAY_NAME_MAX);
}

int hub_account_check_new(const account_new *n)
{
	int rc = hub_account_check_username(n->username);
	if (rc == 0)
		rc = hub_account_check_email(n->email);
	if (rc == 0)
		rc = hub_account_check_password(n->password, n->username, n->email);
	if (rc == 0 && n->display_name)
		rc = hub_account_check_display_name(n->display_name);
	return rc;
}

/* A unique violation says which index clashed; the user needs the field. */
static int taken(int rc, const account_new *n)
{
	if (rc != WEFT_EEXISTS)
		return rc;
	const char *index = db_conflict();
	if (strstr(index, "emails"))
		return err_fail(WEFT_EEXISTS, "Email: %s is already used by another account.",
		                n->email);
	return err_fail(WEFT_EEXISTS, "Username: %s is already taken.", n->username);
}

static int insert_user(db_conn *c, const account_new *n, const char *uuid, const char *hash,
                       int64_t now, int64_t *id)
{
	const char *display = n->display_name && *n->display_name ? n->display_name : n->username;
	db_stmt *st;
	int rc =
	        db_query(&st, c,
	                 "INSERT INTO users (uuid, username, display_name, password_hash, is_admin,"
	                 " created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	                 db_text(uuid), db_text(n->username), db_text(display), db_text(hash),
	                 db_int(n->is_admin), db_int(now));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	return rc;
}

static int insert_workspace_and_email(db_conn *c, const account_new *n, int64_t user_id,
                                      int64_t now)
{
	char uuid[TOKEN_UUID_LEN], slug[ACCOUNT_USERNAME_MAX + 1];
	token_uuid(uuid);
	size_t i = 0;
	for (; n->username[i] && i < ACCOUNT_USERNAME_MAX; i++)
		slug[i] = (char)tolower((unsigned char)n->username[i]);
	slug[i] = '\0';
	int rc = db_exec(c,
	                 "INSERT INTO workspaces (uuid, slug, name, kind, user_id, created_at,"
	                 " updated_at) VALUES ($1, $2, $3, 'user', $4, $5, $5)",
	                 db_text(uuid), db_text(slug), db_text(n->username), db_int(user_id),
	                 db_int(now));
	if (rc >= 0)
		rc = db_exec(c,
		             "INSERT INTO emails (user_id, address, is_primary, confirmed_at, "
		             "created_at)"
		             " VALUES ($1, $2, 1, $3, $4)",
		             db_int(user_id), db_text(n->email),
		             n->email_confirmed ? db_int(now) : db_null(), db_int(now));
	return rc < 0 ? rc : 0;
}

int hub_account_create(db_conn *c, arena *a, const account_new *n, hub_user *out)
{
	int rc = hub_account_check_new(n);
	if (rc < 0)
		return rc;
	char hash[PASSWORD_HASH_MAX], uuid[TOKEN_UUID_LEN];
	if ((rc = password_hash(hash, n->password, strlen(n->password))) < 0)
		return rc;
	token_uuid(uuid);
	int64_t now = clock_now_ms(), id = 0;
	rc = insert_user(c, n, uuid, hash, now, &id);
	if (rc == 0)
		rc = insert_workspace_and_email(c, n, id, now);
	if (rc < 0)
		return taken(rc, n);
	char summary[96];
	snprintf(summary, sizeof summary, "%s joined weft hub", n->username);
	if ((rc = hub_activity_record(c, id, 0, summary)) < 0)
		return rc;
	return hub_account_find_id(c, a, id, out);
}

/* Every user query starts so; joined at compile time with its WHERE (no SQL is built at run time). */
#define USER_SELECT "SELECT " HUB_USER_COLS ", u.password_hash FROM users u" HUB_USER_EMAIL_JOIN " "

void hub_account_read(db_stmt *st, arena *a, int col, hub_user *out)
{
	out->id = db_col_int(st, col);
	snprintf(out->uuid, sizeof out->uuid, "%s", db_col_text(st, col + 1));
	out->username = arena_strdup(a, db_col_text(st, col + 2));
	out->display_name = arena_strdup(a, db_col_text(st, col + 3));
	out->email = db_col_null(st, col + 4) ? NULL : arena_strdup(a, db_col_text(st, col + 4));
	out->email_confirmed = db_col_int(st, col + 5) != 0;
	out->is_admin = db_col_int(st, col + 6) != 0;
	out->is_active = db_col_int(st, col + 7) != 0;
	out->created_at = db_col_int(st, col + 8);
}

/* Runs a user query with one parameter and reads the single row. */
static int find_one(db_conn *c, arena *a, const char *sql, db_arg arg, hub_user *out,
                    char **password_hash)
{
	db_stmt *st;
	int rc = db_query(&st, c, sql, arg);
	if (rc == 0)
		rc = db_step_one(st, "There is no such account.");
	if (rc == 0) {
		hub_account_read(st, a, 0, out);
		if (password_hash)
			*password_hash = arena_strdup(a, db_col_text(st, 9));
	}
	db_done(st);
	return rc;
}

int hub_account_find_login(db_conn *c, arena *a, const char *login, hub_user *out,
                           char **password_hash)
{
	if (strchr(login, '@'))
		return find_one(c, a,
		                USER_SELECT "WHERE u.id = (SELECT user_id FROM emails"
		                            " WHERE lower(address) = lower($1))",
		                db_text(login), out, password_hash);
	return find_one(c, a, USER_SELECT "WHERE lower(u.username) = lower($1)", db_text(login),
	                out, password_hash);
}

int hub_account_find_id(db_conn *c, arena *a, int64_t id, hub_user *out)
{
	return find_one(c, a, USER_SELECT "WHERE u.id = $1", db_int(id), out, NULL);
}

int hub_account_find_name(db_conn *c, arena *a, const char *username, hub_user *out)
{
	if (username[0] == '{') {
		char uuid[TOKEN_UUID_LEN];
		snprintf(uuid, sizeof uuid, "%.36s", username + 1);
		return find_one(c, a, USER_SELECT "WHERE u.uuid = $1", db_text(uuid), out, NULL);
	}
	if (strlen(username) == 36 && username[8] == '-')
		return find_one(c, a, USER_SELECT "WHERE u.uuid = $1", db_text(username), out,
		                NULL);
	return find_one(c, a, USER_SELECT "WHERE lower(u.username) = lower($1)", db_text(username),
	                out, NULL);
}

int hub_account_authenticate(db_conn *c, arena *a, const char *login, const char *password,
                             hub_user *out)
{
	char *hash = NULL;
	hub_user user;
	int rc = hub_account_find_login(c, a, login, &user, &hash);
	if (rc < 0 && rc != WEFT_ENOTFOUND)
		return rc;
	/* An unknown account still costs one argon2 check: the time tells nothing. */
	bool match =
	        password_verify(rc == 0 ? hash : password_dummy_hash(), password, strlen(password));
	if (rc < 0 || !match || !user.is_active)
		return err_fail(WEFT_EAUTH, "Incorrect username or password.");
	*out = user;
	return 0;
}

int hub_account_set_admin(db_conn *c, const char *username, bool is_admin)
{
	int rc = db_exec(c, "UPDATE users SET is_admin = $1 WHERE lower(username) = lower($2)",
	                 db_int(is_admin), db_text(username));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "There is no user %s.", username);
	return rc < 0 ? rc : 0;
}

int hub_account_set_active(db_conn *c, int64_t user_id, bool active)
{
	int rc = db_exec(c, "UPDATE users SET is_active = $1 WHERE id = $2", db_int(active),
	                 db_int(user_id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "There is no such account.");
	if (rc > 0 && !active)
		rc = db_exec(c, "DELETE FROM sessions WHERE user_id = $1", db_int(user_id));
	return rc < 0 ? rc : 0;
}

int hub_account_list(db_conn *c, arena *a, int limit, void (*fn)(void *ctx, const hub_user *u),
                     void *ctx)
{
	db_stmt *st;
	int rc = db_query(&st, c, USER_SELECT "ORDER BY lower(u.username) LIMIT $1", db_int(limit));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		hub_user u;
		hub_account_read(st, a, 0, &u);
		fn(ctx, &u);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}
