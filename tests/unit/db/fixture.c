/* Fresh databases for tests, and running a group of tests once per engine. */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/token.h"
#include "db/migrate.h"

typedef struct engine_prestate {
	db_engine engine;
	int pool_size;
} engine_prestate;

bool fixture_have_postgres(void)
{
	const char *url = getenv("WEFT_TEST_PG_URL");
	return url && *url;
}

/* Runs one statement on the cluster's own database (CREATE/DROP DATABASE cannot run in a
 * transaction, and not in the database they drop). */
static int admin_exec(const char *sql_fmt, const char *name)
{
	db *admin;
	int rc = db_open(&admin, getenv("WEFT_TEST_PG_URL"), 1);
	if (rc < 0)
		return rc;
	char sql[256];
	snprintf(sql, sizeof sql, sql_fmt, name);
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

int fixture_db_create(fixture_db *out, db_engine engine)
{
	memset(out, 0, sizeof *out);
	out->engine = engine;
	char token[17];
	token_init();
	token_hex(token, 8);
	if (engine == DB_SQLITE) {
		snprintf(out->name, sizeof out->name, "/tmp/weft-test-%s", token);
		if (mkdir(out->name, 0700) < 0)
			return err_fail(WEFT_ERROR, "cannot create %s", out->name);
		snprintf(out->url, sizeof out->url, "sqlite://%s/test.db", out->name);
		return 0;
	}
	if (!fixture_have_postgres())
		return err_fail(WEFT_ENOTFOUND, "WEFT_TEST_PG_URL is not set");
	snprintf(out->name, sizeof out->name, "weft_test_%s", token);
	url_for_database(out->url, sizeof out->url, out->name);
	/* Not STRATEGY FILE_COPY, though it is twice as fast on an idle cluster: it checkpoints the
	 * whole cluster twice, and with the sanitized suite's servers writing to the same cluster
	 * it doubled every PostgreSQL unit test there (make check 22 -> 27 min). */
	return admin_exec("CREATE DATABASE %s", out->name);
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
	admin_exec("DROP DATABASE IF EXISTS %s WITH (FORCE)", f->name);
}

static int setup(void **state)
{
	const engine_prestate *pre = *state;
	fixture *f = calloc(1, sizeof *f);
	if (fixture_db_create(&f->fx, pre->engine) < 0 ||
	    db_open(&f->d, f->fx.url, pre->pool_size) < 0) {
		fprintf(stderr, "# fixture: %s\n", err_msg());
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
	static engine_prestate engines[2];
	engines[0] = (engine_prestate){ DB_SQLITE, pool_size };
	engines[1] = (engine_prestate){ DB_POSTGRES, pool_size };
	int nengines = fixture_have_postgres() ? 2 : 1;
	struct CMUnitTest *all = calloc(n * 2 + 1, sizeof *all);
	size_t count = 0;
	for (int e = 0; e < nengines; e++) {
		for (size_t i = 0; i < n; i++) {
			char *name = malloc(strlen(tests[i].name) + 16);
			sprintf(name, "%s/%s", e == 0 ? "sqlite" : "postgres", tests[i].name);
			all[count++] = (struct CMUnitTest){ name, tests[i].test_func, setup,
				                            teardown, &engines[e] };
		}
	}
	if (nengines == 1 && getenv("WEFT_TEST_REQUIRE_PG"))
		all[count++] =
		        (struct CMUnitTest){ "postgres", postgres_is_required, NULL, NULL, NULL };
	int failed = _cmocka_run_group_tests(group, all, count, NULL, NULL);
	for (size_t i = 0; i < count; i++)
		if (all[i].test_func != postgres_is_required)
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
