/* Tests of src/hub/team/team.c: team IDs, creation with the default groups (refused creations leave
 * nothing behind), renaming and deletion, and the repositories a page shows, on both engines. */
#include "team_env.h"

static void team_ids_have_lengths_and_characters(void **state)
{
	(void)state;
	char id[80];
	memset(id, 'a', 62);
	id[62] = '\0';
	hub_env_ok(hub_team_check_id("a"));
	hub_env_ok(hub_team_check_id(id));
	hub_env_ok(hub_team_check_id("dev-ops_2"));
	id[62] = 'a';
	id[63] = '\0';
	hub_env_refused(hub_team_check_id(id), WEFT_EINVALID, "Team ID: at most 62");
	hub_env_refused(hub_team_check_id(""), WEFT_EINVALID, "Team ID:");
	hub_env_refused(hub_team_check_id("Acme"), WEFT_EINVALID, "Team ID: only lowercase");
	hub_env_refused(hub_team_check_id("ac me"), WEFT_EINVALID, "Team ID:");
	hub_env_refused(hub_team_check_id("ac.me"), WEFT_EINVALID, "Team ID:");
	hub_env_refused(hub_team_check_id("acm\xC3\xA9"), WEFT_EINVALID, "Team ID:");
	hub_env_refused(hub_team_check_id("admin"), WEFT_EINVALID, "reserved");
	hub_env_refused(hub_team_check_id("teams"), WEFT_EINVALID, "reserved");
	hub_env_refused(hub_team_check_id("invitations"), WEFT_EINVALID, "reserved");
	hub_env_ok(hub_team_check_name("Acme Corp. \xC3\xA9"));
	hub_env_refused(hub_team_check_name(""), WEFT_EINVALID, "Team name:");
	hub_env_refused(hub_team_check_name("two\nlines"), WEFT_EINVALID, "Team name:");
}

static void create_makes_team_with_default_groups(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	const char *members[] = { "bob", "alice", "BOB" };
	hub_team_new n = { "acme", "Acme Corp", members, 3, BASE_URL };
	hub_workspace ws;
	hub_env_ok(hub_team_create(e.c, e.a, &alice, &n, &ws));
	assert_true(ws.is_team);
	assert_string_equal(ws.slug, "acme");
	assert_string_equal(ws.name, "Acme Corp");
	assert_int_equal(ws.owner_id, 0);
	hub_group *groups;
	size_t ngroups;
	hub_env_ok(hub_group_list(e.c, e.a, ws.id, &groups, &ngroups));
	assert_int_equal(ngroups, 2);
	assert_string_equal(groups[0].name, "Administrators");
	assert_string_equal(groups[0].slug, HUB_GROUP_ADMINS);
	assert_int_equal(groups[0].permission, HUB_LEVEL_ADMIN);
	assert_true(groups[0].auto_add);
	assert_int_equal(groups[0].nmembers, 1);
	assert_string_equal(groups[0].members[0].username, "alice");
	assert_string_equal(groups[1].name, "Developers");
	assert_int_equal(groups[1].permission, HUB_LEVEL_WRITE);
	assert_true(groups[1].auto_add);
	assert_int_equal(groups[1].nmembers, 1);
	assert_string_equal(groups[1].members[0].username, "bob");
	assert_true(is_admin(&e, &alice, &ws));
	assert_false(is_admin(&e, &bob, &ws));
	assert_int_equal(members_of(&e, &ws), 2);
	/* the name defaults to the ID */
	hub_workspace other = team(&e, &bob, "other", NULL, 0);
	assert_string_equal(other.name, "other");
	end(&e);
}

typedef struct create_ctx {
	env *e;
	const hub_user *creator;
	hub_team_new n;
} create_ctx;

static int create_fn(db_conn *c, void *ctx)
{
	create_ctx *cc = ctx;
	hub_workspace ws;
	return hub_team_create(c, cc->e->a, cc->creator, &cc->n, &ws);
}

static int create_in_tx(env *e, const hub_user *creator, const char *id, const char *const *members,
                        size_t n)
{
	create_ctx cc = { e, creator, { id, "Name", members, n, BASE_URL } };
	return db_tx(e->f->d, create_fn, &cc);
}

static void refused_creates_change_nothing(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true);
	team(&e, &alice, "acme", NULL, 0);
	hub_env_refused(create_in_tx(&e, &alice, "alice", NULL, 0), WEFT_EEXISTS,
	                "Team ID: alice is already taken");
	hub_env_refused(create_in_tx(&e, &alice, "acme", NULL, 0), WEFT_EEXISTS, "Team ID:");
	hub_env_refused(create_in_tx(&e, &alice, "Bad Id", NULL, 0), WEFT_EINVALID, "Team ID:");
	const char *members[] = { "nobody_here" };
	hub_env_refused(create_in_tx(&e, &alice, "fresh", members, 1), WEFT_ENOTFOUND,
	                "nobody_here");
	const char *bad[] = { "not an address@" };
	hub_env_refused(create_in_tx(&e, &alice, "fresh", bad, 1), WEFT_EINVALID, "Email:");
	assert_int_equal(
	        scalar(&e, "SELECT COUNT(*) FROM workspaces WHERE kind = 'team' AND $1 = 1", 1), 1);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM groups WHERE $1 = 1", 1), 2);
	/* a user cannot take a team's slug either */
	account_new n = { "acme", "acme@example.com", "correct horse battery", NULL, true, false };
	hub_user u;
	hub_env_refused(hub_account_create(e.c, e.a, &n, &u), WEFT_EEXISTS, NULL);
	end(&e);
}

static void teams_are_renamed_and_deleted(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0), found;
	hub_env_ok(hub_team_rename(e.c, &ws, "Acme Two"));
	hub_env_ok(hub_workspace_find(e.c, e.a, "acme", &found));
	assert_string_equal(found.name, "Acme Two");
	hub_env_refused(hub_team_rename(e.c, &ws, ""), WEFT_EINVALID, "Team name:");
	hub_workspace personal;
	hub_env_ok(hub_workspace_find(e.c, e.a, "alice", &personal));
	hub_env_refused(hub_team_rename(e.c, &personal, "x"), WEFT_ECONFLICT, "personal");
	hub_env_refused(hub_team_delete(e.c, &personal), WEFT_ECONFLICT, "personal");
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO repositories (uuid, workspace_id, slug, name,"
	                         " created_at, updated_at) VALUES ('u1', $1, 'r', 'r', 0, 0)",
	                         db_int(ws.id)),
	                 1);
	hub_env_refused(hub_team_delete(e.c, &ws), WEFT_ECONFLICT, "repositories");
	assert_int_equal(
	        db_exec(e.c, "DELETE FROM repositories WHERE workspace_id = $1", db_int(ws.id)), 1);
	hub_env_ok(hub_invitation_create(e.c, &ws, 0, "x@example.com", &alice, BASE_URL, NULL));
	hub_env_ok(hub_team_delete(e.c, &ws));
	hub_env_refused(hub_workspace_find(e.c, e.a, "acme", &found), WEFT_ENOTFOUND, NULL);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM groups WHERE $1 = 1", 1), 0);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM team_members WHERE $1 = 1", 1), 0);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM invitations WHERE $1 = 1", 1), 0);
	end(&e);
}

static void pages_show_what_the_viewer_may_read(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	insert_repo(&e, &ws, "secret", true);
	insert_repo(&e, &ws, "open", false);
	hub_team_repository *repos;
	size_t n;
	hub_env_ok(hub_team_visible_repositories(e.c, e.a, NULL, &ws, &repos, &n));
	assert_int_equal(n, 1);
	assert_string_equal(repos[0].slug, "open");
	hub_env_ok(hub_team_visible_repositories(e.c, e.a, &bob, &ws, &repos, &n));
	assert_int_equal(n, 1);
	hub_env_ok(hub_team_visible_repositories(e.c, e.a, &alice, &ws, &repos, &n));
	assert_int_equal(n, 2);
	end(&e);
}

static int64_t repo_id(env *e, const char *slug)
{
	return hub_env_scalar(e, "SELECT id FROM repositories WHERE slug = $1", db_text(slug));
}

/* The slugs a viewer sees, comma-separated, checked against hub_perm_repository row by row (the
 * per-row answer the batched query must give). */
static const char *visible(env *e, const hub_user *viewer, const hub_workspace *ws)
{
	hub_team_repository *repos;
	size_t n;
	hub_env_ok(hub_team_visible_repositories(e->c, e->a, viewer, ws, &repos, &n));
	static const char *const all[] = { "a", "b", "c", "open" };
	size_t seen = 0;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		hub_level level = HUB_LEVEL_NONE;
		hub_env_ok(hub_perm_repository(e->c, viewer, ws, repo_id(e, all[i]),
		                               strcmp(all[i], "open") != 0, &level));
		bool listed = seen < n && strcmp(repos[seen].slug, all[i]) == 0;
		assert_int_equal(listed, level >= HUB_LEVEL_READ);
		seen += listed;
	}
	assert_int_equal(seen, n);
	static char out[64];
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? "," : "",
		         repos[i].slug);
	return out;
}

static void visible_repositories_follow_every_grant(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true),
	         carol = user(&e, "carol", true), dave = user(&e, "dave", true),
	         erin = user(&e, "erin", true), frank = user(&e, "frank", true);
	account_new root_new = { "sysop", "sysop@example.com", "correct horse battery", NULL, true,
		                 true };
	hub_user root;
	hub_env_ok(hub_account_create(e.c, e.a, &root_new, &root));
	const char *members[] = { "bob", "carol", "dave", "frank" };
	hub_workspace ws = team(&e, &alice, "acme", members, 4);
	insert_repo(&e, &ws, "open", false);
	insert_repo(&e, &ws, "a", true);
	insert_repo(&e, &ws, "b", true);
	insert_repo(&e, &ws, "c", true);
	/* bob reads a through a group of his own; carol writes b, frank administers c directly. */
	int64_t readers = hub_env_scalar(&e,
	                                 "INSERT INTO groups (workspace_id, slug, name, permission,"
	                                 " auto_add, created_at) VALUES ($1, 'readers', 'Readers',"
	                                 " 'read', 0, 0) RETURNING id",
	                                 db_int(ws.id));
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO group_members (group_id, user_id, created_at)"
	                         " VALUES ($1, $2, 0)",
	                         db_int(readers), db_int(bob.id)),
	                 1);
	assert_int_equal(
	        db_exec(e.c,
	                "INSERT INTO repository_group_permissions (repository_id, group_id,"
	                " permission) VALUES ($1, $2, 'read')",
	                db_int(repo_id(&e, "a")), db_int(readers)),
	        1);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO repository_user_permissions (repository_id, user_id,"
	                         " permission) VALUES ($1, $2, 'write'), ($3, $4, 'admin')",
	                         db_int(repo_id(&e, "b")), db_int(carol.id),
	                         db_int(repo_id(&e, "c")), db_int(frank.id)),
	                 2);
	assert_string_equal(visible(&e, NULL, &ws), "open");
	assert_string_equal(visible(&e, &erin, &ws), "open"); /* not a member */
	assert_string_equal(visible(&e, &dave, &ws), "open"); /* a member without grants */
	assert_string_equal(visible(&e, &bob, &ws), "a,open");
	assert_string_equal(visible(&e, &carol, &ws), "b,open");
	assert_string_equal(visible(&e, &frank, &ws), "c,open");
	assert_string_equal(visible(&e, &alice, &ws), "a,b,c,open"); /* the team's administrator */
	assert_string_equal(visible(&e, &root, &ws), "a,b,c,open"); /* a site administrator */
	frank.is_active = false; /* deactivated: his grant no longer counts */
	assert_string_equal(visible(&e, &frank, &ws), "open");
	alice.is_active = false;
	assert_string_equal(visible(&e, &alice, &ws), "open");
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(team_ids_have_lengths_and_characters),
		cmocka_unit_test(create_makes_team_with_default_groups),
		cmocka_unit_test(refused_creates_change_nothing),
		cmocka_unit_test(teams_are_renamed_and_deleted),
		cmocka_unit_test(pages_show_what_the_viewer_may_read),
		cmocka_unit_test(visible_repositories_follow_every_grant),
	};
	return fixture_run_service_tests("hub/team/team", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
