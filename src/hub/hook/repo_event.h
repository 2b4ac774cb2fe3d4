/* The repository events of A.11: repo:updated (with the changed fields, old and new),
 * repo:transfer (with the previous workspace) and repo:deleted, each emitted inside the
 * transaction of the change. */
#ifndef WEFT_HUB_HOOK_REPO_EVENT_H
#define WEFT_HUB_HOOK_REPO_EVENT_H

#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/workspace.h"
#include "hub/repo/repo.h"

/* repo:updated for the change from old to now (nothing when no field it reports changed). */
int hub_repo_event_updated(db_conn *c, arena *a, int64_t actor_id, const hub_repo *old,
                           const hub_repo *now);
/* repo:transfer of r (as it is now) out of the workspace with slug previous_workspace, for the
 * repository's hooks and those of its new workspace. */
int hub_repo_event_transfer(db_conn *c, arena *a, int64_t actor_id, const hub_repo *r,
                            const char *previous_workspace);
/* repo:deleted of r, while its row still exists. */
int hub_repo_event_deleted(db_conn *c, arena *a, int64_t actor_id, const hub_repo *r);

#endif
