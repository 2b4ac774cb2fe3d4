/* An issue's sub-tasks (subtask.h). */
#include "track/issue/subtask.h"

#include "db/rows.h"

static void read_subtask(db_stmt *st, arena *a, void *item)
{
	*(track_subtask *)item = (track_subtask){
		.id = db_col_int(st, 0),
		.parent_id = db_col_int(st, 1),
		.key = arena_strdup(a, db_col_text(st, 2)),
		.summary = arena_strdup(a, db_col_text(st, 3)),
		.status = { db_col_int(st, 4), arena_strdup(a, db_col_text(st, 5)), "",
		            arena_strdup(a, db_col_text(st, 6)) },
	};
}

int track_subtask_list(db_conn *c, arena *a, const int64_t *parent_ids, size_t n,
                       track_subtask **out, size_t *nout)
{
	const db_rows_ids q = { "SELECT sub.id, sub.parent_id, sub.key, sub.summary, s.id,"
		                " s.name, s.category FROM issues sub"
		                " JOIN statuses s ON s.id = sub.status_id"
		                " WHERE sub.parent_id IN (",
		                ") ORDER BY sub.id", parent_ids, n };
	*out = NULL;
	*nout = 0;
	return db_rows_read_ids((void **)out, nout, c, a, &q, sizeof **out, read_subtask);
}
