/* The pullrequest:* events (A.11) through hub_event_emit, inside the transaction of the change:
 * each carries the pull request object, and the approval, changes request or comment it is
 * about. Payload links use hub's configured public URL, as every webhook payload does. */
#ifndef WEFT_HUB_PULL_PULL_EVENT_H
#define WEFT_HUB_PULL_PULL_EVENT_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "hub/pull/pull_view.h"

/* Emits pullrequest:<what> ("created", "updated", "fulfilled", "rejected", …) for v by actor_id
 * in c's transaction; member (may be NULL) names value (stolen), set beside "pullrequest". */
int hub_pull_emit(db_conn *c, arena *a, const hub_pull_view *v, int64_t actor_id, const char *what,
                  const char *member, json_t *value);

/* {date: now, user} of an approval or a request for changes, for hub_pull_emit. */
json_t *hub_pull_review_member(arena *a, const hub_user *u);

/* Emits pullrequest:what for the pull request with row row_id (loading it and its repository in
 * c's transaction): for changes that happen outside a request (a push to the source branch). */
int hub_pull_emit_row(db_conn *c, int64_t row_id, int64_t actor_id, const char *what);

#endif
