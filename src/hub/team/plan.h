/* Plans: named limits on a team (private repositories, members) that site administrators define
 * and assign. A team without a plan, or a plan's NULL limit, is unlimited. Domain only: no HTTP;
 * writes run inside the caller's transaction. team.h checks the limits. */
#ifndef WEFT_HUB_PLAN_H
#define WEFT_HUB_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

enum {
	PLAN_NAME_MAX = 60, /* characters */
	PLAN_UNLIMITED = -1, /* a limit that is not set */
	PLAN_LIMIT_MAX = 1000000,
};

typedef struct hub_plan {
	int64_t id;
	const char *name;
	int64_t max_private_repositories; /* PLAN_UNLIMITED or 0 … PLAN_LIMIT_MAX */
	int64_t max_members; /* likewise */
	int64_t teams; /* how many teams have it (filled by hub_plan_list) */
	int64_t created_at;
} hub_plan;

/* Parses a limit typed in a form: "" means PLAN_UNLIMITED, otherwise 0 … PLAN_LIMIT_MAX.
 * WEFT_EINVALID with a message starting with field. */
int hub_plan_parse_limit(int64_t *out, const char *field, const char *text);

/* Creates a plan. WEFT_EINVALID ("Plan name:", "Maximum …:"), WEFT_EEXISTS ("Plan name: … is
 * already taken.", case-insensitively). *out in a. */
int hub_plan_create(db_conn *c, arena *a, const char *name, int64_t max_private_repositories,
                    int64_t max_members, hub_plan *out);

/* Changes a plan's name and limits (not checked against the teams that have it: lowering a
 * limit only stops them from growing). WEFT_ENOTFOUND, or as hub_plan_create. */
int hub_plan_update(db_conn *c, int64_t plan_id, const char *name, int64_t max_private_repositories,
                    int64_t max_members);

/* Deletes a plan. WEFT_ENOTFOUND; WEFT_ECONFLICT while teams have it. */
int hub_plan_delete(db_conn *c, int64_t plan_id);

/* Every plan by name, with how many teams have it. Array and strings in a. */
int hub_plan_list(db_conn *c, arena *a, hub_plan **out, size_t *n);

/* A plan by id. WEFT_ENOTFOUND. */
int hub_plan_find(db_conn *c, arena *a, int64_t plan_id, hub_plan *out);

/* The plan of a workspace. WEFT_ENOTFOUND when it has none (unlimited). */
int hub_plan_of(db_conn *c, arena *a, int64_t workspace_id, hub_plan *out);

/* Gives team team_slug plan plan_id (0: no plan). WEFT_ENOTFOUND ("Team: …", "Plan: …"),
 * WEFT_ECONFLICT for a personal workspace, WEFT_ELIMIT when the team already has more members
 * (with pending invitations) or private repositories than the plan allows. */
int hub_plan_assign(db_conn *c, const char *team_slug, int64_t plan_id);

#endif
