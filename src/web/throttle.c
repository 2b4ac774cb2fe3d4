/* Failure counts with an exponential delay: after THROTTLE_FREE_FAILURES failures, 1 s, then
 * 2 s, 4 s, … up to 15 minutes. */
#include "web/throttle.h"

#include "base/clock.h"
#include "base/err.h"

#include <stdio.h>

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

typedef struct sign_in_ctx {
	web_request *req;
	const char *login;
	int (*attempt)(db_conn *c, void *ctx);
	void *ctx;
	int64_t retry_after;
	bool failed;
	char message[512];
} sign_in_ctx;

/* The throttle subjects of a sign-in: the name typed, and the client's address. */
static void subjects(sign_in_ctx *sc, const char **by_name, const char **by_address)
{
	arena *a = sc->req->arena;
	const char *service = sc->req->service->name;
	char *name = arena_printf(a, "%s:login:%s", service, sc->login);
	for (char *p = name; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	*by_name = name;
	*by_address = arena_printf(a, "%s:address:%s", service, web_client_address(sc->req));
}

/* The failure is recorded even though the sign-in fails: this transaction commits it. */
static int throttled_attempt(db_conn *c, void *ctx)
{
	sign_in_ctx *sc = ctx;
	const char *by_name, *by_address;
	subjects(sc, &by_name, &by_address);
	int rc = throttle_check(c, by_name, &sc->retry_after);
	if (rc == 0)
		rc = throttle_check(c, by_address, &sc->retry_after);
	if (rc == 0)
		rc = sc->attempt(c, sc->ctx);
	if (rc == WEFT_EAUTH) {
		snprintf(sc->message, sizeof sc->message, "%s", err_msg());
		sc->failed = true;
		if (throttle_fail(c, by_name) < 0 || throttle_fail(c, by_address) < 0)
			return WEFT_ERROR;
		return 0;
	}
	return rc == 0 ? throttle_clear(c, by_name) : rc;
}

int throttle_sign_in(web_request *req, db *d, const char *login,
                     int (*attempt)(db_conn *c, void *ctx), void *ctx, int64_t *retry_after_s)
{
	sign_in_ctx sc = { .req = req, .login = login, .attempt = attempt, .ctx = ctx };
	int rc = db_tx(d, throttled_attempt, &sc);
	*retry_after_s = sc.retry_after > 0 ? sc.retry_after : 0;
	if (rc == 0 && sc.failed)
		return err_fail(WEFT_EAUTH, "%s", sc.message);
	return rc;
}
