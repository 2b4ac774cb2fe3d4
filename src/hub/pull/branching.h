/* A repository's branching model (development and production branches, the prefixes of the
 * branch types feature, bugfix, hotfix and release, each switchable and renamable), the branch
 * name suggested for an issue, and the repositories a user last made such a branch in. Domain
 * only: every function that writes runs inside the caller's transaction. */
#ifndef WEFT_HUB_PULL_BRANCHING_H
#define WEFT_HUB_PULL_BRANCHING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

enum {
	BRANCHING_TYPES = 4, /* feature, bugfix, hotfix, release */
	BRANCHING_PREFIX_MAX = 50,
	BRANCH_SUGGEST_MAX = 100, /* bytes of a suggested branch name */
};

typedef struct hub_branch_type {
	const char *kind; /* "feature", "bugfix", "hotfix", "release" */
	const char *prefix; /* "feature/" */
	bool enabled;
} hub_branch_type;

typedef struct hub_branching {
	const char *development; /* NULL: the main branch */
	const char *production; /* NULL: the main branch */
	bool production_enabled;
	hub_branch_type types[BRANCHING_TYPES];
} hub_branching;

/* Bitbucket's defaults: the main branch for both, production off, every type on with its own
 * name and a '/'. */
void hub_branching_defaults(hub_branching *out);

/* The model of repository_id (Bitbucket's defaults when never set), strings in a. */
int hub_branching_get(db_conn *c, arena *a, int64_t repository_id, hub_branching *out);

/* Stores m for repository_id. WEFT_EINVALID naming the field for a branch name git refuses or a
 * prefix that is empty, too long or not a valid start of a branch name. */
int hub_branching_set(db_conn *c, int64_t repository_id, const hub_branching *m);

/* The type a Jira issue type suggests: "bugfix" for Bug, "feature" otherwise. */
const char *hub_branching_kind_for(const char *issue_type);

/* The branch name for an issue: prefix + key + "-" + the summary's words, lower case, joined by
 * '-', with what git refuses in a ref name dropped, at most BRANCH_SUGGEST_MAX bytes (cut at a
 * word). In a. */
const char *hub_branching_suggest(arena *a, const char *prefix, const char *key,
                                  const char *summary);

/* The ids of at most max repositories, those user_id made branches in most recently first
 * (hub_branching_used), then the others by id: ids has room for max. Store errors. */
int hub_branching_recent_repos(db_conn *c, int64_t user_id, int64_t *ids, size_t max, size_t *n);

/* Remembers that user_id made a branch in repository_id now (offered first next time). */
int hub_branching_used(db_conn *c, int64_t user_id, int64_t repository_id);

#endif
