/* The purge job: empties hub's trash of the bare repositories deleted more than a day ago, once
 * an hour, on whichever node runs it. */
#ifndef WEFT_HUB_REPO_PURGE_H
#define WEFT_HUB_REPO_PURGE_H

#include "db/jobs.h"
#include "hub/hub.h"

#define HUB_REPO_PURGE_JOB "hub.repo_purge"

enum { HUB_REPO_TRASH_KEPT_MS = 24 * 60 * 60 * 1000 };

/* Registers the job's handler on q (app gives the database and the trash folder and must outlive
 * q) and schedules its first run (one pending run at most, whatever the number of nodes). */
int hub_repo_purge_start(job_queue *q, hub_app *app);

#endif
