/* Tests of src/hub/repo.c and src/hub/project.c's use by it, on both engines: the slug rules
 * (with Bitbucket's examples), creating with the bare repository and a README, the plan limit,
 * auto_add groups, renaming with redirects, transfer, grants and delete; refusals leave nothing
 * behind, on disk or in the store. */
#include "../hub_env.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"
#include "db/jobs.h"
#include "hub/hub.h"
#include "hub/team/group.h"
#include "hub/team/plan.h"
#include "hub/team/team.h"
#include "hub/project/project.h"
#include "hub/repo/repo.h"
#include "hub/repo/repo_purge.h"
#include "hub/repo/repo_storage.h"

typedef struct env {
	hub_env h;
	char root[64];
	hub_repo_dirs dirs;
} env;

static env begin(void **state)
{
	env e = { .h = hub_env_begin(state) };
	snprintf(e.root, sizeof e.root, "/tmp/weft-repo-test-XXXXXX");
	if (!mkdtemp(e.root))
		fail_msg("mkdtemp failed");
	e.dirs = (hub_repo_dirs){ arena_printf(e.h.a, "%s/repos", e.root),
		                  arena_printf(e.h.a, "%s/trash", e.root), "/bin/true" };
	return e;
}

static void end(env *e)
{
	hub_repo_storage_remove_tree(e->root);
	hub_env_end(&e->h);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static hub_workspace personal(env *e, const hub_user *u)
{
	hub_workspace ws;
	hub_env_ok(hub_workspace_find(e->h.c, e->h.a, u->username, &ws));
	return ws;
}

static hub_workspace team(env *e, const hub_user *creator, const char *id)
{
	hub_team_new n = { id, NULL, NULL, 0, "http://hub.test" };
	hub_workspace ws;
	hub_env_ok(hub_team_create(e->h.c, e->h.a, creator, &n, &ws));
	return ws;
}

static int create(env *e, const hub_user *u, const hub_workspace *ws, const char *name,
                  bool is_private, hub_repo *out)
{
	hub_repo_new n = { .name = name, .is_private = is_private };
	return hub_repo_create(e->h.f->d, e->h.a, &e->dirs, u, ws, &n, out);
}

static int64_t count(env *e, const char *sql, int64_t arg)
{
	return hub_env_scalar(&e->h, sql, db_int(arg));
}

/* ---- rules ---- */

static void slugs_follow_bitbucket(void **state)
{
	(void)state;
	char slug[REPO_SLUG_MAX + 1];
	static const char *const cases[][2] = {
		{ "a@b!-#c", "a-b-c" },
		{ "foo bar", "foo-bar" },
		{ "føøbar", "foobar" },
		{ "Foo Bar", "foo-bar" },
		{ "my_repo.js", "my_repo.js" },
		{ "  x  ", "x" },
		{ "Crème Brûlée", "creme-brulee" },
		{ "Straße", "strasse" },
		{ "日本 repo", "repo" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hub_env_ok(hub_repo_slugify(slug, cases[i][0]));
		assert_string_equal(slug, cases[i][1]);
	}
	char long_name[200];
	memset(long_name, 'a', 100);
	long_name[100] = '\0';
	hub_env_ok(hub_repo_slugify(slug, long_name));
	assert_int_equal(strlen(slug), REPO_SLUG_MAX);
	hub_env_refused(hub_repo_slugify(slug, "!!!"), WEFT_EINVALID, "letter or digit");
	hub_env_refused(hub_repo_slugify(slug, ".."), WEFT_EINVALID, "letter or digit");
	hub_env_refused(hub_repo_slugify(slug, " . "), WEFT_EINVALID, "letter or digit");
	hub_env_ok(hub_repo_slugify(slug, "..."));
	assert_string_equal(slug, "...");
	hub_env_refused(hub_repo_slugify(slug, ""), WEFT_EINVALID, "Name");
	hub_env_refused(hub_repo_slugify(slug, "a\nb"), WEFT_EINVALID, "control");
}

static void path_slugs_are_checked(void **state)
{
	(void)state;
	hub_env_ok(hub_repo_check_slug("my-repo"));
	hub_env_ok(hub_repo_check_slug("_x.y"));
	hub_env_ok(hub_repo_check_slug("---"));
	static const char *const bad[] = { "My-Repo", "a--b", "a-", "a b", "", ".", "ü" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		hub_env_refused(hub_repo_check_slug(bad[i]), WEFT_EINVALID,
		                "Invalid slug. Slugs must be");
	hub_env_refused(hub_repo_check_reserved("settings"), WEFT_EINVALID, "reserved");
	hub_env_refused(hub_repo_check_reserved("projects"), WEFT_EINVALID, "reserved");
	hub_env_refused(hub_repo_check_reserved("x.git"), WEFT_EINVALID, ".git");
	hub_env_ok(hub_repo_check_reserved("settings2"));
	hub_env_ok(hub_repo_check_branch("feature/x"));
	hub_env_refused(hub_repo_check_branch("a..b"), WEFT_EINVALID, "Main branch");
}

/* ---- creating ---- */

static void create_makes_row_folder_and_default_project(void **state)
{
	env e = begin(state);
	hub_user alice = hub_env_user(&e.h, "alice", "alice@example.com", NULL);
	hub_workspace ws = personal(&e, &alice);
	hub_repo r, found;
	hub_env_ok(create(&e, &alice, &ws, "Foo Bar", true, &r));
	assert_string_equal(r.slug, "foo-bar");
	assert_string_equal(r.mainbranch, "main");
	assert_true(r.is_private);
	assert_true(exists(hub_repo_git_dir(e.h.a, e.dirs.repos_dir, &r)));
	assert_true(exists(arena_printf(e.h.a, "%s/hooks/post-receive",
	                                hub_repo_git_dir(e.h.a, e.dirs.repos_dir, &r))));
	hub_project p;
	hub_env_ok(hub_project_get(e.h.c, e.h.a, r.project_id, &p));
	assert_string_equal(p.key, PROJECT_DEFAULT_KEY);
	hub_env_ok(hub_repo_find(e.h.c, e.h.a, &ws, "FOO-BAR", &found, NULL));
	assert_int_equal(found.id, r.id);
	hub_env_ok(hub_repo_find(e.h.c, e.h.a, &ws, arena_printf(e.h.a, "{%s}", r.uuid), &found,
	                         NULL));
	assert_int_equal(found.id, r.id);
	assert_true(count(&e, "SELECT COUNT(*) FROM activity WHERE workspace_id = $1", ws.id) >= 1);
	/* The same slug from another spelling is refused, and nothing is left behind. */
	hub_repo dup;
	hub_env_refused(create(&e, &alice, &ws, "foo-bar", false, &dup), WEFT_EEXISTS,
	                "a repository with this URL already exists");
	hub_env_refused(create(&e, &alice, &ws, "Settings", false, &dup), WEFT_EINVALID,
	                "reserved");
	assert_int_equal(
	        count(&e, "SELECT COUNT(*) FROM repositories WHERE workspace_id = $1", ws.id), 1);
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM projects WHERE workspace_id = $1", ws.id),
	                 1);
	end(&e);
}

static void a_folder_that_cannot_be_made_rolls_back(void **state)
{
	env e = begin(state);
	hub_user alice = hub_env_user(&e.h, "alice", "alice@example.com", NULL);
	hub_workspace ws = personal(&e, &alice);
	e.dirs.repos_dir = "/dev/null/repos"; /* under a file: no folder can be made there */
	hub_repo r;
	int rc = create(&e, &alice, &ws, "nowhere", true, &r);
	assert_int_not_equal(rc, 0);
	assert_int_equal(
	        count(&e, "SELECT COUNT(*) FROM repositories WHERE workspace_id = $1", ws.id), 0);
	assert_int_equal(count(&e, "SELECT COUNT(*) FROM projects WHERE workspace_id = $1", ws.id),
	                 0);
	assert_int_equal(count(&e,
	                       "SELECT COUNT(*) FROM activity WHERE workspace_id = $1"
	                       " AND summary LIKE '%nowhere%'",
	                       ws.id),
	                 0);
	end(&e);
}

static void readme_is_an_initial_commit_on_main(void **state)
{
	env e = begin(state);
	hub_user alice = hub_env_user(&e.h, "alice", "alice@example.com", NULL);
	hub_workspace ws = personal(&e, &alice);
	hub_repo_new n = { .name = "docs", .description = "All the docs", .with_readme = true };
	hub_repo r;
	hub_env_ok(hub_repo_create(e.h.f->d, e.h.a, &e.dirs, &alice, &ws, &n, &r));
	git_repository *repo = NULL;
	git_reference *ref = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	assert_int_equal(
	        git_repository_open_bare(&repo, hub_repo_git_dir(e.h.a, e.dirs.repos_dir, &r)), 0);
	assert_int_equal(git_reference_lookup(&ref, repo, "refs/heads/main"), 0);
	assert_int_equal(git_commit_lookup(&commit, repo, git_reference_target(ref)), 0);
	assert_string_equal(git_commit_author(commit)->name, alice.display_name);
	assert_int_equal(git_commit_tree(&tree, commit), 0);
	assert_non_null(git_tree_entry_byname(tree, "README.md"));
	git_tree_free(tree);
	git_commit_free(commit);
	git_reference_free(ref);
	git_repository_free(repo);
	end(&e);
}

static void private_repositories_count_against_the_plan(void **state)
{
	env e = begin(state);
	hub_user alice = hub_env_user(&e.h, "alice", "alice@example.com", NULL);
	hub_workspace ws = team(&e, &alice, "acme");
	hub_plan plan;
	hub_env_ok(hub_plan_create(e.h.c, e.h.a, "Tiny", 1, PLAN_UNLIMITED, &plan));
	hub_env_ok(hub_plan_assign(e.h.c, ws.slug, plan.id));
	hub_repo r;
	hub_env_ok(create(&e, &alice, &ws, "one", true, &r));
	hub_env_refused(create(&e, &alice, &ws, "two", true, &r), WEFT_ELIMIT,
	                "Private repositories");
	hub_env_ok(create(&e, &alice, &ws, "three", false, &r));
	/* Making the public one private passes the limit too. */
	hub_repo_change ch = { .is_private = 1, .has_issues = -1, .has_wiki = -1 };
	hub_env_refused(hub_repo_update(e.h.c, e.h.a, e.dirs.repos_dir, alice.id, &r, &ch, &r),
	                WEFT_ELIMIT, "Private repositories");
	assert_int_equal(
	        count(&e, "SELECT COUNT(*) FROM repositories WHERE workspace_id = $1", ws.id), 2);
	end(&e);
}

static void auto_add_groups_are_granted(void **state)
{
	env e = begin(state);
	hub_user alice = hub_env_user(&e.h, "alice", "alice@example.com", NULL);
	hub_workspace ws = team(&e, &alice, "acme");
	hub_group g;
	hub_group_new gn = { "Readers", HUB_LEVEL_READ, false };
	hub_env_ok(hub_group_create(e.h.c, e.h.a, &ws, &gn, &g));
	hub_repo r;
	hub_env_ok(create(&e, &alice, &ws, "app", true, &r));
	hub_repo_grant *grants;
	size_t n;
	hub_env_ok(hub_repo_grants(e.h.c, e.h.a, r.id, &grants, &n));
	/* Administrators and Developers (auto_add), not Readers. */
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(grants[i].slug, g.slug);
	hub_env_ok(hub_repo_grant_group(e.h.c, &r, g.slug, HUB_LEVEL_WRITE));
	hub_env_ok(hub_repo_grant_user(e.h.c, &r, "alice", HUB_LEVEL_ADMIN));
	hub_env_ok(hub_repo_grants(e.h.c, e.h.a, r.id, &grants, &n));
	assert_int_equal(n, 4);
	hub_env_ok(hub_repo_grant_group(e.h.c, &r, g.slug, HUB_LEVEL_NONE));
	hub_env_refused(hub_repo_grant_user(e.h.c, &r, "nobody", HUB_LEVEL_READ), WEFT_ENOTFOUND,
	                "nobody");
	hub_env_ok(hub_repo_grants(e.h.c, e.h.a, r.id, &grants, &n));
	assert_int_equal(n, 3);
	end(&e);
}

static void renames_redirect_the_old_slug(void **state)
{
	env e = begin(state);
	hub_user alice = hub_env_user(&e.h, "alice", "alice@example.com", NULL);
	hub_workspace ws = personal(&e, &alice);
	hub_repo r, after, found, other;
	hub_env_ok(create(&e, &alice, &ws, "old name", false, &r));
	hub_repo_change ch = {
		.name = "New Name", .is_private = -1, .has_issues = -1, .has_wiki = -1
	};
	hub_env_ok(hub_repo_update(e.h.c, e.h.a, e.dirs.repos_dir, alice.id, &r, &ch, &after));
	assert_string_equal(after.slug, "new-name");
	const char *from = NULL;
	hub_env_ok(hub_repo_find(e.h.c, e.h.a, &ws, "old-name", &found, &from));
	assert_int_equal(found.id, r.id);
	assert_string_equal(from, "old-name");
	hub_env_ok(hub_repo_find(e.h.c, e.h.a, &ws, "new-name", &found, &from));
	assert_null(from);
	/* A new repository takes the old slug over. */
	hub_env_ok(create(&e, &alice, &ws, "old-name", false, &other));
	hub_env_ok(hub_repo_find(e.h.c, e.h.a, &ws, "old-name", &found, &from));
	assert_int_equal(found.id, other.id);
	assert_null(from);
	/* Renaming onto a taken slug is refused. */
	ch.name = "Old Name";
	hub_env_refused(
	        hub_repo_update(e.h.c, e.h.a, e.dirs.repos_dir, alice.id, &after, &ch, &after),
	        WEFT_EEXISTS, "already exists");
	/* The main branch of an empty repository may be any valid name; HEAD follows. */
	hub_repo_change mb = {
		.mainbranch = "trunk", .is_private = -1, .has_issues = -1, .has_wiki = -1
	};
	hub_env_ok(hub_repo_update(e.h.c, e.h.a, e.dirs.repos_dir, alice.id, &other, &mb, &other));
	assert_string_equal(other.mainbranch, "trunk");
	end(&e);
}

static void mainbranch_must_exist_once_there_are_commits(void **state)
{
	env e = begin(state);
	hub_user alice = hub_env_user(&e.h, "alice", "alice@example.com", NULL);
	hub_workspace ws = personal(&e, &alice);
	hub_repo_new n = { .name = "docs", .with_readme = true };
	hub_repo r;
	hub_env_ok(hub_repo_create(e.h.f->d, e.h.a, &e.dirs, &alice, &ws, &n, &r));
	hub_repo_change ch = {
		.mainbranch = "develop", .is_private = -1, .has_issues = -1, .has_wiki = -1
	};
	hub_env_refused(hub_repo_update(e.h.c, e.h.a, e.dirs.repos_dir, alice.id, &r, &ch, &r),
	                WEFT_EINVALID, "no branch develop");
	end(&e);
}

static void transfer_rederives_grants_and_keeps_files(void **state)
{
	env e = begin(state);
	hub_user alice = hub_env_user(&e.h, "alice", "alice@example.com", NULL);
	hub_user bob = hub_env_user(&e.h, "bob", "bob@example.com", NULL);
	hub_workspace mine = personal(&e, &alice), acme = team(&e, &alice, "acme");
	hub_repo r, moved, clash, found;
	hub_env_ok(create(&e, &alice, &mine, "tool", true, &r));
	hub_env_ok(hub_repo_grant_user(e.h.c, &r, "bob", HUB_LEVEL_WRITE));
	const char *dir = hub_repo_git_dir(e.h.a, e.dirs.repos_dir, &r);
	hub_env_ok(hub_repo_transfer(e.h.c, e.h.a, alice.id, &r, &acme, &moved));
	assert_int_equal(moved.workspace_id, acme.id);
	assert_string_equal(hub_repo_git_dir(e.h.a, e.dirs.repos_dir, &moved), dir);
	assert_true(exists(dir));
	assert_int_equal(count(&e,
	                       "SELECT COUNT(*) FROM repository_user_permissions"
	                       " WHERE repository_id = $1",
	                       r.id),
	                 0);
	assert_int_equal(count(&e,
	                       "SELECT COUNT(*) FROM repository_group_permissions"
	                       " WHERE repository_id = $1",
	                       r.id),
	                 2);
	const char *from = NULL;
	hub_env_ok(hub_repo_find(e.h.c, e.h.a, &mine, "tool", &found, &from));
	assert_int_equal(found.workspace_id, acme.id);
	assert_non_null(from);
	/* A clash in the target is refused. */
	hub_env_ok(create(&e, &alice, &mine, "tool", false, &clash));
	hub_env_refused(hub_repo_transfer(e.h.c, e.h.a, alice.id, &clash, &acme, &clash),
	                WEFT_EEXISTS, "already has a repository");
	(void)bob;
	end(&e);
}

static void delete_removes_the_row_and_trashes_the_folder(void **state)
{
	env e = begin(state);
	hub_user alice = hub_env_user(&e.h, "alice", "alice@example.com", NULL);
	hub_workspace ws = personal(&e, &alice);
	hub_repo r, found;
	hub_env_ok(create(&e, &alice, &ws, "gone", false, &r));
	const char *dir = hub_repo_git_dir(e.h.a, e.dirs.repos_dir, &r);
	hub_env_ok(hub_repo_delete(e.h.c, alice.id, &r));
	hub_env_ok(hub_repo_trash(e.h.a, &e.dirs, &r));
	assert_false(exists(dir));
	hub_env_refused(hub_repo_find(e.h.c, e.h.a, &ws, "gone", &found, NULL), WEFT_ENOTFOUND,
	                NULL);
	int removed = 0;
	hub_env_ok(hub_repo_storage_purge(e.dirs.trash_dir, INT64_MAX, &removed));
	assert_int_equal(removed, 1);
	end(&e);
}

static void the_purge_job_empties_old_trash(void **state)
{
	env e = begin(state);
	hub_app app = { .d = e.h.f->d, .trash_dir = e.dirs.trash_dir };
	char old_entry[200], new_entry[200];
	snprintf(old_entry, sizeof old_entry, "%s/1000-old.git", e.dirs.trash_dir);
	snprintf(new_entry, sizeof new_entry, "%s/%lld-new.git", e.dirs.trash_dir,
	         (long long)clock_now_ms());
	assert_int_equal(mkdir(e.dirs.trash_dir, 0700), 0);
	assert_int_equal(mkdir(old_entry, 0700), 0);
	assert_int_equal(mkdir(new_entry, 0700), 0);
	job_queue *q;
	job_queue_options opt = job_queue_defaults();
	opt.workers = 0;
	hub_env_ok(job_queue_new(&q, e.h.f->d, "test", &opt));
	hub_env_ok(hub_repo_purge_start(q, &app));
	hub_env_ok(hub_repo_purge_start(q, &app)); /* a second node starting */
	assert_int_equal(count(&e,
	                       "SELECT COUNT(*) FROM jobs WHERE kind = 'hub.repo_purge'"
	                       " AND id > $1",
	                       0),
	                 1);
	bool ran = false;
	hub_env_ok(job_queue_run_one(q, &ran));
	assert_true(ran);
	assert_false(exists(old_entry));
	assert_true(exists(new_entry));
	assert_int_equal(count(&e,
	                       "SELECT COUNT(*) FROM jobs WHERE kind = 'hub.repo_purge'"
	                       " AND state = 'pending' AND id > $1",
	                       0),
	                 1);
	job_queue_stop(q, 5);
	end(&e);
}

/* ---- projects ---- */

static void projects_are_made_changed_and_kept_while_used(void **state)
{
	env e = begin(state);
	hub_user alice = hub_env_user(&e.h, "alice", "alice@example.com", NULL);
	hub_workspace ws = team(&e, &alice, "acme");
	hub_project p, q, found;
	hub_project_new n = { "MARS", "Mars", "red", true };
	hub_env_ok(hub_project_create(e.h.c, e.h.a, alice.id, &ws, &n, &p));
	hub_project_new same_key = { "MARS", "Another", "", true };
	hub_env_refused(hub_project_create(e.h.c, e.h.a, alice.id, &ws, &same_key, &q),
	                WEFT_EEXISTS, "Key");
	hub_project_new other = { "VENUS", "mars", "", false };
	hub_env_refused(hub_project_create(e.h.c, e.h.a, alice.id, &ws, &other, &q), WEFT_EEXISTS,
	                "Name");
	hub_env_ok(
	        hub_project_find(e.h.c, e.h.a, ws.id, arena_printf(e.h.a, "{%s}", p.uuid), &found));
	assert_int_equal(found.id, p.id);
	hub_project_change ch = { .name = "Red Planet", .is_private = 0 };
	hub_env_ok(hub_project_update(e.h.c, e.h.a, &p, &ch, &p));
	assert_string_equal(p.name, "Red Planet");
	assert_false(p.is_private);
	hub_repo_new rn = { .name = "rover", .project_ref = "MARS" };
	hub_repo r;
	hub_env_ok(hub_repo_create(e.h.f->d, e.h.a, &e.dirs, &alice, &ws, &rn, &r));
	assert_int_equal(r.project_id, p.id);
	hub_env_refused(hub_project_delete(e.h.c, alice.id, &p), WEFT_ECONFLICT, "still has");
	hub_env_ok(hub_repo_delete(e.h.c, alice.id, &r));
	hub_env_ok(hub_project_delete(e.h.c, alice.id, &p));
	end(&e);
}

static int setup(void **state)
{
	(void)state;
	hub_global_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slugs_follow_bitbucket),
		cmocka_unit_test(path_slugs_are_checked),
		cmocka_unit_test(create_makes_row_folder_and_default_project),
		cmocka_unit_test(a_folder_that_cannot_be_made_rolls_back),
		cmocka_unit_test(readme_is_an_initial_commit_on_main),
		cmocka_unit_test(private_repositories_count_against_the_plan),
		cmocka_unit_test(auto_add_groups_are_granted),
		cmocka_unit_test(renames_redirect_the_old_slug),
		cmocka_unit_test(mainbranch_must_exist_once_there_are_commits),
		cmocka_unit_test(transfer_rederives_grants_and_keeps_files),
		cmocka_unit_test(delete_removes_the_row_and_trashes_the_folder),
		cmocka_unit_test(the_purge_job_empties_old_trash),
		cmocka_unit_test(projects_are_made_changed_and_kept_while_used),
	};
	setup(NULL);
	return fixture_run_service_tests("hub/repo", "hub", tests, sizeof tests / sizeof tests[0],
	                                 4);
}
