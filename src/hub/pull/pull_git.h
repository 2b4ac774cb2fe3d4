/* The git side of pull requests, with libgit2: the branches a pull request joins, the
 * conflicts a merge would meet (by file), the merge itself with each strategy, moving the
 * destination branch, and the text of a line for inline comments. Domain only: no HTTP, no
 * database. */
#ifndef WEFT_HUB_PULL_PULL_GIT_H
#define WEFT_HUB_PULL_PULL_GIT_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

enum {
	PULL_CONFLICTS_MAX = 200, /* files a conflict list names */
	PULL_MESSAGE_MAX = 64 * 1024,
};

/* The tips of a pull request's two branches. */
typedef struct hub_pull_tips {
	git_oid source;
	git_oid destination;
	char source_hex[GIT_OID_HEXSZ + 1];
	char destination_hex[GIT_OID_HEXSZ + 1];
} hub_pull_tips;

/* Reads the tips of source and destination. WEFT_EINVALID naming the branch that does not
 * exist. */
int hub_pull_tips_read(hub_pull_tips *out, git_repository *repo, const char *source,
                       const char *destination);

/* Checks a new pull request: both branches exist, differ, and source has commits that
 * destination lacks (WEFT_EINVALID with the reason otherwise). *out gets the tips. */
int hub_pull_check_branches(hub_pull_tips *out, git_repository *repo, const char *source,
                            const char *destination);

/* The files a merge of t.source into t.destination would conflict on (at most
 * PULL_CONFLICTS_MAX), into an array of a; *n = 0 when it merges cleanly. */
int hub_pull_conflicts(const char ***out, size_t *n, arena *a, git_repository *repo,
                       const hub_pull_tips *t);

/* Whether destination can fast-forward to source (destination is an ancestor of source). */
bool hub_pull_can_fast_forward(git_repository *repo, const hub_pull_tips *t);

typedef enum {
	PULL_MERGE_COMMIT,
	PULL_MERGE_SQUASH,
	PULL_MERGE_FAST_FORWARD,
} hub_pull_strategy;

/* "merge_commit" / "squash" / "fast_forward" → the strategy; -1 for anything else. */
int hub_pull_strategy_parse(const char *name);

/* Makes the commit the merge leaves on the destination (not moving any ref): a merge commit
 * (parents destination, source), a squash (one parent, the merged tree), or, for fast-forward,
 * the source tip itself. who signs the new commit. WEFT_ECONFLICT naming the first conflicting
 * file when the merge conflicts, or when fast-forward is impossible. */
int hub_pull_merge_commit(git_oid *out, git_repository *repo, const hub_pull_tips *t,
                          hub_pull_strategy strategy, const char *message,
                          const git_signature *who);

/* Moves refs/heads/branch from old to new, refusing (WEFT_ECONFLICT) when it no longer points
 * at old. */
int hub_pull_move_branch(git_repository *repo, const char *branch, const git_oid *old,
                         const git_oid *new_id);

/* Deletes refs/heads/branch if it still points at expected; *deleted says whether it did. */
int hub_pull_delete_branch(git_repository *repo, const char *branch, const git_oid *expected,
                           bool *deleted);

/* The text of line (1-based) of path at commit (a hash), without its newline, in a; NULL when
 * there is no such file or line. */
const char *hub_pull_line_text(arena *a, git_repository *repo, const char *commit, const char *path,
                               int64_t line);

/* The merge base of t's two tips into out (hex). WEFT_ENOTFOUND when they share no history. */
int hub_pull_merge_base(char out[GIT_OID_HEXSZ + 1], git_repository *repo, const hub_pull_tips *t);

#endif
