/* Tests of src/hub/project.c on both engines: the key and name rules, creating (unique key and
 * name per workspace, not across workspaces), finding by key or {uuid}, partial updates, the
 * default project, and deleting only while no repository remains. Refusals change nothing. */
#include "../hub_env.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "hub/project/project.h"
#include "hub/team/team.h"

static hub_workspace team(hub_env *e, const hub_user *creator, const char *id)
{
	hub_team_new n = { id, NULL, NULL, 0, "http://hub.test" };
	hub_workspace ws;
	hub_env_ok(hub_team_create(e->c, e->a, creator, &n, &ws));
	return ws;
}

static int64_t projects_in(hub_env *e, const hub_workspace *ws)
{
	return hub_env_scalar(e, "SELECT COUNT(*) FROM projects WHERE workspace_id = $1",
	                      db_int(ws->id));
}

static void keys_and_names_have_rules(void **state)
{
	(void)state;
	char key[80];
	memset(key, 'A', PROJECT_KEY_MAX);
	key[PROJECT_KEY_MAX] = '\0';
	hub_env_ok(hub_project_check_key("MARS"));
	hub_env_ok(hub_project_check_key("M_2"));
	hub_env_ok(hub_project_check_key(key));
	key[PROJECT_KEY_MAX] = 'A';
	key[PROJECT_KEY_MAX + 1] = '\0';
	hub_env_refused(hub_project_check_key(key), WEFT_EINVALID, "Key: at most");
	static const char *const bad[] = { "", "mars", "2M", "_M", "M-2", "M 2", "MÄRS" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		hub_env_refused(hub_project_check_key(bad[i]), WEFT_EINVALID, "Key");
	hub_env_ok(hub_project_check_name("Mars rover – phase 2"));
	hub_env_refused(hub_project_check_name(""), WEFT_EINVALID, "Name");
	hub_env_refused(hub_project_check_name("a\tb"), WEFT_EINVALID, "control");
}

static void projects_are_unique_per_workspace(void **state)
{
	hub_env e = hub_env_begin(state);
	hub_user alice = hub_env_user(&e, "alice", "alice@example.com", NULL);
	hub_workspace acme = team(&e, &alice, "acme"), beta = team(&e, &alice, "beta");
	hub_project p, q, found;
	hub_project_new mars = { "MARS", "Mars", "red", true };
	hub_env_ok(hub_project_create(e.c, e.a, alice.id, &acme, &mars, &p));
	assert_string_equal(p.key, "MARS");
	assert_true(p.is_private);
	hub_project_new same_key = { "MARS", "Another", "", true };
	hub_env_refused(hub_project_create(e.c, e.a, alice.id, &acme, &same_key, &q), WEFT_EEXISTS,
	                "Key");
	hub_project_new same_name = { "VENUS", "mars", "", true };
	hub_env_refused(hub_project_create(e.c, e.a, alice.id, &acme, &same_name, &q), WEFT_EEXISTS,
	                "Name");
	hub_project_new bad = { "venus", "Venus", "", true };
	hub_env_refused(hub_project_create(e.c, e.a, alice.id, &acme, &bad, &q), WEFT_EINVALID,
	                "Key");
	assert_int_equal(projects_in(&e, &acme), 1);
	/* Another workspace may use the same key and name. */
	hub_env_ok(hub_project_create(e.c, e.a, alice.id, &beta, &mars, &q));
	assert_int_not_equal(q.id, p.id);
	hub_env_ok(hub_project_find(e.c, e.a, acme.id, "MARS", &found));
	assert_int_equal(found.id, p.id);
	hub_env_ok(hub_project_find(e.c, e.a, acme.id, arena_printf(e.a, "{%s}", p.uuid), &found));
	assert_int_equal(found.id, p.id);
	hub_env_refused(hub_project_find(e.c, e.a, acme.id, "mars", &found), WEFT_ENOTFOUND,
	                "mars");
	hub_env_refused(
	        hub_project_find(e.c, e.a, acme.id, arena_printf(e.a, "{%s}", q.uuid), &found),
	        WEFT_ENOTFOUND, NULL);
	hub_env_end(&e);
}

static void updates_are_partial_and_checked(void **state)
{
	hub_env e = hub_env_begin(state);
	hub_user alice = hub_env_user(&e, "alice", "alice@example.com", NULL);
	hub_workspace acme = team(&e, &alice, "acme");
	hub_project p, venus;
	hub_project_new n = { "MARS", "Mars", "red", true };
	hub_env_ok(hub_project_create(e.c, e.a, alice.id, &acme, &n, &p));
	hub_project_new v = { "VENUS", "Venus", "", true };
	hub_env_ok(hub_project_create(e.c, e.a, alice.id, &acme, &v, &venus));
	hub_project_change ch = { .description = "dusty", .is_private = 0 };
	hub_env_ok(hub_project_update(e.c, e.a, &p, &ch, &p));
	assert_string_equal(p.description, "dusty");
	assert_string_equal(p.name, "Mars");
	assert_false(p.is_private);
	hub_project_change rekey = { .key = "ARES", .is_private = -1 };
	hub_env_ok(hub_project_update(e.c, e.a, &p, &rekey, &p));
	assert_string_equal(p.key, "ARES");
	hub_project_change clash = { .key = "VENUS", .is_private = -1 };
	hub_env_refused(hub_project_update(e.c, e.a, &p, &clash, &p), WEFT_EEXISTS, "Key");
	hub_project_change bad = { .name = "", .is_private = -1 };
	hub_env_refused(hub_project_update(e.c, e.a, &p, &bad, &p), WEFT_EINVALID, "Name");
	hub_env_ok(hub_project_get(e.c, e.a, p.id, &p));
	assert_string_equal(p.key, "ARES");
	assert_string_equal(p.name, "Mars");
	hub_env_end(&e);
}

static void the_default_project_is_the_oldest_or_new(void **state)
{
	hub_env e = hub_env_begin(state);
	hub_user alice = hub_env_user(&e, "alice", "alice@example.com", NULL);
	hub_workspace acme = team(&e, &alice, "acme");
	hub_project p, again, later;
	hub_env_ok(hub_project_oldest_or_default(e.c, e.a, alice.id, &acme, &p));
	assert_string_equal(p.key, PROJECT_DEFAULT_KEY);
	assert_string_equal(p.name, PROJECT_DEFAULT_NAME);
	hub_project_new n = { "ZED", "Zed", "", true };
	hub_env_ok(hub_project_create(e.c, e.a, alice.id, &acme, &n, &later));
	hub_env_ok(hub_project_oldest_or_default(e.c, e.a, alice.id, &acme, &again));
	assert_int_equal(again.id, p.id);
	assert_int_equal(projects_in(&e, &acme), 2);
	hub_project *list;
	size_t count;
	hub_env_ok(hub_project_list(e.c, e.a, acme.id, &list, &count));
	assert_int_equal(count, 2);
	assert_string_equal(list[0].key, PROJECT_DEFAULT_KEY);
	assert_string_equal(list[1].key, "ZED");
	hub_env_end(&e);
}

static void projects_with_repositories_stay(void **state)
{
	hub_env e = hub_env_begin(state);
	hub_user alice = hub_env_user(&e, "alice", "alice@example.com", NULL);
	hub_workspace acme = team(&e, &alice, "acme");
	hub_project p;
	hub_project_new n = { "MARS", "Mars", "", true };
	hub_env_ok(hub_project_create(e.c, e.a, alice.id, &acme, &n, &p));
	assert_true(db_exec(e.c,
	                    "INSERT INTO repositories (uuid, workspace_id, slug, name, is_private,"
	                    " created_at, updated_at, project_id)"
	                    " VALUES ('00000000-0000-4000-8000-0000000000aa', $1, 'r', 'r', 0, 0,"
	                    " 0, $2)",
	                    db_int(acme.id), db_int(p.id)) == 1);
	int64_t all = 0, public_repos = 0;
	hub_env_ok(hub_project_repo_counts(e.c, p.id, &all, &public_repos));
	assert_int_equal(all, 1);
	assert_int_equal(public_repos, 1);
	hub_env_refused(hub_project_delete(e.c, alice.id, &p), WEFT_ECONFLICT, "still has 1");
	assert_true(db_exec(e.c, "DELETE FROM repositories WHERE project_id = $1", db_int(p.id)) ==
	            1);
	hub_env_ok(hub_project_delete(e.c, alice.id, &p));
	assert_int_equal(projects_in(&e, &acme), 0);
	hub_env_end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_and_names_have_rules),
		cmocka_unit_test(projects_are_unique_per_workspace),
		cmocka_unit_test(updates_are_partial_and_checked),
		cmocka_unit_test(the_default_project_is_the_oldest_or_new),
		cmocka_unit_test(projects_with_repositories_stay),
	};
	return fixture_run_service_tests("hub/project", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
