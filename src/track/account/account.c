/* track's accounts: validation rules, creation, lookups, credentials, deactivation, the user
 * search and the sign-up setting. */
#include "track/account/account.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/str.h"
#include "base/token.h"
#include "mail/mail.h"
#include "db/rows.h"
#include "track/account/api_session.h"
#include "track/role.h"

/* The stored hash of an account that has no password yet: no password matches it. */
#define NO_PASSWORD "!"

int track_account_check_username(const char *username)
{
	size_t n = strlen(username);
	if (n == 0)
		return err_fail(WEFT_EINVALID, "Username: enter a username.");
	if (n > TRACK_USERNAME_MAX)
		return err_fail(WEFT_EINVALID, "Username: at most %d characters.",
		                TRACK_USERNAME_MAX);
	if (!isalnum((unsigned char)username[0]))
		return err_fail(WEFT_EINVALID, "Username: must start with a letter or a digit.");
	for (const char *p = username; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return err_fail(WEFT_EINVALID,
			                "Username: only letters, digits, '_', '.' and '-'.");
	return 0;
}

int track_account_check_email(const char *email)
{
	return mail_check_user_address("Email", email);
}

int track_account_check_password(const char *password, const char *username, const char *email)
{
	return password_check(password, username, email);
}

int track_account_check_display_name(const char *name)
{
	return str_check_line("Display name", name, TRACK_DISPLAY_NAME_MAX);
}

int track_account_check_new(const track_account_new *n)
{
	int rc = track_account_check_username(n->username);
	if (rc == 0)
		rc = track_account_check_email(n->email);
	if (rc == 0 && n->password)
		rc = track_account_check_password(n->password, n->username, n->email);
	if (rc == 0 && n->display_name)
		rc = track_account_check_display_name(n->display_name);
	return rc;
}

/* A unique violation says which index clashed; the user needs the field. */
static int taken(int rc, const track_account_new *n)
{
	if (rc != WEFT_EEXISTS)
		return rc;
	const char *index = db_conflict();
	if (strstr(index, "email"))
		return err_fail(WEFT_EEXISTS, "Email: %s is already used by another account.",
		                n->email);
	if (strstr(index, "username"))
		return err_fail(WEFT_EEXISTS, "Username: %s is already taken.", n->username);
	return rc;
}

/* Jira Cloud's accountIds are opaque; ours are 18 random decimal digits, never reused. */
static void new_account_id(char out[TRACK_ACCOUNT_ID_LEN + 1])
{
	char hex[17];
	token_hex(hex, 8);
	uint64_t v = strtoull(hex, NULL, 16) % 900000000000000000ULL + 100000000000000000ULL;
	snprintf(out, TRACK_ACCOUNT_ID_LEN + 1, "%" PRIu64, v);
}

static int insert_user(db_conn *c, const track_account_new *n, const char *hash, int64_t *id)
{
	char account_id[TRACK_ACCOUNT_ID_LEN + 1];
	new_account_id(account_id);
	const char *display = n->display_name && *n->display_name ? n->display_name : n->username;
	db_stmt *st;
	int rc = db_query(
	        &st, c,
	        "INSERT INTO users (account_id, username, display_name, email,"
	        " password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	        " RETURNING id",
	        db_text(account_id), db_text(n->username), db_text(display), db_text(n->email),
	        db_text(hash), db_int(n->is_admin), db_int(clock_now_ms()));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	return rc;
}

int track_account_create(db_conn *c, arena *a, const track_account_new *n, track_user *out)
{
	int rc = track_account_check_new(n);
	if (rc < 0)
		return rc;
	char hash[PASSWORD_HASH_MAX] = NO_PASSWORD;
	if (n->password && (rc = password_hash(hash, n->password, strlen(n->password))) < 0)
		return rc;
	int64_t id = 0;
	if ((rc = insert_user(c, n, hash, &id)) < 0)
		return taken(rc, n);
	return track_account_find_id(c, a, id, out);
}

/* Every user query starts so; joined at compile time with its WHERE (no SQL is built at run time). */
#define USER_SELECT "SELECT " TRACK_USER_COLUMNS("") ", password_hash FROM users "

void track_account_read_row(db_stmt *st, arena *a, track_user *out)
{
	out->id = db_col_int(st, 0);
	out->account_id = arena_strdup(a, db_col_text(st, 1));
	out->username = arena_strdup(a, db_col_text(st, 2));
	out->display_name = arena_strdup(a, db_col_text(st, 3));
	out->email = arena_strdup(a, db_col_text(st, 4));
	out->is_admin = db_col_int(st, 5) != 0;
	out->is_active = db_col_int(st, 6) != 0;
	out->created_at = db_col_int(st, 7);
}

void track_account_read_item(db_stmt *st, arena *a, void *item)
{
	track_account_read_row(st, a, item);
}

/* Runs a user query with one parameter and reads the single row (and its hash, when asked). */
static int find_one(db_conn *c, arena *a, const char *sql, db_arg arg, track_user *out,
                    char **password_hash)
{
	db_stmt *st;
	int rc = db_query(&st, c, sql, arg);
	if (rc == 0)
		rc = db_step_one(st, "There is no such user.");
	if (rc == 0) {
		track_account_read_row(st, a, out);
		if (password_hash)
			*password_hash = arena_strdup(a, db_col_text(st, 8));
	}
	db_done(st);
	return rc;
}

int track_account_find_id(db_conn *c, arena *a, int64_t id, track_user *out)
{
	return find_one(c, a, USER_SELECT "WHERE id = $1", db_int(id), out, NULL);
}

int track_account_find_ids(db_conn *c, arena *a, const int64_t *ids, size_t n, track_user **out,
                           size_t *nout)
{
	const db_rows_ids q = { USER_SELECT "WHERE id IN (", ")", ids, n };
	int rc = db_rows_read_ids((void **)out, nout, c, a, &q, sizeof **out,
	                          track_account_read_item);
	/* A user named in two chunks comes twice: at most n rows in all. */
	if (rc == 0 && *nout > n)
		*nout = n;
	return rc;
}

int track_account_find_username(db_conn *c, arena *a, const char *username, track_user *out)
{
	return find_one(c, a, USER_SELECT "WHERE lower(username) = lower($1)", db_text(username),
	                out, NULL);
}

int track_account_find_account_id(db_conn *c, arena *a, const char *account_id, track_user *out)
{
	return find_one(c, a, USER_SELECT "WHERE account_id = $1", db_text(account_id), out, NULL);
}

static int find_login(db_conn *c, arena *a, const char *login, track_user *out, char **hash)
{
	if (strchr(login, '@'))
		return find_one(c, a, USER_SELECT "WHERE lower(email) = lower($1)", db_text(login),
		                out, hash);
	return find_one(c, a, USER_SELECT "WHERE lower(username) = lower($1)", db_text(login), out,
	                hash);
}

int track_account_find_login(db_conn *c, arena *a, const char *login, track_user *out)
{
	return find_login(c, a, login, out, NULL);
}

int track_account_authenticate(db_conn *c, arena *a, const char *login, const char *password,
                               track_user *out)
{
	char *hash = NULL;
	track_user user;
	int rc = find_login(c, a, login, &user, &hash);
	if (rc < 0 && rc != WEFT_ENOTFOUND)
		return rc;
	/* An unknown account still costs one argon2 check: the time tells nothing. */
	bool found = rc == 0 && strcmp(hash, NO_PASSWORD) != 0;
	bool match =
	        password_verify(found ? hash : password_dummy_hash(), password, strlen(password));
	if (!found || !match || !user.is_active)
		return err_fail(WEFT_EAUTH, "Incorrect username or password.");
	*out = user;
	return 0;
}

int track_account_set_password(db_conn *c, const track_user *user, const char *password)
{
	int rc = track_account_check_password(password, user->username, user->email);
	char hash[PASSWORD_HASH_MAX];
	if (rc == 0)
		rc = password_hash(hash, password, strlen(password));
	if (rc == 0)
		rc = db_exec(c, "UPDATE users SET password_hash = $1 WHERE id = $2", db_text(hash),
		             db_int(user->id));
	if (rc >= 0)
		rc = web_session_end_all(c, user->id, 0);
	if (rc >= 0)
		rc = track_api_session_end_all(c, user->id);
	return rc < 0 ? rc : 0;
}

int track_account_set_active(db_conn *c, int64_t user_id, bool active)
{
	int rc = db_exec(c, "UPDATE users SET is_active = $1 WHERE id = $2", db_int(active),
	                 db_int(user_id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "There is no such user.");
	if (rc > 0 && !active)
		rc = web_session_end_all(c, user_id, 0);
	if (rc >= 0 && !active)
		rc = track_api_session_end_all(c, user_id);
	return rc < 0 ? rc : 0;
}

/* Reads every row of st (from db_query, which returned rc) into an arena array; releases st. */
static int read_users(db_stmt *st, int rc, arena *a, track_user **out, size_t *n)
{
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, track_account_read_item);
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int track_account_list(db_conn *c, arena *a, int limit, track_user **out, size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c, USER_SELECT "ORDER BY lower(username) LIMIT $1",
	                  db_int(clamp(limit, 0, TRACK_USER_LIST_MAX)));
	return read_users(st, rc, a, out, n);
}

/* A LIKE pattern matching text anywhere, its wildcards escaped with '\'. */
static const char *contains_pattern(arena *a, const char *text)
{
	buf b = BUF_INIT;
	buf_putc(&b, '%');
	for (const char *p = text; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, (char)tolower((unsigned char)*p));
	}
	buf_putc(&b, '%');
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

/* The stored name of role when roles holds it, else "" (which no role row has). */
static const char *role_or_empty(unsigned roles, unsigned role)
{
	return (roles & role) ? track_role_name(role) : "";
}

int track_account_search(db_conn *c, arena *a, const track_user_query *q, track_user **out,
                         size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  USER_SELECT
	                  "WHERE (lower(username) LIKE $1 ESCAPE '\\'"
	                  " OR lower(display_name) LIKE $1 ESCAPE '\\'"
	                  " OR lower(email) LIKE $1 ESCAPE '\\')"
	                  " AND ((is_active = 1 AND $2 = 1) OR (is_active = 0 AND $3 = 1))"
	                  " AND ($6 = 0 OR id IN (SELECT user_id FROM project_roles WHERE"
	                  " project_id = $6 AND role IN ($7, $8, $9)))"
	                  " ORDER BY lower(display_name), id LIMIT $4 OFFSET $5",
	                  db_text(contains_pattern(a, q->query ? q->query : "")), db_int(q->active),
	                  db_int(q->inactive), db_int(clamp(q->max, 0, TRACK_USER_LIST_MAX)),
	                  db_int(q->start < 0 ? 0 : q->start), db_int(q->project_id),
	                  db_text(role_or_empty(q->roles, TRACK_ROLE_USERS)),
	                  db_text(role_or_empty(q->roles, TRACK_ROLE_DEVELOPERS)),
	                  db_text(role_or_empty(q->roles, TRACK_ROLE_ADMINISTRATORS)));
	return read_users(st, rc, a, out, n);
}

int track_site_signup_open(db_conn *c, bool *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT value FROM site_settings WHERE name = 'signup_open'",
	                  DB_END);
	*out = false;
	if (rc == 0 && (rc = db_step(st)) == DB_ROW)
		*out = strcmp(db_col_text(st, 0), "true") == 0;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int track_site_set_signup_open(db_conn *c, bool open)
{
	int rc = db_exec(c,
	                 "INSERT INTO site_settings (name, value) VALUES ('signup_open', $1)"
	                 " ON CONFLICT (name) DO UPDATE SET value = $1",
	                 db_text(open ? "true" : "false"));
	return rc < 0 ? rc : 0;
}
