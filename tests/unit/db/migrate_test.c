/* Tests of src/db/migrate.c on both engines: from empty, idempotent, concurrent, and a newer
 * schema refused. */
#include "fixture.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/err.h"
#include "db/migrate.h"

static const char *const services[] = { "hub", "track" };

static void from_empty_to_latest(void **state)
{
	fixture *f = *state;
	fixture_db second;
	db *track_db;
	assert_int_equal(fixture_db_create(&second, f->fx.engine), 0);
	assert_int_equal(db_open(&track_db, second.url, 2), 0);
	db *dbs[2] = { f->d, track_db };
	for (int i = 0; i < 2; i++) {
		db_schema_state st;
		assert_int_equal(db_migrate_status(&st, dbs[i], services[i]), 0);
		assert_int_equal(st.current, 0);
		assert_true(st.latest >= 2);
		assert_int_equal(st.pending, st.latest);
		int applied;
		assert_int_equal(db_migrate_up(&applied, dbs[i], services[i]), 0);
		assert_int_equal(applied, st.latest);
		assert_int_equal(db_migrate_status(&st, dbs[i], services[i]), 0);
		assert_int_equal(st.current, st.latest);
		assert_int_equal(st.pending, 0);
		assert_int_equal(db_migrate_up(&applied, dbs[i], services[i]), 0);
		assert_int_equal(applied, 0);
	}
	db_close(track_db);
	fixture_db_destroy(&second);
	db_conn *c;
	db_conn_get(&c, f->d);
	assert_int_equal(db_exec(c, "SELECT COUNT(*) FROM jobs", DB_END), 0);
	assert_int_equal(db_exec(c, "SELECT COUNT(*) FROM outbox", DB_END), 0);
	db_conn_put(c);
}

static void newer_schema_is_refused(void **state)
{
	fixture *f = *state;
	int applied;
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	db_conn *c;
	db_conn_get(&c, f->d);
	assert_int_equal(
	        db_exec(c,
	                "INSERT INTO schema_migrations (version, service, name, applied_at)"
	                " VALUES (9999, 'hub', '9999_future.sql', 0)",
	                DB_END),
	        1);
	db_conn_put(c);
	db_schema_state st;
	assert_int_equal(db_migrate_status(&st, f->d, "hub"), WEFT_ECONFLICT);
	assert_non_null(strstr(err_msg(), "9999"));
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), WEFT_ECONFLICT);
	assert_non_null(strstr(err_msg(), "newer"));
}

static void one_database_per_service(void **state)
{
	fixture *f = *state;
	int applied;
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	assert_int_equal(db_migrate_up(&applied, f->d, "track"), WEFT_ECONFLICT);
	assert_non_null(strstr(err_msg(), "belongs to weft hub"));
	db_schema_state st;
	assert_int_equal(db_migrate_status(&st, f->d, "track"), WEFT_ECONFLICT);
}

static void *migrate_in_thread(void *arg)
{
	int applied = 0;
	if (db_migrate_up(&applied, arg, "track") < 0)
		return (void *)-1;
	return (void *)(intptr_t)applied;
}

static void concurrent_starts_migrate_once(void **state)
{
	fixture *f = *state;
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, migrate_in_thread, f->d);
	intptr_t total = 0;
	for (int i = 0; i < 3; i++) {
		void *result;
		pthread_join(t[i], &result);
		assert_true((intptr_t)result >= 0);
		total += (intptr_t)result;
	}
	db_schema_state st;
	assert_int_equal(db_migrate_status(&st, f->d, "track"), 0);
	assert_int_equal(total, st.latest);
}

static void two_processes_migrate_once(void **state)
{
	fixture *f = *state;
	int pipes[2];
	assert_int_equal(pipe(pipes), 0);
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			db *own;
			int applied = -1;
			if (db_open(&own, f->fx.url, 3) == 0 &&
			    db_migrate_up(&applied, own, "hub") < 0)
				applied = -1;
			ssize_t ignored = write(pipes[1], &applied, sizeof applied);
			(void)ignored;
			_exit(applied < 0);
		}
	}
	int total = 0;
	for (int k = 0; k < 2; k++) {
		int applied, status;
		assert_int_equal(read(pipes[0], &applied, sizeof applied), (ssize_t)sizeof applied);
		assert_true(applied >= 0);
		total += applied;
		waitpid(kids[k], &status, 0);
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	close(pipes[0]);
	close(pipes[1]);
	db_schema_state st;
	assert_int_equal(db_migrate_status(&st, f->d, "hub"), 0);
	assert_int_equal(total, st.latest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(from_empty_to_latest),
		cmocka_unit_test(newer_schema_is_refused),
		cmocka_unit_test(one_database_per_service),
		cmocka_unit_test(concurrent_starts_migrate_once),
		cmocka_unit_test(two_processes_migrate_once),
	};
	return fixture_run_engine_tests("migrate", tests, sizeof tests / sizeof tests[0], 6);
}
