/* Tests of src/hub/source.c on real bare repositories in a temporary folder: paths from outside,
 * commits made from form fields (Bitbucket's parent and branch rules), listings, blobs, binary
 * detection, content types, the README choice, last commits and a file's history. No database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/err.h"
#include "hub/git/gitrepo.h"
#include "hub/repo/repo_storage.h"
#include "hub/browse/source.h"
#include "../history_repo.h"

typedef history_env env;

/* Commits changes (path, content; content NULL deletes) on branch with optional parent. */
static int commit_on(env *e, git_oid *out, const char *branch, const char *parent,
                     const hub_source_change *changes, size_t n)
{
	const char *parents[1] = { parent };
	hub_source_commit_spec spec = {
		.branch = branch,
		.main_branch = "main",
		.message = "test commit\n\nbody",
		.author_name = "Alice",
		.author_email = "alice@example.com",
		.committer_name = "Alice",
		.committer_email = "alice@example.com",
		.parents = parents,
		.nparents = parent ? 1 : 0,
		.changes = changes,
		.nchanges = n,
	};
	git_oid old;
	int rc = hub_source_commit(out, &old, e->repo, &spec);
	if (rc < 0)
		print_message("# hub_source_commit: %s\n", err_msg());
	return rc;
}

#define CHANGE(p, text)                                              \
	{                                                            \
		.path = (p), .data = (text), .len = sizeof(text) - 1 \
	}

static git_commit *tip(env *e, const char *branch)
{
	git_oid oid;
	char ref[128];
	git_commit *c = NULL;
	snprintf(ref, sizeof ref, "refs/heads/%s", branch);
	assert_int_equal(git_reference_name_to_id(&oid, e->repo, ref), 0);
	assert_int_equal(git_commit_lookup(&c, e->repo, &oid), 0);
	return c;
}

static void test_clean_path(void **state)
{
	env *e = *state;
	const char *p = NULL;
	assert_int_equal(hub_source_clean_path(&p, e->a, "/dir/sub/file.txt"), 0);
	assert_string_equal(p, "dir/sub/file.txt");
	assert_int_equal(hub_source_clean_path(&p, e->a, "dir/"), 0);
	assert_string_equal(p, "dir");
	assert_int_equal(hub_source_clean_path(&p, e->a, ""), 0);
	assert_string_equal(p, "");
	assert_int_equal(hub_source_clean_path(&p, e->a, "/"), 0);
	assert_string_equal(p, "");
	assert_int_equal(hub_source_clean_path(&p, e->a, "caf\xc3\xa9/\xe6\x97\xa5.txt"), 0);
	const char *bad[] = { "a//b", "a//",         "//a",      "../etc/passwd", "a/./b",
		              "a/..", ".git/config", "x/.GIT/y", "bad\xff",       "tab\there" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(hub_source_clean_path(&p, e->a, bad[i]), WEFT_EINVALID);
	char *longp = malloc(HUB_SOURCE_PATH_MAX + 2);
	memset(longp, 'a', HUB_SOURCE_PATH_MAX + 1);
	longp[HUB_SOURCE_PATH_MAX + 1] = '\0';
	assert_int_equal(hub_source_clean_path(&p, e->a, longp), WEFT_EINVALID);
	free(longp);
}

static void test_commit_list_and_read(void **state)
{
	env *e = *state;
	static const char bin[] = "PNG\0\1\2binary";
	hub_source_change changes[] = {
		CHANGE("README.md", "# Hello\n"),
		CHANGE("dir/a.txt", "A\n"),
		CHANGE("dir/sub/b.txt", "B\n"),
		{ .path = "blob.bin", .data = bin, .len = sizeof bin - 1 },
		CHANGE("caf\xc3\xa9.txt", "unicode\n"),
	};
	git_oid first;
	assert_int_equal(commit_on(e, &first, NULL, NULL, changes, 5), 0);
	git_commit *c = tip(e, "main");
	assert_true(git_oid_equal(&first, git_commit_id(c)));
	assert_int_equal(git_commit_parentcount(c), 0);
	assert_string_equal(git_commit_author(c)->email, "alice@example.com");

	hub_source_entry root, *entries = NULL;
	size_t n = 0;
	assert_int_equal(hub_source_stat(&root, e->a, e->repo, c, ""), 0);
	assert_int_equal(root.kind, HUB_SOURCE_DIR);
	assert_int_equal(hub_source_list(&entries, &n, e->a, e->repo, &root, 1), 0);
	assert_int_equal(n, 4); /* git's order: README.md, blob.bin, caf\xc3\xa9.txt, dir */
	assert_string_equal(entries[0].name, "README.md");
	assert_int_equal(entries[0].size, 8);
	assert_string_equal(entries[3].path, "dir");
	assert_int_equal(entries[3].kind, HUB_SOURCE_DIR);

	/* Breadth first: the root's entries, then dir's, then dir/sub's. */
	assert_int_equal(hub_source_list(&entries, &n, e->a, e->repo, &root, 3), 0);
	assert_int_equal(n, 7);
	assert_string_equal(entries[4].path, "dir/a.txt");
	assert_string_equal(entries[5].path, "dir/sub");
	assert_string_equal(entries[6].path, "dir/sub/b.txt");
	assert_int_equal(hub_source_list(&entries, &n, e->a, e->repo, &root, 0), WEFT_EINVALID);

	hub_source_entry f;
	assert_int_equal(hub_source_stat(&f, e->a, e->repo, c, "dir/sub/b.txt"), 0);
	assert_string_equal(f.name, "b.txt");
	assert_int_equal(f.kind, HUB_SOURCE_FILE);
	assert_int_equal(hub_source_list(&entries, &n, e->a, e->repo, &f, 1), WEFT_EINVALID);
	git_blob *blob = NULL;
	assert_int_equal(hub_source_blob(&blob, e->repo, &f), 0);
	assert_int_equal(git_blob_rawsize(blob), 2);
	assert_memory_equal(git_blob_rawcontent(blob), "B\n", 2);
	assert_false(hub_source_is_binary(git_blob_rawcontent(blob), 2));
	git_blob_free(blob);

	assert_int_equal(hub_source_stat(&f, e->a, e->repo, c, "blob.bin"), 0);
	assert_int_equal(hub_source_blob(&blob, e->repo, &f), 0);
	assert_true(hub_source_is_binary(git_blob_rawcontent(blob), git_blob_rawsize(blob)));
	git_blob_free(blob);

	assert_int_equal(hub_source_stat(&f, e->a, e->repo, c, "dir/missing"), WEFT_ENOTFOUND);
	assert_string_equal(err_msg(), "No such file or directory: dir/missing");
	assert_int_equal(hub_source_stat(&f, e->a, e->repo, c, "caf\xc3\xa9.txt"), 0);
	git_commit_free(c);
}

/* x-attributes of POST /src: an executable and a symbolic link keep their modes. */
static void test_commit_modes(void **state)
{
	env *e = *state;
	hub_source_change changes[] = {
		{ .path = "run.sh", .data = "#!/bin/sh\n", .len = 10, .executable = true },
		{ .path = "to-run", .data = "run.sh", .len = 6, .link = true },
		CHANGE("plain.txt", "p\n"),
	};
	git_oid c;
	assert_int_equal(commit_on(e, &c, "main", NULL, changes, 3), 0);
	git_commit *t = tip(e, "main");
	git_tree *tree = NULL;
	assert_int_equal(git_commit_tree(&tree, t), 0);
	assert_int_equal(git_tree_entry_filemode(git_tree_entry_byname(tree, "run.sh")),
	                 GIT_FILEMODE_BLOB_EXECUTABLE);
	assert_int_equal(git_tree_entry_filemode(git_tree_entry_byname(tree, "to-run")),
	                 GIT_FILEMODE_LINK);
	assert_int_equal(git_tree_entry_filemode(git_tree_entry_byname(tree, "plain.txt")),
	                 GIT_FILEMODE_BLOB);
	git_tree_free(tree);
	git_commit_free(t);
}

static void test_commit_rules(void **state)
{
	env *e = *state;
	hub_source_change one[] = { CHANGE("a.txt", "1\n") };
	hub_source_change two[] = { CHANGE("a.txt", "2\n") };
	git_oid c1, c2, c3, c4;
	assert_int_equal(commit_on(e, &c1, "main", NULL, one, 1), 0);
	assert_int_equal(commit_on(e, &c2, "main", NULL, two, 1), 0);
	char h1[GIT_OID_HEXSZ + 1], h2[GIT_OID_HEXSZ + 1];
	git_oid_tostr(h1, sizeof h1, &c1);
	git_oid_tostr(h2, sizeof h2, &c2);
	/* A parent that is not the branch's tip: 409, and the branch stays. */
	assert_int_equal(commit_on(e, &c3, "main", h1, one, 1), WEFT_ECONFLICT);
	git_commit *t = tip(e, "main");
	assert_true(git_oid_equal(git_commit_id(t), &c2));
	git_commit_free(t);
	assert_int_equal(commit_on(e, &c3, "main", h2, one, 1), 0);
	/* A new branch starts at the main branch's tip, which stays where it was. */
	assert_int_equal(commit_on(e, &c4, "feature/x", NULL, two, 1), 0);
	t = tip(e, "feature/x");
	assert_true(git_oid_equal(git_commit_parent_id(t, 0), &c3));
	git_commit_free(t);
	t = tip(e, "main");
	assert_true(git_oid_equal(git_commit_id(t), &c3));
	git_commit_free(t);
	/* A new branch on a given parent. */
	assert_int_equal(commit_on(e, &c4, "from-first", h1, two, 1), 0);
	t = tip(e, "from-first");
	assert_true(git_oid_equal(git_commit_parent_id(t, 0), &c1));
	git_commit_free(t);
	/* Deletions: a file, a folder, and something that is not there. */
	hub_source_change more[] = { CHANGE("d/x.txt", "x"), CHANGE("d/y.txt", "y"),
		                     CHANGE("keep.txt", "k") };
	assert_int_equal(commit_on(e, &c4, "main", NULL, more, 3), 0);
	hub_source_change del[] = { { .path = "d", .remove = true },
		                    { .path = "keep.txt", .remove = true } };
	assert_int_equal(commit_on(e, &c4, "main", NULL, del, 2), 0);
	hub_source_entry f;
	t = tip(e, "main");
	assert_int_equal(hub_source_stat(&f, e->a, e->repo, t, "d"), WEFT_ENOTFOUND);
	assert_int_equal(hub_source_stat(&f, e->a, e->repo, t, "keep.txt"), WEFT_ENOTFOUND);
	assert_int_equal(hub_source_stat(&f, e->a, e->repo, t, "a.txt"), 0);
	git_commit_free(t);
	hub_source_change gone[] = { { .path = "nothing.txt", .remove = true } };
	assert_int_equal(commit_on(e, &c4, "main", NULL, gone, 1), WEFT_ENOTFOUND);
	/* Bad names and parents. */
	assert_int_equal(commit_on(e, &c4, "bad..name", NULL, one, 1), WEFT_EINVALID);
	assert_int_equal(
	        commit_on(e, &c4, "main", "0000000000000000000000000000000000000001", one, 1),
	        WEFT_ENOTFOUND);
}

/* An empty repository (HEAD on the unborn main) takes a first commit on another branch, which
 * has no parent, leaves main unborn, and makes the repository no longer empty. */
static void test_first_commit_elsewhere(void **state)
{
	env *e = *state;
	assert_true(hub_git_is_empty(e->repo));
	hub_source_change one[] = { CHANGE("t.txt", "t") };
	git_oid c;
	assert_int_equal(commit_on(e, &c, "trunk", NULL, one, 1), 0);
	git_commit *t = tip(e, "trunk");
	assert_int_equal(git_commit_parentcount(t), 0);
	git_commit_free(t);
	assert_int_equal(git_repository_head_unborn(e->repo), 1);
	assert_false(hub_git_is_empty(e->repo));
}

static void test_author(void **state)
{
	env *e = *state;
	const char *name, *email;
	assert_int_equal(hub_source_parse_author(&name, &email, e->a, "Alice Smith <a@x.org>"), 0);
	assert_string_equal(name, "Alice Smith");
	assert_string_equal(email, "a@x.org");
	assert_int_equal(hub_source_parse_author(&name, &email, e->a, "nobody"), WEFT_EINVALID);
	assert_int_equal(hub_source_parse_author(&name, &email, e->a, "<a@x.org>"), WEFT_EINVALID);
	assert_int_equal(hub_source_parse_author(&name, &email, e->a, "A <>"), WEFT_EINVALID);
	assert_int_equal(hub_source_parse_author(&name, &email, e->a, "A <b <c@d>"), WEFT_EINVALID);
	assert_int_equal(hub_source_parse_author(&name, &email, e->a, "A <b@c> x"), WEFT_EINVALID);
}

static void test_types_and_readme(void **state)
{
	(void)state;
	assert_string_equal(hub_source_mimetype("a/b/logo.PNG"), "image/png");
	assert_string_equal(hub_source_mimetype("x.json"), "application/json");
	assert_string_equal(hub_source_mimetype("Makefile"), "application/octet-stream");
	assert_string_equal(hub_source_mimetype(".bashrc"), "application/octet-stream");
	assert_true(hub_source_is_safe_image("x.gif"));
	assert_false(hub_source_is_safe_image("x.svg"));
	assert_false(hub_source_is_safe_image("x.html"));
	assert_true(hub_source_is_binary("a\0b", 3));
	assert_false(hub_source_is_binary("", 0));

	hub_source_entry entries[4] = { 0 };
	const char *names[] = { "readme.txt", "README", "Readme.md", "docs" };
	for (int i = 0; i < 4; i++) {
		entries[i].name = names[i];
		entries[i].kind = i == 3 ? HUB_SOURCE_DIR : HUB_SOURCE_FILE;
	}
	bool md = false;
	assert_ptr_equal(hub_source_readme(entries, 4, &md), &entries[2]);
	assert_true(md);
	assert_ptr_equal(hub_source_readme(entries, 2, &md), &entries[1]);
	assert_false(md);
	assert_null(hub_source_readme(&entries[3], 1, &md));
}

static void test_last_commits_and_history(void **state)
{
	env *e = *state;
	hub_source_change v1[] = { CHANGE("f.txt", "1"), CHANGE("g.txt", "g"),
		                   CHANGE("d/h.txt", "h") };
	hub_source_change v2[] = { CHANGE("f.txt", "2") };
	hub_source_change v3[] = { CHANGE("g.txt", "g2") };
	hub_source_change v4[] = { CHANGE("f.txt", "3") };
	git_oid c1, c2, c3, c4;
	assert_int_equal(commit_on(e, &c1, NULL, NULL, v1, 3), 0);
	assert_int_equal(commit_on(e, &c2, NULL, NULL, v2, 1), 0);
	assert_int_equal(commit_on(e, &c3, NULL, NULL, v3, 1), 0);
	assert_int_equal(commit_on(e, &c4, NULL, NULL, v4, 1), 0);
	git_commit *t = tip(e, "main");
	hub_source_entry root, *entries = NULL;
	size_t n = 0;
	assert_int_equal(hub_source_stat(&root, e->a, e->repo, t, ""), 0);
	assert_int_equal(hub_source_list(&entries, &n, e->a, e->repo, &root, 1), 0);
	assert_int_equal(n, 3); /* d, f.txt, g.txt */
	assert_int_equal(hub_source_last_commits(entries, n, e->a, t, ""), 0);
	assert_true(git_oid_equal(&entries[0].last_commit, &c1));
	assert_true(git_oid_equal(&entries[1].last_commit, &c4));
	assert_true(git_oid_equal(&entries[2].last_commit, &c3));
	assert_string_equal(entries[1].last_summary, "test commit");
	/* Asked again (remembered this time): the same answer, in fresh entries. */
	hub_source_entry *again = NULL;
	assert_int_equal(hub_source_list(&again, &n, e->a, e->repo, &root, 1), 0);
	assert_int_equal(hub_source_last_commits(again, n, e->a, t, ""), 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(git_oid_equal(&again[i].last_commit, &entries[i].last_commit));
		assert_string_equal(again[i].last_summary, entries[i].last_summary);
		assert_int_equal(again[i].last_time_ms, entries[i].last_time_ms);
	}
	/* After a new commit (a push), the branch's listing answers for it: nothing stale. */
	hub_source_change v5[] = { CHANGE("g.txt", "g3") };
	git_oid c5;
	assert_int_equal(commit_on(e, &c5, NULL, NULL, v5, 1), 0);
	git_commit *t5 = tip(e, "main");
	assert_int_equal(hub_source_list(&again, &n, e->a, e->repo, &root, 1), 0);
	assert_int_equal(hub_source_last_commits(again, n, e->a, t5, ""), 0);
	assert_true(git_oid_equal(&again[1].last_commit, &c4));
	assert_true(git_oid_equal(&again[2].last_commit, &c5));
	git_commit_free(t5);
	/* The old commit still answers as before. */
	assert_int_equal(hub_source_list(&again, &n, e->a, e->repo, &root, 1), 0);
	assert_int_equal(hub_source_last_commits(again, n, e->a, t, ""), 0);
	assert_true(git_oid_equal(&again[2].last_commit, &c3));

	hub_source_version *v = NULL;
	bool more = false;
	assert_int_equal(hub_source_file_history(&v, &n, &more, e->a, e->repo, t, "f.txt", 0, 2),
	                 0);
	assert_int_equal(n, 2);
	assert_true(more);
	assert_true(git_oid_equal(&v[0].commit, &c4));
	assert_true(git_oid_equal(&v[1].commit, &c2));
	assert_int_equal(hub_source_file_history(&v, &n, &more, e->a, e->repo, t, "f.txt", 2, 2),
	                 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_true(git_oid_equal(&v[0].commit, &c1));
	assert_int_equal(v[0].entry.size, 1);
	assert_int_equal(hub_source_file_history(&v, &n, &more, e->a, e->repo, t, "nope", 0, 2),
	                 WEFT_ENOTFOUND);
	git_commit_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_path, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_commit_list_and_read, history_setup,
		                                history_teardown),
		cmocka_unit_test_setup_teardown(test_commit_modes, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_commit_rules, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_first_commit_elsewhere, history_setup,
		                                history_teardown),
		cmocka_unit_test_setup_teardown(test_author, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_types_and_readme, history_setup,
		                                history_teardown),
		cmocka_unit_test_setup_teardown(test_last_commits_and_history, history_setup,
		                                history_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
