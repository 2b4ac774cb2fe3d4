/* Test support for the history tests (commit_test.c, ref_test.c): a bare repository in a
 * temporary folder and commits made with libgit2 at chosen times, so that the walk order (and
 * its ties) is under the test's control. */
#ifndef WEFT_TESTS_HISTORY_REPO_H
#define WEFT_TESTS_HISTORY_REPO_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "hub/repo/repo_storage.h"

typedef struct history_env {
	char dir[64];
	git_repository *repo;
	arena *a;
} history_env;

static inline int history_setup(void **state)
{
	history_env *e = calloc(1, sizeof *e);
	snprintf(e->dir, sizeof e->dir, "/tmp/weft-history-XXXXXX");
	if (!e || !mkdtemp(e->dir))
		return -1;
	git_libgit2_init();
	char path[128];
	snprintf(path, sizeof path, "%s/r.git", e->dir);
	if (hub_repo_storage_init(path, "main", "/bin/true") < 0 ||
	    git_repository_open(&e->repo, path))
		return -1;
	e->a = arena_new();
	*state = e;
	return 0;
}

static inline int history_teardown(void **state)
{
	history_env *e = *state;
	git_repository_free(e->repo);
	hub_repo_storage_remove_tree(e->dir);
	arena_free(e->a);
	git_libgit2_shutdown();
	free(e);
	return 0;
}

/* A commit on top of parents (hex ids; the first parent's tree is the base) that sets path to
 * content (NULL removes it), at time t, with message; moves ref (may be NULL) to it. Writes the
 * new id's hex into out (41 bytes). 0 or a libgit2 error. */
static inline int history_commit(history_env *e, char *out, const char *ref,
                                 const char *const *parents, size_t nparents, const char *path,
                                 const char *content, int64_t t, const char *message)
{
	git_commit *pc[4] = { NULL };
	git_tree *base = NULL, *tree = NULL;
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_oid blob, tree_id, id;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < nparents && i < 4; i++) {
		git_oid pid;
		rc = git_oid_fromstr(&pid, parents[i]);
		if (rc == 0)
			rc = git_commit_lookup(&pc[i], e->repo, &pid);
	}
	if (rc == 0 && nparents)
		rc = git_commit_tree(&base, pc[0]);
	if (rc == 0)
		rc = git_treebuilder_new(&tb, e->repo, base);
	if (rc == 0 && content) {
		rc = git_blob_create_from_buffer(&blob, e->repo, content, strlen(content));
		if (rc == 0)
			rc = git_treebuilder_insert(NULL, tb, path, &blob, GIT_FILEMODE_BLOB);
	} else if (rc == 0 && git_treebuilder_get(tb, path)) {
		rc = git_treebuilder_remove(tb, path);
	}
	if (rc == 0)
		rc = git_treebuilder_write(&tree_id, tb);
	if (rc == 0)
		rc = git_tree_lookup(&tree, e->repo, &tree_id);
	if (rc == 0)
		rc = git_signature_new(&sig, "Tess Ter", "tess@example.com", (git_time_t)t, 0);
	if (rc == 0)
		rc = git_commit_create(&id, e->repo, ref, sig, sig, NULL, message, tree, nparents,
		                       (const git_commit **)pc);
	if (rc == 0)
		git_oid_tostr(out, GIT_OID_HEXSZ + 1, &id);
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_tree_free(base);
	for (size_t i = 0; i < 4; i++)
		git_commit_free(pc[i]);
	return rc;
}

/* Points ref at the commit hex, creating or moving it. */
static inline int history_set_ref(history_env *e, const char *ref, const char *hex)
{
	git_oid id;
	git_reference *r = NULL;
	int rc = git_oid_fromstr(&id, hex);
	if (rc == 0)
		rc = git_reference_create(&r, e->repo, ref, &id, 1, NULL);
	git_reference_free(r);
	return rc;
}

/* The commit time the histories start at. */
#define HISTORY_T0 1700000000

/* A linear history of n commits on main, one minute apart; hashes[i] is commit i (0 oldest). */
static inline void history_linear(history_env *e, char (*hashes)[41], int n)
{
	for (int i = 0; i < n; i++) {
		char content[32], message[32];
		snprintf(content, sizeof content, "v%d\n", i);
		snprintf(message, sizeof message, "commit %d\n", i);
		const char *parent[1] = { i ? hashes[i - 1] : NULL };
		assert_int_equal(history_commit(e, hashes[i], "refs/heads/main", parent, i ? 1 : 0,
		                                i % 2 ? "odd.txt" : "even.txt", content,
		                                HISTORY_T0 + 60 * i, message),
		                 0);
	}
}

#endif
