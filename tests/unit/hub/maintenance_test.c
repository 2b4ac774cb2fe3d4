/* Tests of src/hub/maintenance.c on both engines: the cleanup deletes exactly what expired, and
 * its job schedules one next run however often it is started. */
#include "../db/fixture.h"

#include <string.h>

#include "base/clock.h"
#include "db/migrate.h"
#include "hub/account/account.h"
#include "hub/maintenance.h"

static int populate(db_conn *c, void *ctx)
{
	arena *a = ctx;
	account_new n = {
		"alice", "alice@example.com", "a long enough password", NULL, true, false
	};
	hub_user u;
	int rc = hub_account_create(c, a, &n, &u);
	int64_t now = clock_now_ms(), hour = 60 * 60 * 1000, month = 31LL * 24 * hour;
	const char *sessions = "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at,"
	                       " last_seen_at, expires_at) VALUES ($1, $2, 'x', 0, 0, $3)";
	if (rc == 0)
		rc = db_exec(c, sessions, db_text("old"), db_int(u.id), db_int(now - 1));
	if (rc >= 0)
		rc = db_exec(c, sessions, db_text("live"), db_int(u.id), db_int(now + hour));
	const char *failures = "INSERT INTO sign_in_failures (subject, failures, last_failure_at)"
	                       " VALUES ($1, 5, $2)";
	if (rc >= 0)
		rc = db_exec(c, failures, db_text("stale"), db_int(now - 2 * hour));
	if (rc >= 0)
		rc = db_exec(c, failures, db_text("recent"), db_int(now - 60 * 1000));
	const char *tokens =
	        "INSERT INTO tokens (kind, token_hash, user_id, created_at, expires_at,"
	        " used_at) VALUES ('confirm', $1, $2, 0, $3, $4)";
	if (rc >= 0)
		rc = db_exec(c, tokens, db_text("long-used"), db_int(u.id), db_int(now + hour),
		             db_int(now - month));
	if (rc >= 0)
		rc = db_exec(c, tokens, db_text("just-used"), db_int(u.id), db_int(now + hour),
		             db_int(now - hour));
	if (rc >= 0)
		rc = db_exec(c, tokens, db_text("long-expired"), db_int(u.id), db_int(now - month),
		             db_null());
	return rc < 0 ? rc : 0;
}

static int cleanup(db_conn *c, void *ctx)
{
	return hub_cleanup(c, ctx);
}

static void cleanup_removes_what_expired(void **state)
{
	fixture *f = *state;
	int applied;
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	arena *a = arena_new();
	assert_int_equal(db_tx(f->d, populate, a), 0);
	int64_t removed = 0;
	assert_int_equal(db_tx(f->d, cleanup, &removed), 0);
	assert_int_equal(removed, 4);
	assert_int_equal(
	        fixture_scalar(f->d, "SELECT COUNT(*) FROM sessions WHERE token_hash = 'live'"), 1);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM sessions"), 1);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM sign_in_failures"), 1);
	assert_int_equal(
	        fixture_scalar(f->d, "SELECT COUNT(*) FROM tokens WHERE token_hash = 'just-used'"),
	        1);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM tokens"), 1);
	arena_free(a);
}

static void one_next_run_is_scheduled(void **state)
{
	fixture *f = *state;
	int applied;
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	job_queue *q;
	job_queue_options opt = job_queue_defaults();
	opt.workers = 0;
	assert_int_equal(job_queue_new(&q, f->d, "test", &opt), 0);
	assert_int_equal(hub_maintenance_start(q, f->d), 0);
	assert_int_equal(hub_maintenance_start(q, f->d), 0); /* a second node starting */
	assert_int_equal(
	        fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs WHERE kind = 'hub.cleanup'"), 1);
	bool ran;
	assert_int_equal(job_queue_run_one(q, &ran), 0);
	assert_true(ran);
	assert_int_equal(
	        fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs WHERE kind = 'hub.cleanup'"
	                             " AND state = 'pending' AND run_after > created_at + 3000000"),
	        1);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 1);
	job_queue_stop(q, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cleanup_removes_what_expired),
		cmocka_unit_test(one_next_run_is_scheduled),
	};
	return fixture_run_service_tests("maintenance", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 4);
}
