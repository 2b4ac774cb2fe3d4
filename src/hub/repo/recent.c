/* The dashboard's repositories (recent.h). */
#include "hub/repo/recent.h"

#include "db/rows.h"
#include "hub/perm_sql.h"

static void read_recent(db_stmt *st, arena *a, void *item)
{
	hub_recent_repo *r = item;
	r->workspace = arena_strdup(a, db_col_text(st, 0));
	r->slug = arena_strdup(a, db_col_text(st, 1));
	r->name = arena_strdup(a, db_col_text(st, 2));
	r->is_private = db_col_int(st, 3) != 0;
	r->active_at = db_col_int(st, 4);
}

int hub_repo_recent(db_conn *c, arena *a, int64_t user_id, int limit, hub_recent_repo **out,
                    size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT w.slug, r.slug, r.name, r.is_private, COALESCE((SELECT"
	                  " MAX(p.pushed_at) FROM pushes p WHERE p.repository_id = r.id),"
	                  " r.updated_at) AS active_at FROM repositories r JOIN workspaces w ON"
	                  " w.id = r.workspace_id WHERE " HUB_PERM_SQL_HOLDS_REPOSITORY(
	                          "r", "$1") " ORDER BY active_at DESC, r.id DESC LIMIT $2",
	                  db_int(user_id), db_int(limit));
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_recent);
}
