/* Reading query results into arena arrays (see rows.h). */
#include "db/rows.h"

#include "base/array.h"
#include "base/buf.h"

/* Appends the rows of st to rows (see db_rows_read); releases st. */
static int read_into(array *rows, db_stmt *st, int rc, arena *a, size_t size, db_row_reader read)
{
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		read(st, a, array_push(a, rows, size));
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int db_rows_read(void **out, size_t *n, db_stmt *st, int rc, arena *a, size_t size,
                 db_row_reader read)
{
	array rows = ARRAY_INIT;
	rc = read_into(&rows, st, rc, a, size, read);
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

int db_rows_query_ids(db_stmt **out, db_conn *c, arena *a, const char *head, const char *tail,
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

int db_rows_read_ids(void **out, size_t *n, db_conn *c, arena *a, const db_rows_ids *q, size_t size,
                     db_row_reader read)
{
	array rows = ARRAY_INIT;
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < q->n; off += DB_ROWS_IDS_MAX) {
		size_t chunk = q->n - off < DB_ROWS_IDS_MAX ? q->n - off : DB_ROWS_IDS_MAX;
		db_stmt *st = NULL;
		rc = db_rows_query_ids(&st, c, a, q->head, q->tail, q->ids + off, chunk);
		rc = read_into(&rows, st, rc, a, size, read);
	}
	if (rc < 0)
		return rc;
	*out = rows.items;
	*n = rows.n;
	return 0;
}
