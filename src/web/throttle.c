/* Failure counts with an exponential delay: after THROTTLE_FREE_FAILURES failures, 1 s, then
 * 2 s, 4 s, … up to 15 minutes. */
#include "web/throttle.h"

#include "base/clock.h"
#include "base/err.h"

enum {
	MAX_DELAY_S = 15 * 60,
	/* Failures older than this are forgotten: an address shared by many people (an office)
	 * is not held back for long by someone's typos an hour ago. */
	FORGET_AFTER_MS = 60 * 60 * 1000,
};

static int64_t delay_for(int64_t failures)
{
	if (failures < THROTTLE_FREE_FAILURES)
		return 0;
	int64_t delay = 1;
	for (int64_t i = THROTTLE_FREE_FAILURES; i < failures && delay < MAX_DELAY_S; i++)
		delay *= 2;
	return delay < MAX_DELAY_S ? delay : MAX_DELAY_S;
}

int throttle_check(db_conn *c, const char *subject, int64_t *retry_after_s)
{
	if (db_conn_engine(c) == DB_POSTGRES) {
		int locked =
		        db_exec(c, "SELECT pg_advisory_xact_lock(hashtext($1))", db_text(subject));
		if (locked < 0)
			return locked;
	}
	db_stmt *st;
	int rc = db_query(
	        &st, c, "SELECT failures, last_failure_at FROM sign_in_failures WHERE subject = $1",
	        db_text(subject));
	*retry_after_s = 0;
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		int64_t since_ms = clock_now_ms() - db_col_int(st, 1);
		int64_t failures = since_ms > FORGET_AFTER_MS ? 0 : db_col_int(st, 0);
		int64_t wait_ms = delay_for(failures) * 1000 - since_ms;
		*retry_after_s = wait_ms > 0 ? (wait_ms + 999) / 1000 : 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (*retry_after_s > 0)
		return err_fail(WEFT_ELIMIT,
		                "Too many failed sign-ins. Try again in %lld second%s.",
		                (long long)*retry_after_s, *retry_after_s == 1 ? "" : "s");
	return 0;
}

int throttle_fail(db_conn *c, const char *subject)
{
	int rc = db_exec(c,
	                 "INSERT INTO sign_in_failures (subject, failures, last_failure_at)"
	                 " VALUES ($1, 1, $2) ON CONFLICT (subject) DO UPDATE SET"
	                 " failures = CASE WHEN sign_in_failures.last_failure_at < $3 THEN 1"
	                 " ELSE sign_in_failures.failures + 1 END, last_failure_at = $2",
	                 db_text(subject), db_int(clock_now_ms()),
	                 db_int(clock_now_ms() - FORGET_AFTER_MS));
	return rc < 0 ? rc : 0;
}

int throttle_clear(db_conn *c, const char *subject)
{
	int rc = db_exec(c, "DELETE FROM sign_in_failures WHERE subject = $1", db_text(subject));
	return rc < 0 ? rc : 0;
}
