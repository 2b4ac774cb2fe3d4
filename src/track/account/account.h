/* track's accounts: the rules for usernames, emails, passwords and display names, creating users
 * (each with a stable numeric accountId, Jira's user key), finding them, checking passwords,
 * deactivation, the user search, and the site settings the administrators choose. Domain only:
 * no HTTP. Every function that writes runs inside the caller's transaction. */
#ifndef WEFT_TRACK_ACCOUNT_H
#define WEFT_TRACK_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/track.h"

enum {
	TRACK_USERNAME_MAX = 30,
	TRACK_DISPLAY_NAME_MAX = 100, /* characters */
	TRACK_ACCOUNT_ID_LEN = 18, /* decimal digits */
	TRACK_USER_LIST_MAX = 1000, /* the most users one list or search returns */
};

/* The rules. Each returns 0 or WEFT_EINVALID with a message that names the field and says why.
 * Usernames: 1 to 30 ASCII letters, digits, '_', '.' and '-', starting with a letter or digit.
 * Emails: one address local@domain.tld (unique among track's users, in any case). Passwords: 8 to
 * 128 characters, not the username or email. Display names: at most 100 characters, one line. */
int track_account_check_username(const char *username);
int track_account_check_email(const char *email);
int track_account_check_password(const char *password, const char *username, const char *email);
int track_account_check_display_name(const char *name);

typedef struct track_account_new {
	const char *username;
	const char *email;
	const char *password; /* NULL: none yet (an invited user sets it through a link) */
	const char *display_name; /* NULL or "": the username */
	bool is_admin;
} track_account_new;

/* Every rule that applies to n (its password only when it has one): 0 or WEFT_EINVALID. */
int track_account_check_new(const track_account_new *n);

/* Creates a user. WEFT_EINVALID for a rule broken, WEFT_EEXISTS naming the field ("Username: …"
 * or "Email: …") when taken. *out's strings live in a. */
int track_account_create(db_conn *c, arena *a, const track_account_new *n, track_user *out);

/* The user columns track_account_read_row reads, each after prefix p (a table alias and a dot,
 * or ""): for other modules' queries that join users. */
#define TRACK_USER_COLUMNS(p)                                                                    \
	p "id, " p "account_id, " p "username, " p "display_name, " p "email, " p "is_admin, " p \
	  "is_active, " p "created_at"
/* Reads a user from the current row of st, whose first columns are TRACK_USER_COLUMNS. */
void track_account_read_row(db_stmt *st, arena *a, track_user *out);
/* track_account_read_row as a db_row_reader (db/rows.h): item is a track_user. */
void track_account_read_item(db_stmt *st, arena *a, void *item);

/* Lookups; WEFT_ENOTFOUND ("There is no such user.") when there is none. Usernames and emails
 * match in any case; login is a username or an email. */
int track_account_find_id(db_conn *c, arena *a, int64_t id, track_user *out);
/* The users of ids (in no order; ids that name nobody are left out) in one statement: *out an
 * arena array of *nout. */
int track_account_find_ids(db_conn *c, arena *a, const int64_t *ids, size_t n, track_user **out,
                           size_t *nout);
int track_account_find_username(db_conn *c, arena *a, const char *username, track_user *out);
int track_account_find_account_id(db_conn *c, arena *a, const char *account_id, track_user *out);
int track_account_find_login(db_conn *c, arena *a, const char *login, track_user *out);

/* Checks a username-or-email and password: the user when they match and the account is active;
 * WEFT_EAUTH ("Incorrect username or password.") otherwise, taking the same time whether the
 * account exists or not. Does not throttle: callers do (web/throttle.h). */
int track_account_authenticate(db_conn *c, arena *a, const char *login, const char *password,
                               track_user *out);

/* Sets a new password (the rules above) and ends every session of the user, the pages' and the
 * API's. */
int track_account_set_password(db_conn *c, const track_user *user, const char *password);

/* Deactivates (or reactivates) a user: a deactivated user cannot sign in or use tokens, and
 * their sessions (pages' and API's) end; their data stays. WEFT_ENOTFOUND for an unknown id. */
int track_account_set_active(db_conn *c, int64_t user_id, bool active);

/* Users by username (the administrators' list): at most limit (≤ TRACK_USER_LIST_MAX). *out is
 * an array in a. */
int track_account_list(db_conn *c, arena *a, int limit, track_user **out, size_t *n);

/* The user search (Jira's user/search): users whose username, display name or email contains
 * query (any case; "" matches all), active ones and/or inactive ones, by display name, skipping
 * start and returning at most max; with project_id set, only those holding one of roles (a set
 * of TRACK_ROLE_* bits) in that project. *out is an array in a. */
typedef struct track_user_query {
	const char *query;
	bool active, inactive;
	int start, max;
	int64_t project_id;
	unsigned roles;
} track_user_query;
int track_account_search(db_conn *c, arena *a, const track_user_query *q, track_user **out,
                         size_t *n);

/* Whether anyone may sign up (the administrators' choice; closed unless they opened it). */
int track_site_signup_open(db_conn *c, bool *out);
int track_site_set_signup_open(db_conn *c, bool open);

#endif
