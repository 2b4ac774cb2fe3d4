/* Finding the embedded migration files of a service and applying the pending ones. */
#include "db/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/asset.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

enum { MAX_MIGRATIONS = 512 };

typedef struct migration {
	int version;
	const char *name; /* the file name, for messages */
	const asset *file;
} migration;

typedef struct migration_list {
	migration items[MAX_MIGRATIONS];
	int count;
} migration_list;

static int by_version(const void *a, const void *b)
{
	return ((const migration *)a)->version - ((const migration *)b)->version;
}

/* The files under migrations/SERVICE/ENGINE/, sorted; a duplicate version is a build mistake. */
static int collect(migration_list *list, const char *service, db_engine engine)
{
	char prefix[96];
	snprintf(prefix, sizeof prefix, "migrations/%s/%s/", service,
	         engine == DB_SQLITE ? "sqlite" : "pg");
	list->count = 0;
	for (size_t i = 0; i < assets_count; i++) {
		const char *path = assets[i].path;
		if (!str_starts_with(path, prefix) || !str_ends_with(path, ".sql"))
			continue;
		const char *name = path + strlen(prefix);
		if (list->count == MAX_MIGRATIONS || atoi(name) <= 0)
			return err_fail(WEFT_ERROR, "migration %s: bad name or too many", path);
		list->items[list->count++] = (migration){ atoi(name), name, &assets[i] };
	}
	qsort(list->items, (size_t)list->count, sizeof(migration), by_version);
	for (int i = 1; i < list->count; i++)
		if (list->items[i].version == list->items[i - 1].version)
			return err_fail(WEFT_ERROR, "two migrations with version %d",
			                list->items[i].version);
	return 0;
}

static int ensure_table(db_conn *c, void *ctx)
{
	(void)ctx;
	return db_exec_script(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                         " version INTEGER PRIMARY KEY,"
	                         " service TEXT NOT NULL,"
	                         " name TEXT NOT NULL,"
	                         " applied_at BIGINT NOT NULL)");
}

/* A database belongs to one service: pointing hub and track at the same one would mix their
 * tables, so it is refused. */
static int check_owner(db_conn *c, const char *service)
{
	db_stmt *s;
	int rc =
	        db_query(&s, c, "SELECT service FROM schema_migrations WHERE service <> $1 LIMIT 1",
	                 db_text(service));
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		rc = err_fail(WEFT_ECONFLICT,
		              "this database belongs to weft %s, not %s: give each service its own",
		              db_col_text(s, 0), service);
	db_done(s);
	return rc < 0 ? rc : 0;
}

static int read_current(db_conn *c, const char *service, int *current)
{
	*current = 0;
	int rc = check_owner(c, service);
	if (rc < 0)
		return rc;
	db_stmt *s;
	rc = db_query(&s, c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", DB_END);
	if (rc < 0)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		*current = (int)db_col_int(s, 0);
		rc = 0;
	}
	db_done(s);
	return rc;
}

static int check_not_newer(int current, int latest, const char *service)
{
	if (current > latest)
		return err_fail(
		        WEFT_ECONFLICT,
		        "the %s database is at schema version %d, newer than this weft knows "
		        "(%d): run the weft release that migrated it, or a later one",
		        service, current, latest);
	return 0;
}

typedef struct status_ctx {
	const migration_list *list;
	db_schema_state *state;
	const char *service;
} status_ctx;

static int read_state(db_conn *c, void *ctx)
{
	status_ctx *sc = ctx;
	const migration_list *list = sc->list;
	db_schema_state *st = sc->state;
	int rc = read_current(c, sc->service, &st->current);
	if (rc < 0)
		return rc;
	st->latest = list->count ? list->items[list->count - 1].version : 0;
	st->pending = 0;
	for (int i = 0; i < list->count; i++)
		st->pending += list->items[i].version > st->current;
	return check_not_newer(st->current, st->latest, sc->service);
}

int db_migrate_status(db_schema_state *out, db *d, const char *service)
{
	migration_list *list = mem_zalloc(sizeof *list);
	status_ctx ctx = { list, out, service };
	int rc = collect(list, service, db_engine_of(d));
	if (rc == 0)
		rc = db_tx(d, ensure_table, NULL);
	if (rc == 0)
		rc = db_read(d, read_state, &ctx);
	free(list);
	return rc;
}

typedef struct apply_ctx {
	const migration *m;
	const char *service;
	bool applied;
} apply_ctx;

/* One migration in one transaction; skipped when another process applied it meanwhile. */
static int apply_one(db_conn *c, void *ctx)
{
	apply_ctx *ac = ctx;
	int current;
	ac->applied = false;
	int rc = read_current(c, ac->service, &current);
	if (rc < 0 || current >= ac->m->version)
		return rc;
	rc = db_exec_script(c, (const char *)ac->m->file->data);
	if (rc < 0)
		return err_fail(rc, "migration %s failed: %s", ac->m->name, err_msg());
	rc = db_exec(c,
	             "INSERT INTO schema_migrations (version, service, name, applied_at)"
	             " VALUES ($1, $2, $3, $4)",
	             db_int(ac->m->version), db_text(ac->service), db_text(ac->m->name),
	             db_int(clock_now_ms()));
	ac->applied = rc >= 0;
	return rc < 0 ? rc : 0;
}

/* A migration that rebuilds a table others reference says so in a line of its own; it runs with
 * SQLite's foreign keys off, checked before it commits (db_tx_schema). */
static bool rebuilds_tables(const migration *m)
{
	return strstr((const char *)m->file->data, "\n-- weft: rebuilds tables\n") != NULL;
}

static int apply_pending(int *applied, db *d, const migration_list *list, const char *service)
{
	db_schema_state st;
	status_ctx sctx = { list, &st, service };
	int rc = db_read(d, read_state, &sctx);
	for (int i = 0; rc == 0 && i < list->count; i++) {
		if (list->items[i].version <= st.current)
			continue;
		apply_ctx ac = { &list->items[i], service, false };
		rc = rebuilds_tables(ac.m) ? db_tx_schema(d, apply_one, &ac)
		                           : db_tx(d, apply_one, &ac);
		if (rc == 0 && ac.applied) {
			(*applied)++;
			log_info("%s database: applied migration %s", service, ac.m->name);
		}
	}
	return rc;
}

int db_migrate_up(int *applied, db *d, const char *service)
{
	*applied = 0;
	migration_list *list = mem_zalloc(sizeof *list);
	db_conn *lock = NULL;
	int rc = collect(list, service, db_engine_of(d));
	/* PostgreSQL: a session lock held across the per-migration transactions (and the creation
	 * of schema_migrations, which is not safe to race), so that a second node waits and then
	 * finds nothing left to do. SQLite's write lock does the same per transaction. */
	if (rc == 0 && db_engine_of(d) == DB_POSTGRES && (rc = db_conn_get(&lock, d)) == 0)
		rc = db_exec(lock, "SELECT pg_advisory_lock(hashtext($1))", db_text(service));
	if (rc >= 0)
		rc = db_tx(d, ensure_table, NULL);
	if (rc == 0)
		rc = apply_pending(applied, d, list, service);
	if (lock) {
		db_exec(lock, "SELECT pg_advisory_unlock(hashtext($1))", db_text(service));
		db_conn_put(lock);
	}
	free(list);
	return rc < 0 ? rc : 0;
}
