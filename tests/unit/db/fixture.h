/* Test support for the store: every engine test runs once per engine, each time on a fresh,
 * empty database. SQLite gets a file in a temporary directory; PostgreSQL a new database in the
 * cluster of WEFT_TEST_PG_URL (which make check starts), dropped afterwards. */
#ifndef WEFT_TESTS_DB_FIXTURE_H
#define WEFT_TESTS_DB_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/db.h"

typedef struct fixture_db {
	db_engine engine;
	char url[512];
	char name[64]; /* PostgreSQL: the database's name; SQLite: the directory */
} fixture_db;

/* What a test's state points at. */
typedef struct fixture {
	fixture_db fx;
	db *d;
} fixture;

/* Whether PostgreSQL tests can run here (WEFT_TEST_PG_URL is set). */
bool fixture_have_postgres(void);
/* Creates a fresh database; 0 or an error with a message. */
int fixture_db_create(fixture_db *out, db_engine engine);
/* Drops it (PostgreSQL) or removes its files (SQLite). */
void fixture_db_destroy(fixture_db *f);

/* The first column of the first row of sql (no parameters) on a connection of its own, or -1. */
int64_t fixture_scalar(db *d, const char *sql);

/* Migrates the fixture's database for service ("hub", "track") and borrows a connection, outside
 * any transaction (each statement commits at once); fails the test when either fails. */
db_conn *fixture_migrated_conn(fixture *f, const char *service);

/* The first column of the first row of sql with one parameter, on c; -1 when there is none. */
int64_t fixture_conn_scalar(db_conn *c, const char *sql, db_arg arg);

/* Runs tests once per engine (PostgreSQL when WEFT_TEST_PG_URL is set; when WEFT_TEST_REQUIRE_PG
 * is set too and PostgreSQL is missing, that is a failure; WEFT_TEST_STORE_ENGINE=sqlite or
 * =postgres runs them on that engine alone), each test named "ENGINE/test" and
 * given a fixture with a fresh database opened with a pool of pool_size. Returns the number of
 * failures, for main to return. */
int fixture_run_engine_tests(const char *group, const struct CMUnitTest *tests, size_t n,
                             int pool_size);

/* Like fixture_run_engine_tests, but each test's fresh database is already migrated for service
 * ("hub", "track"): on PostgreSQL a copy of a template database, migrated once per cluster and
 * set of migrations (weft_template_SERVICE_DIGEST, left in the cluster for the next run), rather
 * than migrated statement by statement in every test; SQLite's is migrated in the set-up. */
int fixture_run_service_tests(const char *group, const char *service,
                              const struct CMUnitTest *tests, size_t n, int pool_size);

#endif
