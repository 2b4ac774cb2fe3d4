/* Reading query results into arena arrays (see rows.h). */
#include "db/rows.h"

#include "base/array.h"

int db_rows_read(void **out, size_t *n, db_stmt *st, int rc, arena *a, size_t size,
                 db_row_reader read)
{
	array rows = ARRAY_INIT;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		read(st, a, array_push(a, &rows, size));
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = rows.items;
	*n = rows.n;
	return 0;
}

int db_rows_count(int64_t *total, db_conn *c, const char *sql, int64_t id)
{
	db_stmt *st;
	int rc = db_query(&st, c, sql, db_int(id));
	if (rc == 0)
		rc = db_step_one(st, "No count.");
	*total = rc == 0 ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc;
}
