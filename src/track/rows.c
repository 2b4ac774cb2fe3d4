/* Reading query results into arena arrays (see rows.h). */
#include "track/rows.h"

int track_rows_read(void **out, size_t *n, db_stmt *st, int rc, arena *a, size_t size,
                    track_row_reader read)
{
	size_t count = 0, cap = 0;
	char *items = NULL;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		if (count == cap) {
			size_t grown = cap ? cap * 2 : 8;
			items = arena_grow(a, items, cap * size, grown * size);
			cap = grown;
		}
		read(st, a, items + count++ * size);
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = items;
	*n = count;
	return 0;
}

int track_rows_count(int64_t *total, db_conn *c, const char *sql, int64_t id)
{
	db_stmt *st;
	int rc = db_query(&st, c, sql, db_int(id));
	if (rc == 0)
		rc = db_step_one(st, "No count.");
	*total = rc == 0 ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc;
}
