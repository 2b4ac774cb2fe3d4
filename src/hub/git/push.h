/* Pushes: each push to a repository (who, when) and the ref updates it made (ref, old, new), as
 * the post-receive hook reports them (`weft hook post-receive`), and the last recorded state of
 * every ref. A push the hook could not record (database down, hook killed) is found later by the
 * reconcile job, which compares the refs on disk with that state and records the difference as a
 * push with no actor, flagged as reconciled. Webhooks and the tracker build on these records. */
#ifndef WEFT_HUB_PUSH_H
#define WEFT_HUB_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "db/jobs.h"
#include "hub/git/push_update.h"
#include "hub/hub.h"
#include "hub/repo/repo.h"

/* The file whose shared lock a push holds while git receive-pack runs (git_http.c, and the
 * writers of the API that commit), so that the reconcile job never mistakes a push in flight for
 * one its hook failed to record. Relative to the bare repository. */
#define HUB_PUSH_LOCK "weft-push.lock"

enum { PUSH_RECONCILE_EVERY_MS = 10 * 60 * 1000 };

#define HUB_PUSH_RECONCILE_JOB "hub.push_reconcile"

/* A recorded push. */
typedef struct push_row {
	int64_t id;
	int64_t repository_id;
	int64_t actor_id; /* 0: unknown (reconciled, or the user was deleted) */
	bool reconciled;
	int64_t pushed_at; /* epoch ms */
} push_row;

/* Records a push of n updates to repository_id by actor_id (0: unknown) at pushed_at, inside
 * c's transaction, and moves the recorded ref state along. *push_id (may be NULL) gets its id.
 * WEFT_EINVALID for an update that is not a ref and two hashes; db errors otherwise. */
int hub_push_record(db_conn *c, int64_t repository_id, int64_t actor_id, bool reconciled,
                    int64_t pushed_at, const push_update *updates, size_t n, int64_t *push_id);

/* A ref change made by the server (the refs API, a merge) holds the push lock as git
 * receive-pack does, so that the reconcile job never records it before the request does: the
 * descriptor to close once the change is recorded, or -1 when the lock cannot be taken. */
int hub_push_lock(arena *a, const char *repos_dir, const hub_repo *r);

/* Compares the refs on disk (refs[i].ref and .new_hash; old_hash is ignored) with the recorded
 * state of repository_id and records what differs as one reconciled push without actor, inside
 * c's transaction. *push_id is 0 when nothing was missing. */
int hub_push_reconcile(db_conn *c, arena *a, int64_t repository_id, const push_update *refs,
                       size_t n, int64_t *push_id);

/* The newest pushes of a repository (at most limit), newest first, into an array in a. */
int hub_push_list(db_conn *c, arena *a, int64_t repository_id, int limit, push_row **out,
                  size_t *count);

/* The ref updates of one push, ordered by ref, into an array in a. */
int hub_push_updates(db_conn *c, arena *a, int64_t push_id, push_update **out, size_t *count);

/* Reads the refs of the bare repository at dir (direct refs under refs/, with their hashes in
 * new_hash) into an array in a. -1 with libgit2's reason when it cannot be read. */
int hub_push_disk_refs(arena *a, const char *dir, push_update **out, size_t *count);

/* Registers the reconcile job on q and schedules its first run. app is the hub_app whose
 * database and repositories it reconciles; it must outlive the queue. Every run goes through
 * all repositories, skipping one while a push holds its lock, then schedules the next. */
int hub_push_reconcile_start(job_queue *q, const hub_app *app);

/* One pass over every repository of app (a hub_app); *recorded counts the pushes it recorded. */
int hub_push_reconcile_all(const hub_app *app, int *recorded);

#endif
