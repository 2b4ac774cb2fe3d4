/* Tests of src/track/worklog.c on both engines: durations parsed with the configured day and
 * week, time spent summed on the issue, the remaining estimate lowered but never below zero,
 * bad amounts refused, and the history. */
#include "../issues_env.h"

#include "track/issue/worklog.h"

static void work_logs_add_up(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project p = make_project(&e, "TEST", &alice);
	track_issue_fields f = track_issue_fields_none();
	f.summary = "estimated";
	f.original_estimate = 4 * 3600;
	track_issue i;
	ok(track_issue_create(e.c, e.a, p.id, &f, alice.id, &i, NULL));
	assert_int_equal(i.remaining_estimate, 4 * 3600);
	track_worklog w;
	ok(track_worklog_add_duration(e.c, e.a, i.id, alice.id, "1.5h", 8, 5, 0, "first", &w));
	assert_int_equal(w.seconds, 5400);
	assert_true(w.started_at > 0);
	ok(track_worklog_add_duration(e.c, e.a, i.id, alice.id, "1d", 6, 5, 1700000000000, "", &w));
	assert_int_equal(w.seconds, 6 * 3600);
	assert_int_equal(w.started_at, 1700000000000);
	track_issue now;
	ok(track_issue_get(e.c, e.a, i.id, &now));
	assert_int_equal(now.time_spent, 5400 + 6 * 3600);
	assert_int_equal(now.remaining_estimate, 0);
	assert_int_equal(now.original_estimate, 4 * 3600);
	assert_int_equal(
	        track_worklog_add_duration(e.c, e.a, i.id, alice.id, "soon", 8, 5, 0, "", &w),
	        WEFT_EINVALID);
	assert_int_equal(track_worklog_add(e.c, e.a, i.id, alice.id, 0, 0, "", &w), WEFT_EINVALID);
	track_worklog *list;
	size_t n;
	int64_t total;
	ok(track_worklog_list(e.c, e.a, i.id, 0, 50, &list, &n, &total));
	assert_int_equal(total, 2);
	assert_int_equal(list[0].started_at, 1700000000000); /* the earlier start first */
	track_change *changes;
	ok(track_changelog_list(e.c, e.a, i.id, &changes, &n));
	assert_int_equal(n, 2);
	assert_string_equal(changes[0].items[0].field, "timespent");
	assert_string_equal(changes[0].items[0].to_string, "5400");
	assert_string_equal(changes[0].items[1].field, "timeestimate");
	track_issue plain = make_issue(&e, &p, &alice, "unestimated");
	ok(track_worklog_add(e.c, e.a, plain.id, alice.id, 60, 0, NULL, &w));
	ok(track_issue_get(e.c, e.a, plain.id, &now));
	assert_int_equal(now.remaining_estimate, -1);
	assert_int_equal(now.time_spent, 60);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(work_logs_add_up),
	};
	return fixture_run_engine_tests("track/worklog", tests, sizeof tests / sizeof tests[0], 2);
}
