/* Mail to an issue's watchers when it changes or gets a comment, as Jira's "Issue updated" and
 * "Issue commented" notifications: each watcher who may see the change, wants mail about issues
 * they watch, and is not its author (unless they asked for their own changes too). A change
 * queues a job in its own transaction; the job marks the change notified in the transaction
 * that queues the mails, so nothing is sent twice however often it runs. */
#ifndef WEFT_TRACK_ISSUE_NOTIFY_H
#define WEFT_TRACK_ISSUE_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/jobs.h"
#include "track/track.h"

#include "track/issue/notify_queue.h"

/* Registers the job's handler; the mails link to app->public_url. */
void track_notify_jobs_start(job_queue *q, const track_app *app);

/* A user's choices: mail about issues they watch, and about their own changes too. */
int track_notify_settings_get(db_conn *c, int64_t user_id, bool *watching, bool *own_changes);
int track_notify_settings_set(db_conn *c, int64_t user_id, bool watching, bool own_changes);

#endif
