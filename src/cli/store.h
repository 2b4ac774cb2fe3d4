/* A service's store as the commands open it: its database (migrated), and its job queue with the
 * handlers of every job kind the service runs. */
#ifndef WEFT_CLI_STORE_H
#define WEFT_CLI_STORE_H

#include "base/config.h"
#include "db/db.h"
#include "db/jobs.h"
#include "hub/hub.h"
#include "mail/mail.h"
#include "track/track.h"

typedef struct cli_store {
	const char *service; /* "hub" or "track" */
	db *d;
	job_queue *jobs;
	mail_jobs *mail;
	hub_app hub; /* for the hub's store: what its handlers and jobs reach (strings owned here) */
	track_app track; /* for the track's store: what its handlers reach */
} cli_store;

/* Opens service's database (--hub-db / --track-db, or DATA/SERVICE.db) with room for pool
 * connections, and for hub fills s->hub (the database, DATA/repos, DATA/trash, this program's
 * path), for track s->track (the database, --track-hours-per-day, --track-days-per-week). The
 * message of an error names the service and the database. */
int cli_store_open(cli_store *out, const config *cfg, const char *service, int pool);

/* Applies pending migrations; *applied (may be NULL) counts them. Then drops the pages they
 * read from the idle connections' caches. */
int cli_store_migrate(cli_store *s, int *applied);

/* Creates the job queue, registers the service's handlers, and starts cfg->workers workers. */
int cli_store_start_jobs(cli_store *s, const config *cfg);

/* Stops the workers (waiting up to timeout_seconds for running jobs) and closes the database. */
void cli_store_close(cli_store *s, int timeout_seconds);

#endif
