/* Throttling of failed sign-ins, per account name and per client address, with a delay that
 * grows with each failure. Kept in the service's database (table sign_in_failures), so that every
 * node of a PostgreSQL installation sees the same count. The subject is whatever was typed, so the
 * answer is the same whether an account exists or not. */
#ifndef WEFT_WEB_THROTTLE_H
#define WEFT_WEB_THROTTLE_H

#include <stdint.h>

#include "db/db.h"
#include "web/web.h"

enum { THROTTLE_FREE_FAILURES = 3 }; /* failures allowed before any delay */

/* 0 when subject may try now; WEFT_ELIMIT with *retry_after_s set while it must wait. Holds the
 * subject until the transaction ends (PostgreSQL: an advisory lock; SQLite: its write lock), so
 * that concurrent attempts are counted one after another rather than all let through. */
int throttle_check(db_conn *c, const char *subject, int64_t *retry_after_s);
/* Counts a failure of subject. */
int throttle_fail(db_conn *c, const char *subject);
/* Forgets subject's failures (after a success). */
int throttle_clear(db_conn *c, const char *subject);

/* One throttled sign-in attempt, in one transaction of d: the waits of login (the name typed, in
 * any case) and of the client's address are checked, then attempt(c, ctx) runs. When it returns
 * WEFT_EAUTH, a failure is counted for both subjects and committed, and WEFT_EAUTH is returned
 * with attempt's message; on success the name's failures are forgotten. WEFT_ELIMIT with
 * *retry_after_s set while either must wait. Subjects are prefixed with the service's name. */
int throttle_sign_in(web_request *req, db *d, const char *login,
                     int (*attempt)(db_conn *c, void *ctx), void *ctx, int64_t *retry_after_s);

#endif
