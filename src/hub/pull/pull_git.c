/* Pull requests' git operations with libgit2: tips, conflicts, merges and ref moves. */
#include "hub/pull/pull_git.h"

#include <string.h>

#include "base/err.h"
#include "hub/browse/commit.h"
#include "hub/git/gitrepo.h"

static int branch_tip(git_oid *out, git_repository *repo, const char *branch, const char *role)
{
	git_reference *ref = NULL;
	git_object *target = NULL;
	int rc = git_branch_lookup(&ref, repo, branch, GIT_BRANCH_LOCAL);
	if (rc == 0)
		rc = git_reference_peel(&target, ref, GIT_OBJECT_COMMIT);
	if (rc == 0)
		git_oid_cpy(out, git_object_id(target));
	git_object_free(target);
	git_reference_free(ref);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
		return err_fail(WEFT_EINVALID, "The %s branch %.255s does not exist.", role,
		                branch);
	return rc < 0 ? hub_git_code(rc, "cannot read the branch") : 0;
}

int hub_pull_tips_read(hub_pull_tips *out, git_repository *repo, const char *source,
                       const char *destination)
{
	int rc = branch_tip(&out->source, repo, source, "source");
	if (rc == 0)
		rc = branch_tip(&out->destination, repo, destination, "destination");
	if (rc == 0) {
		git_oid_tostr(out->source_hex, sizeof out->source_hex, &out->source);
		git_oid_tostr(out->destination_hex, sizeof out->destination_hex, &out->destination);
	}
	return rc;
}

int hub_pull_check_branches(hub_pull_tips *out, git_repository *repo, const char *source,
                            const char *destination)
{
	if (strcmp(source, destination) == 0)
		return err_fail(WEFT_EINVALID,
		                "The source and destination branches are the same branch (%.255s).",
		                source);
	size_t ahead = 0, behind = 0;
	int rc = hub_pull_tips_read(out, repo, source, destination);
	if (rc == 0 &&
	    git_graph_ahead_behind(&ahead, &behind, repo, &out->source, &out->destination) < 0)
		rc = hub_git_fail(WEFT_ERROR, "cannot compare the branches");
	if (rc == 0 && ahead == 0)
		rc = err_fail(WEFT_EINVALID,
		              "There are no changes to merge: %.255s has no commits that %.255s "
		              "lacks.",
		              source, destination);
	return rc;
}

/* The index a merge of the two tips gives (conflicts in it). */
static int merge_index(git_index **out, git_repository *repo, const hub_pull_tips *t)
{
	git_commit *ours = NULL, *theirs = NULL;
	git_merge_options opts;
	int rc = git_merge_options_init(&opts, GIT_MERGE_OPTIONS_VERSION);
	opts.flags |= GIT_MERGE_FIND_RENAMES;
	if (rc == 0)
		rc = git_commit_lookup(&ours, repo, &t->destination);
	if (rc == 0)
		rc = git_commit_lookup(&theirs, repo, &t->source);
	if (rc == 0)
		rc = git_merge_commits(out, repo, ours, theirs, &opts);
	git_commit_free(theirs);
	git_commit_free(ours);
	return rc < 0 ? hub_git_code(rc, "cannot merge") : 0;
}

static const char *conflict_path(const git_index_entry *a, const git_index_entry *o,
                                 const git_index_entry *t)
{
	return o ? o->path : t ? t->path : a ? a->path : "";
}

static int list_conflicts(const char ***out, size_t *n, arena *a, git_index *index)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *anc, *ours, *theirs;
	const char **paths = arena_alloc(a, PULL_CONFLICTS_MAX * sizeof *paths);
	size_t count = 0;
	int rc = git_index_conflict_iterator_new(&it, index);
	while (rc == 0 && count < PULL_CONFLICTS_MAX &&
	       (rc = git_index_conflict_next(&anc, &ours, &theirs, it)) == 0)
		paths[count++] = arena_strdup(a, conflict_path(anc, ours, theirs));
	git_index_conflict_iterator_free(it);
	if (rc < 0 && rc != GIT_ITEROVER)
		return hub_git_code(rc, "cannot list the conflicts");
	*out = paths;
	*n = count;
	return 0;
}

int hub_pull_conflicts(const char ***out, size_t *n, arena *a, git_repository *repo,
                       const hub_pull_tips *t)
{
	git_index *index = NULL;
	*n = 0;
	int rc = merge_index(&index, repo, t);
	if (rc == 0 && git_index_has_conflicts(index))
		rc = list_conflicts(out, n, a, index);
	git_index_free(index);
	return rc;
}

bool hub_pull_can_fast_forward(git_repository *repo, const hub_pull_tips *t)
{
	return git_oid_equal(&t->source, &t->destination) ||
	       git_graph_descendant_of(repo, &t->source, &t->destination) == 1;
}

int hub_pull_strategy_parse(const char *name)
{
	if (!name)
		return -1;
	if (strcmp(name, "merge_commit") == 0)
		return PULL_MERGE_COMMIT;
	if (strcmp(name, "squash") == 0)
		return PULL_MERGE_SQUASH;
	if (strcmp(name, "fast_forward") == 0)
		return PULL_MERGE_FAST_FORWARD;
	return -1;
}

static int write_commit(git_oid *out, git_repository *repo, git_index *index,
                        const hub_pull_tips *t, bool two_parents, const char *message,
                        const git_signature *who)
{
	git_oid tree_id;
	git_tree *tree = NULL;
	git_commit *parents[2] = { NULL, NULL };
	int rc = git_index_write_tree_to(&tree_id, index, repo);
	if (rc == 0)
		rc = git_tree_lookup(&tree, repo, &tree_id);
	if (rc == 0)
		rc = git_commit_lookup(&parents[0], repo, &t->destination);
	if (rc == 0 && two_parents)
		rc = git_commit_lookup(&parents[1], repo, &t->source);
	if (rc == 0)
		rc = git_commit_create(out, repo, NULL, who, who, NULL, message, tree,
		                       two_parents ? 2 : 1, (const git_commit **)parents);
	git_commit_free(parents[1]);
	git_commit_free(parents[0]);
	git_tree_free(tree);
	return rc < 0 ? hub_git_code(rc, "cannot write the merge") : 0;
}

int hub_pull_merge_commit(git_oid *out, git_repository *repo, const hub_pull_tips *t,
                          hub_pull_strategy strategy, const char *message, const git_signature *who)
{
	if (strategy == PULL_MERGE_FAST_FORWARD) {
		if (!hub_pull_can_fast_forward(repo, t))
			return err_fail(WEFT_ECONFLICT,
			                "The destination branch cannot be fast-forwarded: it has "
			                "commits that the source branch lacks.");
		git_oid_cpy(out, &t->source);
		return 0;
	}
	git_index *index = NULL;
	int rc = merge_index(&index, repo, t);
	if (rc == 0 && git_index_has_conflicts(index)) {
		arena *a = arena_new();
		const char **paths = NULL;
		size_t n = 0;
		rc = list_conflicts(&paths, &n, a, index);
		if (rc == 0)
			rc = err_fail(WEFT_ECONFLICT,
			              "The merge has conflicts in %zu file%s: %.500s%s", n,
			              n == 1 ? "" : "s", n ? paths[0] : "", n > 1 ? ", …" : "");
		arena_free(a);
	}
	if (rc == 0)
		rc = write_commit(out, repo, index, t, strategy == PULL_MERGE_COMMIT, message, who);
	git_index_free(index);
	return rc;
}

/* "refs/heads/" + branch, in a. */
static const char *head_ref(arena *a, const char *branch)
{
	return arena_printf(a, "refs/heads/%s", branch);
}

int hub_pull_move_branch(git_repository *repo, const char *branch, const git_oid *old,
                         const git_oid *new_id)
{
	arena *a = arena_new();
	git_reference *ref = NULL;
	int rc = git_reference_create_matching(&ref, repo, head_ref(a, branch), new_id, 1, old,
	                                       "weft: merge a pull request");
	git_reference_free(ref);
	arena_free(a);
	if (rc == GIT_EMODIFIED || rc == GIT_ENOTFOUND)
		return err_fail(WEFT_ECONFLICT, "The branch %.255s moved meanwhile: try again.",
		                branch);
	return rc < 0 ? hub_git_code(rc, "cannot move the branch") : 0;
}

int hub_pull_delete_branch(git_repository *repo, const char *branch, const git_oid *expected,
                           bool *deleted)
{
	git_reference *ref = NULL;
	*deleted = false;
	int rc = git_branch_lookup(&ref, repo, branch, GIT_BRANCH_LOCAL);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc == 0 && git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
	    git_oid_equal(git_reference_target(ref), expected)) {
		rc = git_reference_delete(ref);
		*deleted = rc == 0;
	}
	git_reference_free(ref);
	return rc < 0 ? hub_git_code(rc, "cannot delete the source branch") : 0;
}

static const char *nth_line(arena *a, const char *data, size_t size, int64_t line)
{
	const char *p = data, *end = data + size;
	for (int64_t i = 1; i < line && p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	if (p >= end)
		return NULL;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t len = (size_t)((nl ? nl : end) - p);
	return hub_text_utf8(a, p, len);
}

const char *hub_pull_line_text(arena *a, git_repository *repo, const char *commit, const char *path,
                               int64_t line)
{
	git_oid id;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	const char *text = NULL;
	if (line <= 0 || git_oid_fromstr(&id, commit) < 0)
		return NULL;
	if (git_commit_lookup(&c, repo, &id) == 0 && git_commit_tree(&tree, c) == 0 &&
	    git_tree_entry_bypath(&entry, tree, path) == 0 &&
	    git_blob_lookup(&blob, repo, git_tree_entry_id(entry)) == 0 &&
	    !git_blob_is_binary(blob))
		text = nth_line(a, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), line);
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(c);
	return text;
}

int hub_pull_merge_base(char out[GIT_OID_HEXSZ + 1], git_repository *repo, const hub_pull_tips *t)
{
	git_oid base;
	int rc = hub_merge_base(&base, repo, &t->source, &t->destination);
	if (rc < 0)
		return hub_git_code(rc, "the branches share no history");
	git_oid_tostr(out, GIT_OID_HEXSZ + 1, &base);
	return 0;
}
