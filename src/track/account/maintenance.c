/* The hourly cleanup: each run deletes what expired, a batch per transaction, and schedules the
 * next. */
#include "track/account/maintenance.h"

#include <stdbool.h>

#include "base/clock.h"
#include "base/log.h"

enum {
	CLEANUP_EVERY_MS = 60 * 60 * 1000,
	FAILURES_KEPT_MS = 60 * 60 * 1000, /* web/throttle.c forgets them after an hour */
};

/* Each statement deletes up to $2 rows that expired before $1 (a subquery with LIMIT: DELETE …
 * LIMIT is SQLite's only, and only when it is built so). */
static const char *const expired_sql[] = {
	"DELETE FROM sessions WHERE id IN"
	" (SELECT id FROM sessions WHERE expires_at <= $1 ORDER BY id LIMIT $2)",
	"DELETE FROM api_sessions WHERE id IN"
	" (SELECT id FROM api_sessions WHERE expires_at <= $1 ORDER BY id LIMIT $2)",
	"DELETE FROM sign_in_failures WHERE subject IN (SELECT subject FROM sign_in_failures"
	" WHERE last_failure_at < $1 ORDER BY subject LIMIT $2)",
};

typedef struct cleanup_run {
	int64_t now;
	int batch;
	int64_t removed; /* by the last attempt of the transaction: db_tx may run it again */
	bool more; /* a kind filled its batch: another may find more */
} cleanup_run;

static int delete_batches(db_conn *c, cleanup_run *run)
{
	int64_t before[] = { run->now, run->now, run->now - FAILURES_KEPT_MS };
	run->more = false;
	run->removed = 0;
	for (size_t i = 0; i < sizeof expired_sql / sizeof expired_sql[0]; i++) {
		int rc = db_exec(c, expired_sql[i], db_int(before[i]), db_int(run->batch));
		if (rc < 0)
			return rc;
		run->removed += rc;
		if (rc >= run->batch)
			run->more = true;
	}
	return 0;
}

int track_cleanup(db_conn *c, int64_t now, int batch, int64_t *removed)
{
	cleanup_run run = { .now = now, .batch = batch };
	int rc = delete_batches(c, &run);
	*removed = run.removed;
	return rc;
}

static int one_batch(db_conn *c, void *ctx)
{
	return delete_batches(c, ctx);
}

int track_cleanup_all(db *d, int64_t now, int64_t *removed)
{
	cleanup_run run = { .now = now, .batch = TRACK_CLEANUP_BATCH };
	int rc;
	*removed = 0;
	do {
		rc = db_tx(d, one_batch, &run);
		if (rc == 0)
			*removed += run.removed;
	} while (rc == 0 && run.more);
	return rc;
}

static int cleanup_job(void *ctx, const job *j)
{
	(void)j;
	db *d = ctx;
	int64_t removed = 0;
	int rc = track_cleanup_all(d, clock_now_ms(), &removed);
	if (rc == 0 && removed > 0)
		log_info("track cleanup: removed %lld expired rows", (long long)removed);
	return rc == 0 ? jobs_schedule_periodic_now(d, TRACK_CLEANUP_JOB, CLEANUP_EVERY_MS) : rc;
}

int track_maintenance_start(job_queue *q, db *d)
{
	job_queue_register(q, TRACK_CLEANUP_JOB, cleanup_job, d);
	return jobs_schedule_periodic_now(d, TRACK_CLEANUP_JOB, 0);
}
