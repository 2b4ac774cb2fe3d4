/* The sync job, its triggers and the periodic job. */
#include <stdio.h>

#include "base/clock.h"
#include "track/dvcs/discover.h"
#include "track/dvcs/dvcs.h"

/* The job carries only the repository: whether the next run is full is the repository's
 * sync_full flag, which the run reads and clears as it starts. So a full request absorbed by a
 * queued soft one still makes that run full, and one that arrives during a run makes the
 * follow-up full. */
int dvcs_sync_enqueue(db_conn *c, int64_t repo_id, bool full)
{
	char payload[64], dedup[64];
	snprintf(payload, sizeof payload, "{\"repo\": %lld}", (long long)repo_id);
	snprintf(dedup, sizeof dedup, "dvcs.sync:%lld", (long long)repo_id);
	int rc = db_exec(
	        c,
	        "UPDATE dvcs_repos SET sync_full = CASE WHEN $2 = 1 THEN 1 ELSE sync_full END,"
	        " sync_state = CASE WHEN sync_state = 'running' THEN 'running'"
	        " ELSE 'queued' END, updated_at = $3 WHERE id = $1",
	        db_int(repo_id), db_int(full ? 1 : 0), db_int(clock_now_ms()));
	if (rc < 0)
		return rc;
	job_enqueue_options opt = { .dedup_key = dedup };
	return jobs_enqueue(c, DVCS_SYNC_JOB, payload, &opt, NULL);
}

/* The handlers arrive with the sync engine (sync job, periodic job) and with discovery and
 * smart commits; each part registers its kinds here. */
int dvcs_jobs_start(job_queue *q, track_app *app)
{
	job_queue_register(q, DVCS_DISCOVER_JOB, dvcs_discover_job, app);
	job_queue_register(q, DVCS_UNLINK_JOB, dvcs_unlink_job, app);
	return 0;
}
