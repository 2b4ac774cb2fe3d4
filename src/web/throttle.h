/* Throttling of failed sign-ins, with a delay that grows with each failure, kept in the service's
 * database (table sign_in_failures) so that every node of a PostgreSQL installation sees the same
 * counts. Three subjects count each failure: the account (whatever name reached it, username or
 * email; for a name without an account, the name, so that the answers do not tell them apart),
 * the account at the client's address, and the client's address alone. Each allows a number of
 * free failures: few for the account at one address, more for the account from everywhere, many
 * for the address, so that one person's typos (or an attacker's guesses) at a shared address
 * (an office, a reverse proxy) do not lock out everyone else there. */
#ifndef WEFT_WEB_THROTTLE_H
#define WEFT_WEB_THROTTLE_H

#include <stdint.h>

#include "db/db.h"
#include "web/web.h"

enum {
	THROTTLE_FREE_FAILURES = 3, /* the account at one address, before any delay */
	THROTTLE_ACCOUNT_FREE_FAILURES = 10, /* the account, from all addresses together */
	THROTTLE_ADDRESS_FREE_FAILURES = 20, /* the address, for all names together */
};

typedef struct throttle_subject {
	const char *key; /* the row of sign_in_failures */
	int free_failures;
} throttle_subject;

/* The subjects of one sign-in, in the order they are locked (which keeps PostgreSQL's advisory
 * locks free of deadlocks). */
typedef struct throttle_subjects {
	throttle_subject account, pair, address;
} throttle_subjects;

/* The subjects of a sign-in of account_id (0 when login names no account, then login counts,
 * in any case) from req's client address (web_client_address), prefixed with the service's
 * name. Strings in req's arena. */
void throttle_subjects_of(throttle_subjects *out, web_request *req, int64_t account_id,
                          const char *login);

/* 0 when subject may try now; WEFT_ELIMIT with *retry_after_s set while it must wait. Holds the
 * subject until the transaction ends (PostgreSQL: an advisory lock; SQLite: its write lock), so
 * that concurrent attempts are counted one after another rather than all let through. */
int throttle_check(db_conn *c, const throttle_subject *subject, int64_t *retry_after_s);
/* Counts a failure of subject. */
int throttle_fail(db_conn *c, const char *subject);
/* Forgets subject's failures (after a success). */
int throttle_clear(db_conn *c, const char *subject);

/* The three at once: check (the first that must wait answers), count a failure, forget the account's after
 * a success (the address keeps its count: one success does not excuse others' failures). */
int throttle_check_all(db_conn *c, const throttle_subjects *s, int64_t *retry_after_s);
int throttle_fail_all(db_conn *c, const throttle_subjects *s);
int throttle_clear_account(db_conn *c, const throttle_subjects *s);

/* One throttled sign-in attempt, in one transaction of d: resolve(c, ctx, &account_id) finds
 * the account login names (0 for none; WEFT_ENOTFOUND counts as none), the subjects' waits are
 * checked, then attempt(c, ctx) runs. When it returns WEFT_EAUTH, a failure is counted for each
 * subject and committed, and WEFT_EAUTH is returned with attempt's message; on success the
 * account's failures are forgotten. WEFT_ELIMIT with *retry_after_s set while one must wait. */
int throttle_sign_in(web_request *req, db *d, const char *login,
                     int (*resolve)(db_conn *c, void *ctx, int64_t *account_id),
                     int (*attempt)(db_conn *c, void *ctx), void *ctx, int64_t *retry_after_s);

#endif
