/* Tests of src/db/db.c, sqlite.c and postgres.c, each run on both engines: binds and getters,
 * error mapping, transactions, retries under concurrent writers, the statement cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/err.h"
#include "db/db.h"
#include "fixture.h"

/* Each test gets a fresh database; these are its tables. */
static fixture *begin(void **state)
{
	fixture *f = *state;
	db_conn *c;
	assert_int_equal(db_conn_get(&c, f->d), 0);
	int rc = db_exec_script(
	        c, db_sql(c,
	                  "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	                  " data BLOB, n INTEGER, x REAL);"
	                  "CREATE UNIQUE INDEX t_n_key ON t (n);"
	                  "CREATE UNIQUE INDEX t_lower_key ON t (lower(name));"
	                  "CREATE TABLE child (id INTEGER PRIMARY KEY,"
	                  " parent INTEGER NOT NULL REFERENCES t (id));"
	                  "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER);"
	                  "INSERT INTO counter VALUES (1, 0);",
	                  "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL,"
	                  " data BYTEA, n BIGINT, x DOUBLE PRECISION);"
	                  "CREATE UNIQUE INDEX t_n_key ON t (n);"
	                  "CREATE UNIQUE INDEX t_lower_key ON t (lower(name));"
	                  "CREATE TABLE child (id BIGSERIAL PRIMARY KEY,"
	                  " parent BIGINT NOT NULL REFERENCES t (id));"
	                  "CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT);"
	                  "INSERT INTO counter VALUES (1, 0);"));
	db_conn_put(c);
	assert_int_equal(rc, 0);
	return f;
}

typedef struct insert_ctx {
	const char *name;
	const void *data;
	size_t len;
	int64_t id;
	int64_t n;
} insert_ctx;

static int insert_row(db_conn *c, void *ctx)
{
	insert_ctx *ic = ctx;
	db_stmt *st;
	int rc = db_query(
	        &st, c, "INSERT INTO t (name, data, n, x) VALUES ($1, $2, $3, $4) RETURNING id",
	        db_text(ic->name), db_blob(ic->data, ic->len), db_int(ic->n), db_real(0.25));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		ic->id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	return rc;
}

static void every_type_round_trips(void **state)
{
	fixture *s = begin(state);
	const char blob[] = { 'a', 0, 'b', 0, (char)0xff, '\r', '\n' };
	const char *name = "na\xc3\xafve \xe2\x82\xac \xf0\x9f\x98\x80 \"'; DROP TABLE t; --";
	insert_ctx ic = { name, blob, sizeof blob, 0, -42 };
	assert_int_equal(db_tx(s->d, insert_row, &ic), 0);
	assert_true(ic.id > 0);
	db_conn *c;
	db_conn_get(&c, s->d);
	db_stmt *st;
	assert_int_equal(db_query(&st, c, "SELECT name, data, n, x, NULL, $1 FROM t WHERE id = $2",
	                          db_int(INT64_MAX), db_int(ic.id)),
	                 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), name);
	size_t len;
	const void *got = db_col_blob(st, 1, &len);
	assert_int_equal(len, sizeof blob);
	assert_memory_equal(got, blob, sizeof blob);
	assert_int_equal(db_col_int(st, 2), -42);
	assert_true(db_col_real(st, 3) == 0.25);
	assert_true(db_col_null(st, 4));
	assert_null(db_col_text(st, 4));
	assert_int_equal(db_col_int(st, 4), 0);
	assert_true(db_col_int(st, 5) == INT64_MAX);
	assert_int_equal(db_col_count(st), 6);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	/* empty blobs and texts are not NULL */
	assert_int_equal(
	        db_exec(c, "UPDATE t SET data = $1, name = $2", db_blob("", 0), db_text("")), 1);
	assert_int_equal(db_query(&st, c, "SELECT data, name, data IS NULL FROM t", DB_END), 0);
	assert_int_equal(db_step(st), DB_ROW);
	db_col_blob(st, 0, &len);
	assert_int_equal(len, 0);
	assert_string_equal(db_col_text(st, 1), "");
	assert_int_equal(db_col_int(st, 2), 0);
	db_done(st);
	db_conn_put(c);
}

static void unique_violations_name_the_index(void **state)
{
	fixture *s = begin(state);
	insert_ctx a = { "alice", "", 0, 0, 1 };
	assert_int_equal(db_tx(s->d, insert_row, &a), 0);
	insert_ctx same_n = { "bob", "", 0, 0, 1 };
	assert_int_equal(db_tx(s->d, insert_row, &same_n), WEFT_EEXISTS);
	assert_string_equal(db_conflict(), "t_n_key");
	insert_ctx upper = { "ALICE", "", 0, 0, 2 };
	assert_int_equal(db_tx(s->d, insert_row, &upper), WEFT_EEXISTS);
	assert_string_equal(db_conflict(), "t_lower_key");
	db_conn *c;
	db_conn_get(&c, s->d);
	assert_int_equal(db_exec(c, "INSERT INTO child (parent) VALUES ($1)", db_int(999999)),
	                 WEFT_ECONFLICT);
	assert_int_equal(db_exec(c, "INSERT INTO t (name) VALUES ($1)", db_null()), WEFT_EINVALID);
	assert_int_equal(db_exec(c, "SELECT nonsense FROM nowhere", DB_END), WEFT_ERROR);
	assert_true(strlen(err_msg()) > 0);
	/* a parameter the statement does not have */
	assert_true(db_exec(c, "SELECT $1", db_int(1), db_int(2)) < 0);
	db_conn_put(c);
}

static int insert_then_fail(db_conn *c, void *ctx)
{
	insert_ctx *ic = ctx;
	int rc = insert_row(c, ic);
	if (rc == 0)
		rc = err_fail(WEFT_EINVALID, "changed my mind");
	return rc;
}

static int count_rows(db *d)
{
	db_conn *c;
	db_conn_get(&c, d);
	db_stmt *st;
	db_query(&st, c, "SELECT COUNT(*) FROM t", DB_END);
	db_step(st);
	int n = (int)db_col_int(st, 0);
	db_done(st);
	db_conn_put(c);
	return n;
}

static void after_commit_flag(void *arg)
{
	*(int *)arg += 1;
}

static int insert_with_hook(db_conn *c, void *ctx)
{
	int *fired = ctx;
	db_after_commit(c, after_commit_flag, fired);
	insert_ctx ic = { "hooked", "", 0, 0, 4 };
	return insert_row(c, &ic);
}

static int fail_with_hook(db_conn *c, void *ctx)
{
	db_after_commit(c, after_commit_flag, ctx);
	return err_fail(WEFT_ECONFLICT, "no");
}

static void rollback_leaves_nothing(void **state)
{
	fixture *s = begin(state);
	insert_ctx ic = { "ghost", "", 0, 0, 3 };
	assert_int_equal(db_tx(s->d, insert_then_fail, &ic), WEFT_EINVALID);
	assert_string_equal(err_msg(), "changed my mind");
	assert_int_equal(count_rows(s->d), 0);
	int fired = 0;
	assert_int_equal(db_tx(s->d, fail_with_hook, &fired), WEFT_ECONFLICT);
	assert_int_equal(fired, 0);
	assert_int_equal(db_tx(s->d, insert_with_hook, &fired), 0);
	assert_int_equal(fired, 1);
	assert_int_equal(count_rows(s->d), 1);
}

static int increment(db_conn *c, void *ctx)
{
	(void)ctx;
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT n FROM counter WHERE id = 1", DB_END);
	int64_t n = 0;
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		n = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	if (rc == 0)
		rc = db_exec(c,
		             db_sql(c, "UPDATE counter SET n = $1 WHERE id = 1",
		                    "UPDATE counter SET n = $1 WHERE id = 1 AND n = $1 - 1"),
		             db_int(n + 1));
	/* PostgreSQL READ COMMITTED: a lost race shows as 0 rows; make it a retry, as a real
	 * serialization failure would be. */
	if (rc == 0)
		return err_fail(WEFT_ERROR, "lost update");
	return rc < 0 ? rc : 0;
}

static int increment_locked(db_conn *c, void *ctx)
{
	if (db_conn_engine(c) == DB_POSTGRES) {
		int rc = db_exec(c, "SELECT n FROM counter WHERE id = 1 FOR UPDATE", DB_END);
		if (rc < 0)
			return rc;
	}
	return increment(c, ctx);
}

static void *writer(void *arg)
{
	db *d = arg;
	for (int i = 0; i < 50; i++)
		if (db_tx(d, increment_locked, NULL) < 0)
			return (void *)1;
	return NULL;
}

static int64_t counter_value(db *d)
{
	db_conn *c;
	db_conn_get(&c, d);
	db_stmt *st;
	db_query(&st, c, "SELECT n FROM counter WHERE id = 1", DB_END);
	db_step(st);
	int64_t n = db_col_int(st, 0);
	db_done(st);
	db_conn_put(c);
	return n;
}

static void concurrent_writers_lose_nothing(void **state)
{
	fixture *s = begin(state);
	pthread_t threads[6];
	for (int i = 0; i < 6; i++)
		pthread_create(&threads[i], NULL, writer, s->d);
	for (int i = 0; i < 6; i++) {
		void *failed;
		pthread_join(threads[i], &failed);
		assert_null(failed);
	}
	assert_int_equal(counter_value(s->d), 300);
}

static void two_processes_write_one_database(void **state)
{
	fixture *s = begin(state);
	pid_t children[2];
	for (int k = 0; k < 2; k++) {
		children[k] = fork();
		if (children[k] == 0) {
			db *own;
			if (db_open(&own, s->fx.url, 2) < 0)
				_exit(2);
			void *failed = writer(own);
			db_close(own);
			_exit(failed ? 1 : 0);
		}
	}
	for (int k = 0; k < 2; k++) {
		int status;
		waitpid(children[k], &status, 0);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(counter_value(s->d), 100);
}

static void nested_use_of_one_statement(void **state)
{
	fixture *s = begin(state);
	db_conn *c;
	db_conn_get(&c, s->d);
	for (int i = 0; i < 3; i++)
		db_exec(c, "INSERT INTO t (name) VALUES ($1)",
		        db_text(i == 0   ? "a"
		                : i == 1 ? "b"
		                         : "c"));
	const char *sql = "SELECT name FROM t ORDER BY name";
	db_stmt *outer, *inner;
	int pairs = 0;
	assert_int_equal(db_query(&outer, c, sql, DB_END), 0);
	while (db_step(outer) == DB_ROW) {
		assert_int_equal(db_query(&inner, c, sql, DB_END), 0);
		while (db_step(inner) == DB_ROW)
			pairs++;
		db_done(inner);
	}
	db_done(outer);
	assert_int_equal(pairs, 9);
	/* the cached statement runs again with new bindings */
	for (int i = 0; i < 100; i++)
		assert_int_equal(
		        db_exec(c, "UPDATE t SET n = $1 WHERE name = $2", db_int(i), db_text("a")),
		        1);
	db_conn_put(c);
}

/* Not about the fixture's engine: run once per engine all the same, it is cheap. */
static void bad_urls_and_unusable_databases(void **state)
{
	(void)state;
	db *d = NULL;
	assert_int_equal(db_open(&d, "mysql://x/y", 1), WEFT_EINVALID);
	assert_int_equal(db_open(&d, "sqlite://", 1), WEFT_EINVALID);
	assert_int_equal(db_open(&d, "/nonexistent-dir/sub/x.db", 1), WEFT_ERROR);
	assert_non_null(strstr(err_msg(), "/nonexistent-dir/sub/x.db"));
	char path[] = "/tmp/weft-garbage-XXXXXX";
	int fd = mkstemp(path);
	char garbage[4096];
	memset(garbage, 'x', sizeof garbage);
	assert_int_equal(write(fd, garbage, sizeof garbage), (ssize_t)sizeof garbage);
	close(fd);
	assert_int_equal(db_open(&d, path, 1), WEFT_ERROR);
	assert_non_null(strstr(err_msg(), "not a database"));
	unlink(path);
	assert_int_equal(
	        db_open(&d, "postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2", 1),
	        WEFT_ERROR);
	assert_null(strstr(err_msg(), "secret"));
	assert_non_null(strstr(err_msg(), "postgresql://nobody@127.0.0.1:1/none"));
}

static void one_row_or_not_found(void **state)
{
	fixture *s = begin(state);
	db_conn *c;
	db_conn_get(&c, s->d);
	db_stmt *st;
	assert_int_equal(db_query(&st, c, "SELECT n FROM counter WHERE id = $1", db_int(1)), 0);
	assert_int_equal(db_step_one(st, "no counter %d", 1), 0);
	assert_int_equal(db_col_int(st, 0), 0);
	db_done(st);
	assert_int_equal(db_query(&st, c, "SELECT n FROM counter WHERE id = $1", db_int(2)), 0);
	assert_int_equal(db_step_one(st, "no counter %d", 2), WEFT_ENOTFOUND);
	assert_string_equal(err_msg(), "no counter 2");
	db_done(st);
	db_conn_put(c);
}

/* The page cache a bulk writer asks for lasts until its connection goes back to the pool. */
static void a_grown_cache_lasts_until_the_connection_returns(void **state)
{
	fixture *s = begin(state);
	db_conn *c;
	db_conn_get(&c, s->d);
	int64_t size = 0;
	const db_arg none[] = { DB_END };
	if (s->fx.engine == DB_POSTGRES) { /* nothing to grow: the connection works on */
		db_conn_cache(c, 16384);
		assert_int_equal(db_query_int_args(&size, c, "SELECT n FROM counter", none), 0);
		db_conn_put(c);
		return;
	}
	assert_int_equal(db_query_int_args(&size, c, "PRAGMA cache_size", none), 0);
	assert_int_equal(size, -2000);
	db_conn_cache(c, 16384);
	assert_int_equal(db_query_int_args(&size, c, "PRAGMA cache_size", none), 0);
	assert_int_equal(size, -16384);
	db_conn_put(c);
	db_conn_get(&c, s->d); /* the same one or another: neither keeps a grown cache */
	assert_int_equal(db_query_int_args(&size, c, "PRAGMA cache_size", none), 0);
	assert_int_equal(size, -2000);
	db_conn_put(c);
}

/* What a bulk writer's transaction sees: on SQLite its grown cache and temporary files in memory
 * (set before BEGIN, where SQLite takes them), the defaults again in the next transaction. */
typedef struct bulk_seen {
	const char *name; /* of the row it adds */
	int64_t cache, temp_store;
	int64_t rows;
} bulk_seen;

static int see_bulk(db_conn *c, void *ctx)
{
	bulk_seen *b = ctx;
	const db_arg none[] = { DB_END };
	int rc = db_exec(c, "INSERT INTO t (name) VALUES ($1)", db_text(b->name));
	if (rc >= 0)
		rc = db_query_int_args(&b->rows, c, "SELECT COUNT(*) FROM t", none);
	if (rc >= 0 && db_conn_engine(c) == DB_SQLITE)
		rc = db_query_int_args(&b->cache, c, "PRAGMA cache_size", none);
	if (rc >= 0 && db_conn_engine(c) == DB_SQLITE)
		rc = db_query_int_args(&b->temp_store, c, "PRAGMA temp_store", none);
	return rc < 0 ? rc : 0;
}

static void a_bulk_transaction_grows_its_connection_for_itself(void **state)
{
	fixture *s = begin(state);
	bulk_seen bulk = { .name = "bulk" }, plain = { .name = "plain" };
	assert_int_equal(db_tx_bulk(s->d, 16384, see_bulk, &bulk), 0);
	assert_int_equal(bulk.rows, 1);
	assert_int_equal(db_tx(s->d, see_bulk, &plain), 0);
	assert_int_equal(plain.rows, 2);
	if (s->fx.engine == DB_POSTGRES)
		return;
	assert_int_equal(bulk.cache, -16384);
	assert_int_equal(bulk.temp_store, 2); /* MEMORY */
	assert_int_equal(plain.cache, -2000);
	assert_int_equal(plain.temp_store, 0); /* DEFAULT: a file */
}

static int exec_script_fn(db_conn *c, void *ctx)
{
	return db_exec_script(c, ctx);
}

static int64_t scalar_of(db *d, const char *sql)
{
	int64_t n = -1;
	db_conn *c;
	assert_int_equal(db_conn_get(&c, d), 0);
	assert_int_equal(db_query_int(&n, c, sql, DB_END), 0);
	db_conn_put(c);
	return n;
}

/* db_tx_schema: on SQLite a table that others reference is rebuilt without its referencing rows
 * going (as a DROP TABLE with foreign keys on would delete them), a change that leaves a broken
 * reference rolls back on either engine, and foreign keys are enforced again afterwards. */
static void schema_changes_keep_references_whole(void **state)
{
	fixture *f = begin(state);
	insert_ctx ic = { "parent", "", 0, 0, 1 };
	assert_int_equal(db_tx(f->d, insert_row, &ic), 0);
	char sql[128];
	snprintf(sql, sizeof sql, "INSERT INTO child (parent) VALUES (%lld)", (long long)ic.id);
	assert_int_equal(db_tx(f->d, exec_script_fn, sql), 0);
	if (db_engine_of(f->d) == DB_SQLITE) {
		char rebuild[] = "CREATE TABLE t_new (id INTEGER PRIMARY KEY AUTOINCREMENT,"
		                 " name TEXT NOT NULL, data BLOB, n INTEGER, x REAL);"
		                 "INSERT INTO t_new SELECT * FROM t; DROP TABLE t;"
		                 "ALTER TABLE t_new RENAME TO t;"
		                 "CREATE UNIQUE INDEX t_n_key ON t (n);";
		assert_int_equal(db_tx_schema(f->d, exec_script_fn, rebuild), 0);
		assert_int_equal(scalar_of(f->d, "SELECT COUNT(*) FROM child"), 1);
	}
	char orphan[] = "DELETE FROM t";
	assert_true(db_tx_schema(f->d, exec_script_fn, orphan) < 0);
	assert_int_equal(count_rows(f->d), 1);
	assert_true(db_tx(f->d, exec_script_fn, orphan) < 0); /* enforced again */
	assert_int_equal(count_rows(f->d), 1);
}

static int analyze_fn(db_conn *c, void *ctx)
{
	return db_analyze(c, ctx);
}

/* db_analyze: on PostgreSQL the planner's statistics count the rows a transaction wrote (and a
 * table that does not exist is an error: the statement ran); on SQLite nothing runs, and no
 * sqlite_stat1 appears to steer later plans. */
static void analyze_refreshes_statistics_on_postgres_only(void **state)
{
	fixture *f = begin(state);
	char fill[] =
	        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 500)"
	        " INSERT INTO t (name, n) SELECT 'r' || i, i FROM s";
	assert_int_equal(db_tx(f->d, exec_script_fn, fill), 0);
	char tables[] = "t, child", missing[] = "no_such_table";
	assert_int_equal(db_tx(f->d, analyze_fn, tables), 0);
	if (f->fx.engine == DB_POSTGRES) {
		assert_int_equal(scalar_of(f->d, "SELECT CAST(reltuples AS BIGINT) FROM pg_class"
		                                 " WHERE relname = 't'"),
		                 500);
		assert_true(db_tx(f->d, analyze_fn, missing) < 0);
	} else {
		assert_int_equal(scalar_of(f->d, "SELECT COUNT(*) FROM sqlite_master"
		                                 " WHERE name = 'sqlite_stat1'"),
		                 0);
		assert_int_equal(db_tx(f->d, analyze_fn, missing), 0);
	}
}

static void describe_hides_passwords(void **state)
{
	fixture *s = begin(state);
	assert_null(strstr(db_describe(s->d), "secret"));
	assert_int_equal(db_engine_of(s->d), s->fx.engine);
}

int main(void)
{
	const struct CMUnitTest engine_tests[] = {
		cmocka_unit_test(every_type_round_trips),
		cmocka_unit_test(unique_violations_name_the_index),
		cmocka_unit_test(rollback_leaves_nothing),
		cmocka_unit_test(concurrent_writers_lose_nothing),
		cmocka_unit_test(two_processes_write_one_database),
		cmocka_unit_test(nested_use_of_one_statement),
		cmocka_unit_test(one_row_or_not_found),
		cmocka_unit_test(describe_hides_passwords),
		cmocka_unit_test(analyze_refreshes_statistics_on_postgres_only),
		cmocka_unit_test(schema_changes_keep_references_whole),
		cmocka_unit_test(a_grown_cache_lasts_until_the_connection_returns),
		cmocka_unit_test(a_bulk_transaction_grows_its_connection_for_itself),
		cmocka_unit_test(bad_urls_and_unusable_databases),
	};
	return fixture_run_engine_tests("db", engine_tests,
	                                sizeof engine_tests / sizeof engine_tests[0], 8);
}
