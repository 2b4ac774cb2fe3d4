/* The engine-neutral half of the store: URLs, the connection pool, the statement cache,
 * transactions with retries, and argument lists. */
#include "db/db.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "db/backend.h"

enum {
	CACHE_SLOTS = 128, /* prepared statements kept per connection */
	MAX_AFTER_COMMIT = 8,
	TX_ATTEMPTS = 12, /* tries of a transaction that keeps meeting transient conflicts */
};

struct db_stmt {
	db_conn *conn;
	void *impl;
	char *sql;
	uint64_t hash;
	bool cached;
	bool in_use;
};

typedef struct after_commit {
	void (*fn)(void *arg);
	void *arg;
} after_commit;

struct db_conn {
	db *owner;
	void *impl;
	db_stmt *cache[CACHE_SLOTS];
	bool transient; /* the last error may go away if the transaction runs again */
	bool cache_grown; /* db_conn_cache: back to the default size when returned */
	after_commit hooks[MAX_AFTER_COMMIT];
	int nhooks;
};

struct db {
	const db_backend *backend;
	char *target; /* what the backend connects to */
	char *describe; /* the URL without a password */
	pthread_mutex_t lock;
	pthread_cond_t freed;
	db_conn **idle;
	int nidle, open, max;
	void (*waker)(void *arg);
	void *waker_arg;
};

/* A listener: the engine's own, and the table that closes it. */
struct db_listener {
	const db_backend *backend;
	void *impl;
};

static _Thread_local uint64_t statements_run;

uint64_t db_statements_run(void)
{
	return statements_run;
}

/* "postgresql://user:secret@host/db" is shown as "postgresql://user@host/db". */
static char *without_password(const char *url)
{
	const char *scheme_end = strstr(url, "://");
	const char *at = scheme_end ? strchr(scheme_end + 3, '@') : NULL;
	const char *colon = at ? memchr(scheme_end + 3, ':', (size_t)(at - scheme_end - 3)) : NULL;
	if (!colon)
		return mem_strdup(url);
	buf b = BUF_INIT;
	buf_append(&b, url, (size_t)(colon - url));
	buf_puts(&b, at);
	return buf_detach(&b);
}

static int parse_url(db *d, const char *url)
{
	if (str_starts_with(url, "postgresql://") || str_starts_with(url, "postgres://")) {
		d->backend = &db_postgres_backend;
		d->target = mem_strdup(url);
	} else if (str_starts_with(url, "sqlite://")) {
		d->backend = &db_sqlite_backend;
		d->target = mem_strdup(url + strlen("sqlite://"));
	} else if (str_starts_with(url, "sqlite:")) {
		d->backend = &db_sqlite_backend;
		d->target = mem_strdup(url + strlen("sqlite:"));
	} else if (strstr(url, "://")) {
		return err_fail(
		        WEFT_EINVALID,
		        "database URL %s: use a file path, sqlite:///path or postgresql://…", url);
	} else {
		d->backend = &db_sqlite_backend;
		d->target = mem_strdup(url);
	}
	if (!*d->target)
		return err_fail(WEFT_EINVALID, "database URL %s names no database", url);
	d->describe = without_password(url);
	return 0;
}

static int conn_new(db_conn **out, db *d)
{
	void *impl;
	int rc = d->backend->connect(&impl, d->target);
	if (rc < 0)
		return err_fail(rc, "database %s: %s", d->describe, err_msg());
	db_conn *c = mem_zalloc(sizeof *c);
	c->owner = d;
	c->impl = impl;
	*out = c;
	return 0;
}

static void conn_free(db_conn *c)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		db_stmt *s = c->cache[i];
		if (!s)
			continue;
		c->owner->backend->finalize(s->impl);
		free(s->sql);
		free(s);
	}
	c->owner->backend->disconnect(c->impl);
	free(c);
}

int db_open(db **out, const char *url, int pool_size)
{
	db *d = mem_zalloc(sizeof *d);
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->freed, NULL);
	d->max = pool_size > 0 ? pool_size : 1;
	d->idle = mem_zalloc(mem_mul((size_t)d->max, sizeof *d->idle));
	int rc = parse_url(d, url);
	db_conn *first = NULL;
	if (rc == 0)
		rc = conn_new(&first, d);
	if (rc < 0) {
		db_close(d);
		return rc;
	}
	d->idle[d->nidle++] = first;
	d->open = 1;
	*out = d;
	return 0;
}

void db_close(db *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->nidle; i++)
		conn_free(d->idle[i]);
	if (d->open > d->nidle)
		log_error("database %s closed with %d connections still borrowed", d->describe,
		          d->open - d->nidle);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->freed);
	free(d->idle);
	free(d->target);
	free(d->describe);
	free(d);
}

void db_release_memory(db *d)
{
	pthread_mutex_lock(&d->lock);
	for (int i = 0; d->backend->release_memory && i < d->nidle; i++)
		d->backend->release_memory(d->idle[i]->impl);
	pthread_mutex_unlock(&d->lock);
}

db_engine db_engine_of(const db *d)
{
	return d->backend->engine;
}

const char *db_describe(const db *d)
{
	return d->describe;
}

int db_conn_get(db_conn **out, db *d)
{
	pthread_mutex_lock(&d->lock);
	while (d->nidle == 0 && d->open >= d->max)
		pthread_cond_wait(&d->freed, &d->lock);
	if (d->nidle > 0) {
		*out = d->idle[--d->nidle];
		pthread_mutex_unlock(&d->lock);
		return 0;
	}
	d->open++; /* reserve the slot, connect outside the lock */
	pthread_mutex_unlock(&d->lock);
	int rc = conn_new(out, d);
	if (rc < 0) {
		pthread_mutex_lock(&d->lock);
		d->open--;
		pthread_cond_signal(&d->freed);
		pthread_mutex_unlock(&d->lock);
	}
	return rc;
}

void db_conn_put(db_conn *c)
{
	db *d = c->owner;
	c->nhooks = 0;
	c->transient = false;
	bool broken = d->backend->broken(c->impl);
	if (c->cache_grown && !broken)
		d->backend->cache_size(c->impl, 0);
	c->cache_grown = false;
	if (broken)
		conn_free(c);
	pthread_mutex_lock(&d->lock);
	if (broken)
		d->open--;
	else
		d->idle[d->nidle++] = c;
	pthread_cond_signal(&d->freed);
	pthread_mutex_unlock(&d->lock);
}

db_engine db_conn_engine(const db_conn *c)
{
	return c->owner->backend->engine;
}

void db_conn_cache(db_conn *c, int kib)
{
	const db_backend *b = c->owner->backend;
	if (!b->cache_size)
		return;
	b->cache_size(c->impl, kib);
	c->cache_grown = true;
}

int db_analyze(db_conn *c, const char *tables)
{
	if (db_conn_engine(c) != DB_POSTGRES)
		return 0;
	buf sql = BUF_INIT;
	buf_printf(&sql, "ANALYZE %s", tables);
	int rc = db_exec_script(c, buf_cstr(&sql));
	buf_dispose(&sql);
	return rc;
}

const char *db_sql(const db_conn *c, const char *sqlite_sql, const char *postgres_sql)
{
	return db_conn_engine(c) == DB_SQLITE ? sqlite_sql : postgres_sql;
}

/* ---- statements ---- */

static uint64_t hash_sql(const char *sql)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

/* The cached statement for sql if it is free, else NULL; *slot is where a new one may go
 * (-1 when the probe found no room). */
static db_stmt *cache_find(db_conn *c, const char *sql, uint64_t h, int *slot)
{
	*slot = -1;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		int k = (int)((h + (uint64_t)i) % CACHE_SLOTS);
		db_stmt *s = c->cache[k];
		if (!s) {
			*slot = k;
			return NULL;
		}
		if (s->hash == h && strcmp(s->sql, sql) == 0)
			return s->in_use ? NULL : s;
	}
	return NULL;
}

static int stmt_prepare(db_stmt **out, db_conn *c, const char *sql)
{
	uint64_t h = hash_sql(sql);
	int slot;
	db_stmt *s = cache_find(c, sql, h, &slot);
	if (!s) {
		void *impl;
		int rc = c->owner->backend->prepare(&impl, c->impl, sql);
		if (rc < 0)
			return rc;
		s = mem_zalloc(sizeof *s);
		s->conn = c;
		s->impl = impl;
		s->sql = mem_strdup(sql);
		s->hash = h;
		/* A statement already in use (a nested loop over the same query) stays uncached. */
		if (slot >= 0) {
			s->cached = true;
			c->cache[slot] = s;
		}
	}
	s->in_use = true;
	*out = s;
	return 0;
}

int db_query_args(db_stmt **out, db_conn *c, const char *sql, const db_arg *args)
{
	db_stmt *s = NULL;
	*out = NULL; /* so that a caller's db_done after a failure is harmless */
	statements_run++;
	int rc = stmt_prepare(&s, c, sql);
	for (int i = 0; rc == 0 && args[i].type; i++)
		rc = c->owner->backend->bind(s->impl, i + 1, &args[i]);
	if (rc < 0) {
		db_done(s);
		return rc;
	}
	*out = s;
	return 0;
}

int db_step(db_stmt *s)
{
	bool transient = false;
	int rc = s->conn->owner->backend->step(s->impl, &transient);
	if (rc < 0 && transient)
		s->conn->transient = true;
	return rc;
}

int db_step_one(db_stmt *s, const char *fmt, ...)
{
	int rc = db_step(s);
	if (rc == DB_ROW)
		return 0;
	if (rc < 0)
		return rc;
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	return err_fail(WEFT_ENOTFOUND, "%s", message);
}

int db_query_int_args(int64_t *out, db_conn *c, const char *sql, const db_arg *args)
{
	db_stmt *s;
	int rc = db_query_args(&s, c, sql, args);
	if (rc == 0)
		rc = db_step(s);
	*out = rc == DB_ROW ? db_col_int(s, 0) : 0;
	db_done(s);
	return rc < 0 ? rc : 0;
}

int db_exec_args(db_conn *c, const char *sql, const db_arg *args)
{
	db_stmt *s;
	int rc = db_query_args(&s, c, sql, args);
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		;
	if (rc == DB_DONE)
		rc = (int)db_changes(s);
	db_done(s);
	return rc;
}

int db_exec_script(db_conn *c, const char *sql)
{
	bool transient = false;
	int rc = c->owner->backend->exec_script(c->impl, sql, &transient);
	if (rc < 0 && transient)
		c->transient = true;
	return rc;
}

void db_done(db_stmt *s)
{
	if (!s)
		return;
	const db_backend *b = s->conn->owner->backend;
	if (s->cached) {
		b->reset(s->impl);
		s->in_use = false;
		return;
	}
	b->finalize(s->impl);
	free(s->sql);
	free(s);
}

#define COLUMN(s) ((s)->conn->owner->backend)

int64_t db_col_int(db_stmt *s, int col)
{
	return COLUMN(s)->col_int(s->impl, col);
}

double db_col_real(db_stmt *s, int col)
{
	return COLUMN(s)->col_real(s->impl, col);
}

const char *db_col_text(db_stmt *s, int col)
{
	return COLUMN(s)->col_text(s->impl, col);
}

const void *db_col_blob(db_stmt *s, int col, size_t *len)
{
	return COLUMN(s)->col_blob(s->impl, col, len);
}

bool db_col_null(db_stmt *s, int col)
{
	return COLUMN(s)->col_null(s->impl, col);
}

int db_col_count(db_stmt *s)
{
	return COLUMN(s)->col_count(s->impl);
}

int64_t db_changes(db_stmt *s)
{
	return COLUMN(s)->changes(s->impl);
}

/* ---- transactions ---- */

void db_after_commit(db_conn *c, void (*fn)(void *arg), void *arg)
{
	if (c->nhooks == MAX_AFTER_COMMIT) {
		log_error("db_after_commit: more than %d hooks in one transaction",
		          MAX_AFTER_COMMIT);
		return;
	}
	c->hooks[c->nhooks++] = (after_commit){ fn, arg };
}

static void run_after_commit(db_conn *c)
{
	int n = c->nhooks;
	c->nhooks = 0;
	for (int i = 0; i < n; i++)
		c->hooks[i].fn(c->hooks[i].arg);
}

/* Sleeps a little longer after each failed attempt, with jitter so that two retrying writers do
 * not collide again in step. */
static void backoff(int attempt)
{
	unsigned base_us = 1000u << (attempt < 7 ? attempt : 7);
	unsigned jitter = (unsigned)rand() % base_us; /* spread, not security */
	usleep(base_us / 2 + jitter);
}

static int run_once(db_conn *c, const char *begin, db_fn fn, void *ctx)
{
	const db_backend *b = c->owner->backend;
	c->transient = false;
	c->nhooks = 0;
	bool transient = false;
	int rc = b->exec_script(c->impl, begin, &transient);
	if (rc == 0)
		rc = fn(c, ctx);
	if (rc == 0)
		rc = b->exec_script(c->impl, "COMMIT", &transient);
	if (transient)
		c->transient = true;
	if (rc < 0) {
		bool ignored;
		b->exec_script(c->impl, "ROLLBACK", &ignored);
		c->nhooks = 0;
		return rc;
	}
	run_after_commit(c);
	return 0;
}

static int run_retried(db_conn *c, const char *begin, db_fn fn, void *ctx)
{
	db *d = c->owner;
	int rc;
	for (int attempt = 0;; attempt++) {
		rc = run_once(c, begin, fn, ctx);
		if (rc == 0 || !c->transient || d->backend->broken(c->impl))
			break;
		if (attempt + 1 == TX_ATTEMPTS) {
			rc = err_fail(WEFT_ECONFLICT, "the database stayed busy; try again (%s)",
			              err_msg());
			break;
		}
		backoff(attempt);
	}
	return rc;
}

/* A transaction on a pooled connection, its cache grown to cache_kib first (0: as it is). */
static int run_transaction(db *d, const char *begin, int cache_kib, db_fn fn, void *ctx)
{
	db_conn *c;
	int rc = db_conn_get(&c, d);
	if (rc < 0)
		return rc;
	if (cache_kib > 0)
		db_conn_cache(c, cache_kib);
	rc = run_retried(c, begin, fn, ctx);
	db_conn_put(c);
	return rc;
}

typedef struct schema_change {
	db_fn fn;
	void *ctx;
} schema_change;

/* fn, then SQLite's own check of every foreign key, before the commit. */
static int checked_change(db_conn *c, void *ctx)
{
	schema_change *change = ctx;
	int rc = change->fn(c, change->ctx);
	if (rc < 0)
		return rc;
	db_stmt *st;
	rc = db_query(&st, c, "PRAGMA foreign_key_check", DB_END);
	if (rc == 0 && (rc = db_step(st)) == DB_ROW)
		rc = err_fail(WEFT_ERROR, "a row of %s names a missing row of %s",
		              db_col_text(st, 0), db_col_text(st, 2));
	db_done(st);
	return rc < 0 ? rc : 0;
}

int db_tx_schema(db *d, db_fn fn, void *ctx)
{
	if (db_engine_of(d) != DB_SQLITE)
		return db_tx(d, fn, ctx);
	db_conn *c;
	int rc = db_conn_get(&c, d);
	if (rc < 0)
		return rc;
	bool transient;
	schema_change change = { fn, ctx };
	rc = d->backend->exec_script(c->impl, "PRAGMA foreign_keys = OFF", &transient);
	if (rc == 0)
		rc = run_retried(c, d->backend->begin_write, checked_change, &change);
	int on = d->backend->exec_script(c->impl, "PRAGMA foreign_keys = ON", &transient);
	db_conn_put(c);
	return rc < 0 ? rc : on;
}

int db_tx(db *d, db_fn fn, void *ctx)
{
	return run_transaction(d, d->backend->begin_write, 0, fn, ctx);
}

int db_tx_bulk(db *d, int cache_kib, db_fn fn, void *ctx)
{
	return run_transaction(d, d->backend->begin_write, cache_kib, fn, ctx);
}

int db_read(db *d, db_fn fn, void *ctx)
{
	return run_transaction(d, d->backend->begin_read, 0, fn, ctx);
}

/* ---- wake-ups and notifications ---- */

void db_set_waker(db *d, void (*fn)(void *arg), void *arg)
{
	d->waker = fn;
	d->waker_arg = arg;
}

void db_wake_after_commit(db_conn *c)
{
	db *d = c->owner;
	if (!d->waker)
		return;
	for (int i = 0; i < c->nhooks; i++)
		if (c->hooks[i].fn == d->waker)
			return; /* once per transaction is enough */
	db_after_commit(c, d->waker, d->waker_arg);
}

void db_wake(db *d)
{
	if (d->waker)
		d->waker(d->waker_arg);
}

int db_listen(db_listener **out, db *d, const char *channel)
{
	if (!d->backend->listen)
		return err_fail(WEFT_ENOTFOUND, "only PostgreSQL has notifications");
	void *impl = NULL;
	int rc = d->backend->listen(&impl, d->target, channel);
	if (rc < 0)
		return rc;
	db_listener *l = mem_zalloc(sizeof *l);
	*l = (db_listener){ d->backend, impl };
	*out = l;
	return 0;
}

int db_listener_wait(db_listener *l, int timeout_ms)
{
	return l->backend->listener_wait(l->impl, timeout_ms);
}

void db_listener_free(db_listener *l)
{
	if (!l)
		return;
	l->backend->listener_free(l->impl);
	free(l);
}
