/* The PostgreSQL engine over libpq: server-side prepared statements, text-format parameters
 * (binary for blobs), text-format results read row by row from one result set. */
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "base/mem.h"
#include "db/backend.h"

typedef struct pg_conn {
	PGconn *pg;
	unsigned next_statement; /* names server-side statements "w1", "w2", … */
} pg_conn;

typedef struct pg_stmt {
	pg_conn *conn;
	char name[16];
	int nparams; /* bound so far */
	int cap; /* the statement's parameters, as the server described them */
	char **values; /* owned copies: text, or raw bytes for blobs */
	int *lengths;
	int *formats;
	PGresult *result;
	int row; /* current row, -1 before the first */
	int rows;
	int64_t changes;
	unsigned char *unescaped; /* the last bytea read, freed on the next read */
} pg_stmt;

static bool transient_state(const char *state)
{
	/* serialization_failure, deadlock_detected */
	return state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0);
}

/* One line from a libpq message (they end with a newline and may carry detail lines). */
static void set_message(const char *text)
{
	err_set("%.*s", (int)strcspn(text, "\n"), text);
}

static int fail_result(pg_conn *c, PGresult *res, bool *transient)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *text = res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg);
	if (transient)
		*transient = transient_state(state);
	set_message(text && *text ? text : PQerrorMessage(c->pg));
	if (!state)
		return WEFT_ERROR;
	if (strcmp(state, "23505") == 0) {
		db_set_conflict(PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME));
		return WEFT_EEXISTS;
	}
	if (strcmp(state, "23503") == 0 || transient_state(state))
		return WEFT_ECONFLICT;
	if (strcmp(state, "23502") == 0 || strcmp(state, "23514") == 0 ||
	    strcmp(state, "22P02") == 0 || strcmp(state, "22021") == 0)
		return WEFT_EINVALID;
	return WEFT_ERROR;
}

static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int pg_connect(void **out, const char *uri)
{
	PGconn *pg = PQconnectdb(uri);
	if (PQstatus(pg) != CONNECTION_OK) {
		set_message(PQerrorMessage(pg));
		PQfinish(pg);
		return WEFT_ERROR;
	}
	PQsetNoticeProcessor(pg, ignore_notice, NULL);
	pg_conn *c = mem_zalloc(sizeof *c);
	c->pg = pg;
	*out = c;
	return 0;
}

static void pg_disconnect(void *conn)
{
	pg_conn *c = conn;
	PQfinish(c->pg);
	free(c);
}

static bool pg_broken(void *conn)
{
	return PQstatus(((pg_conn *)conn)->pg) != CONNECTION_OK;
}

static int pg_exec_script(void *conn, const char *sql, bool *transient)
{
	pg_conn *c = conn;
	PGresult *res = PQexec(c->pg, sql);
	ExecStatusType status = PQresultStatus(res);
	int rc = 0;
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		rc = fail_result(c, res, transient);
	PQclear(res);
	return rc;
}

static int pg_prepare(void **out, void *conn, const char *sql)
{
	pg_conn *c = conn;
	pg_stmt *s = mem_zalloc(sizeof *s);
	s->conn = c;
	snprintf(s->name, sizeof s->name, "w%u", ++c->next_statement);
	PGresult *res = PQprepare(c->pg, s->name, sql, 0, NULL);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : fail_result(c, res, NULL);
	PQclear(res);
	if (rc == 0) {
		/* the parameter arrays sized to the statement (prepared once, run many times) */
		res = PQdescribePrepared(c->pg, s->name);
		rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : fail_result(c, res, NULL);
		s->cap = rc == 0 ? PQnparams(res) : 0;
		PQclear(res);
	}
	if (rc == 0 && s->cap > 0) {
		s->values = mem_zalloc((size_t)s->cap * sizeof *s->values);
		s->lengths = mem_zalloc((size_t)s->cap * sizeof *s->lengths);
		s->formats = mem_zalloc((size_t)s->cap * sizeof *s->formats);
	}
	if (rc < 0) {
		free(s);
		return rc;
	}
	s->row = -1;
	*out = s;
	return 0;
}

static void clear_results(pg_stmt *s)
{
	PQclear(s->result);
	s->result = NULL;
	PQfreemem(s->unescaped);
	s->unescaped = NULL;
	s->row = -1;
	s->rows = 0;
}

static void pg_reset(void *stmt)
{
	pg_stmt *s = stmt;
	clear_results(s);
	for (int i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
	}
	s->nparams = 0;
	s->changes = 0;
}

static void pg_finalize(void *stmt)
{
	pg_stmt *s = stmt;
	pg_reset(s);
	if (!pg_broken(s->conn)) {
		char sql[40];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
		PQclear(PQexec(s->conn->pg, sql));
	}
	free(s->values);
	free(s->lengths);
	free(s->formats);
	free(s);
}

static int pg_bind(void *stmt, int index, const db_arg *arg)
{
	pg_stmt *s = stmt;
	if (index < 1 || index > s->cap)
		return err_fail(WEFT_ERROR, "parameter $%d is beyond the statement's %d", index,
		                s->cap);
	int i = index - 1;
	free(s->values[i]);
	s->values[i] = NULL;
	s->formats[i] = 0;
	char number[40];
	switch (arg->type) {
	case 'i': snprintf(number, sizeof number, "%lld", (long long)arg->i); break;
	case 'd': snprintf(number, sizeof number, "%.17g", arg->d); break;
	case 't':
		if (memchr(arg->ptr, '\0', arg->len))
			return err_fail(WEFT_EINVALID, "text must not contain NUL bytes");
		break;
	default: break;
	}
	if (arg->type == 'i' || arg->type == 'd') {
		s->values[i] = mem_strdup(number);
	} else if (arg->type == 't' || arg->type == 'b') {
		s->values[i] = mem_strndup(arg->ptr, arg->len);
		s->lengths[i] = (int)arg->len;
		s->formats[i] = arg->type == 'b';
	}
	if (index > s->nparams)
		s->nparams = index;
	return 0;
}

static int run(pg_stmt *s, bool *transient)
{
	s->result = PQexecPrepared(s->conn->pg, s->name, s->nparams, (const char *const *)s->values,
	                           s->lengths, s->formats, 0);
	ExecStatusType status = PQresultStatus(s->result);
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
		int rc = fail_result(s->conn, s->result, transient);
		clear_results(s);
		return rc;
	}
	s->rows = PQntuples(s->result);
	/* PQcmdTuples counts the rows a SELECT returned too; only writes changed rows. */
	const char *affected = PQcmdTuples(s->result);
	bool read = strncmp(PQcmdStatus(s->result), "SELECT", 6) == 0;
	s->changes = *affected && !read ? strtoll(affected, NULL, 10) : 0;
	return 0;
}

static int pg_step(void *stmt, bool *transient)
{
	pg_stmt *s = stmt;
	if (!s->result) {
		int rc = run(s, transient);
		if (rc < 0)
			return rc;
	}
	PQfreemem(s->unescaped);
	s->unescaped = NULL;
	if (s->row + 1 >= s->rows) {
		s->row = s->rows;
		return DB_DONE;
	}
	s->row++;
	return DB_ROW;
}

static bool on_row(const pg_stmt *s, int col)
{
	return s->result && s->row >= 0 && s->row < s->rows && col >= 0 &&
	       col < PQnfields(s->result);
}

static bool pg_col_null(void *stmt, int col)
{
	pg_stmt *s = stmt;
	return !on_row(s, col) || PQgetisnull(s->result, s->row, col);
}

static const char *pg_col_text(void *stmt, int col)
{
	pg_stmt *s = stmt;
	return pg_col_null(s, col) ? NULL : PQgetvalue(s->result, s->row, col);
}

static int64_t pg_col_int(void *stmt, int col)
{
	const char *v = pg_col_text(stmt, col);
	if (!v)
		return 0;
	if (strcmp(v, "t") == 0)
		return 1; /* a boolean expression */
	return strtoll(v, NULL, 10);
}

static double pg_col_real(void *stmt, int col)
{
	const char *v = pg_col_text(stmt, col);
	return v ? strtod(v, NULL) : 0.0;
}

static const void *pg_col_blob(void *stmt, int col, size_t *len)
{
	pg_stmt *s = stmt;
	const char *v = pg_col_text(s, col);
	*len = 0;
	if (!v)
		return "";
	if (PQftype(s->result, col) != 17 /* bytea */) {
		*len = (size_t)PQgetlength(s->result, s->row, col);
		return v;
	}
	PQfreemem(s->unescaped);
	s->unescaped = PQunescapeBytea((const unsigned char *)v, len);
	return s->unescaped ? (const void *)s->unescaped : "";
}

static int pg_col_count(void *stmt)
{
	pg_stmt *s = stmt;
	return s->result ? PQnfields(s->result) : 0;
}

static int64_t pg_changes(void *stmt)
{
	return ((pg_stmt *)stmt)->changes;
}

/* ---- LISTEN ---- */

typedef struct pg_listener {
	PGconn *pg;
} pg_listener;

static int pg_listen(void **out, const char *uri, const char *channel)
{
	void *conn;
	int rc = pg_connect(&conn, uri);
	if (rc < 0)
		return rc;
	pg_conn *c = conn;
	char *quoted = PQescapeIdentifier(c->pg, channel, strlen(channel));
	char sql[160];
	snprintf(sql, sizeof sql, "LISTEN %s", quoted ? quoted : "\"\"");
	PQfreemem(quoted);
	bool ignored;
	rc = pg_exec_script(c, sql, &ignored);
	if (rc < 0) {
		pg_disconnect(c);
		return rc;
	}
	pg_listener *l = mem_zalloc(sizeof *l);
	l->pg = c->pg;
	free(c); /* the listener keeps only the PGconn */
	*out = l;
	return 0;
}

/* Drains every notification that has arrived; true when there was at least one. */
static bool drain(PGconn *pg)
{
	bool any = false;
	PGnotify *n;
	while ((n = PQnotifies(pg)) != NULL) {
		any = true;
		PQfreemem(n);
	}
	return any;
}

static int pg_listener_wait(void *listener, int timeout_ms)
{
	pg_listener *l = listener;
	if (!PQconsumeInput(l->pg))
		return err_fail(WEFT_ERROR, "listener: %s", PQerrorMessage(l->pg));
	if (drain(l->pg))
		return 1;
	struct pollfd p = { .fd = PQsocket(l->pg), .events = POLLIN };
	int ready = poll(&p, 1, timeout_ms);
	if (ready <= 0)
		return 0;
	if (!PQconsumeInput(l->pg))
		return err_fail(WEFT_ERROR, "listener: %s", PQerrorMessage(l->pg));
	return drain(l->pg) ? 1 : 0;
}

static void pg_listener_free(void *listener)
{
	pg_listener *l = listener;
	PQfinish(l->pg);
	free(l);
}

const db_backend db_postgres_backend = {
	.engine = DB_POSTGRES,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.broken = pg_broken,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind = pg_bind,
	.step = pg_step,
	.reset = pg_reset,
	.col_int = pg_col_int,
	.col_real = pg_col_real,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.col_null = pg_col_null,
	.col_count = pg_col_count,
	.changes = pg_changes,
	.exec_script = pg_exec_script,
	.begin_write = "BEGIN ISOLATION LEVEL READ COMMITTED",
	.begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	.listen = pg_listen,
	.listener_wait = pg_listener_wait,
	.listener_free = pg_listener_free,
};
