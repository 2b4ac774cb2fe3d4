/* The bare mirror of a linked repository (dvcs_repo_mirror_path): `git fetch` of its branches
 * over HTTP with the account's token, walks of its history through `git log`, and a commit's
 * file count. The mirror is
 * the truth a sync reads; webhooks say when to look (and what to show until then, provisional.h).
 * Nothing here touches the database. */
#ifndef WEFT_TRACK_DVCS_MIRROR_H
#define WEFT_TRACK_DVCS_MIRROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "track/dvcs/net_fetch.h" /* dvcs_fetch_watch */

struct git_commit;

enum {
	DVCS_HASH_LEN = 40, /* a SHA-1 commit id in hex */
	DVCS_FETCH_TIMEOUT_S = 30 * 60, /* a fetch that takes longer is killed */
	DVCS_FETCH_STDERR_MAX = 16 * 1024, /* git's complaints kept for the sync error */
	DVCS_MESSAGE_MAX = 64 * 1024, /* bytes of a commit message a walk keeps (the rest is cut) */
	DVCS_MIRROR_PACKS_MAX = 24, /* packs a mirror holds before dvcs_mirror_tidy rolls them up */
	DVCS_FILES_UNKNOWN = -1, /* a file count not counted (yet): NULL in dvcs_commits */
};

/* Fetches the branches (refs/heads/…) of url into the bare mirror at path (created, with its parent folder,
 * when missing) with --prune, so branches deleted on the host go too. A mirror with branches
 * fetches in this process (net_fetch.h); an empty one (the first fetch, the whole history) with
 * `git fetch`. The token goes as HTTP Basic x-token-auth:TOKEN (as Bitbucket and hub take it):
 * in this process a header of libgit2's requests, to git only through its environment (an
 * http.extraHeader of GIT_CONFIG_*), never a command line; nothing but PATH of the server's
 * environment reaches git. Bounded by timeout_s (git's process group is killed after it).
 * WEFT_ERROR with git's or libgit2's own words (the token and its encoding scrubbed) when it
 * fails. */
int dvcs_mirror_fetch(arena *a, const char *path, const char *url, const char *token,
                      int timeout_s);

/* dvcs_mirror_fetch calling the watch (may be NULL) while git runs: when its fn fails, git's
 * process group is killed and fn's error returned (its message kept), whatever git did so far
 * (a fetch killed midway leaves the mirror as it was: git updates refs last). */
int dvcs_mirror_fetch_watched(arena *a, const char *path, const char *url, const char *token,
                              int timeout_s, const dvcs_fetch_watch *watch);

/* Rolls the small packs of the mirror at path into fewer (`git repack --geometric=2 -d`) once
 * more than DVCS_MIRROR_PACKS_MAX have piled up: each in-process fetch adds one, and git's own
 * housekeeping never runs there. Nothing when there are fewer (or no mirror); bounded by
 * timeout_s. WEFT_ERROR with git's words when it fails. */
int dvcs_mirror_tidy(arena *a, const char *path, int timeout_s);

/* A branch of the mirror. */
typedef struct dvcs_head {
	const char *name; /* without refs/heads/ */
	char hash[DVCS_HASH_LEN + 1];
} dvcs_head;

/* qsort's order of heads: by name, as strcmp. */
int dvcs_head_compare(const void *x, const void *y);

/* A commit as a walk gives it; the strings live only until the callback returns. */
typedef struct dvcs_commit {
	char hash[DVCS_HASH_LEN + 1];
	const char *author_name, *author_email;
	const char *message;
	int64_t authored_at; /* epoch ms */
	/* files changed against the first parent (or the empty tree), DVCS_FILES_UNKNOWN when the
	 * walk does not count them (git log's: they are counted where they are shown, files.h) */
	int file_count;
	bool is_merge;
} dvcs_commit;

typedef struct dvcs_mirror dvcs_mirror;

/* Opens the mirror at path for reading. WEFT_ENOTFOUND when there is none. */
int dvcs_mirror_open(dvcs_mirror **out, const char *path);
void dvcs_mirror_close(dvcs_mirror *m);

/* The mirror's libgit2 repository, the mirror's (valid until dvcs_mirror_close). */
struct git_repository *dvcs_mirror_repository(dvcs_mirror *m);

/* The mirror's branches (refs/heads/…, peeled to commits), sorted by name, in a. */
int dvcs_mirror_heads(dvcs_mirror *m, arena *a, dvcs_head **heads, size_t *n);

/* Whether the mirror holds the commit hash. */
bool dvcs_mirror_has(dvcs_mirror *m, const char *hash);

/* The files commit c of the mirror changed against its first parent, or the empty tree for a root
 * (a merge too: against its first parent), a rename as a deletion and an addition: as many as
 * `git diff-tree --root -r --no-renames --name-only` lists for it (with `-m --first-parent` for a
 * merge). WEFT_ERROR with libgit2's words. */
int dvcs_mirror_count_files(dvcs_mirror *m, const struct git_commit *c, int *count);

/* dvcs_mirror_count_files of the commit hash: WEFT_EINVALID for a hash that is not one,
 * WEFT_ENOTFOUND when the mirror lacks it (*count is DVCS_FILES_UNKNOWN unless 0 is returned). */
int dvcs_mirror_files(dvcs_mirror *m, const char *hash, int *count);

/* Whether the commit ancestor is hash or in hash's history (both commit ids the mirror holds);
 * false when either is not, or on an error. */
bool dvcs_mirror_descends(dvcs_mirror *m, const char *hash, const char *ancestor);

/* Calls fn for every commit reachable from the from hashes and not from the hide hashes (hidden
 * ones the mirror lacks are skipped: after a force push and a gc their history is gone anyway),
 * each once, until fn returns non-zero (returned). One `git log --stdin -z` child reads the
 * mirror (the environment of dvcs_mirror_fetch without any token; killed when fn stops the walk)
 * and its output is parsed as it arrives through a fixed buffer: no allocation per commit, a
 * message cut at DVCS_MESSAGE_MAX bytes, a name or email at 256. ordered: parents before
 * children (the order commits were made, for smart commits), else newest first. No file counts
 * (file_count is DVCS_FILES_UNKNOWN): git log's --name-only doubled the walk's cost, and only the
 * few commits the panel shows need them (docs/development.md). WEFT_EINVALID for a hash that is
 * not one; WEFT_ERROR when a from commit is missing or git fails (its words). The process must ignore SIGPIPE (weft serve does). */
typedef int (*dvcs_commit_fn)(void *ctx, const dvcs_commit *commit);
int dvcs_mirror_walk(dvcs_mirror *m, const char *const *from, size_t nfrom, const char *const *hide,
                     size_t nhide, bool ordered, dvcs_commit_fn fn, void *ctx);

#endif
