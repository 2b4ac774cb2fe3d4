/* The hourly purge of the trash: each run deletes what has waited long enough and schedules the
 * next. */
#include "hub/repo/repo_purge.h"

#include "base/clock.h"
#include "base/log.h"
#include "hub/repo/repo_storage.h"

enum { PURGE_EVERY_MS = 60 * 60 * 1000 };

static int schedule(db_conn *c, int64_t delay_ms)
{
	job_enqueue_options opt = { .dedup_key = HUB_REPO_PURGE_JOB,
		                    .delay_ms = delay_ms,
		                    .max_attempts = 3 };
	return jobs_enqueue(c, HUB_REPO_PURGE_JOB, "{}", &opt, NULL);
}

static int schedule_next(db_conn *c, void *ctx)
{
	(void)ctx;
	return schedule(c, PURGE_EVERY_MS);
}

static int purge_job(void *ctx, const job *j)
{
	(void)j;
	hub_app *app = ctx;
	int removed = 0;
	int rc = hub_repo_storage_purge(app->trash_dir, clock_now_ms() - HUB_REPO_TRASH_KEPT_MS,
	                                &removed);
	if (rc == 0 && removed > 0)
		log_info("hub purge: removed %d deleted repositories from the trash", removed);
	/* The next run is scheduled even after a failure: a bad entry must not stop the purge. */
	int next = db_tx(app->d, schedule_next, NULL);
	return rc < 0 ? rc : next;
}

static int schedule_first(db_conn *c, void *ctx)
{
	(void)ctx;
	return schedule(c, 0);
}

int hub_repo_purge_start(job_queue *q, hub_app *app)
{
	job_queue_register(q, HUB_REPO_PURGE_JOB, purge_job, app);
	return db_tx(app->d, schedule_first, NULL);
}
