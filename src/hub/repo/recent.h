/* The repositories a user works in, for the dashboard: read in one query with hub_perm's SQL
 * rule, so that access lost since (a group left, a grant removed) drops a repository at once. */
#ifndef WEFT_HUB_REPO_RECENT_H
#define WEFT_HUB_REPO_RECENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

typedef struct hub_recent_repo {
	const char *workspace, *slug, *name; /* the workspace's slug */
	bool is_private;
	int64_t active_at; /* epoch ms: the last push, else the last change of its settings */
} hub_recent_repo;

/* The repositories user_id holds now (HUB_PERM_SQL_HOLDS_REPOSITORY: their own workspace's, a
 * team's they administer, those granted to them or to one of their groups; being public is not
 * enough), most recently active first, at most limit (> 0). Array and strings in a; *out is NULL
 * when *n is 0. 0 or the store's error. */
int hub_repo_recent(db_conn *c, arena *a, int64_t user_id, int limit, hub_recent_repo **out,
                    size_t *n);

#endif
