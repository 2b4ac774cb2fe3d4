/* hub's repositories: the slug and naming rules, creating (with the bare repository on disk),
 * finding, updating, transferring and deleting them, and their access grants. Domain only, but
 * for hub_request_repo and hub_repo_redirected, the two helpers of repository routes' handlers.
 * Every function that writes runs inside the caller's transaction, except hub_repo_create (its
 * own) and hub_repo_trash (the disk only). */
#ifndef WEFT_HUB_REPO_H
#define WEFT_HUB_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/account/account.h"
#include "hub/level.h"
#include "hub/workspace.h"
#include "web/web.h"

enum {
	REPO_SLUG_MAX = 62,
	REPO_NAME_MAX = 255,
	REPO_DESCRIPTION_MAX = 4000,
};

/* A repository row with its workspace's slug (its URLs) and the UUID of the folder that holds
 * it. Strings live in the arena the finder was given. */
typedef struct hub_repo {
	int64_t id;
	char uuid[37];
	int64_t workspace_id;
	/* The UUID of the workspace whose folder holds the bare repository: the one it was created
	 * in (a transfer moves no files). Locate it with hub_repo_git_dir, not the owner's UUID. */
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
 * slug matched (the caller redirects), NULL otherwise (may be NULL itself). An old slug of a
 * repository transferred away leads to it in its new workspace (out->workspace_id differs). */
int hub_repo_find(db_conn *c, arena *a, const hub_workspace *ws, const char *slug_or_uuid,
                  hub_repo *out, const char **redirected_from);

/* The bare repository's path: REPOS_DIR/<workspace uuid>/<repository uuid>.git, in a. */
const char *hub_repo_git_dir(arena *a, const char *repos_dir, const hub_repo *r);

/* The bytes r's bare repository takes on disk (Bitbucket's "size"); 0 when it is missing. */
int64_t hub_repo_disk_size(arena *a, const char *repos_dir, const hub_repo *r);

/* ---- rules ---- */

/* The slug of a repository name: lower case; non-ASCII letters folded to their ASCII base where
 * one exists (é → e, ø → o, ß → ss) and dropped otherwise; each run of characters outside
 * a-z 0-9 _ - . becomes one '-'; '-' trimmed at both ends; cut at REPO_SLUG_MAX bytes.
 * WEFT_EINVALID ("Name: …") for an empty or too long name, or one that leaves no slug. */
int hub_repo_slugify(char out[REPO_SLUG_MAX + 1], const char *name);

/* Whether slug is one a path may name for a new repository (POST /2.0/repositories/{ws}/{slug}):
 * 1 to 62 of a-z 0-9 _ - ., no "--", no trailing '-' (unless all dashes). WEFT_EINVALID with
 * Bitbucket's message ("Invalid slug. Slugs must be lowercase, …") otherwise. */
int hub_repo_check_slug(const char *slug);

/* Slugs that would shadow a workspace's own pages (/{workspace}/settings, /projects, …):
 * WEFT_EINVALID naming the slug, else 0. */
int hub_repo_check_reserved(const char *slug);

/* Main branch names: a valid branch name (git's refname rules), at most 255 bytes. */
int hub_repo_check_branch(const char *name);

/* ---- creating ---- */

/* Where the bare repositories live and what their hooks run (hub_app's fields). */
typedef struct hub_repo_dirs {
	const char *repos_dir;
	const char *trash_dir;
	const char *weft_path;
} hub_repo_dirs;

typedef struct hub_repo_new {
	const char *name; /* required */
	const char *slug; /* NULL: derived from name; else it must pass hub_repo_check_slug */
	const char *description; /* NULL: "" */
	bool is_private;
	/* The project: by id, else by key or "{uuid}" (project_ref), else the workspace's oldest,
	 * else a new default project ("Untitled project", key PROJ) made for it. */
	int64_t project_id;
	const char *project_ref;
	const char *mainbranch; /* NULL: "main" */
	const char *fork_policy; /* NULL: allow_forks */
	const char *language; /* NULL: "" */
	bool has_issues;
	bool has_wiki;
	bool with_readme; /* an initial commit on mainbranch with README.md, by the creator */
} hub_repo_new;

/* Creates a repository in ws, by creator, in one write transaction of d: the row (refusing a
 * slug taken in ws: WEFT_EEXISTS "a repository with this URL already exists"; a reserved slug:
 * WEFT_EINVALID), the plan limit on private repositories (WEFT_ELIMIT), the grants of ws's groups
 * flagged auto_add, an activity line, and the bare repository on disk (with README.md when
 * asked). If the folder cannot be made the transaction rolls back; if the transaction fails the
 * folder is removed. *out in a. */
int hub_repo_create(db *d, arena *a, const hub_repo_dirs *dirs, const hub_user *creator,
                    const hub_workspace *ws, const hub_repo_new *n, hub_repo *out);

/* The same inside the caller's transaction c, for callers that do more in it (PUT creating):
 * the folder is made last; *made_path (in a) is set once it exists, so that the caller removes
 * it if its transaction then fails or is retried (remove any earlier *made_path first). */
int hub_repo_create_in(db_conn *c, arena *a, const hub_repo_dirs *dirs, const hub_user *creator,
                       const hub_workspace *ws, const hub_repo_new *n, hub_repo *out,
                       const char **made_path);

/* ---- changing ---- */

/* What hub_repo_update changes; NULL (strings), 0 (project_id) or -1 (flags) keep a value. */
typedef struct hub_repo_change {
	const char *name; /* a new name gives a new slug; the old one redirects */
	const char *description;
	int64_t project_id;
	int is_private;
	const char *mainbranch; /* must name an existing branch once the repository has commits */
	const char *fork_policy;
	const char *language;
	int has_issues;
	int has_wiki;
} hub_repo_change;

/* Changes repository r (as loaded in this transaction) by actor. WEFT_EINVALID for a broken
 * rule, WEFT_EEXISTS when the new slug is taken, WEFT_ELIMIT when making it private passes the
 * plan, WEFT_ENOTFOUND for a project not in the workspace. repos_dir is needed to check the main
 * branch. *out (may be r) is the row afterwards, in a. The caller emits repo:updated
 * (hub_repo_event_updated) in the same transaction: events sit above the repositories. */
int hub_repo_update(db_conn *c, arena *a, const char *repos_dir, int64_t actor_id,
                    const hub_repo *r, const hub_repo_change *ch, hub_repo *out);

/* Moves r to workspace target by actor: refuses (WEFT_EEXISTS) when target has a repository of
 * that slug, (WEFT_ELIMIT) past target's plan, (WEFT_EINVALID) the same workspace; drops every
 * grant and re-derives them from target's auto_add groups; puts it in target's oldest project
 * (made if none); the old address redirects. Files stay where they are. The caller emits
 * repo:transfer (hub_repo_event_transfer). */
int hub_repo_transfer(db_conn *c, arena *a, int64_t actor_id, const hub_repo *r,
                      const hub_workspace *target, hub_repo *out);

/* Deletes r's row (grants, redirects) by actor, recording an activity line. The caller emits
 * repo:deleted (hub_repo_event_deleted) before, while the row is there to describe, and moves
 * the bare repository to the trash (hub_repo_trash) once the transaction committed. */
int hub_repo_delete(db_conn *c, int64_t actor_id, const hub_repo *r);

/* Moves r's bare repository into dirs->trash_dir for the purge job. */
int hub_repo_trash(arena *a, const hub_repo_dirs *dirs, const hub_repo *r);

/* ---- grants ---- */

typedef struct hub_repo_grant {
	bool is_group;
	int64_t id; /* the group's or the user's */
	const char *slug; /* the group's slug or the user's username */
	const char *name; /* the group's name or the user's display name */
	hub_level level;
} hub_repo_grant;

/* The group grants (by name), then the user grants (by username) of repository_id, in a. */
int hub_repo_grants(db_conn *c, arena *a, int64_t repository_id, hub_repo_grant **out, size_t *n);

/* Sets (adds or changes) a grant: a group of r's workspace by slug, or a user by username.
 * level HUB_LEVEL_NONE removes it. WEFT_ENOTFOUND for an unknown group or user. */
int hub_repo_grant_group(db_conn *c, const hub_repo *r, const char *group_slug, hub_level level);
int hub_repo_grant_user(db_conn *c, const hub_repo *r, const char *username, hub_level level);

/* ---- lists ---- */

/* The repositories of ws (all of them: the caller filters by permission), by name; or, with
 * ws NULL, every public repository of the site by creation. Array in a. */
int hub_repo_list(db_conn *c, arena *a, const hub_workspace *ws, hub_repo **out, size_t *n);

/* For handlers of routes with a HUB_PERM_REPO_* permission: loads the repository that the
 * authorize hook resolved (hub_scope_of(req)->repository_id) into *out, strings in req->arena.
 * WEFT_ENOTFOUND when the route had no repository scope or the row vanished meanwhile. */
int hub_request_repo(web_request *req, hub_repo *out);

/* For page handlers of repository routes: when the path named the repository by an old slug
 * (hub_scope.redirected_from), fills res with a 301 to the same path under the current
 * workspace and slug (query string kept) and returns true; otherwise false and res untouched.
 * API handlers skip it: they follow redirects transparently. */
bool hub_repo_redirected(web_request *req, web_response *res);

#endif
