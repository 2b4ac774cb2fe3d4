/* Tests of src/db/jobs.c on both engines: enqueueing inside transactions, de-duplication,
 * exactly one claim among threads and processes, backoff and dead jobs, a worker killed mid-job,
 * wake-ups, and the administration calls. */
#include "fixture.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"
#include "db/jobs.h"
#include "db/migrate.h"
#include "plan.h"

static fixture *begin(void **state)
{
	fixture *f = *state;
	int applied;
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	db_conn *c;
	db_conn_get(&c, f->d);
	assert_int_equal(db_exec_script(c, "CREATE TABLE ran (job_id BIGINT NOT NULL, note TEXT)"),
	                 0);
	db_conn_put(c);
	return f;
}

typedef struct enqueue_ctx {
	const char *kind, *payload;
	job_enqueue_options opt;
	bool enqueued;
	bool fail_after;
	int count;
} enqueue_ctx;

static int enqueue(db_conn *c, void *ctx)
{
	enqueue_ctx *e = ctx;
	for (int i = 0; i < (e->count ? e->count : 1); i++) {
		int rc = jobs_enqueue(c, e->kind, e->payload, &e->opt, &e->enqueued);
		if (rc < 0)
			return rc;
	}
	return e->fail_after ? err_fail(WEFT_EINVALID, "rolled back") : 0;
}

/* Records each run in the ran table, in its own transaction, as a real handler would. */
typedef struct record_ctx {
	db *d;
	int fail_first; /* fail this many attempts of each job */
	int code; /* with this code */
	atomic_int runs;
	char last_payload[128];
} record_ctx;

typedef struct ran_row {
	int64_t id;
	int attempt;
} ran_row;

static int insert_ran(db_conn *c, void *ctx)
{
	ran_row *r = ctx;
	char note[16];
	snprintf(note, sizeof note, "%d", r->attempt);
	int rc = db_exec(c, "INSERT INTO ran (job_id, note) VALUES ($1, $2)", db_int(r->id),
	                 db_text(note));
	return rc < 0 ? rc : 0;
}

static int record(void *ctx, const job *j)
{
	record_ctx *r = ctx;
	atomic_fetch_add(&r->runs, 1);
	snprintf(r->last_payload, sizeof r->last_payload, "%s", j->payload);
	ran_row row = { j->id, j->attempts };
	int rc = db_tx(r->d, insert_ran, &row);
	if (rc < 0)
		return rc;
	if (j->attempts <= r->fail_first)
		return err_fail(r->code ? r->code : WEFT_ERROR, "failure %d", j->attempts);
	return 0;
}

static job_queue *new_queue(db *d, int workers, int64_t lease_ms, int64_t poll_ms)
{
	job_queue_options opt = job_queue_defaults();
	opt.workers = workers;
	opt.lease_ms = lease_ms;
	opt.poll_ms = poll_ms;
	opt.backoff_base_ms = 1;
	opt.backoff_cap_ms = 4;
	job_queue *q;
	assert_int_equal(job_queue_new(&q, d, "test", &opt), 0);
	return q;
}

static void enqueue_commits_with_the_change(void **state)
{
	fixture *f = begin(state);
	enqueue_ctx rolled = { "test.record", "{\"n\":1}", { 0 }, false, true, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &rolled), WEFT_EINVALID);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs"), 0);
	enqueue_ctx kept = { "test.record", "{\"n\":2}", { 0 }, false, false, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &kept), 0);
	assert_true(kept.enqueued);
	record_ctx r = { .d = f->d };
	job_queue *q = new_queue(f->d, 0, 60000, 1000);
	job_queue_register(q, "test.record", record, &r);
	bool ran;
	assert_int_equal(job_queue_run_one(q, &ran), 0);
	assert_true(ran);
	assert_string_equal(r.last_payload, "{\"n\":2}");
	assert_int_equal(job_queue_run_one(q, &ran), 0);
	assert_false(ran);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 1);
	job_queue_stop(q, 5);
}

static void pending_duplicates_are_suppressed(void **state)
{
	fixture *f = begin(state);
	enqueue_ctx e = { "test.record", "{}", { .dedup_key = "repo:1" }, false, false, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	assert_true(e.enqueued);
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	assert_false(e.enqueued);
	e.count = 3; /* three times in one transaction: still one */
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs"), 1);
	/* once the job runs, a new change needs a new run */
	db_conn *c;
	db_conn_get(&c, f->d);
	assert_int_equal(db_exec(c, "UPDATE jobs SET state = 'running'", DB_END), 1);
	db_conn_put(c);
	e.count = 1;
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	assert_true(e.enqueued);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs"), 2);
}

/* A suppressed duplicate never postpones the work: a pending twin queued far out (a periodic
 * job's next run) runs as soon as the duplicate asked, and a later duplicate moves nothing. */
static void a_sooner_duplicate_brings_its_twin_forward(void **state)
{
	fixture *f = begin(state);
	enqueue_ctx later = { "test.record", "{}",  { .dedup_key = "periodic", .delay_ms = 600000 },
		              false,         false, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &later), 0);
	assert_true(later.enqueued);
	record_ctx r = { .d = f->d };
	job_queue *q = new_queue(f->d, 0, 60000, 1000);
	job_queue_register(q, "test.record", record, &r);
	bool ran;
	assert_int_equal(job_queue_run_one(q, &ran), 0);
	assert_false(ran); /* ten minutes out */
	enqueue_ctx even_later = {
		"test.record", "{}",  { .dedup_key = "periodic", .delay_ms = 3600000 },
		false,         false, 0
	};
	assert_int_equal(db_tx(f->d, enqueue, &even_later), 0);
	assert_false(even_later.enqueued);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs WHERE run_after > "
	                                      "created_at + 900000"),
	                 0);
	enqueue_ctx now = { "test.record", "{}", { .dedup_key = "periodic" }, false, false, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &now), 0);
	assert_false(now.enqueued);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs"), 1);
	assert_int_equal(job_queue_run_one(q, &ran), 0);
	assert_true(ran);
	assert_int_equal(atomic_load(&r.runs), 1);
	job_queue_stop(q, 5);
}

static void failures_back_off_then_die(void **state)
{
	fixture *f = begin(state);
	enqueue_ctx e = { "test.record", "{}", { .max_attempts = 3 }, false, false, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	record_ctx r = { .d = f->d, .fail_first = 100 };
	job_queue *q = new_queue(f->d, 0, 60000, 1000);
	job_queue_register(q, "test.record", record, &r);
	for (int i = 0;
	     i < 200 && fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs WHERE state = 'dead'") == 0;
	     i++) {
		bool ran;
		job_queue_run_one(q, &ran);
		if (!ran)
			usleep(2000); /* the backoff, at most a few ms here */
	}
	assert_int_equal(atomic_load(&r.runs), 3);
	assert_int_equal(fixture_scalar(f->d, "SELECT attempts FROM jobs"), 3);
	assert_int_equal(
	        fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs WHERE state = 'dead'"
	                             " AND last_error = 'failure 3' AND finished_at IS NOT NULL"),
	        1);
	/* a job that can never succeed dies at once */
	enqueue_ctx bad = { "test.invalid", "{}", { 0 }, false, false, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &bad), 0);
	record_ctx never = { .d = f->d, .fail_first = 100, .code = WEFT_EINVALID };
	job_queue_register(q, "test.invalid", record, &never);
	bool ran;
	assert_int_equal(job_queue_run_one(q, &ran), 0);
	assert_int_equal(fixture_scalar(f->d,
	                                "SELECT COUNT(*) FROM jobs WHERE kind = 'test.invalid'"
	                                " AND state = 'dead' AND attempts = 1"),
	                 1);
	/* an unknown kind dies too, with a message saying so */
	enqueue_ctx unknown = { "test.unknown", "{}", { 0 }, false, false, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &unknown), 0);
	assert_int_equal(job_queue_run_one(q, &ran), 0);
	assert_int_equal(fixture_scalar(f->d,
	                                "SELECT COUNT(*) FROM jobs WHERE kind = 'test.unknown'"
	                                " AND state = 'dead' AND last_error LIKE '%no handler%'"),
	                 1);
	/* retry brings a dead job back with fresh attempts */
	int64_t id = fixture_scalar(f->d, "SELECT id FROM jobs WHERE kind = 'test.record'");
	assert_int_equal(jobs_retry(f->d, id), 0);
	r.fail_first = 0;
	assert_int_equal(job_queue_run_one(q, &ran), 0);
	assert_true(ran);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM jobs WHERE id = %lld AND state = 'done'",
	         (long long)id);
	assert_int_equal(fixture_scalar(f->d, sql), 1);
	assert_int_equal(jobs_retry(f->d, id), WEFT_ECONFLICT);
	assert_int_equal(jobs_retry(f->d, 987654), WEFT_ENOTFOUND);
	int64_t deleted;
	assert_int_equal(jobs_purge(f->d, 0, &deleted), 0);
	assert_int_equal(deleted, 1);
	job_queue_stop(q, 5);
}

static bool wait_until(db *d, const char *sql, int64_t want, int seconds)
{
	for (int i = 0; i < seconds * 100; i++) {
		if (fixture_scalar(d, sql) == want)
			return true;
		usleep(10000);
	}
	return false;
}

static void each_job_is_claimed_by_one_worker(void **state)
{
	fixture *f = begin(state);
	enqueue_ctx e = { "test.record", "{}", { 0 }, false, false, 150 };
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	record_ctx r = { .d = f->d };
	job_queue *q = new_queue(f->d, 4, 60000, 50);
	job_queue_register(q, "test.record", record, &r);
	assert_int_equal(job_queue_start(q), 0);
	assert_true(wait_until(f->d, "SELECT COUNT(*) FROM jobs WHERE state = 'done'", 150, 60));
	job_queue_stop(q, 10);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM ran"), 150);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(DISTINCT job_id) FROM ran"), 150);
}

static void each_job_is_claimed_by_one_process(void **state)
{
	fixture *f = begin(state);
	enqueue_ctx e = { "test.record", "{}", { 0 }, false, false, 120 };
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			db *own;
			if (db_open(&own, f->fx.url, 4) < 0)
				_exit(2);
			record_ctx r = { .d = own };
			job_queue *q = new_queue(own, 2, 60000, 20);
			job_queue_register(q, "test.record", record, &r);
			job_queue_start(q);
			wait_until(own, "SELECT COUNT(*) FROM jobs WHERE state <> 'done'", 0, 60);
			job_queue_stop(q, 10);
			db_close(own);
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++) {
		int status;
		waitpid(kids[k], &status, 0);
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs WHERE state = 'done'"),
	                 120);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM ran"), 120);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(DISTINCT job_id) FROM ran"), 120);
}

/* A handler that runs 2.5 s, ten times its lease, beating the lease every 50 ms or not. */
typedef struct long_ctx {
	db *d;
	bool beat;
	atomic_int runs;
	atomic_int lost; /* heartbeats that found the lease gone */
} long_ctx;

typedef struct beat_ctx {
	const job *j;
} beat_ctx;

static int beat(db_conn *c, void *ctx)
{
	return job_heartbeat(c, ((beat_ctx *)ctx)->j);
}

static int run_long(void *ctx, const job *j)
{
	long_ctx *l = ctx;
	atomic_fetch_add(&l->runs, 1);
	beat_ctx b = { j };
	for (int i = 0; i < 50; i++) {
		usleep(50000);
		if (l->beat && db_tx(l->d, beat, &b) == WEFT_ECONFLICT)
			atomic_fetch_add(&l->lost, 1);
	}
	return 0;
}

static int long_job_runs(fixture *f, bool with_beat)
{
	enqueue_ctx e = { "test.long", "{}", { 0 }, false, false, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	long_ctx l = { .d = f->d, .beat = with_beat };
	job_queue *q = new_queue(f->d, 2, 250, 20);
	job_queue_register(q, "test.long", run_long, &l);
	assert_int_equal(job_queue_start(q), 0);
	assert_true(wait_until(f->d, "SELECT COUNT(*) FROM jobs WHERE state <> 'done'", 0, 30));
	job_queue_stop(q, 10);
	assert_int_equal(atomic_load(&l.lost), 0);
	return atomic_load(&l.runs);
}

/* A job ten times longer than its lease: without a heartbeat the other worker takes it over
 * (the set-up can tell), with one it runs once. */
static void a_heartbeat_keeps_a_long_job_with_its_worker(void **state)
{
	fixture *f = begin(state);
	assert_true(long_job_runs(f, false) >= 2);
	db_conn *c;
	db_conn_get(&c, f->d);
	assert_true(db_exec(c, "DELETE FROM jobs", DB_END) >= 0);
	db_conn_put(c);
	assert_int_equal(long_job_runs(f, true), 1);
}

/* A heartbeat after the lease went to another owner fails, and extends nothing. */
static int take_over_then_beat(void *ctx, const job *j)
{
	db *d = ctx;
	db_conn *c;
	db_conn_get(&c, d);
	int rc =
	        db_exec(c, "UPDATE jobs SET lease_owner = 'other', lease_expires = 5 WHERE id = $1",
	                db_int(j->id));
	db_conn_put(c);
	if (rc != 1)
		return err_fail(WEFT_ERROR, "the take-over changed %d rows", rc);
	beat_ctx b = { j };
	rc = db_tx(d, beat, &b);
	return rc == WEFT_ECONFLICT ? 0 : err_fail(WEFT_ERROR, "the heartbeat gave %d", rc);
}

static void a_heartbeat_after_a_take_over_fails(void **state)
{
	fixture *f = begin(state);
	enqueue_ctx e = { "test.take", "{}", { 0 }, false, false, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	job_queue *q = new_queue(f->d, 0, 60000, 1000);
	job_queue_register(q, "test.take", take_over_then_beat, f->d);
	bool ran;
	assert_int_equal(job_queue_run_one(q, &ran), 0);
	assert_true(ran);
	job_queue_stop(q, 5);
	assert_int_equal(fixture_scalar(f->d, "SELECT lease_expires FROM jobs"), 5);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs WHERE state = 'running'"
	                                      " AND lease_owner = 'other'"),
	                 1);
}

static void enqueue_wakes_a_sleeping_worker(void **state)
{
	fixture *f = begin(state);
	record_ctx r = { .d = f->d };
	/* a poll far longer than the wait below: only a wake-up can run the job in time */
	job_queue *q = new_queue(f->d, 1, 60000, 120000);
	job_queue_register(q, "test.record", record, &r);
	assert_int_equal(job_queue_start(q), 0);
	usleep(100000); /* let the worker go to sleep */
	enqueue_ctx e = { "test.record", "{}", { 0 }, false, false, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	assert_true(wait_until(f->d, "SELECT COUNT(*) FROM jobs WHERE state = 'done'", 1, 20));
	if (f->fx.engine == DB_POSTGRES) {
		/* another process's enqueue arrives through NOTIFY */
		pid_t kid = fork();
		if (kid == 0) {
			db *own;
			if (db_open(&own, f->fx.url, 1) < 0)
				_exit(2);
			int rc = db_tx(own, enqueue, &e);
			db_close(own);
			_exit(rc < 0);
		}
		int status;
		waitpid(kid, &status, 0);
		assert_int_equal(WEXITSTATUS(status), 0);
		assert_true(
		        wait_until(f->d, "SELECT COUNT(*) FROM jobs WHERE state = 'done'", 2, 20));
	}
	job_queue_stop(q, 5);
}

static int hang(void *ctx, const job *j)
{
	(void)j;
	db *d = ctx;
	ran_row row = { j->id, j->attempts };
	db_tx(d, insert_ran, &row);
	sleep(120);
	return 0;
}

static void a_killed_worker_loses_no_job(void **state)
{
	fixture *f = begin(state);
	enqueue_ctx e = { "test.record", "{\"important\":true}", { 0 }, false, false, 0 };
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	pid_t kid = fork();
	if (kid == 0) {
		db *own;
		if (db_open(&own, f->fx.url, 2) < 0)
			_exit(2);
		job_queue *q = new_queue(own, 1, 800, 20);
		job_queue_register(q, "test.record", hang, own);
		job_queue_start(q);
		sleep(120);
		_exit(0);
	}
	assert_true(wait_until(f->d, "SELECT COUNT(*) FROM ran", 1, 30));
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs WHERE state = 'running'"),
	                 1);
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	record_ctx r = { .d = f->d };
	job_queue *q = new_queue(f->d, 0, 60000, 1000);
	job_queue_register(q, "test.record", record, &r);
	bool ran = false;
	for (int i = 0; i < 500 && !ran; i++) {
		job_queue_run_one(q, &ran);
		if (!ran)
			usleep(10000);
	}
	assert_true(ran);
	assert_string_equal(r.last_payload, "{\"important\":true}");
	assert_int_equal(fixture_scalar(f->d, "SELECT attempts FROM jobs"), 2);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 1);
	job_queue_stop(q, 5);
}

static void count_row(void *ctx, const job_row *row)
{
	int *n = ctx;
	if (strcmp(row->kind, "test.record") == 0 && strcmp(row->state, "pending") == 0)
		(*n)++;
}

static void listing_filters_by_state(void **state)
{
	fixture *f = begin(state);
	enqueue_ctx e = { "test.record", "{}", { 0 }, false, false, 5 };
	assert_int_equal(db_tx(f->d, enqueue, &e), 0);
	int n = 0;
	assert_int_equal(jobs_list(f->d, "pending", 3, count_row, &n), 0);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(jobs_list(f->d, "dead", 10, count_row, &n), 0);
	assert_int_equal(n, 0);
	n = 0;
	assert_int_equal(jobs_list(f->d, NULL, 10, count_row, &n), 0);
	assert_int_equal(n, 5);
}

/* The claim every worker runs, on the engine's own statement: the partial index of ready jobs,
 * never a scan of the whole queue (which keeps every finished job until the purge). */
static void claiming_reads_the_ready_index(void **state)
{
	fixture *f = begin(state);
	db_engine e = db_engine_of(f->d);
	char *plan = NULL;
	const db_arg args[] = { db_text("worker"), db_int(2000), db_int(1000), DB_END };
	assert_int_equal(plan_explain(f->d, jobs_claim_sql(e), args, &plan), 0);
	if (plan_scans(e, plan, "jobs", NULL))
		fail_msg("the claim scans jobs:\n%s", plan);
	assert_non_null(strstr(plan, "jobs_ready"));
	free(plan);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(enqueue_commits_with_the_change),
		cmocka_unit_test(pending_duplicates_are_suppressed),
		cmocka_unit_test(a_sooner_duplicate_brings_its_twin_forward),
		cmocka_unit_test(failures_back_off_then_die),
		cmocka_unit_test(each_job_is_claimed_by_one_worker),
		cmocka_unit_test(each_job_is_claimed_by_one_process),
		cmocka_unit_test(enqueue_wakes_a_sleeping_worker),
		cmocka_unit_test(a_killed_worker_loses_no_job),
		cmocka_unit_test(a_heartbeat_keeps_a_long_job_with_its_worker),
		cmocka_unit_test(a_heartbeat_after_a_take_over_fails),
		cmocka_unit_test(listing_filters_by_state),
		cmocka_unit_test(claiming_reads_the_ready_index),
	};
	return fixture_run_service_tests("jobs", "hub", tests, sizeof tests / sizeof tests[0], 8);
}
