/* Tests of src/track/workflow.c on both engines: the default workflow's transitions from each
 * status, refusals of unavailable transitions, resolutions set and cleared, the history, and
 * administrators' statuses and transitions. */
#include "../issues_env.h"

#include <string.h>

#include "track/issue/workflow.h"
#include "track/issue/transition.h"

static int64_t transition_named(env *e, const track_issue *i, const char *name)
{
	track_transition *list;
	size_t n;
	track_issue now;
	ok(track_issue_get(e->c, e->a, i->id, &now));
	ok(track_workflow_available(e->c, e->a, now.project_id, now.status_id, &list, &n));
	for (size_t k = 0; k < n; k++)
		if (strcmp(list[k].name, name) == 0)
			return list[k].id;
	return 0;
}

static void the_default_workflow_moves_issues(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project p = make_project(&e, "TEST", &alice);
	track_issue i = make_issue(&e, &p, &alice, "work");
	track_transition *list;
	size_t n;
	ok(track_workflow_available(e.c, e.a, p.id, TRACK_STATUS_TODO, &list, &n));
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "Start Progress");
	assert_string_equal(list[1].name, "Done");
	int64_t stop = 0;
	ok(track_workflow_transitions(e.c, e.a, p.id, &list, &n));
	assert_int_equal(n, 4);
	for (size_t k = 0; k < n; k++)
		if (strcmp(list[k].name, "Stop Progress") == 0)
			stop = list[k].id;
	assert_int_equal(track_issue_transition(e.c, i.id, stop, 0, alice.id), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "is not valid for this issue"));
	ok(track_issue_transition(e.c, i.id, transition_named(&e, &i, "Start Progress"), 0,
	                          alice.id));
	track_issue now;
	ok(track_issue_get(e.c, e.a, i.id, &now));
	assert_string_equal(now.status_name, "In Progress");
	assert_int_equal(now.resolution_id, 0);
	ok(track_issue_transition(e.c, i.id, transition_named(&e, &i, "Done"), 0, alice.id));
	ok(track_issue_get(e.c, e.a, i.id, &now));
	assert_string_equal(now.status_category, "done");
	assert_string_equal(now.resolution_name, "Done");
	assert_true(now.resolution_date > 0);
	assert_int_equal(transition_named(&e, &i, "Done"), 0);
	ok(track_issue_transition(e.c, i.id, transition_named(&e, &i, "Reopen"), 0, alice.id));
	ok(track_issue_get(e.c, e.a, i.id, &now));
	assert_string_equal(now.status_name, "To Do");
	assert_int_equal(now.resolution_id, 0);
	assert_int_equal(now.resolution_date, 0);
	track_change *changes;
	ok(track_changelog_list(e.c, e.a, i.id, &changes, &n));
	assert_int_equal(n, 3);
	assert_string_equal(changes[1].items[0].field, "status");
	assert_string_equal(changes[1].items[0].to_string, "Done");
	assert_string_equal(changes[1].items[1].field, "resolution");
	assert_string_equal(changes[1].items[1].to_string, "Done");
	assert_string_equal(changes[2].items[1].from_string, "Done");
	assert_null(changes[2].items[1].to_string);
	end(&e);
}

static void a_chosen_resolution_wins(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project p = make_project(&e, "TEST", &alice);
	track_issue i = make_issue(&e, &p, &alice, "duplicate");
	int64_t duplicate = 0;
	ok(track_resolution_find(e.c, "duplicate", &duplicate));
	ok(track_issue_transition(e.c, i.id, transition_named(&e, &i, "Done"), duplicate,
	                          alice.id));
	track_issue now;
	ok(track_issue_get(e.c, e.a, i.id, &now));
	assert_string_equal(now.resolution_name, "Duplicate");
	end(&e);
}

static void administrators_extend_the_workflow(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project p = make_project(&e, "TEST", &alice);
	track_project other = make_project(&e, "OTHER", &alice);
	int64_t review = 0, again = 0, t = 0;
	ok(track_workflow_add_status(e.c, p.id, "In Review", "indeterminate", &review));
	assert_int_equal(track_workflow_add_status(e.c, p.id, "in review", "indeterminate", &again),
	                 WEFT_EEXISTS);
	assert_int_equal(track_workflow_add_status(e.c, p.id, "Bad", "sideways", &again),
	                 WEFT_EINVALID);
	assert_int_equal(track_workflow_add_status(e.c, p.id, "", "new", &again), WEFT_EINVALID);
	ok(track_workflow_add_status(e.c, other.id, "In Review", "indeterminate", &again));
	assert_int_equal(again, review);
	assert_int_equal(track_workflow_add_transition(e.c, p.id, "Review", TRACK_STATUS_TODO,
	                                               review, TRACK_RESOLUTION_KEEP, 0, &t),
	                 0);
	int64_t won_t = 0;
	ok(track_resolution_find(e.c, "Won't Do", &won_t));
	int64_t reject = 0;
	ok(track_workflow_add_transition(e.c, p.id, "Reject", review, TRACK_STATUS_DONE,
	                                 TRACK_RESOLUTION_SET, won_t, &reject));
	assert_int_equal(track_workflow_add_transition(e.c, p.id, "Loop", review, review,
	                                               TRACK_RESOLUTION_KEEP, 0, &t),
	                 WEFT_EINVALID);
	track_issue i = make_issue(&e, &p, &alice, "reviewed");
	ok(track_issue_transition(e.c, i.id, transition_named(&e, &i, "Review"), 0, alice.id));
	ok(track_issue_transition(e.c, i.id, reject, 0, alice.id));
	track_issue now;
	ok(track_issue_get(e.c, e.a, i.id, &now));
	assert_string_equal(now.status_name, "Done");
	assert_string_equal(now.resolution_name, "Won't Do");
	track_status s;
	ok(track_status_find(e.c, e.a, "in review", &s));
	assert_string_equal(s.category, "indeterminate");
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_default_workflow_moves_issues),
		cmocka_unit_test(a_chosen_resolution_wins),
		cmocka_unit_test(administrators_extend_the_workflow),
	};
	return fixture_run_service_tests("track/workflow", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
