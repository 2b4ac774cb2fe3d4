/* What each engine provides to db.c: a table of functions (libgit2's backend pattern). Only
 * sqlite.c and postgres.c implement it; nothing outside src/db sees it. */
#ifndef WEFT_DB_BACKEND_H
#define WEFT_DB_BACKEND_H

#include "db/conflict.h"
#include "db/db.h"

typedef struct db_backend {
	db_engine engine;
	/* Opens a connection to target (a file path, or a libpq URI). Sets err on failure. */
	int (*connect)(void **out, const char *target);
	void (*disconnect)(void *conn);
	/* True when the connection can no longer be used and must be replaced. */
	bool (*broken)(void *conn);
	int (*prepare)(void **out, void *conn, const char *sql);
	void (*finalize)(void *stmt);
	/* Binds $index (1-based). */
	int (*bind)(void *stmt, int index, const db_arg *arg);
	/* DB_ROW, DB_DONE or an error; *transient tells whether running the transaction again may
	 * succeed. */
	int (*step)(void *stmt, bool *transient);
	/* Forgets results and bindings so the statement can run again. */
	void (*reset)(void *stmt);
	int64_t (*col_int)(void *stmt, int col);
	double (*col_real)(void *stmt, int col);
	const char *(*col_text)(void *stmt, int col);
	const void *(*col_blob)(void *stmt, int col, size_t *len);
	bool (*col_null)(void *stmt, int col);
	int (*col_count)(void *stmt);
	int64_t (*changes)(void *stmt);
	int (*exec_script)(void *conn, const char *sql, bool *transient);
	/* Frees what an idle connection keeps only as a cache (NULL where there is nothing). */
	void (*release_memory)(void *conn);
	/* Lets the connection's page cache grow to kib KiB (its temporary files in memory meanwhile),
	 * or back to its default size with 0 (NULL where a connection keeps no cache of its own). */
	void (*cache_size)(void *conn, int kib);
	const char *begin_write;
	const char *begin_read;
	/* Notifications (NULL where the engine has none): a connection of its own that listens on
	 * channel; waiting on it (1 notified, 0 timeout, WEFT_ERROR broken); closing it. */
	int (*listen)(void **out, const char *target, const char *channel);
	int (*listener_wait)(void *listener, int timeout_ms);
	void (*listener_free)(void *listener);
} db_backend;

extern const db_backend db_sqlite_backend;
extern const db_backend db_postgres_backend;

#endif
