/* Recording pushes and their ref updates, the recorded ref state, and the reconcile job that
 * records what the post-receive hook missed. */
#include "hub/git/push.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/gitlib.h"
#include "base/log.h"
#include "hub/hook/push_event.h"
#include "hub/pull/pull_push.h"
#include "hub/repo/repo.h"

static const char zeros[PUSH_HASH_MAX + 1] =
        "0000000000000000000000000000000000000000000000000000000000000000";

/* ---- recording ---- */

static int insert_update(db_conn *c, int64_t push_id, const push_update *u)
{
	int rc = db_exec(c,
	                 "INSERT INTO push_refs (push_id, ref, old_hash, new_hash)"
	                 " VALUES ($1, $2, $3, $4)",
	                 db_int(push_id), db_text(u->ref), db_text(u->old_hash),
	                 db_text(u->new_hash));
	return rc < 0 ? rc : 0;
}

/* The recorded state follows each update: a deleted ref leaves it. */
static int move_state(db_conn *c, int64_t repository_id, const push_update *u)
{
	int rc = hub_push_update_is_zero(u->new_hash)
	                 ? db_exec(c,
	                           "DELETE FROM repository_refs WHERE repository_id = $1 AND ref = "
	                           "$2",
	                           db_int(repository_id), db_text(u->ref))
	                 : db_exec(c,
	                           "INSERT INTO repository_refs (repository_id, ref, hash)"
	                           " VALUES ($1, $2, $3) ON CONFLICT (repository_id, ref)"
	                           " DO UPDATE SET hash = excluded.hash",
	                           db_int(repository_id), db_text(u->ref), db_text(u->new_hash));
	return rc < 0 ? rc : 0;
}

static int insert_push(db_conn *c, int64_t repository_id, int64_t actor_id, bool reconciled,
                       int64_t pushed_at, int64_t *id)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "INSERT INTO pushes (repository_id, actor_id, reconciled, pushed_at)"
	                  " VALUES ($1, $2, $3, $4) RETURNING id",
	                  db_int(repository_id), actor_id > 0 ? db_int(actor_id) : db_null(),
	                  db_int(reconciled), db_int(pushed_at));
	if (rc == 0)
		rc = db_step_one(st, "the push was not inserted");
	if (rc == 0)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

int hub_push_record(db_conn *c, int64_t repository_id, int64_t actor_id, bool reconciled,
                    int64_t pushed_at, const push_update *updates, size_t n, int64_t *push_id)
{
	int64_t id = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = hub_push_update_check(&updates[i]);
	if (rc == 0)
		rc = insert_push(c, repository_id, actor_id, reconciled, pushed_at, &id);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = insert_update(c, id, &updates[i]);
		if (rc == 0)
			rc = move_state(c, repository_id, &updates[i]);
	}
	if (rc == 0)
		rc = hub_push_event_emit(c, repository_id, actor_id, updates, n);
	if (rc == 0)
		rc = hub_pull_on_push(c, repository_id, actor_id, updates, n);
	if (rc == 0 && push_id)
		*push_id = id;
	return rc;
}

int hub_push_lock(arena *a, const char *repos_dir, const hub_repo *r)
{
	const char *dir = hub_repo_git_dir(a, repos_dir, r);
	const char *path = arena_printf(a, "%s/%s", dir, HUB_PUSH_LOCK);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_SH) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return err_fail(WEFT_ERROR, "cannot lock the repository: %s", strerror(e));
	}
	return fd;
}

/* ---- reading ---- */

int hub_push_list(db_conn *c, arena *a, int64_t repository_id, int limit, push_row **out,
                  size_t *count)
{
	db_stmt *st;
	size_t n = 0, cap = 0;
	push_row *rows = NULL;
	int rc = db_query(&st, c,
	                  "SELECT id, repository_id, actor_id, reconciled, pushed_at FROM pushes"
	                  " WHERE repository_id = $1 ORDER BY pushed_at DESC, id DESC LIMIT $2",
	                  db_int(repository_id), db_int(limit));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		rows = array_room(a, rows, n, &cap, sizeof *rows);
		rows[n++] = (push_row){ db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2),
			                db_col_int(st, 3) != 0, db_col_int(st, 4) };
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = rows;
	*count = n;
	return 0;
}

static int by_ref(const void *x, const void *y)
{
	return strcmp(((const push_update *)x)->ref, ((const push_update *)y)->ref);
}

/* In C, not SQL: PostgreSQL's collation would order refs differently from SQLite. */
static void sort_by_ref(push_update *items, size_t n)
{
	if (n > 1)
		qsort(items, n, sizeof *items, by_ref);
}

static void append_update(arena *a, push_update **items, size_t *n, size_t *cap, push_update u)
{
	*items = array_room(a, *items, *n, cap, sizeof **items);
	(*items)[(*n)++] = u;
}

/* The rows (ref, old hash, new hash) of sql with the one parameter id, sorted by ref; a NULL old
 * hash stays NULL. */
static int read_updates(db_conn *c, arena *a, const char *sql, int64_t id, push_update **out,
                        size_t *count)
{
	db_stmt *st;
	size_t n = 0, cap = 0;
	push_update *items = NULL;
	int rc = db_query(&st, c, sql, db_int(id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		const char *old = db_col_text(st, 1);
		push_update u = { arena_strdup(a, db_col_text(st, 0)),
			          old ? arena_strdup(a, old) : NULL,
			          arena_strdup(a, db_col_text(st, 2)) };
		append_update(a, &items, &n, &cap, u);
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	sort_by_ref(items, n);
	*out = items;
	*count = n;
	return 0;
}

int hub_push_updates(db_conn *c, arena *a, int64_t push_id, push_update **out, size_t *count)
{
	return read_updates(c, a,
	                    "SELECT ref, old_hash, new_hash FROM push_refs WHERE push_id = $1",
	                    push_id, out, count);
}

/* ---- reconciling ---- */

/* The recorded state of a repository's refs (hash in new_hash), sorted by ref. */
static int load_state(db_conn *c, arena *a, int64_t repository_id, push_update **out, size_t *count)
{
	return read_updates(c, a,
	                    "SELECT ref, NULL, hash FROM repository_refs WHERE repository_id = $1",
	                    repository_id, out, count);
}

static const char *zero_like(const char *hash)
{
	return zeros + (PUSH_HASH_MAX - strlen(hash));
}

/* The updates that take the recorded state to the disk's: both lists sorted by ref. */
static void diff_refs(arena *a, const push_update *disk, size_t ndisk, const push_update *state,
                      size_t nstate, push_update **out, size_t *count)
{
	size_t i = 0, j = 0, n = 0, cap = 0;
	push_update *items = NULL;
	while (i < ndisk || j < nstate) {
		int cmp = i == ndisk ? 1 : j == nstate ? -1 : strcmp(disk[i].ref, state[j].ref);
		if (cmp < 0) {
			const char *hash = disk[i].new_hash;
			append_update(a, &items, &n, &cap,
			              (push_update){ disk[i].ref, zero_like(hash), hash });
			i++;
		} else if (cmp > 0) {
			const char *hash = state[j].new_hash;
			append_update(a, &items, &n, &cap,
			              (push_update){ state[j].ref, hash, zero_like(hash) });
			j++;
		} else {
			if (strcmp(disk[i].new_hash, state[j].new_hash) != 0)
				append_update(a, &items, &n, &cap,
				              (push_update){ disk[i].ref, state[j].new_hash,
				                             disk[i].new_hash });
			i++;
			j++;
		}
	}
	*out = items;
	*count = n;
}

int hub_push_reconcile(db_conn *c, arena *a, int64_t repository_id, const push_update *refs,
                       size_t n, int64_t *push_id)
{
	push_update *disk = arena_alloc(a, (n ? n : 1) * sizeof *disk), *state = NULL,
	            *missing = NULL;
	size_t nstate = 0, nmissing = 0;
	if (n)
		memcpy(disk, refs, n * sizeof *disk);
	sort_by_ref(disk, n);
	*push_id = 0;
	int rc = load_state(c, a, repository_id, &state, &nstate);
	if (rc < 0)
		return rc;
	diff_refs(a, disk, n, state, nstate, &missing, &nmissing);
	if (nmissing == 0)
		return 0;
	return hub_push_record(c, repository_id, 0, true, clock_now_ms(), missing, nmissing,
	                       push_id);
}

int hub_push_disk_refs(arena *a, const char *dir, push_update **out, size_t *count)
{
	git_repository *repo = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	size_t n = 0, cap = 0;
	push_update *items = NULL;
	gitlib_ready();
	int rc = git_repository_open_bare(&repo, dir);
	if (rc == 0)
		rc = git_reference_iterator_new(&it, repo);
	while (rc == 0 && (rc = git_reference_next(&ref, it)) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
			char hex[PUSH_HASH_MAX + 1];
			git_oid_tostr(hex, sizeof hex, git_reference_target(ref));
			push_update u = { arena_strdup(a, git_reference_name(ref)), NULL,
				          arena_strdup(a, hex) };
			append_update(a, &items, &n, &cap, u);
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	git_repository_free(repo);
	if (rc != GIT_ITEROVER) {
		const git_error *e = git_error_last();
		return err_fail(WEFT_ERROR, "%s: cannot read its refs: %s", dir,
		                e ? e->message : "unknown error");
	}
	*out = items;
	*count = n;
	return 0;
}

/* ---- the job ---- */

typedef struct reconcile_ctx {
	arena *a;
	int64_t repository_id;
	hub_repo repo;
	push_update *refs;
	size_t nrefs;
	int64_t push_id;
} reconcile_ctx;

typedef struct id_list {
	arena *a;
	int64_t *ids;
	size_t n;
} id_list;

static int list_repositories(db_conn *c, void *ctx)
{
	id_list *l = ctx;
	db_stmt *st;
	size_t cap = 0;
	int rc = db_query(&st, c, "SELECT id FROM repositories ORDER BY id", DB_END);
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		l->ids = array_room(l->a, l->ids, l->n, &cap, sizeof *l->ids);
		l->ids[l->n++] = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	return rc;
}

static int load_repository(db_conn *c, void *ctx)
{
	reconcile_ctx *rc_ = ctx;
	return hub_repo_get(c, rc_->a, rc_->repository_id, &rc_->repo);
}

static int record_missing(db_conn *c, void *ctx)
{
	reconcile_ctx *rc_ = ctx;
	return hub_push_reconcile(c, rc_->a, rc_->repository_id, rc_->refs, rc_->nrefs,
	                          &rc_->push_id);
}

/* Reconciles one repository unless a push holds its lock: that push's hook records it. */
static int reconcile_one(const hub_app *app, int64_t repository_id, int *recorded)
{
	reconcile_ctx ctx = { .a = arena_new(), .repository_id = repository_id };
	int fd = -1;
	int rc = db_read(app->d, load_repository, &ctx);
	if (rc < 0)
		goto done;
	const char *dir = hub_repo_git_dir(ctx.a, app->repos_dir, &ctx.repo);
	const char *lock = arena_printf(ctx.a, "%s/%s", dir, HUB_PUSH_LOCK);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
		goto done; /* busy, or no repository on disk: nothing to do now */
	rc = hub_push_disk_refs(ctx.a, dir, &ctx.refs, &ctx.nrefs);
	if (rc == 0)
		rc = db_tx(app->d, record_missing, &ctx);
	if (rc == 0 && ctx.push_id) {
		(*recorded)++;
		log_warn("push reconcile: recorded ref updates of repository %lld that no hook "
		         "reported (push %lld)",
		         (long long)repository_id, (long long)ctx.push_id);
	}
done:
	if (fd >= 0)
		close(fd);
	arena_free(ctx.a);
	return rc == WEFT_ENOTFOUND ? 0 : rc;
}

int hub_push_reconcile_all(const hub_app *app, int *recorded)
{
	id_list list = { .a = arena_new() };
	*recorded = 0;
	int rc = db_read(app->d, list_repositories, &list);
	int failed = 0;
	for (size_t i = 0; rc == 0 && i < list.n; i++) {
		int one = reconcile_one(app, list.ids[i], recorded);
		if (one < 0) {
			log_error("push reconcile: repository %lld: %s", (long long)list.ids[i],
			          err_msg());
			failed = one;
		}
	}
	arena_free(list.a);
	return rc < 0 ? rc : failed;
}

static int reconcile_job(void *ctx, const job *j)
{
	(void)j;
	int recorded = 0;
	int rc = hub_push_reconcile_all(ctx, &recorded);
	int scheduled = jobs_schedule_periodic_now(((const hub_app *)ctx)->d,
	                                           HUB_PUSH_RECONCILE_JOB, PUSH_RECONCILE_EVERY_MS);
	return rc < 0 ? rc : scheduled;
}

int hub_push_reconcile_start(job_queue *q, const hub_app *app)
{
	job_queue_register(q, HUB_PUSH_RECONCILE_JOB, reconcile_job, (void *)app);
	return jobs_schedule_periodic_now(app->d, HUB_PUSH_RECONCILE_JOB, 0);
}
