/* Reading a repository's history with libgit2: the recent commits of a branch, log walks with
 * include / exclude / path and cursor paging, one commit's details, diffs with their per-file
 * statistics, and ahead / behind counts. Domain only: no HTTP, no database. */
#ifndef WEFT_HUB_COMMIT_H
#define WEFT_HUB_COMMIT_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"

/* One commit as the pages and the API show it. Strings live in the arena the reader was given;
 * names and messages are the repository's bytes, unescaped (the caller escapes). */
typedef struct hub_commit {
	char hash[GIT_OID_HEXSZ + 1];
	const char *author_name;
	const char *author_email;
	int64_t author_time; /* seconds since the epoch */
	int author_offset; /* the author's time zone, minutes east of UTC */
	const char *committer_name;
	const char *committer_email;
	int64_t committer_time;
	const char *summary; /* the message's first paragraph on one line */
	const char *message; /* the whole message */
	size_t parent_count;
	char (*parents)[GIT_OID_HEXSZ + 1];
} hub_commit;

/* The n (at most 100) newest commits reachable from rev (a branch, tag or hash as
 * hub_git_resolve_commit reads it; NULL or "" means HEAD), newest first, into an array of a.
 * An empty repository or an unborn HEAD gives *count = 0 and 0. WEFT_ENOTFOUND when rev names
 * nothing, WEFT_EINVALID for an ambiguous short hash. For the overview page. */
int hub_commit_recent(hub_commit **out, size_t *count, arena *a, git_repository *repo,
                      const char *rev, size_t n);

/* s[0..len) as valid UTF-8 in a: each byte that starts no valid sequence becomes U+FFFD, so
 * that names and messages from a repository always fit in JSON and pages. */
const char *hub_text_utf8(arena *a, const char *s, size_t len);

/* Fills *out from a commit libgit2 loaded, strings in a (valid UTF-8: hub_text_utf8). */
void hub_commit_from_git(hub_commit *out, arena *a, const git_commit *c);

/* The commit rev names (full or short hash, branch, tag), as hub_git_resolve_commit resolves
 * it, into *out with strings in a. */
int hub_commit_get(hub_commit *out, arena *a, git_repository *repo, const char *rev);

enum {
	HUB_LOG_LIMIT_MAX = 100, /* commits in one page */
	HUB_LOG_REVS_MAX = 64, /* include + exclude revisions in one walk */
	/* Commits one request examines for a path filter before it answers with what it found and
	 * a cursor to go on from: a rarely touched path in a huge history must not hold a thread. */
	HUB_LOG_SCAN_MAX = 20000,
	/* Pending commits a cursor may carry; a wider walk continues by position instead. */
	HUB_LOG_FRONTIER_MAX = 16,
	HUB_LOG_CURSOR_MAX = 24 + HUB_LOG_FRONTIER_MAX * GIT_OID_HEXSZ,
};

/* A log walk: git log include… ^exclude… [-- path], newest first in git's default order (by
 * commit time, ties in the order met), read lazily: only as far as the page needs. */
typedef struct hub_log_query {
	const char *const *include; /* revisions; none means every branch and tag (git log --all) */
	size_t ninclude;
	const char *const *exclude;
	size_t nexclude;
	const char
	        *path; /* NULL or "": every commit; else those that changed this file or folder */
	/* Where the page starts. Without a frontier: skip commits of the walk are passed over
	 * first. With one (a cursor from an earlier page): the walk goes on from those pending
	 * commits, and skip is only the position they stand at. */
	uint64_t skip;
	const git_oid *frontier;
	size_t nfrontier;
	size_t limit; /* commits wanted, 1 to HUB_LOG_LIMIT_MAX */
} hub_log_query;

typedef struct hub_log_page {
	hub_commit *commits; /* in the arena */
	size_t count;
	bool has_more; /* more commits may follow: hub_log_cursor says where */
	uint64_t next_skip; /* the walk position after this page */
	/* The commits still pending after this page, when a cursor can carry them (at most
	 * HUB_LOG_FRONTIER_MAX, and no commit shown so far can come again from them); else none
	 * and the next page starts by position. */
	git_oid *next_frontier;
	size_t next_nfrontier;
} hub_log_page;

/* Runs q. WEFT_ENOTFOUND naming the revision that does not exist, WEFT_EINVALID for a bad one,
 * a frontier together with exclude, or a limit out of range, WEFT_ETOOLARGE past
 * HUB_LOG_REVS_MAX. An empty repository gives an empty page. Walks with exclude use libgit2's
 * revision walk and continue by position; the others carry their frontier, so that a page deep
 * in a long history costs no more than the first. */
int hub_commit_log(hub_log_page *out, arena *a, git_repository *repo, const hub_log_query *q);

/* The opaque cursor of the page after p ("c<position>" or "f<position>-<hashes>"), in a. */
const char *hub_log_cursor(arena *a, const hub_log_page *p);

/* Reads a cursor that hub_log_cursor made into q's skip and frontier (arrays in a).
 * WEFT_EINVALID for anything else. */
int hub_log_cursor_parse(hub_log_query *q, arena *a, const char *cursor);

/* How many commits local has that upstream lacks (*ahead) and the reverse (*behind). */
int hub_commit_ahead_behind(size_t *ahead, size_t *behind, git_repository *repo,
                            const git_oid *local, const git_oid *upstream);

/* ---- diffs ---- */

/* The options of Bitbucket's diff and diffstat endpoints. */
typedef struct hub_diff_opts {
	uint32_t context; /* lines of context, at most 1000 */
	const char *const *paths; /* limit to these files or folders; NULL for all */
	size_t npaths;
	bool ignore_whitespace;
	bool renames; /* detect renames */
	bool binary; /* the raw diff carries binary patches (git diff --binary) */
	bool topic; /* A..B: diff A against the merge base of A and B (three dots), not B */
} hub_diff_opts;

/* Sets Bitbucket's defaults: 3 lines of context, renames detected, binary patches, topic
 * diff. */
void hub_diff_opts_init(hub_diff_opts *o);

/* Resolves spec, Bitbucket's way round: "A" is A against its first parent (nothing for a root
 * commit: *old_commit = NULL); "A..B" is A (the new side) against B (the old side), or against
 * their merge base when topic. Free both with git_commit_free. WEFT_ENOTFOUND / WEFT_EINVALID as
 * hub_git_resolve_commit, WEFT_EINVALID for a spec with more than two revisions. */
int hub_diff_resolve(git_commit **new_commit, git_commit **old_commit, git_repository *repo,
                     const char *spec, bool topic);

enum {
	/* The diff walks both trees itself and skips every folder that is the same on both sides,
	 * up to these bounds; past them libgit2 compares the whole trees (same result). */
	HUB_DIFF_WALK_DEPTH_MAX = 64,
	HUB_DIFF_WALK_FILES_MAX = 100000,
};

/* The diff from old_commit (NULL: nothing, for a root commit) to new_commit with o, renames
 * found when asked: the same deltas as libgit2's git_diff_tree_to_tree with o's pathspec, but
 * only the folders that differ are read. Free with git_diff_free. */
int hub_diff_commits(git_diff **out, git_repository *repo, const git_commit *new_commit,
                     const git_commit *old_commit, const hub_diff_opts *o);

/* The diff of spec (hub_diff_resolve) with o, as hub_diff_commits. */
int hub_diff_load(git_diff **out, git_repository *repo, const char *spec, const hub_diff_opts *o);

/* Appends the diff as `git diff` prints it to out. WEFT_ETOOLARGE when it would pass max_bytes
 * (out then holds a part). */
int hub_diff_text(buf *out, git_diff *diff, size_t max_bytes);

typedef enum {
	HUB_DIFF_ADDED,
	HUB_DIFF_REMOVED,
	HUB_DIFF_MODIFIED,
	HUB_DIFF_RENAMED,
} hub_diff_status;

/* One file of a diff, with its line counts. */
typedef struct hub_diffstat {
	hub_diff_status status;
	const char *old_path; /* NULL for an added file */
	const char *new_path; /* NULL for a removed file */
	size_t lines_added;
	size_t lines_removed;
	bool binary;
	bool old_executable;
	bool new_executable;
} hub_diffstat;

/* git_merge_base of a and b (its return codes), remembered for the last few hundred pairs so
 * that asking again for the same pair does not walk the history again. */
int hub_merge_base(git_oid *out, git_repository *repo, const git_oid *a, const git_oid *b);

/* The diffstat entries of diff, in its order, into an array of a. */
int hub_diff_stats(hub_diffstat **out, size_t *count, arena *a, git_diff *diff);

/* Bitbucket's name of a status: "added", "removed", "modified", "renamed". */
const char *hub_diff_status_name(hub_diff_status s);

/* The status of a libgit2 delta as the diffstat shows it: a copy counts as added, anything but
 * added, removed or renamed as modified. */
hub_diff_status hub_diff_status_of(git_delta_t s);

#endif
