/* Sending webhook deliveries: one sender per hook at a time posts its pending deliveries in
 * event order with libcurl, logs every attempt, and retries a failed one with growing delays
 * until the retry window has passed, then marks it failed and goes on with the next. */
#ifndef WEFT_HUB_HOOK_DELIVER_H
#define WEFT_HUB_HOOK_DELIVER_H

#include "db/db.h"
#include "db/jobs.h"

enum {
	HOOK_TIMEOUT_MS = 10 * 1000, /* a delivery that takes longer failed */
	HOOK_RESPONSE_BODY_MAX = 64 * 1024, /* bytes of a response body kept in the log */
	HOOK_RESPONSE_HEADERS_MAX = 16 * 1024,
	HOOK_SENDER_LEASE_MS = 60 * 1000, /* a sender that stops holds its hook this long */
};

#define HUB_HOOK_CLEANUP_JOB "hub.hook_cleanup"

/* Registers the delivery job and the daily cleanup job (deliveries past the log's retention,
 * hooks of deleted repositories with nothing left to send) on q, and schedules the cleanup. d
 * must outlive the queue. */
int hub_hook_jobs_start(job_queue *q, db *d);

/* The delay before retrying after the attempt-th failed attempt: the configured base, doubling,
 * at most an hour. */
int64_t hub_hook_retry_delay(int attempt);

/* Deletes finished deliveries created before now - older_than_ms, and the hooks of deleted
 * repositories that have nothing pending; *deleted counts the deliveries. */
int hub_hook_cleanup(db *d, int64_t older_than_ms, int64_t *deleted);

#endif
