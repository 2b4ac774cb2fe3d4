/* hub's housekeeping job: removes what has expired (sessions, sign-in failure counts that no
 * longer delay anyone, used or expired tokens), once an hour, on whichever node runs it. */
#ifndef WEFT_HUB_MAINTENANCE_H
#define WEFT_HUB_MAINTENANCE_H

#include "db/db.h"
#include "db/jobs.h"

#define HUB_CLEANUP_JOB "hub.cleanup"

/* Registers the cleanup job's handler on q (d is its database) and schedules its first run (one
 * pending run at most, whatever the number of nodes). */
int hub_maintenance_start(job_queue *q, db *d);

/* One cleanup now, inside c's transaction; *removed counts the rows deleted. */
int hub_cleanup(db_conn *c, int64_t *removed);

#endif
