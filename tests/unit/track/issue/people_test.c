/* Tests of src/track/issue/people.c on both engines: the creator, the reporter and commenters
 * watch on their own; adding twice and removing someone absent change nothing; lists by display
 * name with counts; votes refused on one's own and on resolved issues. */
#include "../issues_env.h"

#include "base/err.h"
#include "track/issue/comment.h"
#include "track/issue/issue.h"
#include "track/issue/people.h"
#include "track/project/project.h"
#include "track/track_perm.h"
#include "track/issue/workflow.h"

static void watchers_start_with_creator_reporter_and_commenters(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_user bob = make_user(&e, "bob", false);
	track_user carol = make_user(&e, "carol", false);
	track_project p = make_project(&e, "TEST", &alice);
	ok(track_project_role_add(e.c, p.id, bob.id, TRACK_ROLE_USERS));
	ok(track_project_role_add(e.c, p.id, carol.id, TRACK_ROLE_USERS));
	track_issue_fields f = track_issue_fields_none();
	f.summary = "watched";
	f.reporter_id = bob.id;
	track_issue i;
	ok(track_issue_create(e.c, e.a, p.id, &f, alice.id, &i, NULL));
	track_user *list;
	size_t n;
	int64_t count;
	bool mine;
	ok(track_people_list(e.c, e.a, TRACK_WATCHERS, i.id, &list, &n));
	assert_int_equal(n, 2);
	assert_string_equal(list[0].username, "alice");
	assert_string_equal(list[1].username, "bob");
	track_comment cm;
	ok(track_comment_add(e.c, e.a, i.id, &carol, "me too", 0, &cm));
	ok(track_people_count(e.c, TRACK_WATCHERS, i.id, carol.id, &count, &mine));
	assert_int_equal(count, 3);
	assert_true(mine);
	ok(track_people_add(e.c, TRACK_WATCHERS, i.id, carol.id)); /* again: nothing changes */
	ok(track_people_remove(e.c, TRACK_WATCHERS, i.id, carol.id));
	ok(track_people_remove(e.c, TRACK_WATCHERS, i.id, carol.id));
	ok(track_people_count(e.c, TRACK_WATCHERS, i.id, carol.id, &count, &mine));
	assert_int_equal(count, 2);
	assert_false(mine);
	end(&e);
}

static void votes_follow_jiras_rules(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_user bob = make_user(&e, "bob", false);
	track_project p = make_project(&e, "TEST", &alice);
	track_issue i = make_issue(&e, &p, &alice, "vote for me");
	assert_int_equal(track_issue_vote_add(e.c, e.a, i.id, alice.id), WEFT_EINVALID);
	assert_string_equal(err_msg(), "You cannot vote for an issue you have reported.");
	ok(track_issue_vote_add(e.c, e.a, i.id, bob.id));
	ok(track_issue_vote_add(e.c, e.a, i.id, bob.id));
	int64_t count;
	bool mine;
	ok(track_people_count(e.c, TRACK_VOTERS, i.id, bob.id, &count, &mine));
	assert_int_equal(count, 1);
	assert_true(mine);
	ok(track_people_remove(e.c, TRACK_VOTERS, i.id, bob.id));
	ok(track_people_count(e.c, TRACK_VOTERS, i.id, bob.id, &count, &mine));
	assert_int_equal(count, 0);
	assert_int_equal(scalar(&e,
	                        "UPDATE issues SET resolution_id = 10000 WHERE id = $1 RETURNING 1",
	                        db_int(i.id)),
	                 1);
	assert_int_equal(track_issue_vote_add(e.c, e.a, i.id, bob.id), WEFT_EINVALID);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(watchers_start_with_creator_reporter_and_commenters),
		cmocka_unit_test(votes_follow_jiras_rules),
	};
	return fixture_run_service_tests("track/issue/people", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
