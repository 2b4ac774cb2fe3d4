/* Queueing the sweep of stored attachment files (attachment.h runs it): a leaf module, so that
 * the code that deletes issues can call it without depending on attachments' storage. */
#ifndef WEFT_TRACK_ISSUE_ATTACHMENT_QUEUE_H
#define WEFT_TRACK_ISSUE_ATTACHMENT_QUEUE_H

#include "db/db.h"

#define TRACK_ATTACHMENT_SWEEP_JOB "track.attachment.sweep"

/* Queues the sweep in c's transaction (de-duplicated): for whatever deletes attachments, the
 * deletion of an issue included. */
int track_attachment_sweep_enqueue(db_conn *c);

#endif
