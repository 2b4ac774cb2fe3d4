/* Tests of src/hub/team/plan.c: plans defined and assigned, and the member and private-repository
 * limits they put on a team, on both engines. */
#include "team_env.h"

static void plans_are_defined_and_checked(void **state)
{
	env e = begin(state);
	int64_t v;
	hub_env_ok(hub_plan_parse_limit(&v, "Maximum members", ""));
	assert_int_equal(v, PLAN_UNLIMITED);
	hub_env_ok(hub_plan_parse_limit(&v, "Maximum members", "0"));
	assert_int_equal(v, 0);
	hub_env_refused(hub_plan_parse_limit(&v, "Maximum members", "-1"), WEFT_EINVALID,
	                "Maximum members:");
	hub_env_refused(hub_plan_parse_limit(&v, "Maximum members", "2x"), WEFT_EINVALID,
	                "Maximum members:");
	hub_plan free_plan = plan(&e, "Free", 1, 2), p;
	assert_int_equal(free_plan.max_private_repositories, 1);
	hub_env_refused(hub_plan_create(e.c, e.a, "FREE", 1, 1, &p), WEFT_EEXISTS, "Plan name:");
	hub_env_refused(hub_plan_create(e.c, e.a, "", 1, 1, &p), WEFT_EINVALID, "Plan name:");
	hub_plan open = plan(&e, "Open", PLAN_UNLIMITED, PLAN_UNLIMITED);
	hub_env_ok(hub_plan_update(e.c, open.id, "Unlimited", PLAN_UNLIMITED, 5));
	hub_env_ok(hub_plan_find(e.c, e.a, open.id, &p));
	assert_string_equal(p.name, "Unlimited");
	assert_int_equal(p.max_members, 5);
	assert_int_equal(p.max_private_repositories, PLAN_UNLIMITED);
	hub_env_refused(hub_plan_update(e.c, open.id, "Free", 1, 1), WEFT_EEXISTS, NULL);
	hub_user alice = user(&e, "alice", true);
	team(&e, &alice, "acme", NULL, 0);
	hub_env_ok(hub_plan_assign(e.c, "acme", free_plan.id));
	hub_env_refused(hub_plan_assign(e.c, "alice", free_plan.id), WEFT_ECONFLICT, NULL);
	hub_env_refused(hub_plan_assign(e.c, "nope", free_plan.id), WEFT_ENOTFOUND, "Team:");
	hub_env_refused(hub_plan_delete(e.c, free_plan.id), WEFT_ECONFLICT, "Free");
	hub_plan *plans;
	size_t n;
	hub_env_ok(hub_plan_list(e.c, e.a, &plans, &n));
	assert_int_equal(n, 2);
	assert_string_equal(plans[0].name, "Free");
	assert_int_equal(plans[0].teams, 1);
	hub_env_ok(hub_plan_assign(e.c, "acme", 0));
	hub_env_ok(hub_plan_delete(e.c, free_plan.id));
	hub_env_refused(hub_plan_find(e.c, e.a, free_plan.id, &p), WEFT_ENOTFOUND, NULL);
	end(&e);
}

static void member_limits_name_limit_and_plan(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	user(&e, "carol", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	hub_plan small = plan(&e, "Small", PLAN_UNLIMITED, 2);
	hub_env_ok(hub_plan_assign(e.c, "acme", small.id));
	hub_env_ok(hub_plan_check_member_limit(e.c, ws.id, 1));
	hub_env_ok(hub_group_add_user(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "bob", NULL));
	hub_env_refused(hub_group_add_user(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "carol", NULL),
	                WEFT_ELIMIT, "at most 2 members");
	assert_non_null(strstr(err_msg(), "Small"));
	hub_env_refused(
	        hub_invitation_create(e.c, &ws, 0, "dave@example.com", &alice, BASE_URL, NULL),
	        WEFT_ELIMIT, "Small");
	/* a pending invitation counts */
	hub_env_ok(hub_member_remove(e.c, &ws, bob.id));
	hub_env_ok(hub_invitation_create(e.c, &ws, 0, "dave@example.com", &alice, BASE_URL, NULL));
	hub_env_refused(hub_group_add_user(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "bob", NULL),
	                WEFT_ELIMIT, "Members:");
	/* inviting the same address again replaces it, and fits */
	hub_env_ok(hub_invitation_create(e.c, &ws, 0, "dave@example.com", &alice, BASE_URL, NULL));
	/* a plan the team already exceeds cannot be given */
	hub_plan tiny = plan(&e, "Tiny", PLAN_UNLIMITED, 1);
	hub_env_refused(hub_plan_assign(e.c, "acme", tiny.id), WEFT_ELIMIT, "Tiny");
	/* no plan: no limit */
	hub_env_ok(hub_plan_assign(e.c, "acme", 0));
	hub_env_ok(hub_group_add_user(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "bob", NULL));
	hub_env_ok(hub_group_add_user(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "carol", NULL));
	end(&e);
}

static void private_repository_limits(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	hub_env_ok(hub_plan_check_private_repo_limit(e.c, ws.id)); /* no plan */
	hub_plan p = plan(&e, "Starter", 2, PLAN_UNLIMITED);
	hub_env_ok(hub_plan_assign(e.c, "acme", p.id));
	insert_repo(&e, &ws, "one", true);
	insert_repo(&e, &ws, "pub", false);
	insert_repo(&e, &ws, "pub2", false);
	hub_env_ok(hub_plan_check_private_repo_limit(e.c, ws.id));
	insert_repo(&e, &ws, "two", true);
	hub_env_refused(hub_plan_check_private_repo_limit(e.c, ws.id), WEFT_ELIMIT,
	                "at most 2 private repositories");
	assert_non_null(strstr(err_msg(), "Starter"));
	hub_plan none = plan(&e, "No private", 0, PLAN_UNLIMITED);
	hub_env_refused(hub_plan_assign(e.c, "acme", none.id), WEFT_ELIMIT, "private repositories");
	hub_env_ok(hub_plan_update(e.c, p.id, "Starter", PLAN_UNLIMITED, PLAN_UNLIMITED));
	hub_env_ok(hub_plan_check_private_repo_limit(e.c, ws.id));
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plans_are_defined_and_checked),
		cmocka_unit_test(member_limits_name_limit_and_plan),
		cmocka_unit_test(private_repository_limits),
	};
	return fixture_run_service_tests("hub/team/plan", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
