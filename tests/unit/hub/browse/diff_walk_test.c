/* Tests of the diff's own tree walk (src/hub/commit.c): hub_diff_commits reads only the folders
 * that differ, and must give exactly what libgit2's whole-tree diff gives, for every kind of
 * change (modified, added and removed files and folders, a folder that became a file and the
 * reverse, mode changes, symlinks, binary files, renames, neighbours whose names sort around a
 * folder's), with path filters, for a root commit and past the walk's bounds. And the pool of
 * open repositories (src/hub/gitrepo.c): a handle is reused, yet sees what a push added, even in
 * a new pack, and a replaced folder is never served from an old handle. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "hub/browse/commit.h"
#include "hub/git/gitrepo.h"
#include "../history_repo.h"

/* A file of a test tree: mode 0 means a regular file; len 0 means strlen(content). */
typedef struct tfile {
	const char *path;
	const char *content;
	uint32_t mode;
	size_t len;
} tfile;

/* The tree of files (n of them), written into e's repository. */
static void tree_of(history_env *e, git_oid *out, const tfile *files, size_t n)
{
	git_index *index = NULL;
	assert_int_equal(git_index_new(&index), 0);
	for (size_t i = 0; i < n; i++) {
		git_index_entry entry = { 0 };
		size_t len = files[i].len ? files[i].len : strlen(files[i].content);
		entry.path = files[i].path;
		entry.mode = files[i].mode ? files[i].mode : GIT_FILEMODE_BLOB;
		assert_int_equal(
		        git_blob_create_from_buffer(&entry.id, e->repo, files[i].content, len), 0);
		assert_int_equal(git_index_add(index, &entry), 0);
	}
	assert_int_equal(git_index_write_tree_to(out, index, e->repo), 0);
	git_index_free(index);
}

/* A commit of tree with parent (NULL: a root commit); free with git_commit_free. */
static git_commit *commit_of(history_env *e, const git_oid *tree_id, const git_commit *parent)
{
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid id;
	git_commit *c = NULL;
	assert_int_equal(git_signature_new(&sig, "Tess Ter", "tess@example.com", 1700000000, 0), 0);
	assert_int_equal(git_tree_lookup(&tree, e->repo, tree_id), 0);
	assert_int_equal(git_commit_create(&id, e->repo, NULL, sig, sig, NULL, "test\n", tree,
	                                   parent ? 1 : 0, &parent),
	                 0);
	assert_int_equal(git_commit_lookup(&c, e->repo, &id), 0);
	git_tree_free(tree);
	git_signature_free(sig);
	return c;
}

/* The diff's text and every diffstat line, as the API shows them. */
static char *render(history_env *e, git_diff *diff)
{
	buf out = BUF_INIT;
	hub_diffstat *st = NULL;
	size_t n = 0;
	assert_int_equal(hub_diff_text(&out, diff, 1 << 20), 0);
	assert_int_equal(hub_diff_stats(&st, &n, e->a, diff), 0);
	for (size_t i = 0; i < n; i++)
		buf_printf(&out, "stat %s %s %s +%zu -%zu%s\n", hub_diff_status_name(st[i].status),
		           st[i].old_path ? st[i].old_path : "-",
		           st[i].new_path ? st[i].new_path : "-", st[i].lines_added,
		           st[i].lines_removed, st[i].binary ? " binary" : "");
	return buf_detach(&out);
}

/* libgit2's whole-tree diff with the same options: what hub_diff_commits must equal. */
static char *reference(history_env *e, const git_commit *new_commit, const git_commit *old_commit,
                       const hub_diff_opts *o)
{
	git_tree *nt = NULL, *ot = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = o->context;
	opts.pathspec.strings = (char **)o->paths;
	opts.pathspec.count = o->npaths;
	if (o->binary)
		opts.flags |= GIT_DIFF_SHOW_BINARY;
	assert_int_equal(git_commit_tree(&nt, new_commit), 0);
	if (old_commit)
		assert_int_equal(git_commit_tree(&ot, old_commit), 0);
	assert_int_equal(git_diff_tree_to_tree(&diff, e->repo, ot, nt, &opts), 0);
	if (o->renames) {
		git_diff_find_options fo;
		git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
		fo.flags = GIT_DIFF_FIND_RENAMES;
		fo.rename_limit = 1000;
		assert_int_equal(git_diff_find_similar(diff, &fo), 0);
	}
	char *text = render(e, diff);
	git_diff_free(diff);
	git_tree_free(nt);
	git_tree_free(ot);
	return text;
}

/* Asserts that hub_diff_commits equals the reference for o; returns its number of files. */
static size_t same_as_reference(history_env *e, const git_commit *new_commit,
                                const git_commit *old_commit, const hub_diff_opts *o)
{
	git_diff *diff = NULL;
	assert_int_equal(hub_diff_commits(&diff, e->repo, new_commit, old_commit, o), 0);
	size_t n = git_diff_num_deltas(diff);
	char *mine = render(e, diff);
	char *theirs = reference(e, new_commit, old_commit, o);
	assert_string_equal(mine, theirs);
	free(mine);
	free(theirs);
	git_diff_free(diff);
	return n;
}

static const char LONG_TEXT[] = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n"
                                "eleven\ntwelve\nthirteen\nfourteen\nfifteen\nsixteen\n";
static const char LONG_EDITED[] = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nTEN\n"
                                  "eleven\ntwelve\nthirteen\nfourteen\nfifteen\nsixteen\n";

static const tfile OLD_FILES[] = {
	{ "a.txt", "a\n", 0, 0 },
	{ "a-b", "dash\n", 0, 0 },
	{ "ab", "ab\n", 0, 0 },
	{ "a/x.txt", "x\n", 0, 0 },
	{ "a/y/z.txt", "z\n", 0, 0 },
	{ "bin.dat", "bin\0ary\n", 0, 8 },
	{ "dir/sub/keep.txt", "keep\n", 0, 0 },
	{ "dir/sub/mod.txt", "before\n", 0, 0 },
	{ "dir/gone/f1", "f1\n", 0, 0 },
	{ "dir/gone/deep/f2", "f2\n", 0, 0 },
	{ "link", "a.txt", GIT_FILEMODE_LINK, 0 },
	{ "mode.sh", "#!/bin/sh\n", 0, 0 },
	{ "rename-me.txt", LONG_TEXT, 0, 0 },
	{ "same/s1", "s1\n", 0, 0 },
	{ "same/s2", "s2\n", 0, 0 },
	{ "t", "t was a file\n", 0, 0 },
	{ "u/inner", "u was a folder\n", 0, 0 },
	{ "z-last", "last\n", 0, 0 },
};

static const tfile NEW_FILES[] = {
	{ "a.txt", "a, edited\n", 0, 0 },
	{ "a-b", "dash\n", 0, 0 },
	{ "a/new/w.txt", "new\n", 0, 0 },
	{ "a/x.txt", "x\n", 0, 0 },
	{ "a/y/z.txt", "z, edited\n", 0, 0 },
	{ "bin.dat", "bin\0ary, edited\n", 0, 16 },
	{ "dir/added/n1", "n1\n", 0, 0 },
	{ "dir/sub/keep.txt", "keep\n", 0, 0 },
	{ "dir/sub/mod.txt", "after\n", 0, 0 },
	{ "link", "a-b", GIT_FILEMODE_LINK, 0 },
	{ "mode.sh", "#!/bin/sh\n", GIT_FILEMODE_BLOB_EXECUTABLE, 0 },
	{ "renamed.txt", LONG_EDITED, 0, 0 },
	{ "same/s1", "s1\n", 0, 0 },
	{ "same/s2", "s2\n", 0, 0 },
	{ "t/inside.txt", "t is a folder\n", 0, 0 },
	{ "u", "u is a file\n", 0, 0 },
	{ "z-last", "last\n", 0, 0 },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_same_as_libgit2(void **state)
{
	history_env *e = *state;
	git_oid old_tree, new_tree;
	tree_of(e, &old_tree, OLD_FILES, COUNT(OLD_FILES));
	tree_of(e, &new_tree, NEW_FILES, COUNT(NEW_FILES));
	git_commit *root = commit_of(e, &old_tree, NULL);
	git_commit *next = commit_of(e, &new_tree, root);
	git_commit *again = commit_of(e, &new_tree, next);

	hub_diff_opts o;
	hub_diff_opts_init(&o);
	/* Every kind of change at once; renames found (rename-me.txt → renamed.txt). */
	assert_true(same_as_reference(e, next, root, &o) >= 15);
	git_diff *diff = NULL;
	hub_diffstat *st = NULL;
	size_t n = 0;
	assert_int_equal(hub_diff_commits(&diff, e->repo, next, root, &o), 0);
	assert_int_equal(hub_diff_stats(&st, &n, e->a, diff), 0);
	git_diff_free(diff);
	bool renamed = false;
	for (size_t i = 0; i < n; i++)
		renamed = renamed || (st[i].status == HUB_DIFF_RENAMED &&
		                      strcmp(st[i].new_path, "renamed.txt") == 0);
	assert_true(renamed);
	/* The other way round, without renames, without binary patches, more context. */
	o.renames = false;
	o.binary = false;
	o.context = 10;
	assert_true(same_as_reference(e, root, next, &o) >= 15);
	/* A root commit: everything added. */
	hub_diff_opts_init(&o);
	assert_int_equal(same_as_reference(e, root, NULL, &o), COUNT(OLD_FILES));
	/* Nothing changed: no files. */
	assert_int_equal(same_as_reference(e, again, next, &o), 0);

	/* Path filters: a folder, a file, a glob, a typechanged path, one that matches nothing. */
	const char *filters[][2] = { { "a", NULL },       { "dir/sub/mod.txt", NULL },
		                     { "*.txt", NULL },   { "t", "u" },
		                     { "nothing", NULL }, { "dir/gone", "same" } };
	for (size_t i = 0; i < COUNT(filters); i++) {
		hub_diff_opts_init(&o);
		o.paths = filters[i];
		o.npaths = filters[i][1] ? 2 : 1;
		same_as_reference(e, next, root, &o);
		same_as_reference(e, root, next, &o);
	}
	git_commit_free(again);
	git_commit_free(next);
	git_commit_free(root);
}

/* Past the walk's depth bound the whole trees are compared: still the same answer. */
static void test_deep_tree(void **state)
{
	history_env *e = *state;
	char path[2 * (HUB_DIFF_WALK_DEPTH_MAX + 8) + 16] = "";
	for (int i = 0; i < HUB_DIFF_WALK_DEPTH_MAX + 4; i++)
		strcat(path, "d/");
	strcat(path, "f.txt");
	tfile before[] = { { path, "before\n", 0, 0 }, { "top.txt", "top\n", 0, 0 } };
	tfile after[] = { { path, "after\n", 0, 0 }, { "top.txt", "top, edited\n", 0, 0 } };
	git_oid t1, t2;
	tree_of(e, &t1, before, 2);
	tree_of(e, &t2, after, 2);
	git_commit *c1 = commit_of(e, &t1, NULL);
	git_commit *c2 = commit_of(e, &t2, c1);
	hub_diff_opts o;
	hub_diff_opts_init(&o);
	assert_int_equal(same_as_reference(e, c2, c1, &o), 2);
	git_commit_free(c2);
	git_commit_free(c1);
}

/* ---- the pool of open repositories ---- */

typedef struct pool_env {
	history_env h;
	char repos[96];
	hub_repo r;
} pool_env;

static int pool_setup(void **state)
{
	pool_env *p = calloc(1, sizeof *p);
	if (!p)
		return -1;
	snprintf(p->h.dir, sizeof p->h.dir, "/tmp/weft-pool-XXXXXX");
	if (!mkdtemp(p->h.dir))
		return -1;
	git_libgit2_init();
	hub_git_pool_init();
	snprintf(p->repos, sizeof p->repos, "%s/repos", p->h.dir);
	snprintf(p->r.workspace_uuid, sizeof p->r.workspace_uuid, "ws");
	snprintf(p->r.uuid, sizeof p->r.uuid, "r1");
	char path[160];
	snprintf(path, sizeof path, "%s/ws/r1.git", p->repos);
	if (hub_repo_storage_init(path, "main", "/bin/true") < 0 ||
	    git_repository_open(&p->h.repo, path))
		return -1;
	p->h.a = arena_new();
	*state = p;
	return 0;
}

static int pool_teardown(void **state)
{
	pool_env *p = *state;
	hub_git_pool_shutdown();
	assert_int_equal(hub_git_pool_size(), 0);
	git_repository_free(p->h.repo);
	hub_repo_storage_remove_tree(p->h.dir);
	arena_free(p->h.a);
	git_libgit2_shutdown();
	free(p);
	return 0;
}

/* The summary of the commit main names, read through a handle from the pool. */
static const char *main_summary(pool_env *p, git_repository **used)
{
	git_repository *git = NULL;
	git_commit *c = NULL;
	assert_int_equal(hub_git_open(&git, p->repos, &p->r), 0);
	assert_int_equal(hub_git_resolve_commit(&c, git, "main"), 0);
	const char *s = arena_strdup(p->h.a, git_commit_summary(c));
	git_commit_free(c);
	*used = git;
	hub_git_close(git);
	return s;
}

/* Writes a commit on main from the side (another handle, as a push would). */
static void push_commit(pool_env *p, const char *message, const char *content)
{
	char parent[41], id[41];
	git_reference *ref = NULL;
	const char *parents[1] = { parent };
	bool has = git_reference_lookup(&ref, p->h.repo, "refs/heads/main") == 0;
	if (has)
		git_oid_tostr(parent, sizeof parent, git_reference_target(ref));
	git_reference_free(ref);
	assert_int_equal(history_commit(&p->h, id, "refs/heads/main", parents, has ? 1 : 0,
	                                "file.txt", content, 1700000000, message),
	                 0);
}

static void test_pool_reuse_and_push(void **state)
{
	pool_env *p = *state;
	git_repository *first = NULL, *second = NULL, *held = NULL;
	push_commit(p, "first", "1\n");
	assert_string_equal(main_summary(p, &first), "first");
	assert_string_equal(main_summary(p, &second), "first");
	assert_ptr_equal(first, second); /* the same handle, not a new open */
	assert_int_equal(hub_git_pool_size(), 1);

	/* A handle that is lent is never lent twice. */
	assert_int_equal(hub_git_open(&held, p->repos, &p->r), 0);
	assert_ptr_equal(held, first);
	git_repository *other = NULL;
	assert_int_equal(hub_git_open(&other, p->repos, &p->r), 0);
	assert_ptr_not_equal(other, held);
	hub_git_close(other);
	hub_git_close(held);
	assert_int_equal(hub_git_pool_size(), 2);

	/* A push as loose objects, then one whose objects are only in a new pack. */
	push_commit(p, "second", "2\n");
	assert_string_equal(main_summary(p, &second), "second");
	push_commit(p, "third", "3\n");
	char cmd[256];
	snprintf(cmd, sizeof cmd, "git --git-dir=%s/ws/r1.git repack -adq", p->repos);
	assert_int_equal(system(cmd), 0);
	assert_string_equal(main_summary(p, &second), "third");
	git_diff *diff = NULL;
	git_repository *git = NULL;
	hub_diff_opts o;
	hub_diff_opts_init(&o);
	assert_int_equal(hub_git_open(&git, p->repos, &p->r), 0);
	assert_int_equal(hub_diff_load(&diff, git, "main", &o), 0);
	buf text = BUF_INIT;
	assert_int_equal(hub_diff_text(&text, diff, 1 << 16), 0);
	assert_non_null(strstr(buf_cstr(&text), "-2\n+3\n"));
	buf_dispose(&text);
	git_diff_free(diff);
	hub_git_close(git);
}

static void test_pool_replaced_folder(void **state)
{
	pool_env *p = *state;
	git_repository *used = NULL;
	push_commit(p, "old repository", "old\n");
	assert_string_equal(main_summary(p, &used), "old repository");
	/* The folder goes (to the trash) and another repository takes its place. */
	char path[160], moved[176];
	snprintf(path, sizeof path, "%s/ws/r1.git", p->repos);
	snprintf(moved, sizeof moved, "%s/trashed.git", p->h.dir);
	git_repository_free(p->h.repo);
	assert_int_equal(rename(path, moved), 0);
	assert_int_not_equal(hub_git_open(&used, p->repos, &p->r), 0);
	assert_int_equal(hub_repo_storage_init(path, "main", "/bin/true"), 0);
	assert_int_equal(git_repository_open(&p->h.repo, path), 0);
	push_commit(p, "new repository", "new\n");
	assert_string_equal(main_summary(p, &used), "new repository");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_as_libgit2, history_setup,
		                                history_teardown),
		cmocka_unit_test_setup_teardown(test_deep_tree, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_pool_reuse_and_push, pool_setup,
		                                pool_teardown),
		cmocka_unit_test_setup_teardown(test_pool_replaced_folder, pool_setup,
		                                pool_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
