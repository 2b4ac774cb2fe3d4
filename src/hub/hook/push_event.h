/* The repo:push event (A.11): one per push, with every branch and tag it changed, each with its
 * old and new state, whether it was created, closed or forced, and its newest commits (at most
 * HUB_PUSH_EVENT_COMMITS, "truncated" when there were more). */
#ifndef WEFT_HUB_HOOK_PUSH_EVENT_H
#define WEFT_HUB_HOOK_PUSH_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "hub/git/push_update.h"

enum { HUB_PUSH_EVENT_COMMITS = 5 };

/* Emits repo:push for the n ref updates that repository_id just recorded (inside c's
 * transaction, after the recorded ref state moved), reading the commits from the bare
 * repository. Updates of refs other than branches and tags are left out; a push with none, or a
 * repository whose hooks do not want repo:push, emits nothing. The store's error, or 0. */
int hub_push_event_emit(db_conn *c, int64_t repository_id, int64_t actor_id,
                        const push_update *updates, size_t n);

#endif
