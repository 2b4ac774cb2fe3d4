/* The hourly purge of the trash: each run deletes what has waited long enough and schedules the
 * next. */
#include "hub/repo/repo_purge.h"

#include "base/clock.h"
#include "base/log.h"
#include "hub/repo/repo_storage.h"

enum { PURGE_EVERY_MS = 60 * 60 * 1000 };

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
	int next = jobs_schedule_periodic_now(app->d, HUB_REPO_PURGE_JOB, PURGE_EVERY_MS);
	return rc < 0 ? rc : next;
}

int hub_repo_purge_start(job_queue *q, hub_app *app)
{
	job_queue_register(q, HUB_REPO_PURGE_JOB, purge_job, app);
	return jobs_schedule_periodic_now(app->d, HUB_REPO_PURGE_JOB, 0);
}
