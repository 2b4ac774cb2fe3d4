/* Queueing the sweep of stored attachment files. */
#include "track/issue/attachment_queue.h"

#include "db/jobs.h"

int track_attachment_sweep_enqueue(db_conn *c)
{
	job_enqueue_options opt = { .dedup_key = TRACK_ATTACHMENT_SWEEP_JOB };
	return jobs_enqueue(c, TRACK_ATTACHMENT_SWEEP_JOB, "{}", &opt, NULL);
}
