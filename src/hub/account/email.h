/* A user's email addresses: one primary (where mail goes), any number of others up to a limit,
 * each confirmed or not, every address unique on the site regardless of case. Domain only: no
 * HTTP. Every function that writes runs inside the caller's transaction. */
#ifndef WEFT_HUB_EMAIL_H
#define WEFT_HUB_EMAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

enum { EMAIL_PER_USER_MAX = 20 };

typedef struct hub_email {
	int64_t id;
	const char *address;
	bool is_primary;
	bool confirmed;
	int64_t created_at;
} hub_email;

/* Calls fn for each of user_id's addresses, the primary first, then by address; the strings live
 * until fn returns. The store's error, if any. */
int hub_email_list(db_conn *c, int64_t user_id, void (*fn)(void *ctx, const hub_email *e),
                   void *ctx);

/* One of user_id's addresses by id; strings in a. WEFT_ENOTFOUND ("Email: …") when user_id has no
 * such address (another user's counts as none). */
int hub_email_find(db_conn *c, arena *a, int64_t user_id, int64_t email_id, hub_email *out);

/* The id of the account that has address (in any case) confirmed in *user_id; 0 when none has.
 * The store's error, if any. */
int hub_email_confirmed_owner(db_conn *c, const char *address, int64_t *user_id);

/* The active account a commit's author address belongs to (a confirmed address of it), in a;
 * *out NULL when none: what Bitbucket shows as a commit's author.user. */
struct hub_user;
int hub_email_author(db_conn *c, arena *a, const char *address, const struct hub_user **out);

/* Adds an unconfirmed, secondary address for user_id; *out from a. WEFT_EINVALID for an address
 * that breaks hub_account_check_email's rules or past EMAIL_PER_USER_MAX addresses; WEFT_EEXISTS when
 * the address (in any case) is already this user's or another account's. Messages start "Email:". */
int hub_email_add(db_conn *c, arena *a, int64_t user_id, const char *address, hub_email *out);

/* Makes a confirmed address primary; the old primary stays as a secondary address. 0 when it is
 * primary already. WEFT_ENOTFOUND; WEFT_ECONFLICT when it is not confirmed. */
int hub_email_make_primary(db_conn *c, arena *a, int64_t user_id, int64_t email_id);

/* Removes an address (and its pending confirmation links). WEFT_ENOTFOUND; WEFT_ECONFLICT for the
 * primary address or the account's only one. */
int hub_email_remove(db_conn *c, arena *a, int64_t user_id, int64_t email_id);

#endif
