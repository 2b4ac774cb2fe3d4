/* Pull requests and build statuses of a linked repository, through the host's API 2.0 and its
 * webhooks (pullrequest:*, repo:commit_status_*). Keys of a pull request come from its title, its
 * source branch's name and the messages of its non-merge commits (not its description); builds
 * reach issues through their commit. */
#ifndef WEFT_TRACK_DVCS_PULLS_H
#define WEFT_TRACK_DVCS_PULLS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/dvcs/dvcs.h"

/* Called by the sync job after the commits: fetches the repository's pull requests of every
 * state updated since its pulls_synced_at (all of them when full), stores each with its keys and
 * advances pulls_synced_at, then the build statuses of the given commits (the heads the sync saw
 * move, and the pull requests' source commits); *pulls counts the pull requests stored. token is
 * a live access token. Talks to the host: runs outside any transaction, storing in its own. */
int dvcs_pulls_sync(const track_app *app, arena *a, const dvcs_account *account,
                    const dvcs_repo *repo, const char *token, bool full,
                    const char *const *head_hashes, size_t nheads, int64_t *pulls);

/* A webhook's pull request event (pullrequest:created, :updated, :fulfilled, :rejected, …) or
 * build status event (repo:commit_status_created, :updated) applied at once from its payload,
 * inside c's transaction; the next sync stays the truth. WEFT_EINVALID for a payload without the
 * fields it needs. */
int dvcs_pulls_apply_event(db_conn *c, arena *a, int64_t repo_id, const char *event,
                           json_t *payload);
int dvcs_builds_apply_event(db_conn *c, arena *a, int64_t repo_id, json_t *payload);

#endif
