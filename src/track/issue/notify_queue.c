/* Queueing watchers' mail. */
#include "track/issue/notify_queue.h"

#include <stdio.h>

#include "db/jobs.h"

static int enqueue(db_conn *c, const char *kind, int64_t id)
{
	char payload[64];
	snprintf(payload, sizeof payload, "{\"%s\": %lld}", kind, (long long)id);
	return jobs_enqueue(c, TRACK_NOTIFY_JOB, payload, NULL, NULL);
}

int track_notify_change(db_conn *c, int64_t group_id)
{
	return enqueue(c, "group", group_id);
}

int track_notify_comment(db_conn *c, int64_t comment_id)
{
	return enqueue(c, "comment", comment_id);
}
