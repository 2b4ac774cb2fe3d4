/* Tests of src/hub/hook/status.c's statements on both engines: the build statuses of the commit
 * page (one commit) and of the commit log (a page of commits in one query) are read through the
 * index on repository and commit hash, never by a scan of every status the host keeps. */
#include "../../db/fixture.h"
#include "../../db/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "db/migrate.h"
#include "hub/hook/status.h"

static void commit_pages_read_statuses_by_the_commit_index(void **state)
{
	fixture *f = *state;
	int applied;
	if (db_migrate_up(&applied, f->d, "hub") < 0)
		fail_msg("migrations: %s", err_msg());
	db_engine engine = db_engine_of(f->d);
	const char *hash = "0123456789abcdef0123456789abcdef01234567";
	const db_arg one[] = { db_int(1), db_text(hash), DB_END };
	char *many_hashes = NULL;
	if (asprintf(&many_hashes, "[\"%s\", \"%s\"]", hash,
	             "89abcdef0123456789abcdef0123456789abcdef") < 0)
		fail_msg("out of memory");
	const db_arg many[] = { db_int(1), db_text(many_hashes), DB_END };
	const struct {
		const char *what, *sql;
		const db_arg *args;
	} statements[] = {
		{ "the commit page's", hub_status_list_sql(), one },
		{ "the commit log's", hub_status_list_many_sql(engine), many },
	};
	for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++) {
		char *plan = NULL;
		if (plan_explain(f->d, statements[i].sql, statements[i].args, &plan) < 0)
			fail_msg("%s: %s", statements[i].what, err_msg());
		if (plan_scans(engine, plan, "commit_statuses", NULL))
			fail_msg("%s statuses scan commit_statuses:\n%s", statements[i].what, plan);
		assert_non_null(strstr(plan, "commit_statuses_key_key"));
		free(plan);
	}
	free(many_hashes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commit_pages_read_statuses_by_the_commit_index),
	};
	return fixture_run_service_tests("hub/hook/status", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
