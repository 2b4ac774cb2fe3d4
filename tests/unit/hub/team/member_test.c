/* Tests of src/hub/team/member.c: roles, and the last-administrator rule (refusals roll back), on both engines. */
#include "team_env.h"

static void memberships_have_roles(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true),
	         carol = user(&e, "carol", true);
	const char *members[] = { "bob" };
	hub_workspace acme = team(&e, &alice, "acme", members, 1);
	team(&e, &bob, "bobs", NULL, 0);
	/* carol is a collaborator of acme: a grant on one repository, no membership */
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO repositories (uuid, workspace_id, slug, name,"
	                         " created_at, updated_at) VALUES ('u1', $1, 'r', 'r', 0, 0)",
	                         db_int(acme.id)),
	                 1);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO repository_user_permissions (repository_id, user_id,"
	                         " permission) SELECT id, $1, 'read' FROM repositories",
	                         db_int(carol.id)),
	                 1);
	hub_membership *m;
	size_t n;
	hub_env_ok(hub_team_list_for_user(e.c, e.a, bob.id, true, &m, &n));
	assert_int_equal(n, 3);
	assert_string_equal(m[0].ws.slug, "bob");
	assert_int_equal(m[0].role, HUB_MEMBER_ROLE_OWNER);
	assert_string_equal(m[1].ws.slug, "acme");
	assert_int_equal(m[1].role, HUB_MEMBER_ROLE_MEMBER);
	assert_string_equal(m[2].ws.slug, "bobs");
	assert_int_equal(m[2].role, HUB_MEMBER_ROLE_OWNER);
	hub_env_ok(hub_team_list_for_user(e.c, e.a, bob.id, false, &m, &n));
	assert_int_equal(n, 2);
	hub_env_ok(hub_team_list_for_user(e.c, e.a, carol.id, false, &m, &n));
	assert_int_equal(n, 1);
	assert_int_equal(m[0].role, HUB_MEMBER_ROLE_COLLABORATOR);
	assert_string_equal(hub_member_role_name(m[0].role), "collaborator");
	hub_member_role role;
	hub_env_ok(hub_member_role_of(e.c, alice.id, &acme, &role));
	assert_int_equal(role, HUB_MEMBER_ROLE_OWNER);
	hub_env_ok(hub_member_role_of(e.c, 0, &acme, &role));
	assert_int_equal(role, HUB_MEMBER_ROLE_NONE);
	hub_member *members_list;
	hub_env_ok(hub_member_list(e.c, e.a, acme.id, &members_list, &n));
	assert_int_equal(n, 2);
	assert_string_equal(members_list[0].user.username, "alice");
	assert_int_equal(members_list[0].role, HUB_MEMBER_ROLE_OWNER);
	assert_int_equal(members_list[1].role, HUB_MEMBER_ROLE_MEMBER);
	hub_member one;
	hub_env_ok(hub_member_find(e.c, e.a, acme.id, "BOB", &one));
	assert_int_equal(one.user.id, bob.id);
	char braced[40];
	snprintf(braced, sizeof braced, "{%s}", bob.uuid);
	hub_env_ok(hub_member_find(e.c, e.a, acme.id, braced, &one));
	hub_env_refused(hub_member_find(e.c, e.a, acme.id, "carol", &one), WEFT_ENOTFOUND, NULL);
	end(&e);
}

static void the_last_administrator_stays(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	const char *members[] = { "bob" };
	hub_workspace ws = team(&e, &alice, "acme", members, 1);
	hub_env_refused(hub_group_remove_user(e.c, ws.id, HUB_GROUP_ADMINS, "alice"),
	                WEFT_ECONFLICT, "at least one administrator");
	hub_env_refused(hub_member_remove(e.c, &ws, alice.id), WEFT_ECONFLICT, "administrator");
	hub_group_change demote = { NULL, HUB_LEVEL_WRITE, -1 };
	hub_env_refused(hub_group_update(e.c, e.a, ws.id, HUB_GROUP_ADMINS, &demote, NULL),
	                WEFT_ECONFLICT, "administrator");
	hub_env_refused(hub_group_delete(e.c, ws.id, HUB_GROUP_ADMINS), WEFT_ECONFLICT,
	                "administrator");
	/* the rule is checked before anything is written */
	assert_true(is_admin(&e, &alice, &ws));
	assert_false(is_admin(&e, &bob, &ws));
	assert_int_equal(members_of(&e, &ws), 2);
	hub_group g;
	hub_env_ok(hub_group_find(e.c, e.a, ws.id, HUB_GROUP_ADMINS, &g));
	assert_int_equal(g.permission, HUB_LEVEL_ADMIN);
	/* other changes of the group are fine */
	hub_group_change rename = { "Admins", HUB_LEVEL_ADMIN, 0 };
	hub_env_ok(hub_group_update(e.c, e.a, ws.id, HUB_GROUP_ADMINS, &rename, &g));
	assert_string_equal(g.name, "Admins");
	assert_false(g.auto_add);
	end(&e);
}

typedef struct rule_ctx {
	env *e;
	hub_workspace ws;
	int step;
} rule_ctx;

static int rule_fn(db_conn *c, void *ctx)
{
	rule_ctx *rc = ctx;
	hub_group_change demote = { NULL, HUB_LEVEL_WRITE, -1 };
	switch (rc->step) {
	case 0: return hub_group_remove_user(c, rc->ws.id, HUB_GROUP_ADMINS, "alice");
	case 1: return hub_member_remove(c, &rc->ws, rc->ws.owner_id);
	case 2: return hub_group_update(c, rc->e->a, rc->ws.id, HUB_GROUP_ADMINS, &demote, NULL);
	default: return hub_group_delete(c, rc->ws.id, HUB_GROUP_ADMINS);
	}
}

static void refusals_roll_back(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	const char *members[] = { "bob" };
	rule_ctx rc = { &e, team(&e, &alice, "acme", members, 1), 0 };
	rc.ws.owner_id = alice.id; /* the user step 1 removes */
	for (rc.step = 0; rc.step < 4; rc.step++) {
		hub_env_refused(db_tx(e.f->d, rule_fn, &rc), WEFT_ECONFLICT, "administrator");
		assert_true(is_admin(&e, &alice, &rc.ws));
		assert_int_equal(members_of(&e, &rc.ws), 2);
	}
	hub_group g;
	hub_env_ok(hub_group_find(e.c, e.a, rc.ws.id, HUB_GROUP_ADMINS, &g));
	assert_int_equal(g.permission, HUB_LEVEL_ADMIN);
	(void)bob;
	end(&e);
}

static void two_administrators_may_lose_one(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	hub_env_ok(hub_group_add_user(e.c, e.a, &ws, HUB_GROUP_ADMINS, "bob", NULL));
	assert_true(is_admin(&e, &bob, &ws));
	hub_env_ok(hub_group_remove_user(e.c, ws.id, HUB_GROUP_ADMINS, "alice"));
	assert_false(is_admin(&e, &alice, &ws));
	hub_env_ok(hub_group_add_user(e.c, e.a, &ws, HUB_GROUP_ADMINS, "alice", NULL));
	hub_env_ok(hub_member_remove(e.c, &ws, bob.id));
	assert_int_equal(members_of(&e, &ws), 1);
	/* an admin group of its own keeps a team administered while the default one goes */
	hub_group_new g = { "Owners", HUB_LEVEL_ADMIN, false };
	hub_group made;
	hub_env_ok(hub_group_create(e.c, e.a, &ws, &g, &made));
	hub_env_ok(hub_group_add_user(e.c, e.a, &ws, "owners", "alice", NULL));
	hub_env_ok(hub_group_delete(e.c, ws.id, HUB_GROUP_ADMINS));
	assert_true(is_admin(&e, &alice, &ws));
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memberships_have_roles),
		cmocka_unit_test(the_last_administrator_stays),
		cmocka_unit_test(refusals_roll_back),
		cmocka_unit_test(two_administrators_may_lose_one),
	};
	return fixture_run_service_tests("hub/team/member", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
