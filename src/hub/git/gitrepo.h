/* Reading a repository with libgit2, for the browsing pages and the API: opening the bare
 * repository of a hub_repo (from a small pool of open ones: opening a repository and reading its
 * pack index again on every request cost more than the page itself), resolving what a URL names (hash, short hash, branch, tag) to a
 * commit, and turning libgit2's errors into weft's. */
#ifndef WEFT_HUB_GITREPO_H
#define WEFT_HUB_GITREPO_H

#include <git2.h>
#include <stdbool.h>

#include "hub/repo/repo.h"

/* Opens r's bare repository, for the calling thread alone until hub_git_close: an idle one
 * from the pool when there is one (once hub_git_pool_init ran), else a new one. What it reads
 * is never stale: libgit2 reads references from disk on every lookup and looks for new packs
 * when an object is missing, and cached objects are immutable. -1 with the reason when it
 * cannot be opened (a repository row whose folder is missing is a server fault, not a 404). */
int hub_git_open(git_repository **out, const char *repos_dir, const hub_repo *r);

/* Gives back what hub_git_open opened (NULL: nothing): kept in the pool while there is room,
 * else freed. Objects read from it may outlive it, as after git_repository_free. */
void hub_git_close(git_repository *repo);

/* Starts the pool of open repositories (at most HUB_GIT_POOL_MAX, lent or idle; an idle one is
 * freed after HUB_GIT_POOL_IDLE_S seconds, or when its folder is gone or replaced); without it
 * hub_git_open opens and hub_git_close frees. hub_git_pool_shutdown frees every idle one. */
enum { HUB_GIT_POOL_MAX = 16, HUB_GIT_POOL_IDLE_S = 60 };
void hub_git_pool_init(void);
void hub_git_pool_shutdown(void);

/* How many repositories the pool holds, idle or lent (for tests). */
size_t hub_git_pool_size(void);

/* Resolves rev to a commit: a full or abbreviated (at least 4 hex digits) hash, a branch
 * (refs/heads/), a tag (refs/tags/, peeled), or "HEAD". Branches win over tags and hashes, as in
 * Bitbucket. WEFT_ENOTFOUND when nothing matches, WEFT_EINVALID for an ambiguous short hash or
 * an unusable name. Free with git_commit_free. */
int hub_git_resolve_commit(git_commit **out, git_repository *repo, const char *rev);

/* True when the repository has no commits yet (HEAD is unborn and no branch exists). */
bool hub_git_is_empty(git_repository *repo);

/* Sets weft's error message from libgit2's last error, prefixed by doing, and returns code (the
 * caller picks it: usually -1, or WEFT_ENOTFOUND for GIT_ENOTFOUND). */
int hub_git_fail(int code, const char *doing);

/* Maps a libgit2 return value: GIT_ENOTFOUND → WEFT_ENOTFOUND, GIT_EAMBIGUOUS and
 * GIT_EINVALIDSPEC → WEFT_EINVALID, other negatives → -1; each with libgit2's message. */
int hub_git_code(int git_rc, const char *doing);

#endif
