/* hub's repositories: the slug and naming rules, creating (with the bare repository on disk),
 * finding, updating, transferring and deleting them, and their access grants. Domain only: no
 * HTTP. Every function that writes runs inside the caller's transaction. */
#ifndef WEFT_HUB_REPO_H
#define WEFT_HUB_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/account.h"
#include "hub/hub_perm.h"

enum {
	REPO_SLUG_MAX = 62,
	REPO_NAME_MAX = 255,
	REPO_DESCRIPTION_MAX = 4000,
};

/* A repository row with its workspace's slug and UUID (which locate it on disk and in URLs).
 * Strings live in the arena the finder was given. */
typedef struct hub_repo {
	int64_t id;
	char uuid[37];
	int64_t workspace_id;
	char workspace_uuid[37];
	const char *workspace_slug;
	const char *slug;
	const char *name;
	const char *description;
	bool is_private;
	const char *mainbranch; /* "main" unless changed in the settings */
	int64_t project_id; /* 0: none */
	const char *fork_policy;
	const char *language;
	bool has_issues;
	bool has_wiki;
	int64_t created_at;
	int64_t updated_at;
} hub_repo;

/* The repository with this id. WEFT_ENOTFOUND when there is none. */
int hub_repo_get(db_conn *c, arena *a, int64_t id, hub_repo *out);

/* The repository of ws whose slug (case-insensitive) or "{uuid}" is slug_or_uuid.
 * WEFT_ENOTFOUND when there is none; *redirected_from is set to slug_or_uuid when only an old
 * slug matched (the caller redirects), NULL otherwise (may be NULL itself). */
int hub_repo_find(db_conn *c, arena *a, const hub_workspace *ws, const char *slug_or_uuid,
                  hub_repo *out, const char **redirected_from);

/* The bare repository's path: REPOS_DIR/<workspace uuid>/<repository uuid>.git, in a. */
const char *hub_repo_git_dir(arena *a, const char *repos_dir, const hub_repo *r);

#endif
