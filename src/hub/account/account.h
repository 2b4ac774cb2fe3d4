/* hub's accounts: the rules for usernames, emails and passwords, creating users (with their
 * personal workspace and primary email), finding them, checking credentials, and the site
 * administrator's powers. Domain only: no HTTP. Every function that writes runs inside the
 * caller's transaction. */
#ifndef WEFT_HUB_ACCOUNT_H
#define WEFT_HUB_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

enum {
	ACCOUNT_USERNAME_MAX = 30,
	ACCOUNT_PASSWORD_MIN = 8,
	ACCOUNT_PASSWORD_MAX = 128, /* characters, not bytes */
	ACCOUNT_EMAIL_MAX = 254,
	ACCOUNT_DISPLAY_NAME_MAX = 100,
};

typedef struct hub_user {
	int64_t id;
	char uuid[37];
	const char *username;
	const char *display_name;
	const char *email; /* the primary address */
	bool email_confirmed;
	bool is_admin;
	bool is_active;
	int64_t created_at;
} hub_user;

/* The rules. Each returns 0 or WEFT_EINVALID with a message that names the field and says why.
 * Usernames: 1 to 30 ASCII letters, digits and underscores, not a reserved word. Emails: one
 * address local@domain.tld, at most 254 bytes. Passwords: 8 to 128 characters of valid UTF-8, not
 * equal (ignoring case) to the username or the email. */
int hub_account_check_username(const char *username);
int hub_account_check_email(const char *email);
int hub_account_check_password(const char *password, const char *username, const char *email);
int hub_account_check_display_name(const char *name);
/* True for names that the site's own routes use ("admin", "api", "site", …). */
bool hub_account_is_reserved(const char *name);

typedef struct account_new {
	const char *username;
	const char *email;
	const char *password;
	const char *display_name; /* NULL or "": the username */
	bool email_confirmed; /* set by administrators creating accounts */
	bool is_admin;
} account_new;

/* The rules above for every field of n (display_name may be NULL); what hub_account_create
 * checks first. */
int hub_account_check_new(const account_new *n);

/* Creates a user, their personal workspace and primary email. WEFT_EINVALID for a rule broken,
 * WEFT_EEXISTS naming the field ("username" or "email") when taken. *out is filled from a; strings
 * live in a. */
int hub_account_create(db_conn *c, arena *a, const account_new *n, hub_user *out);

/* Finds a user by username or by email (either, case-insensitively), by id, or by UUID (with or
 * without braces). WEFT_ENOTFOUND when there is none. */
int hub_account_find_login(db_conn *c, arena *a, const char *username_or_email, hub_user *out,
                           char **password_hash);
int hub_account_find_id(db_conn *c, arena *a, int64_t id, hub_user *out);
int hub_account_find_name(db_conn *c, arena *a, const char *username, hub_user *out);

/* Checks a username-or-email and password: the user when they match and the account is active;
 * WEFT_EAUTH ("Incorrect username or password.") otherwise, taking the same time whether the
 * account exists or not. Does not throttle: callers do (web/throttle.h). */
int hub_account_authenticate(db_conn *c, arena *a, const char *login, const char *password,
                             hub_user *out);

/* Site administration. WEFT_ENOTFOUND for an unknown username. */
int hub_account_set_admin(db_conn *c, const char *username, bool is_admin);
/* Deactivates (or reactivates) a user: a deactivated user cannot sign in or use tokens; their
 * sessions end; their data stays. */
int hub_account_set_active(db_conn *c, int64_t user_id, bool active);

/* Lists users for the administrators' page, by username, calling fn for each. */
/* The columns of a user `u` with its primary address `e` (joined by HUB_USER_EMAIL_JOIN), for
 * queries of other modules that list users; hub_account_read reads them from column col on. */
#define HUB_USER_COLS                                                                      \
	"u.id, u.uuid, u.username, u.display_name, e.address, e.confirmed_at IS NOT NULL," \
	" u.is_admin, u.is_active, u.created_at"
#define HUB_USER_EMAIL_JOIN " LEFT JOIN emails e ON e.user_id = u.id AND e.is_primary = 1"
enum { HUB_USER_NCOLS = 9 };

/* Fills *out from HUB_USER_COLS starting at column col of st's current row; strings in a. */
void hub_account_read(db_stmt *st, arena *a, int col, hub_user *out);

int hub_account_list(db_conn *c, arena *a, int limit, void (*fn)(void *ctx, const hub_user *u),
                     void *ctx);

#endif
