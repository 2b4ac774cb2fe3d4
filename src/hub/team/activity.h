/* Recent activity: a sentence per thing that happened (signing up, creating or joining a team,
 * confirming an address), shown on the dashboards of the people it concerns. Later features
 * (pushes, pull requests) record theirs the same way. */
#ifndef WEFT_HUB_ACTIVITY_H
#define WEFT_HUB_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

typedef struct activity_item {
	const char *summary;
	const char *workspace; /* its slug, or NULL */
	int64_t created_at; /* epoch ms */
} activity_item;

/* Records, inside c's transaction, that actor_id (0: nobody) did summary in workspace_id (0:
 * none). summary is plain text; pages escape it. */
int hub_activity_record(db_conn *c, int64_t actor_id, int64_t workspace_id, const char *summary);

/* The same for something done to the repository repository_id of workspace_id: only those who
 * may read the repository see the item (and its actor). */
int hub_activity_record_repository(db_conn *c, int64_t actor_id, int64_t workspace_id,
                                   int64_t repository_id, const char *summary);

/* The newest items (at most limit) that the user user_id (a site administrator when is_admin)
 * did or that happened in their teams, less those about repositories the user may not read
 * (hub_perm's rule; a deleted repository's only for the team's administrators). Array and
 * strings in a; *out is NULL when *n is 0. */
int hub_activity_for_user(db_conn *c, arena *a, int64_t user_id, bool is_admin, int limit,
                          activity_item **out, size_t *n);

#endif
