/* The hourly cleanup: each run deletes what expired and schedules the next. */
#include "hub/maintenance.h"

#include "base/clock.h"
#include "base/log.h"

enum {
	CLEANUP_EVERY_MS = 60 * 60 * 1000,
	FAILURES_KEPT_MS = 60 * 60 * 1000, /* web/throttle.c forgets them after an hour */
	TOKENS_KEPT_MS =
	        30LL * 24 * 60 * 60 * 1000, /* used or expired links, kept a while for support */
};

static int delete_rows(db_conn *c, const char *sql, int64_t before, int64_t *removed)
{
	int rc = db_exec(c, sql, db_int(before));
	if (rc > 0)
		*removed += rc;
	return rc < 0 ? rc : 0;
}

int hub_cleanup(db_conn *c, int64_t *removed)
{
	int64_t now = clock_now_ms();
	*removed = 0;
	int rc = delete_rows(c, "DELETE FROM sessions WHERE expires_at <= $1", now, removed);
	if (rc == 0)
		rc = delete_rows(c, "DELETE FROM sign_in_failures WHERE last_failure_at < $1",
		                 now - FAILURES_KEPT_MS, removed);
	if (rc == 0)
		rc = delete_rows(c,
		                 "DELETE FROM tokens WHERE (used_at IS NOT NULL AND used_at < $1)"
		                 " OR expires_at < $1",
		                 now - TOKENS_KEPT_MS, removed);
	return rc;
}

static int run_cleanup(db_conn *c, void *ctx)
{
	int64_t *removed = ctx;
	int rc = hub_cleanup(c, removed);
	return rc == 0 ? jobs_schedule_periodic(c, HUB_CLEANUP_JOB, CLEANUP_EVERY_MS) : rc;
}

static int cleanup_job(void *ctx, const job *j)
{
	(void)j;
	int64_t removed = 0;
	int rc = db_tx(ctx, run_cleanup, &removed);
	if (rc == 0 && removed > 0)
		log_info("hub cleanup: removed %lld expired rows", (long long)removed);
	return rc;
}

int hub_maintenance_start(job_queue *q, db *d)
{
	job_queue_register(q, HUB_CLEANUP_JOB, cleanup_job, d);
	return jobs_schedule_periodic_now(d, HUB_CLEANUP_JOB, 0);
}
