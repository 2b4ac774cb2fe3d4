/* Workspaces: lookup, the team rule and the row lock (workspace.h). */
#include "hub/workspace.h"

#include <stdio.h>

#include "base/err.h"

int hub_workspace_find(db_conn *c, arena *a, const char *slug_or_uuid, hub_workspace *out)
{
	char uuid[37] = "";
	bool by_uuid = slug_or_uuid[0] == '{';
	if (by_uuid)
		snprintf(uuid, sizeof uuid, "%.36s", slug_or_uuid + 1);
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " HUB_WORKSPACE_COLS " FROM workspaces w"
	                  " WHERE w.slug = lower($1) OR w.uuid = $2",
	                  db_text(by_uuid ? "" : slug_or_uuid), db_text(by_uuid ? uuid : ""));
	if (rc == 0)
		rc = db_step_one(st, "There is no workspace %s.", slug_or_uuid);
	if (rc == 0)
		hub_workspace_read(st, a, 0, out);
	db_done(st);
	return rc;
}

void hub_workspace_read(db_stmt *st, arena *a, int col, hub_workspace *out)
{
	out->id = db_col_int(st, col);
	snprintf(out->uuid, sizeof out->uuid, "%s", db_col_text(st, col + 1));
	out->slug = arena_strdup(a, db_col_text(st, col + 2));
	out->name = arena_strdup(a, db_col_text(st, col + 3));
	out->is_team = db_col_int(st, col + 4) != 0;
	out->owner_id = db_col_int(st, col + 5);
}

int hub_workspace_times(db_conn *c, const hub_workspace *ws, int64_t *created_at,
                        int64_t *updated_at)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT created_at, updated_at FROM workspaces WHERE id = $1",
	                  db_int(ws->id));
	if (rc == 0)
		rc = db_step_one(st, "There is no workspace %s.", ws->slug);
	if (rc == 0) {
		*created_at = db_col_int(st, 0);
		*updated_at = db_col_int(st, 1);
	}
	db_done(st);
	return rc;
}

int hub_workspace_require_team(const hub_workspace *ws)
{
	if (!ws->is_team)
		return err_fail(WEFT_ECONFLICT, "%s is a personal workspace, not a team.",
		                ws->slug);
	return 0;
}

int hub_workspace_lock(db_conn *c, int64_t workspace_id)
{
	/* A no-op UPDATE: the one statement both engines lock a row with. */
	int rc = db_exec(c, "UPDATE workspaces SET updated_at = updated_at WHERE id = $1",
	                 db_int(workspace_id));
	return rc < 0 ? rc : 0;
}
