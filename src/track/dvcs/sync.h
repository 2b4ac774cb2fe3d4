/* The sync's steps below the job, for the job itself, the benchmark and the tests. */
#ifndef WEFT_TRACK_DVCS_SYNC_H
#define WEFT_TRACK_DVCS_SYNC_H

#include <stdint.h>

#include "base/arena.h"
#include "db/jobs.h"
#include "track/track.h"

/* A sync of the repository from its mirror at path as it is now, without fetching and without
 * pull requests: starts the run (reads and clears sync_full: a full run forgets what is stored
 * first), walks the commits new since the recorded heads, stores them in batches, settles the
 * branches and what a force push dropped, and marks the run done. Nothing happens to a
 * repository that is gone, unlinked or deleted. */
int dvcs_sync_mirror(track_app *app, arena *a, int64_t repo_id, const char *path);

/* Runs one DVCS_SYNC_JOB (payload {"repo": ID}) to its end in the calling thread: what the job
 * queue's worker calls. The job's lease is extended with every batch stored (job_heartbeat), so
 * a backfill longer than a lease is not claimed twice; WEFT_ECONFLICT when it was all the same.
 * WEFT_EINVALID for a bad payload; the run's error otherwise (the repository then shows it as
 * failed). */
int dvcs_sync_run(track_app *app, const job *j);

#endif
