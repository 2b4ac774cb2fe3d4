/* Tests of src/hub/push.c on both engines: parsing the hook's lines, recording pushes and the
 * ref state they leave, and reconciling that state with the refs of a real bare repository
 * (skipped while a push holds the repository's lock). */
#include "../hub_env.h"

#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/err.h"
#include "hub/git/git_http.h"
#include "hub/git/push.h"
#include "hub/repo/repo_storage.h"

#define ZERO "0000000000000000000000000000000000000000"
#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HASH_C "cccccccccccccccccccccccccccccccccccccccc"
#define HASH_D "dddddddddddddddddddddddddddddddddddddddd"

/* A user with a private repository in their workspace; its id. */
static int64_t make_repository(hub_env *e, hub_user *owner)
{
	*owner = hub_env_user(e, "alice", "alice@example.com", NULL);
	int64_t ws = hub_env_scalar(e, "SELECT id FROM workspaces WHERE user_id = $1",
	                            db_int(owner->id));
	assert_true(ws > 0);
	assert_int_equal(
	        db_exec(e->c,
	                "INSERT INTO repositories (uuid, workspace_id, slug, name,"
	                " created_at, updated_at) VALUES"
	                " ('6d8c6a57-5bd4-4c1e-9f0e-0a4f3a0b7c11', $1, 'code', 'code', 0, 0)",
	                db_int(ws)),
	        1);
	return hub_env_scalar(e, "SELECT id FROM repositories WHERE workspace_id = $1", db_int(ws));
}

static void parses_hook_lines(void **state)
{
	(void)state;
	push_update u;
	char good[] = HASH_A " " HASH_B " refs/heads/feature/x\n";
	assert_int_equal(hub_push_update_parse(&u, good), 0);
	assert_string_equal(u.old_hash, HASH_A);
	assert_string_equal(u.new_hash, HASH_B);
	assert_string_equal(u.ref, "refs/heads/feature/x");
	char *bad[] = { strdup(HASH_A " " HASH_B),
		        strdup(HASH_A " nothex refs/heads/x"),
		        strdup("abc " HASH_B " refs/heads/x"),
		        strdup(HASH_A " " HASH_B " HEAD"),
		        strdup(HASH_A " " HASH_B " refs/heads/a\tb"),
		        strdup("") };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(hub_push_update_parse(&u, bad[i]), WEFT_EINVALID);
		free(bad[i]);
	}
	assert_true(hub_push_update_is_zero(ZERO));
	assert_false(hub_push_update_is_zero(HASH_A));
	assert_false(hub_push_update_is_zero(""));
}

static void records_pushes_and_ref_state(void **state)
{
	hub_env e = hub_env_begin(state);
	hub_user alice;
	int64_t repo = make_repository(&e, &alice);
	push_update first[] = { { "refs/heads/main", ZERO, HASH_A },
		                { "refs/tags/v1", ZERO, HASH_B } };
	int64_t id1 = 0, id2 = 0;
	assert_int_equal(hub_push_record(e.c, repo, alice.id, false, 1000, first, 2, &id1), 0);
	push_update second[] = { { "refs/tags/v1", HASH_B, ZERO },
		                 { "refs/heads/main", HASH_A, HASH_C } };
	assert_int_equal(hub_push_record(e.c, repo, alice.id, false, 2000, second, 2, &id2), 0);
	assert_true(id2 > id1);

	push_row *rows;
	size_t n;
	assert_int_equal(hub_push_list(e.c, e.a, repo, 10, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, id2);
	assert_int_equal(rows[0].actor_id, alice.id);
	assert_false(rows[0].reconciled);
	assert_int_equal(rows[1].pushed_at, 1000);

	push_update *updates;
	assert_int_equal(hub_push_updates(e.c, e.a, id2, &updates, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(updates[0].ref, "refs/heads/main");
	assert_string_equal(updates[0].new_hash, HASH_C);
	assert_string_equal(updates[1].ref, "refs/tags/v1");
	assert_string_equal(updates[1].new_hash, ZERO);

	/* The state: main at C, the deleted tag gone. */
	assert_int_equal(hub_env_scalar(&e,
	                                "SELECT count(*) FROM repository_refs WHERE"
	                                " repository_id = $1",
	                                db_int(repo)),
	                 1);
	int64_t push_id = -1;
	push_update disk[] = { { "refs/heads/main", NULL, HASH_C } };
	assert_int_equal(hub_push_reconcile(e.c, e.a, repo, disk, 1, &push_id), 0);
	assert_int_equal(push_id, 0);

	/* A malformed update records nothing. */
	push_update bad[] = { { "refs/heads/x", ZERO, "zz" } };
	assert_int_equal(hub_push_record(e.c, repo, alice.id, false, 3000, bad, 1, NULL),
	                 WEFT_EINVALID);
	assert_int_equal(hub_env_scalar(&e, "SELECT count(*) FROM pushes WHERE repository_id = $1",
	                                db_int(repo)),
	                 2);
	hub_env_end(&e);
}

static void reconcile_records_what_differs(void **state)
{
	hub_env e = hub_env_begin(state);
	hub_user alice;
	int64_t repo = make_repository(&e, &alice);
	push_update pushed[] = { { "refs/heads/main", ZERO, HASH_A },
		                 { "refs/heads/dev", ZERO, HASH_B } };
	assert_int_equal(hub_push_record(e.c, repo, alice.id, false, 1000, pushed, 2, NULL), 0);
	/* On disk: main moved, dev deleted, a tag appeared. */
	push_update disk[] = { { "refs/tags/v2", NULL, HASH_D },
		               { "refs/heads/main", NULL, HASH_C } };
	int64_t push_id = 0;
	assert_int_equal(hub_push_reconcile(e.c, e.a, repo, disk, 2, &push_id), 0);
	assert_true(push_id > 0);
	push_row *rows;
	size_t n;
	assert_int_equal(hub_push_list(e.c, e.a, repo, 1, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_true(rows[0].reconciled);
	assert_int_equal(rows[0].actor_id, 0);
	push_update *u;
	assert_int_equal(hub_push_updates(e.c, e.a, push_id, &u, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(u[0].ref, "refs/heads/dev");
	assert_string_equal(u[0].old_hash, HASH_B);
	assert_string_equal(u[0].new_hash, ZERO);
	assert_string_equal(u[1].ref, "refs/heads/main");
	assert_string_equal(u[1].old_hash, HASH_A);
	assert_string_equal(u[1].new_hash, HASH_C);
	assert_string_equal(u[2].ref, "refs/tags/v2");
	assert_string_equal(u[2].old_hash, ZERO);
	assert_string_equal(u[2].new_hash, HASH_D);
	/* Nothing is missing any more. */
	assert_int_equal(hub_push_reconcile(e.c, e.a, repo, disk, 2, &push_id), 0);
	assert_int_equal(push_id, 0);
	hub_env_end(&e);
}

/* A commit on refs/heads/main of the bare repository at dir, written with libgit2. */
static void commit_to(const char *dir, char hex[41])
{
	git_repository *r = NULL;
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid tree_id, commit_id;
	assert_int_equal(git_repository_open_bare(&r, dir), 0);
	assert_int_equal(git_treebuilder_new(&tb, r, NULL), 0);
	assert_int_equal(git_treebuilder_write(&tree_id, tb), 0);
	assert_int_equal(git_tree_lookup(&tree, r, &tree_id), 0);
	assert_int_equal(git_signature_now(&sig, "A", "a@example.com"), 0);
	assert_int_equal(git_commit_create_v(&commit_id, r, "refs/heads/main", sig, sig, NULL,
	                                     "first", tree, 0),
	                 0);
	git_oid_tostr(hex, 41, &commit_id);
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_repository_free(r);
}

static void reconcile_job_reads_the_disk_and_respects_the_push_lock(void **state)
{
	hub_env e = hub_env_begin(state);
	hub_user alice;
	int64_t repo = make_repository(&e, &alice);
	char repos_dir[] = "/tmp/weft-push-test-XXXXXX";
	assert_non_null(mkdtemp(repos_dir));
	char ws_uuid[64];
	db_stmt *st;
	assert_int_equal(db_query(&st, e.c,
	                          "SELECT w.uuid FROM workspaces w JOIN repositories r"
	                          " ON r.workspace_id = w.id WHERE r.id = $1",
	                          db_int(repo)),
	                 0);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(ws_uuid, sizeof ws_uuid, "%s", db_col_text(st, 0));
	db_done(st);
	const char *dir = hub_repo_storage_path(e.a, repos_dir, ws_uuid,
	                                        "6d8c6a57-5bd4-4c1e-9f0e-0a4f3a0b7c11");
	assert_int_equal(hub_repo_storage_init(dir, "main", "/bin/true"), 0);
	char hex[41];
	commit_to(dir, hex);

	hub_app app = { .d = e.f->d, .repos_dir = repos_dir };
	/* A push in flight holds the lock: its own hook will record it. */
	const char *lock = arena_printf(e.a, "%s/%s", dir, HUB_PUSH_LOCK);
	int fd = open(lock, O_RDWR | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_SH), 0);
	int recorded = -1;
	assert_int_equal(hub_push_reconcile_all(&app, &recorded), 0);
	assert_int_equal(recorded, 0);
	close(fd);

	assert_int_equal(hub_push_reconcile_all(&app, &recorded), 0);
	assert_int_equal(recorded, 1);
	push_row *rows;
	size_t n;
	assert_int_equal(hub_push_list(e.c, e.a, repo, 10, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_true(rows[0].reconciled);
	push_update *u;
	assert_int_equal(hub_push_updates(e.c, e.a, rows[0].id, &u, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(u[0].ref, "refs/heads/main");
	assert_string_equal(u[0].new_hash, hex);
	assert_int_equal(hub_push_reconcile_all(&app, &recorded), 0);
	assert_int_equal(recorded, 0);
	assert_int_equal(hub_repo_storage_remove_tree(repos_dir), 0);
	hub_env_end(&e);
}

int main(void)
{
	git_libgit2_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_hook_lines),
		cmocka_unit_test(records_pushes_and_ref_state),
		cmocka_unit_test(reconcile_records_what_differs),
		cmocka_unit_test(reconcile_job_reads_the_disk_and_respects_the_push_lock),
	};
	int failed =
	        fixture_run_service_tests("push", "hub", tests, sizeof tests / sizeof tests[0], 4);
	git_libgit2_shutdown();
	return failed;
}
