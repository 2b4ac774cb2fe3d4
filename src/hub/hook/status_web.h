/* Build statuses on hub's pages: the full list on a commit's page, and one summary icon per
 * commit in commit lists and on the branches page, read in one query per page. */
#ifndef WEFT_HUB_HOOK_STATUS_WEB_H
#define WEFT_HUB_HOOK_STATUS_WEB_H

#include <jansson.h>

#include "hub/repo/repo.h"
#include "web/web.h"

/* Adds "build" ({state, icon, label}) to each object of rows that has a "hash" with statuses
 * (at most HUB_STATUS_BATCH_MAX rows are looked at), reading them all at once. */
int hub_status_annotate(web_request *req, const hub_repo *r, json_t *rows);

/* Sets data["statuses"] to the statuses of commit hash for its page: name (or key), state,
 * icon, description, and link, only for an http(s) URL (its {repository.full_name} and
 * {commit} filled in). */
int hub_status_commit_data(web_request *req, const hub_repo *r, const char *hash, json_t *data);

#endif
