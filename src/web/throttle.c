/* Failure counts with an exponential delay: after a subject's free failures, 1 s, then 2 s,
 * 4 s, … up to 15 minutes. */
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

static int64_t delay_for(int64_t failures, int free_failures)
{
	if (failures < free_failures)
		return 0;
	int64_t delay = 1;
	for (int64_t i = free_failures; i < failures && delay < MAX_DELAY_S; i++)
		delay *= 2;
	return delay < MAX_DELAY_S ? delay : MAX_DELAY_S;
}

int throttle_check(db_conn *c, const throttle_subject *subject, int64_t *retry_after_s)
{
	if (db_conn_engine(c) == DB_POSTGRES) {
		int locked = db_exec(c, "SELECT pg_advisory_xact_lock(hashtext($1))",
		                     db_text(subject->key));
		if (locked < 0)
			return locked;
	}
	db_stmt *st;
	int rc = db_query(
	        &st, c, "SELECT failures, last_failure_at FROM sign_in_failures WHERE subject = $1",
	        db_text(subject->key));
	*retry_after_s = 0;
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		int64_t since_ms = clock_now_ms() - db_col_int(st, 1);
		int64_t failures = since_ms > FORGET_AFTER_MS ? 0 : db_col_int(st, 0);
		int64_t wait_ms = delay_for(failures, subject->free_failures) * 1000 - since_ms;
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

static char *lowercase(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	return s;
}

void throttle_subjects_of(throttle_subjects *out, web_request *req, int64_t account_id,
                          const char *login)
{
	arena *a = req->arena;
	const char *service = req->service->name;
	const char *address = web_client_address(req);
	char *account = account_id > 0
	                        ? arena_printf(a, "%s:account:%lld", service, (long long)account_id)
	                        : lowercase(arena_printf(a, "%s:login:%s", service, login));
	out->account = (throttle_subject){ account, THROTTLE_ACCOUNT_FREE_FAILURES };
	out->pair = (throttle_subject){ arena_printf(a, "%s@%s", account, address),
		                        THROTTLE_FREE_FAILURES };
	out->address = (throttle_subject){ arena_printf(a, "%s:address:%s", service, address),
		                           THROTTLE_ADDRESS_FREE_FAILURES };
}

int throttle_check_all(db_conn *c, const throttle_subjects *s, int64_t *retry_after_s)
{
	int rc = throttle_check(c, &s->account, retry_after_s);
	if (rc == 0)
		rc = throttle_check(c, &s->pair, retry_after_s);
	if (rc == 0)
		rc = throttle_check(c, &s->address, retry_after_s);
	return rc;
}

int throttle_fail_all(db_conn *c, const throttle_subjects *s)
{
	int rc = throttle_fail(c, s->account.key);
	if (rc == 0)
		rc = throttle_fail(c, s->pair.key);
	if (rc == 0)
		rc = throttle_fail(c, s->address.key);
	return rc;
}

int throttle_clear_account(db_conn *c, const throttle_subjects *s)
{
	int rc = throttle_clear(c, s->account.key);
	return rc == 0 ? throttle_clear(c, s->pair.key) : rc;
}

typedef struct sign_in_ctx {
	web_request *req;
	const char *login;
	int (*resolve)(db_conn *c, void *ctx, int64_t *account_id);
	int (*attempt)(db_conn *c, void *ctx);
	void *ctx;
	int64_t retry_after;
	bool failed;
	char message[512];
} sign_in_ctx;

/* The failure is recorded even though the sign-in fails: this transaction commits it. */
static int throttled_attempt(db_conn *c, void *ctx)
{
	sign_in_ctx *sc = ctx;
	int64_t account_id = 0;
	int rc = sc->resolve(c, sc->ctx, &account_id);
	if (rc == WEFT_ENOTFOUND)
		account_id = 0;
	else if (rc < 0)
		return rc;
	throttle_subjects s;
	throttle_subjects_of(&s, sc->req, account_id, sc->login);
	rc = throttle_check_all(c, &s, &sc->retry_after);
	if (rc == 0)
		rc = sc->attempt(c, sc->ctx);
	if (rc == WEFT_EAUTH) {
		snprintf(sc->message, sizeof sc->message, "%s", err_msg());
		sc->failed = true;
		return throttle_fail_all(c, &s) < 0 ? WEFT_ERROR : 0;
	}
	return rc == 0 ? throttle_clear_account(c, &s) : rc;
}

int throttle_sign_in(web_request *req, db *d, const char *login,
                     int (*resolve)(db_conn *c, void *ctx, int64_t *account_id),
                     int (*attempt)(db_conn *c, void *ctx), void *ctx, int64_t *retry_after_s)
{
	sign_in_ctx sc = {
		.req = req, .login = login, .resolve = resolve, .attempt = attempt, .ctx = ctx
	};
	int rc = db_tx(d, throttled_attempt, &sc);
	*retry_after_s = sc.retry_after > 0 ? sc.retry_after : 0;
	if (rc == 0 && sc.failed)
		return err_fail(WEFT_EAUTH, "%s", sc.message);
	return rc;
}
