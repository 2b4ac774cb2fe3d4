/* Build statuses of commits (A.12): what a CI service reports about a commit, one per key; setting
 * one emits repo:commit_status_created or _updated. Domain only: no HTTP. */
#ifndef WEFT_HUB_HOOK_STATUS_H
#define WEFT_HUB_HOOK_STATUS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/repo/repo.h"

enum {
	HUB_STATUS_KEY_MAX = 255, /* characters */
	HUB_STATUS_NAME_MAX = 255,
	HUB_STATUS_DESCRIPTION_MAX = 1024,
	HUB_STATUS_URL_MAX = 2048, /* bytes */
	HUB_STATUS_REFNAME_MAX = 1024,
	HUB_STATUS_BATCH_MAX = 200, /* commits in one hub_status_summaries call */
};

/* One status. Strings in the arena of the call that read it. */
typedef struct hub_status {
	int64_t id;
	char uuid[37];
	int64_t repository_id;
	const char *commit_hash; /* full, lower-case hex */
	const char *key;
	const char *state; /* SUCCESSFUL, FAILED, INPROGRESS or STOPPED */
	const char *name;
	const char *description;
	const char *url; /* as given: may hold {repository.full_name} and {commit} */
	const char *refname; /* NULL: none */
	int64_t created_at, updated_at; /* epoch ms */
} hub_status;

/* What a caller sets. NULL members keep what a status has (an update) or take the default (a
 * new one: key and state are required; url too, as Bitbucket asks). */
typedef struct hub_status_input {
	const char *key, *state, *name, *description, *url, *refname;
} hub_status_input;

/* Creates the status of commit_hash (full hex, which the caller resolved) with in->key, or
 * replaces every given member of the one that has it (POST: same key overwrites), inside c's
 * transaction, and emits repo:commit_status_created or _updated for actor_id. *created tells
 * which. WEFT_EINVALID with a message naming the field for a bad value. */
int hub_status_set(db_conn *c, arena *a, const hub_repo *r, int64_t actor_id,
                   const char *commit_hash, const hub_status_input *in, hub_status *out,
                   bool *created);

/* Changes the status with key (PUT: key itself cannot change; in->key is ignored), emitting
 * repo:commit_status_updated. WEFT_ENOTFOUND when there is none. */
int hub_status_update(db_conn *c, arena *a, const hub_repo *r, int64_t actor_id,
                      const char *commit_hash, const char *key, const hub_status_input *in,
                      hub_status *out);

/* The status with key of a commit. WEFT_ENOTFOUND when there is none. */
int hub_status_get(db_conn *c, arena *a, int64_t repository_id, const char *commit_hash,
                   const char *key, hub_status *out);

/* The statuses of one commit, oldest first, into an array of a. */
int hub_status_list(db_conn *c, arena *a, int64_t repository_id, const char *commit_hash,
                    hub_status **out, size_t *count);

/* The statuses of many commits (at most HUB_STATUS_BATCH_MAX, full hashes) in one query:
 * (*out)[i] and (*counts)[i] are those of hashes[i], each list oldest first. Arrays in a. For
 * commit lists, the branches page and pull requests. */
int hub_status_list_many(db_conn *c, arena *a, int64_t repository_id, const char *const *hashes,
                         size_t n, hub_status ***out, size_t **counts);

/* The statements hub_status_list (the commit page: $1 the repository, $2 the hash) and
 * hub_status_list_many (the commit log: $1 the repository, $2 a JSON array of hashes) run, on
 * engine. Exposed so that a test pins their plans (the index on repository and hash). */
const char *hub_status_list_sql(void);
const char *hub_status_list_many_sql(db_engine engine);

/* The one state that sums up n statuses: FAILED if any failed, else INPROGRESS if any runs,
 * else STOPPED if any stopped, else SUCCESSFUL; NULL for none. */
const char *hub_status_summary(const hub_status *statuses, size_t n);

/* The status object of A.12 (type "build", links self and commit) with links under base_url. */
json_t *hub_status_json(arena *a, const char *base_url, const hub_repo *r, const hub_status *s);

/* Whether url may become a link on a page: an http:// or https:// URL. */
bool hub_status_url_linkable(const char *url);

#endif
