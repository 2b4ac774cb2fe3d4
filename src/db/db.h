/* The store: one small interface over SQLite (the embedded default) and PostgreSQL (for several
 * nodes), the only code that knows either library. SQL is written once with $1, $2, … parameters,
 * integer epoch-millisecond timestamps, INSERT … RETURNING and ON CONFLICT; db_sql picks between
 * two texts where the engines differ. Values are always bound, never formatted into SQL text.
 *
 * Unique indexes carry explicit names (CREATE UNIQUE INDEX users_email_key …) in both engines'
 * migrations: a unique violation is WEFT_EEXISTS and db_conflict() names the index, so domain code
 * can say which field clashed. */
#ifndef WEFT_DB_DB_H
#define WEFT_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "db/conflict.h"

typedef enum { DB_SQLITE, DB_POSTGRES } db_engine;

typedef struct db db; /* a database: a pool of connections; thread-safe */
typedef struct db_conn db_conn; /* one connection, used by one thread at a time */
typedef struct db_stmt db_stmt; /* a prepared statement being run */

enum { DB_DONE = 0, DB_ROW = 1 }; /* what db_step returns besides errors */

/* Opens the database at url: a path or "sqlite:///abs/path" / "sqlite:rel/path" for SQLite (the
 * file is created), "postgresql://…" or "postgres://…" for PostgreSQL (libpq's URI syntax).
 * pool_size bounds the open connections. One connection is opened at once to check the URL:
 * WEFT_EINVALID for a malformed URL, WEFT_ERROR naming the database and the reason when it cannot
 * be used (unreachable, not a database, locked, read-only directory). */
int db_open(db **out, const char *url, int pool_size);
void db_close(db *d);
db_engine db_engine_of(const db *d);
/* The URL without any password, for messages and logs. */
const char *db_describe(const db *d);
/* Frees what the idle connections keep only as a cache (SQLite's page caches; nothing on
 * PostgreSQL), e.g. the pages that start-up's migrations read; they are read again on demand. */
void db_release_memory(db *d);

/* Borrows a connection from the pool (waiting while all are busy) and gives it back. A connection
 * that broke is closed on return and replaced by a new one later. */
int db_conn_get(db_conn **out, db *d);
void db_conn_put(db_conn *c);
db_engine db_conn_engine(const db_conn *c);
/* Lets c's page cache grow to kib KiB and keeps its temporary files in memory until c goes back
 * to the pool, for a writer of large batches (SQLite's connections otherwise keep a small cache
 * each, and SQLite fixes where a transaction's statement journals go as it begins: db_tx_bulk
 * does this before it; nothing on PostgreSQL, whose server caches for all). */
void db_conn_cache(db_conn *c, int kib);

/* Refreshes the planner's statistics of tables (a comma-separated list of table names written in
 * code, never input) after a bulk change in c's transaction: ANALYZE on PostgreSQL, whose planner
 * otherwise estimates a table filled since its last ANALYZE, or a value new to it (a new parent
 * row's id), from defaults until autovacuum comes by, and may pick a nested loop over every row
 * the change wrote; nothing on SQLite, whose planner keeps no statistics unless asked
 * (sqlite_stat1 would then steer every later plan). On PostgreSQL it waits for another ANALYZE or
 * VACUUM of the same tables to end (autovacuum gives way within deadlock_timeout), and holds its
 * lock until c's transaction ends: run it in a short one. 0 or the store's error. */
int db_analyze(db_conn *c, const char *tables);

/* Picks the text for this connection's engine, for the few statements that must differ. */
const char *db_sql(const db_conn *c, const char *sqlite_sql, const char *postgres_sql);

/* Runs fn(c, ctx) in a write transaction on a pooled connection and commits. When the engine
 * reports a transient conflict (SQLite busy, PostgreSQL serialization failure or deadlock) the
 * whole transaction is rolled back and run again, a bounded number of times with backoff, so fn
 * must have no effects outside the database. Any error fn returns rolls back and is returned
 * unchanged; WEFT_ECONFLICT when the retries run out. */
typedef int (*db_fn)(db_conn *c, void *ctx);
int db_tx(db *d, db_fn fn, void *ctx);
/* db_tx for a writer of large batches: the connection's page cache may grow to cache_kib KiB and
 * its temporary files (SQLite's statement journals, which a multi-row insert fills with the pages
 * it changes) stay in memory, from before the transaction begins until the connection goes back
 * to the pool (db_conn_cache). */
int db_tx_bulk(db *d, int cache_kib, db_fn fn, void *ctx);
/* The same for reading: a consistent snapshot, no writes. */
int db_read(db *d, db_fn fn, void *ctx);
/* A write transaction for a schema change that rebuilds a table other tables reference (a new
 * table filled from the old one, the old one dropped, the new one renamed): on SQLite the
 * connection's foreign keys are off during it (dropping the old table would otherwise delete or
 * null its referencing rows), and it commits only when PRAGMA foreign_key_check then finds every
 * reference whole (else WEFT_ERROR naming the tables); on PostgreSQL it is db_tx. */
int db_tx_schema(db *d, db_fn fn, void *ctx);

/* Runs fn(arg) after the current transaction of c commits (not at all if it rolls back). For
 * wake-ups of other threads that must not see uncommitted work. At most 8 per transaction. */
void db_after_commit(db_conn *c, void (*fn)(void *arg), void *arg);

/* The job queue's wake-up: db_set_waker installs what db_wake_after_commit(c) calls once c's
 * transaction commits (in this process), so that enqueueing wakes a worker at once. */
void db_set_waker(db *d, void (*fn)(void *arg), void *arg);
void db_wake_after_commit(db_conn *c);
/* Calls the waker now: for jobs another process committed (the repositories' post-receive hook,
 * on SQLite, where no notification crosses processes). */
void db_wake(db *d);

/* A connection of its own that waits for PostgreSQL notifications on channel. WEFT_ENOTFOUND on
 * SQLite, where one process is all there is and nothing needs to listen. */
typedef struct db_listener db_listener;
int db_listen(db_listener **out, db *d, const char *channel);
/* Waits up to timeout_ms: 1 when a notification came, 0 on timeout, WEFT_ERROR when the
 * connection broke (listen again). */
int db_listener_wait(db_listener *l, int timeout_ms);
void db_listener_free(db_listener *l);

/* A bound value. Build them with the functions below; they only point at the caller's data,
 * which must live until the statement is done. */
typedef struct db_arg {
	char type; /* 'i' integer, 'd' real, 't' text, 'b' blob, 'n' null, 0 end of list */
	int64_t i;
	double d;
	const void *ptr;
	size_t len;
} db_arg;

static inline db_arg db_int(int64_t v)
{
	return (db_arg){ .type = 'i', .i = v };
}
static inline db_arg db_real(double v)
{
	return (db_arg){ .type = 'd', .d = v };
}
/* Text; NULL binds SQL NULL. */
static inline db_arg db_text(const char *s)
{
	return s ? (db_arg){ .type = 't', .ptr = s, .len = strlen(s) } : (db_arg){ .type = 'n' };
}
static inline db_arg db_textn(const char *s, size_t len)
{
	return (db_arg){ .type = 't', .ptr = s, .len = len };
}
static inline db_arg db_blob(const void *p, size_t len)
{
	return (db_arg){ .type = 'b', .ptr = p, .len = len };
}
static inline db_arg db_null(void)
{
	return (db_arg){ .type = 'n' };
}
#define DB_END ((db_arg){ .type = 0 })

/* Prepares sql (or takes it from the connection's statement cache) and binds args[0..] as $1,
 * $2, … up to the DB_END entry. Write it with the macro: db_query(&st, c, sql, db_int(1),
 * db_text(name)), or db_query(&st, c, sql, DB_END) without parameters. Release with db_done.
 * On failure *out is NULL, so db_done(*out) is always safe. */
int db_query_args(db_stmt **out, db_conn *c, const char *sql, const db_arg *args);
#define db_query(out, c, sql, ...) \
	db_query_args(out, c, sql, (const db_arg[]){ __VA_ARGS__, DB_END })

/* Runs a statement to its end; returns the number of rows it changed (>= 0) or an error. */
int db_exec_args(db_conn *c, const char *sql, const db_arg *args);
#define db_exec(c, sql, ...) db_exec_args(c, sql, (const db_arg[]){ __VA_ARGS__, DB_END })

/* *out = the first column of the first row as an integer, or 0 when there is no row (a count, an
 * id, an EXISTS). 0 or the store's error. Write it with the macro, as db_query. */
int db_query_int_args(int64_t *out, db_conn *c, const char *sql, const db_arg *args);
#define db_query_int(out, c, sql, ...) \
	db_query_int_args(out, c, sql, (const db_arg[]){ __VA_ARGS__, DB_END })

/* Runs several ;-separated statements without parameters (migrations). */
int db_exec_script(db_conn *c, const char *sql);

/* Advances to the next row: DB_ROW, DB_DONE, or an error code (WEFT_EEXISTS for a unique
 * violation, WEFT_ECONFLICT for a foreign key or a transient conflict, WEFT_EINVALID for a NOT
 * NULL or CHECK violation, WEFT_ERROR otherwise) with a message. */
int db_step(db_stmt *s);

/* Steps a statement that should give one row: 0 on that row (read it, then db_done), WEFT_ENOTFOUND
 * with the message made from fmt when there is none, or db_step's error. */
int db_step_one(db_stmt *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Column getters for the current row, counted from 0. Text and blobs stay valid until the next
 * db_step or db_done. NULL reads as 0, NULL text, or an empty blob. */
int64_t db_col_int(db_stmt *s, int col);
double db_col_real(db_stmt *s, int col);
const char *db_col_text(db_stmt *s, int col);
const void *db_col_blob(db_stmt *s, int col, size_t *len);
bool db_col_null(db_stmt *s, int col);
int db_col_count(db_stmt *s);

/* How many statements the calling thread has run through db_query (and everything built on it)
 * since it started: the server logs each request's share, and tests pin how many a page needs. */
uint64_t db_statements_run(void);

/* Rows changed by the statement once db_step returned DB_DONE. */
int64_t db_changes(db_stmt *s);

/* Releases a statement (back into the cache). NULL is allowed. */
void db_done(db_stmt *s);

#endif
