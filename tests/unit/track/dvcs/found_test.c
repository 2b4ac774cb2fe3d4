/* Tests of src/track/dvcs/found.c's statements on both engines: looking commits up by hash, which
 * every sync does for each batch the host sends, reads the unique index on hash, never every
 * commit the connector holds. */
#include "../issues_env.h"
#include "../../db/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track/dvcs/found.h"

static void commits_are_found_by_the_hash_index(void **state)
{
	env e = begin(state);
	db_engine engine = db_engine_of(e.f->d);
	const db_arg one[] = { db_text("0123456789abcdef0123456789abcdef01234567"), DB_END };
	const db_arg three[] = { db_text("aa"), db_text("bb"), db_text("cc"), DB_END };
	const struct {
		size_t n;
		const db_arg *args;
	} batches[] = { { 1, one }, { 3, three } };
	for (size_t i = 0; i < sizeof batches / sizeof batches[0]; i++) {
		char *plan = NULL;
		ok(plan_explain(e.f->d, dvcs_found_ids_sql(e.a, batches[i].n), batches[i].args,
		                &plan));
		if (plan_scans(engine, plan, "dvcs_commits", NULL))
			fail_msg("a lookup of %zu hashes scans dvcs_commits:\n%s", batches[i].n,
			         plan);
		assert_non_null(strstr(plan, "dvcs_commits_hash_key"));
		free(plan);
	}
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commits_are_found_by_the_hash_index),
	};
	return fixture_run_service_tests("track/dvcs/found", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
