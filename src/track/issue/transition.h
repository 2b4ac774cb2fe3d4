/* Moving an issue along its project's workflow (workflow.h defines the statuses and
 * transitions): the transition must be available from the issue's status; the resolution is set
 * or cleared as the transition says, and the change goes into the issue's changelog. Domain
 * only; runs in the caller's transaction. */
#ifndef WEFT_TRACK_TRANSITION_H
#define WEFT_TRACK_TRANSITION_H

#include <stdint.h>

#include "db/db.h"

/* Moves the issue along transition_id: WEFT_EINVALID ("… is not a valid transition …") when it is
 * not available from the issue's status. resolution_id (0: the transition's own) overrides what
 * a 'set' transition sets. Records the changes (author_id) and touches updated. */
int track_issue_transition(db_conn *c, int64_t issue_id, int64_t transition_id,
                           int64_t resolution_id, int64_t author_id);

#endif
