/* Workspaces: the owner of repositories that every hub feature addresses, a user's personal
 * workspace or a team (team/team.h). The type, its lookup and its row lock; no HTTP. */
#ifndef WEFT_HUB_WORKSPACE_H
#define WEFT_HUB_WORKSPACE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

/* A workspace, found by slug or {uuid}. */
typedef struct hub_workspace {
	int64_t id;
	char uuid[37];
	const char *slug;
	const char *name;
	bool is_team;
	int64_t owner_id; /* the user of a personal workspace; 0 for a team */
} hub_workspace;

/* The columns hub_workspace_read reads, of a workspace `w`. */
#define HUB_WORKSPACE_COLS "w.id, w.uuid, w.slug, w.name, w.kind = 'team', COALESCE(w.user_id, 0)"

/* A workspace by slug (case-insensitively) or by {uuid}. WEFT_ENOTFOUND. Strings in a. */
int hub_workspace_find(db_conn *c, arena *a, const char *slug_or_uuid, hub_workspace *out);

/* Fills *out from HUB_WORKSPACE_COLS starting at column col of st's current row; strings in a. */
void hub_workspace_read(db_stmt *st, arena *a, int col, hub_workspace *out);

/* The workspace's creation and last change times (milliseconds). WEFT_ENOTFOUND ("There is no
 * workspace …") when it is gone. */
int hub_workspace_times(db_conn *c, const hub_workspace *ws, int64_t *created_at,
                        int64_t *updated_at);

/* 0 for a team; WEFT_ECONFLICT ("… is a personal workspace, not a team.") otherwise. */
int hub_workspace_require_team(const hub_workspace *ws);

/* Serializes the changes of one workspace for the rest of the caller's transaction: a plan's
 * limits and the last-administrator rule count rows that a concurrent change could alter, and
 * PostgreSQL runs writes READ COMMITTED. Takes the workspace's row lock on both engines. 0 or
 * the store's error. */
int hub_workspace_lock(db_conn *c, int64_t workspace_id);

#endif
