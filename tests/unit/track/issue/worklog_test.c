/* Tests of src/track/worklog.c on both engines: durations parsed with the configured day and
 * week, time spent summed on the issue, the remaining estimate lowered but never below zero,
 * bad amounts refused, and the history; adjustEstimate (auto, leave, new, manual) on add, edit
 * and delete, with the time spent and the estimate kept right. */
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
	assert_int_equal(track_worklog_add(e.c, e.a, i.id, alice.id, 0, 0, "", NULL, &w),
	                 WEFT_EINVALID);
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
	ok(track_worklog_add(e.c, e.a, plain.id, alice.id, 60, 0, NULL, NULL, &w));
	ok(track_issue_get(e.c, e.a, plain.id, &now));
	assert_int_equal(now.remaining_estimate, -1);
	assert_int_equal(now.time_spent, 60);
	end(&e);
}

static track_issue estimated(env *e, const track_project *p, const track_user *u, int64_t secs)
{
	track_issue_fields f = track_issue_fields_none();
	f.summary = "estimated";
	f.original_estimate = secs;
	track_issue i;
	ok(track_issue_create(e->c, e->a, p->id, &f, u->id, &i, NULL));
	return i;
}

static int64_t remaining(env *e, int64_t issue_id, int64_t *spent)
{
	track_issue now;
	ok(track_issue_get(e->c, e->a, issue_id, &now));
	*spent = now.time_spent;
	return now.remaining_estimate;
}

static void estimates_follow_adjust_modes(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project p = make_project(&e, "TEST", &alice);
	track_issue i = estimated(&e, &p, &alice, 10 * 3600);
	track_worklog w1, w2, w3;
	int64_t spent = 0;
	track_estimate_adjust leave = { TRACK_ADJUST_LEAVE, 0 };
	track_estimate_adjust to5h = { TRACK_ADJUST_NEW, 5 * 3600 };
	track_estimate_adjust by30m = { TRACK_ADJUST_MANUAL, 1800 };
	ok(track_worklog_add(e.c, e.a, i.id, alice.id, 3600, 0, "", NULL, &w1)); /* auto */
	assert_int_equal(remaining(&e, i.id, &spent), 9 * 3600);
	ok(track_worklog_add(e.c, e.a, i.id, alice.id, 3600, 0, "", &leave, &w2));
	assert_int_equal(remaining(&e, i.id, &spent), 9 * 3600);
	assert_int_equal(spent, 7200);
	ok(track_worklog_add(e.c, e.a, i.id, alice.id, 3600, 0, "", &by30m, &w3));
	assert_int_equal(remaining(&e, i.id, &spent), 9 * 3600 - 1800);
	/* an edit moves time spent by the difference; auto lowers the estimate by it */
	ok(track_worklog_edit(e.c, e.a, i.id, w1.id, alice.id, 2 * 3600, 0, "longer", NULL, &w1));
	assert_int_equal(w1.seconds, 7200);
	assert_string_equal(w1.comment, "longer");
	assert_int_equal(remaining(&e, i.id, &spent), 8 * 3600 - 1800);
	assert_int_equal(spent, 4 * 3600);
	ok(track_worklog_edit(e.c, e.a, i.id, w1.id, alice.id, 0, 0, NULL, &to5h, &w1));
	assert_int_equal(w1.seconds, 7200);
	assert_string_equal(w1.comment, "longer");
	assert_int_equal(remaining(&e, i.id, &spent), 5 * 3600);
	assert_int_equal(
	        track_worklog_edit(e.c, e.a, i.id, w1.id, alice.id, 60, 0, NULL, &by30m, &w1),
	        WEFT_EINVALID);
	/* a delete: auto raises the estimate by the time logged, manual by the amount given */
	ok(track_worklog_delete(e.c, e.a, i.id, w2.id, alice.id, NULL));
	assert_int_equal(remaining(&e, i.id, &spent), 6 * 3600);
	assert_int_equal(spent, 3 * 3600);
	ok(track_worklog_delete(e.c, e.a, i.id, w3.id, alice.id, &by30m));
	assert_int_equal(remaining(&e, i.id, &spent), 6 * 3600 + 1800);
	assert_int_equal(spent, 2 * 3600);
	assert_int_equal(track_worklog_get(e.c, e.a, i.id, w3.id, &w3), WEFT_ENOTFOUND);
	assert_int_equal(track_worklog_delete(e.c, e.a, i.id, w3.id, alice.id, NULL),
	                 WEFT_ENOTFOUND);
	ok(track_worklog_delete(e.c, e.a, i.id, w1.id, alice.id, &leave));
	assert_int_equal(remaining(&e, i.id, &spent), 6 * 3600 + 1800);
	assert_int_equal(spent, 0);
	/* an issue without an estimate keeps none under auto */
	track_issue plain = make_issue(&e, &p, &alice, "plain");
	ok(track_worklog_add(e.c, e.a, plain.id, alice.id, 600, 0, "", NULL, &w1));
	ok(track_worklog_delete(e.c, e.a, plain.id, w1.id, alice.id, NULL));
	assert_int_equal(remaining(&e, plain.id, &spent), -1);
	/* a log belongs to its issue */
	ok(track_worklog_add(e.c, e.a, plain.id, alice.id, 600, 0, "", NULL, &w1));
	assert_int_equal(track_worklog_get(e.c, e.a, i.id, w1.id, &w2), WEFT_ENOTFOUND);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(work_logs_add_up),
		cmocka_unit_test(estimates_follow_adjust_modes),
	};
	return fixture_run_service_tests("track/worklog", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
