/* Reading query results into arena arrays: the one loop every list query shares (the domain
 * modules of both services read their rows through it). */
#ifndef WEFT_DB_ROWS_H
#define WEFT_DB_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

/* Fills one element (of the caller's type, zeroed) from the current row. */
typedef void (*db_row_reader)(db_stmt *st, arena *a, void *item);

/* Steps st (from db_query, which returned rc) to its end, reading each row with read into an
 * arena array of elements of `size` bytes; releases st. *out is NULL when there is no row. On
 * failure *out and *n are untouched and the store's error is returned. */
int db_rows_read(void **out, size_t *n, db_stmt *st, int rc, arena *a, size_t size,
                 db_row_reader read);

/* *total = the single number sql (one parameter, $1 = id) answers. WEFT_ENOTFOUND when it gives
 * no row. */
int db_rows_count(int64_t *total, db_conn *c, const char *sql, int64_t id);

/* The most ids one IN list binds (the store's limit on parameters): longer lists go in chunks. */
enum { DB_ROWS_IDS_MAX = 64 };

/* Runs head, an IN list of n placeholders ($1 … $n, each id bound, n from 1 to
 * DB_ROWS_IDS_MAX), then tail: e.g. head "SELECT … WHERE id IN (", tail ")". The query as
 * db_query gives it. */
int db_rows_query_ids(db_stmt **out, db_conn *c, arena *a, const char *head, const char *tail,
                      const int64_t *ids, size_t n);

/* A query over a list of ids: head, the IN list's placeholders, tail (as db_rows_query_ids). */
typedef struct db_rows_ids {
	const char *head, *tail;
	const int64_t *ids;
	size_t n;
} db_rows_ids;

/* Runs q in chunks of DB_ROWS_IDS_MAX ids and reads the rows of all of them, in order, into one
 * arena array as db_rows_read does (*out NULL when there is no row; a row that two chunks both
 * match comes twice). On failure *out and *n are untouched and the store's error is returned. */
int db_rows_read_ids(void **out, size_t *n, db_conn *c, arena *a, const db_rows_ids *q, size_t size,
                     db_row_reader read);

#endif
