/* What the DVCS accounts page (dvcs_web.c) and the admin REST API (dvcs_api.c) both do to an
 * account or a repository, with the messages both show. Each runs in the caller's transaction. */
#ifndef WEFT_TRACK_DVCS_ADMIN_H
#define WEFT_TRACK_DVCS_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/dvcs/dvcs.h"

/* The account or repository (strings in a); WEFT_ENOTFOUND "No linked account with id N." /
 * "No repository with id N." */
int dvcs_admin_account(db_conn *c, arena *a, int64_t id, dvcs_account *out);
int dvcs_admin_repo(db_conn *c, arena *a, int64_t id, dvcs_repo *out);

/* Whether the repository's sync is queued or running. */
bool dvcs_admin_sync_busy(const dvcs_repo *repo);

/* Queues a sync of a linked repository that the host still has (full: forget and walk again);
 * *out the repository as it is now. WEFT_ENOTFOUND; WEFT_ECONFLICT naming the repository when
 * it is not linked or is gone from the host. */
int dvcs_admin_sync(db_conn *c, arena *a, int64_t id, bool full, dvcs_repo *out);

/* Sets a repository's linked and smart-commit flags; only a change is applied (linking queues
 * the hook's installation and a full sync). linked or smart NULL: left as they are. *out the
 * repository as it is now. WEFT_ENOTFOUND. */
int dvcs_admin_set_repo(db_conn *c, arena *a, int64_t id, const bool *linked, const bool *smart,
                        dvcs_repo *out);

/* Queues the discovery of an account whose access was granted. WEFT_ENOTFOUND; WEFT_ECONFLICT
 * when it is still waiting for access or the host refused its token. */
int dvcs_admin_refresh(db_conn *c, arena *a, int64_t id);

/* The smart-commit errors (dvcs_smart_runs where outcome is 'error'), newest first: fn for each
 * of at most max from offset start, *total all of them. */
typedef struct dvcs_smart_error {
	int64_t created_at;
	const char *commit_hash, *issue_key, *command, *error;
	const char *repo_name; /* NULL when its repository is gone */
} dvcs_smart_error;
int dvcs_admin_smart_errors(db_conn *c, arena *a, int64_t start, int64_t max, int64_t *total,
                            void (*fn)(void *ctx, const dvcs_smart_error *e), void *ctx);

#endif
