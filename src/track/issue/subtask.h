/* An issue's sub-tasks as their parent shows them (the API's subtasks field, the issue page).
 * Domain only: no HTTP. */
#ifndef WEFT_TRACK_SUBTASK_H
#define WEFT_TRACK_SUBTASK_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/issue/workflow.h"

typedef struct track_subtask {
	int64_t id, parent_id;
	const char *key, *summary;
	track_status status; /* id, name and category */
} track_subtask;

/* The sub-tasks of the n issues parent_ids (any number: a statement per DB_ROWS_IDS_MAX of
 * them), by id; strings in a; *out NULL when there is none. Store errors. */
int track_subtask_list(db_conn *c, arena *a, const int64_t *parent_ids, size_t n,
                       track_subtask **out, size_t *nout);

#endif
