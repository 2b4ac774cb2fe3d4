/* The durable job queue of one service's database: work that outlives a request (webhook
 * deliveries, mail, repository syncs). A job is enqueued inside the caller's transaction, so it
 * exists exactly when the change that asked for it committed; workers claim it with a lease, run
 * its kind's handler, and mark it done, or schedule a retry with exponential backoff and jitter,
 * or keep it as dead with its last error after its last attempt. A lease that expires (a worker
 * that crashed or was killed) makes the job claimable again: jobs run at least once, so every
 * handler must be idempotent. Enqueueing wakes a worker at once: a condition variable in the
 * process, LISTEN/NOTIFY between PostgreSQL nodes; a slow poll is only the fallback. */
#ifndef WEFT_DB_JOBS_H
#define WEFT_DB_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

typedef struct job {
	int64_t id;
	const char *kind;
	const char *payload; /* JSON text */
	int attempts; /* including this one */
	int max_attempts;
	int64_t enqueued_at; /* epoch ms */
	const char *lease_owner; /* the claim's owner, for job_heartbeat */
	int64_t lease_ms; /* the claim's length */
} job;

/* Runs one job. 0: done. WEFT_EINVALID: the job can never succeed (a bad payload); it goes dead
 * at once. Any other error: try again later; err_msg() becomes its last error. */
typedef int (*job_fn)(void *ctx, const job *j);

typedef struct job_enqueue_options {
	/* A pending job with the same key already queued makes this a no-op, except that the
	 * pending one then runs no later than this one would have. */
	const char *dedup_key;
	int64_t delay_ms; /* run no sooner than this from now */
	int max_attempts; /* 0: the default, 10 */
} job_enqueue_options;

/* Adds a job inside c's current transaction; opt may be NULL. Workers of this process wake when
 * the transaction commits. *enqueued (may be NULL) is false when dedup_key suppressed it (its
 * pending twin's run-after time is then moved up to this one's when that is sooner). */
int jobs_enqueue(db_conn *c, const char *kind, const char *payload, const job_enqueue_options *opt,
                 bool *enqueued);

/* A periodic job of kind (payload "{}"): its next run, delay_ms from now, in c's transaction,
 * de-duplicated by kind, so that one run waits however many nodes start or runs end; 3 attempts
 * each. */
int jobs_schedule_periodic(db_conn *c, const char *kind, int64_t delay_ms);
/* The same in a transaction of its own on d: for a service's start (the first run) and for the
 * end of a run that is not one transaction. */
int jobs_schedule_periodic_now(db *d, const char *kind, int64_t delay_ms);

/* For a handler that may run longer than a lease: the running job j's lease lasts lease_ms
 * again from now, written in c's current transaction (call it with each batch of the work).
 * WEFT_ECONFLICT when the lease is no longer j's worker's (it expired and the job was taken
 * over, or reclaimed): the handler should stop. */
int job_heartbeat(db_conn *c, const job *j);

typedef struct job_queue_options {
	int workers; /* threads; 0 runs none (jobs wait for another node or process) */
	int64_t lease_ms; /* how long a claim lasts before others may take the job over */
	int64_t backoff_base_ms; /* the first retry's delay; doubles each time, with jitter */
	int64_t backoff_cap_ms;
	int64_t poll_ms; /* the fallback poll when nothing wakes the workers */
	int64_t retention_ms; /* finished jobs older than this are purged */
} job_queue_options;

/* Sensible defaults: 2 workers, 5-minute leases, retries from 1 s to 1 h, 1 s polls, 7 days. */
job_queue_options job_queue_defaults(void);

typedef struct job_queue job_queue;

int job_queue_new(job_queue **out, db *d, const char *name, const job_queue_options *opt);
/* Registers the handler of a kind before job_queue_start. */
void job_queue_register(job_queue *q, const char *kind, job_fn fn, void *ctx);
int job_queue_start(job_queue *q);
/* Stops claiming, waits up to timeout_seconds for jobs being run, then frees the queue. A job
 * still running then keeps its lease and is taken over after it expires. */
void job_queue_stop(job_queue *q, int timeout_seconds);

/* Claims and runs one ready job in the calling thread; *ran tells whether there was one. For
 * tests and for the command line. */
int job_queue_run_one(job_queue *q, bool *ran);

/* The statement a worker claims the next due job with, on engine: $1 the worker, $2 when its
 * lease expires, $3 now (ms); it returns the job's id, kind, payload, attempts, max_attempts and
 * created_at. Exposed so that a test pins its plan (the ready index, never a scan of jobs). */
const char *jobs_claim_sql(db_engine engine);

/* Administration (weft jobs …). */
typedef struct job_row {
	int64_t id;
	const char *kind, *state, *payload, *last_error;
	int attempts, max_attempts;
	int64_t run_after, created_at, finished_at;
} job_row;
/* Calls fn for up to limit jobs, newest first; state NULL lists all states. */
int jobs_list(db *d, const char *state, int limit, void (*fn)(void *ctx, const job_row *row),
              void *ctx);
/* Puts a dead (or pending) job back to run now with fresh attempts. WEFT_ENOTFOUND if no such
 * job, WEFT_ECONFLICT if it is running or done. */
int jobs_retry(db *d, int64_t id);
/* Deletes done jobs finished before now - older_than_ms; *deleted counts them. */
int jobs_purge(db *d, int64_t older_than_ms, int64_t *deleted);

#endif
