/* Tests of src/hub/team/group.c: slugs, creating, changing and deleting groups, and their members
 * joining the team, on both engines. */
#include "team_env.h"

static void group_slugs_are_derived(void **state)
{
	(void)state;
	char slug[TEAM_ID_MAX + 1], name[200];
	hub_env_ok(hub_group_slug(slug, "Release Managers!"));
	assert_string_equal(slug, "release-managers");
	hub_env_ok(hub_group_slug(slug, "  --QA__Team  "));
	assert_string_equal(slug, "qa-team");
	hub_env_ok(hub_group_slug(slug, "Caf\xC3\xA9 au lait"));
	assert_string_equal(slug, "caf-au-lait");
	hub_env_ok(hub_group_slug(slug, "x"));
	assert_string_equal(slug, "x");
	hub_env_refused(hub_group_slug(slug, "!!!"), WEFT_EINVALID, "Group name:");
	hub_env_refused(hub_group_slug(slug, ""), WEFT_EINVALID, "Group name:");
	memset(name, 'b', 100);
	name[100] = '\0';
	hub_env_ok(hub_group_slug(slug, name));
	assert_int_equal(strlen(slug), TEAM_ID_MAX);
	name[100] = 'b';
	name[101] = '\0';
	hub_env_refused(hub_group_slug(slug, name), WEFT_EINVALID, "Group name: at most 100");
	/* a cut never ends on '-' */
	memset(name, 'c', 61);
	strcpy(name + 61, " dd");
	hub_env_ok(hub_group_slug(slug, name));
	assert_int_equal(strlen(slug), 61);
}

static void groups_are_made_changed_and_deleted(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0), personal;
	hub_group_new g = { "QA Team", HUB_LEVEL_READ, false };
	hub_group made;
	hub_env_ok(hub_group_create(e.c, e.a, &ws, &g, &made));
	assert_string_equal(made.slug, "qa-team");
	assert_int_equal(made.permission, HUB_LEVEL_READ);
	assert_false(made.auto_add);
	hub_group_new clash = { "qa--team", HUB_LEVEL_WRITE, true };
	hub_env_refused(hub_group_create(e.c, e.a, &ws, &clash, &made), WEFT_EEXISTS,
	                "Group name:");
	hub_group_new none = { "Nobody", HUB_LEVEL_NONE, false };
	hub_env_refused(hub_group_create(e.c, e.a, &ws, &none, &made), WEFT_EINVALID,
	                "Permission:");
	hub_env_ok(hub_workspace_find(e.c, e.a, "alice", &personal));
	hub_env_refused(hub_group_create(e.c, e.a, &personal, &g, &made), WEFT_ECONFLICT, NULL);
	/* another team may have the same slug */
	hub_workspace other = team(&e, &bob, "other", NULL, 0);
	hub_env_ok(hub_group_create(e.c, e.a, &other, &g, &made));
	hub_group_change ch = { "Quality", HUB_LEVEL_WRITE, 1 };
	hub_group changed;
	hub_env_ok(hub_group_update(e.c, e.a, ws.id, "qa-team", &ch, &changed));
	assert_string_equal(changed.name, "Quality");
	assert_string_equal(changed.slug, "qa-team");
	assert_int_equal(changed.permission, HUB_LEVEL_WRITE);
	assert_true(changed.auto_add);
	hub_group_change bad = { "", HUB_LEVEL_NONE, -1 };
	hub_env_refused(hub_group_update(e.c, e.a, ws.id, "qa-team", &bad, NULL), WEFT_EINVALID,
	                "Group name:");
	hub_env_refused(hub_group_update(e.c, e.a, ws.id, "nope", &ch, NULL), WEFT_ENOTFOUND, NULL);
	hub_env_ok(hub_group_delete(e.c, ws.id, "qa-team"));
	hub_env_refused(hub_group_find(e.c, e.a, ws.id, "qa-team", &changed), WEFT_ENOTFOUND, NULL);
	end(&e);
}

static void group_members_join_the_team(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	user(&e, "carol", false);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	hub_member_add_result r;
	hub_env_ok(hub_group_add(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "bob", &alice, BASE_URL, &r));
	assert_false(r.invited);
	assert_int_equal(r.user.id, bob.id);
	assert_int_equal(members_of(&e, &ws), 2);
	hub_env_refused(
	        hub_group_add(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "bob", &alice, BASE_URL, &r),
	        WEFT_EEXISTS, "already");
	hub_env_refused(
	        hub_group_add(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "ghost", &alice, BASE_URL, &r),
	        WEFT_ENOTFOUND, "Member: there is no user");
	hub_env_refused(
	        hub_group_add(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "a b", &alice, BASE_URL, &r),
	        WEFT_EINVALID, "Member:");
	hub_env_refused(
	        hub_group_add(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "", &alice, BASE_URL, &r),
	        WEFT_EINVALID, "Member:");
	/* an account's confirmed address adds that account */
	hub_env_ok(hub_group_add(e.c, e.a, &ws, HUB_GROUP_ADMINS, "BOB@example.com", &alice,
	                         BASE_URL, &r));
	assert_false(r.invited);
	assert_true(is_admin(&e, &bob, &ws));
	/* an unconfirmed address is only an invitation */
	hub_env_ok(hub_group_add(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "carol@example.com", &alice,
	                         BASE_URL, &r));
	assert_true(r.invited);
	assert_int_equal(members_of(&e, &ws), 2);
	/* leaving the team leaves every group */
	hub_env_ok(hub_member_remove(e.c, &ws, bob.id));
	assert_false(is_admin(&e, &bob, &ws));
	assert_int_equal(
	        scalar(&e, "SELECT COUNT(*) FROM group_members WHERE user_id = $1", bob.id), 0);
	hub_env_refused(hub_member_remove(e.c, &ws, bob.id), WEFT_ENOTFOUND, NULL);
	/* leaving a group keeps the team */
	hub_env_ok(hub_group_add_user(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "bob", NULL));
	hub_env_ok(hub_group_remove_user(e.c, ws.id, HUB_GROUP_DEVELOPERS, "bob"));
	assert_int_equal(members_of(&e, &ws), 2);
	hub_env_refused(hub_group_remove_user(e.c, ws.id, HUB_GROUP_DEVELOPERS, "bob"),
	                WEFT_ENOTFOUND, NULL);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(group_slugs_are_derived),
		cmocka_unit_test(groups_are_made_changed_and_deleted),
		cmocka_unit_test(group_members_join_the_team),
	};
	return fixture_run_service_tests("hub/team/group", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
