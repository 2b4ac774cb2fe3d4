/* Tests of src/track/project.c and src/track/track_perm.c on both engines: the key rule, creation
 * (creator as administrator, the default workflow), duplicate keys, lookups, roles and the
 * last-administrator rule, and the permission scheme with its search restriction. */
#include "../issues_env.h"

#include <string.h>

#include "track/track_perm.h"
#include "track/issue/workflow.h"

static void keys_follow_the_rule(void **state)
{
	(void)state;
	const char *good[] = { "AB", "TEST", "A1", "A_B", "ABCDEFGHIJ" };
	const char *bad[] = { "", "A", "ab", "1AB", "_AB", "ABCDEFGHIJK", "A-B", "A B", "ÄB" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(track_project_key_check(good[i]), 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(track_project_key_check(bad[i]), WEFT_EINVALID);
		assert_non_null(strstr(err_msg(), "2 to 10 characters"));
	}
}

static void create_makes_the_creator_administrator(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project p = make_project(&e, "TEST", &alice);
	assert_string_equal(p.key, "TEST");
	assert_string_equal(p.type, "software");
	assert_int_equal(p.lead_id, alice.id);
	unsigned roles = 0;
	ok(track_perm_roles(e.c, &alice, p.id, &roles));
	assert_int_equal(roles, TRACK_ROLE_ADMINISTRATORS);
	track_status *statuses;
	size_t n;
	ok(track_status_list(e.c, e.a, p.id, &statuses, &n));
	assert_int_equal(n, 3);
	assert_string_equal(statuses[0].name, "To Do");
	assert_string_equal(statuses[2].category, "done");
	track_project found;
	ok(track_project_find(e.c, e.a, "test", &found));
	assert_int_equal(found.id, p.id);
	ok(track_project_find(e.c, e.a, arena_printf(e.a, "%lld", (long long)p.id), &found));
	assert_string_equal(found.key, "TEST");
	assert_int_equal(track_project_find(e.c, e.a, "NOPE", &found), WEFT_ENOTFOUND);
	end(&e);
}

static void refused_projects_are_not_created(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project p;
	make_project(&e, "TEST", &alice);
	assert_int_equal(track_project_create(e.c, e.a, "TEST", "Again", "", 0, alice.id, &p),
	                 WEFT_EEXISTS);
	assert_int_equal(track_project_create(e.c, e.a, "bad", "Bad", "", 0, alice.id, &p),
	                 WEFT_EINVALID);
	assert_int_equal(track_project_create(e.c, e.a, "OK", "", "", 0, alice.id, &p),
	                 WEFT_EINVALID);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM projects WHERE $1 = 1", db_int(1)), 1);
	end(&e);
}

static void roles_are_added_and_removed(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_user bob = make_user(&e, "bob", false);
	track_project p = make_project(&e, "TEST", &alice);
	ok(track_project_role_add(e.c, p.id, bob.id, TRACK_ROLE_DEVELOPERS));
	ok(track_project_role_add(e.c, p.id, bob.id, TRACK_ROLE_DEVELOPERS));
	ok(track_project_role_add(e.c, p.id, bob.id, TRACK_ROLE_USERS));
	unsigned roles = 0;
	ok(track_perm_roles(e.c, &bob, p.id, &roles));
	assert_int_equal(roles, TRACK_ROLE_DEVELOPERS | TRACK_ROLE_USERS);
	track_role_member *members;
	size_t n;
	ok(track_project_roles(e.c, e.a, p.id, &members, &n));
	assert_int_equal(n, 3);
	assert_int_equal(track_project_role_remove(e.c, p.id, alice.id, TRACK_ROLE_ADMINISTRATORS),
	                 WEFT_ECONFLICT);
	ok(track_project_role_remove(e.c, p.id, bob.id, TRACK_ROLE_DEVELOPERS));
	ok(track_perm_roles(e.c, &bob, p.id, &roles));
	assert_int_equal(roles, TRACK_ROLE_USERS);
	assert_int_equal(track_project_role_add(e.c, p.id, bob.id, 0), WEFT_EINVALID);
	end(&e);
}

static void the_scheme_grants_by_role(void **state)
{
	(void)state;
	const int perms[] = { TRACK_PERM_BROWSE,
		              TRACK_PERM_CREATE_ISSUES,
		              TRACK_PERM_EDIT_ISSUES,
		              TRACK_PERM_TRANSITION_ISSUES,
		              TRACK_PERM_COMMENT,
		              TRACK_PERM_WORK_ON_ISSUES,
		              TRACK_PERM_ADMINISTER_PROJECT,
		              TRACK_PERM_VIEW_DEV_TOOLS };
	/* users, developers, administrators, nobody */
	const bool expected[8][4] = {
		{ 1, 1, 1, 0 }, { 1, 1, 1, 0 }, { 0, 1, 1, 0 }, { 0, 1, 1, 0 },
		{ 1, 1, 1, 0 }, { 0, 1, 1, 0 }, { 0, 0, 1, 0 }, { 0, 1, 1, 0 },
	};
	const unsigned roles[4] = { TRACK_ROLE_USERS, TRACK_ROLE_DEVELOPERS,
		                    TRACK_ROLE_ADMINISTRATORS, 0 };
	for (size_t p = 0; p < 8; p++)
		for (size_t r = 0; r < 4; r++) {
			assert_int_equal(track_perm_allows(false, roles[r], perms[p]),
			                 expected[p][r]);
			assert_true(track_perm_allows(true, roles[r], perms[p]));
		}
}

static void browse_restriction_follows_roles(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_user bob = make_user(&e, "bob", false);
	track_user root = make_user(&e, "root", true);
	make_project(&e, "AAA", &alice);
	track_project b = make_project(&e, "BBB", &alice);
	ok(track_project_role_add(e.c, b.id, bob.id, TRACK_ROLE_USERS));
	int64_t *ids;
	size_t n;
	ok(track_perm_browsable_projects(e.c, e.a, &bob, &ids, &n));
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], b.id);
	ok(track_perm_browsable_projects(e.c, e.a, &root, &ids, &n));
	assert_int_equal(n, 2);
	ok(track_perm_browsable_projects(e.c, e.a, NULL, &ids, &n));
	assert_int_equal(n, 0);
	bool uses = false;
	const char *cond = track_perm_browse_sql(e.a, &bob, "p.id", 1, &uses);
	assert_true(uses);
	assert_int_equal(scalar(&e,
	                        arena_printf(e.a, "SELECT COUNT(*) FROM projects p WHERE %s", cond),
	                        db_int(bob.id)),
	                 1);
	assert_string_equal(track_perm_browse_sql(e.a, &root, "p.id", 1, &uses), "1 = 1");
	assert_false(uses);
	assert_string_equal(track_perm_browse_sql(e.a, NULL, "p.id", 1, &uses), "1 = 0");
	bool allowed = true;
	ok(track_perm_check(e.c, &bob, b.id, TRACK_PERM_EDIT_ISSUES, &allowed));
	assert_false(allowed);
	ok(track_perm_check(e.c, &bob, b.id, TRACK_PERM_COMMENT, &allowed));
	assert_true(allowed);
	bob.is_active = false;
	ok(track_perm_check(e.c, &bob, b.id, TRACK_PERM_BROWSE, &allowed));
	assert_false(allowed);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_follow_the_rule),
		cmocka_unit_test(create_makes_the_creator_administrator),
		cmocka_unit_test(refused_projects_are_not_created),
		cmocka_unit_test(roles_are_added_and_removed),
		cmocka_unit_test(the_scheme_grants_by_role),
		cmocka_unit_test(browse_restriction_follows_roles),
	};
	return fixture_run_service_tests("track/project", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
