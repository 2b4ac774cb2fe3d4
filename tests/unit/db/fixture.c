/* Fresh databases for tests, and running a group of tests once per engine. */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/asset.h"
#include "base/err.h"
#include "base/str.h"
#include "base/token.h"
#include "db/migrate.h"

typedef struct engine_prestate {
	db_engine engine;
	int pool_size;
	const char *service; /* NULL: an empty database; else one migrated for this service */
} engine_prestate;

bool fixture_have_postgres(void)
{
	const char *url = getenv("WEFT_TEST_PG_URL");
	return url && *url;
}

/* Runs one statement on the cluster's own database (CREATE/DROP DATABASE cannot run in a
 * transaction, and not in the database they drop). */
static int admin_exec(const char *sql)
{
	db *admin;
	int rc = db_open(&admin, getenv("WEFT_TEST_PG_URL"), 1);
	if (rc < 0)
		return rc;
	db_conn *c;
	rc = db_conn_get(&c, admin);
	if (rc == 0) {
		rc = db_exec_script(c, sql);
		db_conn_put(c);
	}
	db_close(admin);
	return rc;
}

/* The cluster URL with its database name replaced. */
static void url_for_database(char *out, size_t size, const char *name)
{
	const char *base = getenv("WEFT_TEST_PG_URL");
	const char *path = strchr(strstr(base, "://") + 3, '/');
	size_t prefix = path ? (size_t)(path - base) : strlen(base);
	snprintf(out, size, "%.*s/%s", (int)prefix, base, name);
}

/* A new database name with prefix and a random suffix. */
static void fresh_name(char *out, size_t size, const char *prefix)
{
	char token[17];
	token_init();
	token_hex(token, 8);
	snprintf(out, size, "%s%s", prefix, token);
}

/* CREATE DATABASE name, a copy of template (NULL: the cluster's default, an empty database).
 * Not STRATEGY FILE_COPY, though it is twice as fast on an idle cluster: it checkpoints the whole
 * cluster twice, and with the sanitized suite's servers writing to the same cluster it doubled
 * every PostgreSQL unit test there (make check 22 -> 27 min). */
static int create_database(const char *name, const char *template)
{
	char sql[256];
	if (template)
		snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s", name, template);
	else
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	return admin_exec(sql);
}

static void drop_database(const char *name)
{
	char sql[160];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	admin_exec(sql);
}

/* The name of service's template database: its PostgreSQL migrations' digest (FNV-1a over the
 * embedded files' names and contents) is part of it, so that a cluster kept across changes to the
 * migrations never hands out an outdated schema. */
static void template_name(char *out, size_t size, const char *service)
{
	char prefix[64];
	snprintf(prefix, sizeof prefix, "migrations/%s/pg/", service);
	uint64_t h = 14695981039346656037u;
	for (size_t i = 0; i < assets_count; i++) {
		if (!str_starts_with(assets[i].path, prefix))
			continue;
		const unsigned char *parts[] = { (const unsigned char *)assets[i].path,
			                         assets[i].data };
		size_t lens[] = { strlen(assets[i].path) + 1, assets[i].len };
		for (int p = 0; p < 2; p++)
			for (size_t j = 0; j < lens[p]; j++)
				h = (h ^ parts[p][j]) * 1099511628211u;
	}
	snprintf(out, size, "weft_template_%s_%016llx", service, (unsigned long long)h);
}

/* Makes the template: a database of its own, migrated, then renamed to name. Two test processes
 * making it at once each migrate one; the first rename wins and the other drops its copy. No one
 * connects to the template afterwards (CREATE DATABASE … TEMPLATE refuses a database in use). */
static int make_template(const char *name, const char *service)
{
	char scratch[64], url[512], sql[256];
	fresh_name(scratch, sizeof scratch, "weft_template_new_");
	int rc = create_database(scratch, NULL);
	if (rc < 0)
		return rc;
	url_for_database(url, sizeof url, scratch);
	db *d;
	int applied;
	rc = db_open(&d, url, 2); /* db_migrate_up holds a lock on one connection */
	if (rc == 0) {
		rc = db_migrate_up(&applied, d, service);
		db_close(d);
	}
	if (rc == 0) {
		snprintf(sql, sizeof sql, "ALTER DATABASE %s RENAME TO %s", scratch, name);
		if (admin_exec(sql) < 0)
			drop_database(scratch); /* another process made it first */
		return 0;
	}
	drop_database(scratch);
	return rc;
}

/* A fresh database migrated for service: a copy of the service's template, made first when the
 * cluster has none. Copying skips the migrations' hundreds of statements in every test. */
static int create_migrated(const char *name, const char *service)
{
	char template[64];
	template_name(template, sizeof template, service);
	if (create_database(name, template) == 0)
		return 0;
	int rc = make_template(template, service);
	return rc < 0 ? rc : create_database(name, template);
}

/* fixture_db_create, the database migrated for service when it is not NULL. */
static int create_fixture_db(fixture_db *out, db_engine engine, const char *service)
{
	memset(out, 0, sizeof *out);
	out->engine = engine;
	if (engine == DB_SQLITE) {
		fresh_name(out->name, sizeof out->name, "/tmp/weft-test-");
		if (mkdir(out->name, 0700) < 0)
			return err_fail(WEFT_ERROR, "cannot create %s", out->name);
		snprintf(out->url, sizeof out->url, "sqlite://%s/test.db", out->name);
		return 0;
	}
	if (!fixture_have_postgres())
		return err_fail(WEFT_ENOTFOUND, "WEFT_TEST_PG_URL is not set");
	fresh_name(out->name, sizeof out->name, "weft_test_");
	url_for_database(out->url, sizeof out->url, out->name);
	return service ? create_migrated(out->name, service) : create_database(out->name, NULL);
}

int fixture_db_create(fixture_db *out, db_engine engine)
{
	return create_fixture_db(out, engine, NULL);
}

void fixture_db_destroy(fixture_db *f)
{
	if (f->engine == DB_SQLITE) {
		char cmd[160];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->name);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", f->name);
		return;
	}
	drop_database(f->name);
}

static int setup(void **state)
{
	const engine_prestate *pre = *state;
	fixture *f = calloc(1, sizeof *f);
	int applied;
	if (create_fixture_db(&f->fx, pre->engine, pre->service) < 0 ||
	    db_open(&f->d, f->fx.url, pre->pool_size) < 0 ||
	    (pre->service && pre->engine == DB_SQLITE &&
	     db_migrate_up(&applied, f->d, pre->service) < 0)) {
		fprintf(stderr, "# fixture: %s\n", err_msg());
		if (f->d)
			db_close(f->d);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	db_close(f->d);
	fixture_db_destroy(&f->fx);
	free(f);
	return 0;
}

static void postgres_is_required(void **state)
{
	(void)state;
	fail_msg("WEFT_TEST_REQUIRE_PG is set but WEFT_TEST_PG_URL is not: PostgreSQL did not "
	         "start");
}

int fixture_run_engine_tests(const char *group, const struct CMUnitTest *tests, size_t n,
                             int pool_size)
{
	return fixture_run_service_tests(group, NULL, tests, n, pool_size);
}

/* Whether the tests run on engine: WEFT_TEST_STORE_ENGINE names the one engine they run on
 * ("sqlite" or "postgres"); unset or empty, both (PostgreSQL when the cluster is there). */
static bool engine_selected(db_engine engine)
{
	const char *only = getenv("WEFT_TEST_STORE_ENGINE");
	if (!only || !*only)
		return true;
	return strcmp(only, engine == DB_SQLITE ? "sqlite" : "postgres") == 0;
}

static void unknown_store_engine(void **state)
{
	(void)state;
	fail_msg("WEFT_TEST_STORE_ENGINE is '%s': it is sqlite, postgres or empty (both)",
	         getenv("WEFT_TEST_STORE_ENGINE"));
}

int fixture_run_service_tests(const char *group, const char *service,
                              const struct CMUnitTest *tests, size_t n, int pool_size)
{
	static engine_prestate engines[2];
	engines[0] = (engine_prestate){ DB_SQLITE, pool_size, service };
	engines[1] = (engine_prestate){ DB_POSTGRES, pool_size, service };
	struct CMUnitTest *all = calloc(n * 2 + 1, sizeof *all);
	size_t count = 0;
	for (int e = 0; e < 2; e++) {
		if (!engine_selected(engines[e].engine) ||
		    (engines[e].engine == DB_POSTGRES && !fixture_have_postgres()))
			continue;
		for (size_t i = 0; i < n; i++) {
			char *name = malloc(strlen(tests[i].name) + 16);
			sprintf(name, "%s/%s", e == 0 ? "sqlite" : "postgres", tests[i].name);
			all[count++] = (struct CMUnitTest){ name, tests[i].test_func, setup,
				                            teardown, &engines[e] };
		}
	}
	if (!engine_selected(DB_SQLITE) && !engine_selected(DB_POSTGRES))
		all[count++] = (struct CMUnitTest){ "store engine", unknown_store_engine, NULL,
			                            NULL, NULL };
	else if (engine_selected(DB_POSTGRES) && !fixture_have_postgres() &&
	         getenv("WEFT_TEST_REQUIRE_PG"))
		all[count++] =
		        (struct CMUnitTest){ "postgres", postgres_is_required, NULL, NULL, NULL };
	int failed = _cmocka_run_group_tests(group, all, count, NULL, NULL);
	for (size_t i = 0; i < count; i++)
		if (all[i].test_func != postgres_is_required &&
		    all[i].test_func != unknown_store_engine)
			free((char *)all[i].name);
	free(all);
	return failed;
}

int64_t fixture_scalar(db *d, const char *sql)
{
	db_conn *c;
	if (db_conn_get(&c, d) < 0)
		return -1;
	db_stmt *st;
	int64_t v = -1;
	if (db_query(&st, c, sql, DB_END) == 0 && db_step(st) == DB_ROW)
		v = db_col_int(st, 0);
	db_done(st);
	db_conn_put(c);
	return v;
}

db_conn *fixture_migrated_conn(fixture *f, const char *service)
{
	int applied;
	db_conn *c = NULL;
	if (db_migrate_up(&applied, f->d, service) < 0)
		fail_msg("migrations: %s", err_msg());
	assert_int_equal(db_conn_get(&c, f->d), 0);
	return c;
}

int64_t fixture_conn_scalar(db_conn *c, const char *sql, db_arg arg)
{
	db_stmt *st;
	int64_t v = -1;
	if (db_query(&st, c, sql, arg) == 0 && db_step(st) == DB_ROW)
		v = db_col_int(st, 0);
	db_done(st);
	return v;
}
