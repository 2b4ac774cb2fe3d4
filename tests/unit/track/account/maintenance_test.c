/* Tests of src/track/account/maintenance.c on both engines, with a fixed clock: the cleanup
 * deletes exactly the sessions, API sessions and sign-in failure counts that expired by then, a
 * bounded batch per kind and transaction, nothing more when run again; the whole cleanup goes on
 * batch after batch until nothing expired is left; its job schedules one next run however often
 * it is started. */
#include "../issues_env.h"

#include <string.h>

#include "db/jobs.h"
#include "track/account/maintenance.h"

static const int64_t NOW = 1700000000000; /* the fixed clock: 2023-11-14T22:13:20Z */
enum { HOUR = 60 * 60 * 1000 };

static void add_session(env *e, const char *table, const char *hash, int64_t user_id,
                        int64_t expires_at)
{
	const char *sql =
	        strcmp(table, "sessions") == 0
	                ? "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at,"
	                  " last_seen_at, expires_at) VALUES ($1, $2, 'x', 0, 0, $3)"
	                : "INSERT INTO api_sessions (token_hash, user_id, created_at,"
	                  " expires_at) VALUES ($1, $2, 0, $3)";
	assert_int_equal(db_exec(e->c, sql, db_text(hash), db_int(user_id), db_int(expires_at)), 1);
}

static void add_failures(env *e, const char *subject, int64_t last_failure_at)
{
	assert_int_equal(db_exec(e->c,
	                         "INSERT INTO sign_in_failures (subject, failures, last_failure_at)"
	                         " VALUES ($1, 5, $2)",
	                         db_text(subject), db_int(last_failure_at)),
	                 1);
}

static int64_t count(env *e, const char *sql)
{
	return fixture_scalar(e->f->d, sql);
}

static void cleanup_removes_what_expired_in_batches(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	add_session(&e, "sessions", "s-old", alice.id, NOW - HOUR);
	add_session(&e, "sessions", "s-older", alice.id, NOW - 2 * HOUR);
	add_session(&e, "sessions", "s-just", alice.id, NOW); /* expires at NOW: expired */
	add_session(&e, "sessions", "s-live", alice.id, NOW + 1);
	add_session(&e, "api_sessions", "a-old", alice.id, NOW - 1);
	add_session(&e, "api_sessions", "a-just", alice.id, NOW);
	add_session(&e, "api_sessions", "a-live", alice.id, NOW + HOUR);
	add_failures(&e, "stale", NOW - HOUR - 1);
	add_failures(&e, "recent", NOW - 60 * 1000);

	/* Batches of 2: two sessions, both API sessions, the stale failure count. */
	int64_t removed = -1;
	ok(track_cleanup(e.c, NOW, 2, &removed));
	assert_int_equal(removed, 5);
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM sessions"), 2);
	/* The next batch takes the last expired session; then there is nothing to do. */
	ok(track_cleanup(e.c, NOW, 2, &removed));
	assert_int_equal(removed, 1);
	ok(track_cleanup(e.c, NOW, 2, &removed));
	assert_int_equal(removed, 0);
	ok(track_cleanup_all(e.f->d, NOW, &removed));
	assert_int_equal(removed, 0);

	assert_int_equal(count(&e, "SELECT COUNT(*) FROM sessions WHERE token_hash = 's-live'"), 1);
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM sessions"), 1);
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM api_sessions WHERE token_hash = 'a-live'"),
	                 1);
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM api_sessions"), 1);
	assert_int_equal(
	        count(&e, "SELECT COUNT(*) FROM sign_in_failures WHERE subject = 'recent'"), 1);
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM sign_in_failures"), 1);

	/* An hour later the live API session has expired too, the page session not yet... */
	ok(track_cleanup_all(e.f->d, NOW + HOUR, &removed));
	assert_int_equal(removed, 3); /* s-live, a-live, and the failure count kept an hour */
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM sessions") +
	                         count(&e, "SELECT COUNT(*) FROM api_sessions") +
	                         count(&e, "SELECT COUNT(*) FROM sign_in_failures"),
	                 0);
	end(&e);
}

static void cleanup_all_goes_on_until_nothing_expired_is_left(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	int total = 2 * TRACK_CLEANUP_BATCH + 1; /* three transactions */
	assert_int_equal(db_exec(e.c,
	                         "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	                         " WHERE i < $3) INSERT INTO sessions (token_hash, user_id,"
	                         " csrf_token, created_at, last_seen_at, expires_at)"
	                         " SELECT 'h' || CAST(i AS TEXT), $1, 'x', 0, 0, $2 FROM n",
	                         db_int(alice.id), db_int(NOW - 1), db_int(total)),
	                 total);
	add_session(&e, "sessions", "live", alice.id, NOW + HOUR);
	int64_t removed = 0;
	ok(track_cleanup_all(e.f->d, NOW, &removed));
	assert_int_equal(removed, total);
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM sessions"), 1);
	end(&e);
}

static void one_next_run_is_scheduled(void **state)
{
	env e = begin(state);
	job_queue *q;
	job_queue_options opt = job_queue_defaults();
	opt.workers = 0;
	ok(job_queue_new(&q, e.f->d, "test", &opt));
	ok(track_maintenance_start(q, e.f->d));
	ok(track_maintenance_start(q, e.f->d)); /* a second node starting */
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM jobs WHERE kind = 'track.cleanup'"), 1);
	bool ran;
	ok(job_queue_run_one(q, &ran));
	assert_true(ran);
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM jobs WHERE kind = 'track.cleanup'"
	                           " AND state = 'pending' AND run_after > created_at + 3000000"),
	                 1);
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM jobs WHERE kind = 'track.cleanup'"
	                           " AND state = 'done'"),
	                 1);
	job_queue_stop(q, 5);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cleanup_removes_what_expired_in_batches),
		cmocka_unit_test(cleanup_all_goes_on_until_nothing_expired_is_left),
		cmocka_unit_test(one_next_run_is_scheduled),
	};
	return fixture_run_engine_tests("track/account/maintenance", tests,
	                                sizeof tests / sizeof tests[0], 3);
}
