/* The SQLite engine: WAL, a busy timeout, foreign keys; $N parameters are SQLite's named
 * parameters "$N", looked up by name since SQLite numbers them in order of appearance. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "base/mem.h"
#include "db/backend.h"

enum { BUSY_TIMEOUT_MS = 5000 };

typedef struct lite_stmt {
	sqlite3_stmt *stmt;
	sqlite3 *handle;
	int64_t changes;
	/* index[n]: SQLite's index of $n (0: none), for n up to nindex; looked up once at prepare,
	 * as sqlite3_bind_parameter_index scans every name (a multi-row insert binds thousands) */
	int *index;
	int nindex;
} lite_stmt;

static bool is_transient(int code)
{
	int primary = code & 0xff;
	return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

/* The name of the unique index a "UNIQUE constraint failed: …" message is about. SQLite names
 * the columns ("users.email") for a plain index and the index itself for an expression index. */
static void find_conflicting_index(sqlite3 *handle, const char *message)
{
	const char *quoted = strstr(message, "index '");
	if (quoted) {
		char name[128];
		snprintf(name, sizeof name, "%s", quoted + 7);
		name[strcspn(name, "'")] = '\0';
		db_set_conflict(name);
		return;
	}
	const char *columns = strstr(message, "failed: ");
	db_set_conflict(NULL);
	if (!columns)
		return;
	columns += 8;
	char table[128];
	snprintf(table, sizeof table, "%.*s", (int)strcspn(columns, "."), columns);
	sqlite3_stmt *q = NULL;
	/* The unique index whose columns, in order, read as the message lists them. */
	const char *sql = "SELECT il.name, group_concat(?1 || '.' || ii.name, ', ') FROM "
	                  "pragma_index_list(?1) il, "
	                  "pragma_index_info(il.name) ii WHERE il.\"unique\" = 1 GROUP BY il.name";
	if (sqlite3_prepare_v2(handle, sql, -1, &q, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(q, 1, table, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *listed = (const char *)sqlite3_column_text(q, 1);
		if (listed && strcmp(listed, columns) == 0) {
			db_set_conflict((const char *)sqlite3_column_text(q, 0));
			break;
		}
	}
	sqlite3_finalize(q);
}

/* Maps an SQLite result code to weft's codes with a message. */
static int fail(sqlite3 *handle, int code, bool *transient)
{
	const char *message = sqlite3_errmsg(handle);
	if (transient)
		*transient = is_transient(code);
	switch (code) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		find_conflicting_index(handle, message);
		return err_fail(WEFT_EEXISTS, "%s", message);
	case SQLITE_CONSTRAINT_FOREIGNKEY: return err_fail(WEFT_ECONFLICT, "%s", message);
	case SQLITE_CONSTRAINT_NOTNULL:
	case SQLITE_CONSTRAINT_CHECK: return err_fail(WEFT_EINVALID, "%s", message);
	default: break;
	}
	if (is_transient(code))
		return err_fail(WEFT_ECONFLICT, "database is busy: %s", message);
	return err_fail(WEFT_ERROR, "%s", message);
}

static int lite_exec_script(void *conn, const char *sql, bool *transient)
{
	char *message = NULL;
	int code = sqlite3_exec(conn, sql, NULL, NULL, &message);
	sqlite3_free(message);
	if (code == SQLITE_OK)
		return 0;
	return fail(conn, sqlite3_extended_errcode(conn), transient);
}

/* Before the first connection: without a page-cache buffer of its own, SQLite gives each
 * connection an up-front block of 20 pages (some 86 kB) whether it reads that much or not; N = 0
 * allocates each page when it is first read. (SQLITE_MISUSE if SQLite started already: then
 * nothing changes.) SQLITE_CONFIG_STMTJRNL_SPILL is not set: SQLite makes its value the
 * statement journal's chunk size, so every statement journal allocated that much at once (16 MB
 * made each write in a transaction cost an mmap, and the sanitized unit tests 5 to 15 times
 * slower). */
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

static int lite_connect(void **out, const char *path)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_sqlite);
	sqlite3 *handle = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int code = sqlite3_open_v2(path, &handle, flags, NULL);
	if (code != SQLITE_OK) {
		int rc = err_fail(WEFT_ERROR, "%s",
		                  handle ? sqlite3_errmsg(handle) : sqlite3_errstr(code));
		sqlite3_close(handle);
		return rc;
	}
	sqlite3_extended_result_codes(handle, 1);
	sqlite3_busy_timeout(handle, BUSY_TIMEOUT_MS);
	/* journal_mode is the first read of the file: a corrupt or foreign file fails here. WAL
	 * lets readers and one writer work at once; NORMAL sync loses nothing when a process dies. */
	bool ignored;
	int rc = lite_exec_script(handle,
	                          "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
	                          "PRAGMA foreign_keys = ON;",
	                          &ignored);
	if (rc < 0) {
		sqlite3_close(handle);
		return rc;
	}
	*out = handle;
	return 0;
}

/* The page cache's pages; they are read again from the file (or the WAL) when needed. */
static void lite_release_memory(void *conn)
{
	sqlite3_db_release_memory(conn);
}

/* The page cache's size and, with it, where temporary files go: in memory while the cache is
 * grown (a batch's statement journals, which otherwise go to a file once past 64 KiB, each page
 * written there once more), to a file again with the default size. SQLite takes temp_store when
 * a transaction begins, and refuses to change it within one only when the connection holds
 * temporary tables (none here): the size changes all the same. */
static void lite_cache_size(void *conn, int kib)
{
	char sql[96];
	/* -2000: SQLite's default, 2000 KiB. Only out of memory fails: the size stays as it was. */
	snprintf(sql, sizeof sql, "PRAGMA cache_size = %d; PRAGMA temp_store = %s",
	         kib > 0 ? -kib : -2000, kib > 0 ? "MEMORY" : "DEFAULT");
	sqlite3_exec(conn, sql, NULL, NULL, NULL);
}

static void lite_disconnect(void *conn)
{
	sqlite3_close_v2(conn);
}

static bool lite_broken(void *conn)
{
	(void)conn;
	return false;
}

/* n for a parameter named exactly "$n" (no leading zero), else 0. */
static int parameter_number(const char *name)
{
	if (!name || name[0] != '$' || name[1] < '1' || name[1] > '9')
		return 0;
	long n = 0;
	for (const char *p = name + 1; *p; p++) {
		if (*p < '0' || *p > '9' || n > 1000000)
			return 0;
		n = n * 10 + (*p - '0');
	}
	return (int)n;
}

static int lite_prepare(void **out, void *conn, const char *sql)
{
	sqlite3_stmt *stmt;
	int code = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	if (code != SQLITE_OK)
		return fail(conn, sqlite3_extended_errcode(conn), NULL);
	lite_stmt *s = mem_zalloc(sizeof *s);
	s->stmt = stmt;
	s->handle = conn;
	int count = sqlite3_bind_parameter_count(stmt);
	for (int i = 1; i <= count; i++) {
		const char *name = sqlite3_bind_parameter_name(stmt, i);
		int n = parameter_number(name);
		if (n <= 0 || n > count)
			continue;
		if (!s->index) {
			s->index = mem_zalloc(((size_t)count + 1) * sizeof *s->index);
			s->nindex = count;
		}
		s->index[n] = i;
	}
	*out = s;
	return 0;
}

static void lite_finalize(void *stmt)
{
	lite_stmt *s = stmt;
	sqlite3_finalize(s->stmt);
	free(s->index);
	free(s);
}

static int lite_bind(void *stmt, int index, const db_arg *arg)
{
	lite_stmt *s = stmt;
	int i = index > 0 && index <= s->nindex ? s->index[index] : 0;
	if (i == 0)
		return err_fail(WEFT_ERROR, "the statement has no parameter $%d: %s", index,
		                sqlite3_sql(s->stmt));
	int code;
	switch (arg->type) {
	case 'i': code = sqlite3_bind_int64(s->stmt, i, arg->i); break;
	case 'd': code = sqlite3_bind_double(s->stmt, i, arg->d); break;
	case 't':
		code = sqlite3_bind_text64(s->stmt, i, arg->ptr, arg->len, SQLITE_TRANSIENT,
		                           SQLITE_UTF8);
		break;
	case 'b':
		code = sqlite3_bind_blob64(s->stmt, i, arg->len ? arg->ptr : "", arg->len,
		                           SQLITE_TRANSIENT);
		break;
	default: code = sqlite3_bind_null(s->stmt, i); break;
	}
	return code == SQLITE_OK ? 0 : fail(s->handle, code, NULL);
}

static int lite_step(void *stmt, bool *transient)
{
	lite_stmt *s = stmt;
	int code = sqlite3_step(s->stmt);
	if (code == SQLITE_ROW)
		return DB_ROW;
	if (code == SQLITE_DONE) {
		/* sqlite3_changes64 keeps the last writing statement's count: a read changed 0. */
		s->changes = sqlite3_stmt_readonly(s->stmt) ? 0 : sqlite3_changes64(s->handle);
		return DB_DONE;
	}
	return fail(s->handle, sqlite3_extended_errcode(s->handle), transient);
}

static void lite_reset(void *stmt)
{
	lite_stmt *s = stmt;
	sqlite3_reset(s->stmt);
	sqlite3_clear_bindings(s->stmt);
	s->changes = 0;
}

static int64_t lite_col_int(void *stmt, int col)
{
	return sqlite3_column_int64(((lite_stmt *)stmt)->stmt, col);
}

static double lite_col_real(void *stmt, int col)
{
	return sqlite3_column_double(((lite_stmt *)stmt)->stmt, col);
}

static const char *lite_col_text(void *stmt, int col)
{
	return (const char *)sqlite3_column_text(((lite_stmt *)stmt)->stmt, col);
}

static const void *lite_col_blob(void *stmt, int col, size_t *len)
{
	sqlite3_stmt *s = ((lite_stmt *)stmt)->stmt;
	const void *p = sqlite3_column_blob(s, col);
	*len = (size_t)sqlite3_column_bytes(s, col);
	return p ? p : "";
}

static bool lite_col_null(void *stmt, int col)
{
	return sqlite3_column_type(((lite_stmt *)stmt)->stmt, col) == SQLITE_NULL;
}

static int lite_col_count(void *stmt)
{
	return sqlite3_column_count(((lite_stmt *)stmt)->stmt);
}

static int64_t lite_changes(void *stmt)
{
	return ((lite_stmt *)stmt)->changes;
}

const db_backend db_sqlite_backend = {
	.engine = DB_SQLITE,
	.connect = lite_connect,
	.disconnect = lite_disconnect,
	.broken = lite_broken,
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.bind = lite_bind,
	.step = lite_step,
	.reset = lite_reset,
	.col_int = lite_col_int,
	.col_real = lite_col_real,
	.col_text = lite_col_text,
	.col_blob = lite_col_blob,
	.col_null = lite_col_null,
	.col_count = lite_col_count,
	.changes = lite_changes,
	.exec_script = lite_exec_script,
	.release_memory = lite_release_memory,
	.cache_size = lite_cache_size,
	/* IMMEDIATE takes the write lock up front: a deferred transaction that later needs it can
	 * fail at once with SQLITE_BUSY instead of waiting. */
	.begin_write = "BEGIN IMMEDIATE",
	.begin_read = "BEGIN",
};
