/* Running smart commits (connector.md, "Smart commits"): the DVCS_SMART_JOB handler. Each
 * (commit, issue key, command) runs at most once, whatever the number of times its commit is seen
 * (re-syncs, other branches, other repositories, a crash between running and recording), because
 * a command's effect and its dvcs_smart_runs row commit in one transaction. */
#ifndef WEFT_TRACK_DVCS_SMART_RUN_H
#define WEFT_TRACK_DVCS_SMART_RUN_H

#include "db/jobs.h"
#include "track/track.h"

/* Registers DVCS_SMART_JOB's handler on q; app outlives the queue. */
void dvcs_smart_register(job_queue *q, track_app *app);

/* Runs the smart commits of a DVCS_SMART_JOB payload, {"repo": ID, "commits": [HASH, …]}, commit
 * after commit in that order, each command in its own transaction as the track user whose email
 * is the commit author's, with that user's permissions. A command that cannot run (no such user,
 * no such issue, no permission, an unknown or ambiguous transition, a bad duration, no value) is
 * recorded as an error, counted on the repository (smart_error_count) and mailed to the author
 * through the outbox, one mail per commit; the others still run. Nothing runs for a repository
 * that is gone or has smart commits off, or a commit that is not stored. 0 when done;
 * WEFT_EINVALID for a bad payload; the store's error (the job is retried, and what ran is not run
 * again). */
int dvcs_smart_run(track_app *app, const char *payload);

#endif
