/* Tests of src/hub/browse/commit.c on real bare repositories: the recent commits, Bitbucket's
 * reversed diff specs, diffstats, ahead / behind and merge bases kept. No database. (The log
 * walks: commit_walk_test.c.) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/err.h"
#include "hub/browse/commit.h"
#include "../history_repo.h"

#define T0 HISTORY_T0

static void test_recent(void **state)
{
	history_env *e = *state;
	hub_commit *c = NULL;
	size_t n = 99;
	assert_int_equal(hub_commit_recent(&c, &n, e->a, e->repo, NULL, 5), 0);
	assert_int_equal(n, 0); /* empty */
	char h[5][41];
	history_linear(e, h, 5);
	assert_int_equal(hub_commit_recent(&c, &n, e->a, e->repo, "main", 3), 0);
	assert_int_equal(n, 3);
	assert_string_equal(c[0].hash, h[4]);
	assert_string_equal(c[0].summary, "commit 4");
	assert_string_equal(c[0].author_name, "Tess Ter");
	assert_int_equal(c[0].author_time, T0 + 240);
	assert_int_equal(c[0].parent_count, 1);
	assert_string_equal(c[0].parents[0], h[3]);
	assert_string_equal(c[2].hash, h[2]);
	assert_int_equal(hub_commit_recent(&c, &n, e->a, e->repo, "", 10), 0);
	assert_int_equal(n, 5); /* HEAD */
	assert_int_equal(hub_commit_recent(&c, &n, e->a, e->repo, "nope", 3), WEFT_ENOTFOUND);
}

static const char *diff_of(history_env *e, const char *spec, bool topic)
{
	hub_diff_opts o;
	git_diff *d = NULL;
	buf out = BUF_INIT;
	hub_diff_opts_init(&o);
	o.topic = topic;
	int rc = hub_diff_load(&d, e->repo, spec, &o);
	if (rc < 0)
		return NULL;
	assert_int_equal(hub_diff_text(&out, d, 1 << 20), 0);
	git_diff_free(d);
	const char *s = arena_strdup(e->a, buf_cstr(&out));
	buf_dispose(&out);
	return s;
}

static void test_diff_specs(void **state)
{
	history_env *e = *state;
	char h[3][41], side[41];
	history_linear(e, h, 3); /* h0: even=v0; h1: odd=v1; h2: even=v2 */
	const char *p0[1] = { h[0] };
	assert_int_equal(history_commit(e, side, NULL, p0, 1, "side.txt", "s\n", T0 + 500, "side"),
	                 0);
	/* One commit: against its first parent. */
	const char *d = diff_of(e, h[2], true);
	assert_non_null(strstr(d, "-v0\n+v2\n"));
	/* The root commit: everything added. */
	d = diff_of(e, h[0], true);
	assert_non_null(strstr(d, "new file mode"));
	/* A..B: A is the new side (git diff B A). */
	char spec[100];
	snprintf(spec, sizeof spec, "%s..%s", h[2], h[0]);
	d = diff_of(e, spec, false);
	assert_non_null(strstr(d, "-v0\n+v2\n"));
	assert_non_null(strstr(d, "+v1"));
	snprintf(spec, sizeof spec, "%s..%s", h[0], h[2]);
	d = diff_of(e, spec, false);
	assert_non_null(strstr(d, "-v2\n+v0\n"));
	/* topic: against the merge base, so main's own changes stay out. */
	snprintf(spec, sizeof spec, "%s..main", side);
	d = diff_of(e, spec, true);
	assert_non_null(strstr(d, "+s"));
	assert_null(strstr(d, "v2"));
	d = diff_of(e, spec, false);
	assert_non_null(strstr(d, "v2"));
	/* Bad specs. */
	assert_null(diff_of(e, "a..b..c", true));
	assert_int_equal(hub_diff_resolve(&(git_commit *){ NULL }, &(git_commit *){ NULL }, e->repo,
	                                  "main..", false),
	                 WEFT_EINVALID);
	git_commit *n = NULL, *o = NULL;
	assert_int_equal(hub_diff_resolve(&n, &o, e->repo, "nope..main", false), WEFT_ENOTFOUND);
	assert_int_equal(hub_diff_resolve(&n, &o, e->repo, "main..nope", false), WEFT_ENOTFOUND);
	/* Too large for the bound. */
	hub_diff_opts opts;
	hub_diff_opts_init(&opts);
	git_diff *diff = NULL;
	buf out = BUF_INIT;
	assert_int_equal(hub_diff_load(&diff, e->repo, h[2], &opts), 0);
	assert_int_equal(hub_diff_text(&out, diff, 10), WEFT_ETOOLARGE);
	buf_dispose(&out);
	git_diff_free(diff);
}

static void test_diffstat(void **state)
{
	history_env *e = *state;
	char a[41], b[41];
	assert_int_equal(history_commit(e, a, "refs/heads/main", NULL, 0, "keep.txt",
	                                "one\ntwo\nthree\nfour\nfive\nsix\n", T0, "a"),
	                 0);
	/* b: keep.txt renamed to moved.txt (same content), new.txt added. */
	git_commit *ca = NULL;
	git_oid ida, blob, tid, idb;
	git_tree *ta = NULL, *tb_tree = NULL;
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_oid_fromstr(&ida, a);
	assert_int_equal(git_commit_lookup(&ca, e->repo, &ida), 0);
	assert_int_equal(git_commit_tree(&ta, ca), 0);
	assert_int_equal(git_treebuilder_new(&tb, e->repo, ta), 0);
	const git_tree_entry *keep = git_treebuilder_get(tb, "keep.txt");
	git_oid keep_id = *git_tree_entry_id(keep);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "moved.txt", &keep_id, GIT_FILEMODE_BLOB),
	                 0);
	assert_int_equal(git_treebuilder_remove(tb, "keep.txt"), 0);
	assert_int_equal(git_blob_create_from_buffer(&blob, e->repo, "x\ny\n", 4), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "new.txt", &blob, GIT_FILEMODE_BLOB), 0);
	assert_int_equal(git_treebuilder_write(&tid, tb), 0);
	assert_int_equal(git_tree_lookup(&tb_tree, e->repo, &tid), 0);
	assert_int_equal(git_signature_new(&sig, "T", "t@example.com", T0 + 60, 0), 0);
	assert_int_equal(git_commit_create(&idb, e->repo, "refs/heads/main", sig, sig, NULL, "b",
	                                   tb_tree, 1, (const git_commit **)&ca),
	                 0);
	git_oid_tostr(b, sizeof b, &idb);
	git_signature_free(sig);
	git_tree_free(tb_tree);
	git_treebuilder_free(tb);
	git_tree_free(ta);
	git_commit_free(ca);

	hub_diff_opts o;
	hub_diff_opts_init(&o);
	git_diff *d = NULL;
	hub_diffstat *st = NULL;
	size_t n = 0;
	assert_int_equal(hub_diff_load(&d, e->repo, b, &o), 0);
	assert_int_equal(hub_diff_stats(&st, &n, e->a, d), 0);
	git_diff_free(d);
	assert_int_equal(n, 2);
	assert_int_equal(st[0].status, HUB_DIFF_RENAMED);
	assert_string_equal(st[0].old_path, "keep.txt");
	assert_string_equal(st[0].new_path, "moved.txt");
	assert_int_equal(st[0].lines_added, 0);
	assert_int_equal(st[1].status, HUB_DIFF_ADDED);
	assert_null(st[1].old_path);
	assert_int_equal(st[1].lines_added, 2);
	assert_string_equal(hub_diff_status_name(st[1].status), "added");
	/* Without rename detection: a removal and an addition. */
	o.renames = false;
	assert_int_equal(hub_diff_load(&d, e->repo, b, &o), 0);
	assert_int_equal(hub_diff_stats(&st, &n, e->a, d), 0);
	git_diff_free(d);
	assert_int_equal(n, 3);
	assert_int_equal(st[0].status, HUB_DIFF_REMOVED);
	assert_int_equal(st[0].lines_removed, 6);
	/* path= limits the files. */
	const char *paths[1] = { "new.txt" };
	o.paths = paths;
	o.npaths = 1;
	assert_int_equal(hub_diff_load(&d, e->repo, b, &o), 0);
	assert_int_equal(hub_diff_stats(&st, &n, e->a, d), 0);
	git_diff_free(d);
	assert_int_equal(n, 1);
}

static void test_ahead_behind(void **state)
{
	history_env *e = *state;
	char h[5][41], f[41];
	history_linear(e, h, 5);
	const char *p[1] = { h[2] };
	assert_int_equal(history_commit(e, f, NULL, p, 1, "f", "1", T0 + 999, "f"), 0);
	git_oid local, upstream;
	git_oid_fromstr(&local, f);
	git_oid_fromstr(&upstream, h[4]);
	size_t ahead = 0, behind = 0;
	assert_int_equal(hub_commit_ahead_behind(&ahead, &behind, e->repo, &local, &upstream), 0);
	assert_int_equal(ahead, 1);
	assert_int_equal(behind, 2);
}

/* hub_merge_base gives git_merge_base's answer, and remembers it: asked again about the same
 * pair in a repository that lacks both commits, it still knows (git_merge_base could not). A
 * pair without a common ancestor is not remembered. */
static void test_merge_base_kept(void **state)
{
	history_env *e = *state;
	char h[5][41], f[41], lone[41];
	history_linear(e, h, 5);
	const char *p[1] = { h[2] };
	assert_int_equal(history_commit(e, f, NULL, p, 1, "f", "1", T0 + 999, "f"), 0);
	assert_int_equal(history_commit(e, lone, NULL, NULL, 0, "l", "1", T0, "lone"), 0);
	git_oid a, b, base, none;
	git_oid_fromstr(&a, f);
	git_oid_fromstr(&b, h[4]);
	assert_int_equal(hub_merge_base(&base, e->repo, &a, &b), 0);
	char hex[41];
	assert_string_equal(git_oid_tostr(hex, sizeof hex, &base), h[2]);
	git_oid_fromstr(&none, lone);
	assert_int_equal(hub_merge_base(&base, e->repo, &a, &none), GIT_ENOTFOUND);

	char dir[128];
	git_repository *empty = NULL;
	snprintf(dir, sizeof dir, "%s/empty.git", e->dir);
	assert_int_equal(git_repository_init(&empty, dir, 1), 0);
	git_oid_fromstr(&base, h[0]);
	assert_int_equal(hub_merge_base(&base, empty, &a, &b), 0);
	assert_string_equal(git_oid_tostr(hex, sizeof hex, &base), h[2]);
	assert_true(hub_merge_base(&base, empty, &b, &a) < 0); /* another pair: not kept */
	assert_true(hub_merge_base(&base, empty, &a, &none) < 0);
	git_repository_free(empty);
}

static void test_status_of(void **state)
{
	(void)state;
	assert_int_equal(hub_diff_status_of(GIT_DELTA_ADDED), HUB_DIFF_ADDED);
	assert_int_equal(hub_diff_status_of(GIT_DELTA_COPIED), HUB_DIFF_ADDED);
	assert_int_equal(hub_diff_status_of(GIT_DELTA_DELETED), HUB_DIFF_REMOVED);
	assert_int_equal(hub_diff_status_of(GIT_DELTA_RENAMED), HUB_DIFF_RENAMED);
	assert_int_equal(hub_diff_status_of(GIT_DELTA_MODIFIED), HUB_DIFF_MODIFIED);
	assert_int_equal(hub_diff_status_of(GIT_DELTA_TYPECHANGE), HUB_DIFF_MODIFIED);
}

static void test_text_utf8(void **state)
{
	history_env *e = *state;
	assert_string_equal(hub_text_utf8(e->a, "héllo", 6), "héllo");
	assert_string_equal(hub_text_utf8(e->a,
	                                  "a\xff"
	                                  "b",
	                                  3),
	                    "a\xEF\xBF\xBD"
	                    "b");
	assert_string_equal(hub_text_utf8(e->a, "\xc3", 1), "\xEF\xBF\xBD");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recent, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_diff_specs, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_diffstat, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_ahead_behind, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_merge_base_kept, history_setup,
		                                history_teardown),
		cmocka_unit_test_setup_teardown(test_text_utf8, history_setup, history_teardown),
		cmocka_unit_test(test_status_of),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
