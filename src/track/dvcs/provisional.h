/* Provisional commits (migrations/track/{sqlite,pg}/0008_dvcs_provisional.sql): what a signed
 * repo:push webhook names, shown by the panel and the dev-status API at once, before the sync
 * fetches the mirror. The mirror stays the truth: the sync that finds such a commit overwrites
 * its row from the mirror (found.c) and links it for good, running its smart commits then and
 * only then; dvcs_provisional_settle removes what the sync did not find. */
#ifndef WEFT_TRACK_DVCS_PROVISIONAL_H
#define WEFT_TRACK_DVCS_PROVISIONAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/dvcs/mirror.h"

/* Stores commits[0..n) (dvcs_push_commits) that name an issue key as the repository's
 * provisional commits, in c's transaction: a commit not stored yet gets a provisional row with
 * the keys of its message; a commit not linked to the repository yet gets a provisional link
 * stamped now. What is stored or linked already stays as it is, so no row is ever doubled and a
 * commit found by a sync is never made provisional again. *stored counts the links added. */
int dvcs_provisional_store(db_conn *c, arena *a, int64_t repo_id, const dvcs_commit *commits,
                           size_t n, int64_t *stored);

/* After a sync of the repository that started at started_at (epoch ms, before its fetch) has
 * stored what the mirror holds, in c's transaction: the repository's provisional links stamped
 * at or before started_at are ones the mirror does not have (the sync would have confirmed them),
 * so they go, with their commits when nothing else holds them. Later ones wait for the next sync,
 * which their webhook queued. *removed counts the links removed. */
int dvcs_provisional_settle(db_conn *c, int64_t repo_id, int64_t started_at, int64_t *removed);

#endif
