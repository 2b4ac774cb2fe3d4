/* track's housekeeping job: removes what has expired (the pages' sessions, the REST API's
 * sessions, sign-in failure counts that no longer delay anyone), once an hour, on whichever node
 * runs it, in bounded batches so that no transaction holds the database for long. */
#ifndef WEFT_TRACK_ACCOUNT_MAINTENANCE_H
#define WEFT_TRACK_ACCOUNT_MAINTENANCE_H

#include <stdint.h>

#include "db/db.h"
#include "db/jobs.h"

#define TRACK_CLEANUP_JOB "track.cleanup"

enum { TRACK_CLEANUP_BATCH = 500 }; /* rows one transaction deletes at the most */

/* Registers the cleanup job's handler on q (d is its database) and schedules its first run (one
 * pending run at most, whatever the number of nodes). */
int track_maintenance_start(job_queue *q, db *d);

/* One batch of the cleanup inside c's transaction, as of now (epoch ms): deletes up to batch rows
 * of each kind that expired by then; *removed counts the rows deleted. Running it again deletes
 * nothing more once a batch removed fewer than batch rows of every kind. */
int track_cleanup(db_conn *c, int64_t now, int batch, int64_t *removed);

/* The whole cleanup as of now: batches of TRACK_CLEANUP_BATCH, each in its own transaction,
 * until one removes less than a full batch of every kind; *removed counts all of them. */
int track_cleanup_all(db *d, int64_t now, int64_t *removed);

#endif
