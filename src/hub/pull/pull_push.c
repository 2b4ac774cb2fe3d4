/* Moving the open pull requests of a pushed branch, with their events. */
#include "hub/pull/pull_push.h"

#include <string.h>

#include "hub/pull/pull.h"
#include "hub/pull/pull_event.h"

static int source_moved(db_conn *c, int64_t row_id, int64_t actor_id, const char *old_hash,
                        const char *new_hash)
{
	bool deleted = hub_push_update_is_zero(new_hash);
	int rc = hub_pull_source_moved(c, row_id, actor_id, old_hash, new_hash);
	return rc < 0 ? rc
	              : hub_pull_emit_row(c, row_id, actor_id, deleted ? "rejected" : "updated");
}

static int branch_moved(db_conn *c, int64_t repository_id, int64_t actor_id, const char *branch,
                        const char *new_hash)
{
	arena *a = arena_new();
	int64_t *ids = NULL;
	const char **hashes = NULL;
	size_t n = 0;
	int rc = hub_pull_open_from(c, a, repository_id, branch, &ids, &hashes, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (strcmp(hashes[i], new_hash) != 0)
			rc = source_moved(c, ids[i], actor_id, hashes[i], new_hash);
	arena_free(a);
	return rc;
}

int hub_pull_on_push(db_conn *c, int64_t repository_id, int64_t actor_id,
                     const push_update *updates, size_t n)
{
	static const char heads[] = "refs/heads/";
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (strncmp(updates[i].ref, heads, sizeof heads - 1) == 0)
			rc = branch_moved(c, repository_id, actor_id,
			                  updates[i].ref + sizeof heads - 1, updates[i].new_hash);
	return rc;
}
