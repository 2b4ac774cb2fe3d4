/* What a push does to pull requests: a recorded push that moves or deletes the source branch of
 * open pull requests updates them and emits their pullrequest:updated / :rejected events. Above
 * both the pull request records and their events, so that neither includes the other. */
#ifndef WEFT_HUB_PULL_PULL_PUSH_H
#define WEFT_HUB_PULL_PULL_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "hub/git/push_update.h"

/* Called by hub_push_record for each recorded push, inside its transaction: each update of a
 * branch that open pull requests take as their source moves them (hub_pull_source_moved) and
 * emits pullrequest:updated, or pullrequest:rejected when the branch was deleted. */
int hub_pull_on_push(db_conn *c, int64_t repository_id, int64_t actor_id,
                     const push_update *updates, size_t n);

#endif
