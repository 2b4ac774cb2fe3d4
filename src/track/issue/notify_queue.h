/* Queueing watchers' mail (notify.h sends it): a leaf module, so that the code that changes issues
 * and comments can call it without depending on what the mail needs to know. */
#ifndef WEFT_TRACK_ISSUE_NOTIFY_QUEUE_H
#define WEFT_TRACK_ISSUE_NOTIFY_QUEUE_H

#include <stdint.h>

#include "db/db.h"

#define TRACK_NOTIFY_JOB "track.notify"

/* Queues the announcement of changelog group group_id, or of comment comment_id, inside c's
 * transaction: a job {"group": ID} or {"comment": ID}. */
int track_notify_change(db_conn *c, int64_t group_id);
int track_notify_comment(db_conn *c, int64_t comment_id);

#endif
