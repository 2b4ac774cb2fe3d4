/* Reading query results into arena arrays (see rows.h). */
#include "track/rows.h"

#include "base/buf.h"

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

int track_rows_query_ids(db_stmt **out, db_conn *c, arena *a, const char *head, const char *tail,
                         const int64_t *ids, size_t n)
{
	/* The text holds placeholders only ("$1, $2, …"): every id is bound. */
	buf sql = BUF_INIT;
	buf_puts(&sql, head);
	db_arg *args = arena_array(a, n + 1, sizeof *args);
	for (size_t k = 0; k < n; k++) {
		buf_printf(&sql, "%s$%zu", k ? ", " : "", k + 1);
		args[k] = db_int(ids[k]);
	}
	args[n] = DB_END;
	buf_puts(&sql, tail);
	int rc = db_query_args(out, c, buf_cstr(&sql), args);
	buf_dispose(&sql);
	return rc;
}
