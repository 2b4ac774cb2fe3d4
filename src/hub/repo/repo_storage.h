/* The bare repositories on disk: REPOS_DIR/<workspace uuid>/<repository uuid>.git, so renames and
 * transfers never move files. Creating one installs the post-receive hook that runs
 * `weft hook post-receive`; deleting one moves it into the trash, which the purge job empties
 * later. No database, no HTTP. */
#ifndef WEFT_HUB_REPO_STORAGE_H
#define WEFT_HUB_REPO_STORAGE_H

#include <stdint.h>

#include "base/arena.h"

/* Where a repository lives, in a. */
const char *hub_repo_storage_path(arena *a, const char *repos_dir, const char *workspace_uuid,
                                  const char *repository_uuid);

/* Creates an empty bare repository at path (its parent folders too), with HEAD pointing at
 * refs/heads/<head_branch> and the post-receive hook calling weft_path. An existing directory
 * at path is refused (WEFT_EEXISTS); other failures are -1 with the reason. */
int hub_repo_storage_init(const char *path, const char *head_branch, const char *weft_path);

/* Rewrites the hook of an existing repository (after the weft program moved). */
int hub_repo_storage_install_hook(const char *path, const char *weft_path);

/* Moves the repository at path into trash_dir under a unique name, to be purged later; returns
 * the new path in a through *trashed. A missing path is not an error (*trashed = NULL). */
int hub_repo_storage_trash(arena *a, const char *path, const char *trash_dir, const char **trashed);

/* Deletes the entries of trash_dir older than older_than_ms (epoch milliseconds); *removed
 * counts them. */
int hub_repo_storage_purge(const char *trash_dir, int64_t older_than_ms, int *removed);

/* Removes a directory tree (no symlinks followed). 0, or -1 with the reason. */
int hub_repo_storage_remove_tree(const char *path);

#endif
